/**
 * Webhooks (/admin/webhooks) and their outbox. A change that announces an event calls
 * `enqueueWebhookEvent(tx, ...)` inside its own transaction, so a delivery row exists exactly
 * when the change was committed. The background worker (app/utils/webhook-worker.server.ts)
 * sends due deliveries and records each outcome here; the user's request never waits for a
 * receiver.
 */
import { and, asc, desc, eq, inArray, isNull, lte, sql, type SQL } from "drizzle-orm";
import { db, type Tx } from "../../db/client.server";
import {
  debtItems,
  notices,
  projects,
  users,
  webhookDeliveries,
  webhooks,
  type DebtItem,
  type Project,
} from "../../db/schema";
import { ConflictError, ForbiddenError, NotFoundError } from "~/domain/errors";
import { can } from "~/domain/permissions";
import { toApiJson } from "~/utils/api-json";
import type { WebhookEvent } from "~/utils/validation";
import { recordActivity } from "./activity.server";
import type { Actor } from "./users.server";

export { WEBHOOK_EVENTS, type WebhookEvent } from "~/utils/validation";

/** What each event means, for the admin page and the OpenAPI description. */
export const webhookEventDescription: Record<WebhookEvent, string> = {
  "gate.review_opened": "A gate review was opened for a project.",
  "gate.signoff": "A discipline signed off (approve, approve with conditions, or changes requested).",
  "project.promoted": "A project passed its gate and moved to the next stage.",
  "debt.created": "A debt item was logged (also a condition of a sign-off).",
  "debt.overdue": "A debt item went past its target date or a step's due date (announced once per item).",
  "debt.repaid": "A debt item was repaid.",
};

type Database = Tx | typeof db;

// ---------- the outbox ----------

/**
 * Writes one pending delivery per active webhook subscribed to `event`, with the exact body
 * that will be sent (and signed) on every attempt. Call it inside the change's transaction.
 */
export function enqueueWebhookEvent(tx: Database, event: WebhookEvent, data: unknown, now = Date.now()): number {
  const hooks = tx
    .select({ id: webhooks.id })
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
  tx.insert(webhookDeliveries)
    .values(hooks.map((hook) => ({ webhookId: hook.id, event, payload, nextAttemptAt: now, createdAt: now })))
    .run();
  return hooks.length;
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
export function announceOverdueDebt({ overdue, now, limit = 100 }: { overdue: SQL; now: number; limit?: number }): number {
  if (!hasSubscribers("debt.overdue")) return 0;
  const noticeKey = sql`'debt.overdue:' || ${debtItems.id}`;
  const items = db
    .select(debtEventColumns)
    .from(debtItems)
    .leftJoin(notices, eq(notices.key, noticeKey))
    .where(and(overdue, isNull(notices.key)))
    .orderBy(asc(debtItems.id))
    .limit(limit)
    .all();
  let announced = 0;
  for (const item of items) {
    db.transaction((tx) => {
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

export type DueDelivery = {
  id: number;
  webhookId: number;
  event: string;
  payload: string;
  attempts: number;
  url: string;
  secret: string;
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
export function recordDeliveryAttempt({
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
  error: string | null;
  retryAt: number | null;
  now: number;
}): void {
  db.update(webhookDeliveries)
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

// ---------- managing webhooks (admins) ----------

function requireManager(actor: Actor) {
  if (!can(actor, "webhooks:manage")) throw new ForbiddenError("Only admins manage webhooks.");
}

const hookColumns = {
  id: webhooks.id,
  url: webhooks.url,
  events: webhooks.events,
  active: webhooks.active,
  createdAt: webhooks.createdAt,
  version: webhooks.version,
  createdByName: users.name,
};

export type WebhookRow = {
  id: number;
  url: string;
  events: WebhookEvent[];
  active: boolean;
  createdAt: number;
  version: number;
  createdByName: string;
  pending: number;
  failed: number;
};

export function listWebhooks(): WebhookRow[] {
  const rows = db
    .select(hookColumns)
    .from(webhooks)
    .innerJoin(users, eq(users.id, webhooks.createdById))
    .orderBy(desc(webhooks.active), asc(webhooks.id))
    .all();
  const counts = db
    .select({ webhookId: webhookDeliveries.webhookId, status: webhookDeliveries.status, n: sql<number>`count(*)` })
    .from(webhookDeliveries)
    .where(inArray(webhookDeliveries.status, ["pending", "failed"]))
    .groupBy(webhookDeliveries.webhookId, webhookDeliveries.status)
    .all();
  const count = (id: number, status: string) => counts.find((c) => c.webhookId === id && c.status === status)?.n ?? 0;
  return rows.map((row) => ({
    ...row,
    events: JSON.parse(row.events) as WebhookEvent[],
    pending: count(row.id, "pending"),
    failed: count(row.id, "failed"),
  }));
}

export function listRecentDeliveries({ limit = 50 }: { limit?: number } = {}) {
  return db
    .select({
      id: webhookDeliveries.id,
      webhookId: webhookDeliveries.webhookId,
      url: webhooks.url,
      event: webhookDeliveries.event,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      lastStatusCode: webhookDeliveries.lastStatusCode,
      lastError: webhookDeliveries.lastError,
      createdAt: webhookDeliveries.createdAt,
      deliveredAt: webhookDeliveries.deliveredAt,
    })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .orderBy(desc(webhookDeliveries.id))
    .limit(limit)
    .all();
}

export function createWebhook({
  actor,
  url,
  secret,
  events,
  now = Date.now(),
}: {
  actor: Actor;
  url: string;
  secret: string;
  events: WebhookEvent[];
  now?: number;
}) {
  requireManager(actor);
  const unique = [...new Set(events)];
  return db.transaction((tx) => {
    const created = tx
      .insert(webhooks)
      .values({ url, secret, events: JSON.stringify(unique), createdById: actor.id, createdAt: now })
      .returning({ id: webhooks.id, url: webhooks.url })
      .get();
    recordActivity(tx, {
      actorId: actor.id,
      entityType: "webhook",
      entityId: created.id,
      action: "webhook.created",
      summary: `${actor.name} added a webhook to ${url} (${unique.join(", ")})`,
      after: { url, events: unique },
      via: actor.via,
      at: now,
    });
    return created;
  });
}

/**
 * Deactivating stops all sending at once: its pending deliveries are marked failed.
 * Webhooks are never deleted, so the delivery history stays readable.
 */
export function setWebhookActive({
  actor,
  webhookId,
  version,
  active,
  now = Date.now(),
}: {
  actor: Actor;
  webhookId: number;
  version: number;
  active: boolean;
  now?: number;
}) {
  requireManager(actor);
  return db.transaction((tx) => {
    const before = tx.select().from(webhooks).where(eq(webhooks.id, webhookId)).get();
    if (!before) throw new NotFoundError("No such webhook.");
    if (before.active === active) {
      throw new ConflictError(`The webhook to ${before.url} is already ${active ? "active" : "deactivated"}.`);
    }
    const after = tx
      .update(webhooks)
      .set({ active, version: sql`${webhooks.version} + 1` })
      .where(and(eq(webhooks.id, webhookId), eq(webhooks.version, version)))
      .returning({ id: webhooks.id, url: webhooks.url })
      .get();
    if (!after) {
      throw new ConflictError("Someone else changed this webhook since you opened the page. Reload and try again.");
    }
    const dropped = active
      ? []
      : tx
          .update(webhookDeliveries)
          .set({ status: "failed", lastError: "The webhook was deactivated before this was delivered." })
          .where(and(eq(webhookDeliveries.webhookId, webhookId), eq(webhookDeliveries.status, "pending")))
          .returning({ id: webhookDeliveries.id })
          .all();
    recordActivity(tx, {
      actorId: actor.id,
      entityType: "webhook",
      entityId: webhookId,
      action: active ? "webhook.reactivated" : "webhook.deactivated",
      summary:
        `${actor.name} ${active ? "reactivated" : "deactivated"} the webhook to ${before.url}` +
        (dropped.length ? ` (${dropped.length} pending deliver${dropped.length === 1 ? "y" : "ies"} dropped)` : ""),
      before: { active: before.active },
      after: { active, ...(dropped.length ? { droppedDeliveries: dropped.length } : {}) },
      via: actor.via,
      at: now,
    });
    return after;
  });
}
