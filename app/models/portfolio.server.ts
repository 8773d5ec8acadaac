/**
 * The portfolio on a date (docs/domain.md, "Portfolio on a date"): which project was in which
 * stage and state at the end of a given day, with the gate reviews that were open then,
 * replayed from the activity log by the pure rules of app/domain/portfolio.ts. It serves the
 * dashboard's board (`/?asOf=`), the projects list (`/projects?asOf=`), its CSV
 * (`/projects.csv`) and the API (`GET /api/v1/projects?asOf=`), so all four agree.
 *
 * Names, owners and teams are today's: the history records stage and state changes, and a
 * reader recognises a project by its current name.
 */
import { and, asc, eq, inArray, isNotNull, like, lte, min, sql, type SQL } from "drizzle-orm";
import { db } from "../../db/client.server";
import { activity, gateReviews, memberships, projects, users } from "../../db/schema";
import { addDays, dateInZone, startOfDateInZone } from "~/domain/dates";
import { ValidationError } from "~/domain/errors";
import { projectStateLabel, stageLabel, stopCauseLabel } from "~/domain/labels";
import { pagingError } from "~/domain/limits";
import {
  PROJECT_HISTORY_ACTIONS,
  STATE_ORDER,
  asOfError,
  projectEventOf,
  projectOn,
  reviewOpenAt,
  type ProjectEvent,
} from "~/domain/portfolio";
import { STAGES, type Discipline, type ProjectState, type Stage, type StopCause } from "~/domain/vocabulary";
import type { CsvValue } from "~/lib/csv.server";
import { orgTimeZone, orgToday } from "~/lib/org-time-zone.server";
import { memoUntilWrite } from "./data-version.server";

// ---------- which instant a date means ----------

/**
 * The organisation's calendar for "as of": the day it is now and the last instant of a day.
 * THE one place the organisation's time zone (TRIAD_TIME_ZONE, app/lib/org-time-zone.server.ts)
 * enters the portfolio on a date: a day is the organisation's day.
 */
export const organisationCalendar = {
  get timeZone(): string {
    return orgTimeZone();
  },
  today: (now: number): string => orgToday(now),
  /** The organisation's date of an instant. */
  dateOf: (instant: number): string => dateInZone(instant, orgTimeZone()),
  /** The last millisecond of `date` (YYYY-MM-DD) in the organisation's zone. */
  endOfDay: (date: string): number => startOfDateInZone(addDays(date, 1), orgTimeZone()) - 1,
};

/** A date the portfolio is shown on: the day, and the instant it ends. */
export type AsOf = { date: string; at: number; timeZone: string };

/** The organisation's first day in Triad: the day its first person was set up (null when empty). */
export function organisationFirstDay(): string | null {
  const first = db
    .select({ at: min(users.createdAt) })
    .from(users)
    .get()?.at;
  return first == null ? null : organisationCalendar.dateOf(first);
}

/**
 * Reads an `asOf` value: none (blank or missing) is today's live portfolio; otherwise a real
 * calendar day from the organisation's first day to today, or a sentence saying what is wrong.
 */
export function parseAsOf(
  value: string | null | undefined,
  now: number,
): { ok: true; asOf: AsOf | null } | { ok: false; message: string } {
  const date = (value ?? "").trim();
  if (!date) return { ok: true, asOf: null };
  const message = asOfError(date, { today: organisationCalendar.today(now), firstDay: organisationFirstDay() });
  if (message) return { ok: false, message };
  return {
    ok: true,
    asOf: { date, at: Math.min(organisationCalendar.endOfDay(date), now), timeZone: organisationCalendar.timeZone },
  };
}

/** As parseAsOf, refusing a wrong date with a ValidationError on `asOf` (the API's 400). */
export function requireAsOf(value: string | null | undefined, now: number): AsOf | null {
  const result = parseAsOf(value, now);
  if (!result.ok) throw new ValidationError(result.message, { asOf: result.message });
  return result.asOf;
}

// ---------- the portfolio at an instant ----------

export type PortfolioReview = { id: number; targetStage: Stage; openedAt: number };

/** One project as it stood at the instant (names, owner and team today's). */
export type PortfolioRow = {
  id: number;
  slug: string;
  name: string;
  summary: string;
  ownerName: string;
  memberCount: number;
  createdAt: number;
  stage: Stage;
  state: ProjectState;
  stopCause: StopCause | null;
  stageEnteredAt: number;
  closedAt: number | null;
  /** Its last change of stage or state by then. */
  updatedAt: number;
  /** The gate review open then, if any. */
  review: PortfolioReview | null;
};

type PortfolioFilters = {
  q?: string;
  /** Only projects this user is on today (optionally in this discipline). */
  memberId?: number;
  memberDiscipline?: Discipline;
};

/** The filters of a list that do not depend on the date, as SQL on `projects`. */
function fixedFilters(filters: PortfolioFilters): SQL[] {
  const where: SQL[] = [];
  if (filters.q) where.push(like(projects.name, `%${filters.q.replace(/[%_]/g, "")}%`));
  if (filters.memberId) {
    where.push(
      sql`exists (select 1 from ${memberships} where ${memberships.projectId} = ${projects.id} and ${memberships.userId} = ${filters.memberId}${
        filters.memberDiscipline ? sql` and ${memberships.discipline} = ${filters.memberDiscipline}` : sql``
      })`,
    );
  }
  return where;
}

const listColumns = {
  id: projects.id,
  slug: projects.slug,
  name: projects.name,
  summary: projects.summary,
  createdAt: projects.createdAt,
  ownerName: users.name,
  memberCount: sql<number>`(select count(*) from ${memberships} where ${memberships.projectId} = ${projects.id})`,
};

/** The projects that existed at `at` (created by then), by name. */
function projectsExistingAt(at: number, filters: PortfolioFilters) {
  return db
    .select(listColumns)
    .from(projects)
    .innerJoin(users, eq(users.id, projects.ownerId))
    .where(and(lte(projects.createdAt, at), ...fixedFilters(filters)))
    .orderBy(asc(projects.name), asc(projects.id))
    .all();
}

/** Every project's stage and state changes up to `at`, by project. */
function historiesUpTo(at: number): Map<number, ProjectEvent[]> {
  const rows = db
    .select({ projectId: activity.projectId, at: activity.at, action: activity.action, after: activity.after })
    .from(activity)
    .where(
      and(
        inArray(activity.action, [...PROJECT_HISTORY_ACTIONS]),
        lte(activity.at, at),
        eq(activity.entityType, "project"),
        isNotNull(activity.projectId),
      ),
    )
    .orderBy(asc(activity.at), asc(activity.id))
    .all();
  const byProject = new Map<number, ProjectEvent[]>();
  for (const row of rows) {
    const event = projectEventOf(row);
    if (!event || row.projectId === null) continue;
    const list = byProject.get(row.projectId);
    if (list) list.push(event);
    else byProject.set(row.projectId, [event]);
  }
  return byProject;
}

/** The gate reviews open at `at`, by project (a project has at most one open at a time). */
function reviewsOpenAt(at: number): Map<number, PortfolioReview> {
  const rows = db
    .select({
      id: gateReviews.id,
      projectId: gateReviews.projectId,
      targetStage: gateReviews.targetStage,
      openedAt: gateReviews.openedAt,
      closedAt: gateReviews.closedAt,
    })
    .from(gateReviews)
    .where(lte(gateReviews.openedAt, at))
    .orderBy(asc(gateReviews.openedAt), asc(gateReviews.id))
    .all();
  const open = new Map<number, PortfolioReview>();
  for (const row of rows) {
    if (reviewOpenAt(row, at))
      open.set(row.projectId, { id: row.id, targetStage: row.targetStage, openedAt: row.openedAt });
  }
  return open;
}

/** The gate reviews open now on these projects, by project (a page of the live list). */
export function openReviewsOf(projectIds: number[]): Map<number, PortfolioReview> {
  if (projectIds.length === 0) return new Map();
  const rows = db
    .select({
      id: gateReviews.id,
      projectId: gateReviews.projectId,
      targetStage: gateReviews.targetStage,
      openedAt: gateReviews.openedAt,
    })
    .from(gateReviews)
    .where(and(eq(gateReviews.status, "open"), inArray(gateReviews.projectId, projectIds)))
    .all();
  return new Map(rows.map((r) => [r.projectId, { id: r.id, targetStage: r.targetStage, openedAt: r.openedAt }]));
}

function computePortfolio(at: number, filters: PortfolioFilters): PortfolioRow[] {
  const existing = projectsExistingAt(at, filters);
  if (existing.length === 0) return [];
  const histories = historiesUpTo(at);
  const reviews = reviewsOpenAt(at);
  const rows: PortfolioRow[] = [];
  for (const project of existing) {
    const then = projectOn(project.createdAt, histories.get(project.id) ?? [], at);
    if (!then) continue;
    rows.push({
      ...project,
      stage: then.stage,
      state: then.state,
      stopCause: then.stopCause,
      stageEnteredAt: then.stageEnteredAt,
      closedAt: then.closedAt,
      updatedAt: then.lastChangeAt,
      review: reviews.get(project.id) ?? null,
    });
  }
  return rows;
}

/** Today's portfolio from the projects as they are (the same rows as a past date's). */
function computeLivePortfolio(filters: PortfolioFilters): PortfolioRow[] {
  const rows = db
    .select({
      ...listColumns,
      stage: projects.stage,
      state: projects.state,
      stopCause: projects.stopCause,
      stageEnteredAt: projects.stageEnteredAt,
      closedAt: projects.closedAt,
      updatedAt: projects.updatedAt,
    })
    .from(projects)
    .innerJoin(users, eq(users.id, projects.ownerId))
    .where(and(...fixedFilters(filters)))
    .orderBy(asc(projects.name), asc(projects.id))
    .all();
  const open = new Map(
    db
      .select({
        id: gateReviews.id,
        projectId: gateReviews.projectId,
        targetStage: gateReviews.targetStage,
        openedAt: gateReviews.openedAt,
      })
      .from(gateReviews)
      .where(eq(gateReviews.status, "open"))
      .all()
      .map((r) => [r.projectId, { id: r.id, targetStage: r.targetStage, openedAt: r.openedAt }]),
  );
  return rows.map((row) => ({ ...row, review: open.get(row.id) ?? null }));
}

const portfolioCache = new Map<string, { version: string; value: PortfolioRow[] }>();

/**
 * Every project that existed at `at` (created by then), as it stood then, by name; with `at`
 * null, every project as it is now. Remembered until the next write. A project that stood
 * stopped or retired shows no gate review: its open one was withdrawn when it closed.
 */
export function portfolioOn(at: number | null, filters: PortfolioFilters = {}): PortfolioRow[] {
  const key = `${at ?? "now"}|${filters.q ?? ""}|${filters.memberId ?? ""}|${filters.memberDiscipline ?? ""}`;
  return memoUntilWrite(
    portfolioCache,
    key,
    () => (at === null ? computeLivePortfolio(filters) : computePortfolio(at, filters)),
    20,
  );
}

// ---------- the projects list on a date ----------

export const PORTFOLIO_SORTS = ["name", "stage", "state", "updated", "created"] as const;
export type PortfolioSort = (typeof PORTFOLIO_SORTS)[number];

const STAGE_ORDER: Record<Stage, number> = { poc: 0, pilot: 1, production: 2 };

/** The same orders as the live list (app/models/projects.server.ts `listProjects`). */
const ORDERS: Record<PortfolioSort, (a: PortfolioRow, b: PortfolioRow) => number> = {
  // rows come by name already (the database's order, as the live list's)
  name: () => 0,
  stage: (a, b) => STAGE_ORDER[a.stage] - STAGE_ORDER[b.stage],
  state: (a, b) => (a.state < b.state ? -1 : a.state > b.state ? 1 : 0),
  updated: (a, b) => b.updatedAt - a.updatedAt,
  created: (a, b) => b.createdAt - a.createdAt,
};

export type PortfolioListFilters = PortfolioFilters & {
  /** The instant; null for now. */
  at: number | null;
  stage?: Stage;
  state?: ProjectState;
  sort?: PortfolioSort;
};

/**
 * The projects list as it stood at `at`, every row: filtered by the stage and state they had
 * then (the name and "projects I am on" filters read today's names and teams), sorted as the
 * live list is. For the CSV; pages use listProjectsOn.
 */
export function portfolioList(filters: PortfolioListFilters): PortfolioRow[] {
  const matching = portfolioOn(filters.at, filters).filter(
    (row) => (!filters.stage || row.stage === filters.stage) && (!filters.state || row.state === filters.state),
  );
  const order = ORDERS[filters.sort ?? "name"];
  const sorted = matching.map((row, index) => ({ row, index }));
  sorted.sort((a, b) => order(a.row, b.row) || a.index - b.index);
  return sorted.map((s) => s.row);
}

/** One page of portfolioList, counted as the live list's pages are. */
export function listProjectsOn(filters: PortfolioListFilters & { page?: number; pageSize?: number }) {
  const { page = 1, pageSize = 25 } = filters;
  const badPaging = pagingError(page, pageSize);
  if (badPaging) throw new ValidationError(badPaging, { page: badPaging });
  const all = portfolioList(filters);
  const total = all.length;
  const rows = all.slice((page - 1) * pageSize, page * pageSize);
  return { rows, total, page, pageSize, pages: Math.max(1, Math.ceil(total / pageSize)) };
}

// ---------- the board on a date ----------

export const PORTFOLIO_BOARD_LIMIT = 12;

/**
 * The pipeline board as it stood at `at`: one column per stage with every project that was in
 * it then, running ones first (active, on hold, then stopped or retired there), the longest in
 * their stage first; each card with its state and the gate review open then.
 */
export function boardOn(at: number) {
  const rows = portfolioOn(at);
  const columns = STAGES.map((stage) => {
    const inStage = rows
      .filter((row) => row.stage === stage)
      .sort(
        (a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.stageEnteredAt - b.stageEnteredAt || a.id - b.id,
      );
    return { stage, total: inStage.length, cards: inStage.slice(0, PORTFOLIO_BOARD_LIMIT) };
  });
  return { columns, projects: rows.length, openReviews: rows.filter((row) => row.review).length };
}

// ---------- CSV ----------

export const PORTFOLIO_CSV_HEADER = [
  "ID",
  "Project",
  "Stage",
  "State",
  "Stop cause",
  "In stage since",
  "Days in stage",
  "Stopped or retired on",
  "Gate review open",
  "Review opened on",
  "Owner (today)",
  "Created",
] as const;

const DAY = 86_400_000;
const isoDate = (instant: number | null) => (instant == null ? null : organisationCalendar.dateOf(instant));

/** One CSV record of a project on a date; days in stage count to `at` (or to when it closed). */
export function portfolioCsvCells(row: PortfolioRow, at: number): CsvValue[] {
  return [
    row.id,
    row.name,
    stageLabel[row.stage],
    projectStateLabel[row.state],
    row.stopCause ? stopCauseLabel[row.stopCause] : null,
    isoDate(row.stageEnteredAt),
    Math.max(0, Math.floor(((row.closedAt ?? at) - row.stageEnteredAt) / DAY)),
    isoDate(row.closedAt),
    row.review ? `To ${stageLabel[row.review.targetStage]}` : null,
    isoDate(row.review?.openedAt ?? null),
    row.ownerName,
    isoDate(row.createdAt),
  ];
}
