/**
 * Webhooks (/admin/webhooks) and their outbox. This module is the admins' side (list, add,
 * edit, rotate the secret, send a test event, deactivate; a delivery's payload and sending it
 * again); a hook is either "triad" (the signed JSON event) or "slack" (a Slack-compatible
 * `{"text": ...}` with a deep link, for a team channel). The outbox (enqueueing events inside a change's transaction, and the delivery
 * bookkeeping of the background worker) is in webhook-outbox.server.ts, re-exported here.
 */
import { randomBytes } from "node:crypto";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { db } from "../../db/client.server";
import { users, webhookDeliveries, webhooks } from "../../db/schema";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/domain/errors";
import { can } from "~/domain/permissions";
import { refusedUrlReason } from "~/lib/safe-fetch.server";
import type { WebhookEvent } from "~/domain/vocabulary";
import {
  webhookActiveChanged,
  webhookCreated,
  webhookEdited,
  webhookRedelivered,
  webhookSecretRotated,
  webhookTestSent,
} from "~/domain/activity-sentences";
import { recordActivity } from "./activity.server";
import type { Actor } from "./users.server";
import { withTx, type WriteOptions } from "./transaction.server";
import {
  deliveryFailure,
  deliveryFailureLabel,
  enqueueTestDelivery,
  payloadFormat,
  type DeliveryFailure,
  type WebhookFormat,
} from "./webhook-outbox.server";

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
  /** The class as the page says it: "HTTP 500", "No answer in time"... */
  failureLabel: string | null;
  createdAt: number;
  deliveredAt: number | null;
};

/** A delivery's columns as the admin pages list and show it (with its hook's address). */
const deliveryColumns = {
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
};

/** The stored error replaced by its class and the page's words for it (the error text is never shown). */
function withFailureClass<R extends { lastError: string | null; lastStatusCode: number | null }>({
  lastError,
  ...row
}: R) {
  const failure = deliveryFailure(lastError, row.lastStatusCode);
  return { ...row, failure, failureLabel: deliveryFailureLabel(failure) };
}

export function listRecentDeliveries({ limit = 50 }: { limit?: number } = {}): DeliveryRow[] {
  return db
    .select(deliveryColumns)
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .orderBy(desc(webhookDeliveries.id))
    .limit(limit)
    .all()
    .map(withFailureClass);
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

const CHANGED_SINCE = "Someone else changed this webhook since you opened the page. Reload and try again.";

const formatName = (format: WebhookFormat) => (format === "slack" ? "Slack-compatible messages" : "Triad JSON");

/**
 * Edits a hook's address, events and format at the version the page showed. The address is
 * checked as on creation (an IP literal in an internal or reserved range is refused; a host
 * name at each delivery). Pending deliveries go to the new address; when the format changes,
 * those written in the old format are dropped (failed, "format changed"), since their body no
 * longer fits the receiver. Returns null when nothing changed (nothing is written).
 */
export function updateWebhook(
  {
    actor,
    webhookId,
    version,
    url,
    events,
    format,
    now = Date.now(),
  }: {
    actor: Actor;
    webhookId: number;
    version: number;
    url: string;
    events: WebhookEvent[];
    format: WebhookFormat;
    now?: number;
  },
  options?: WriteOptions,
): { id: number; url: string; dropped: number } | null {
  now = options?.now ?? now;
  requireManager(actor);
  const refused = refusedUrlReason(url);
  if (refused) throw new ValidationError(refused, { url: refused });
  const unique = [...new Set(events)];
  return withTx({ tx: options?.tx, now }, (tx) => {
    const before = tx.select().from(webhooks).where(eq(webhooks.id, webhookId)).get();
    if (!before) throw new NotFoundError("No such webhook.");
    if (before.version !== version) throw new ConflictError(CHANGED_SINCE);
    const beforeEvents = JSON.parse(before.events) as WebhookEvent[];
    const sameEvents = unique.length === beforeEvents.length && unique.every((e) => beforeEvents.includes(e));
    const change = {
      url: url !== before.url ? url : undefined,
      events: sameEvents ? undefined : unique,
      format: format !== before.format ? format : undefined,
    };
    if (!change.url && !change.events && !change.format) return null;
    const after = tx
      .update(webhooks)
      .set({ url, events: JSON.stringify(unique), format, version: sql`${webhooks.version} + 1` })
      .where(and(eq(webhooks.id, webhookId), eq(webhooks.version, version)))
      .returning({ id: webhooks.id, url: webhooks.url })
      .get();
    if (!after) throw new ConflictError(CHANGED_SINCE);
    const dropped = change.format
      ? tx
          .update(webhookDeliveries)
          .set({ status: "failed", lastError: "format changed" satisfies DeliveryFailure })
          .where(and(eq(webhookDeliveries.webhookId, webhookId), eq(webhookDeliveries.status, "pending")))
          .returning({ id: webhookDeliveries.id })
          .all().length
      : 0;
    recordActivity(tx, {
      actorId: actor.id,
      entityType: "webhook",
      entityId: webhookId,
      action: "webhook.updated",
      summary: webhookEdited(actor.name, before.url, change, dropped),
      before: {
        ...(change.url ? { url: before.url } : {}),
        ...(change.events ? { events: beforeEvents } : {}),
        ...(change.format ? { format: before.format } : {}),
      },
      after: { ...change, ...(dropped ? { droppedDeliveries: dropped } : {}) },
      via: actor.via,
      at: now,
    });
    return { ...after, dropped };
  });
}

/** A new signing secret: 24 random bytes, 32 characters. */
export const newWebhookSecret = () => randomBytes(24).toString("base64url");

/**
 * Replaces a Triad JSON hook's signing secret with a new random one and returns it: the only
 * time it is shown. From now on every attempt, pending deliveries included, is signed with it.
 * Slack-compatible hooks are not signed, so they have none to rotate.
 */
export function rotateWebhookSecret(
  { actor, webhookId, version, now = Date.now() }: { actor: Actor; webhookId: number; version: number; now?: number },
  options?: WriteOptions,
): { id: number; url: string; secret: string } {
  now = options?.now ?? now;
  requireManager(actor);
  const secret = newWebhookSecret();
  return withTx({ tx: options?.tx, now }, (tx) => {
    const before = tx.select().from(webhooks).where(eq(webhooks.id, webhookId)).get();
    if (!before) throw new NotFoundError("No such webhook.");
    if (before.format === "slack") {
      throw new ConflictError(
        `The webhook to ${before.url} sends Slack-compatible messages, which are not signed: it has no secret to rotate.`,
      );
    }
    const after = tx
      .update(webhooks)
      .set({ secret, version: sql`${webhooks.version} + 1` })
      .where(and(eq(webhooks.id, webhookId), eq(webhooks.version, version)))
      .returning({ id: webhooks.id, url: webhooks.url })
      .get();
    if (!after) throw new ConflictError(CHANGED_SINCE);
    // The audit row says that it changed, never what it is.
    recordActivity(tx, {
      actorId: actor.id,
      entityType: "webhook",
      entityId: webhookId,
      action: "webhook.secret_rotated",
      summary: webhookSecretRotated(actor.name, before.url),
      via: actor.via,
      at: now,
    });
    return { ...after, secret };
  });
}

/**
 * Queues a `webhook.test` delivery to one active hook (whatever its events), which the worker
 * sends like any other: signed, to a checked address, retried. Returns the delivery's id.
 */
export function sendWebhookTest(
  { actor, webhookId, now = Date.now() }: { actor: Actor; webhookId: number; now?: number },
  options?: WriteOptions,
): { deliveryId: number; url: string } {
  now = options?.now ?? now;
  requireManager(actor);
  return withTx({ tx: options?.tx, now }, (tx) => {
    const hook = tx.select().from(webhooks).where(eq(webhooks.id, webhookId)).get();
    if (!hook) throw new NotFoundError("No such webhook.");
    if (!hook.active) {
      throw new ConflictError(`The webhook to ${hook.url} is deactivated: reactivate it to send a test event.`);
    }
    const deliveryId = enqueueTestDelivery(tx, hook, { id: actor.id, name: actor.name }, now);
    recordActivity(tx, {
      actorId: actor.id,
      entityType: "webhook",
      entityId: webhookId,
      action: "webhook.test_sent",
      summary: webhookTestSent(actor.name, hook.url),
      after: { deliveryId },
      via: actor.via,
      at: now,
    });
    return { deliveryId, url: hook.url };
  });
}

export type DeliveryDetail = DeliveryRow & {
  format: WebhookFormat;
  webhookActive: boolean;
  /** The exact body sent, indented when it is JSON (it always is): for reading, never re-sent from here. */
  payloadText: string;
  /** Whether "Send again" applies: delivered or failed, to an active hook of the body's format. */
  redeliverable: boolean;
};

/** One delivery with its body; the receiver's reply was never kept, and its failure shows only as a class. */
export function getWebhookDelivery(deliveryId: number): DeliveryDetail | null {
  const row = db
    .select({
      ...deliveryColumns,
      format: webhooks.format,
      webhookActive: webhooks.active,
      payload: webhookDeliveries.payload,
    })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .where(eq(webhookDeliveries.id, deliveryId))
    .get();
  if (!row) return null;
  const { payload, ...rest } = row;
  let payloadText = payload;
  try {
    payloadText = JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    // Shown as stored.
  }
  return {
    ...withFailureClass(rest),
    payloadText,
    redeliverable: row.status !== "pending" && row.webhookActive && payloadFormat(payload) === row.format,
  };
}

/**
 * Sends a delivered or failed delivery again: a new pending delivery to the same hook with
 * the same event and the exact same body (so the same `occurredAt`; a new X-Triad-Delivery id),
 * recorded in the audit log. Refused for a pending delivery (it is still being tried), a
 * deactivated hook, or a body in the other format than the hook's now.
 */
export function redeliverWebhookDelivery(
  { actor, deliveryId, now = Date.now() }: { actor: Actor; deliveryId: number; now?: number },
  options?: WriteOptions,
): { deliveryId: number; url: string } {
  now = options?.now ?? now;
  requireManager(actor);
  return withTx({ tx: options?.tx, now }, (tx) => {
    const original = tx
      .select({
        id: webhookDeliveries.id,
        webhookId: webhookDeliveries.webhookId,
        event: webhookDeliveries.event,
        payload: webhookDeliveries.payload,
        status: webhookDeliveries.status,
        url: webhooks.url,
        format: webhooks.format,
        active: webhooks.active,
      })
      .from(webhookDeliveries)
      .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
      .where(eq(webhookDeliveries.id, deliveryId))
      .get();
    if (!original) throw new NotFoundError("No such delivery.");
    if (!original.active) {
      throw new ConflictError(`The webhook to ${original.url} is deactivated: reactivate it to send this again.`);
    }
    if (original.status === "pending") {
      throw new ConflictError(
        "This delivery is still pending: Triad tries it again by itself. Send it again once it is delivered or has failed.",
      );
    }
    if (payloadFormat(original.payload) !== original.format) {
      throw new ConflictError(
        `This delivery was written as ${formatName(payloadFormat(original.payload))}, and the webhook now takes ${formatName(original.format)}: it cannot be sent again.`,
      );
    }
    const created = tx
      .insert(webhookDeliveries)
      .values({
        webhookId: original.webhookId,
        event: original.event,
        payload: original.payload,
        nextAttemptAt: now,
        createdAt: now,
      })
      .returning({ id: webhookDeliveries.id })
      .get();
    recordActivity(tx, {
      actorId: actor.id,
      entityType: "webhook",
      entityId: original.webhookId,
      action: "webhook.redelivered",
      summary: webhookRedelivered(actor.name, original.url, original.event, original.id, created.id),
      after: { deliveryId: created.id, redeliveryOf: original.id, event: original.event },
      via: actor.via,
      at: now,
    });
    return { deliveryId: created.id, url: original.url };
  });
}
