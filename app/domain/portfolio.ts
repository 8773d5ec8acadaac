/**
 * The portfolio on a date (docs/domain.md, "Portfolio on a date"): each project's stage and
 * state at an instant, replayed from the history its changes recorded in the activity log
 * (created, promoted, put on hold, resumed, stopped, retired, reopened), and the gate reviews
 * that were open then. Pure functions; the model (app/models/portfolio.server.ts) loads the
 * facts and says which instant a date means.
 */
import { dateInputError } from "./dates";
import { PROJECT_STATES, STAGES, STOP_CAUSES, type ProjectState, type Stage, type StopCause } from "./vocabulary";

/** The activity actions that move a project's stage or state. */
export const PROJECT_HISTORY_ACTIONS = [
  "project.created",
  "project.stage_changed",
  "project.state_changed",
  "project.reopened",
] as const;
export type ProjectHistoryAction = (typeof PROJECT_HISTORY_ACTIONS)[number];

/** One change of a project's stage or state, as the history tells it. */
export type ProjectEvent =
  | { at: number; kind: "created"; stage: Stage }
  | { at: number; kind: "stage"; stage: Stage }
  | { at: number; kind: "state"; state: ProjectState; stopCause: StopCause | null }
  | { at: number; kind: "reopened" };

const pick = <T extends string>(values: readonly T[], value: unknown): T | undefined => values.find((v) => v === value);

/**
 * An activity row of one of PROJECT_HISTORY_ACTIONS as an event; null for a row that says
 * nothing about the stage or state (a stage change without a stage, an unreadable `after`).
 */
export function projectEventOf(row: { at: number; action: string; after: string | null }): ProjectEvent | null {
  let after: Record<string, unknown> = {};
  try {
    const parsed: unknown = row.after ? JSON.parse(row.after) : {};
    if (parsed && typeof parsed === "object") after = parsed as Record<string, unknown>;
  } catch {
    return null;
  }
  switch (row.action) {
    case "project.created":
      return { at: row.at, kind: "created", stage: pick(STAGES, after.stage) ?? "poc" };
    case "project.stage_changed": {
      const stage = pick(STAGES, after.stage);
      return stage ? { at: row.at, kind: "stage", stage } : null;
    }
    case "project.state_changed": {
      const state = pick(PROJECT_STATES, after.state);
      if (!state) return null;
      const stopCause = state === "stopped" ? (pick(STOP_CAUSES, after.stopCause) ?? "other") : null;
      return { at: row.at, kind: "state", state, stopCause };
    }
    case "project.reopened":
      return { at: row.at, kind: "reopened" };
    default:
      return null;
  }
}

/** A project as it stood at an instant. */
export type ProjectOnDate = {
  stage: Stage;
  state: ProjectState;
  /** Why it was stopped, while stopped. */
  stopCause: StopCause | null;
  /** When it entered that stage. */
  stageEnteredAt: number;
  /** When it was stopped or retired, while it was; days in stage stop counting there. */
  closedAt: number | null;
  /** Its last change of stage or state up to the instant (its creation if none). */
  lastChangeAt: number;
};

/**
 * The project's stage and state at `at` (inclusive): null when it was created after `at`.
 * `createdAt` is the project's own; a history that lacks its creation row (an imported
 * organisation's) starts in the proof of concept, active, then. Events after `at` are ignored;
 * events need not be sorted.
 */
export function projectOn(createdAt: number, events: readonly ProjectEvent[], at: number): ProjectOnDate | null {
  if (createdAt > at) return null;
  const project: ProjectOnDate = {
    stage: "poc",
    state: "active",
    stopCause: null,
    stageEnteredAt: createdAt,
    closedAt: null,
    lastChangeAt: createdAt,
  };
  const sorted = events.filter((e) => e.at <= at).sort((a, b) => a.at - b.at);
  for (const event of sorted) {
    project.lastChangeAt = Math.max(project.lastChangeAt, event.at);
    switch (event.kind) {
      case "created":
        project.stage = event.stage;
        project.stageEnteredAt = event.at;
        break;
      case "stage":
        project.stage = event.stage;
        project.stageEnteredAt = event.at;
        break;
      case "state":
        project.state = event.state;
        project.stopCause = event.stopCause;
        project.closedAt = event.state === "stopped" || event.state === "retired" ? event.at : null;
        break;
      case "reopened":
        project.state = "active";
        project.stopCause = null;
        project.closedAt = null;
        break;
    }
  }
  return project;
}

/** A gate review's life: open from `openedAt` until `closedAt` (promoted or withdrawn). */
export type ReviewSpan = { openedAt: number; closedAt: number | null };

/** True when the review was open at `at`: opened by then and not yet closed. */
export function reviewOpenAt(review: ReviewSpan, at: number): boolean {
  return review.openedAt <= at && (review.closedAt === null || review.closedAt > at);
}

/** The order a board shows projects of one stage in: running first, then paused, then ended. */
export const STATE_ORDER: Record<ProjectState, number> = { active: 0, on_hold: 1, stopped: 2, retired: 3 };

/**
 * Why `value` is not a date the portfolio can be shown on, in words, or null when it is:
 * a real calendar day written YYYY-MM-DD, not after `today` (the future is not known yet) and
 * not before `firstDay`, the organisation's first day in Triad (null: nobody is set up yet).
 * Both days are calendar days in the organisation's time zone.
 */
export function asOfError(value: string, bounds: { today: string; firstDay: string | null }): string | null {
  const format = dateInputError(value);
  if (format) return format;
  if (value > bounds.today) {
    return `${value} is in the future: choose today (${bounds.today}) or an earlier date.`;
  }
  if (bounds.firstDay && value < bounds.firstDay) {
    return `Triad has no history before ${bounds.firstDay}, the day the organisation started using it: choose that day or a later one.`;
  }
  return null;
}
