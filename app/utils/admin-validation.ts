/**
 * The schemas of the admin pages' forms (people, gate checklists, e-mail, webhooks) and of a
 * person's own account and API tokens, one per intent (docs/architecture.md, "Forms"). Each
 * validates the form in the browser and again in its action, so both say the same thing.
 * They are built from the shared builders of app/utils/validation.ts; the API keeps using
 * those directly. No server module here: the pages' bundles import this file.
 */
import { z } from "zod";
import { WEBHOOK_FORMATS } from "~/domain/vocabulary";
import { gateTimingsError, MAX_TIMING_DAYS, MIN_TIMING_DAYS } from "~/domain/reminders";
import {
  changePasswordSchema,
  gatePolicySchema,
  idField,
  newTokenSchema,
  templateSchema,
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
