/**
 * Notifications (docs/domain.md, "Notifications"): the categories a person can be told about,
 * what each is called, and how it is delivered unless the person chose otherwise. Pure and
 * browser-safe. Who is told of what is decided by the functions below; the models call them
 * inside the change's transaction and never tell the person who made the change.
 */
import { NOTIFICATION_CATEGORIES, NOTIFICATION_MODES } from "~/domain/vocabulary";
import type { Discipline } from "~/domain/vocabulary";

export type NotificationCategory = (typeof NOTIFICATION_CATEGORIES)[number];
export type NotificationMode = (typeof NOTIFICATION_MODES)[number];
export { NOTIFICATION_CATEGORIES, NOTIFICATION_MODES };

export const categoryLabel: Record<NotificationCategory, string> = {
  review_opened: "A gate review waits for your discipline",
  signoff_stale: "Your sign-off went stale",
  changes_requested: "Changes requested on your project",
  changes_dismissed: "Your request for changes was dismissed",
  comment: "Replies to you in a review",
  mention: "@mentions of you",
  verdict_needed: "A requirement needs your discipline's verdict",
  project_changed: "A project you are on was promoted, put on hold or stopped",
  debt_assigned: "Debt items and steps assigned to you",
  debt_due: "Debt due soon or overdue",
  review_reminder: "Reminders of reviews waiting for you",
  escalation: "Escalations of reviews and debt left waiting",
};

export const modeLabel: Record<NotificationMode, string> = {
  immediate: "E-mail at once",
  digest: "In the daily digest",
  in_app: "In Triad only",
};

/** Without a preference: e-mail at once, except the chattier categories, which go in the digest. */
export const DEFAULT_MODE: Record<NotificationCategory, NotificationMode> = {
  review_opened: "immediate",
  signoff_stale: "immediate",
  changes_requested: "immediate",
  changes_dismissed: "immediate",
  comment: "immediate",
  mention: "immediate",
  verdict_needed: "digest",
  project_changed: "digest",
  debt_assigned: "immediate",
  debt_due: "digest",
  review_reminder: "immediate",
  escalation: "immediate",
};

export function isNotificationCategory(value: string): value is NotificationCategory {
  return (NOTIFICATION_CATEGORIES as readonly string[]).includes(value);
}

/** The zones a person may choose: UTC and every IANA zone this runtime's Intl knows. */
let zones: readonly string[] | undefined;
export function timeZones(): readonly string[] {
  zones ??= ["UTC", ...Intl.supportedValuesOf("timeZone").filter((z) => z !== "UTC")];
  return zones;
}
export const isTimeZone = (value: string) => timeZones().includes(value);

/** What the notification settings say about a bad value: the form, the API and the model alike. */
export const MODE_MESSAGE = "Choose in_app, digest or immediate.";
export const TIME_ZONE_MESSAGE = "Choose a time zone from the list, such as Europe/Berlin or UTC.";
export const DIGEST_HOUR_MESSAGE = "Choose an hour from 0 to 23.";

/** A notification to be written: one person, one sentence, one deep link. */
export type NotificationDraft = {
  userId: number;
  category: NotificationCategory;
  title: string;
  body?: string;
  /** A path inside Triad ("/projects/x/gate"). */
  link: string;
  projectId?: number | null;
};

export type TeamMember = { userId: number; discipline: Discipline };

/**
 * Drops the actor and repeats: one notification per person, category and link, the first
 * wins (a mention and a reply to the same person in one comment: the reply is enough).
 */
export function forRecipients(drafts: NotificationDraft[], actorId: number | null): NotificationDraft[] {
  const seen = new Set<string>();
  const out: NotificationDraft[] = [];
  for (const d of drafts) {
    if (actorId !== null && d.userId === actorId) continue;
    // One comment tells each person once: a reply and a mention to the same person merge.
    const talk = d.category === "comment" || d.category === "mention";
    const key = talk ? `${d.userId}:talk:${d.link}` : `${d.userId}:${d.category}:${d.link}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

/** Members of the team in the given disciplines. */
export function membersOf(team: TeamMember[], disciplines: readonly Discipline[]): number[] {
  return team.filter((m) => disciplines.includes(m.discipline)).map((m) => m.userId);
}
