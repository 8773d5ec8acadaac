/**
 * Debt rules (docs/domain.md "Debt item"): categories of the two registers, accrued interest,
 * overdue and "due before the next stage", how repayment steps move an item's status,
 * and validation of repayment plans and manual status changes. Pure: `today` is always
 * a parameter (a `YYYY-MM-DD` date), never read from the clock.
 */
import { DEBT_STATUSES, type REGISTERS, type Severity, type Stage } from "~/domain/vocabulary";
import { dateInputError, monthsBetween, utcDate } from "./dates";
import type { FieldErrors } from "./errors";
import { stageLabel } from "./labels";
import { nextStage, stageIndex } from "./stages";

export { monthsBetween } from "./dates";

export type Register = (typeof REGISTERS)[number];
export type DebtStatus = (typeof DEBT_STATUSES)[number];
export type Category = { value: string; label: string };

export const TECHNICAL_CATEGORIES = [
  { value: "hard_coded_logic", label: "Hard-coded logic" },
  { value: "manual_steps", label: "Manual steps" },
  { value: "missing_tests", label: "Missing tests" },
  { value: "missing_documentation", label: "Missing documentation" },
  { value: "tool_unfit_for_production", label: "Tool unfit for production" },
  { value: "performance", label: "Performance" },
  { value: "infrastructure", label: "Infrastructure" },
  { value: "other", label: "Other" },
] as const satisfies readonly Category[];

export const ORGANIZATIONAL_CATEGORIES = [
  { value: "tool_stack_incompatible", label: "Tool stack incompatible with core IT" },
  { value: "data_access", label: "Data access" },
  { value: "data_quality", label: "Data quality" },
  { value: "privacy_security", label: "Privacy and security" },
  { value: "missing_skills", label: "Missing engineers or skills" },
  { value: "unclear_ownership", label: "Unclear ownership or process" },
  { value: "other", label: "Other" },
] as const satisfies readonly Category[];

export type TechnicalCategory = (typeof TECHNICAL_CATEGORIES)[number]["value"];
export type OrganizationalCategory = (typeof ORGANIZATIONAL_CATEGORIES)[number]["value"];

/** The categories offered for a register (empty for an unknown register). */
export function categoriesFor(register: string): readonly Category[] {
  if (register === "technical") return TECHNICAL_CATEGORIES;
  if (register === "organizational") return ORGANIZATIONAL_CATEGORIES;
  return [];
}

/** The human label of a category; the raw value when it is not one of the register's. */
export function categoryLabel(register: string, value: string): string {
  return categoriesFor(register).find((c) => c.value === value)?.label ?? value;
}

export function isValidCategory(register: string, value: string): boolean {
  return categoriesFor(register).some((c) => c.value === value);
}

/** Open debt still needs repaying: status `open` or `repaying`. */
export function isOpenDebt(status: string): boolean {
  return status === "open" || status === "repaying";
}

/**
 * Settled debt: repaid, accepted, or written off when its project stopped. Its repayment plan
 * is frozen; written off is terminal (docs/domain.md, "Stopping and reopening a project").
 */
export function isSettledDebt(status: string): boolean {
  return status === "repaid" || status === "accepted" || status === "written_off";
}

/** The calendar day an item stopped costing interest: repaid or written off; null while it costs. */
export function interestEnd(item: {
  status: string;
  repaidAt: number | null;
  writtenOffAt?: number | null;
}): string | null {
  if (item.status === "repaid" && item.repaidAt != null) return utcDate(item.repaidAt);
  if (item.status === "written_off" && item.writtenOffAt != null) return utcDate(item.writtenOffAt);
  return null;
}

/**
 * Person-days of interest accrued so far: interest (person-days per month) x calendar
 * months from the UTC date the item was opened to `today`, or to the date it was repaid or
 * written off. Accepted items keep accruing: they are kept on purpose but still cost.
 */
export function accruedInterest(
  item: {
    interestDays: number;
    openedAt: number;
    repaidAt: number | null;
    writtenOffAt?: number | null;
    status: string;
  },
  today: string,
): number {
  const end = interestEnd(item) ?? today;
  return item.interestDays * monthsBetween(utcDate(item.openedAt), end);
}

/**
 * Overdue: open or repaying (never repaid, accepted or written off), and past its target date or with an unfinished step
 * past its due date. Due *today* is not overdue yet.
 */
export function isOverdue(
  item: {
    status: string;
    targetDate: string | null;
    steps: Array<{ dueDate: string | null; done: boolean }>;
  },
  today: string,
): boolean {
  if (!isOpenDebt(item.status)) return false;
  if (item.targetDate && item.targetDate < today) return true;
  return item.steps.some((s) => !s.done && s.dueDate != null && s.dueDate < today);
}

/**
 * What is overdue, for the overdue badge: the item itself (its target date passed) or, when
 * its target is still ahead, the step whose due date passed first (`step` is its number in
 * the plan, 1-based; `steps` in plan order). Null exactly when `isOverdue` is false.
 */
export type OverdueReason = { what: "item"; since: string } | { what: "step"; step: number; since: string };

export function overdueReason(
  item: { status: string; targetDate: string | null; steps: Array<{ dueDate: string | null; done: boolean }> },
  today: string,
): OverdueReason | null {
  if (!isOpenDebt(item.status)) return null;
  if (item.targetDate && item.targetDate < today) return { what: "item", since: item.targetDate };
  let reason: OverdueReason | null = null;
  for (const [i, s] of item.steps.entries()) {
    if (s.done || s.dueDate == null || s.dueDate >= today) continue;
    if (reason == null || s.dueDate < reason.since) reason = { what: "step", step: i + 1, since: s.dueDate };
  }
  return reason;
}

/**
 * Open debt that must be repaid before the project's next gate: its "repay before" stage
 * is the next stage, or the current one or an earlier one (already late).
 */
export function isDueBeforeNextStage(
  item: { status: string; repayBeforeStage: Stage | null },
  projectStage: Stage,
): boolean {
  if (!isOpenDebt(item.status) || item.repayBeforeStage == null) return false;
  return stageIndex(item.repayBeforeStage) <= stageIndex(projectStage) + 1;
}

/** Open debt whose "repay before" stage the project has already reached. */
export function isPastRepayStage(
  item: { status: string; repayBeforeStage: Stage | null },
  projectStage: Stage,
): boolean {
  if (!isOpenDebt(item.status) || item.repayBeforeStage == null) return false;
  return stageIndex(item.repayBeforeStage) <= stageIndex(projectStage);
}

/**
 * The status after a repayment step was ticked or unticked: open -> repaying once a step is
 * done; repaying -> open when no step is done any more. Steps never settle an item: when the
 * last one is ticked the page proposes "repaid" (`proposeRepaid`), and marking it repaid
 * still takes a note saying how. Settled items are not moved by steps.
 */
export function statusAfterStepChange(current: DebtStatus, steps: Array<{ done: boolean }>): DebtStatus {
  if (isSettledDebt(current)) return current;
  return steps.some((s) => s.done) ? "repaying" : "open";
}

/** Every step (at least one) is done while the item is still open or repaying: time to ask "repaid?". */
export function proposeRepaid(status: string, steps: Array<{ done: boolean }>): boolean {
  return isOpenDebt(status) && steps.length > 0 && steps.every((s) => s.done);
}

/** A reason of 3 to 1000 characters (writing debt off, reopening a project); null when fine. */
export function reasonError(reason: string | null | undefined, missing: string): string | null {
  const text = reason?.trim() ?? "";
  if (text.length < 3) return missing;
  if (text.length > 1000) return "Keep the reason under 1000 characters.";
  return null;
}

/** Why open debt is written off when its project stops. */
export const writeOffReasonError = (reason: string | null | undefined) =>
  reasonError(reason, "Say in a sentence why the open debt is written off.");

const blank = (value: string | null | undefined) => value == null || value.trim() === "";

/**
 * Checks a repayment plan before it is saved. Keys: `targetDate`, `repayBeforeStage`,
 * `steps.<index>.title`, `steps.<index>.dueDate` (index from 0, as posted; messages count
 * steps from 1 as people do). A plan may be saved incomplete (no strategy yet): whether an
 * item *has* a plan is judged by the gate criteria, not here.
 */
export function validatePlan(
  plan: {
    strategy?: string | null;
    targetDate?: string | null;
    repayBeforeStage?: Stage | null;
    steps: Array<{ title: string; dueDate: string | null }>;
  },
  projectStage: Stage,
): FieldErrors {
  const errors: FieldErrors = {};
  const target = blank(plan.targetDate) ? null : plan.targetDate!;
  const targetProblem = target == null ? null : dateInputError(target);
  const targetValid = target != null && !targetProblem;
  if (targetProblem) errors.targetDate = targetProblem;

  if (plan.repayBeforeStage != null) {
    const stage = plan.repayBeforeStage;
    if (stageIndex(stage) < 0) {
      errors.repayBeforeStage = "Choose a stage to repay before.";
    } else if (stageIndex(stage) <= stageIndex(projectStage)) {
      const next = nextStage(projectStage);
      errors.repayBeforeStage = next
        ? `The project is already in ${stageLabel[projectStage]}; choose ${stageLabel[next]} or leave it empty.`
        : `The project is already in ${stageLabel[projectStage]}; there is no later stage to repay before.`;
    }
  }

  plan.steps.forEach((step, index) => {
    const n = index + 1;
    if (blank(step.title)) errors[`steps.${index}.title`] = `Step ${n} needs a title.`;
    if (blank(step.dueDate)) return;
    const due = step.dueDate!;
    const dueProblem = dateInputError(due);
    if (dueProblem) {
      errors[`steps.${index}.dueDate`] = `Step ${n}: ${dueProblem}`;
    } else if (targetValid && due > target) {
      errors[`steps.${index}.dueDate`] =
        `Step ${n} is due on ${due}, after the plan's target date ${target}. Move the step or the target.`;
    }
  });
  return errors;
}

/**
 * Checks a status change made by hand. Marking an item repaid needs a `note` saying how;
 * accepting it needs a `justification` and a `reviewDate` after `today`.
 */
export function validateStatusChange(
  input: {
    to: DebtStatus;
    note?: string | null;
    justification?: string | null;
    reviewDate?: string | null;
  },
  today: string,
): FieldErrors {
  const errors: FieldErrors = {};
  if (input.to === "repaid" && blank(input.note)) {
    errors.note = "Say how the debt was repaid.";
  }
  if (input.to === "accepted") {
    if (blank(input.justification)) {
      errors.justification = "Explain why this debt is kept on purpose.";
    }
    if (blank(input.reviewDate)) {
      errors.reviewDate = "Choose a date to review this decision.";
    } else if (dateInputError(input.reviewDate)) {
      errors.reviewDate = dateInputError(input.reviewDate)!;
    } else if (input.reviewDate! <= today) {
      errors.reviewDate = `The review date must be after today (${today}).`;
    }
  }
  return errors;
}

export type DebtSummary = {
  /** All items. */
  count: number;
  /** Items open or repaying. */
  openCount: number;
  /** Principal still to repay: open and repaying items only. */
  principalDays: number;
  /** Interest accrued by every item, including repaid and written-off ones (until then) and accepted ones. */
  accruedInterestDays: number;
  overdueCount: number;
};

export type DebtSummaryItem = {
  register: string;
  status: string;
  principalDays: number;
  interestDays: number;
  openedAt: number;
  repaidAt: number | null;
  writtenOffAt?: number | null;
  targetDate: string | null;
  steps: Array<{ dueDate: string | null; done: boolean }>;
};

const emptySummary = (): DebtSummary => ({
  count: 0,
  openCount: 0,
  principalDays: 0,
  accruedInterestDays: 0,
  overdueCount: 0,
});

/** Totals per register and overall. Unrounded: round only for display. */
export function summarize(items: DebtSummaryItem[], today: string): Record<Register | "total", DebtSummary> {
  const result: Record<Register | "total", DebtSummary> = {
    technical: emptySummary(),
    organizational: emptySummary(),
    total: emptySummary(),
  };
  for (const item of items) {
    const open = isOpenDebt(item.status);
    const interest = accruedInterest(item, today);
    const overdue = isOverdue(item, today);
    const buckets = [result.total];
    if (item.register === "technical" || item.register === "organizational") {
      buckets.push(result[item.register]);
    }
    for (const s of buckets) {
      s.count += 1;
      if (open) {
        s.openCount += 1;
        s.principalDays += item.principalDays;
      }
      s.accruedInterestDays += interest;
      if (overdue) s.overdueCount += 1;
    }
  }
  return result;
}

// ---------- the organisation-wide register's filters (/debt, /debt.csv, GET /api/v1/debt) ----------

/** The most steps a plan can be logged with in one go (createDebtItem's `plan`). */
/**
 * The fields that describe a debt item, in the form's order: the form, the model (what a
 * change compares and records) and the API's partial update name the same ones.
 */
export const DEBT_DETAIL_FIELDS = [
  "title",
  "description",
  "category",
  "benefit",
  "stageIncurred",
  "severity",
  "principalDays",
  "interestDays",
  "ownerId",
] as const;
/** The fields of an item's repayment plan (its steps apart). */
export const DEBT_PLAN_FIELDS = ["strategy", "targetDate", "repayBeforeStage"] as const;

export const MAX_PLAN_STEPS = 20;

export const DEBT_SORTS = [
  "project",
  "title",
  "register",
  "category",
  "severity",
  "status",
  "owner",
  "principal",
  "interest",
  "accrued",
  "target",
  "overdue",
  "opened",
] as const;
export type DebtSort = (typeof DEBT_SORTS)[number];

/** Status filter: one status, or "unpaid" for open and repaying together. */
export const DEBT_STATUS_FILTERS = ["unpaid", ...DEBT_STATUSES] as const;
export type DebtStatusFilter = (typeof DEBT_STATUS_FILTERS)[number];

/** The filters of the org-wide register, as parsed from a query string (app/utils/debt-validation.ts). */
export type DebtFilters = {
  register?: Register;
  status?: DebtStatusFilter;
  severity?: Severity;
  category?: string;
  project?: number;
  /** A user id, or "none" for items without an owner. */
  owner?: number | "none";
  projectName?: string;
  ownerName?: string;
  overdue?: "yes" | "no";
  sort: DebtSort;
  dir: "asc" | "desc";
  page: number;
};
