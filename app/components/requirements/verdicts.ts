/**
 * The words for the two feasibility verdicts on a requirement (docs/domain.md, "Feasibility"):
 * what each discipline said, what follows for the combined verdict, and why a requirement is
 * on the Mismatches list. Pure functions, so the loader and the page say the same thing.
 */
import type { Feasibility, VerdictDiscipline } from "~/domain/feasibility";
import { disciplineLabel, feasibilityLabel } from "~/domain/labels";

export type VerdictFields = {
  feasibility: Feasibility;
  dsFeasibility: Feasibility;
  dsConditions: string | null;
  itFeasibility: Feasibility;
  itConditions: string | null;
};

/** Data science first, then IT operations: the order the page shows them in. */
export const VERDICT_ORDER: VerdictDiscipline[] = ["data_science", "it"];

export const feasibilityTone = {
  unassessed: "muted",
  feasible: "ok",
  feasible_with_conditions: "warn",
  infeasible: "danger",
} as const;

export function verdictOf(r: VerdictFields, d: VerdictDiscipline) {
  return d === "data_science"
    ? { feasibility: r.dsFeasibility, conditions: r.dsConditions }
    : { feasibility: r.itFeasibility, conditions: r.itConditions };
}

const other = (d: VerdictDiscipline): VerdictDiscipline => (d === "it" ? "data_science" : "it");

/** One discipline's verdict in a phrase: "IT operations: infeasible — nightly export only". */
export function verdictPhrase(r: VerdictFields, d: VerdictDiscipline): string {
  const { feasibility, conditions } = verdictOf(r, d);
  const said = feasibility === "unassessed" ? "not assessed yet" : feasibilityLabel[feasibility].toLowerCase();
  const why =
    conditions && feasibility !== "feasible" && feasibility !== "unassessed"
      ? conditions.trim().replace(/[.;\s]+$/, "")
      : "";
  return `${disciplineLabel[d]}: ${said}${why ? ` — ${why}` : ""}`;
}

/** Both verdicts, the one that blocks first: "IT operations: infeasible — …; Data science: feasible". */
export function verdictSummary(r: VerdictFields): string {
  const blocking = (d: VerdictDiscipline) => {
    const f = verdictOf(r, d).feasibility;
    return f === "infeasible" ? 0 : f === "unassessed" ? 1 : 2;
  };
  const order = [...VERDICT_ORDER].sort((a, b) => blocking(a) - blocking(b));
  return order.map((d) => verdictPhrase(r, d)).join("; ");
}

/** What the two verdicts add up to, in a sentence starting with "Combined:". */
export function combinedText(r: VerdictFields): string {
  const missing = VERDICT_ORDER.filter((d) => verdictOf(r, d).feasibility === "unassessed");
  if (missing.length === 2) return "Combined: not assessed until both have given a verdict.";
  if (missing.length === 1) {
    return `Combined: not assessed until ${disciplineLabel[missing[0]]} gives a verdict too (${disciplineLabel[other(missing[0])]} has).`;
  }
  if (r.feasibility === "infeasible") {
    const saying = VERDICT_ORDER.filter((d) => verdictOf(r, d).feasibility === "infeasible");
    return saying.length === 2
      ? "Combined: infeasible (both say so)."
      : `Combined: infeasible (${disciplineLabel[saying[0]]} says so).`;
  }
  if (r.feasibility === "feasible_with_conditions") return "Combined: feasible with conditions.";
  return "Combined: feasible (both agree).";
}

export type MismatchKind = "disagree" | "infeasible" | "unassessed";

/** The kind of mismatch, for the badge on the Mismatches list. */
export const mismatchKindLabel: Record<MismatchKind, string> = {
  disagree: "IT operations and data science disagree",
  infeasible: "Infeasible for both",
  unassessed: "Not assessed by both yet",
};
