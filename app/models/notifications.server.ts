/**
 * Writing notifications (docs/domain.md, "Notifications"). `notify` is called by the models
 * inside the transaction of the change that caused it, like the webhook outbox: a rolled-back
 * change tells nobody. It never tells the actor, skips deactivated people, writes one row per
 * person in `notifications` (the bell) and, for people who want this category by e-mail at
 * once, one row in `mail_outbox` for the mail worker. Digests are built later by the
 * notification pass (app/jobs/notify-pass.server.ts).
 */
import { and, eq, inArray } from "drizzle-orm";
import { type db, type Tx } from "../../db/client.server";
import { mailOutbox, notificationPreferences, notifications, users } from "../../db/schema";
import {
  DEFAULT_MODE,
  forRecipients,
  type NotificationCategory,
  type NotificationDraft,
  type NotificationMode,
} from "~/domain/notifications";
import { renderNotificationMail } from "./mail-content.server";

type Database = Tx | typeof db;

/** Each person's mode for one category (their choice, or the category's default). */
export function modesFor(
  database: Database,
  userIds: number[],
  category: NotificationCategory,
): Map<number, NotificationMode> {
  const modes = new Map<number, NotificationMode>(userIds.map((id) => [id, DEFAULT_MODE[category]]));
  if (!userIds.length) return modes;
  const rows = database
    .select({ userId: notificationPreferences.userId, mode: notificationPreferences.mode })
    .from(notificationPreferences)
    .where(and(inArray(notificationPreferences.userId, userIds), eq(notificationPreferences.category, category)))
    .all();
  for (const r of rows) modes.set(r.userId, r.mode);
  return modes;
}

/**
 * Writes the notifications of one change. Returns the ids written. `actorId` null = the
 * system (reminders, escalations): nobody is skipped for being the actor.
 */
export function notify(
  tx: Tx,
  { actorId, drafts, now = Date.now() }: { actorId: number | null; drafts: NotificationDraft[]; now?: number },
): number[] {
  const wanted = forRecipients(drafts, actorId);
  if (!wanted.length) return [];
  const people = new Map(
    tx
      .select({ id: users.id, name: users.name, email: users.email, active: users.active })
      .from(users)
      .where(inArray(users.id, [...new Set(wanted.map((d) => d.userId))]))
      .all()
      .map((u) => [u.id, u]),
  );
  const ids: number[] = [];
  const byCategory = new Map<NotificationCategory, NotificationDraft[]>();
  for (const d of wanted) byCategory.set(d.category, [...(byCategory.get(d.category) ?? []), d]);
  for (const [category, list] of byCategory) {
    const modes = modesFor(
      tx,
      list.map((d) => d.userId),
      category,
    );
    for (const d of list) {
      const person = people.get(d.userId);
      if (!person?.active) continue;
      const mode = modes.get(d.userId) ?? DEFAULT_MODE[category];
      const created = tx
        .insert(notifications)
        .values({
          userId: d.userId,
          category,
          title: d.title,
          body: d.body ?? "",
          link: d.link,
          projectId: d.projectId ?? null,
          actorId,
          createdAt: now,
          mailedAt: mode === "immediate" ? now : null,
        })
        .returning({ id: notifications.id })
        .get();
      ids.push(created.id);
      if (mode === "immediate") {
        const mail = renderNotificationMail(tx, { person, drafts: [{ ...d, category }], digest: false });
        tx.insert(mailOutbox)
          .values({
            userId: person.id,
            toAddress: person.email,
            notificationId: created.id,
            category,
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            nextAttemptAt: now,
            createdAt: now,
          })
          .run();
      }
    }
  }
  return ids;
}
