/**
 * The combined verdict (docs/domain.md, "Requirements and feasibility"): infeasible as soon as
 * either data science or IT operations says so; otherwise not assessed until both have spoken;
 * with conditions when either has conditions; else feasible. The whole 4 × 4 table.
 */
import { describe, expect, it } from "vitest";
import { combinedFeasibility, VERDICT_DISCIPLINES, type Feasibility } from "~/domain/feasibility";

const U = "unassessed";
const F = "feasible";
const C = "feasible_with_conditions";
const I = "infeasible";

// rows: data science's verdict; columns: IT operations' verdict (U, F, C, I)
const TABLE: Record<Feasibility, Record<Feasibility, Feasibility>> = {
  unassessed: { unassessed: U, feasible: U, feasible_with_conditions: U, infeasible: I },
  feasible: { unassessed: U, feasible: F, feasible_with_conditions: C, infeasible: I },
  feasible_with_conditions: { unassessed: U, feasible: C, feasible_with_conditions: C, infeasible: I },
  infeasible: { unassessed: I, feasible: I, feasible_with_conditions: I, infeasible: I },
};

const cells = (Object.keys(TABLE) as Feasibility[]).flatMap((ds) =>
  (Object.keys(TABLE[ds]) as Feasibility[]).map((it) => [ds, it, TABLE[ds][it]] as const),
);

describe("combinedFeasibility", () => {
  it.each(cells)("data science %s + IT operations %s → %s", (ds, it_, expected) => {
    expect(combinedFeasibility(ds, it_)).toBe(expected);
  });

  it("covers all 16 pairs and is symmetric", () => {
    expect(cells).toHaveLength(16);
    for (const [ds, it_] of cells) expect(combinedFeasibility(ds, it_)).toBe(combinedFeasibility(it_, ds));
  });

  it("a known blocker wins: one infeasible verdict is enough, the other need not have spoken", () => {
    expect(combinedFeasibility(I, U)).toBe(I);
    expect(combinedFeasibility(U, I)).toBe(I);
  });

  it("a feasible verdict alone is not enough: the other discipline must speak", () => {
    expect(combinedFeasibility(F, U)).toBe(U);
    expect(combinedFeasibility(U, C)).toBe(U);
  });

  it("the two disciplines that give verdicts", () => {
    expect(VERDICT_DISCIPLINES).toEqual(["data_science", "it"]);
  });
});
