/**
 * Hand-over on departure (issue 17, item 7; docs/domain.md "Hand-over on departure"): an admin
 * deactivating a person hands their open debt items, open repayment steps and project
 * ownerships to named members, project by project, in one transaction with one activity row
 * per item, step and project moved; a refused choice changes nothing; what is kept is orphaned
 * and listed on /admin/orphans until it is handed over.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { addMember } from "~/models/team.server";
import {
  addRepaymentStep,
  createDebtItem,
  getDebtItem,
  setDebtStatus,
  setRepaymentStepDone,
} from "~/models/debt.server";
import { deactivateWithHandover, handOverWork, holdingsOf, listOrphanedWork } from "~/models/handover.server";
import { changeProjectState, createProject } from "~/models/projects.server";
import { setUserActive } from "~/models/users.server";
import * as orphansRoute from "~/routes/admin.orphans";
import * as personRoute from "~/routes/people.$userId";
import { ForbiddenError } from "~/domain/errors";
import { resetDatabase, sqlite } from "../support/database";
import { snapshotTables } from "../support/form-intents";
import { callAction, callLoader, refusalOf } from "../support/requests";
import { createAdmin, createTestUser, signInAs, type TestUser } from "../support/users";
import { actorOf, toastOf } from "./debt-support";

let admin: TestUser;
let carol: TestUser; // leaves
let dan: TestUser;
let erin: TestUser;
let alpha: { id: number; slug: string };
let beta: { id: number; slug: string };
let closed: { id: number; slug: string };
let ids: {
  alphaItems: number[];
  alphaRepaid: number;
  alphaDansItem: number;
  alphaStep: number;
  alphaDoneStep: number;
  betaItem: number;
  betaSteps: number[];
  closedItem: number;
};

const item = (title: string, projectId: number, actor: TestUser, ownerId: number | null) =>
  createDebtItem({
    actor: actorOf(actor),
    projectId,
    register: "technical",
    title,
    description: "",
    category: "other",
    benefit: "",
    stageIncurred: "poc",
    severity: "medium",
    principalDays: 1,
    interestDays: 0,
    ownerId,
  });

const step = (itemId: number, actor: TestUser, title: string, ownerId: number | null) =>
  addRepaymentStep({
    actor: actorOf(actor),
    itemId,
    version: getDebtItem(itemId)!.version,
    step: { title, ownerId, dueDate: null },
  });

beforeEach(async () => {
  resetDatabase();
  admin = await createAdmin({ name: "Ada Admin" });
  carol = await createTestUser({ name: "Carol Leaving", discipline: "data_science" });
  dan = await createTestUser({ name: "Dan Staying", discipline: "business" });
  erin = await createTestUser({ name: "Erin Ops", discipline: "it" });
  const seat = (projectId: number, user: TestUser, by: TestUser) =>
    addMember({ actor: actorOf(by), projectId, userId: user.id, discipline: user.discipline });

  const a = createProject({ actor: actorOf(carol), name: "Alpha", summary: "", businessCase: "", ownerId: carol.id });
  seat(a.id, dan, carol);
  seat(a.id, erin, carol);
  const b = createProject({ actor: actorOf(dan), name: "Beta", summary: "", businessCase: "", ownerId: dan.id });
  seat(b.id, carol, dan);
  const c = createProject({ actor: actorOf(carol), name: "Closed", summary: "", businessCase: "", ownerId: carol.id });
  alpha = a;
  beta = b;
  closed = c;

  const alphaItems = [item("Alpha one", a.id, carol, carol.id).id, item("Alpha two", a.id, carol, carol.id).id];
  const repaid = item("Alpha repaid", a.id, carol, carol.id);
  setDebtStatus({
    actor: actorOf(carol),
    itemId: repaid.id,
    version: repaid.version,
    change: { to: "repaid", note: "Done." },
    today: "2026-01-01",
  });
  const dansItem = item("Alpha of Dan's", a.id, dan, dan.id).id;
  const alphaStep = step(dansItem, dan, "Carol's step", carol.id).id;
  const doneStep = step(dansItem, dan, "Carol's done step", carol.id).id;
  setRepaymentStepDone({
    actor: actorOf(dan),
    itemId: dansItem,
    version: getDebtItem(dansItem)!.version,
    stepId: doneStep,
    done: true,
  });
  const betaItem = item("Beta one", b.id, dan, carol.id).id;
  const betaSteps = [step(betaItem, dan, "Beta first", carol.id).id, step(betaItem, dan, "Beta second", carol.id).id];
  const closedItem = item("Closed one", c.id, carol, carol.id).id;
  changeProjectState({
    actor: actorOf(carol),
    projectId: c.id,
    version: 1,
    change: { to: "stopped", stopCause: "other", stopNote: "No budget.", openDebt: "keep" },
  });
  ids = {
    alphaItems,
    alphaRepaid: repaid.id,
    alphaDansItem: dansItem,
    alphaStep,
    alphaDoneStep: doneStep,
    betaItem,
    betaSteps,
    closedItem,
  };
});

const ownerOfItem = (id: number) =>
  (sqlite().prepare("select owner_id from debt_items where id = ?").get(id) as { owner_id: number | null }).owner_id;
const ownerOfStep = (id: number) =>
  (sqlite().prepare("select owner_id from repayment_steps where id = ?").get(id) as { owner_id: number | null })
    .owner_id;
const ownerOfProject = (id: number) =>
  (sqlite().prepare("select owner_id from projects where id = ?").get(id) as { owner_id: number }).owner_id;
const maxActivity = () => (sqlite().prepare("select max(id) as n from activity").get() as { n: number }).n;
const activitySince = (id: number) =>
  sqlite()
    .prepare(
      "select action, summary, entity_type, entity_id, project_id, before, after from activity where id > ? order by id",
    )
    .all(id) as Array<{
    action: string;
    summary: string;
    entity_type: string;
    entity_id: number;
    project_id: number | null;
    before: string;
    after: string;
  }>;

const notices = (userId: number) =>
  (
    sqlite().prepare("select title from notifications where user_id = ? order by id").all(userId) as Array<{
      title: string;
    }>
  ).map((n) => n.title);

const personPath = (user: { id: number }) => `/people/${user.id}`;

describe("what a person holds", () => {
  it("lists their work in open projects, project by project, with who could take it", () => {
    const holdings = holdingsOf(carol.id);
    expect(holdings.map((h) => h.project.name)).toEqual(["Alpha", "Beta"]); // Closed is stopped
    const [a, b] = holdings;
    expect(a.ownership).toBe(true);
    expect(a.items.map((i) => i.title)).toEqual(["Alpha one", "Alpha two"]); // not the repaid one
    expect(a.steps).toEqual([
      { id: ids.alphaStep, title: "Carol's step", position: 1, itemId: ids.alphaDansItem, itemTitle: "Alpha of Dan's" },
    ]);
    expect(a.candidates.map((c) => c.name)).toEqual(["Dan Staying", "Erin Ops"]);
    expect(b.ownership).toBe(false);
    expect(b.items.map((i) => i.title)).toEqual(["Beta one"]);
    expect(b.steps.map((s) => [s.title, s.position])).toEqual([
      ["Beta first", 1],
      ["Beta second", 2],
    ]);
    expect(b.candidates.map((c) => c.name)).toEqual(["Dan Staying"]);
  });

  it("offers the hand-over on the person's page", async () => {
    const page = await callLoader(personRoute.loader, personPath(carol), {
      cookie: signInAs(admin),
      params: { userId: String(carol.id) },
    });
    expect(page.status).toBe(200);
    expect(page.data.holdings).toHaveLength(2);
  });
});

describe("deactivating with a hand-over", () => {
  it("moves everything chosen in one step, with one activity row per item, step and project", async () => {
    const since = maxActivity();
    const carolsNotices = notices(carol.id).length;
    const versions = {
      alpha: getDebtItem(ids.alphaItems[0])!.version,
      dans: getDebtItem(ids.alphaDansItem)!.version,
    };
    const result = await callAction(personRoute.action, personPath(carol), {
      cookie: signInAs(admin),
      params: { userId: String(carol.id) },
      form: {
        intent: "deactivate",
        [`items.${alpha.id}`]: String(dan.id),
        [`steps.${alpha.id}`]: String(erin.id),
        [`ownership.${alpha.id}`]: String(dan.id),
        [`items.${beta.id}`]: String(dan.id),
        [`steps.${beta.id}`]: String(dan.id),
      },
    });
    expect(result.status).toBe(302);
    expect(toastOf(result.headers)).toBe(
      "Carol Leaving was deactivated and signed out everywhere. Handed over: 3 debt items, 3 repayment steps, 1 project.",
    );

    // Everything moved...
    expect(ids.alphaItems.map(ownerOfItem)).toEqual([dan.id, dan.id]);
    expect(ownerOfStep(ids.alphaStep)).toBe(erin.id);
    expect(ownerOfProject(alpha.id)).toBe(dan.id);
    expect(ownerOfItem(ids.betaItem)).toBe(dan.id);
    expect(ids.betaSteps.map(ownerOfStep)).toEqual([dan.id, dan.id]);
    // ...but not what is settled, done or in a closed project.
    expect(ownerOfItem(ids.alphaRepaid)).toBe(carol.id);
    expect(ownerOfStep(ids.alphaDoneStep)).toBe(carol.id);
    expect(ownerOfProject(closed.id)).toBe(carol.id);
    expect(ownerOfItem(ids.closedItem)).toBe(carol.id);
    // Steps are part of their item: its version moved (the optimistic lock of open pages).
    expect(getDebtItem(ids.alphaItems[0])!.version).toBe(versions.alpha + 1);
    expect(getDebtItem(ids.alphaDansItem)!.version).toBe(versions.dans + 1);

    const rows = activitySince(since);
    expect(rows.map((r) => [r.action, r.summary])).toEqual([
      ["debt.handed_over", "Ada Admin handed “Alpha one” over from Carol Leaving to Dan Staying"],
      ["debt.handed_over", "Ada Admin handed “Alpha two” over from Carol Leaving to Dan Staying"],
      [
        "debt.step_handed_over",
        "Ada Admin handed step 1 “Carol's step” of “Alpha of Dan's” over from Carol Leaving to Erin Ops",
      ],
      ["project.handed_over", "Ada Admin handed the ownership of Alpha over from Carol Leaving to Dan Staying"],
      ["debt.handed_over", "Ada Admin handed “Beta one” over from Carol Leaving to Dan Staying"],
      [
        "debt.step_handed_over",
        "Ada Admin handed step 1 “Beta first” of “Beta one” over from Carol Leaving to Dan Staying",
      ],
      [
        "debt.step_handed_over",
        "Ada Admin handed step 2 “Beta second” of “Beta one” over from Carol Leaving to Dan Staying",
      ],
      ["user.deactivated", "Carol Leaving was deactivated"],
    ]);
    expect(rows[0]).toMatchObject({
      entity_type: "debt_item",
      entity_id: ids.alphaItems[0],
      project_id: alpha.id,
      before: JSON.stringify({ ownerId: carol.id }),
      after: JSON.stringify({ ownerId: dan.id }),
    });
    expect(rows[3]).toMatchObject({ entity_type: "project", entity_id: alpha.id, project_id: alpha.id });

    // Each new owner is told once per project, with what they now own.
    expect(notices(dan.id)).toEqual([
      "Ada Admin handed you 2 debt items and the ownership of Alpha, from Carol Leaving",
      "Ada Admin handed you 1 debt item and 2 repayment steps on Beta, from Carol Leaving",
    ]);
    expect(notices(erin.id)).toEqual(["Ada Admin handed you 1 repayment step on Alpha, from Carol Leaving"]);
    expect(notices(carol.id)).toHaveLength(carolsNotices);

    const person = sqlite().prepare("select active from users where id = ?").get(carol.id) as { active: number };
    expect(person.active).toBe(0);
    expect(holdingsOf(carol.id)).toEqual([]);
  });

  it("refuses a new owner who is deactivated, and changes nothing", async () => {
    const gone = await createTestUser({ name: "Gina Gone", discipline: "it" });
    addMember({ actor: actorOf(carol), projectId: alpha.id, userId: gone.id, discipline: "it" });
    setUserActive({ actor: actorOf(admin), userId: gone.id, active: false });
    const before = snapshotTables();
    const result = await callAction(personRoute.action, personPath(carol), {
      cookie: signInAs(admin),
      params: { userId: String(carol.id) },
      form: {
        intent: "deactivate",
        [`items.${alpha.id}`]: String(dan.id),
        [`ownership.${alpha.id}`]: String(gone.id),
      },
    });
    expect(result.status).toBe(400);
    expect(refusalOf(result.data)).toEqual({
      fieldErrors: { [`ownership.${alpha.id}`]: "Gina Gone is deactivated. Choose an active member of Alpha." },
      formError: "Check the people chosen to take over.",
    });
    expect(snapshotTables()).toEqual(before);
  });

  it("refuses someone not on the project's team, and the leaver themself", async () => {
    const before = snapshotTables();
    expect(() =>
      deactivateWithHandover({
        actor: actorOf(admin),
        userId: carol.id,
        choices: [
          { projectId: beta.id, items: erin.id },
          { projectId: alpha.id, steps: carol.id },
        ],
      }),
    ).toThrow(
      expect.objectContaining({
        fields: {
          [`items.${beta.id}`]: "Erin Ops is not on Beta's team. Add them first, or choose a member.",
          [`steps.${alpha.id}`]: "Choose someone other than Carol Leaving.",
        },
      }),
    );
    expect(snapshotTables()).toEqual(before);
  });

  it("changes nothing when the deactivation itself is refused (the last admin)", async () => {
    const lone = await createTestUser({ name: "Lone Admin", role: "admin", discipline: "business" });
    // Make `lone` the only active admin, owning Beta's debt item.
    setUserActive({ actor: actorOf(lone), userId: admin.id, active: false });
    addMember({ actor: actorOf(dan), projectId: beta.id, userId: lone.id, discipline: "business" });
    const before = snapshotTables();
    expect(() =>
      deactivateWithHandover({
        actor: actorOf(lone),
        userId: lone.id,
        choices: [{ projectId: beta.id, items: dan.id }],
      }),
    ).toThrow("Triad needs at least one active admin.");
    expect(snapshotTables()).toEqual(before);
  });

  it("lets only admins hand over", () => {
    expect(() =>
      handOverWork({ actor: actorOf(dan), userId: carol.id, choices: [{ projectId: beta.id, items: dan.id }] }),
    ).toThrow(ForbiddenError);
    expect(ownerOfItem(ids.betaItem)).toBe(carol.id);
  });
});

describe("orphaned work", () => {
  it("keeps what is not handed over, lists it for admins, and hands it over later", async () => {
    // Deactivated with only Beta's item handed over: the rest is orphaned.
    const deactivated = await callAction(personRoute.action, personPath(carol), {
      cookie: signInAs(admin),
      params: { userId: String(carol.id) },
      form: { intent: "deactivate", [`items.${beta.id}`]: String(dan.id), [`steps.${alpha.id}`]: "" },
    });
    expect(deactivated.status).toBe(302);
    expect(ownerOfItem(ids.betaItem)).toBe(dan.id);

    const page = await callLoader(orphansRoute.loader, "/admin/orphans", { cookie: signInAs(admin) });
    expect(page.status).toBe(200);
    const [orphans] = page.data.people;
    expect(orphans.person.name).toBe("Carol Leaving");
    expect(orphans.projects.map((p: { name: string }) => p.name)).toEqual(["Alpha"]);
    expect(orphans.items.map((i: { title: string }) => i.title)).toEqual(["Alpha one", "Alpha two"]);
    expect(orphans.steps.map((s: { title: string }) => s.title)).toEqual(["Carol's step", "Beta first", "Beta second"]);
    const forbidden = await callLoader(orphansRoute.loader, "/admin/orphans", { cookie: signInAs(dan) });
    expect(forbidden.status).toBe(403);

    const since = maxActivity();
    const later = await callAction(personRoute.action, personPath(carol), {
      cookie: signInAs(admin),
      params: { userId: String(carol.id) },
      form: {
        intent: "handover",
        [`items.${alpha.id}`]: String(erin.id),
        [`steps.${alpha.id}`]: String(dan.id),
        [`ownership.${alpha.id}`]: String(dan.id),
        [`steps.${beta.id}`]: String(dan.id),
      },
    });
    expect(later.status).toBe(302);
    expect(toastOf(later.headers)).toBe("Handed over: 2 debt items, 3 repayment steps, 1 project.");
    expect(activitySince(since)).toHaveLength(6); // 2 items + 3 steps + 1 project, no deactivation
    expect(listOrphanedWork().people).toEqual([]);
    const empty = await callLoader(orphansRoute.loader, "/admin/orphans", { cookie: signInAs(admin) });
    expect(empty.data.people).toEqual([]);
  });

  it("refuses an unknown intent and a malformed choice with a 400 that changes nothing", async () => {
    const before = snapshotTables();
    const unknown = await callAction(personRoute.action, personPath(carol), {
      cookie: signInAs(admin),
      params: { userId: String(carol.id) },
      form: { intent: "handover-all" },
    });
    expect(unknown.status).toBe(400);
    const malformed = await callAction(personRoute.action, personPath(carol), {
      cookie: signInAs(admin),
      params: { userId: String(carol.id) },
      form: { intent: "handover", [`items.${alpha.id}`]: "1e3" },
    });
    expect(malformed.status).toBe(400);
    expect(refusalOf(malformed.data).fieldErrors[`items.${alpha.id}`]).toBe(
      "Choose a member of the project, or keep it with them.",
    );
    const otherProject = await callAction(personRoute.action, personPath(carol), {
      cookie: signInAs(admin),
      params: { userId: String(carol.id) },
      form: { intent: "handover", [`items.${closed.id}`]: String(dan.id) },
    });
    expect(otherProject.status).toBe(400);
    expect(refusalOf(otherProject.data).fieldErrors[`items.${closed.id}`]).toBe(
      "Closed is stopped; its work no longer changes hands.",
    );
    expect(snapshotTables()).toEqual(before);
  });
});
