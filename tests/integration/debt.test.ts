/**
 * Debt items and repayment plans against a real SQLite file: status transitions, plan
 * validation, permissions, one activity row per mutation (none for a failure), version
 * conflicts, and the route actions of the project registers and item pages.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { db } from "../../db/client.server";
import { debtItems, gateReviews, signOffs } from "../../db/schema";
import { ConflictError, ForbiddenError, ValidationError } from "~/domain/errors";
import { isOverdue } from "~/domain/debt";
import {
  addRepaymentStep,
  conditionItemsForReview,
  createDebtItem,
  debtTotalsForProject,
  gateDebtFacts,
  getDebtItem,
  insertConditionDebtItem,
  moveRepaymentStep,
  overdueSql,
  removeRepaymentStep,
  setDebtStatus,
  setRepaymentStepDone,
  updateDebtItem,
  updateRepaymentStep,
} from "~/models/debt.server";
import * as registerRoute from "~/routes/projects.$slug.debt";
import * as itemRoute from "~/routes/projects.$slug.debt_.$itemId";
import { activitySince, countRows, lastActivityId, resetDatabase } from "../support/database";
import { callAction, callLoader, refusalOf } from "../support/requests";
import { actorOf, createDebtWorld, DAY, details, logItem, type DebtWorld } from "./debt-support";

const TODAY = "2030-06-15";

let world: DebtWorld;

beforeAll(async () => {
  resetDatabase();
  world = await createDebtWorld();
});

/** Runs `fn`, expects it to throw `type`, and that nothing was written meanwhile. */
function expectRefused<T extends Error>(fn: () => unknown, type: new (...args: any[]) => T): T {
  const activityBefore = lastActivityId();
  const itemsBefore = db.$client.prepare("select * from debt_items order by id").all();
  const stepsBefore = db.$client.prepare("select * from repayment_steps order by id").all();
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(type);
  expect(lastActivityId()).toBe(activityBefore);
  expect(db.$client.prepare("select * from debt_items order by id").all()).toEqual(itemsBefore);
  expect(db.$client.prepare("select * from repayment_steps order by id").all()).toEqual(stepsBefore);
  return caught as T;
}

const version = (itemId: number) => getDebtItem(itemId)!.version;

describe("logging a debt item", () => {
  it("writes the item and exactly one activity row", () => {
    const since = lastActivityId();
    const item = logItem(world, { ownerId: world.scientist.id });
    expect(item).toMatchObject({ status: "open", register: "technical", ownerId: world.scientist.id, version: 1 });
    const rows = activitySince(since);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      entity_type: "debt_item",
      entity_id: item.id,
      action: "debt.created",
      actor_id: world.scientist.id,
    });
    expect(JSON.parse(rows[0].after!)).toMatchObject({ title: item.title, register: "technical", principalDays: 5 });
  });

  it("refuses a category of the other register", () => {
    const error = expectRefused(
      () => logItem(world, { register: "organizational", category: "hard_coded_logic" }),
      ValidationError,
    );
    expect(error.fields.category).toMatch(/organizational register's categories/);
  });

  it("refuses an owner who is not on the team, with a field error", () => {
    const error = expectRefused(() => logItem(world, { ownerId: world.outsider.id }), ValidationError);
    expect(error.fields.ownerId).toMatch(/project's members/);
  });

  it("refuses a stage the project has not reached", () => {
    const error = expectRefused(() => logItem(world, { stageIncurred: "production" }), ValidationError);
    expect(error.fields.stageIncurred).toMatch(/later stage/);
  });
});

describe("logging a debt item with its plan (one call, one transaction)", () => {
  const logWithPlan = (
    plan: Parameters<typeof createDebtItem>[0]["plan"],
    overrides: Partial<ReturnType<typeof details>> = {},
  ) =>
    createDebtItem({
      actor: actorOf(world.scientist),
      projectId: world.project.id,
      register: "technical",
      ...details(overrides),
      plan,
    });

  it("writes the item with its plan and steps in order, and exactly one activity row holding both", () => {
    const since = lastActivityId();
    const item = logWithPlan({
      strategy: "Replace the constants with the sensor registry.",
      targetDate: "2031-06-30",
      repayBeforeStage: "pilot",
      steps: [
        { title: "Read sensor ids from the registry", ownerId: world.scientist.id, dueDate: "2031-05-31" },
        { title: "Delete the constants cell" },
      ],
    });
    expect(item).toMatchObject({
      strategy: "Replace the constants with the sensor registry.",
      targetDate: "2031-06-30",
      repayBeforeStage: "pilot",
      version: 1,
    });
    const stored = getDebtItem(item.id)!;
    expect(stored.steps.map((s) => [s.title, s.ownerId, s.dueDate])).toEqual([
      ["Read sensor ids from the registry", world.scientist.id, "2031-05-31"],
      ["Delete the constants cell", null, null],
    ]);
    const rows = activitySince(since);
    expect(rows.map((r) => [r.action, r.entity_id])).toEqual([["debt.created", item.id]]);
    const after = JSON.parse(rows[0].after!);
    expect(after).toMatchObject({
      strategy: "Replace the constants with the sensor registry.",
      targetDate: "2031-06-30",
      repayBeforeStage: "pilot",
    });
    expect(after.steps).toHaveLength(2);
    expect(after.steps[0]).toMatchObject({
      title: "Read sensor ids from the registry",
      dueDate: "2031-05-31",
      position: 1,
    });
  });

  it("refuses an invalid plan or step with `plan.` field names, writing nothing", () => {
    const badDate = expectRefused(
      () =>
        logWithPlan({
          strategy: "",
          targetDate: null,
          repayBeforeStage: null,
          steps: [{ title: "Port", dueDate: "2027-02-30" }],
        }),
      ValidationError,
    );
    expect(Object.keys(badDate.fields)).toEqual(["plan.steps.0.dueDate"]);

    const noTitle = expectRefused(
      () =>
        logWithPlan({
          strategy: "",
          targetDate: null,
          repayBeforeStage: null,
          steps: [{ title: "Port" }, { title: " " }],
        }),
      ValidationError,
    );
    expect(noTitle.fields["plan.steps.1.title"]).toMatch(/Step 2 needs a title/);

    const reached = expectRefused(
      () => logWithPlan({ strategy: "", targetDate: "2031-02-30", repayBeforeStage: "poc", steps: [] }),
      ValidationError,
    );
    expect(Object.keys(reached.fields).sort()).toEqual(["plan.repayBeforeStage", "plan.targetDate"]);

    // Details and plan are checked together, so one answer names every problem.
    const both = expectRefused(
      () =>
        logWithPlan(
          {
            strategy: "",
            targetDate: "2031-01-31",
            repayBeforeStage: null,
            steps: [{ title: "Port", dueDate: "2031-02-01" }],
          },
          { category: "unclear_ownership" },
        ),
      ValidationError,
    );
    expect(Object.keys(both.fields).sort()).toEqual(["category", "plan.steps.0.dueDate"]);

    const outsider = expectRefused(
      () =>
        logWithPlan({
          strategy: "",
          targetDate: null,
          repayBeforeStage: null,
          steps: [{ title: "Port", ownerId: world.outsider.id }],
        }),
      ValidationError,
    );
    expect(Object.keys(outsider.fields)).toEqual(["plan.steps.0.ownerId"]);

    const tooMany = expectRefused(
      () =>
        logWithPlan({
          strategy: "",
          targetDate: null,
          repayBeforeStage: null,
          steps: Array.from({ length: 21 }, (_, i) => ({ title: `Step ${i + 1}` })),
        }),
      ValidationError,
    );
    expect(tooMany.fields["plan.steps"]).toMatch(/at most 20 steps/);
  });

  it("refuses a non-member's item with a plan, writing nothing", () => {
    expectRefused(
      () =>
        createDebtItem({
          actor: actorOf(world.outsider),
          projectId: world.project.id,
          register: "technical",
          ...details(),
          plan: { strategy: "", targetDate: null, repayBeforeStage: null, steps: [{ title: "Port" }] },
        }),
      ForbiddenError,
    );
  });
});

describe("permissions: non-members read but never write", () => {
  it("refuses every mutation by a non-member and writes nothing", () => {
    const item = logItem(world);
    const outsider = actorOf(world.outsider);
    const v = item.version;
    expectRefused(() => logItem({ ...world, scientist: world.outsider }), ForbiddenError);
    expectRefused(
      () =>
        updateDebtItem({
          actor: outsider,
          itemId: item.id,
          version: v,
          plan: { strategy: "x", targetDate: null, repayBeforeStage: null },
        }),
      ForbiddenError,
    );
    expectRefused(
      () =>
        addRepaymentStep({
          actor: outsider,
          itemId: item.id,
          version: v,
          step: { title: "Step", ownerId: null, dueDate: null },
        }),
      ForbiddenError,
    );
    expectRefused(
      () => setDebtStatus({ actor: outsider, itemId: item.id, version: v, today: TODAY, change: { to: "repaying" } }),
      ForbiddenError,
    );
  });

  it("answers 403 to a non-member's form post and shows them no forms", async () => {
    const before = countRows("debt_items");
    const activity = lastActivityId();
    const result = await callAction(registerRoute.action, `/projects/${world.project.slug}/debt`, {
      params: { slug: world.project.slug },
      cookie: world.cookies.outsider,
      form: {
        intent: "create",
        register: "technical",
        title: "Sneaky",
        category: "other",
        stageIncurred: "poc",
        severity: "low",
      },
    });
    expect(result).toMatchObject({ status: 403, thrown: true });
    expect(countRows("debt_items")).toBe(before);
    expect(lastActivityId()).toBe(activity);

    const page = await callLoader(registerRoute.loader, `/projects/${world.project.slug}/debt`, {
      params: { slug: world.project.slug },
      cookie: world.cookies.outsider,
    });
    expect(page.status).toBe(200);
    expect(page.data).toMatchObject({ canWrite: false, form: null });
    expect(page.data.items.length).toBeGreaterThan(0);

    const item = logItem(world);
    const itemPage = await callLoader(itemRoute.loader, `/projects/${world.project.slug}/debt/${item.id}`, {
      params: { slug: world.project.slug, itemId: String(item.id) },
      cookie: world.cookies.outsider,
    });
    expect(itemPage.data).toMatchObject({ canWrite: false, members: [] });
    const post = await callAction(itemRoute.action, `/projects/${world.project.slug}/debt/${item.id}`, {
      params: { slug: world.project.slug, itemId: String(item.id) },
      cookie: world.cookies.outsider,
      form: { intent: "status", to: "repaying", version: item.version },
    });
    expect(post).toMatchObject({ status: 403, thrown: true });
    expect(getDebtItem(item.id)!.status).toBe("open");
  });
});

describe("repayment plans", () => {
  it("refuses a step due after the target date with a clear message", () => {
    const item = logItem(world);
    updateDebtItem({
      actor: actorOf(world.scientist),
      itemId: item.id,
      version: item.version,
      plan: { strategy: "Rewrite as a tested pipeline job", targetDate: "2030-09-30", repayBeforeStage: "pilot" },
    });
    const error = expectRefused(
      () =>
        addRepaymentStep({
          actor: actorOf(world.scientist),
          itemId: item.id,
          version: version(item.id),
          step: { title: "Port the join", ownerId: world.scientist.id, dueDate: "2030-10-15" },
        }),
      ValidationError,
    );
    expect(error.fields.dueDate).toBe(
      "Step 1 is due on 2030-10-15, after the plan's target date 2030-09-30. Move the step or the target.",
    );
  });

  it("refuses moving the target date before an existing step, on the target date field", () => {
    const item = logItem(world);
    addRepaymentStep({
      actor: actorOf(world.scientist),
      itemId: item.id,
      version: item.version,
      step: { title: "Write the tests", ownerId: null, dueDate: "2030-08-01" },
    });
    const error = expectRefused(
      () =>
        updateDebtItem({
          actor: actorOf(world.scientist),
          itemId: item.id,
          version: version(item.id),
          plan: { strategy: "Tests first", targetDate: "2030-07-01", repayBeforeStage: null },
        }),
      ValidationError,
    );
    expect(error.fields.targetDate).toMatch(/Step 1 is due on 2030-08-01, after the plan's target date 2030-07-01/);
  });

  it("refuses a repay-before stage the project already reached", () => {
    const item = logItem(world);
    const error = expectRefused(
      () =>
        updateDebtItem({
          actor: actorOf(world.scientist),
          itemId: item.id,
          version: item.version,
          plan: { strategy: "x", targetDate: null, repayBeforeStage: "poc" },
        }),
      ValidationError,
    );
    expect(error.fields.repayBeforeStage).toMatch(/already in Proof of concept/);
  });

  it("refuses a step owner from outside the team", () => {
    const item = logItem(world);
    const error = expectRefused(
      () =>
        addRepaymentStep({
          actor: actorOf(world.scientist),
          itemId: item.id,
          version: item.version,
          step: { title: "Ask IT", ownerId: world.outsider.id, dueDate: null },
        }),
      ValidationError,
    );
    expect(error.fields.ownerId).toMatch(/project's members/);
  });

  it("keeps the user's input and shows the message next to the field (route)", async () => {
    const item = logItem(world);
    const path = `/projects/${world.project.slug}/debt/${item.id}`;
    const params = { slug: world.project.slug, itemId: String(item.id) };
    const plan = await callAction(itemRoute.action, path, {
      params,
      cookie: world.cookies.scientist,
      form: {
        intent: "plan",
        version: item.version,
        strategy: "Replace by a job",
        targetDate: "2030-07-01",
        repayBeforeStage: "",
      },
    });
    expect(plan).toMatchObject({ status: 302, location: path });
    const step = await callAction(itemRoute.action, path, {
      params,
      cookie: world.cookies.scientist,
      form: {
        intent: "add-step",
        version: version(item.id),
        title: "Port the join",
        ownerId: "",
        dueDate: "2030-07-20",
      },
    });
    expect(step.status).toBe(400);
    expect(refusalOf(step.data).fieldErrors.dueDate).toMatch(/after the plan's target date 2030-07-01/);
    expect(step.data.initialValue).toMatchObject({ title: "Port the join", dueDate: "2030-07-20", intent: "add-step" });

    const bad = await callAction(registerRoute.action, `/projects/${world.project.slug}/debt`, {
      params: { slug: world.project.slug },
      cookie: world.cookies.scientist,
      form: {
        intent: "create",
        register: "organizational",
        title: "Lab tool stack incompatible with core IT",
        category: "tool_stack_incompatible",
        stageIncurred: "poc",
        severity: "high",
        principalDays: "lots",
        interestDays: "2",
        ownerId: "",
      },
    });
    expect(bad.status).toBe(400);
    expect(refusalOf(bad.data).fieldErrors).toEqual({
      principalDays: "Enter the principal as a number of person-days, like 3 or 2.5.",
    });
    expect(bad.data.initialValue.title).toBe("Lab tool stack incompatible with core IT");
  });

  it("orders, edits and removes steps, one activity row each", () => {
    const item = logItem(world);
    const actor = actorOf(world.scientist);
    const a = addRepaymentStep({
      actor,
      itemId: item.id,
      version: version(item.id),
      step: { title: "A step", ownerId: null, dueDate: null },
    });
    const b = addRepaymentStep({
      actor,
      itemId: item.id,
      version: version(item.id),
      step: { title: "B step", ownerId: null, dueDate: null },
    });
    const since = lastActivityId();
    moveRepaymentStep({ actor, itemId: item.id, version: version(item.id), stepId: b.id, direction: "up" });
    expect(getDebtItem(item.id)!.steps.map((s) => s.title)).toEqual(["B step", "A step"]);
    expect(() =>
      moveRepaymentStep({ actor, itemId: item.id, version: version(item.id), stepId: b.id, direction: "up" }),
    ).toThrow(ConflictError);
    updateRepaymentStep({
      actor,
      itemId: item.id,
      version: version(item.id),
      stepId: a.id,
      step: { title: "A step, renamed", ownerId: world.owner.id, dueDate: "2030-01-01" },
    });
    removeRepaymentStep({ actor, itemId: item.id, version: version(item.id), stepId: b.id });
    expect(getDebtItem(item.id)!.steps.map((s) => [s.title, s.ownerId, s.dueDate])).toEqual([
      ["A step, renamed", world.owner.id, "2030-01-01"],
    ]);
    expect(activitySince(since).map((r) => r.action)).toEqual([
      "debt.step_moved",
      "debt.step_updated",
      "debt.step_removed",
    ]);
  });
});

describe("status transitions", () => {
  it("open -> repaying (first step done) -> still repaying with every step done -> repaid with a note, keeping the history", () => {
    const actor = actorOf(world.scientist);
    const item = logItem(world, {
      register: "organizational",
      category: "data_quality",
      title: "Data quality gaps overlooked in the PoC",
    });
    const one = addRepaymentStep({
      actor,
      itemId: item.id,
      version: version(item.id),
      step: { title: "Profile the sensor data", ownerId: null, dueDate: null },
    });
    const two = addRepaymentStep({
      actor,
      itemId: item.id,
      version: version(item.id),
      step: { title: "Automate the checks", ownerId: null, dueDate: null },
    });
    expect(
      setRepaymentStepDone({ actor, itemId: item.id, version: version(item.id), stepId: one.id, done: true }).status,
    ).toBe("repaying");
    expect(
      setRepaymentStepDone({ actor, itemId: item.id, version: version(item.id), stepId: one.id, done: false }).status,
    ).toBe("open");
    setRepaymentStepDone({ actor, itemId: item.id, version: version(item.id), stepId: one.id, done: true });
    const allDone = setRepaymentStepDone({
      actor,
      itemId: item.id,
      version: version(item.id),
      stepId: two.id,
      done: true,
    });
    // the last step proposes "repaid" on the page; it never settles the item by itself
    expect(allDone).toMatchObject({ status: "repaying", repaidAt: null });
    const repaid = setDebtStatus({
      actor,
      itemId: item.id,
      version: version(item.id),
      today: TODAY,
      change: { to: "repaid", note: "Checks run nightly" },
    });
    expect(repaid.status).toBe("repaid");
    expect(repaid.repaidAt).toEqual(expect.any(Number));

    // settled: the plan is frozen until the item is reopened
    expectRefused(
      () => setRepaymentStepDone({ actor, itemId: item.id, version: version(item.id), stepId: two.id, done: false }),
      ConflictError,
    );
    const history = getDebtItem(item.id)!.history.map((h) => h.action);
    expect(history).toEqual([
      "debt.status_changed",
      "debt.step_done",
      "debt.step_done",
      "debt.step_undone",
      "debt.step_done",
      "debt.step_added",
      "debt.step_added",
      "debt.created",
    ]);
    // reopening with steps done makes it "repaying" again
    const reopened = setDebtStatus({
      actor,
      itemId: item.id,
      version: version(item.id),
      today: TODAY,
      change: { to: "open", note: "Checks broke again" },
    });
    expect(reopened).toMatchObject({ status: "repaying", repaidAt: null });
  });

  it("by hand: repaying, repaid with a note, accepted with justification and review date, reopen", () => {
    const actor = actorOf(world.owner);
    const item = logItem(world);
    const set = (change: Parameters<typeof setDebtStatus>[0]["change"]) =>
      setDebtStatus({ actor, itemId: item.id, version: version(item.id), today: TODAY, change });

    expect(set({ to: "repaying" }).status).toBe("repaying");
    const noNote = expectRefused(() => set({ to: "repaid", note: " " }), ValidationError);
    expect(noNote.fields).toEqual({ note: "Say how the debt was repaid." });
    expect(set({ to: "repaid", note: "Replaced by the feature store job" })).toMatchObject({
      status: "repaid",
      statusNote: "Replaced by the feature store job",
    });
    expectRefused(() => set({ to: "accepted", justification: "x", reviewDate: "2031-01-01" }), ConflictError);
    expect(set({ to: "open" }).status).toBe("open");

    const noJustification = expectRefused(
      () => set({ to: "accepted", justification: "", reviewDate: "2031-01-01" }),
      ValidationError,
    );
    expect(noJustification.fields.justification).toBe("Explain why this debt is kept on purpose.");
    const pastReview = expectRefused(
      () => set({ to: "accepted", justification: "Cheap to live with", reviewDate: "2030-06-15" }),
      ValidationError,
    );
    expect(pastReview.fields.reviewDate).toMatch(/after today/);
    expect(set({ to: "accepted", justification: "Cheap to live with", reviewDate: "2031-01-01" })).toMatchObject({
      status: "accepted",
      acceptedJustification: "Cheap to live with",
      acceptedReviewDate: "2031-01-01",
    });
    expectRefused(() => set({ to: "repaying" }), ConflictError);
    expect(set({ to: "open", note: "Review found it hurts" })).toMatchObject({
      status: "open",
      acceptedJustification: null,
      acceptedReviewDate: null,
    });
    const actions = getDebtItem(item.id)!.history.map((h) => h.action);
    expect(actions.filter((a) => a === "debt.status_changed")).toHaveLength(5);
  });

  it("accepting without a justification is refused through the page too", async () => {
    const item = logItem(world);
    const result = await callAction(itemRoute.action, `/projects/${world.project.slug}/debt/${item.id}`, {
      params: { slug: world.project.slug, itemId: String(item.id) },
      cookie: world.cookies.scientist,
      form: { intent: "status", to: "accepted", version: item.version, justification: "", reviewDate: "2999-01-01" },
    });
    expect(result.status).toBe(400);
    expect(refusalOf(result.data).fieldErrors).toEqual({ justification: "Explain why this debt is kept on purpose." });
    expect(result.data.initialValue.reviewDate).toBe("2999-01-01");
    expect(getDebtItem(item.id)!.status).toBe("open");
  });
});

describe("one activity row per mutation; conflicts", () => {
  it("writes exactly one row for each successful change, none for refusals", () => {
    const actor = actorOf(world.scientist);
    const since = lastActivityId();
    const item = logItem(world);
    updateDebtItem({
      actor,
      itemId: item.id,
      version: version(item.id),
      details: {
        title: "Manual model retraining",
        description: "",
        category: "manual_steps",
        benefit: "",
        stageIncurred: "poc",
        severity: "medium",
        principalDays: 3,
        interestDays: 0.5,
        ownerId: world.owner.id,
      },
    });
    updateDebtItem({
      actor,
      itemId: item.id,
      version: version(item.id),
      plan: { strategy: "Schedule it", targetDate: "2030-12-01", repayBeforeStage: null },
    });
    // an unchanged plan is no change: no row
    updateDebtItem({
      actor,
      itemId: item.id,
      version: version(item.id),
      plan: { strategy: "Schedule it", targetDate: "2030-12-01", repayBeforeStage: null },
    });
    const step = addRepaymentStep({
      actor,
      itemId: item.id,
      version: version(item.id),
      step: { title: "Cron job", ownerId: null, dueDate: "2030-11-01" },
    });
    setRepaymentStepDone({ actor, itemId: item.id, version: version(item.id), stepId: step.id, done: true });
    expectRefused(
      () => setRepaymentStepDone({ actor, itemId: item.id, version: version(item.id), stepId: step.id, done: true }),
      ConflictError,
    );

    const rows = activitySince(since);
    expect(rows.map((r) => r.action)).toEqual([
      "debt.created",
      "debt.updated",
      "debt.plan_updated",
      "debt.step_added",
      "debt.step_done",
    ]);
    expect(rows.every((r) => r.entity_type === "debt_item" && r.entity_id === item.id)).toBe(true);
    const updated = rows[1];
    expect(JSON.parse(updated.before!)).toMatchObject({
      title: "Hard-coded data transformation to show results tomorrow",
      ownerId: null,
    });
    expect(JSON.parse(updated.after!)).toMatchObject({ title: "Manual model retraining", ownerId: world.owner.id });
    // the only step done: repaying, not repaid (that takes a note, docs/domain.md "Debt item")
    expect(JSON.parse(rows[4].after!)).toMatchObject({ done: true, status: "repaying" });
  });

  it("refuses a stale version with a conflict and keeps the first save", async () => {
    const item = logItem(world);
    const actor = actorOf(world.scientist);
    const stale = item.version;
    updateDebtItem({
      actor,
      itemId: item.id,
      version: stale,
      plan: { strategy: "First", targetDate: null, repayBeforeStage: null },
    });
    const error = expectRefused(
      () =>
        updateDebtItem({
          actor,
          itemId: item.id,
          version: stale,
          plan: { strategy: "Second", targetDate: null, repayBeforeStage: null },
        }),
      ConflictError,
    );
    expect(error.message).toMatch(/changed by someone else/);
    expectRefused(
      () =>
        addRepaymentStep({
          actor,
          itemId: item.id,
          version: stale,
          step: { title: "Late", ownerId: null, dueDate: null },
        }),
      ConflictError,
    );
    expect(getDebtItem(item.id)!.strategy).toBe("First");

    const result = await callAction(itemRoute.action, `/projects/${world.project.slug}/debt/${item.id}`, {
      params: { slug: world.project.slug, itemId: String(item.id) },
      cookie: world.cookies.owner,
      form: { intent: "plan", version: stale, strategy: "Third", targetDate: "", repayBeforeStage: "" },
    });
    expect(result.status).toBe(409);
    expect(refusalOf(result.data).formError).toMatch(/changed by someone else/);
    expect(result.data.initialValue.strategy).toBe("Third");
  });
});

describe("the register page and the numbers", () => {
  it("lists a register with totals, overdue and due-before-next-stage", async () => {
    const local = await createDebtWorld("Numbers project");
    const now = Date.now();
    const old = logItem(local, {
      now: now - 400 * DAY,
      principalDays: 8,
      interestDays: 2,
      register: "organizational",
      category: "data_access",
    });
    updateDebtItem({
      actor: actorOf(local.scientist),
      itemId: old.id,
      version: old.version,
      plan: { strategy: "Get a data contract", targetDate: "2001-01-01", repayBeforeStage: "pilot" },
    });
    logItem(local, { principalDays: 2, interestDays: 0, register: "organizational", category: "other" });
    logItem(local, { principalDays: 4 });

    const page = await callLoader(
      registerRoute.loader,
      `/projects/${local.project.slug}/debt?register=organizational`,
      {
        params: { slug: local.project.slug },
        cookie: local.cookies.scientist,
      },
    );
    expect(page.status).toBe(200);
    expect(page.data.register).toBe("organizational");
    expect(page.data.items).toHaveLength(2);
    expect(page.data.items[0]).toMatchObject({
      id: old.id,
      overdue: true,
      dueBeforeNextStage: true,
      categoryLabel: "Data access",
    });
    expect(page.data.items[0].accruedInterestDays).toBeGreaterThan(24);
    expect(page.data.summary.organizational).toMatchObject({
      count: 2,
      openCount: 2,
      principalDays: 10,
      overdueCount: 1,
    });
    expect(page.data.summary.technical).toMatchObject({ count: 1, principalDays: 4 });
    expect(page.data.dueBeforeNextStage).toEqual({ technical: 0, organizational: 1 });
    expect(page.data.form.categories.map((c: { value: string }) => c.value)).toContain("tool_stack_incompatible");
    expect(page.data.form.members.map((m: { label: string }) => m.label).sort()).toEqual(
      [local.owner.name, local.scientist.name].sort(),
    );

    const totals = debtTotalsForProject(local.project.id, utcToday());
    expect(totals.organizational).toMatchObject({
      count: 2,
      openCount: 2,
      principalDays: 10,
      overdueCount: 1,
      dueBeforeNextStageCount: 1,
    });
    expect(totals.technical).toMatchObject({ count: 1, openCount: 1, principalDays: 4, overdueCount: 0 });
  });

  it("logs an item through the page and lands on it", async () => {
    const result = await callAction(
      registerRoute.action,
      `/projects/${world.project.slug}/debt?register=organizational`,
      {
        params: { slug: world.project.slug },
        cookie: world.cookies.scientist,
        form: {
          intent: "create",
          register: "organizational",
          title: "Lab tool stack incompatible with core IT",
          description: "R notebooks; IT runs Java services.",
          category: "tool_stack_incompatible",
          benefit: "The lab could start at once.",
          stageIncurred: "poc",
          severity: "critical",
          principalDays: "12,5",
          interestDays: "3",
          ownerId: String(world.owner.id),
        },
      },
    );
    expect(result.status).toBe(302);
    const id = Number(result.location!.split("/").pop());
    expect(result.location).toBe(`/projects/${world.project.slug}/debt/${id}`);
    expect(getDebtItem(id)).toMatchObject({
      principalDays: 12.5,
      severity: "critical",
      ownerId: world.owner.id,
      register: "organizational",
    });
  });

  it("answers 404 for an item of another project", async () => {
    const other = await createDebtWorld("Other project");
    const foreign = logItem(other);
    const result = await callLoader(itemRoute.loader, `/projects/${world.project.slug}/debt/${foreign.id}`, {
      params: { slug: world.project.slug, itemId: String(foreign.id) },
      cookie: world.cookies.scientist,
    });
    expect(result).toMatchObject({ status: 404, thrown: true });
  });
});

describe("for the gates model", () => {
  it("gateDebtFacts lists open debt with steps; settled items are left out", async () => {
    const local = await createDebtWorld("Gate facts project");
    const actor = actorOf(local.scientist);
    const open = logItem(local, { ownerId: local.scientist.id });
    addRepaymentStep({
      actor,
      itemId: open.id,
      version: 1,
      step: { title: "One", ownerId: local.owner.id, dueDate: "2030-01-01" },
    });
    const done = logItem(local);
    setDebtStatus({ actor, itemId: done.id, version: 1, today: TODAY, change: { to: "repaid", note: "Fixed" } });
    const facts = gateDebtFacts(local.project.id);
    expect(facts).toEqual([
      expect.objectContaining({
        id: open.id,
        status: "open",
        ownerId: local.scientist.id,
        stepCount: 1,
        steps: [expect.objectContaining({ title: "One", ownerId: local.owner.id, dueDate: "2030-01-01", done: false })],
      }),
    ]);
  });

  it("insertConditionDebtItem writes no activity row; conditionItemsForReview finds it", async () => {
    const local = await createDebtWorld("Conditions project");
    const now = Date.now();
    const review = db
      .insert(gateReviews)
      .values({
        projectId: local.project.id,
        fromStage: "poc",
        targetStage: "pilot",
        openedById: local.owner.id,
        openedAt: now,
      })
      .returning()
      .get();
    const signOff = db
      .insert(signOffs)
      .values({
        reviewId: review.id,
        discipline: "it",
        userId: local.owner.id,
        decision: "approve_with_conditions",
        fingerprint: "x",
        signedAt: now,
      })
      .returning()
      .get();
    const since = lastActivityId();
    const id = db.transaction((tx) =>
      insertConditionDebtItem(tx, {
        projectId: local.project.id,
        register: "organizational",
        title: "Name an operations owner",
        ownerId: local.owner.id,
        targetDate: "2030-12-01",
        repayBeforeStage: "production",
        signOffId: signOff.id,
        createdById: local.owner.id,
        stageIncurred: "poc",
        now,
      }),
    );
    expect(lastActivityId()).toBe(since);
    expect(db.select().from(debtItems).where(eq(debtItems.id, id)).get()).toMatchObject({
      category: "other",
      severity: "medium",
      status: "open",
      signOffId: signOff.id,
    });
    expect(conditionItemsForReview(review.id)).toEqual([
      expect.objectContaining({
        id,
        title: "Name an operations owner",
        status: "open",
        discipline: "it",
        ownerName: local.owner.name,
      }),
    ]);
  });
});

describe("overdue in SQL agrees with the domain rule", () => {
  it("matches isOverdue for every item", async () => {
    const local = await createDebtWorld("Overdue project");
    const actor = actorOf(local.scientist);
    const today = "2030-06-15";
    const cases = [
      { target: "2030-06-14", step: null, status: null },
      { target: "2030-06-15", step: null, status: null },
      { target: null, step: { due: "2030-06-01", done: false }, status: null },
      { target: null, step: { due: "2030-06-01", done: true }, status: null },
      { target: "2030-06-01", step: null, status: "accepted" as const },
      { target: "2030-06-01", step: null, status: "repaid" as const },
      { target: null, step: null, status: null },
    ];
    for (const c of cases) {
      const item = logItem(local);
      if (c.target)
        updateDebtItem({
          actor,
          itemId: item.id,
          version: version(item.id),
          plan: { strategy: "", targetDate: c.target, repayBeforeStage: null },
        });
      if (c.step) {
        const step = addRepaymentStep({
          actor,
          itemId: item.id,
          version: version(item.id),
          step: { title: "Step", ownerId: null, dueDate: c.step.due },
        });
        addRepaymentStep({
          actor,
          itemId: item.id,
          version: version(item.id),
          step: { title: "Later", ownerId: null, dueDate: null },
        });
        if (c.step.done)
          setRepaymentStepDone({ actor, itemId: item.id, version: version(item.id), stepId: step.id, done: true });
      }
      if (c.status === "accepted")
        setDebtStatus({
          actor,
          itemId: item.id,
          version: version(item.id),
          today,
          change: { to: "accepted", justification: "ok", reviewDate: "2031-01-01" },
        });
      if (c.status === "repaid")
        setDebtStatus({
          actor,
          itemId: item.id,
          version: version(item.id),
          today,
          change: { to: "repaid", note: "done" },
        });
    }
    const sqlOverdue = db
      .select({ id: debtItems.id, overdue: overdueSqlColumn(today) })
      .from(debtItems)
      .where(eq(debtItems.projectId, local.project.id))
      .orderBy(debtItems.id)
      .all();
    const expected = sqlOverdue.map(({ id }) => {
      const item = getDebtItem(id)!;
      return isOverdue(
        { ...item, steps: item.steps.map((s) => ({ dueDate: s.dueDate, done: s.doneAt != null })) },
        today,
      );
    });
    expect(sqlOverdue.map((r) => Boolean(r.overdue))).toEqual(expected);
    expect(expected).toEqual([true, false, true, false, false, false, false]);
  });
});

function overdueSqlColumn(today: string) {
  return overdueSql(today).mapWith(Number);
}

function utcToday() {
  return new Date().toISOString().slice(0, 10);
}
