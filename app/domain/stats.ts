/**
 * Portfolio statistics from history facts, not current state: which stage a project was
 * in on a date, how long projects stay in each stage, how many get through each gate,
 * why they stop. Pure functions; instants are ms UTC and `now` is always passed in.
 */
import type { Stage } from "~/domain/vocabulary";
import { monthsBetweenDays } from "./dates";

/** A project's stage changes, oldest first; the first entry is its creation (stage poc). */
export type StageChange = { at: number; stage: Stage };
export type ProjectHistory = {
  projectId: number;
  changes: StageChange[];
  /** When it stopped or retired, if it did: it is in no stage after that. */
  endedAt?: number | null;
};

export type StageInterval = { stage: Stage; start: number; end: number | null };

/** The stays of one project, in order; `end` null while it is still in that stage. */
export function stageIntervals(history: ProjectHistory): StageInterval[] {
  const changes = [...history.changes].sort((a, b) => a.at - b.at);
  return changes.map((change, i) => {
    const next = changes[i + 1];
    const end = next ? next.at : (history.endedAt ?? null);
    return { stage: change.stage, start: change.at, end };
  });
}

/** The stage a project was in at `at`, or null before it existed or after it ended. */
export function stageOn(history: ProjectHistory, at: number): Stage | null {
  for (const interval of stageIntervals(history)) {
    if (interval.start <= at && (interval.end === null || at < interval.end)) return interval.stage;
  }
  return null;
}

/**
 * Quantile by linear interpolation between closest ranks (the "R-7" definition used by
 * spreadsheets): q=0.5 of [1,2,3,4] is 2.5. Null for no values.
 */
export function quantile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

const DAY = 86_400_000;
const days = (ms: number) => ms / DAY;

export type Period = { from: number; to: number };
const within = (at: number, period: Period) => at >= period.from && at < period.to;

export type GateWait = {
  targetStage: Stage;
  openedAt: number;
  closedAt: number | null;
  status: string;
  /** Whose review it is, to list the projects behind a figure. */
  projectId?: number;
};
export type StopFact = { at: number; cause: string; projectId?: number };

export type DurationFigures = { count: number; medianDays: number | null; p90Days: number | null };

export type PeriodStats = {
  /** Projects that entered each stage during the period. */
  entered: Record<Stage, number>;
  /**
   * Cohort conversion: of the projects that entered the first stage during the period, how
   * many have reached the second by `now` (converted), how many stopped before reaching it, and
   * how many are still on their way (in the first stage, or one between, active or on hold).
   * converted + stopped + stillInStage = cohort.
   */
  conversion: ConversionRow[];
  /** Promotions during the period (entering pilot or production), oldest first. */
  promotions: Array<{ projectId: number; to: Stage; at: number }>;
  /** The projects behind each figure, by id (a project once per list). */
  projects: {
    entered: Record<Stage, number[]>;
    timeInStage: Record<Stage, number[]>;
    gateWait: Record<"pilot" | "production", number[]>;
    stops: Record<string, number[]>;
  };
  /** Completed stays that ended during the period (left the stage by promotion or stop). */
  timeInStage: Record<Stage, DurationFigures>;
  /** Gate reviews closed as promoted during the period: opened -> promoted. */
  gateWait: Record<"pilot" | "production", DurationFigures>;
  /** Stops during the period by cause. */
  stops: Record<string, number>;
};

export type ConversionRow = {
  from: Stage;
  to: Stage;
  cohort: number;
  converted: number;
  stopped: number;
  stillInStage: number;
  rate: number | null;
  projects: { reached: number[]; stopped: number[]; stillInStage: number[] };
};

/** Adds `id` to `list` unless it is there already (lists stay short: one period's projects). */
function addOnce(list: number[], id: number | undefined) {
  if (id !== undefined && !list.includes(id)) list.push(id);
}

function durations(values: number[]): DurationFigures {
  return { count: values.length, medianDays: quantile(values, 0.5), p90Days: quantile(values, 0.9) };
}

export function periodStats(input: {
  histories: ProjectHistory[];
  reviews: GateWait[];
  stops: StopFact[];
  period: Period;
}): PeriodStats {
  const { histories, reviews, stops, period } = input;
  const entered: Record<Stage, number> = { poc: 0, pilot: 0, production: 0 };
  const stays: Record<Stage, number[]> = { poc: [], pilot: [], production: [] };
  const projects: PeriodStats["projects"] = {
    entered: { poc: [], pilot: [], production: [] },
    timeInStage: { poc: [], pilot: [], production: [] },
    gateWait: { pilot: [], production: [] },
    stops: {},
  };
  const promotions: PeriodStats["promotions"] = [];
  const reached = histories.map((h) => {
    const intervals = stageIntervals(h);
    intervals.forEach((interval, i) => {
      if (within(interval.start, period)) {
        entered[interval.stage] += 1;
        addOnce(projects.entered[interval.stage], h.projectId);
        if (i > 0) promotions.push({ projectId: h.projectId, to: interval.stage, at: interval.start });
      }
      if (interval.end !== null && within(interval.end, period)) {
        stays[interval.stage].push(days(interval.end - interval.start));
        addOnce(projects.timeInStage[interval.stage], h.projectId);
      }
    });
    return { history: h, intervals };
  });
  promotions.sort((a, b) => a.at - b.at || a.projectId - b.projectId);

  const conversion = (
    [
      ["poc", "pilot"],
      ["pilot", "production"],
      ["poc", "production"],
    ] as const
  ).map(([from, to]): ConversionRow => {
    const cohort = reached.filter(({ intervals }) =>
      intervals.some((i) => i.stage === from && within(i.start, period)),
    );
    const groups = { reached: [] as number[], stopped: [] as number[], stillInStage: [] as number[] };
    for (const { history, intervals } of cohort) {
      if (intervals.some((i) => i.stage === to)) groups.reached.push(history.projectId);
      else if (history.endedAt != null) groups.stopped.push(history.projectId);
      else groups.stillInStage.push(history.projectId);
    }
    return {
      from,
      to,
      cohort: cohort.length,
      converted: groups.reached.length,
      stopped: groups.stopped.length,
      stillInStage: groups.stillInStage.length,
      rate: cohort.length ? groups.reached.length / cohort.length : null,
      projects: groups,
    };
  });

  const waits = { pilot: [] as number[], production: [] as number[] };
  for (const review of reviews) {
    if (review.status !== "promoted" || review.closedAt === null) continue;
    if (!within(review.closedAt, period)) continue;
    if (review.targetStage === "pilot" || review.targetStage === "production") {
      waits[review.targetStage].push(days(review.closedAt - review.openedAt));
      addOnce(projects.gateWait[review.targetStage], review.projectId);
    }
  }

  const stopCounts: Record<string, number> = {};
  for (const stop of stops) {
    if (within(stop.at, period)) {
      stopCounts[stop.cause] = (stopCounts[stop.cause] ?? 0) + 1;
      addOnce((projects.stops[stop.cause] ??= []), stop.projectId);
    }
  }

  return {
    entered,
    conversion,
    promotions,
    projects,
    timeInStage: {
      poc: durations(stays.poc),
      pilot: durations(stays.pilot),
      production: durations(stays.production),
    },
    gateWait: { pilot: durations(waits.pilot), production: durations(waits.production) },
    stops: stopCounts,
  };
}

/** The last instant of each calendar month (UTC) from `from` to `to`, inclusive. */
export function monthEnds(from: number, to: number): number[] {
  const result: number[] = [];
  const start = new Date(from);
  let year = start.getUTCFullYear();
  let month = start.getUTCMonth();
  for (;;) {
    const end = Date.UTC(year, month + 1, 1) - 1;
    result.push(Math.min(end, to));
    if (end >= to) break;
    month += 1;
    if (month === 12) {
      month = 0;
      year += 1;
    }
  }
  return result;
}

export type DebtFact = {
  register: "technical" | "organizational";
  principalDays: number;
  interestDays: number;
  openedAt: number;
  /** When it stopped costing: repaid (null while open or accepted). */
  repaidAt: number | null;
  /** Or written off when its project stopped: it stops costing then too. */
  writtenOffAt?: number | null;
};

export type DebtPoint = {
  at: number;
  technical: { principalDays: number; accruedInterestDays: number };
  organizational: { principalDays: number; accruedInterestDays: number };
};

/** When an item stopped costing: repaid or written off, whichever came first; null while it costs. */
function endOf(item: DebtFact): number | null {
  const ends = [item.repaidAt, item.writtenOffAt ?? null].filter((t): t is number => t !== null);
  return ends.length ? Math.min(...ends) : null;
}

/**
 * Debt at each month end: principal of the items open then, and the interest accrued by
 * then on every item opened so far (up to its repayment or write-off). `monthsBetweenDates` is the
 * calendar rule of app/domain/dates.ts, passed in so this stays a pure function of its input.
 */
export function debtSeries(items: DebtFact[], at: number[]): DebtPoint[] {
  // Interest depends only on the two calendar days: the calendar rule runs once per
  // distinct (opened day, end day) pair, not once per item and month.
  const dayOf = (ms: number) => Math.floor(ms / DAY);
  const memo = new Map<number, number>();
  const months = (fromDay: number, toDay: number) => {
    const key = fromDay * 1_000_000 + toDay;
    let value = memo.get(key);
    if (value === undefined) {
      value = monthsBetweenDays(fromDay, toDay);
      memo.set(key, value);
    }
    return value;
  };
  const opened = items.map((i) => dayOf(i.openedAt));
  const ended = items.map((i) => endOf(i));
  const repaid = ended.map((end) => (end === null ? null : dayOf(end)));
  return at.map((moment) => {
    const momentDay = dayOf(moment);
    const point: DebtPoint = {
      at: moment,
      technical: { principalDays: 0, accruedInterestDays: 0 },
      organizational: { principalDays: 0, accruedInterestDays: 0 },
    };
    items.forEach((item, i) => {
      if (item.openedAt > moment) return;
      const bucket = point[item.register];
      const open = ended[i] === null || ended[i]! > moment;
      if (open) bucket.principalDays += item.principalDays;
      if (item.interestDays > 0) {
        bucket.accruedInterestDays += item.interestDays * months(opened[i], open ? momentDay : repaid[i]!);
      }
    });
    return point;
  });
}
