/**
 * Webhooks (/admin/webhooks) and their outbox. This module is the admins' side (list, add,
 * deactivate); a hook is either "triad" (the signed JSON event) or "slack" (a Slack-compatible
 * `{"text": ...}` with a deep link, for a team channel). The outbox (enqueueing events inside a change's transaction, and the delivery
 * bookkeeping of the background worker) is in webhook-outbox.server.ts, re-exported here.
 */
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { db } from "../../db/client.server";
import { users, webhookDeliveries, webhooks } from "../../db/schema";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/domain/errors";
import { can } from "~/domain/permissions";
import { refusedUrlReason } from "~/lib/safe-fetch.server";
import type { WebhookEvent } from "~/domain/vocabulary";
import { webhookActiveChanged, webhookCreated } from "~/domain/activity-sentences";
import { recordActivity } from "./activity.server";
import type { Actor } from "./users.server";
import { withTx, type WriteOptions } from "./transaction.server";
import { deliveryFailure, type DeliveryFailure, type WebhookFormat } from "./webhook-outbox.server";

export * from "./webhook-outbox.server";

// ---------- managing webhooks (admins) ----------

function requireManager(actor: Actor) {
  if (!can(actor, "webhooks:manage")) throw new ForbiddenError("Only admins manage webhooks.");
}

const hookColumns = {
  id: webhooks.id,
  url: webhooks.url,
  events: webhooks.events,
  active: webhooks.active,
  format: webhooks.format,
  createdAt: webhooks.createdAt,
  version: webhooks.version,
  createdByName: users.name,
};

export type WebhookRow = {
  id: number;
  url: string;
  events: WebhookEvent[];
  active: boolean;
  format: WebhookFormat;
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

export type DeliveryRow = {
  id: number;
  webhookId: number;
  url: string;
  event: string;
  status: (typeof webhookDeliveries.$inferSelect)["status"];
  attempts: number;
  nextAttemptAt: number;
  lastStatusCode: number | null;
  /** A generic class only: the stored text itself never leaves this function. */
  failure: DeliveryFailure | null;
  createdAt: number;
  deliveredAt: number | null;
};

export function listRecentDeliveries({ limit = 50 }: { limit?: number } = {}): DeliveryRow[] {
  const rows = db
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
  return rows.map(({ lastError, ...row }) => ({ ...row, failure: deliveryFailure(lastError, row.lastStatusCode) }));
}

export function createWebhook(
  {
    actor,
    url,
    secret,
    events,
    format = "triad",
    now = Date.now(),
  }: {
    actor: Actor;
    url: string;
    secret: string;
    events: WebhookEvent[];
    format?: WebhookFormat;
    now?: number;
  },
  options?: WriteOptions,
) {
  now = options?.now ?? now;
  requireManager(actor);
  // An IP literal is judged now; a host name at each delivery, since its DNS answer can change.
  const refused = refusedUrlReason(url);
  if (refused) throw new ValidationError(refused, { url: refused });
  const unique = [...new Set(events)];
  return withTx({ tx: options?.tx, now }, (tx) => {
    const created = tx
      .insert(webhooks)
      .values({ url, secret, events: JSON.stringify(unique), format, createdById: actor.id, createdAt: now })
      .returning({ id: webhooks.id, url: webhooks.url })
      .get();
    recordActivity(tx, {
      actorId: actor.id,
      entityType: "webhook",
      entityId: created.id,
      action: "webhook.created",
      summary: webhookCreated(actor.name, url, unique, format === "slack"),
      after: { url, events: unique, format },
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
export function setWebhookActive(
  {
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
  },
  options?: WriteOptions,
) {
  now = options?.now ?? now;
  requireManager(actor);
  return withTx({ tx: options?.tx, now }, (tx) => {
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
          .set({ status: "failed", lastError: "deactivated" satisfies DeliveryFailure })
          .where(and(eq(webhookDeliveries.webhookId, webhookId), eq(webhookDeliveries.status, "pending")))
          .returning({ id: webhookDeliveries.id })
          .all();
    recordActivity(tx, {
      actorId: actor.id,
      entityType: "webhook",
      entityId: webhookId,
      action: active ? "webhook.reactivated" : "webhook.deactivated",
      summary: webhookActiveChanged(actor.name, before.url, active, dropped.length),
      before: { active: before.active },
      after: { active, ...(dropped.length ? { droppedDeliveries: dropped.length } : {}) },
      via: actor.via,
      at: now,
    });
    return after;
  });
}
