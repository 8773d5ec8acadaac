/**
 * A project's life cycle and its debt (docs/domain.md, "Stopping and reopening a project"):
 * stopping asks what happens to the open debt (written off with a reason, or kept), days in
 * stage stop counting at the stop, an admin reopens a stopped project with a reason, and
 * ticking the last repayment step proposes "repaid" without settling anything. Plus the
 * safety of migration 0004, which rebuilds debt_items and repayment_steps.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { openDatabase } from "../../db/client.server";
import { addDays, utcDate } from "~/domain/dates";
import { ConflictError, ForbiddenError, ValidationError } from "~/domain/errors";
import { myQueue } from "~/models/dashboard.server";
import {
  addRepaymentStep,
  debtTotalsForProject,
  gateDebtFacts,
  getDebtItem,
  listOrgDebt,
  setDebtStatus,
  updateDebtItem,
} from "~/models/debt.server";
import { changeProjectState, getProject, reopenProject, type StateChange } from "~/models/projects.server";
import * as itemRoute from "~/routes/projects.$slug.debt_.$itemId";
import * as overviewRoute from "~/routes/projects.$slug._index";
import * as listRoute from "~/routes/projects._index";
import { daysSince } from "~/utils/format";
import { parseDebtFilters } from "~/utils/debt-validation";
import { activitySince, lastActivityId, resetDatabase, sqlite } from "../support/database";
import { callAction, callLoader, refusalOf } from "../support/requests";
import { createAdmin, signInAs, type TestUser } from "../support/users";
import { actorOf, createDebtWorld, DAY, logItem, type DebtWorld } from "./debt-support";

let admin: TestUser;

beforeAll(async () => {
  resetDatabase();
  admin = await createAdmin({ name: "Ada Admin", discipline: "it" });
});

afterEach(() => {
  vi.useRealTimers();
});

const today = () => utcDate(Date.now());
const version = (projectId: number) => getProject(projectId)!.version;
const stop = (extra: Partial<Extract<StateChange, { to: "stopped" }>> = {}): StateChange => ({
  to: "stopped",
  stopCause: "data_access_quality",
  stopNote: "The sensor data never left the plant network.",
  ...extra,
});

/** Everything a refused change must leave alone. */
function snapshot() {
  const all = (table: string) => sqlite().prepare(`select * from ${table} order by rowid`).all();
  return {
    activity: lastActivityId(),
    projects: all("projects"),
    debt: all("debt_items"),
    steps: all("repayment_steps"),
  };
}

function expectRefused<T extends Error>(fn: () => unknown, type: new (...args: any[]) => T): T {
  const before = snapshot();
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(type);
  expect(snapshot()).toEqual(before);
  return caught as T;
}

/**
 * A project with three items: one overdue with a late step owned by the scientist (in their
 * queue), one plainly open, one repaid (settled already, never touched by a stop).
 */
function debtyWorld(world: DebtWorld) {
  const actor = actorOf(world.scientist);
  const overdue = logItem(world, { title: "Notebook join", ownerId: world.scientist.id, interestDays: 2 });
  updateDebtItem({
    actor,
    itemId: overdue.id,
    version: getDebtItem(overdue.id)!.version,
    plan: { strategy: "Port it to a job", targetDate: addDays(today(), -3), repayBeforeStage: null },
  });
  addRepaymentStep({
    actor,
    itemId: overdue.id,
    version: getDebtItem(overdue.id)!.version,
    step: { title: "Write the job", ownerId: world.scientist.id, dueDate: addDays(today(), -5) },
  });
  const open = logItem(world, {
    register: "organizational",
    category: "data_access",
    title: "Access by e-mail request",
  });
  const repaid = logItem(world, { title: "Hand-made features" });
  setDebtStatus({
    actor,
    itemId: repaid.id,
    version: 1,
    today: today(),
    change: { to: "repaid", note: "Moved to the feature store." },
  });
  return { overdue, open, repaid };
}

describe("stopping a project with open debt", () => {
  it("is refused until someone says what happens to the open items, and writes nothing", async () => {
    const world = await createDebtWorld();
    debtyWorld(world);
    const owner = actorOf(world.owner);

    const error = expectRefused(
      () =>
        changeProjectState({
          actor: owner,
          projectId: world.project.id,
          version: version(world.project.id),
          change: stop(),
        }),
      ValidationError,
    );
    expect(error.fields.openDebt).toBe("Say what happens to the 2 open debt items: write them off or keep them open.");

    const noReason = expectRefused(
      () =>
        changeProjectState({
          actor: owner,
          projectId: world.project.id,
          version: version(world.project.id),
          change: stop({ openDebt: "write_off", writeOffReason: " " }),
        }),
      ValidationError,
    );
    expect(noReason.fields).toEqual({ writeOffReason: "Say in a sentence why the open debt is written off." });

    // the same through the overview's form: 400, the messages next to their fields
    const path = `/projects/${world.project.slug}`;
    const before = snapshot();
    const page = await callAction(overviewRoute.action, path, {
      params: { slug: world.project.slug },
      cookie: world.cookies.owner,
      form: {
        intent: "stop",
        version: version(world.project.id),
        stopCause: "other",
        stopNote: "Budget moved elsewhere.",
      },
    });
    expect(page.status).toBe(400);
    expect(refusalOf(page.data).fieldErrors.openDebt).toMatch(/Say what happens to the 2 open debt items/);
    const formNoReason = await callAction(overviewRoute.action, path, {
      params: { slug: world.project.slug },
      cookie: world.cookies.owner,
      form: {
        intent: "stop",
        version: version(world.project.id),
        stopCause: "other",
        stopNote: "Budget moved.",
        openDebt: "write_off",
        writeOffReason: "",
      },
    });
    expect(formNoReason.status).toBe(400);
    expect(refusalOf(formNoReason.data).fieldErrors).toEqual({
      writeOffReason: "Say in a sentence why the open debt is written off.",
    });
    expect(snapshot()).toEqual(before);

    // the page offers the choice, naming how many items are open
    const overview = await callLoader(overviewRoute.loader, path, {
      params: { slug: world.project.slug },
      cookie: world.cookies.owner,
    });
    expect(overview.data.openDebtCount).toBe(2);
  });

  it("writes every open item off with the reason, one activity row each; they leave overdue counts, totals and queues", async () => {
    const world = await createDebtWorld();
    const { overdue, open, repaid } = debtyWorld(world);
    const filters = parseDebtFilters(new URLSearchParams(`project=${world.project.id}`));

    // before: counted as open and overdue, in the scientist's queue
    expect(debtTotalsForProject(world.project.id, today()).technical).toMatchObject({ openCount: 1, overdueCount: 1 });
    expect(listOrgDebt({ filters, today: today() }).totals).toMatchObject({ count: 3, openCount: 2, overdueCount: 1 });
    const queueBefore = myQueue({ userId: world.scientist.id, today: today() });
    expect(queueBefore.debtDue.map((d) => d.id)).toContain(overdue.id);
    expect(queueBefore.stepsDue.map((s) => s.itemId)).toContain(overdue.id);

    const since = lastActivityId();
    const reason = "The plant closes; nobody will run this code again.";
    const result = await callAction(overviewRoute.action, `/projects/${world.project.slug}`, {
      params: { slug: world.project.slug },
      cookie: world.cookies.owner,
      form: {
        intent: "stop",
        version: version(world.project.id),
        stopCause: "organisational_gap",
        stopNote: "The plant closes next quarter.",
        openDebt: "write_off",
        writeOffReason: reason,
      },
    });
    expect(result).toMatchObject({ status: 302, location: `/projects/${world.project.slug}` });
    expect(getProject(world.project.id)).toMatchObject({ state: "stopped", closedAt: expect.any(Number) });

    for (const item of [overdue, open]) {
      expect(getDebtItem(item.id)).toMatchObject({
        status: "written_off",
        statusNote: reason,
        writtenOffAt: expect.any(Number),
      });
    }
    // settled debt is left as it was
    expect(getDebtItem(repaid.id)).toMatchObject({
      status: "repaid",
      statusNote: "Moved to the feature store.",
      writtenOffAt: null,
    });

    const rows = activitySince(since);
    expect(rows.map((r) => [r.action, r.entity_type, r.entity_id])).toEqual([
      ["project.state_changed", "project", world.project.id],
      ["debt.written_off", "debt_item", overdue.id],
      ["debt.written_off", "debt_item", open.id],
    ]);
    expect(rows[0].summary).toMatch(/2 open debt items were written off/);
    expect(JSON.parse(rows[1].after!)).toMatchObject({ status: "written_off", statusNote: reason });

    // no longer open, overdue, costing or queued anywhere
    expect(debtTotalsForProject(world.project.id, today()).technical).toMatchObject({
      count: 2,
      openCount: 0,
      principalDays: 0,
      overdueCount: 0,
    });
    expect(listOrgDebt({ filters, today: today() }).totals).toMatchObject({
      count: 3,
      openCount: 0,
      principalDays: 0,
      overdueCount: 0,
    });
    const unpaid = parseDebtFilters(new URLSearchParams(`project=${world.project.id}&status=unpaid`));
    expect(listOrgDebt({ filters: unpaid, today: today() }).rows).toEqual([]);
    const writtenOff = parseDebtFilters(new URLSearchParams(`project=${world.project.id}&status=written_off`));
    expect(
      listOrgDebt({ filters: writtenOff, today: today() })
        .rows.map((r) => r.id)
        .sort(),
    ).toEqual([overdue.id, open.id].sort());
    const queueAfter = myQueue({ userId: world.scientist.id, today: today() });
    expect(queueAfter.debtDue.map((d) => d.id)).not.toContain(overdue.id);
    expect(queueAfter.stepsDue.map((s) => s.itemId)).not.toContain(overdue.id);
    expect(gateDebtFacts(world.project.id)).toEqual([]);

    // the item page says so, with the reason in its history
    const page = await callLoader(itemRoute.loader, `/projects/${world.project.slug}/debt/${overdue.id}`, {
      params: { slug: world.project.slug, itemId: String(overdue.id) },
      cookie: world.cookies.scientist,
    });
    expect(page.data.item).toMatchObject({ status: "written_off", overdue: false, statusNote: reason });
    expect(page.data.history[0]).toMatchObject({ action: "debt.written_off" });
    expect(page.data.history[0].summary).toContain(reason);
  });

  it("keeps the open items as they are when asked to", async () => {
    const world = await createDebtWorld();
    const { overdue, open } = debtyWorld(world);
    const before = [getDebtItem(overdue.id)!, getDebtItem(open.id)!];
    const since = lastActivityId();
    changeProjectState({
      actor: actorOf(world.owner),
      projectId: world.project.id,
      version: version(world.project.id),
      change: stop({ openDebt: "keep", writeOffReason: "ignored when kept" }),
    });
    expect([getDebtItem(overdue.id)!, getDebtItem(open.id)!]).toEqual(before);
    const rows = activitySince(since);
    expect(rows.map((r) => r.action)).toEqual(["project.state_changed"]);
    expect(rows[0].summary).toMatch(/2 open debt items stay open/);
    expect(debtTotalsForProject(world.project.id, today()).technical).toMatchObject({ openCount: 1, overdueCount: 1 });
  });

  it("needs no choice when there is no open debt", async () => {
    const world = await createDebtWorld();
    changeProjectState({
      actor: actorOf(world.owner),
      projectId: world.project.id,
      version: version(world.project.id),
      change: stop(),
    });
    expect(getProject(world.project.id)!.state).toBe("stopped");
  });

  it("written off is final: no status change by hand", async () => {
    const world = await createDebtWorld();
    const { open } = debtyWorld(world);
    changeProjectState({
      actor: actorOf(world.owner),
      projectId: world.project.id,
      version: version(world.project.id),
      change: stop({ openDebt: "write_off", writeOffReason: "Stopped for good." }),
    });
    reopenProject({
      actor: actorOf(admin),
      projectId: world.project.id,
      version: version(world.project.id),
      reason: "Funding is back.",
    });
    const error = expectRefused(
      () =>
        setDebtStatus({
          actor: actorOf(world.scientist),
          itemId: open.id,
          version: getDebtItem(open.id)!.version,
          today: today(),
          change: { to: "open", note: "" },
        }),
      ConflictError,
    );
    expect(error.message).toMatch(/was written off when its project stopped/);
  });
});

describe("days in stage", () => {
  it("stop counting at the stop (closedAt), everywhere the number is shown", async () => {
    const world = await createDebtWorld();
    const id = world.project.id;
    // in its stage for 10 days when it stops
    sqlite()
      .prepare("update projects set stage_entered_at = ? where id = ?")
      .run(Date.now() - 10 * DAY - 1000, id);
    expect(getProject(id)!.closedAt).toBeNull();
    changeProjectState({ actor: actorOf(world.owner), projectId: id, version: version(id), change: stop() });
    const stopped = getProject(id)!;
    expect(stopped.closedAt).toEqual(expect.any(Number));
    expect(daysSince(stopped.stageEnteredAt, stopped.closedAt ?? Date.now())).toBe(10);

    // 30 days later the overview and the list still say 10
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 30 * DAY);
    const overview = await callLoader(overviewRoute.loader, `/projects/${world.project.slug}`, {
      params: { slug: world.project.slug },
      cookie: signInAs(world.owner),
    });
    const p = overview.data.project;
    expect(daysSince(p.stageEnteredAt, p.closedAt ?? overview.data.now)).toBe(10);
    expect(daysSince(p.stageEnteredAt, overview.data.now)).toBe(40); // what it would say without the stop
    const list = await callLoader(listRoute.loader, `/projects?q=${encodeURIComponent(stopped.name)}`, {
      cookie: signInAs(world.owner),
    });
    const row = list.data.rows.find((r: { id: number }) => r.id === id);
    expect(daysSince(row.stageEnteredAt, row.closedAt ?? Date.now())).toBe(10);
  });

  it("is not frozen by a hold; retiring freezes it too", async () => {
    const world = await createDebtWorld();
    const id = world.project.id;
    changeProjectState({ actor: actorOf(world.owner), projectId: id, version: version(id), change: { to: "on_hold" } });
    expect(getProject(id)!.closedAt).toBeNull();
    changeProjectState({ actor: actorOf(world.owner), projectId: id, version: version(id), change: { to: "active" } });
    expect(getProject(id)!.closedAt).toBeNull();
    sqlite().prepare("update projects set stage = 'production' where id = ?").run(id);
    changeProjectState({ actor: actorOf(world.owner), projectId: id, version: version(id), change: { to: "retired" } });
    expect(getProject(id)).toMatchObject({ state: "retired", closedAt: expect.any(Number) });
  });
});

describe("reopening a stopped project", () => {
  async function stoppedWorld() {
    const world = await createDebtWorld();
    const { open } = debtyWorld(world);
    changeProjectState({
      actor: actorOf(world.owner),
      projectId: world.project.id,
      version: version(world.project.id),
      change: stop({ openDebt: "write_off", writeOffReason: "Nobody will run this code again." }),
    });
    return { world, open };
  }

  it("an admin reopens it with a reason: active again, closedAt cleared, written-off debt stays written off", async () => {
    const { world, open } = await stoppedWorld();
    const path = `/projects/${world.project.slug}`;
    const adminCookie = signInAs(admin);

    // the overview offers admins "Reopen…"; the reason is required
    const page = await callLoader(overviewRoute.loader, path, {
      params: { slug: world.project.slug },
      cookie: adminCookie,
    });
    expect(page.data.mayReopen).toBe(true);
    const ownerPage = await callLoader(overviewRoute.loader, path, {
      params: { slug: world.project.slug },
      cookie: world.cookies.owner,
    });
    expect(ownerPage.data.mayReopen).toBe(false);

    const before = snapshot();
    const noReason = await callAction(overviewRoute.action, path, {
      params: { slug: world.project.slug },
      cookie: adminCookie,
      form: { intent: "reopen", version: version(world.project.id), reason: "" },
    });
    expect(noReason.status).toBe(400);
    expect(refusalOf(noReason.data).fieldErrors).toEqual({ reason: "Say in a sentence why the project is reopened." });
    expect(snapshot()).toEqual(before);

    const since = lastActivityId();
    const result = await callAction(overviewRoute.action, path, {
      params: { slug: world.project.slug },
      cookie: adminCookie,
      form: { intent: "reopen", version: version(world.project.id), reason: "The plant stays open after all." },
    });
    expect(result).toMatchObject({ status: 302, location: path });
    expect(getProject(world.project.id)).toMatchObject({
      state: "active",
      closedAt: null,
      stopCause: null,
      stopNote: null,
    });
    expect(getDebtItem(open.id)!.status).toBe("written_off");
    const rows = activitySince(since);
    expect(rows.map((r) => [r.action, r.actor_id])).toEqual([["project.reopened", admin.id]]);
    expect(rows[0].summary).toBe(
      `Ada Admin reopened ${getProject(world.project.id)!.name}: The plant stays open after all.`,
    );
  });

  it("refuses a member (even the owner) with 403, an active project with a conflict, a stale version", async () => {
    const { world } = await stoppedWorld();
    expectRefused(
      () =>
        reopenProject({
          actor: actorOf(world.owner),
          projectId: world.project.id,
          version: version(world.project.id),
          reason: "Please.",
        }),
      ForbiddenError,
    );
    const before = snapshot();
    const asOwner = await callAction(overviewRoute.action, `/projects/${world.project.slug}`, {
      params: { slug: world.project.slug },
      cookie: world.cookies.owner,
      form: { intent: "reopen", version: version(world.project.id), reason: "Please reopen it." },
    });
    expect(asOwner).toMatchObject({ status: 403, thrown: true });
    expect(snapshot()).toEqual(before);

    const stale = version(world.project.id) - 1;
    expectRefused(
      () => reopenProject({ actor: actorOf(admin), projectId: world.project.id, version: stale, reason: "Back on." }),
      ConflictError,
    );

    reopenProject({
      actor: actorOf(admin),
      projectId: world.project.id,
      version: version(world.project.id),
      reason: "Back on.",
    });
    const again = expectRefused(
      () =>
        reopenProject({
          actor: actorOf(admin),
          projectId: world.project.id,
          version: version(world.project.id),
          reason: "Once more.",
        }),
      ConflictError,
    );
    expect(again.message).toMatch(/only a stopped project can be reopened/);
  });

  it("resuming a stopped project through the state form points to the admin's reopen", async () => {
    const { world } = await stoppedWorld();
    const error = expectRefused(
      () =>
        changeProjectState({
          actor: actorOf(admin),
          projectId: world.project.id,
          version: version(world.project.id),
          change: { to: "active" },
        }),
      ConflictError,
    );
    expect(error.message).toMatch(/an admin can reopen it with a reason/);
  });
});

describe("ticking the last repayment step", () => {
  it("proposes 'repaid' and changes nothing until the note is given", async () => {
    const world = await createDebtWorld();
    const actor = actorOf(world.scientist);
    const item = logItem(world, { title: "Manual retraining" });
    const one = addRepaymentStep({
      actor,
      itemId: item.id,
      version: 1,
      step: { title: "Schedule it", ownerId: null, dueDate: null },
    });
    const two = addRepaymentStep({
      actor,
      itemId: item.id,
      version: 2,
      step: { title: "Alert on failure", ownerId: null, dueDate: null },
    });
    const path = `/projects/${world.project.slug}/debt/${item.id}`;
    const params = { slug: world.project.slug, itemId: String(item.id) };
    const tick = (stepId: number) =>
      callAction(itemRoute.action, path, {
        params,
        cookie: world.cookies.scientist,
        form: { intent: "step-done", version: getDebtItem(item.id)!.version, stepId },
      });

    // not the last one: back to the page as usual
    expect(await tick(one.id)).toMatchObject({ status: 302, location: path });
    // the last one: back with the proposal, still repaying
    expect(await tick(two.id)).toMatchObject({ status: 302, location: `${path}?propose=repaid` });
    expect(getDebtItem(item.id)).toMatchObject({ status: "repaying", repaidAt: null });

    const page = await callLoader(itemRoute.loader, `${path}?propose=repaid`, {
      params,
      cookie: world.cookies.scientist,
    });
    expect(page.data).toMatchObject({ allStepsDone: true, proposing: true });
    // an outsider sees no proposal (they cannot act on it)
    const outsider = await callLoader(itemRoute.loader, `${path}?propose=repaid`, {
      params,
      cookie: world.cookies.outsider,
    });
    expect(outsider.data.proposing).toBe(false);

    // the proposal's form is the explicit "repaid": it needs the note
    const before = snapshot();
    const noNote = await callAction(itemRoute.action, `${path}?propose=repaid`, {
      params,
      cookie: world.cookies.scientist,
      form: { intent: "status", to: "repaid", version: getDebtItem(item.id)!.version, note: "" },
    });
    expect(noNote.status).toBe(400);
    expect(refusalOf(noNote.data).fieldErrors).toEqual({ note: "Say how the debt was repaid." });
    expect(snapshot()).toEqual(before);

    const repaid = await callAction(itemRoute.action, `${path}?propose=repaid`, {
      params,
      cookie: world.cookies.scientist,
      form: {
        intent: "status",
        to: "repaid",
        version: getDebtItem(item.id)!.version,
        note: "Runs nightly in the scheduler.",
      },
    });
    expect(repaid).toMatchObject({ status: 302, location: path });
    expect(getDebtItem(item.id)).toMatchObject({
      status: "repaid",
      statusNote: "Runs nightly in the scheduler.",
      repaidAt: expect.any(Number),
    });

    // settled: no proposal any more
    const after = await callLoader(itemRoute.loader, `${path}?propose=repaid`, {
      params,
      cookie: world.cookies.scientist,
    });
    expect(after.data).toMatchObject({ allStepsDone: false, proposing: false });
  });
});

describe("migration 0004 (debt write-off) on a database with debt", () => {
  const realFolder = path.resolve("db/migrations");

  /** A migrations folder holding only the first `count` migrations of the real one. */
  function firstMigrations(count: number): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "triad-migrations-"));
    fs.mkdirSync(path.join(dir, "meta"));
    const journal = JSON.parse(fs.readFileSync(path.join(realFolder, "meta/_journal.json"), "utf8"));
    journal.entries = journal.entries.slice(0, count);
    fs.writeFileSync(path.join(dir, "meta/_journal.json"), JSON.stringify(journal));
    for (const entry of journal.entries)
      fs.copyFileSync(path.join(realFolder, `${entry.tag}.sql`), path.join(dir, `${entry.tag}.sql`));
    return dir;
  }

  it("keeps every row, reference, counter and index, with foreign keys on throughout", () => {
    const journal = JSON.parse(fs.readFileSync(path.join(realFolder, "meta/_journal.json"), "utf8"));
    const index = journal.entries.findIndex((e: { tag: string }) => e.tag === "0004_debt_write_off");
    expect(index).toBeGreaterThan(0);
    const oldFolder = firstMigrations(index);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "triad-0004-")), "old.db");
    const database = openDatabase(file);
    const raw = database.$client;
    try {
      migrate(database, { migrationsFolder: oldFolder });
      expect(raw.pragma("foreign_keys", { simple: true })).toBe(1);

      // a world as it stood before 0004: people, a live and a stopped project, a review with a
      // sign-off, debt items (one a condition of that sign-off) with repayment steps
      const t = 1_760_000_000_000;
      const run = (sql: string, ...args: unknown[]) => raw.prepare(sql).run(...args);
      const user = (id: number, name: string, discipline: string) =>
        run(
          "insert into users (id, email, name, discipline, role, active, password_hash, created_at, updated_at) values (?, ?, ?, ?, 'member', 1, 'x', ?, ?)",
          id,
          `${name.toLowerCase()}@example.com`,
          name,
          discipline,
          t,
          t,
        );
      user(1, "Brigitte", "business");
      user(2, "Farid", "data_science");
      const project = (id: number, slug: string, state: string, stopCause: string | null) =>
        run(
          "insert into projects (id, slug, name, stage, state, stop_cause, stop_note, owner_id, stage_entered_at, created_at, updated_at) values (?, ?, ?, 'pilot', ?, ?, ?, 1, ?, ?, ?)",
          id,
          slug,
          slug,
          state,
          stopCause,
          stopCause ? "Gone." : null,
          t,
          t,
          t + 5 * DAY,
        );
      project(1, "live", "active", null);
      project(2, "gone", "stopped", "other");
      run(
        "insert into activity (at, actor_id, project_id, entity_type, entity_id, action, summary, before, after) values (?, 1, 2, 'project', 2, 'project.state_changed', 'Brigitte stopped gone', ?, ?)",
        t + 3 * DAY,
        JSON.stringify({ state: "active" }),
        JSON.stringify({ state: "stopped", stopCause: "other" }),
      );
      run(
        "insert into gate_reviews (id, project_id, from_stage, target_stage, status, opened_by_id, opened_at, statement) values (1, 1, 'poc', 'pilot', 'promoted', 1, ?, 'Ready.')",
        t,
      );
      run(
        "insert into sign_offs (id, review_id, discipline, user_id, decision, comment, fingerprint, signed_at, status) values (7, 1, 'data_science', 2, 'approve_with_conditions', 'If monitored.', 'fp', ?, 'current')",
        t,
      );
      const item = (id: number, projectId: number, status: string, signOffId: number | null) =>
        run(
          `insert into debt_items (id, project_id, register, title, category, stage_incurred, severity, principal_days, interest_days, owner_id,
             status, status_note, sign_off_id, opened_at, repaid_at, created_by_id, created_at, updated_at, version)
           values (?, ?, 'technical', ?, 'other', 'poc', 'medium', 2.5, 0.5, 2, ?, ?, ?, ?, ?, 2, ?, ?, 3)`,
          id,
          projectId,
          `Item ${id}`,
          status,
          status === "repaid" ? "Done." : null,
          signOffId,
          t,
          status === "repaid" ? t + DAY : null,
          t,
          t,
        );
      item(1, 1, "open", null);
      item(2, 1, "repaying", 7); // a condition of the sign-off
      item(3, 2, "repaid", null);
      item(60, 2, "accepted", null);
      // an item logged and gone again (before append-only debt existed): its id is never reused
      item(90, 1, "open", null);
      run("delete from debt_items where id = 90");
      const step = (id: number, itemId: number, done: boolean) =>
        run(
          "insert into repayment_steps (id, debt_item_id, position, title, owner_id, due_date, done_at, done_by_id, created_at) values (?, ?, ?, ?, 2, '2031-01-01', ?, ?, ?)",
          id,
          itemId,
          id,
          `Step ${id}`,
          done ? t : null,
          done ? 2 : null,
          t,
        );
      step(1, 1, false);
      step(2, 2, true);
      step(3, 2, false);
      step(4, 3, true);

      const debtBefore = raw.prepare("select * from debt_items order by id").all() as Array<Record<string, unknown>>;
      const stepsBefore = raw.prepare("select * from repayment_steps order by id").all();
      const counters = () =>
        Object.fromEntries(
          (raw.prepare("select name, seq from sqlite_sequence").all() as Array<{ name: string; seq: number }>).map(
            (r) => [r.name, r.seq],
          ),
        );
      const countersBefore = counters();
      expect(countersBefore.debt_items).toBe(90);

      // now the real folder: applies 0004 (and anything after it) inside drizzle's transaction
      migrate(database, { migrationsFolder: realFolder });

      expect(raw.pragma("foreign_key_check")).toEqual([]);
      expect(raw.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(raw.pragma("foreign_keys", { simple: true })).toBe(1);
      expect(raw.prepare("select * from debt_items order by id").all()).toEqual(
        debtBefore.map((row) => ({ ...row, written_off_at: null })),
      );
      expect(raw.prepare("select * from repayment_steps order by id").all()).toEqual(stepsBefore);
      expect(raw.prepare("select id, sign_off_id from debt_items where sign_off_id is not null").all()).toEqual([
        { id: 2, sign_off_id: 7 },
      ]);
      expect(counters()).toMatchObject({ debt_items: 90, repayment_steps: countersBefore.repayment_steps });
      expect(raw.prepare("select name from sqlite_master where name like '\\_\\_new%' escape '\\'").all()).toEqual([]);

      // every index is back, and the steps point at the new debt_items
      const indexes = raw
        .prepare(
          "select name from sqlite_master where type = 'index' and tbl_name in ('debt_items', 'repayment_steps') and sql is not null order by name",
        )
        .all()
        .map((r) => (r as { name: string }).name);
      expect(indexes).toEqual([
        "debt_items_owner_idx",
        "debt_items_project_idx",
        "debt_items_sign_off_idx",
        "debt_items_status_idx",
        "debt_items_status_severity_idx",
        "repayment_steps_item_idx",
        "repayment_steps_owner_idx",
      ]);
      expect(raw.pragma("foreign_key_list(repayment_steps)")).toContainEqual(
        expect.objectContaining({ table: "debt_items", from: "debt_item_id" }),
      );

      // the rules still hold: references enforced, the new status allowed, nonsense refused
      expect(() =>
        run("insert into repayment_steps (debt_item_id, position, title, created_at) values (999, 1, 'Orphan', ?)", t),
      ).toThrow(/FOREIGN KEY/);
      expect(() => run("delete from debt_items where id = 2")).toThrow(/FOREIGN KEY/);
      run("update debt_items set status = 'written_off', written_off_at = ? where id = 1", t);
      expect(() => run("update debt_items set status = 'forgotten' where id = 1")).toThrow(/CHECK/);
      const fresh = run(
        "insert into debt_items (project_id, register, title, category, stage_incurred, severity, status, opened_at, created_by_id, created_at, updated_at) values (1, 'technical', 'New', 'other', 'poc', 'low', 'open', ?, 1, ?, ?)",
        t,
        t,
        t,
      );
      expect(Number(fresh.lastInsertRowid)).toBe(91);

      // projects closed before 0004 know when: the stop in the activity log
      expect(raw.prepare("select id, closed_at from projects order by id").all()).toEqual([
        { id: 1, closed_at: null },
        { id: 2, closed_at: t + 3 * DAY },
      ]);
    } finally {
      raw.close();
      fs.rmSync(oldFolder, { recursive: true, force: true });
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
});
