/**
 * A project's life cycle and a debt item's plan through the JSON API (docs/domain.md, "Stopping
 * and reopening a project"): a stop asks what happens to the open debt, writing it off needs a
 * reason, only an admin reopens a stopped project; a debt item is logged together with its plan
 * and steps in one call, or not at all. Every refused request is checked to have written nothing.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { apiErrorSchema } from "~/api/route-table.server";
import { apiLimiter } from "~/api/handler.server";
import { activitySince, countRows, lastActivityId, resetDatabase, sqlite } from "../support/database";
import { api, snapshotTables, userWithToken, type ApiAnswer, type ApiCall, type TokenUser } from "./api-support";

let owner: TokenUser;
let scientist: TokenUser;
let admin: TokenUser;

beforeAll(async () => {
  resetDatabase();
  owner = await userWithToken({ name: "Bea Business", discipline: "business" });
  scientist = await userWithToken({ name: "Dara Data", discipline: "data_science" });
  admin = await userWithToken({ name: "Ada Admin", discipline: "it", role: "admin" });
});

beforeEach(() => apiLimiter.reset());

/** Expects the request refused with `status`/`code` in the error shape, and nothing written. */
async function refused(status: number, code: string, method: string, path: string, call: ApiCall): Promise<ApiAnswer> {
  const before = snapshotTables(sqlite());
  const answer = await api(method, path, call);
  expect({ status: answer.status, code: answer.body?.error?.code }, JSON.stringify(answer.body)).toEqual({
    status,
    code,
  });
  expect(apiErrorSchema.safeParse(answer.body).success).toBe(true);
  expect(snapshotTables(sqlite())).toEqual(before);
  return answer;
}

async function ok(method: string, path: string, call: ApiCall, status = 200) {
  const answer = await api(method, path, call);
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  return answer.body;
}

/** A project with the data scientist on the team. */
async function newProject(name: string) {
  const { project } = await ok("POST", "/api/v1/projects", { token: owner.token, body: { name } }, 201);
  await ok(
    "POST",
    `/api/v1/projects/${project.slug}/members`,
    { token: owner.token, body: { email: scientist.email } },
    201,
  );
  return project as { id: number; slug: string; version: number };
}

const debtItem = (title: string) => ({
  register: "technical",
  title,
  category: "hard_coded_logic",
  stageIncurred: "poc",
  severity: "medium",
  principalDays: 3,
  interestDays: 0.5,
});

async function logDebt(slug: string, body: Record<string, unknown>) {
  return (await ok("POST", `/api/v1/projects/${slug}/debt`, { token: scientist.token, body }, 201)).debtItem;
}

const stop = (version: number, extra: Record<string, unknown> = {}) => ({
  to: "stopped",
  version,
  stopCause: "data_access_quality",
  stopNote: "The sensor data never arrived.",
  ...extra,
});

describe("stopping a project with open debt", () => {
  it("asks what happens to the open debt: 400 fields.openDebt without a choice, nothing written", async () => {
    const project = await newProject("Stop needs a choice");
    await logDebt(project.slug, debtItem("Notebook join"));
    const path = `/api/v1/projects/${project.slug}/state`;

    const noChoice = await refused(400, "invalid_request", "POST", path, {
      token: owner.token,
      body: stop(project.version),
    });
    expect(noChoice.body.error.fields.openDebt).toMatch(/write it off or keep it open/);

    const noReason = await refused(400, "invalid_request", "POST", path, {
      token: owner.token,
      body: stop(project.version, { openDebt: "write_off" }),
    });
    expect(Object.keys(noReason.body.error.fields)).toEqual(["writeOffReason"]);

    const badChoice = await refused(400, "invalid_request", "POST", path, {
      token: owner.token,
      body: stop(project.version, { openDebt: "forget" }),
    });
    expect(badChoice.body.error.fields.openDebt).toBeTruthy();

    // The choice belongs to a stop only.
    const onHold = await refused(400, "invalid_request", "POST", path, {
      token: owner.token,
      body: { to: "on_hold", version: project.version, openDebt: "keep" },
    });
    expect(onHold.body.error.fields.openDebt).toBe("Unknown field.");
  });

  it("writes the open debt off with the reason, one activity row per item; settled items stay as they are", async () => {
    const project = await newProject("Stop and write off");
    const first = await logDebt(project.slug, debtItem("Notebook join"));
    const second = await logDebt(project.slug, debtItem("Manual model deploy"));
    const repaid = await logDebt(project.slug, debtItem("Copied SQL"));
    await ok("PATCH", `/api/v1/debt/${repaid.id}`, {
      token: scientist.token,
      body: { version: repaid.version, status: "repaid", note: "The SQL lives in dbt now." },
    });

    const since = lastActivityId();
    const stopped = await ok("POST", `/api/v1/projects/${project.slug}/state`, {
      token: owner.token,
      body: stop(project.version, { openDebt: "write_off", writeOffReason: "Nobody will run this code again." }),
    });
    expect(stopped.project).toMatchObject({ state: "stopped", stopCause: "data_access_quality" });

    for (const id of [first.id, second.id]) {
      const { debtItem: item } = await ok("GET", `/api/v1/debt/${id}`, { token: scientist.token });
      expect(item).toMatchObject({ status: "written_off", statusNote: "Nobody will run this code again." });
      expect(item.writtenOffAt).toBeTruthy();
    }
    expect((await ok("GET", `/api/v1/debt/${repaid.id}`, { token: scientist.token })).debtItem.status).toBe("repaid");

    const rows = activitySince(since);
    expect(
      rows
        .filter((r) => r.action === "debt.written_off")
        .map((r) => r.entity_id)
        .sort(),
    ).toEqual([first.id, second.id].sort());
    expect(rows.every((r) => r.via === "api")).toBe(true);
    expect(rows.filter((r) => r.action === "project.state_changed")).toHaveLength(1);

    // A stopped project's debt no longer changes, also through the API.
    const item = (await ok("GET", `/api/v1/debt/${first.id}`, { token: scientist.token })).debtItem;
    const reopenItem = await refused(403, "forbidden", "PATCH", `/api/v1/debt/${first.id}`, {
      token: owner.token,
      body: { version: item.version, status: "open" },
    });
    expect(reopenItem.body.error.message).toMatch(/stopped/);

    // Reopening the project leaves written-off debt written off, for good.
    await ok("POST", `/api/v1/projects/${project.slug}/reopen`, {
      token: admin.token,
      body: { version: stopped.project.version, reason: "A new sponsor wants to try again." },
    });
    expect((await ok("GET", `/api/v1/debt/${first.id}`, { token: scientist.token })).debtItem.status).toBe(
      "written_off",
    );
    const final = await refused(409, "conflict", "PATCH", `/api/v1/debt/${first.id}`, {
      token: owner.token,
      body: { version: item.version, status: "open" },
    });
    expect(final.body.error.message).toMatch(/written off/);
  });

  it("keeps the open debt open when asked to", async () => {
    const project = await newProject("Stop and keep");
    const item = await logDebt(project.slug, debtItem("Notebook join"));
    await ok("POST", `/api/v1/projects/${project.slug}/state`, {
      token: owner.token,
      body: stop(project.version, { openDebt: "keep" }),
    });
    expect((await ok("GET", `/api/v1/debt/${item.id}`, { token: scientist.token })).debtItem.status).toBe("open");
  });
});

describe("reopening a stopped project", () => {
  it("is for admins only (403 for the owner), needs a reason, and refuses a project that is not stopped (409)", async () => {
    const project = await newProject("Reopen me");
    const path = `/api/v1/projects/${project.slug}/reopen`;

    const active = await refused(409, "conflict", "POST", path, {
      token: admin.token,
      body: { version: project.version, reason: "Try again." },
    });
    expect(active.body.error.message).toMatch(/only a stopped project can be reopened/);

    const { project: stopped } = await ok("POST", `/api/v1/projects/${project.slug}/state`, {
      token: owner.token,
      body: stop(project.version),
    });
    const member = await refused(403, "forbidden", "POST", path, {
      token: owner.token,
      body: { version: stopped.version, reason: "We have data now." },
    });
    expect(member.body.error.message).toMatch(/Only an admin/);
    await refused(403, "forbidden", "POST", path, {
      token: scientist.token,
      body: { version: stopped.version, reason: "We have data now." },
    });

    const noReason = await refused(400, "invalid_request", "POST", path, {
      token: admin.token,
      body: { version: stopped.version, reason: " " },
    });
    expect(Object.keys(noReason.body.error.fields)).toEqual(["reason"]);
    await refused(400, "invalid_request", "POST", path, {
      token: admin.token,
      body: { version: stopped.version, reason: "We have data now.", to: "active" },
    });
    await refused(409, "conflict", "POST", path, {
      token: admin.token,
      body: { version: project.version, reason: "We have data now." },
    });

    const since = lastActivityId();
    const reopened = await ok("POST", path, {
      token: admin.token,
      body: { version: stopped.version, reason: "The data owner signed the contract." },
    });
    expect(reopened.project).toMatchObject({
      state: "active",
      stopCause: null,
      stopNote: null,
      version: stopped.version + 1,
    });
    expect(activitySince(since).map((r) => [r.action, r.via, r.actor_id])).toEqual([
      ["project.reopened", "api", admin.id],
    ]);

    // An active project again: the owner can put it on hold.
    await ok("POST", `/api/v1/projects/${project.slug}/state`, {
      token: owner.token,
      body: { to: "on_hold", version: reopened.project.version },
    });
  });

  it("answers 404 for an unknown project", async () => {
    await refused(404, "not_found", "POST", "/api/v1/projects/no-such-project/reopen", {
      token: admin.token,
      body: { version: 1, reason: "Why not." },
    });
  });
});

describe("logging a debt item with its plan in one call", () => {
  it("writes the item, its plan and its steps in order, with one activity row", async () => {
    const project = await newProject("Debt with a plan");
    const since = lastActivityId();
    const item = await logDebt(project.slug, {
      ...debtItem("Hand-written feature pipeline"),
      ownerId: scientist.id,
      plan: {
        strategy: "Move the features into the feature store, one family at a time.",
        targetDate: "2031-03-31",
        repayBeforeStage: "pilot",
        steps: [
          { title: "Port the sensor features", ownerId: scientist.id, dueDate: "2031-01-31" },
          { title: "Port the maintenance features", dueDate: "2031-02-28" },
          { title: "Delete the notebook" },
        ],
      },
    });
    expect(item).toMatchObject({
      strategy: "Move the features into the feature store, one family at a time.",
      targetDate: "2031-03-31",
      repayBeforeStage: "pilot",
      status: "open",
      version: 1,
    });
    expect(
      item.steps.map((s: { title: string; ownerId: number | null; dueDate: string | null; done: boolean }) => [
        s.title,
        s.ownerId,
        s.dueDate,
        s.done,
      ]),
    ).toEqual([
      ["Port the sensor features", scientist.id, "2031-01-31", false],
      ["Port the maintenance features", null, "2031-02-28", false],
      ["Delete the notebook", null, null, false],
    ]);

    const rows = activitySince(since);
    expect(rows.map((r) => [r.action, r.entity_id, r.via])).toEqual([["debt.created", item.id, "api"]]);
    const after = JSON.parse(rows[0].after!);
    expect(after).toMatchObject({ targetDate: "2031-03-31", repayBeforeStage: "pilot" });
    expect(after.steps.map((s: { title: string }) => s.title)).toEqual([
      "Port the sensor features",
      "Port the maintenance features",
      "Delete the notebook",
    ]);
    expect(rows[0].summary).toMatch(/with a repayment plan of 3 steps/);

    const fetched = (await ok("GET", `/api/v1/debt/${item.id}`, { token: owner.token })).debtItem;
    expect(fetched.steps).toHaveLength(3);
  });

  it("logs an item without a plan as before", async () => {
    const project = await newProject("Debt without a plan");
    const item = await logDebt(project.slug, debtItem("Manual deploy"));
    expect(item).toMatchObject({ strategy: null, targetDate: null, repayBeforeStage: null, steps: [] });
  });

  it("refuses an invalid plan or step with its field path, and writes no item, no step and no activity row", async () => {
    const project = await newProject("Debt with a bad plan");
    const path = `/api/v1/projects/${project.slug}/debt`;
    const body = (plan: Record<string, unknown>) => ({
      token: scientist.token,
      body: { ...debtItem("Hand-written pipeline"), plan },
    });
    const counts = () => [countRows("debt_items"), countRows("repayment_steps"), countRows("activity")];
    const before = counts();

    const badDate = await refused(
      400,
      "invalid_request",
      "POST",
      path,
      body({ steps: [{ title: "Port it" }, { title: "Test it", dueDate: "2027-02-30" }] }),
    );
    expect(Object.keys(badDate.body.error.fields)).toEqual(["plan.steps.1.dueDate"]);

    const noTitle = await refused(400, "invalid_request", "POST", path, body({ steps: [{ title: "  " }] }));
    expect(Object.keys(noTitle.body.error.fields)).toEqual(["plan.steps.0.title"]);

    // Rules that need the project and the plan as a whole: the model's, with the same paths.
    const afterTarget = await refused(
      400,
      "invalid_request",
      "POST",
      path,
      body({ targetDate: "2031-01-31", steps: [{ title: "Port it", dueDate: "2031-03-01" }] }),
    );
    expect(afterTarget.body.error.fields["plan.steps.0.dueDate"]).toMatch(/after the plan's target date 2031-01-31/);
    const outsider = await refused(
      400,
      "invalid_request",
      "POST",
      path,
      body({ steps: [{ title: "Port it", ownerId: admin.id }] }),
    );
    expect(Object.keys(outsider.body.error.fields)).toEqual(["plan.steps.0.ownerId"]);

    const unknown = await refused(400, "invalid_request", "POST", path, body({ strategy: "Port it", stepz: [] }));
    expect(unknown.body.error.fields["plan.stepz"]).toBe("Unknown field.");
    const tooMany = await refused(
      400,
      "invalid_request",
      "POST",
      path,
      body({ steps: Array.from({ length: 21 }, (_, i) => ({ title: `Step ${i + 1}` })) }),
    );
    expect(tooMany.body.error.fields["plan.steps"]).toMatch(/at most 20 steps/);

    expect(counts()).toEqual(before);
  });
});
