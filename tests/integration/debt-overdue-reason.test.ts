/**
 * What the overdue badge says, from the models: the item itself when its target date passed
 * ("Overdue since …"), else the step whose due date passed first, by its number in the plan
 * ("Step 2 overdue since …"), and nothing for an item on time or settled. The project register
 * (JavaScript over the steps) and the org-wide register (one SQL query, also for the CSV) agree.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { db } from "../../db/client.server";
import { debtItems } from "../../db/schema";
import { overdueText } from "~/components/debt/DebtBadges";
import { overdueReason, type OverdueReason } from "~/domain/debt";
import {
  addRepaymentStep,
  iterateOrgDebt,
  listOrgDebt,
  listProjectDebt,
  removeRepaymentStep,
  setDebtStatus,
  setRepaymentStepDone,
  updateDebtItem,
} from "~/models/debt.server";
import { parseDebtFilters } from "~/utils/debt-validation";
import { resetDatabase } from "../support/database";
import { actorOf, createDebtWorld, logItem, type DebtWorld } from "./debt-support";

const TODAY = "2030-06-15";

let world: DebtWorld;

const version = (itemId: number) =>
  db.select({ version: debtItems.version }).from(debtItems).where(eq(debtItems.id, itemId)).get()!.version;

function item(title: string, targetDate: string | null, steps: Array<{ due: string | null; done?: boolean }>) {
  const actor = actorOf(world.scientist);
  const { id } = logItem(world, { title });
  if (targetDate) {
    updateDebtItem({
      actor,
      itemId: id,
      version: version(id),
      plan: { strategy: "", targetDate, repayBeforeStage: null },
    });
  }
  const stepIds = steps.map((s, i) => {
    const step = addRepaymentStep({
      actor,
      itemId: id,
      version: version(id),
      step: { title: `Step ${i + 1} of ${title}`, ownerId: null, dueDate: s.due },
    });
    if (s.done) setRepaymentStepDone({ actor, itemId: id, version: version(id), stepId: step.id, done: true });
    return step.id;
  });
  return { id, stepIds };
}

beforeAll(async () => {
  resetDatabase();
  world = await createDebtWorld("Overdue wording");
  const actor = actorOf(world.scientist);
  // Past its target: the item itself, even with a late step too.
  item("Target passed", "2030-06-10", [{ due: "2030-06-01" }]);
  // Target ahead, two late steps: the one late first (step 2), not the first in the plan.
  item("Steps late", "2030-07-01", [{ due: "2030-06-12" }, { due: "2030-06-05" }, { due: "2030-06-20" }]);
  // A late step that is done does not count; the next late one does.
  item("Done step", "2030-07-01", [{ due: "2030-06-01", done: true }, { due: "2030-06-14" }]);
  // Target ahead, steps ahead or due today (not overdue yet): on time.
  item("On time", "2030-07-01", [{ due: "2030-06-15" }, { due: "2030-06-30" }]);
  // Steps are numbered in plan order after one is removed (positions 2 and 3 are steps 1 and 2).
  const gapped = item("Removed first step", "2030-07-01", [
    { due: "2030-06-20" },
    { due: "2030-06-20" },
    { due: "2030-06-03" },
  ]);
  removeRepaymentStep({ actor, itemId: gapped.id, version: version(gapped.id), stepId: gapped.stepIds[0] });
  // Settled: accepted debt is never overdue, whatever its dates.
  const accepted = item("Accepted", "2030-06-01", [{ due: "2030-05-20" }]);
  setDebtStatus({
    actor,
    itemId: accepted.id,
    version: version(accepted.id),
    today: TODAY,
    change: { to: "accepted", justification: "Kept on purpose.", reviewDate: "2031-01-01" },
  });
});

const EXPECTED: Record<string, OverdueReason | null> = {
  "Target passed": { what: "item", since: "2030-06-10" },
  "Steps late": { what: "step", step: 2, since: "2030-06-05" },
  "Done step": { what: "step", step: 2, since: "2030-06-14" },
  "On time": null,
  "Removed first step": { what: "step", step: 2, since: "2030-06-03" },
  Accepted: null,
};

const byTitle = <T extends { title: string; overdueReason: OverdueReason | null }>(rows: T[]) =>
  Object.fromEntries(rows.map((r) => [r.title, r.overdueReason]));

describe("the overdue badge's words", () => {
  it("the project register names the item or the step that is late, and since when", () => {
    const { items } = listProjectDebt({
      projectId: world.project.id,
      register: "technical",
      today: TODAY,
      projectStage: "poc",
    });
    expect(byTitle(items)).toEqual(EXPECTED);
    // overdue and its reason never disagree
    for (const row of items) expect(row.overdue).toBe(row.overdueReason !== null);
  });

  it("the org-wide register says the same from one query, and so does its CSV's row source", () => {
    const filters = parseDebtFilters(new URLSearchParams({ project: String(world.project.id) }));
    const { rows } = listOrgDebt({ filters, today: TODAY });
    expect(byTitle(rows)).toEqual(EXPECTED);
    for (const row of rows) expect(row.overdue).toBe(row.overdueReason !== null);

    const { rows: iterator, close } = iterateOrgDebt(filters, TODAY);
    const streamed = [];
    for (let next = iterator.next(); !next.done; next = iterator.next()) streamed.push(next.value);
    close();
    expect(byTitle(streamed)).toEqual(EXPECTED);
  });

  it("reads as a sentence: the item since its target date, or step N since its due date", () => {
    expect(overdueText({ what: "item", since: "2030-06-10" })).toBe("Overdue since 2030-06-10");
    expect(overdueText({ what: "step", step: 2, since: "2030-06-05" })).toBe("Step 2 overdue since 2030-06-05");
  });

  it("the domain rule: a future target with no late step is not overdue; due today is not late yet", () => {
    const open = { status: "open", targetDate: "2030-07-01" };
    expect(overdueReason({ ...open, steps: [{ dueDate: "2030-06-15", done: false }] }, TODAY)).toBeNull();
    expect(overdueReason({ ...open, steps: [{ dueDate: "2030-06-14", done: false }] }, TODAY)).toEqual({
      what: "step",
      step: 1,
      since: "2030-06-14",
    });
    expect(overdueReason({ ...open, status: "repaid", targetDate: "2030-01-01", steps: [] }, TODAY)).toBeNull();
    expect(overdueReason({ status: "repaying", targetDate: "2030-06-14", steps: [] }, TODAY)).toEqual({
      what: "item",
      since: "2030-06-14",
    });
  });
});
