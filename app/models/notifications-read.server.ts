/**
 * A person's own notifications and notification settings (docs/domain.md, "Notifications"):
 * the bell's unread count, the /notifications list, marking read, opening one (its link is
 * always a path inside Triad), and the per-category choice with the time zone and hour of the
 * daily digest. Everything here is scoped to one person: another person's notification is
 * answered exactly like one that does not exist (NotFoundError), and nothing is changed.
 *
 * Reading a notification is not an audited change (no activity row); saving the settings is
 * (one row, "notification_preferences.updated").
 */
import { and, count, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { db, type Tx } from "../../db/client.server";
import { notificationPreferences, notifications, projects, users } from "../../db/schema";
import { NotFoundError, ValidationError } from "~/domain/errors";
import {
  DEFAULT_MODE,
  DIGEST_HOUR_MESSAGE,
  isTimeZone,
  MODE_MESSAGE,
  NOTIFICATION_CATEGORIES,
  NOTIFICATION_MODES,
  TIME_ZONE_MESSAGE,
  timeZones,
  type NotificationCategory,
  type NotificationMode,
} from "~/domain/notifications";
import { safeRedirect } from "~/lib/safe-redirect";
import { pagingError } from "~/domain/limits";
import { notificationSettingsChanged } from "~/domain/activity-sentences";
import { recordActivity } from "./activity.server";
import { noteWrite } from "./data-version.server";
import { perConnection } from "./prepared.server";
import type { Actor } from "./users.server";
import { withInputNow, withTx, type WriteOptions } from "./transaction.server";

type Database = Tx | typeof db;

// ---------- the list and the bell ----------

/** How /notifications orders or filters (the `show` query parameter). */
export const NOTIFICATION_VIEWS = ["all", "unread-first", "unread"] as const;
export type NotificationView = (typeof NOTIFICATION_VIEWS)[number];
export const VIEW_MESSAGE = "Show “all”, “unread-first” or “unread”.";

/** `show` from a query string: missing or empty is "all"; null for anything else (a 400). */
export function parseViewParam(value: string | null): NotificationView | null {
  if (value == null || value === "") return "all";
  return (NOTIFICATION_VIEWS as readonly string[]).includes(value) ? (value as NotificationView) : null;
}

export type NotificationRow = {
  id: number;
  category: NotificationCategory;
  title: string;
  body: string;
  link: string;
  createdAt: number;
  readAt: number | null;
  project: { id: number; slug: string; name: string } | null;
  actor: { id: number; name: string } | null;
};

/**
 * The unread count of the bell: one count on the (user_id, read_at, id) index, run by the
 * root loader on every page.
 */
export function unreadCount(userId: number, database?: Database): number {
  if (!database) return unreadStatement().get({ userId })?.n ?? 0;
  return (
    database
      .select({ n: count() })
      .from(notifications)
      .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
      .get()?.n ?? 0
  );
}

/** The same count, prepared once per connection: the root loader runs it on every page. */
const unreadStatement = perConnection((database) =>
  database
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, sql.placeholder("userId")), isNull(notifications.readAt)))
    .prepare(),
);

/** One page of a person's notifications, newest first (or unread first, or unread only). */
export function listNotifications({
  userId,
  view = "all",
  page = 1,
  pageSize = 25,
}: {
  userId: number;
  view?: NotificationView;
  page?: number;
  pageSize?: number;
}): { rows: NotificationRow[]; total: number; unread: number; page: number; pages: number } {
  const badPaging = pagingError(page, pageSize);
  if (badPaging) throw new ValidationError(badPaging, { page: badPaging });
  const mine = eq(notifications.userId, userId);
  const where = view === "unread" ? and(mine, isNull(notifications.readAt)) : mine;
  const unread = unreadCount(userId);
  const total = view === "unread" ? unread : (db.select({ n: count() }).from(notifications).where(mine).get()?.n ?? 0);
  const order =
    view === "unread-first"
      ? [sql`${notifications.readAt} is null desc`, desc(notifications.id)]
      : [desc(notifications.id)];
  const rows = db
    .select({
      id: notifications.id,
      category: notifications.category,
      title: notifications.title,
      body: notifications.body,
      link: notifications.link,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
      projectId: projects.id,
      projectSlug: projects.slug,
      projectName: projects.name,
      actorId: users.id,
      actorName: users.name,
    })
    .from(notifications)
    .leftJoin(projects, eq(projects.id, notifications.projectId))
    .leftJoin(users, eq(users.id, notifications.actorId))
    .where(where)
    .orderBy(...order)
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .all();
  return {
    rows: rows.map((r) => ({
      id: r.id,
      category: r.category,
      title: r.title,
      body: r.body,
      link: r.link,
      createdAt: r.createdAt,
      readAt: r.readAt,
      project: r.projectId != null ? { id: r.projectId, slug: r.projectSlug!, name: r.projectName! } : null,
      actor: r.actorId != null ? { id: r.actorId, name: r.actorName! } : null,
    })),
    total,
    unread,
    page,
    pages: Math.max(1, Math.ceil(total / pageSize)),
  };
}

const notYours = (id: number) => new NotFoundError(`You have no notification with the id ${id}.`);

/**
 * Marks some of the person's notifications read (those already read keep their time). Any id
 * that is not theirs — someone else's or none at all — refuses the whole request with
 * NotFoundError, and nothing is marked. Returns how many were unread and are now read.
 */
export function markRead(
  { userId, ids, now = Date.now() }: { userId: number; ids: number[]; now?: number },
  options?: WriteOptions,
): number {
  const wanted = [...new Set(ids)];
  if (!wanted.length) return 0;
  return withTx(withInputNow(options, now), (tx, now) => {
    const own = new Set(
      tx
        .select({ id: notifications.id })
        .from(notifications)
        .where(and(eq(notifications.userId, userId), inArray(notifications.id, wanted)))
        .all()
        .map((r) => r.id),
    );
    const missing = wanted.find((id) => !own.has(id));
    if (missing !== undefined) throw notYours(missing);
    const changed = tx
      .update(notifications)
      .set({ readAt: now })
      .where(and(eq(notifications.userId, userId), inArray(notifications.id, wanted), isNull(notifications.readAt)))
      .run().changes;
    if (changed) noteWrite();
    return changed;
  });
}

/** Marks every unread notification of the person read; returns how many. */
export function markAllRead(
  { userId, now = Date.now() }: { userId: number; now?: number },
  options?: WriteOptions,
): number {
  now = options?.now ?? now;
  const changed = (options?.tx ?? db)
    .update(notifications)
    .set({ readAt: now })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .run().changes;
  if (changed) noteWrite();
  return changed;
}

/** Longest link a notification may lead to. */
const MAX_LINK = 2000;

/**
 * Whether a notification's link may be followed: a path of this app ("/projects/x/gate"),
 * exactly as the safe-redirect rule (app/lib/safe-redirect.ts) would keep it — never
 * "//evil.example", "https://…", "/\evil", "javascript:…" or a path with control characters.
 */
export function isInternalLink(link: string): boolean {
  return link.length > 0 && link.length <= MAX_LINK && link.startsWith("/") && safeRedirect(link, "") === link;
}

/**
 * Opens one of the person's notifications: marks it read and answers where to go. A link that
 * is not a path inside Triad is refused (`ok: false`) and the notification is left as it was.
 */
export function openNotification(
  {
    userId,
    id,
    now = Date.now(),
  }: {
    userId: number;
    id: number;
    now?: number;
  },
  options?: WriteOptions,
): { ok: true; link: string } | { ok: false; reason: "external_link" } {
  const row = (options?.tx ?? db)
    .select({ link: notifications.link, readAt: notifications.readAt })
    .from(notifications)
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
    .get();
  if (!row) throw notYours(id);
  if (!isInternalLink(row.link)) return { ok: false, reason: "external_link" };
  if (row.readAt == null) markRead({ userId, ids: [id], now }, options);
  return { ok: true, link: row.link };
}

// ---------- preferences ----------

// The zones and messages live in the domain, so the settings form checks them in the browser too.
export { DIGEST_HOUR_MESSAGE, isTimeZone, MODE_MESSAGE, TIME_ZONE_MESSAGE, timeZones };

export type PreferenceRow = {
  category: NotificationCategory;
  mode: NotificationMode;
  /** The category's mode when the person has not chosen one. */
  defaultMode: NotificationMode;
  /** True while the person follows the default. */
  isDefault: boolean;
};

export type NotificationSettings = {
  categories: PreferenceRow[];
  timeZone: string;
  digestHour: number;
};

export function getNotificationSettings(userId: number, database: Database = db): NotificationSettings {
  const person = database
    .select({ timeZone: users.timeZone, digestHour: users.digestHour })
    .from(users)
    .where(eq(users.id, userId))
    .get();
  if (!person) throw new NotFoundError("No such person.");
  const chosen = new Map(
    database
      .select({ category: notificationPreferences.category, mode: notificationPreferences.mode })
      .from(notificationPreferences)
      .where(eq(notificationPreferences.userId, userId))
      .all()
      .map((r) => [r.category, r.mode]),
  );
  return {
    categories: NOTIFICATION_CATEGORIES.map((category) => {
      const mode = chosen.get(category);
      return {
        category,
        mode: mode ?? DEFAULT_MODE[category],
        defaultMode: DEFAULT_MODE[category],
        isDefault: mode === undefined,
      };
    }),
    timeZone: person.timeZone,
    digestHour: person.digestHour,
  };
}

/** The settings as one flat object ({category: mode}), as the API and the activity log show them. */
export const modesOf = (settings: NotificationSettings) =>
  Object.fromEntries(settings.categories.map((c) => [c.category, c.mode])) as Record<
    NotificationCategory,
    NotificationMode
  >;

/**
 * Saves the person's own settings: the modes named (choosing a category's default removes the
 * choice, so the person follows the default), and the time zone and digest hour when given.
 * One transaction and one activity row "notification_preferences.updated" with what changed;
 * nothing is written when nothing changed. Returns the settings after saving and whether
 * anything changed.
 */
export function saveNotificationSettings(
  {
    actor,
    preferences = {},
    timeZone,
    digestHour,
    now = Date.now(),
  }: {
    actor: Actor;
    preferences?: Partial<Record<NotificationCategory, NotificationMode>>;
    timeZone?: string;
    digestHour?: number;
    now?: number;
  },
  options?: WriteOptions,
): { settings: NotificationSettings; changed: boolean } {
  // The models check what they store, whoever calls them (docs/security.md, V5.1.3).
  const fields: Record<string, string> = {};
  for (const [category, mode] of Object.entries(preferences)) {
    if (!(NOTIFICATION_CATEGORIES as readonly string[]).includes(category))
      fields[`preferences.${category}`] = "Unknown category.";
    else if (!(NOTIFICATION_MODES as readonly string[]).includes(mode as string))
      fields[`preferences.${category}`] = MODE_MESSAGE;
  }
  if (timeZone !== undefined && !isTimeZone(timeZone)) fields.timeZone = TIME_ZONE_MESSAGE;
  if (digestHour !== undefined && !(Number.isInteger(digestHour) && digestHour >= 0 && digestHour <= 23))
    fields.digestHour = DIGEST_HOUR_MESSAGE;
  if (Object.keys(fields).length) throw new ValidationError("The notification settings are invalid.", fields);

  return withTx(withInputNow(options, now), (tx, now) => {
    const before = getNotificationSettings(actor.id, tx);
    const beforeModes = modesOf(before);
    const changedModes: Partial<Record<NotificationCategory, { from: NotificationMode; to: NotificationMode }>> = {};
    for (const [category, mode] of Object.entries(preferences) as Array<[NotificationCategory, NotificationMode]>) {
      const row = before.categories.find((c) => c.category === category)!;
      const keep = and(eq(notificationPreferences.userId, actor.id), eq(notificationPreferences.category, category));
      if (mode === DEFAULT_MODE[category]) {
        if (!row.isDefault) tx.delete(notificationPreferences).where(keep).run();
      } else if (row.isDefault || row.mode !== mode) {
        tx.insert(notificationPreferences)
          .values({ userId: actor.id, category, mode, updatedAt: now })
          .onConflictDoUpdate({
            target: [notificationPreferences.userId, notificationPreferences.category],
            set: { mode, updatedAt: now },
          })
          .run();
      }
      if (beforeModes[category] !== mode) changedModes[category] = { from: beforeModes[category], to: mode };
    }
    const zoneChanged = timeZone !== undefined && timeZone !== before.timeZone;
    const hourChanged = digestHour !== undefined && digestHour !== before.digestHour;
    if (zoneChanged || hourChanged) {
      tx.update(users)
        .set({
          ...(zoneChanged ? { timeZone } : {}),
          ...(hourChanged ? { digestHour } : {}),
          updatedAt: now,
          version: sql`${users.version} + 1`,
        })
        .where(eq(users.id, actor.id))
        .run();
    }
    const modeChanges = Object.keys(changedModes).length;
    const changed = modeChanges > 0 || zoneChanged || hourChanged;
    if (changed) {
      const parts = [
        modeChanges ? `${modeChanges} ${modeChanges === 1 ? "category" : "categories"}` : null,
        zoneChanged ? `time zone ${timeZone}` : null,
        hourChanged ? `digest at ${digestHour}:00` : null,
      ].filter(Boolean);
      recordActivity(tx, {
        actorId: actor.id,
        entityType: "user",
        entityId: actor.id,
        action: "notification_preferences.updated",
        summary: notificationSettingsChanged(actor.name, parts as string[]),
        before: {
          ...(modeChanges
            ? { preferences: Object.fromEntries(Object.entries(changedModes).map(([c, v]) => [c, v!.from])) }
            : {}),
          ...(zoneChanged ? { timeZone: before.timeZone } : {}),
          ...(hourChanged ? { digestHour: before.digestHour } : {}),
        },
        after: {
          ...(modeChanges
            ? { preferences: Object.fromEntries(Object.entries(changedModes).map(([c, v]) => [c, v!.to])) }
            : {}),
          ...(zoneChanged ? { timeZone } : {}),
          ...(hourChanged ? { digestHour } : {}),
        },
        via: actor.via,
        at: now,
      });
    }
    return { settings: getNotificationSettings(actor.id, tx), changed };
  });
}

/** Whether this server can send e-mail (TRIAD_SMTP_URL set); without it everything shows in Triad only. */
export const mailConfigured = (env: NodeJS.ProcessEnv = process.env) => Boolean(env.TRIAD_SMTP_URL?.trim());
