/**
 * The e-mail outbox (docs/domain.md, "Notifications"). `notify` (notifications.server.ts) and
 * the digest pass write pending rows inside the change's transaction; the mail worker
 * (app/jobs/mail-worker.server.ts) sends due rows through SMTP and records each attempt here,
 * outside any request. This module also holds the admin side of /admin/mail (counts, recent
 * mail, "Retry now") and the one-click unsubscribe of /unsubscribe/:token (RFC 8058).
 *
 * last_error holds a short failure class and the SMTP server's code and first line, never the
 * SMTP URL or its credentials (the worker scrubs them before they get here).
 */
import { and, asc, count, desc, eq, lte, sql } from "drizzle-orm";
import { db } from "../../db/client.server";
import { mailOutbox, notificationPreferences, users, type MailOutboxRow } from "../../db/schema";
import { MAIL_STATUSES } from "~/domain/vocabulary";
import { ConflictError, ForbiddenError, NotFoundError } from "~/domain/errors";
import { can } from "~/domain/permissions";
import { categoryLabel, DEFAULT_MODE, type NotificationCategory, type NotificationMode } from "~/domain/notifications";
import { mailRetried, unsubscribed } from "~/domain/activity-sentences";
import { recordActivity } from "./activity.server";
import { readUnsubscribeToken } from "./mail-content.server";
import type { Actor } from "./users.server";
import { withInputNow, withTx, type WriteOptions } from "./transaction.server";

export type MailStatus = MailOutboxRow["status"];

// ---------- the worker's side ----------

/** A mail the worker may send now. `active` false: the person was deactivated since. */
export type DueMail = Pick<
  MailOutboxRow,
  "id" | "userId" | "toAddress" | "category" | "subject" | "text" | "html" | "attempts"
> & { active: boolean };

/** Pending mail whose time has come, oldest first, at most `limit`. */
export function dueMail(now: number, limit: number): DueMail[] {
  return db
    .select({
      id: mailOutbox.id,
      userId: mailOutbox.userId,
      toAddress: mailOutbox.toAddress,
      category: mailOutbox.category,
      subject: mailOutbox.subject,
      text: mailOutbox.text,
      html: mailOutbox.html,
      attempts: mailOutbox.attempts,
      active: users.active,
    })
    .from(mailOutbox)
    .innerJoin(users, eq(users.id, mailOutbox.userId))
    .where(and(eq(mailOutbox.status, "pending"), lte(mailOutbox.nextAttemptAt, now)))
    .orderBy(asc(mailOutbox.nextAttemptAt), asc(mailOutbox.id))
    .limit(limit)
    .all();
}

/**
 * The outcome of one attempt: sent; retried at `retryAt`; or given up (`retryAt` null). Only a
 * row still pending is touched, so an admin's change in between is not undone. Not an audited
 * change (like webhook deliveries): the row itself is the record.
 */
export function recordMailAttempt(
  {
    id,
    sent,
    error,
    retryAt,
    now,
  }: {
    id: number;
    sent: boolean;
    error: string | null;
    retryAt: number | null;
    now: number;
  },
  options?: WriteOptions,
): void {
  now = options?.now ?? now;
  (options?.tx ?? db)
    .update(mailOutbox)
    .set({
      attempts: sql`${mailOutbox.attempts} + 1`,
      lastError: sent ? null : error,
      ...(sent
        ? { status: "sent" as const, sentAt: now }
        : retryAt === null
          ? { status: "failed" as const }
          : { nextAttemptAt: retryAt }),
    })
    .where(and(eq(mailOutbox.id, id), eq(mailOutbox.status, "pending")))
    .run();
}

// ---------- /admin/mail ----------

function requireAdmin(actor: Actor) {
  // Admins run the mail set-up like webhooks (docs/domain.md, "Notifications").
  if (!can(actor, "mail:manage")) throw new ForbiddenError("Only admins manage e-mail.");
}

/** How many mails are in each status (every status present, 0 when none). */
export function mailCounts(): Record<MailStatus, number> {
  const counts = Object.fromEntries(MAIL_STATUSES.map((s) => [s, 0])) as Record<MailStatus, number>;
  const rows = db.select({ status: mailOutbox.status, n: count() }).from(mailOutbox).groupBy(mailOutbox.status).all();
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}

export type MailRow = {
  id: number;
  toAddress: string;
  personName: string;
  category: NotificationCategory | null;
  subject: string;
  status: MailStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number;
  createdAt: number;
  sentAt: number | null;
};

/** Mail newest first, `limit` a page (page 1 = the newest), with the total for the pager. */
export function listRecentMail({ page = 1, limit = 50 }: { page?: number; limit?: number } = {}): {
  rows: MailRow[];
  total: number;
} {
  const total = db.select({ n: count() }).from(mailOutbox).get()?.n ?? 0;
  const rows = db
    .select({
      id: mailOutbox.id,
      toAddress: mailOutbox.toAddress,
      personName: users.name,
      category: mailOutbox.category,
      subject: mailOutbox.subject,
      status: mailOutbox.status,
      attempts: mailOutbox.attempts,
      lastError: mailOutbox.lastError,
      nextAttemptAt: mailOutbox.nextAttemptAt,
      createdAt: mailOutbox.createdAt,
      sentAt: mailOutbox.sentAt,
    })
    .from(mailOutbox)
    .innerJoin(users, eq(users.id, mailOutbox.userId))
    .orderBy(desc(mailOutbox.id))
    .limit(limit)
    .offset((page - 1) * limit)
    .all();
  return { rows, total };
}

/**
 * "Retry now" on a failed mail: pending again, due at once, with a fresh set of attempts
 * (the admin usually retries after fixing the SMTP set-up). One activity row "mail.retried".
 */
export function retryMail(
  { actor, mailId, now }: { actor: Actor; mailId: number; now?: number },
  options?: WriteOptions,
) {
  requireAdmin(actor);
  return withTx(withInputNow(options, now), (tx, now) => {
    const row = tx
      .select({
        id: mailOutbox.id,
        status: mailOutbox.status,
        attempts: mailOutbox.attempts,
        lastError: mailOutbox.lastError,
        toAddress: mailOutbox.toAddress,
        subject: mailOutbox.subject,
      })
      .from(mailOutbox)
      .where(eq(mailOutbox.id, mailId))
      .get();
    if (!row) throw new NotFoundError("There is no such mail. Reload the page.");
    if (row.status !== "failed") {
      throw new ConflictError(
        row.status === "sent" ? "This mail was sent already." : "This mail is already waiting to be sent.",
      );
    }
    tx.update(mailOutbox)
      .set({ status: "pending", attempts: 0, nextAttemptAt: now })
      .where(and(eq(mailOutbox.id, mailId), eq(mailOutbox.status, "failed")))
      .run();
    recordActivity(tx, {
      actorId: actor.id,
      entityType: "mail",
      entityId: row.id,
      action: "mail.retried",
      summary: mailRetried(actor.name, row.subject, row.toAddress),
      before: { status: row.status, attempts: row.attempts, lastError: row.lastError },
      after: { status: "pending", attempts: 0 },
      via: actor.via ?? "web",
      at: now,
    });
    return row;
  });
}

// ---------- one-click unsubscribe (RFC 8058) ----------

export type UnsubscribeTarget = {
  userId: number;
  name: string;
  category: NotificationCategory;
  categoryLabel: string;
  mode: NotificationMode;
};

/** Who and what a token stops, or null when Triad did not sign it (or the person is gone). */
export function unsubscribeTarget(token: string): UnsubscribeTarget | null {
  if (token.length > 200) return null;
  const read = readUnsubscribeToken(db, token);
  if (!read) return null;
  const person = db.select({ id: users.id, name: users.name }).from(users).where(eq(users.id, read.userId)).get();
  if (!person) return null;
  const preference = db
    .select({ mode: notificationPreferences.mode })
    .from(notificationPreferences)
    .where(and(eq(notificationPreferences.userId, person.id), eq(notificationPreferences.category, read.category)))
    .get();
  return {
    userId: person.id,
    name: person.name,
    category: read.category,
    categoryLabel: categoryLabel[read.category],
    mode: preference?.mode ?? DEFAULT_MODE[read.category],
  };
}

/**
 * Stops e-mail of one category for the person the token stands for: their preference becomes
 * "in_app" (still shown in Triad), with one activity row by that person. Needs no sign-in: the
 * signed token is the authority, so a cookie (or its absence) changes nothing. Returns null for
 * a token Triad did not sign (nothing written); `changed` false when it was stopped already.
 */
export function unsubscribe(
  {
    token,
    now,
  }: {
    token: string;
    now?: number;
  },
  options?: WriteOptions,
): (UnsubscribeTarget & { changed: boolean }) | null {
  const target = unsubscribeTarget(token);
  if (!target) return null;
  if (target.mode === "in_app") return { ...target, changed: false };
  withTx(withInputNow(options, now), (tx, now) => {
    tx.insert(notificationPreferences)
      .values({ userId: target.userId, category: target.category, mode: "in_app", updatedAt: now })
      .onConflictDoUpdate({
        target: [notificationPreferences.userId, notificationPreferences.category],
        set: { mode: "in_app", updatedAt: now },
      })
      .run();
    recordActivity(tx, {
      actorId: target.userId,
      entityType: "user",
      entityId: target.userId,
      action: "notification.unsubscribed",
      summary: unsubscribed(target.name, target.categoryLabel),
      before: { category: target.category, mode: target.mode },
      after: { category: target.category, mode: "in_app" },
      via: "web",
      at: now,
    });
  });
  return { ...target, mode: "in_app", changed: true };
}
