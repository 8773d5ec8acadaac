/**
 * Reminders and escalation (docs/domain.md, "Notifications"): which reminders, escalations,
 * debt notices and digests are due at a given instant. Pure: the notification pass
 * (app/jobs/notify-pass.server.ts) loads the facts, asks these functions, and records every
 * notice it sends under the key they return in the `notices` table, so nothing is sent twice
 * however often, or however late, the pass runs.
 *
 * Late passes never send a burst: only the latest step that is due is sent (a pass on day 8
 * with reminders every 3 days sends reminder 2, not reminders 1 and 2).
 */
import type { Discipline } from "~/domain/vocabulary";
import { addDays, daysBetween, wallClock } from "./dates";

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Gate policy defaults (gate_policies.remind_after_days / escalate_after_days). */
export const DEFAULT_REMIND_AFTER_DAYS = 3;
export const DEFAULT_ESCALATE_AFTER_DAYS = 10;
/** The bounds an admin may choose on /admin/gates. */
export const MIN_TIMING_DAYS = 1;
export const MAX_TIMING_DAYS = 60;

/** "Due in 3 days": a debt item's target date or a step's due date this close. */
export const DEBT_DUE_SOON_DAYS = 3;
/** An item this many days past its date is escalated to the project owner. */
export const DEBT_ESCALATE_OVERDUE_DAYS = 7;
/**
 * A pass catches up on dates at most this many days past: an older date's notices went out
 * when it passed (or the item has long shown as overdue in its owner's queue). Keeps every
 * pass's work bounded, and an upgrade from being a burst of stale news.
 */
export const DEBT_CATCH_UP_DAYS = 30;

export type GateTimings = { remindAfterDays: number; escalateAfterDays: number };

/** Why a pair of timings is refused, per field, or null when both are acceptable. */
export function gateTimingsError({
  remindAfterDays,
  escalateAfterDays,
}: GateTimings): Partial<Record<keyof GateTimings, string>> | null {
  const range = `Enter a whole number of days from ${MIN_TIMING_DAYS} to ${MAX_TIMING_DAYS}.`;
  const inRange = (n: number) => Number.isInteger(n) && n >= MIN_TIMING_DAYS && n <= MAX_TIMING_DAYS;
  const errors: Partial<Record<keyof GateTimings, string>> = {};
  if (!inRange(remindAfterDays)) errors.remindAfterDays = range;
  if (!inRange(escalateAfterDays)) errors.escalateAfterDays = range;
  else if (inRange(remindAfterDays) && escalateAfterDays <= remindAfterDays) {
    errors.escalateAfterDays = "Escalate later than the first reminder: enter more days than for the reminder.";
  }
  return Object.keys(errors).length ? errors : null;
}

/** Whole days from `since` to `now` (0 before the first full day has passed). */
export function daysWaited(since: number, now: number): number {
  return Math.max(0, Math.floor((now - since) / DAY_MS));
}

/** Whether a notice key was already recorded. */
export type Sent = ReadonlySet<string> | ((key: string) => boolean);
const wasSent = (sent: Sent, key: string) => (typeof sent === "function" ? sent(key) : sent.has(key));

// ---------- gate reviews ----------

export const reminderKey = (reviewId: number, discipline: Discipline, step: number) =>
  `remind:${reviewId}:${discipline}:${step}`;
export const escalationKey = (reviewId: number, discipline: Discipline) => `escalate:${reviewId}:${discipline}`;

export type ReviewWait = {
  reviewId: number;
  discipline: Discipline;
  /** When the review opened: the wait counts from there. */
  openedAt: number;
  /** Closed reviews (promoted, withdrawn) remind nobody. */
  open: boolean;
  /** The discipline approves (with or without conditions): nothing to remind it of. */
  approved: boolean;
};

export type ReviewStep =
  { kind: "reminder"; key: string; step: number; days: number } | { kind: "escalation"; key: string; days: number };

/**
 * The reminder and escalation due for one discipline of one review at `now`, not yet sent.
 * Reminder n is due from day n × remindAfterDays (day 3, 6, 9… by default); only the latest
 * due one is returned, so a late pass sends one reminder, never a backlog. The escalation (to
 * the project owner and the admins) is due once, from day escalateAfterDays.
 */
export function dueReviewSteps(wait: ReviewWait, timings: GateTimings, now: number, sent: Sent): ReviewStep[] {
  if (!wait.open || wait.approved) return [];
  const days = daysWaited(wait.openedAt, now);
  const out: ReviewStep[] = [];
  const step = Math.floor(days / timings.remindAfterDays);
  if (step >= 1) {
    const key = reminderKey(wait.reviewId, wait.discipline, step);
    if (!wasSent(sent, key)) out.push({ kind: "reminder", key, step, days });
  }
  if (days >= timings.escalateAfterDays) {
    const key = escalationKey(wait.reviewId, wait.discipline);
    if (!wasSent(sent, key)) out.push({ kind: "escalation", key, days });
  }
  return out;
}

// ---------- debt ----------

export type DebtSubject = { kind: "item" | "step"; id: number };

/** The first part of each debt notice's key: `<prefix>:<item|step>:<id>:<date>`. */
export const DEBT_KEY_PREFIX = { due_soon: "debt-due", overdue: "debt-overdue", escalation: "escalate-debt" } as const;

export type DebtNotice =
  /** To the owner: the date is within DEBT_DUE_SOON_DAYS (today included). */
  | { kind: "due_soon"; key: string; date: string; daysLeft: number }
  /** To the owner: the date has passed. */
  | { kind: "overdue"; key: string; date: string; daysOverdue: number }
  /** To the project owner (items only): DEBT_ESCALATE_OVERDUE_DAYS or more past the date. */
  | { kind: "escalation"; key: string; date: string; daysOverdue: number };

/**
 * The notices due for an open item's target date or an unfinished step's due date on `today`
 * (the organisation's calendar, UTC), not yet sent: once per subject and date, so moving the
 * date announces the new one. Past the date, "due soon" is no longer sent (only "overdue");
 * more than DEBT_CATCH_UP_DAYS past it, nothing is.
 */
export function dueDebtNotices(subject: DebtSubject, date: string | null, today: string, sent: Sent): DebtNotice[] {
  if (!date || date < addDays(today, -DEBT_CATCH_UP_DAYS)) return [];
  const base = `${subject.kind}:${subject.id}:${date}`;
  const out: DebtNotice[] = [];
  if (date >= today) {
    if (date <= addDays(today, DEBT_DUE_SOON_DAYS)) {
      const key = `${DEBT_KEY_PREFIX.due_soon}:${base}`;
      if (!wasSent(sent, key)) out.push({ kind: "due_soon", key, date, daysLeft: daysBetween(today, date) });
    }
    return out;
  }
  const daysOverdue = daysBetween(date, today);
  const overdue = `${DEBT_KEY_PREFIX.overdue}:${base}`;
  if (!wasSent(sent, overdue)) out.push({ kind: "overdue", key: overdue, date, daysOverdue });
  if (subject.kind === "item" && daysOverdue >= DEBT_ESCALATE_OVERDUE_DAYS) {
    const key = `${DEBT_KEY_PREFIX.escalation}:${base}`;
    if (!wasSent(sent, key)) out.push({ kind: "escalation", key, date, daysOverdue });
  }
  return out;
}

// ---------- the daily digest ----------

/** A person's local calendar date and hour at `now` (dates.ts `wallClock`); an unknown time zone counts as UTC. */
export function localTime(now: number, timeZone: string): { date: string; hour: number } {
  const { date, time } = wallClock(now, timeZone);
  return { date, hour: Number(time.slice(0, 2)) };
}

export const digestKey = (userId: number, localDate: string) => `digest:${userId}:${localDate}`;

/**
 * Whether a person's digest is due at `now`: their local hour has reached their digest hour
 * today and no digest went out today (at most one per local day). Returns the key to record.
 */
export function digestDue(
  person: { userId: number; timeZone: string; digestHour: number },
  now: number,
  sent: Sent,
): { key: string; localDate: string } | null {
  const local = localTime(now, person.timeZone);
  if (local.hour < person.digestHour) return null;
  const key = digestKey(person.userId, local.date);
  return wasSent(sent, key) ? null : { key, localDate: local.date };
}
