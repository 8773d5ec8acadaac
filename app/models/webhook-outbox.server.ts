/**
 * The webhook outbox. A change that announces an event calls `enqueueWebhookEvent(tx, ...)`
 * inside its own transaction, so a delivery row exists exactly when the change was committed.
 * Each row holds the exact body its hook receives: the signed Triad JSON event, or for a
 * Slack-compatible hook `{"text": "<one sentence> <deep link>"}` (slackText below).
 * Test events (enqueueTestDelivery) and redeliveries (webhooks.server.ts) are rows here too.
 * The background worker (app/jobs/webhook-worker.server.ts) sends due deliveries and records
 * each outcome here; the user's request never waits for a receiver. Re-exported by
 * webhooks.server.ts, which holds the admin side.
 */
import { and, asc, eq, inArray, isNull, lte, sql, type SQL } from "drizzle-orm";
import { db, type Tx } from "../../db/client.server";
import {
  debtItems,
  notices,
  projects,
  webhookDeliveries,
  webhooks,
  type DebtItem,
  type Project,
} from "../../db/schema";
import { type WEBHOOK_FORMATS } from "~/domain/vocabulary";
import { decisionLabel, disciplineLabel, stageShortLabel } from "~/domain/labels";
import { toApiJson } from "~/lib/api-json";
import type { WebhookEvent } from "~/domain/vocabulary";
import { publicUrl } from "./mail-content.server";
import { withTx, type WriteOptions } from "./transaction.server";

export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** Slack (and Mattermost, Teams' Slack-compatible hooks) read &, < and > as markup: `<!channel>` would ping everyone. */
const slackEscape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

type EventData = {
  project?: { slug?: string; name?: string; stage?: string };
  review?: { targetStage?: string; openedBy?: { name?: string } };
  signoff?: { discipline?: string; decision?: string; user?: { name?: string } };
  fromStage?: string;
  promotedBy?: { name?: string };
  debtItem?: { id?: number; title?: string; targetDate?: string | null };
};

const label = <T extends Record<string, string>>(labels: T, value: string | undefined) =>
  value !== undefined && value in labels ? labels[value as keyof T] : (value ?? "");

/**
 * The one sentence and the absolute deep link a Slack-compatible hook receives for an event
 * (the same events as the Triad JSON, docs/decisions/002-json-api-tokens-webhooks.md).
 */
export function slackText(event: WebhookEvent, data: unknown, base = publicUrl()): string {
  const d = (data ?? {}) as EventData;
  const name = d.project?.name ?? "a project";
  const slug = encodeURIComponent(d.project?.slug ?? "");
  const projectLink = `${base}/projects/${slug}`;
  const debtLink = d.debtItem?.id !== undefined ? `${projectLink}/debt/${d.debtItem.id}` : `${projectLink}/debt`;
  const item = `“${d.debtItem?.title ?? "a debt item"}”`;
  const [sentence, link] = ((): [string, string] => {
    switch (event) {
      case "gate.review_opened":
        return [
          `${d.review?.openedBy?.name ?? "Someone"} opened the gate review to ${label(stageShortLabel, d.review?.targetStage)} of ${name}.`,
          `${projectLink}/gate`,
        ];
      case "gate.signoff":
        return [
          `${d.signoff?.user?.name ?? "Someone"} signed for ${label(disciplineLabel, d.signoff?.discipline)} on the gate review to ${label(stageShortLabel, d.review?.targetStage)} of ${name}: ${label(decisionLabel, d.signoff?.decision).toLowerCase()}.`,
          `${projectLink}/gate`,
        ];
      case "project.promoted":
        return [
          `${d.promotedBy?.name ?? "Someone"} promoted ${name} from ${label(stageShortLabel, d.fromStage)} to ${label(stageShortLabel, d.project?.stage)}.`,
          projectLink,
        ];
      case "debt.created":
        return [`Debt item ${item} was logged on ${name}.`, debtLink];
      case "debt.overdue":
        return [
          `Debt item ${item} of ${name} is overdue${d.debtItem?.targetDate ? ` (target date ${d.debtItem.targetDate})` : ""}.`,
          debtLink,
        ];
      case "debt.repaid":
        return [`Debt item ${item} of ${name} was repaid.`, debtLink];
      default:
        return [`${event} on ${name}.`, projectLink];
    }
  })();
  return `${slackEscape(sentence)} ${link}`;
}

type Database = Tx | typeof db;

/**
 * Writes one pending delivery per active webhook subscribed to `event`, with the exact body
 * that will be sent (and signed) on every attempt. Call it inside the change's transaction.
 */
export function enqueueWebhookEvent(tx: Database, event: WebhookEvent, data: unknown, now = Date.now()): number {
  const hooks = tx
    .select({ id: webhooks.id, format: webhooks.format })
    .from(webhooks)
    .where(
      and(
        eq(webhooks.active, true),
        sql`exists (select 1 from json_each(${webhooks.events}) where json_each.value = ${event})`,
      ),
    )
    .all();
  if (hooks.length === 0) return 0;
  const payload = JSON.stringify({ event, occurredAt: new Date(now).toISOString(), data: toApiJson(data) });
  const slack = hooks.some((hook) => hook.format === "slack") ? JSON.stringify({ text: slackText(event, data) }) : "";
  tx.insert(webhookDeliveries)
    .values(
      hooks.map((hook) => ({
        webhookId: hook.id,
        event,
        payload: hook.format === "slack" ? slack : payload,
        nextAttemptAt: now,
        createdAt: now,
      })),
    )
    .run();
  return hooks.length;
}

/**
 * The event of a test delivery: not one a webhook subscribes to (WEBHOOK_EVENTS), but one an
 * admin sends to one hook from /admin/webhooks to see it arrive (README.md, "JSON API and
 * webhooks"). It goes through this outbox like any event, so the worker sends it with the same
 * signature, address checks and retries.
 */
export const WEBHOOK_TEST_EVENT = "webhook.test";

/**
 * Queues one test delivery to `hook` (active or not: the caller decides), in its format, and
 * returns the delivery's id. Call it inside the request's transaction.
 */
export function enqueueTestDelivery(
  tx: Database,
  hook: { id: number; url: string; format: WebhookFormat },
  sentBy: { id: number; name: string },
  now = Date.now(),
): number {
  const payload =
    hook.format === "slack"
      ? JSON.stringify({
          text: `${slackEscape(`A test message from Triad, sent by ${sentBy.name}: this channel will hear about gate decisions and debt.`)} ${publicUrl()}/admin/webhooks`,
        })
      : JSON.stringify({
          event: WEBHOOK_TEST_EVENT,
          occurredAt: new Date(now).toISOString(),
          data: toApiJson({
            test: true,
            message: "A test event from Triad: nothing changed. Check its X-Triad-Signature with your secret.",
            webhook: { id: hook.id, url: hook.url },
            sentBy,
          }),
        });
  return tx
    .insert(webhookDeliveries)
    .values({ webhookId: hook.id, event: WEBHOOK_TEST_EVENT, payload, nextAttemptAt: now, createdAt: now })
    .returning({ id: webhookDeliveries.id })
    .get().id;
}

/**
 * The format a stored body was written in: a Slack-compatible body is `{"text": ...}` alone,
 * a Triad event carries `event`. Redelivery sends a body only to a hook of its format.
 */
export function payloadFormat(payload: string): WebhookFormat {
  try {
    const value = JSON.parse(payload) as unknown;
    return value && typeof value === "object" && "text" in value && !("event" in value) ? "slack" : "triad";
  } catch {
    return "triad";
  }
}

/** Whether any active webhook listens to `event` (lets the overdue scan skip its query). */
export function hasSubscribers(event: WebhookEvent, database: Database = db): boolean {
  return Boolean(
    database
      .select({ id: webhooks.id })
      .from(webhooks)
      .where(
        and(
          eq(webhooks.active, true),
          sql`exists (select 1 from json_each(${webhooks.events}) where json_each.value = ${event})`,
        ),
      )
      .get(),
  );
}

/** The project as events describe it. */
export function webhookProject(project: Pick<Project, "id" | "slug" | "name" | "stage" | "state">) {
  return { id: project.id, slug: project.slug, name: project.name, stage: project.stage, state: project.state };
}

/** debt.created / debt.repaid / debt.overdue for one item; call inside the change's transaction. */
export function enqueueDebtEvent(
  tx: Database,
  event: Extract<WebhookEvent, `debt.${string}`>,
  item: Pick<
    DebtItem,
    | "id"
    | "projectId"
    | "register"
    | "title"
    | "category"
    | "severity"
    | "status"
    | "principalDays"
    | "interestDays"
    | "ownerId"
    | "targetDate"
    | "repayBeforeStage"
    | "openedAt"
    | "repaidAt"
  >,
  now = Date.now(),
): number {
  if (!hasSubscribers(event, tx)) return 0;
  const project = tx
    .select({ id: projects.id, slug: projects.slug, name: projects.name, stage: projects.stage, state: projects.state })
    .from(projects)
    .where(eq(projects.id, item.projectId))
    .get();
  if (!project) return 0;
  const { projectId: _projectId, ...debtItem } = item;
  return enqueueWebhookEvent(tx, event, { project: webhookProject(project), debtItem }, now);
}

const debtEventColumns = {
  id: debtItems.id,
  projectId: debtItems.projectId,
  register: debtItems.register,
  title: debtItems.title,
  category: debtItems.category,
  severity: debtItems.severity,
  status: debtItems.status,
  principalDays: debtItems.principalDays,
  interestDays: debtItems.interestDays,
  ownerId: debtItems.ownerId,
  targetDate: debtItems.targetDate,
  repayBeforeStage: debtItems.repayBeforeStage,
  openedAt: debtItems.openedAt,
  repaidAt: debtItems.repaidAt,
};

/**
 * debt.overdue, once per item: items matching `overdue` (the debt model's overdueSql, passed
 * in by the worker) that have no notice yet get one, and their event, in one transaction each.
 * Skipped while no webhook listens, so a hook added later hears about what is overdue now.
 */
export function announceOverdueDebt(
  {
    overdue,
    now,
    limit = 100,
  }: {
    overdue: SQL;
    now: number;
    limit?: number;
  },
  options?: WriteOptions,
): number {
  now = options?.now ?? now;
  const database = options?.tx ?? db;
  if (!hasSubscribers("debt.overdue", database)) return 0;
  const noticeKey = sql`'debt.overdue:' || ${debtItems.id}`;
  const items = database
    .select(debtEventColumns)
    .from(debtItems)
    .leftJoin(notices, eq(notices.key, noticeKey))
    .where(and(overdue, isNull(notices.key)))
    .orderBy(asc(debtItems.id))
    .limit(limit)
    .all();
  let announced = 0;
  for (const item of items) {
    withTx({ tx: options?.tx, now }, (tx) => {
      const inserted = tx
        .insert(notices)
        .values({ key: `debt.overdue:${item.id}`, createdAt: now })
        .onConflictDoNothing()
        .returning({ key: notices.key })
        .get();
      if (inserted) announced += enqueueDebtEvent(tx, "debt.overdue", item, now) > 0 ? 1 : 0;
    });
  }
  return announced;
}

/** debt.repaid when a change settled the item (by hand, or by its last step). */
export function enqueueIfRepaid(
  tx: Database,
  before: Pick<DebtItem, "status">,
  after: Parameters<typeof enqueueDebtEvent>[2],
  now = Date.now(),
): void {
  if (after.status === "repaid" && before.status !== "repaid") enqueueDebtEvent(tx, "debt.repaid", after, now);
}

/** The same for items known by id (the conditions a sign-off logged as debt). */
export function enqueueDebtEventsById(
  tx: Database,
  event: Extract<WebhookEvent, `debt.${string}`>,
  itemIds: number[],
  now = Date.now(),
): void {
  if (itemIds.length === 0 || !hasSubscribers(event, tx)) return;
  const items = tx.select(debtEventColumns).from(debtItems).where(inArray(debtItems.id, itemIds)).all();
  for (const item of items) enqueueDebtEvent(tx, event, item, now);
}

/**
 * What a failed attempt records in last_error, and all the admin page shows of it: a generic
 * class, never the receiver's reply (docs/decisions/002-json-api-tokens-webhooks.md).
 */
export const DELIVERY_FAILURES = [
  "refused address",
  "connection failed",
  "timeout",
  "invalid response",
  "deactivated",
  /** Dropped: the hook's format changed while it was pending, so its body no longer fits. */
  "format changed",
] as const;
export type DeliveryFailure = (typeof DELIVERY_FAILURES)[number] | `http ${number}`;

/** How each failure class reads on the admin pages; an HTTP answer reads as its status code. */
const FAILURE_LABELS: Record<(typeof DELIVERY_FAILURES)[number], string> = {
  "refused address": "Refused: not a public address",
  "connection failed": "Connection failed",
  timeout: "No answer in time",
  "invalid response": "Invalid response",
  deactivated: "Dropped: webhook deactivated",
  "format changed": "Dropped: the webhook's format changed",
};

/** "HTTP 500", "No answer in time"... or null when the attempt had no failure. */
export function deliveryFailureLabel(failure: DeliveryFailure | null): string | null {
  if (failure === null) return null;
  return failure.startsWith("http ")
    ? `HTTP ${failure.slice(5)}`
    : FAILURE_LABELS[failure as keyof typeof FAILURE_LABELS];
}

/** The wording of deactivations recorded before last_error held only a class. */
const LEGACY_DEACTIVATED = "The webhook was deactivated before this was delivered.";

/**
 * The class to show for a stored last_error. Rows written before the classes existed may hold
 * free text (even part of a receiver's reply): that text is never shown, only a class.
 */
export function deliveryFailure(lastError: string | null, lastStatusCode: number | null): DeliveryFailure | null {
  if (lastError === null) return null;
  if ((DELIVERY_FAILURES as readonly string[]).includes(lastError)) return lastError as DeliveryFailure;
  if (/^http \d{3}$/.test(lastError)) return lastError as DeliveryFailure;
  if (lastError === LEGACY_DEACTIVATED) return "deactivated";
  return lastStatusCode ? `http ${lastStatusCode}` : "connection failed";
}

export type DueDelivery = {
  id: number;
  webhookId: number;
  event: string;
  payload: string;
  attempts: number;
  url: string;
  secret: string;
  /** "slack" deliveries are not signed: the receiver does not check signatures. */
  format: WebhookFormat;
};

/** Pending deliveries whose time has come, oldest first, of active webhooks only. */
export function dueDeliveries(now: number, limit: number): DueDelivery[] {
  return db
    .select({
      id: webhookDeliveries.id,
      webhookId: webhookDeliveries.webhookId,
      event: webhookDeliveries.event,
      payload: webhookDeliveries.payload,
      attempts: webhookDeliveries.attempts,
      url: webhooks.url,
      secret: webhooks.secret,
      format: webhooks.format,
    })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .where(
      and(
        eq(webhookDeliveries.status, "pending"),
        lte(webhookDeliveries.nextAttemptAt, now),
        eq(webhooks.active, true),
      ),
    )
    .orderBy(asc(webhookDeliveries.nextAttemptAt), asc(webhookDeliveries.id))
    .limit(limit)
    .all();
}

/**
 * The outcome of one attempt: delivered, retried at `retryAt`, or (retryAt null) given up.
 * Only a still-pending row is touched, so a deactivation in between is not undone.
 */
export function recordDeliveryAttempt(
  {
    id,
    delivered,
    statusCode,
    error,
    retryAt,
    now,
  }: {
    id: number;
    delivered: boolean;
    statusCode: number | null;
    error: DeliveryFailure | null;
    retryAt: number | null;
    now: number;
  },
  options?: WriteOptions,
): void {
  now = options?.now ?? now;
  (options?.tx ?? db)
    .update(webhookDeliveries)
    .set({
      attempts: sql`${webhookDeliveries.attempts} + 1`,
      lastStatusCode: statusCode,
      lastError: error,
      ...(delivered
        ? { status: "delivered" as const, deliveredAt: now }
        : retryAt === null
          ? { status: "failed" as const }
          : { nextAttemptAt: retryAt }),
    })
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.status, "pending")))
    .run();
}
