/**
 * The dashboard's facts: the stage each project was in on a date comes from the history in
 * the activity log, and "My queue" shows each item to exactly the people who must act on it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { addDays, utcDate } from "~/domain/dates";
import { DEFAULT_CRITERIA } from "~/domain/gates";
import { addRepaymentStep, createDebtItem, updateDebtItem } from "~/models/debt.server";
import {
  clearFigureCache,
  bottleneckFigures,
  gateWaitNow,
  myQueue,
  pipelineBoard,
  stagesOnDate,
} from "~/models/dashboard.server";
import { noteWrite } from "~/models/data-version.server";
import { attest, openReview, promote, signOff } from "~/models/gates.server";
import { changeProjectState, createProject } from "~/models/projects.server";
import { assessRequirement, createRequirement, updateRequirement } from "~/models/requirements.server";
import { addMember } from "~/models/team.server";
import type { Actor } from "~/models/users.server";
import * as dashboardRoute from "~/routes/_index";
import { sqlite } from "../support/database";
import { callLoader } from "../support/requests";
import { createTestUser, signInAs, type TestUser } from "../support/users";

const actor = (u: TestUser): Actor => ({ id: u.id, name: u.name, role: u.role, discipline: u.discipline, via: "web" });

let business: TestUser;
let scientist: TestUser;
let operator: TestUser;
let outsider: TestUser;

beforeAll(async () => {
  business = await createTestUser({ name: "Bea Business", discipline: "business" });
  scientist = await createTestUser({ name: "Dan Science", discipline: "data_science" });
  operator = await createTestUser({ name: "Ida Ops", discipline: "it" });
  outsider = await createTestUser({ name: "Otto Outside", discipline: "it" });
});

function teamProject(name: string) {
  const project = createProject({ actor: actor(business), name, summary: "", businessCase: "", ownerId: business.id });
  addMember({ actor: actor(business), projectId: project.id, userId: scientist.id, discipline: "data_science" });
  addMember({ actor: actor(business), projectId: project.id, userId: operator.id, discipline: "it" });
  return project;
}

function promoteToPilot(projectId: number) {
  const requirement = createRequirement({
    actor: actor(business),
    projectId,
    title: "Warn before failures",
    description: "",
    target: "48 h ahead",
    priority: "must",
  });
  // both disciplines give their verdict: the combined one is feasible only then
  assessRequirement({
    actor: actor(operator),
    requirementId: requirement.id,
    version: requirement.itVersion,
    feasibility: "feasible",
    note: "",
    conditions: "",
  });
  assessRequirement({
    actor: actor(scientist),
    requirementId: requirement.id,
    version: requirement.dsVersion,
    feasibility: "feasible",
    note: "",
    conditions: "",
  });
  const review = openReview({ actor: actor(business), projectId, statement: "The team is ready for this gate." });
  for (const c of DEFAULT_CRITERIA.pilot.filter((c) => c.kind === "attestation")) {
    attest({
      actor: actor(c.discipline === "it" ? operator : scientist),
      reviewId: review.id,
      key: c.key,
      note: "Checked.",
    });
  }
  for (const u of [business, scientist, operator])
    signOff({ actor: actor(u), reviewId: review.id, decision: "approve", comment: "" });
  return promote({ actor: actor(business), reviewId: review.id });
}

describe("stage on a date", () => {
  it("answers from the recorded history after promotions and stops", () => {
    const promoted = teamProject("History promoted");
    const stopped = teamProject("History stopped");
    const createdAt = Date.now();
    promoteToPilot(promoted.id);
    const afterPromotion = Date.now() + 1;
    changeProjectState({
      actor: actor(business),
      projectId: stopped.id,
      version: 1,
      change: { to: "stopped", stopCause: "data_access_quality", stopNote: "No access to plant data." },
    });
    const later = Date.now() + 1;

    expect(stagesOnDate(createdAt - 60_000, [promoted.id]).get(promoted.id)).toBeNull();
    expect(stagesOnDate(createdAt, [promoted.id]).get(promoted.id)).toBe("poc");
    expect(stagesOnDate(afterPromotion, [promoted.id]).get(promoted.id)).toBe("pilot");
    expect(stagesOnDate(createdAt, [stopped.id]).get(stopped.id)).toBe("poc");
    expect(stagesOnDate(later, [stopped.id]).get(stopped.id)).toBeNull();

    clearFigureCache();
    const figures = bottleneckFigures({ from: createdAt - 1000, to: later + 1000, now: later });
    expect(figures.entered.pilot).toBeGreaterThanOrEqual(1);
    expect(figures.stops.data_access_quality).toBeGreaterThanOrEqual(1);
    expect(figures.gateWait.pilot.count).toBeGreaterThanOrEqual(1);
  });
});

describe("my queue", () => {
  it("shows each item to exactly the people who must act", () => {
    const project = teamProject("Queue project");
    const today = utcDate(Date.now());
    const requirement = createRequirement({
      actor: actor(business),
      projectId: project.id,
      title: "Unassessed must",
      description: "",
      target: "precision ≥ 0.8",
      priority: "must",
    });
    const review = openReview({
      actor: actor(business),
      projectId: project.id,
      statement: "The team is ready for this gate.",
    });
    signOff({ actor: actor(scientist), reviewId: review.id, decision: "approve", comment: "" });
    signOff({ actor: actor(business), reviewId: review.id, decision: "approve", comment: "" });
    // A relevant change after both signed: their sign-offs go stale.
    updateRequirement({
      actor: actor(business),
      requirementId: requirement.id,
      version: requirement.version,
      title: "Unassessed must",
      description: "",
      target: "precision ≥ 0.85",
      priority: "must",
    });

    const item = createDebtItem({
      actor: actor(operator),
      projectId: project.id,
      register: "technical",
      title: "Manual model deployment",
      description: "",
      category: "manual_steps",
      benefit: "Faster PoC",
      stageIncurred: "poc",
      severity: "high",
      principalDays: 5,
      interestDays: 1,
      ownerId: operator.id,
    });
    const planned = updateDebtItem({
      actor: actor(operator),
      itemId: item.id,
      version: item.version,
      plan: { strategy: "Automate it", targetDate: addDays(today, 30), repayBeforeStage: null },
    });
    addRepaymentStep({
      actor: actor(operator),
      itemId: item.id,
      version: planned.version,
      step: { title: "Write the pipeline", ownerId: scientist.id, dueDate: addDays(today, 1) },
    });

    const forUser = (u: TestUser) => myQueue({ userId: u.id, today });
    const names = (rows: Array<{ name: string }>) => rows.map((r) => r.name);

    // IT has not signed: the review waits for IT only; stale sign-offs belong to their signers.
    expect(names(forUser(operator).reviewsWaiting)).toContain("Queue project");
    expect(names(forUser(scientist).reviewsWaiting)).not.toContain("Queue project");
    expect(names(forUser(business).reviewsWaiting)).not.toContain("Queue project");
    expect(names(forUser(scientist).staleSignOffs)).toEqual(["Queue project"]);
    expect(names(forUser(business).staleSignOffs)).toEqual(["Queue project"]);
    expect(forUser(operator).staleSignOffs).toEqual([]);

    // Assessment waits for IT and data science members, not business, not outsiders.
    const assessTitles = (u: TestUser) => forUser(u).toAssess.map((r) => r.title);
    expect(assessTitles(operator)).toContain("Unassessed must");
    expect(assessTitles(scientist)).toContain("Unassessed must");
    expect(assessTitles(business)).not.toContain("Unassessed must");
    expect(assessTitles(outsider)).toEqual([]);

    // The step due tomorrow is the data scientist's; the item (target in 30 days) is not due soon.
    expect(forUser(scientist).stepsDue.map((s) => s.title)).toEqual(["Write the pipeline"]);
    expect(forUser(operator).stepsDue).toEqual([]);
    expect(forUser(operator).debtDue).toEqual([]);
    expect(forUser(outsider)).toEqual({
      reviewsWaiting: [],
      staleSignOffs: [],
      toAssess: [],
      debtDue: [],
      stepsDue: [],
    });
  });

  it("lists an overdue item for its owner with the overdue flag", () => {
    const project = teamProject("Overdue project");
    const today = utcDate(Date.now());
    const item = createDebtItem({
      actor: actor(scientist),
      projectId: project.id,
      register: "organizational",
      title: "No data owner named",
      description: "",
      category: "unclear_ownership",
      benefit: "Start quickly",
      stageIncurred: "poc",
      severity: "medium",
      principalDays: 2,
      interestDays: 0.5,
      ownerId: scientist.id,
    });
    // A target date in the past is refused by the plan rules only when steps follow it; set one.
    updateDebtItem({
      actor: actor(scientist),
      itemId: item.id,
      version: item.version,
      plan: { strategy: "Name one", targetDate: addDays(today, -1), repayBeforeStage: null },
    });
    const due = myQueue({ userId: scientist.id, today }).debtDue;
    expect(due).toEqual([expect.objectContaining({ title: "No data owner named", overdue: true })]);
    expect(myQueue({ userId: operator.id, today }).debtDue.map((d) => d.title)).not.toContain("No data owner named");
  });
});

describe("remembered dashboard data", () => {
  it("is recomputed after any write, so nobody sees a stale queue or board", () => {
    const project = teamProject("Memo project");
    const today = utcDate(Date.now());
    const requirement = createRequirement({
      actor: actor(business),
      projectId: project.id,
      title: "Memo must",
      description: "",
      target: "recall ≥ 0.7",
      priority: "must",
    });
    expect(myQueue({ userId: operator.id, today }).toAssess.map((r) => r.title)).toContain("Memo must");
    const before = pipelineBoard({ userId: operator.id, mine: false, today })
      .flatMap((c) => c.cards)
      .find((c) => c.name === "Memo project");
    expect(before?.mismatches).toBe(1);
    const card = () =>
      pipelineBoard({ userId: operator.id, mine: false, today })
        .flatMap((c) => c.cards)
        .find((c) => c.name === "Memo project");

    // IT's verdict leaves IT's queue at once; data science still has to speak
    assessRequirement({
      actor: actor(operator),
      requirementId: requirement.id,
      version: requirement.itVersion,
      feasibility: "feasible",
      note: "",
      conditions: "",
    });
    expect(myQueue({ userId: operator.id, today }).toAssess.map((r) => r.title)).not.toContain("Memo must");
    expect(myQueue({ userId: scientist.id, today }).toAssess.map((r) => r.title)).toContain("Memo must");
    expect(card()?.mismatches).toBe(1);

    assessRequirement({
      actor: actor(scientist),
      requirementId: requirement.id,
      version: requirement.dsVersion,
      feasibility: "feasible",
      note: "",
      conditions: "",
    });
    expect(myQueue({ userId: scientist.id, today }).toAssess.map((r) => r.title)).not.toContain("Memo must");
    expect(card()?.mismatches).toBe(0);
  });
});

describe("dashboard page", () => {
  it("renders the board with the open review's sign-off states", async () => {
    const result = await callLoader(dashboardRoute.loader, "/?waiting=it", { cookie: signInAs(operator) });
    expect(result.status).toBe(200);
    const pilotOrPoc = result.data.board.flatMap((c: { cards: Array<{ name: string }> }) =>
      c.cards.map((card) => card.name),
    );
    expect(pilotOrPoc).toContain("Queue project");
    const board = pipelineBoard({ userId: outsider.id, mine: true, today: utcDate(Date.now()) });
    expect(board.every((column) => column.cards.length === 0)).toBe(true);
  });
});

describe("waiting times", () => {
  const DAY = 86_400_000;
  let openedLongAgo = 0;

  it("the queue says how long each item has waited and lists the longest-waiting first", () => {
    const shorter = teamProject("Short wait project");
    const longer = teamProject("Long wait project");
    const now = Date.now();
    const today = utcDate(now);
    const first = openReview({
      actor: actor(business),
      projectId: shorter.id,
      statement: "The team is ready for this gate.",
    });
    const second = openReview({
      actor: actor(business),
      projectId: longer.id,
      statement: "The team is ready for this gate.",
    });
    // The second one was opened long before (set in the database: the models stamp "now").
    sqlite()
      .prepare("update gate_reviews set opened_at = ? where id = ?")
      .run(now - 2 * DAY, first.id);
    openedLongAgo = now - 40 * DAY;
    sqlite().prepare("update gate_reviews set opened_at = ? where id = ?").run(openedLongAgo, second.id);
    const older = createRequirement({
      actor: actor(business),
      projectId: longer.id,
      title: "Stated long ago",
      description: "",
      target: "recall ≥ 0.7",
      priority: "could",
    });
    createRequirement({
      actor: actor(business),
      projectId: longer.id,
      title: "Stated today",
      description: "",
      target: "recall ≥ 0.8",
      priority: "must",
    });
    sqlite()
      .prepare("update requirements set created_at = ? where id = ?")
      .run(now - 30 * DAY, older.id);
    noteWrite();

    const queue = myQueue({ userId: operator.id, today });
    const mine = queue.reviewsWaiting.filter((r) => r.name.endsWith("wait project"));
    expect(mine).toEqual([
      expect.objectContaining({ name: "Long wait project", waitingSince: now - 40 * DAY }),
      expect.objectContaining({ name: "Short wait project", waitingSince: now - 2 * DAY }),
    ]);
    const since = queue.reviewsWaiting.map((r) => r.waitingSince);
    expect(since).toEqual([...since].sort((a, b) => a - b));
    const assess = queue.toAssess.filter((r) => r.name === "Long wait project").map((r) => r.title);
    expect(assess).toEqual(["Stated long ago", "Stated today"]);
    expect(queue.toAssess.map((r) => r.waitingSince)).toEqual(
      [...queue.toAssess.map((r) => r.waitingSince)].sort((a, b) => a - b),
    );
  });

  it("board cards carry when their review opened, and the dashboard shows the gate's waiting figure", async () => {
    const now = Date.now();
    const today = utcDate(now);
    const card = pipelineBoard({ userId: operator.id, mine: false, today })
      .flatMap((c) => c.cards)
      .find((c) => c.name === "Long wait project");
    expect(card?.review?.openedAt).toBe(openedLongAgo);
    // Nobody signed: the card says it waits for all three disciplines.
    expect(card!.review!.panels.map((p) => p.status)).toEqual(["missing", "missing", "missing"]);

    const wait = gateWaitNow(now);
    expect(wait.oldest).toMatchObject({ name: "Long wait project", days: 40, targetStage: "pilot" });
    const open = sqlite()
      .prepare(
        "select count(*) as n from gate_reviews g join projects p on p.id = g.project_id where g.status = 'open' and p.state = 'active'",
      )
      .get() as { n: number };
    expect(wait.count).toBe(open.n);
    expect(wait.medianDays).not.toBeNull();
    expect(wait.medianDays!).toBeGreaterThanOrEqual(0);
    expect(wait.medianDays!).toBeLessThanOrEqual(40);

    const page = await callLoader(dashboardRoute.loader, "/", { cookie: signInAs(operator) });
    expect(page.status).toBe(200);
    expect(page.data.gateWait).toMatchObject({ count: open.n, oldest: { name: "Long wait project", days: 40 } });
  });
});
