/**
 * zod schemas for debt: the forms of the project registers and item pages, the filters of
 * /debt and /debt.csv, and (later) the API bodies. One source of truth: field names are the
 * model's input names. Rules that need the project (category per register, plan dates against
 * the project's stage, member owners) live in app/domain/debt.ts and the model; these
 * schemas check shape and give each field a message a person can act on.
 */
import { z } from "zod";
import { DEBT_STATUSES, REGISTERS, SEVERITIES, STAGES } from "~/domain/vocabulary";
import {
  DEBT_SORTS,
  DEBT_STATUS_FILTERS,
  isValidCategory,
  MAX_PLAN_STEPS,
  validateStatusChange,
  type DebtFilters,
} from "~/domain/debt";
import { earliestToday } from "~/domain/dates";

export { DEBT_SORTS, DEBT_STATUS_FILTERS, MAX_PLAN_STEPS };
import { idField, optionalDateField, optionalLongText, pageField, text, versionField } from "./validation";

export { versionField };

/** Empty string, missing or "none" -> null; else a positive id. (`.optional()`: documented as not required.) */
const optionalId = (message: string) =>
  z
    .preprocess((v) => (v === "" || v == null || v === "none" ? null : v), idField(message).nullable())
    .optional()
    .default(null);

/** Person-days: "2", "2.5" or "2,5"; 0 to 10,000. */
const personDays = (label: string, max = 10_000) =>
  z.preprocess(
    (v) => (typeof v === "string" ? (v.trim() === "" ? "0" : v.trim().replace(",", ".")) : v),
    z.coerce
      .number({ error: `Enter the ${label} as a number of person-days, like 3 or 2.5.` })
      .refine(Number.isFinite, `Enter the ${label} as a number of person-days, like 3 or 2.5.`)
      .min(0, `The ${label} cannot be negative.`)
      .max(max, `Keep the ${label} under ${max.toLocaleString("en")} person-days.`),
  );

export const registerField = z.enum(REGISTERS, { error: "Choose the technical or organizational register." });
export const severityField = z.enum(SEVERITIES, { error: "Choose low, medium, high or critical." });
export const stageField = z.enum(STAGES, { error: "Choose a stage." });
export const debtStatusField = z.enum(DEBT_STATUSES, { error: "Choose a status." });

const title = text(200, "title", "Enter a title.").min(3, "Enter a title of at least 3 characters.");

/** The fields of a debt item except its register (fixed once logged) and its plan. */
export const debtDetailsShape = {
  title,
  description: optionalLongText(4000, "description"),
  category: text(60, "category", "Choose a category.").min(1, "Choose a category."),
  benefit: optionalLongText(2000, "reason"),
  stageIncurred: stageField,
  severity: severityField,
  principalDays: personDays("principal"),
  interestDays: personDays("interest", 1_000),
  ownerId: optionalId("Choose an owner from the project's members."),
};

const categoryFits = (value: { register: string; category: string }, ctx: z.RefinementCtx) => {
  if (value.category && !isValidCategory(value.register, value.category)) {
    ctx.addIssue({
      code: "custom",
      path: ["category"],
      message: `Choose one of the ${value.register} register's categories.`,
    });
  }
};

/** "Log debt item". */
export const newDebtItemSchema = z.object({ register: registerField, ...debtDetailsShape }).superRefine(categoryFits);

/** "Edit details" on the item page (the register is checked against the stored one). */
export const debtDetailsSchema = z
  .object({ register: registerField, version: versionField, ...debtDetailsShape })
  .superRefine(categoryFits);

/** The repayment plan; its dates are checked against the steps by domain validatePlan. */
export const debtPlanSchema = z.object({
  version: versionField,
  strategy: optionalLongText(4000, "strategy"),
  targetDate: optionalDateField,
  repayBeforeStage: z
    .preprocess(
      (v) => (v === "" || v == null ? null : v),
      z.enum(["pilot", "production"], { error: "Choose pilot or production." }).nullable(),
    )
    .optional()
    .default(null),
});

export const repaymentStepSchema = z.object({
  version: versionField,
  title: text(300, "step", "Enter what the step does.").min(3, "Enter what the step does, in at least 3 characters."),
  ownerId: optionalId("Choose an owner from the project's members."),
  dueDate: optionalDateField,
});

/**
 * A plan given when the item is logged (the API's POST /projects/{slug}/debt): strategy, dates
 * and up to MAX_PLAN_STEPS steps in order. No `version`: the item does not exist yet. Unknown
 * fields are refused, as in the body around it.
 */
export const newDebtPlanSchema = debtPlanSchema
  .omit({ version: true })
  .extend({
    steps: z
      .array(repaymentStepSchema.omit({ version: true }).strict(), { error: "Give the steps as a list." })
      .max(MAX_PLAN_STEPS, `Plan at most ${MAX_PLAN_STEPS} steps; add more on the item later.`)
      .optional()
      .default([]),
  })
  .strict();

/** Steps are addressed by id; the item's version guards the whole plan. */
export const stepActionSchema = z.object({
  version: versionField,
  stepId: idField("No such step."),
});

/** Status changes by hand; the rules (note, justification, review date) are validateStatusChange. */
export const debtStatusChangeSchema = z.object({
  version: versionField,
  to: debtStatusField,
  note: optionalLongText(2000, "note"),
  justification: optionalLongText(2000, "justification"),
  /** Required when accepting: validateStatusChange says so (app/domain/debt.ts). */
  reviewDate: optionalDateField.transform((v) => v ?? ""),
});

// ---------- the forms of the item page, one schema per intent ----------
//
// The same schema validates in the browser (Conform) and in the action, so both give the same
// message. Where a form has no schema of its own above, it uses the API's: "Log debt item"
// newDebtItemSchema, "Edit details" debtDetailsSchema, "Repayment plan" debtPlanSchema,
// "Add step" repaymentStepSchema, a step's buttons stepActionSchema.

/** "Edit step": a step's fields and the step it changes. */
export const editStepSchema = repaymentStepSchema.extend({ stepId: idField("No such step.") });

/**
 * A status change by hand ("Start repaying", "Mark repaid…", "Accept…", "Reopen…"): the
 * shape of debtStatusChangeSchema and the rules of validateStatusChange (a note to mark it
 * repaid, a justification and a future review date to accept it; docs/domain.md), checked
 * against the earliest date it is anywhere (earliestToday: the browser does not know the
 * organisation's zone). The model checks them again in its transaction, against the
 * organisation's today.
 */
export const debtStatusFormSchema = debtStatusChangeSchema.superRefine((change, ctx) => {
  if (!DEBT_STATUSES.includes(change.to)) return;
  const texts = [change.note, change.justification, change.reviewDate];
  if (texts.some((t) => t != null && typeof t !== "string")) return;
  const errors = validateStatusChange(change, earliestToday(Date.now()));
  for (const [field, message] of Object.entries(errors)) ctx.addIssue({ code: "custom", path: [field], message });
});

// ---------- the organisation-wide register: /debt and /debt.csv ----------

const optionalEnum = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((v) => (v === "" ? undefined : v), z.enum(values).optional()).catch(undefined);

const optionalFilterId = z
  .preprocess((v) => (v === "" || v == null ? undefined : v), idField("No such id.").optional())
  .catch(undefined);

/** A name search: one line, ignored when malformed (like every filter here). */
const nameSearch = text(120, "search")
  .optional()
  .catch(undefined)
  .transform((v) => v || undefined);

/**
 * The filters of the org-wide register, from a query string. Unknown or malformed values
 * are ignored (a hand-edited URL shows everything rather than an error page).
 */
export const debtFiltersSchema = z.object({
  register: optionalEnum(REGISTERS),
  status: optionalEnum(DEBT_STATUS_FILTERS),
  severity: optionalEnum(SEVERITIES),
  category: z
    .string()
    .trim()
    .max(60)
    .regex(/^[a-z_]*$/)
    .optional()
    .catch(undefined)
    .transform((v) => v || undefined),
  project: optionalFilterId,
  /** A user id, or "none" for items without an owner. */
  owner: z
    .union([z.literal("none"), idField("No such person.")])
    .optional()
    .catch(undefined),
  /** Name contains: the project and owner filters of a large organisation (no long lists). */
  projectName: nameSearch,
  ownerName: nameSearch,
  overdue: optionalEnum(["yes", "no"] as const),
  sort: z.enum(DEBT_SORTS).catch("overdue").default("overdue"),
  dir: z.enum(["asc", "desc"]).catch("desc").default("desc"),
  /** Strict (app/utils/validation.ts pageField); like every filter, a malformed page is ignored: page 1. */
  page: pageField.catch(1).default(1),
});

export type { DebtFilters, DebtSort } from "~/domain/debt";

/** Parses `?register=...&status=...` (the GET form of /debt, and /debt.csv). */
export function parseDebtFilters(search: URLSearchParams): DebtFilters {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(debtFiltersSchema.shape)) {
    const value = search.get(key);
    if (value != null && value !== "") raw[key] = value;
  }
  return debtFiltersSchema.parse(raw);
}

/** The query string for filters (defaults left out), to build sort, page and CSV links. */
export function debtFiltersQuery(filters: Partial<DebtFilters>): string {
  const params = new URLSearchParams();
  const defaults: Partial<Record<keyof DebtFilters, unknown>> = { sort: "overdue", dir: "desc", page: 1 };
  for (const key of Object.keys(debtFiltersSchema.shape) as (keyof DebtFilters)[]) {
    const value = filters[key];
    if (value === undefined || value === null || value === "" || defaults[key] === value) continue;
    params.set(key, String(value));
  }
  const query = params.toString();
  return query ? `?${query}` : "";
}
