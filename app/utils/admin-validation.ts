/**
 * The schemas of the admin pages' forms (people, gate checklists, e-mail, webhooks) and of a
 * person's own account and API tokens, one per intent (docs/architecture.md, "Forms"). Each
 * validates the form in the browser and again in its action, so both say the same thing.
 * They are built from the shared builders of app/utils/validation.ts; the API keeps using
 * those directly. No server module here: the pages' bundles import this file.
 */
import { z } from "zod";
import type { LogFilterInput } from "~/models/activity-log.server";
import { WEBHOOK_FORMATS } from "~/domain/vocabulary";
import { gateTimingsError, MAX_TIMING_DAYS, MIN_TIMING_DAYS } from "~/domain/reminders";
import {
  changePasswordSchema,
  dateField,
  gatePolicySchema,
  idField,
  newTokenSchema,
  templateSchema,
  text,
  updateUserSchema,
  versionField,
  webhookSchema,
  wholeNumber,
} from "./validation";

/** A checkbox that sends `yes` when ticked and nothing otherwise. */
const tickBox = z.literal("yes", { error: "Tick the box or leave it empty." }).optional();

// ---------- the password prompt of sudo mode, and the account page ----------

/**
 * "Confirm your password" (app/utils/sudo.server.ts): the refused action's fields come back
 * hidden and are checked by that action's own schema; this form adds the password.
 */
export const confirmPasswordSchema = z.object({ currentPassword: changePasswordSchema.shape.currentPassword });

/** The password change, with "Also revoke all my API tokens". */
export const changePasswordFormSchema = changePasswordSchema.safeExtend({ revokeAll: tickBox });

// ---------- API tokens ----------

/** A new token: a name, a last day (empty: 90 days) or, ticked, no expiry at all. */
export const createTokenSchema = newTokenSchema.extend({ noExpiry: tickBox });

export const revokeTokenSchema = z.object({ tokenId: idField("Choose a token.") });

// ---------- people ----------

/**
 * A person's discipline and role. A discipline change that would withdraw sign-offs is asked
 * first; the confirmation box posts the same fields with `confirmed=true`.
 */
export const accessSchema = updateUserSchema.extend({
  confirmed: z.literal("true", { error: "Confirm the change with its button." }).optional(),
});

/** Deactivating or reactivating a person: the person is the page's, the form sends no field. */
export const personStatusSchema = z.object({});

// ---------- gate checklists ----------

const gateStageField = z.enum(["pilot", "production"], { error: "Choose the gate to pilot or to production." });

export const addAttestationSchema = templateSchema.extend({ stage: gateStageField });

export const updateAttestationSchema = templateSchema.extend({
  templateId: idField("Choose a criterion."),
  version: versionField,
});

/** Moving, retiring or restoring a criterion (and switching an automatic check). */
export const templateIdSchema = z.object({ templateId: idField("Choose a criterion.") });

/** Approvals per discipline at a gate: version 0 means no number was stored yet (the default, 1, applies). */
export const approvalsSchema = gatePolicySchema.extend({ stage: gateStageField });

const daysMessage = `Enter a whole number of days from ${MIN_TIMING_DAYS} to ${MAX_TIMING_DAYS}.`;

/** Reminders and escalation: the domain's rule (app/domain/reminders.ts), which the model checks too. */
export const timingsSchema = z
  .object({
    stage: gateStageField,
    version: gatePolicySchema.shape.version,
    remindAfterDays: wholeNumber(daysMessage, MIN_TIMING_DAYS, MAX_TIMING_DAYS),
    escalateAfterDays: wholeNumber(daysMessage, MIN_TIMING_DAYS, MAX_TIMING_DAYS),
  })
  .superRefine((value, ctx) => {
    const problems = gateTimingsError(value);
    for (const [field, message] of Object.entries(problems ?? {})) {
      ctx.addIssue({ code: "custom", path: [field], message });
    }
  });

// ---------- e-mail and webhooks ----------

export const retryMailSchema = z.object({ mailId: idField("Choose a mail to retry.") });

/**
 * A new webhook: the API's webhookSchema, whose `events` the form posts as one `events[]` per
 * ticked box, and a format (Triad JSON when none is sent).
 */
export const addWebhookSchema = webhookSchema.extend({
  format: z.enum(WEBHOOK_FORMATS, { error: "Choose Triad JSON or Slack-compatible." }).default("triad"),
});

/** Deactivating or reactivating a webhook, at the version the page showed. */
export const webhookStatusSchema = z.object({ webhookId: idField("Choose a webhook."), version: versionField });

/**
 * Editing a webhook: its address, events and format at the version the page showed. The
 * secret is not edited here (rotate it). The model checks the address like a new one.
 */
export const editWebhookSchema = addWebhookSchema
  .omit({ secret: true })
  .extend({ webhookId: idField("Choose a webhook."), version: versionField });

/** A new secret for a webhook, made by Triad and shown once. */
export const rotateWebhookSecretSchema = webhookStatusSchema;

/** A test event to one webhook, through the outbox. */
export const testWebhookSchema = z.object({ webhookId: idField("Choose a webhook.") });

/** Sending one delivery's payload again, as a new delivery. */
export const redeliverSchema = z.object({ deliveryId: idField("Choose a delivery.") });

// ---------- the audit log (/admin/activity and its CSV) ----------

/** The query parameters of the log's filter form (the page's links add `before` or `after`). */
export const ACTIVITY_FILTER_KEYS = ["actor", "actorName", "action", "project", "projectName", "from", "to"] as const;
type ActivityFilterKey = (typeof ACTIVITY_FILTER_KEYS)[number];

/** A position in the log, as the page's links write it: `<at>-<id>` (milliseconds and row id). */
export type LogCursorParam = { at: number; id: number };

/** The filters as the model takes them (a person's id or "none", names, calendar dates both included). */
export type ActivityFilters = LogFilterInput;

/** What was wrong with a parameter, next to its field ("page" for a paging link). */
export type ActivityFilterProblems = Partial<Record<ActivityFilterKey | "page", string>>;

const nameSearchField = (label: string) => text(120, label).min(1, `Type part of the ${label}.`);

const ACTIVITY_FIELDS: Record<ActivityFilterKey, z.ZodType> = {
  actor: z.union([z.literal("none"), idField("Choose a person from the list.")], {
    error: "Choose a person from the list.",
  }),
  actorName: nameSearchField("name"),
  action: z
    .string()
    .max(80, "Choose an action from the list.")
    .regex(/^[a-z][a-z_]*(\.[a-z][a-z_]*)+$/, "Choose an action from the list."),
  project: idField("Choose a project from the list."),
  projectName: nameSearchField("project name"),
  from: dateField,
  to: dateField,
};

const CURSOR = /^(\d{1,16})-(\d{1,16})$/;
export const BAD_PAGE_LINK = "That page link is not valid, so the newest entries are shown.";

function parseCursor(value: string): LogCursorParam | null {
  const match = CURSOR.exec(value);
  if (!match) return null;
  const [at, id] = [Number(match[1]), Number(match[2])];
  return Number.isSafeInteger(at) && Number.isSafeInteger(id) && id >= 1 ? { at, id } : null;
}

export const cursorParam = (cursor: LogCursorParam) => `${cursor.at}-${cursor.id}`;

/**
 * The log's filters and paging from a query string. A malformed value is left out and says why
 * next to its field (the page still answers; the CSV refuses with 400): a person, project or
 * action not from the lists, a date that is not a real YYYY-MM-DD day, an end before the start,
 * a parameter given twice, a hand-edited page link. Unknown parameters are ignored.
 */
export function parseActivityFilters(search: URLSearchParams): {
  filters: ActivityFilters;
  before?: LogCursorParam;
  after?: LogCursorParam;
  problems: ActivityFilterProblems;
} {
  const filters: Record<string, unknown> = {};
  const problems: ActivityFilterProblems = {};
  for (const key of ACTIVITY_FILTER_KEYS) {
    const values = search.getAll(key).filter((v) => v !== "");
    if (values.length === 0) continue;
    if (values.length > 1) {
      problems[key] = "Give this filter once.";
      continue;
    }
    const parsed = ACTIVITY_FIELDS[key].safeParse(values[0]);
    if (parsed.success) filters[key] = parsed.data;
    else problems[key] = parsed.error.issues[0]?.message ?? "This filter is not valid.";
  }
  if (typeof filters.from === "string" && typeof filters.to === "string" && filters.to < filters.from) {
    problems.to = "The end date is before the start date: choose an end on or after the start.";
    delete filters.from;
    delete filters.to;
  }
  const paging: { before?: LogCursorParam; after?: LogCursorParam } = {};
  const before = search.getAll("before");
  const after = search.getAll("after");
  if (before.length + after.length > 1) problems.page = BAD_PAGE_LINK;
  else if (before.length === 1 || after.length === 1) {
    const cursor = parseCursor(before[0] ?? after[0]);
    if (!cursor) problems.page = BAD_PAGE_LINK;
    else if (before.length === 1) paging.before = cursor;
    else paging.after = cursor;
  }
  return { filters: filters as ActivityFilters, ...paging, problems };
}

/** The query string of `filters` (and a page position), to build the page's links and the CSV link. */
export function activityFiltersQuery(
  filters: ActivityFilters,
  paging: { before?: LogCursorParam; after?: LogCursorParam } = {},
): string {
  const params = new URLSearchParams();
  for (const key of ACTIVITY_FILTER_KEYS) {
    const value = filters[key];
    if (value !== undefined && value !== "") params.set(key, String(value));
  }
  if (paging.before) params.set("before", cursorParam(paging.before));
  if (paging.after) params.set("after", cursorParam(paging.after));
  const query = params.toString();
  return query ? `?${query}` : "";
}
