/**
 * The notification pass (docs/domain.md, "Notifications"): runs every few minutes in the
 * server (startNotificationPass, next to the webhook worker) and on demand from the CLI
 * (`npm run triad -- notify:run [--as-of <ISO time>]`). One pass at instant `now`:
 *
 * (a) gate reviews: reminds each discipline that has not approved an open review after the
 *     gate's remindAfterDays, and every as many days after; escalates to the project owner and
 *     the active admins once after escalateAfterDays (category review_reminder / escalation);
 * (b) debt: tells the owner of an open item or an unfinished step when its date is 3 days away
 *     or has passed, and escalates an item 7 days overdue to the project owner (debt_due /
 *     escalation), on the organisation's calendar (UTC), catching up on dates up to 30 days past;
 * (c) digests: one e-mail per person per local day, once their digest hour has passed, with
 *     their notifications in "daily digest" categories not mailed yet.
 *
 * Which of these are due is decided by app/domain/reminders.ts. Every notice is recorded in
 * `notices` in the same transaction as its notifications, so a pass run twice, or by the
 * server and the CLI at once, never sends anything twice; a late pass sends only the latest
 * step due. Notifications come from the system (actorId null): nobody is skipped as the actor.
 */
import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, lte, or, sql, type AnyColumn, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { db, WRITE_TX, type Tx } from "../../db/client.server";
import {
  debtItems,
  gateReviews,
  mailOutbox,
  memberships,
  notices,
  notifications,
  projects,
  repaymentSteps,
  users,
} from "../../db/schema";
import { type Discipline, type NotificationCategory } from "~/domain/vocabulary";
import { addDays } from "~/domain/dates";
import { orgToday } from "~/lib/org-time-zone.server";
import { isApproved } from "~/domain/gates";
import { disciplineLabel, stageShortLabel } from "~/domain/labels";
import type { NotificationDraft } from "~/domain/notifications";
import {
  daysWaited,
  dueDebtNotices,
  dueReviewSteps,
  digestDue,
  escalationKey,
  reminderKey,
  DEBT_CATCH_UP_DAYS,
  DEBT_DUE_SOON_DAYS,
  DEBT_ESCALATE_OVERDUE_DAYS,
  DEBT_KEY_PREFIX,
  type DebtNotice,
  type ReviewStep,
} from "~/domain/reminders";
import { gateTimings, type GateStage } from "~/models/gate-templates.server";
import { openReviewSummary } from "~/models/gates.server";
import { renderNotificationMail } from "~/models/mail-content.server";
import { modesFor, notify } from "~/models/notifications.server";
import { UNSETTLED } from "~/models/debt/shared.server";

export type PassReport = {
  /** Reminder notifications written (one per person reminded). */
  reminders: number;
  /** Escalation notifications written (reviews and debt). */
  escalations: number;
  /** "Due soon" and "overdue" notifications written to debt owners. */
  debtNotices: number;
  /** Digest e-mails put in the mail outbox. */
  digests: number;
  /** One line per notice sent, for the CLI. */
  lines: string[];
};

const CHUNK = 400;

function chunks<T>(values: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

/** The keys among `keys` already recorded in `notices`. */
function recordedKeys(keys: string[]): Set<string> {
  const found = new Set<string>();
  for (const part of chunks([...new Set(keys)])) {
    for (const row of db.select({ key: notices.key }).from(notices).where(inArray(notices.key, part)).all())
      found.add(row.key);
  }
  return found;
}

/** Records a notice; false when another pass recorded it first (then nothing is sent). */
function claim(tx: Tx, key: string, now: number): boolean {
  return Boolean(
    tx.insert(notices).values({ key, createdAt: now }).onConflictDoNothing().returning({ key: notices.key }).get(),
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const people = (n: number) => `${n} ${n === 1 ? "person" : "people"}`;

function listOf(words: string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

function activeAdmins(): number[] {
  return db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, "admin"), eq(users.active, true)))
    .all()
    .map((u) => u.id);
}

// ---------- (a) gate reviews ----------

/**
 * Disciplines found approving at a reminder step (review, its opening, discipline, step): not
 * evaluated again until the next step, so a pass in a quiet hour evaluates no review. A
 * discipline whose approval goes stale within a step is reminded at the next step.
 */
const approvedAtStep = new Set<string>();
function rememberApproved(key: string) {
  if (approvedAtStep.size >= 20_000) approvedAtStep.clear();
  approvedAtStep.add(key);
}

function reviewPass(now: number, report: PassReport) {
  const timings = gateTimings();
  // Gates are paused while a project is on hold: only active projects' reviews remind anyone.
  const open = db
    .select({
      id: gateReviews.id,
      projectId: gateReviews.projectId,
      targetStage: gateReviews.targetStage,
      openedAt: gateReviews.openedAt,
      slug: projects.slug,
      name: projects.name,
      ownerId: projects.ownerId,
    })
    .from(gateReviews)
    .innerJoin(projects, eq(projects.id, gateReviews.projectId))
    .where(and(eq(gateReviews.status, "open"), eq(projects.state, "active")))
    .orderBy(asc(gateReviews.id))
    .all()
    .filter(
      (r) =>
        r.targetStage !== "poc" && daysWaited(r.openedAt, now) >= timings[r.targetStage as GateStage].remindAfterDays,
    );
  if (!open.length) return;

  // Skip the reviews whose due steps were all recorded, without evaluating them.
  const disciplines: Discipline[] = ["business", "data_science", "it"];
  const candidateKeys = open.flatMap((r) => {
    const t = timings[r.targetStage as GateStage];
    const days = daysWaited(r.openedAt, now);
    return disciplines.flatMap((d) => [
      reminderKey(r.id, d, Math.floor(days / t.remindAfterDays)),
      ...(days >= t.escalateAfterDays ? [escalationKey(r.id, d)] : []),
    ]);
  });
  const sent = recordedKeys(candidateKeys);

  const due: Array<{ review: (typeof open)[number]; steps: Array<ReviewStep & { discipline: Discipline }> }> = [];
  for (const review of open) {
    const t = timings[review.targetStage as GateStage];
    const step = Math.floor(daysWaited(review.openedAt, now) / t.remindAfterDays);
    const seenApproved = (d: Discipline) => approvedAtStep.has(`${review.id}:${review.openedAt}:${d}:${step}`);
    const unsent = disciplines.filter(
      (d) =>
        !seenApproved(d) &&
        dueReviewSteps(
          { reviewId: review.id, discipline: d, openedAt: review.openedAt, open: true, approved: false },
          t,
          now,
          sent,
        ).length > 0,
    );
    if (!unsent.length) continue;
    // The read model (remembered until the next write): which disciplines approve now.
    const summary = openReviewSummary(review.projectId);
    if (!summary || summary.id !== review.id) continue;
    const steps = summary.panels
      .filter((panel) => unsent.includes(panel.discipline))
      .flatMap((panel) => {
        const approved = isApproved(panel.status);
        if (approved) rememberApproved(`${review.id}:${review.openedAt}:${panel.discipline}:${step}`);
        return dueReviewSteps(
          { reviewId: review.id, discipline: panel.discipline, openedAt: review.openedAt, open: true, approved },
          t,
          now,
          sent,
        ).map((s) => ({ ...s, discipline: panel.discipline }));
      });
    if (steps.length) due.push({ review, steps });
  }
  if (!due.length) return;

  const team = db
    .select({ projectId: memberships.projectId, userId: memberships.userId, discipline: memberships.discipline })
    .from(memberships)
    .where(inArray(memberships.projectId, [...new Set(due.map((d) => d.review.projectId))]))
    .all();
  const admins = activeAdmins();

  for (const { review, steps } of due) {
    const gate = `the gate review to ${stageShortLabel[review.targetStage]} of ${review.name}`;
    const link = `/projects/${review.slug}/gate`;
    const timing = timings[review.targetStage as GateStage];
    db.transaction((tx) => {
      // Closed since it was read: nobody is reminded of a closed review.
      const still = tx
        .select({ status: gateReviews.status })
        .from(gateReviews)
        .where(eq(gateReviews.id, review.id))
        .get();
      if (still?.status !== "open") return;
      const escalated: Discipline[] = [];
      let days = 0;
      for (const step of steps) {
        if (!claim(tx, step.key, now)) continue;
        if (step.kind === "escalation") {
          escalated.push(step.discipline);
          days = step.days;
          continue;
        }
        const members = team
          .filter((m) => m.projectId === review.projectId && m.discipline === step.discipline)
          .map((m) => m.userId);
        const drafts: NotificationDraft[] = members.map((userId) => ({
          userId,
          category: "review_reminder",
          title: `Reminder: ${gate} has waited ${plural(step.days, "day")} for ${disciplineLabel[step.discipline]}`,
          body: `${disciplineLabel[step.discipline]} has not approved yet. Open the review and sign for your discipline: approve, approve with conditions, or request changes.`,
          link,
          projectId: review.projectId,
        }));
        const ids = notify(tx, { actorId: null, drafts, now });
        report.reminders += ids.length;
        report.lines.push(
          `Reminder ${step.step} on ${review.name} (gate to ${stageShortLabel[review.targetStage]}, ${plural(step.days, "day")}) for ${disciplineLabel[step.discipline]}: ${people(ids.length)}`,
        );
      }
      if (escalated.length) {
        const names = listOf(escalated.map((d) => disciplineLabel[d]));
        const drafts: NotificationDraft[] = [review.ownerId, ...admins].map((userId) => ({
          userId,
          category: "escalation",
          title: `${gate[0].toUpperCase()}${gate.slice(1)} has waited ${plural(days, "day")} for ${names}`,
          body: `Its members were reminded every ${plural(timing.remindAfterDays, "day")}. As the project owner or an admin, follow up with ${names}, or withdraw the review if it is no longer wanted.`,
          link,
          projectId: review.projectId,
        }));
        const ids = notify(tx, { actorId: null, drafts, now });
        report.escalations += ids.length;
        report.lines.push(
          `Escalation on ${review.name} (gate to ${stageShortLabel[review.targetStage]}, ${plural(days, "day")}) waiting for ${names}: ${people(ids.length)}`,
        );
      }
    }, WRITE_TX);
  }
}

// ---------- (b) debt ----------

/** Stopped and retired projects are read-only: their debt can no longer be repaid there. */
const LIVE_PROJECTS = ["active", "on_hold"] as const;

/**
 * "This notice was not recorded yet", in SQL: lets the database skip the items and steps whose
 * notices all went out (most overdue ones, at every pass) before anything is read. Only a
 * pre-filter: dueDebtNotices decides what is due.
 */
function notRecorded(
  kind: keyof typeof DEBT_KEY_PREFIX,
  subject: "item" | "step",
  id: AnyColumn,
  date: AnyColumn,
): SQL {
  const key = sql`${`${DEBT_KEY_PREFIX[kind]}:${subject}:`} || ${id} || ':' || ${date}`;
  return sql`not exists (select 1 from ${notices} where ${notices.key} = ${key})`;
}

function debtPass(now: number, report: PassReport) {
  const today = orgToday(now);
  const horizon = addDays(today, DEBT_DUE_SOON_DAYS);
  const escalateOnOrBefore = addDays(today, -DEBT_ESCALATE_OVERDUE_DAYS);
  const oldest = addDays(today, -DEBT_CATCH_UP_DAYS);
  const items = db
    .select({
      id: debtItems.id,
      title: debtItems.title,
      ownerId: debtItems.ownerId,
      date: debtItems.targetDate,
      projectId: projects.id,
      slug: projects.slug,
      name: projects.name,
      projectOwnerId: projects.ownerId,
    })
    .from(debtItems)
    .innerJoin(projects, eq(projects.id, debtItems.projectId))
    .where(
      and(
        inArray(debtItems.status, [...UNSETTLED]),
        gte(debtItems.targetDate, oldest),
        lte(debtItems.targetDate, horizon),
        inArray(projects.state, [...LIVE_PROJECTS]),
        or(
          and(
            isNotNull(debtItems.ownerId),
            gte(debtItems.targetDate, today),
            notRecorded("due_soon", "item", debtItems.id, debtItems.targetDate),
          ),
          and(
            isNotNull(debtItems.ownerId),
            lt(debtItems.targetDate, today),
            notRecorded("overdue", "item", debtItems.id, debtItems.targetDate),
          ),
          and(
            lte(debtItems.targetDate, escalateOnOrBefore),
            notRecorded("escalation", "item", debtItems.id, debtItems.targetDate),
          ),
        ),
      ),
    )
    .orderBy(asc(debtItems.targetDate), asc(debtItems.id))
    .all();
  const stepItem = alias(debtItems, "step_item");
  const steps = db
    .select({
      id: repaymentSteps.id,
      title: repaymentSteps.title,
      ownerId: repaymentSteps.ownerId,
      date: repaymentSteps.dueDate,
      itemId: stepItem.id,
      itemTitle: stepItem.title,
      projectId: projects.id,
      slug: projects.slug,
      name: projects.name,
    })
    .from(repaymentSteps)
    .innerJoin(stepItem, eq(stepItem.id, repaymentSteps.debtItemId))
    .innerJoin(projects, eq(projects.id, stepItem.projectId))
    .where(
      and(
        isNull(repaymentSteps.doneAt),
        isNotNull(repaymentSteps.ownerId),
        gte(repaymentSteps.dueDate, oldest),
        lte(repaymentSteps.dueDate, horizon),
        // `+` keeps SQLite from starting at every open item: it starts at the unfinished steps
        // with an owner (repayment_steps_owner_idx), about 3x faster on a large register.
        sql`+${stepItem.status} in ('open', 'repaying')`,
        inArray(projects.state, [...LIVE_PROJECTS]),
        or(
          and(
            gte(repaymentSteps.dueDate, today),
            notRecorded("due_soon", "step", repaymentSteps.id, repaymentSteps.dueDate),
          ),
          and(
            lt(repaymentSteps.dueDate, today),
            notRecorded("overdue", "step", repaymentSteps.id, repaymentSteps.dueDate),
          ),
        ),
      ),
    )
    .orderBy(asc(repaymentSteps.dueDate), asc(repaymentSteps.id))
    .all();

  const everything = (sent: Set<string>) => ({
    items: items.map((item) => ({
      item,
      // Owner notices need an owner; the escalation goes to the project owner regardless.
      notices: dueDebtNotices({ kind: "item", id: item.id }, item.date, today, sent).filter(
        (n) => n.kind === "escalation" || item.ownerId !== null,
      ),
    })),
    steps: steps.map((step) => ({
      step,
      notices: dueDebtNotices({ kind: "step", id: step.id }, step.date, today, sent),
    })),
  });
  const candidates = everything(new Set());
  const sent = recordedKeys([...candidates.items, ...candidates.steps].flatMap((c) => c.notices.map((n) => n.key)));
  const due = everything(sent);

  const link = (slug: string, itemId: number) => `/projects/${slug}/debt/${itemId}`;
  const send = (notice: DebtNotice, draft: NotificationDraft, line: string) => {
    db.transaction((tx) => {
      if (!claim(tx, notice.key, now)) return;
      const ids = notify(tx, { actorId: null, drafts: [draft], now });
      if (notice.kind === "escalation") report.escalations += ids.length;
      else report.debtNotices += ids.length;
      if (ids.length) report.lines.push(line);
    }, WRITE_TX);
  };
  const when = (notice: DebtNotice) =>
    notice.kind === "due_soon"
      ? notice.daysLeft === 0
        ? `is due today (${notice.date})`
        : `is due in ${plural(notice.daysLeft, "day")} (${notice.date})`
      : `is overdue: it was due on ${notice.date}`;

  for (const { item, notices: list } of due.items) {
    for (const notice of list) {
      if (notice.kind === "escalation") {
        send(
          notice,
          {
            userId: item.projectOwnerId,
            category: "escalation",
            title: `Debt item “${item.title}” of ${item.name} has been overdue for ${plural(notice.daysOverdue, "day")}`,
            body: `Its target date was ${notice.date}. As the project owner, agree a new date with its owner, or settle it.`,
            link: link(item.slug, item.id),
            projectId: item.projectId,
          },
          `Escalation of debt item “${item.title}” (${item.name}, ${plural(notice.daysOverdue, "day")} overdue) to the project owner`,
        );
      } else {
        send(
          notice,
          {
            userId: item.ownerId!,
            category: "debt_due",
            title: `Debt item “${item.title}” of ${item.name} ${when(notice)}`,
            body: "You own it. Repay it, or change its plan if the date no longer holds.",
            link: link(item.slug, item.id),
            projectId: item.projectId,
          },
          `Debt item “${item.title}” (${item.name}) ${notice.kind === "due_soon" ? "due soon" : "overdue"}: told its owner`,
        );
      }
    }
  }
  for (const { step, notices: list } of due.steps) {
    for (const notice of list) {
      send(
        notice,
        {
          userId: step.ownerId!,
          category: "debt_due",
          title: `Step “${step.title}” of debt item “${step.itemTitle}” ${when(notice)}`,
          body: `You own this step of the repayment plan (${step.name}). Tick it when done, or change its due date.`,
          link: link(step.slug, step.itemId),
          projectId: step.projectId,
        },
        `Step “${step.title}” of “${step.itemTitle}” (${step.name}) ${notice.kind === "due_soon" ? "due soon" : "overdue"}: told its owner`,
      );
    }
  }
}

// ---------- (c) digests ----------

const DIGEST_LIMIT = 200;

function digestPass(now: number, report: PassReport) {
  const everyone = db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      timeZone: users.timeZone,
      digestHour: users.digestHour,
    })
    .from(users)
    .where(eq(users.active, true))
    .all();
  const candidates = everyone
    .map((p) => ({
      person: p,
      due: digestDue({ userId: p.id, timeZone: p.timeZone, digestHour: p.digestHour }, now, () => false),
    }))
    .filter((c): c is { person: (typeof everyone)[number]; due: NonNullable<typeof c.due> } => c.due !== null);
  if (!candidates.length) return;
  const sent = recordedKeys(candidates.map((c) => c.due.key));
  const waiting = candidates.filter((c) => !sent.has(c.due.key));

  // Who has what unmailed (one indexed query per chunk), then who wants those categories in the digest.
  const pending = new Map<number, Set<NotificationCategory>>();
  for (const part of chunks(waiting.map((c) => c.person.id))) {
    const rows = db
      .selectDistinct({ userId: notifications.userId, category: notifications.category })
      .from(notifications)
      .where(
        and(inArray(notifications.userId, part), isNull(notifications.mailedAt), lte(notifications.createdAt, now)),
      )
      .all();
    for (const r of rows) pending.set(r.userId, (pending.get(r.userId) ?? new Set()).add(r.category));
  }
  const byCategory = new Map<NotificationCategory, number[]>();
  for (const [userId, categories] of pending)
    for (const c of categories) byCategory.set(c, [...(byCategory.get(c) ?? []), userId]);
  const digestCategories = new Map<number, NotificationCategory[]>();
  for (const [category, userIds] of byCategory) {
    const modes = modesFor(db, userIds, category);
    for (const userId of userIds)
      if (modes.get(userId) === "digest")
        digestCategories.set(userId, [...(digestCategories.get(userId) ?? []), category]);
  }

  for (const { person, due } of waiting) {
    const categories = digestCategories.get(person.id);
    if (!categories?.length) continue;
    db.transaction((tx) => {
      const rows = tx
        .select({
          id: notifications.id,
          category: notifications.category,
          title: notifications.title,
          body: notifications.body,
          link: notifications.link,
          projectId: notifications.projectId,
        })
        .from(notifications)
        .where(
          and(
            eq(notifications.userId, person.id),
            isNull(notifications.mailedAt),
            inArray(notifications.category, categories),
            lte(notifications.createdAt, now),
          ),
        )
        .orderBy(asc(notifications.id))
        .limit(DIGEST_LIMIT)
        .all();
      if (!rows.length || !claim(tx, due.key, now)) return;
      const mail = renderNotificationMail(tx, {
        person,
        drafts: rows.map((r) => ({ ...r, userId: person.id })),
        digest: true,
      });
      tx.insert(mailOutbox)
        .values({
          userId: person.id,
          toAddress: person.email,
          notificationId: null,
          category: null,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          nextAttemptAt: now,
          createdAt: now,
        })
        .run();
      tx.update(notifications)
        .set({ mailedAt: now })
        .where(
          inArray(
            notifications.id,
            rows.map((r) => r.id),
          ),
        )
        .run();
      report.digests += 1;
      report.lines.push(`Digest for ${person.name} (${due.localDate}): ${plural(rows.length, "notification")}`);
    }, WRITE_TX);
  }
}

// ---------- the pass ----------

/** One pass at `now`: reminders and escalations, debt notices, digests. */
export function runNotificationPass({ now = Date.now() }: { now?: number } = {}): PassReport {
  const report: PassReport = { reminders: 0, escalations: 0, debtNotices: 0, digests: 0, lines: [] };
  reviewPass(now, report);
  debtPass(now, report);
  // Last, so today's reminders and debt notices in digest categories go in today's digest.
  digestPass(now, report);
  return report;
}

/** TRIAD_NOTIFY_INTERVAL: seconds between passes (default 300; 0 turns the pass off). */
export function notifyIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TRIAD_NOTIFY_INTERVAL?.trim();
  if (!raw) return 300_000;
  if (!/^\d{1,6}$/.test(raw) || (Number(raw) !== 0 && Number(raw) < 10)) {
    throw new Error(
      `TRIAD_NOTIFY_INTERVAL must be a whole number of seconds, at least 10 (or 0 to turn reminders and digests off); it is "${raw}".`,
    );
  }
  return Number(raw) * 1000;
}

export type NotificationScheduler = {
  /** One pass by hand (tests). */
  runOnce: () => Promise<void>;
  /** Stops the timer and waits for a pass in flight. */
  stop: () => Promise<void>;
};

/**
 * Runs the pass on an unref'd timer: the first soon after start, then every `intervalMs`.
 * A failing pass is reported to onError, never thrown into the timer; the next one retries.
 */
export function startNotificationPass({
  intervalMs = 300_000,
  firstAfterMs = 5_000,
  now = Date.now,
  onError = (error: unknown) => console.error("Notification pass:", error),
}: {
  intervalMs?: number;
  firstAfterMs?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
} = {}): NotificationScheduler {
  let running: Promise<void> | null = null;
  let stopped = false;
  const runOnce = () => {
    running ??= Promise.resolve()
      .then(() => {
        if (!stopped) runNotificationPass({ now: now() });
      })
      .catch(onError)
      .finally(() => {
        running = null;
      });
    return running;
  };
  const tick = () => {
    if (!stopped && !running) void runOnce();
  };
  const first = setTimeout(tick, Math.min(firstAfterMs, intervalMs));
  first.unref();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    runOnce,
    stop: async () => {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
