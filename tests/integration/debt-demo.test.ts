/**
 * The demo debt (app/demo/demo-debt.ts, seeded by app/demo/demo.ts's seedDemo): both registers, every
 * status, some overdue, the article's examples, consistent plans, and a history per item.
 * (Items that are conditions of a demo sign-off come from the gates demo and have no
 * history of their own; the sign-off's row covers them.)
 */
import { beforeAll, describe, expect, it } from "vitest";
import { isNull } from "drizzle-orm";
import { db } from "../../db/client.server";
import { debtItems } from "../../db/schema";
import { seedDemo } from "../../app/demo/demo";
import { statusAfterStepChange, validatePlan } from "~/domain/debt";
import { utcDate } from "~/domain/dates";
import { stageIndex } from "~/domain/stages";
import { getDebtItem, listOrgDebt } from "~/models/debt.server";
import { parseDebtFilters } from "~/utils/debt-validation";
import { resetDatabase } from "../support/database";

const NOW = Date.UTC(2030, 5, 15, 12);
const TODAY = utcDate(NOW);
let itemIds: number[] = [];
let stages = new Map<number, "poc" | "pilot" | "production">();

beforeAll(async () => {
  resetDatabase();
  const seed = await seedDemo(db, { now: NOW, passwordHash: "not-a-real-hash" });
  stages = new Map(Object.values(seed.projects).map((p) => [p.id, p.stage]));
  itemIds = db
    .select({ id: debtItems.id })
    .from(debtItems)
    .where(isNull(debtItems.signOffId))
    .all()
    .map((r) => r.id);
});

describe("demo debt", () => {
  it("has both registers, every status, overdue items and the article's examples", () => {
    const { rows, totals } = listOrgDebt({
      filters: parseDebtFilters(new URLSearchParams()),
      today: TODAY,
      pageSize: 500,
    });
    expect(itemIds.length).toBeGreaterThanOrEqual(15);
    expect(rows.length).toBeGreaterThanOrEqual(itemIds.length);
    expect(new Set(rows.map((r) => r.register))).toEqual(new Set(["technical", "organizational"]));
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(["open", "repaying", "repaid", "accepted"]));
    expect(totals.overdueCount).toBeGreaterThan(0);
    const titles = rows.map((r) => r.title);
    for (const example of [
      "Hard-coded data transformation to show results tomorrow",
      "Lab tool stack incompatible with core IT",
      "Data quality gaps overlooked in the PoC",
    ]) {
      expect(titles).toContain(example);
    }
  });

  it("keeps every item consistent with the rules and gives it a history", () => {
    for (const id of itemIds) {
      const item = getDebtItem(id)!;
      const steps = item.steps.map((s) => ({ title: s.title, dueDate: s.dueDate, done: s.doneAt != null }));
      expect(validatePlan({ ...item, repayBeforeStage: null, steps }, "poc")).toEqual({});
      expect(stageIndex(item.stageIncurred)).toBeLessThanOrEqual(stageIndex(stages.get(item.projectId)!));
      if (item.repayBeforeStage)
        expect(stageIndex(item.repayBeforeStage)).toBeGreaterThan(stageIndex(stages.get(item.projectId)!));
      // where steps exist, they explain an unsettled item's status (nothing set by hand against them)
      if (steps.length && (item.status === "open" || item.status === "repaying")) {
        expect(statusAfterStepChange("open", steps)).toBe(item.status);
      }
      if (item.status === "accepted")
        expect(item.acceptedJustification && item.acceptedReviewDate! > TODAY).toBeTruthy();
      if (item.status === "repaid") {
        // steps never settle an item: it was marked repaid by hand, with a note, after its last step
        expect(item.repaidAt).toBeLessThanOrEqual(NOW);
        expect(item.statusNote).toBeTruthy();
        expect(item.steps.every((s) => s.doneAt != null && s.doneAt < item.repaidAt!)).toBe(true);
        expect(item.history[0]).toMatchObject({ action: "debt.status_changed", at: item.repaidAt });
      }
      expect(item.openedAt).toBeLessThan(NOW);
      expect(item.history.at(-1)!.action).toBe("debt.created");
      const added = item.history.filter((h) => h.action === "debt.step_added").length;
      expect(added).toBe(item.steps.length);
      const times = item.history.map((h) => h.at);
      expect([...times].sort((a, b) => b - a)).toEqual(times);
    }
  });
});
