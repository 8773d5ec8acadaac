/**
 * The portfolio dashboard's data: the pipeline board, the signed-in user's queue, and the
 * bottleneck figures over a period, computed from history facts (app/domain/stats.ts).
 */
import { and, asc, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { db } from "../../db/client.server";
import {
  activity,
  debtItems,
  gateReviews,
  memberships,
  projects,
  repaymentSteps,
  requirements,
  signOffs,
  users,
} from "../../db/schema";
import { STAGES, type Discipline, type Stage } from "~/domain/vocabulary";
import { addDays } from "~/domain/dates";
import { daysWaited } from "~/domain/reminders";
import {
  debtSeries,
  monthEnds,
  periodStats,
  quantile,
  stageOn,
  type PeriodStats,
  type ProjectHistory,
  type StopFact,
} from "~/domain/stats";
import { debtTotalsForProject } from "./debt.server";
import { memoUntilWrite } from "./data-version.server";
import { getReview, openReviewSummary } from "./gates.server";

// ---------- history facts ----------

type HistoryFacts = { histories: ProjectHistory[]; stops: StopFact[] };

/** Every project's stage changes and end, from the append-only activity log. */
export function loadStageHistories(projectIds?: number[]): HistoryFacts {
  const rows = db
    .select({
      projectId: activity.projectId,
      at: activity.at,
      action: activity.action,
      after: activity.after,
    })
    .from(activity)
    .where(
      and(
        inArray(activity.action, [
          "project.created",
          "project.stage_changed",
          "project.state_changed",
          "project.reopened",
        ]),
        eq(activity.entityType, "project"),
        projectIds ? inArray(activity.projectId, projectIds) : undefined,
      ),
    )
    .orderBy(asc(activity.at), asc(activity.id))
    .all();
  const byProject = new Map<number, ProjectHistory>();
  const stops: StopFact[] = [];
  for (const row of rows) {
    if (row.projectId === null) continue;
    const after = row.after ? (JSON.parse(row.after) as { stage?: Stage; state?: string; stopCause?: string }) : {};
    let history = byProject.get(row.projectId);
    if (!history) {
      history = { projectId: row.projectId, changes: [], endedAt: null };
      byProject.set(row.projectId, history);
    }
    if (row.action === "project.created") {
      history.changes.push({ at: row.at, stage: after.stage ?? "poc" });
    } else if (row.action === "project.stage_changed" && after.stage) {
      history.changes.push({ at: row.at, stage: after.stage });
    } else if (row.action === "project.state_changed") {
      if (after.state === "stopped" || after.state === "retired") history.endedAt = row.at;
      if (after.state === "stopped")
        stops.push({ at: row.at, cause: after.stopCause ?? "other", projectId: row.projectId });
    } else if (row.action === "project.reopened") {
      // An admin reopened a stopped project: it is in its stage again.
      history.endedAt = null;
    }
  }
  return { histories: [...byProject.values()].filter((h) => h.changes.length > 0), stops };
}

/** The stage each project was in on `at` (null: did not exist yet, or had ended). */
export function stagesOnDate(at: number, projectIds?: number[]): Map<number, Stage | null> {
  const { histories } = loadStageHistories(projectIds);
  return new Map(histories.map((h) => [h.projectId, stageOn(h, at)]));
}

// ---------- bottleneck figures (cached briefly: analytics, not live state) ----------

const CACHE_MS = 60_000;
const figureCache = new Map<string, { at: number; value: ReturnType<typeof computeFigures> }>();

function computeFigures(from: number, to: number) {
  const { histories, stops } = loadStageHistories();
  const reviews = db
    .select({
      projectId: gateReviews.projectId,
      targetStage: gateReviews.targetStage,
      openedAt: gateReviews.openedAt,
      closedAt: gateReviews.closedAt,
      status: gateReviews.status,
    })
    .from(gateReviews)
    .all();
  const stats = periodStats({ histories, reviews, stops, period: { from, to } });
  const behind = projectsBehind(stats);
  const debt = db
    .select({
      register: debtItems.register,
      principalDays: debtItems.principalDays,
      interestDays: debtItems.interestDays,
      openedAt: debtItems.openedAt,
      repaidAt: debtItems.repaidAt,
      writtenOffAt: debtItems.writtenOffAt,
    })
    .from(debtItems)
    .where(lte(debtItems.openedAt, to))
    .all();
  const series = debtSeries(debt, monthEnds(from, to));
  const { projects: _ids, promotions: _promotions, ...figures } = stats;
  return {
    ...figures,
    conversion: stats.conversion.map(({ projects: _projects, ...row }) => row),
    ...behind,
    debtSeries: series,
  };
}

/** How many projects a figure's list names at most; the count above it says how many there are. */
export const FIGURE_LIST_LIMIT = 25;

export type ProjectRef = { id: number; slug: string; name: string };
/** The projects behind a figure: how many, and the first FIGURE_LIST_LIMIT by name. */
export type ProjectList = { total: number; shown: ProjectRef[] };

/** Names the projects behind each figure (by name, at most FIGURE_LIST_LIMIT per list). */
function projectsBehind(stats: PeriodStats) {
  const ids = new Set<number>(stats.promotions.map((p) => p.projectId));
  const lists = [
    ...Object.values(stats.projects.entered),
    ...Object.values(stats.projects.timeInStage),
    ...Object.values(stats.projects.gateWait),
    ...Object.values(stats.projects.stops),
    ...stats.conversion.flatMap((c) => Object.values(c.projects)),
  ];
  for (const list of lists) for (const id of list) ids.add(id);
  const refs = new Map<number, ProjectRef>();
  const all = [...ids];
  // In chunks: SQLite bounds the number of parameters of one statement.
  for (let i = 0; i < all.length; i += 500) {
    for (const ref of db
      .select({ id: projects.id, slug: projects.slug, name: projects.name })
      .from(projects)
      .where(inArray(projects.id, all.slice(i, i + 500)))
      .all()) {
      refs.set(ref.id, ref);
    }
  }
  const byName = (a: ProjectRef, b: ProjectRef) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id);
  const list = (projectIds: number[]): ProjectList => ({
    total: projectIds.length,
    shown: projectIds
      .map((id) => refs.get(id))
      .filter((ref): ref is ProjectRef => ref !== undefined)
      .sort(byName)
      .slice(0, FIGURE_LIST_LIMIT),
  });
  const perKey = <K extends string>(record: Record<K, number[]>) =>
    Object.fromEntries(Object.entries<number[]>(record).map(([key, projectIds]) => [key, list(projectIds)])) as Record<
      K,
      ProjectList
    >;
  const promoted = stats.promotions.filter((p) => refs.has(p.projectId));
  return {
    /** Promotions in the period: how many, to each stage, and the latest first. */
    promoted: {
      total: stats.promotions.length,
      toPilot: stats.promotions.filter((p) => p.to === "pilot").length,
      toProduction: stats.promotions.filter((p) => p.to === "production").length,
      latest: promoted
        .slice(-FIGURE_LIST_LIMIT)
        .reverse()
        .map((p) => ({ ...refs.get(p.projectId)!, to: p.to, at: p.at })),
    },
    behind: {
      entered: perKey(stats.projects.entered),
      timeInStage: perKey(stats.projects.timeInStage),
      gateWait: perKey(stats.projects.gateWait),
      stops: perKey(stats.projects.stops) as Partial<Record<string, ProjectList>>,
      conversion: stats.conversion.map((c) => ({
        reached: list(c.projects.reached),
        stopped: list(c.projects.stopped),
        stillInStage: list(c.projects.stillInStage),
      })),
    },
  };
}

export function bottleneckFigures({ from, to, now }: { from: number; to: number; now: number }) {
  // `from` and `to` move with the clock: key by the period's length in days, so the figures
  // are computed once a minute per period (as the page says), not on every request.
  const key = String(Math.round((to - from) / 86_400_000));
  const cached = figureCache.get(key);
  if (cached && now - cached.at < CACHE_MS) return cached.value;
  const value = computeFigures(from, to);
  figureCache.set(key, { at: now, value });
  if (figureCache.size > 50) figureCache.delete(figureCache.keys().next().value!);
  return value;
}

/** Forget cached figures (tests; after bulk loads). */
export function clearFigureCache() {
  figureCache.clear();
}

// ---------- pipeline board ----------

export const BOARD_LIMIT = 12;

type BoardInput = {
  userId: number;
  mine: boolean;
  /** Only projects whose open review lacks a current sign-off of this discipline. */
  waitingFor?: Discipline;
  today: string;
};

const boardCache = new Map<string, { version: string; value: ReturnType<typeof computeBoard> }>();

/** The board, remembered until the next write (it is the same for everyone without "mine"). */
export function pipelineBoard(input: BoardInput) {
  const key = `${input.mine ? input.userId : "all"}|${input.waitingFor ?? ""}|${input.today}`;
  return memoUntilWrite(boardCache, key, () => computeBoard(input));
}

function computeBoard({ userId, mine, waitingFor, today }: BoardInput) {
  const conditions = [eq(projects.state, "active")];
  if (mine) {
    conditions.push(
      sql`exists (select 1 from ${memberships} where ${memberships.projectId} = ${projects.id} and ${memberships.userId} = ${userId})`,
    );
  }
  if (waitingFor) {
    conditions.push(
      sql`exists (select 1 from ${gateReviews} where ${gateReviews.projectId} = ${projects.id} and ${gateReviews.status} = 'open'
        and not exists (select 1 from ${signOffs} where ${signOffs.reviewId} = ${gateReviews.id}
          and ${signOffs.discipline} = ${waitingFor} and ${signOffs.status} = 'current'))`,
    );
  }
  return STAGES.map((stage) => {
    const where = and(...conditions, eq(projects.stage, stage));
    const total =
      db
        .select({ n: sql<number>`count(*)` })
        .from(projects)
        .where(where)
        .get()?.n ?? 0;
    // The longest in their stage first: those are the ones stuck.
    const rows = db
      .select({
        id: projects.id,
        slug: projects.slug,
        name: projects.name,
        stageEnteredAt: projects.stageEnteredAt,
        ownerName: users.name,
        mismatches: sql<number>`(select count(*) from ${requirements} where ${requirements.projectId} = ${projects.id}
          and ${requirements.status} = 'active' and ${requirements.priority} = 'must'
          and ${requirements.feasibility} in ('infeasible', 'unassessed'))`,
      })
      .from(projects)
      .innerJoin(users, eq(users.id, projects.ownerId))
      .where(where)
      .orderBy(asc(projects.stageEnteredAt), asc(projects.id))
      .limit(BOARD_LIMIT)
      .all();
    const cards = rows.map((row) => {
      const debt = debtTotalsForProject(row.id, today, stage);
      return {
        ...row,
        review: openReviewSummary(row.id),
        debtDays:
          debt.technical.principalDays +
          debt.technical.accruedInterestDays +
          debt.organizational.principalDays +
          debt.organizational.accruedInterestDays,
        overdue: debt.technical.overdueCount + debt.organizational.overdueCount,
      };
    });
    return { stage, total, cards };
  });
}

// ---------- waiting at the gate now ----------

const gateWaitCache = new Map<string, { version: string; value: ReturnType<typeof openReviewAges> }>();

/** Open reviews of active projects, oldest first (remembered until the next write). */
function openReviewAges() {
  return db
    .select({
      reviewId: gateReviews.id,
      openedAt: gateReviews.openedAt,
      slug: projects.slug,
      name: projects.name,
      targetStage: gateReviews.targetStage,
    })
    .from(gateReviews)
    .innerJoin(projects, eq(projects.id, gateReviews.projectId))
    .where(and(eq(gateReviews.status, "open"), eq(projects.state, "active")))
    .orderBy(asc(gateReviews.openedAt), asc(gateReviews.id))
    .all();
}

/**
 * "Waiting at the gate now": how many reviews are open, the oldest (whole days since it
 * opened, as reminders count them) and the median wait.
 */
export function gateWaitNow(now: number) {
  // Whole days move once a day: worked out once a minute (and after every write), not per request.
  return memoUntilWrite(gateWaitNowCache, String(Math.floor(now / 60_000)), () => computeGateWait(now), 1);
}

const gateWaitNowCache = new Map<string, { version: string; value: ReturnType<typeof computeGateWait> }>();

function computeGateWait(now: number) {
  const open = memoUntilWrite(gateWaitCache, "open", openReviewAges, 1);
  const days = open.map((r) => daysWaited(r.openedAt, now));
  const oldest = open[0];
  return {
    count: open.length,
    oldest: oldest ? { slug: oldest.slug, name: oldest.name, targetStage: oldest.targetStage, days: days[0] } : null,
    medianDays: quantile(days, 0.5),
    /** The reviews behind the figure, longest waiting first (at most FIGURE_LIST_LIMIT). */
    waiting: open.slice(0, FIGURE_LIST_LIMIT).map((r, i) => ({
      reviewId: r.reviewId,
      slug: r.slug,
      name: r.name,
      targetStage: r.targetStage,
      days: days[i],
    })),
  };
}

// ---------- my queue ----------

const DUE_SOON_DAYS = 14;

const queueCache = new Map<string, { version: string; value: ReturnType<typeof computeQueue> }>();

export function myQueue(input: { userId: number; today: string }) {
  return memoUntilWrite(queueCache, `${input.userId}|${input.today}`, () => computeQueue(input));
}

function computeQueue({ userId, today }: { userId: number; today: string }) {
  const mine = db
    .select({
      projectId: memberships.projectId,
      discipline: memberships.discipline,
      slug: projects.slug,
      name: projects.name,
    })
    .from(memberships)
    .innerJoin(projects, eq(projects.id, memberships.projectId))
    .where(and(eq(memberships.userId, userId), eq(projects.state, "active")))
    .all();
  const myProjectIds = mine.map((m) => m.projectId);

  // Open reviews on my projects: evaluate each once for my discipline's panel. Each item says
  // since when it waits (the review's opening), and the longest-waiting come first.
  const reviewsWaiting: Array<{
    slug: string;
    name: string;
    reviewId: number;
    targetStage: Stage;
    status: string;
    waitingSince: number;
  }> = [];
  const staleSignOffs: Array<{
    slug: string;
    name: string;
    reviewId: number;
    targetStage: Stage;
    waitingSince: number;
  }> = [];
  const open = myProjectIds.length
    ? db
        .select({ id: gateReviews.id, projectId: gateReviews.projectId })
        .from(gateReviews)
        .where(and(inArray(gateReviews.projectId, myProjectIds), eq(gateReviews.status, "open")))
        .orderBy(asc(gateReviews.openedAt), asc(gateReviews.id))
        .all()
    : [];
  for (const review of open) {
    const membership = mine.find((m) => m.projectId === review.projectId)!;
    const view = getReview(review.id);
    if (!view) continue;
    const panel = view.panels.find((p) => p.discipline === membership.discipline)!;
    const entry = {
      slug: membership.slug,
      name: membership.name,
      reviewId: review.id,
      targetStage: view.review.targetStage,
      waitingSince: view.review.openedAt,
    };
    const own = panel.signOffs.find((s) => s.userId === userId);
    if (own?.standing === "stale") staleSignOffs.push(entry);
    else if (!own && (panel.status === "missing" || panel.status === "stale" || panel.status === "invalid")) {
      reviewsWaiting.push({ ...entry, status: panel.status });
    }
  }

  // Each assessing discipline gives its own verdict: what waits is what *your* discipline has not assessed.
  const assessingProjects = mine
    .filter((m) => m.discipline === "it" || m.discipline === "data_science")
    .map((m) => m.projectId);
  const myVerdict = mine.find((m) => m.discipline === "it") ? requirements.itFeasibility : requirements.dsFeasibility;
  const toAssess = assessingProjects.length
    ? db
        .select({
          id: requirements.id,
          title: requirements.title,
          priority: requirements.priority,
          slug: projects.slug,
          name: projects.name,
          waitingSince: requirements.createdAt,
        })
        .from(requirements)
        .innerJoin(projects, eq(projects.id, requirements.projectId))
        .where(
          and(
            inArray(requirements.projectId, assessingProjects),
            eq(requirements.status, "active"),
            eq(myVerdict, "unassessed"),
          ),
        )
        // Longest waiting first; among the same day's, must-haves first.
        .orderBy(
          asc(requirements.createdAt),
          sql`case ${requirements.priority} when 'must' then 0 when 'should' then 1 else 2 end`,
          asc(requirements.id),
        )
        .limit(50)
        .all()
    : [];

  const horizon = addDays(today, DUE_SOON_DAYS);
  const debtDue = db
    .select({
      id: debtItems.id,
      title: debtItems.title,
      targetDate: debtItems.targetDate,
      status: debtItems.status,
      slug: projects.slug,
      name: projects.name,
    })
    .from(debtItems)
    .innerJoin(projects, eq(projects.id, debtItems.projectId))
    .where(
      and(
        eq(debtItems.ownerId, userId),
        inArray(debtItems.status, ["open", "repaying"]),
        lte(debtItems.targetDate, horizon),
      ),
    )
    .orderBy(asc(debtItems.targetDate))
    .limit(50)
    .all();
  const stepItem = alias(debtItems, "step_item");
  const stepsDue = db
    .select({
      id: repaymentSteps.id,
      title: repaymentSteps.title,
      dueDate: repaymentSteps.dueDate,
      itemId: stepItem.id,
      itemTitle: stepItem.title,
      slug: projects.slug,
      name: projects.name,
    })
    .from(repaymentSteps)
    .innerJoin(stepItem, eq(stepItem.id, repaymentSteps.debtItemId))
    .innerJoin(projects, eq(projects.id, stepItem.projectId))
    .where(
      and(
        eq(repaymentSteps.ownerId, userId),
        isNull(repaymentSteps.doneAt),
        lte(repaymentSteps.dueDate, horizon),
        inArray(stepItem.status, ["open", "repaying"]),
      ),
    )
    .orderBy(asc(repaymentSteps.dueDate))
    .limit(50)
    .all();

  return {
    reviewsWaiting,
    staleSignOffs,
    toAssess,
    debtDue: debtDue.map((d) => ({ ...d, overdue: d.targetDate !== null && d.targetDate < today })),
    stepsDue: stepsDue.map((s) => ({ ...s, overdue: s.dueDate !== null && s.dueDate < today })),
  };
}
