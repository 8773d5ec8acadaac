/**
 * Feasibility per discipline (docs/domain.md, "Feasibility"): IT operations and data science
 * each give a verdict on every requirement; the requirement's combined verdict follows.
 */
import type { FEASIBILITIES } from "~/domain/vocabulary";

export type Feasibility = (typeof FEASIBILITIES)[number];

/** The two disciplines that give verdicts. */
export const VERDICT_DISCIPLINES = ["data_science", "it"] as const;
export type VerdictDiscipline = (typeof VERDICT_DISCIPLINES)[number];

/**
 * Infeasible as soon as either says so (a known blocker wins); otherwise not assessed until
 * both have spoken; with conditions when either has conditions; feasible when both say so.
 */
export function combinedFeasibility(ds: Feasibility, it: Feasibility): Feasibility {
  if (ds === "infeasible" || it === "infeasible") return "infeasible";
  if (ds === "unassessed" || it === "unassessed") return "unassessed";
  if (ds === "feasible_with_conditions" || it === "feasible_with_conditions") return "feasible_with_conditions";
  return "feasible";
}
