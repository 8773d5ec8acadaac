/**
 * Feasibility per discipline (docs/domain.md, "Feasibility"): data science and IT operations
 * each give their own verdict with its own version; the combined verdict follows (not assessed
 * until both have spoken, infeasible when either says so); a colleague saving over an old
 * version gets a conflict naming the current verdict; editing what was assessed resets both;
 * the automatic gate criterion needs both verdicts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as requirementsRoute from "~/routes/projects.$slug.requirements";
import { getOpenReview, openReview } from "~/models/gates.server";
import { createProject } from "~/models/projects.server";
import {
  assessRequirement,
  createRequirement,
  getRequirement,
  updateRequirement,
  type RequirementInput,
} from "~/models/requirements.server";
import { addMember } from "~/models/team.server";
import type { Actor } from "~/models/users.server";
import { activitySince, countRows, lastActivityId } from "../support/database";
import { callAction, callLoader, refusalOf } from "../support/requests";
import { createTestUser, signInAs, type TestUser } from "../support/users";

const actorOf = (u: TestUser): Actor => ({
  id: u.id,
  name: u.name,
  role: u.role,
  discipline: u.discipline,
  via: "web",
});

let owner: TestUser;
let scientist: TestUser;
let operator: TestUser;
let operator2: TestUser;

beforeAll(async () => {
  owner = await createTestUser({ name: "Bea Business", discipline: "business" });
  scientist = await createTestUser({ name: "Dan Science", discipline: "data_science" });
  operator = await createTestUser({ name: "Ivy Operations", discipline: "it" });
  operator2 = await createTestUser({ name: "Ian Operations", discipline: "it" });
});

let n = 0;
function newProject() {
  const project = createProject({
    actor: actorOf(owner),
    name: `Press failure warning ${++n}`,
    summary: "",
    businessCase: "",
    ownerId: owner.id,
  });
  for (const who of [scientist, operator, operator2])
    addMember({ actor: actorOf(owner), projectId: project.id, userId: who.id });
  return project;
}

const stated: RequirementInput = {
  title: "Warn before a press fails",
  description: "For the maintenance planners.",
  target: "48 h ahead, precision >= 0.8",
  priority: "must",
};

const state = (projectId: number, overrides: Partial<RequirementInput> = {}) =>
  createRequirement({ actor: actorOf(owner), projectId, ...stated, ...overrides });

const page = (project: { slug: string }, who: TestUser, query = "") =>
  callLoader(requirementsRoute.loader, `/projects/${project.slug}/requirements${query}`, {
    params: { slug: project.slug },
    cookie: signInAs(who),
  });

const post = (project: { slug: string }, who: TestUser, form: Record<string, string | number>) =>
  callAction(requirementsRoute.action, `/projects/${project.slug}/requirements`, {
    params: { slug: project.slug },
    cookie: signInAs(who),
    form,
  });

/** What a member's verdict form posts: the verdict's own version, read from the page. */
async function verdictForm(project: { slug: string }, who: TestUser, requirementId: number) {
  const loaded = await page(project, who, `?assess=${requirementId}`);
  const row = loaded.data.requirements.find((r: { id: number }) => r.id === requirementId);
  const discipline = loaded.data.myVerdict as "data_science" | "it";
  return {
    intent: "assess",
    requirementId,
    discipline,
    version: discipline === "data_science" ? row.dsVersion : row.itVersion,
  };
}

const counts = () => ({ requirements: countRows("requirements"), activity: countRows("activity") });

describe("two verdicts", () => {
  it("each discipline gives its own verdict; the combined one waits for both, then follows", async () => {
    const project = newProject();
    const r = state(project.id);

    const it1 = await post(project, operator, {
      ...(await verdictForm(project, operator, r.id)),
      feasibility: "feasible",
      conditions: "",
      note: "Runs on the plant cluster.",
    });
    expect(it1).toMatchObject({ status: 302, location: `/projects/${project.slug}/requirements` });
    expect(getRequirement(r.id)).toMatchObject({
      itFeasibility: "feasible",
      itNote: "Runs on the plant cluster.",
      itAssessedById: operator.id,
      dsFeasibility: "unassessed",
      feasibility: "unassessed",
    });
    let row = (await page(project, owner)).data.requirements[0];
    expect(row).toMatchObject({ itAssessedByName: "Ivy Operations", dsAssessedByName: null, disagree: false });

    const ds = await post(project, scientist, {
      ...(await verdictForm(project, scientist, r.id)),
      feasibility: "feasible_with_conditions",
      conditions: "Needs six months of vibration data.",
      note: "",
    });
    expect(ds.status).toBe(302);
    expect(getRequirement(r.id)).toMatchObject({
      dsFeasibility: "feasible_with_conditions",
      dsConditions: "Needs six months of vibration data.",
      dsAssessedById: scientist.id,
      itFeasibility: "feasible",
      feasibility: "feasible_with_conditions",
    });
    row = (await page(project, owner)).data.requirements[0];
    expect(row).toMatchObject({ dsAssessedByName: "Dan Science", feasibility: "feasible_with_conditions" });

    const actions = activitySince(0)
      .filter((a) => a.entity_type === "requirement" && a.entity_id === r.id)
      .map((a) => a.summary);
    expect(actions).toEqual([
      expect.stringContaining("stated"),
      "Ivy Operations assessed “Warn before a press fails” for IT operations as feasible",
      "Dan Science assessed “Warn before a press fails” for Data science as feasible with conditions",
    ]);
  });

  it("infeasible for one discipline makes it infeasible, and the page says they disagree and who", async () => {
    const project = newProject();
    const r = state(project.id);
    await post(project, scientist, {
      ...(await verdictForm(project, scientist, r.id)),
      feasibility: "feasible",
      conditions: "",
      note: "",
    });
    await post(project, operator, {
      ...(await verdictForm(project, operator, r.id)),
      feasibility: "infeasible",
      conditions: "The presses are not networked.",
      note: "",
    });
    expect(getRequirement(r.id)!.feasibility).toBe("infeasible");

    const mismatches = (await page(project, owner, "?view=mismatches")).data;
    expect(mismatches.requirements[0].disagree).toBe(true);
    expect(mismatches.mismatches.disagree.map((x: { id: number }) => x.id)).toEqual([r.id]);
    expect(mismatches.mismatchRows).toEqual([
      {
        id: r.id,
        kind: "disagree",
        summary: "IT operations: infeasible — The presses are not networked; Data science: feasible",
      },
    ]);
  });

  it("only the member's own discipline gets a verdict form; business gets none and is refused", async () => {
    const project = newProject();
    const r = state(project.id);
    expect((await page(project, scientist)).data).toMatchObject({ myVerdict: "data_science", mayAssess: true });
    expect((await page(project, operator)).data).toMatchObject({ myVerdict: "it", mayAssess: true });
    expect((await page(project, owner)).data).toMatchObject({ myVerdict: null, mayAssess: false });

    const before = counts();
    const refused = await post(project, owner, {
      intent: "assess",
      requirementId: r.id,
      version: 1,
      feasibility: "feasible",
      conditions: "",
      note: "",
    });
    expect(refused).toMatchObject({ status: 403, thrown: true });
    expect(() =>
      assessRequirement({
        actor: actorOf(owner),
        requirementId: r.id,
        version: 1,
        feasibility: "feasible",
        note: "",
        conditions: "",
      }),
    ).toThrow();
    // and nobody gives the other discipline's verdict, even by naming it
    const forged = await post(project, operator, {
      intent: "assess",
      requirementId: r.id,
      discipline: "data_science",
      version: 1,
      feasibility: "feasible",
      conditions: "",
      note: "",
    });
    expect(forged).toMatchObject({ status: 403, thrown: true });
    expect(counts()).toEqual(before);
    expect(getRequirement(r.id)).toMatchObject({
      dsFeasibility: "unassessed",
      itFeasibility: "unassessed",
      feasibility: "unassessed",
    });
  });
});

describe("two people saving the same verdict", () => {
  it("the second IT member, on the old version, gets a conflict naming the current verdict; their input stays; nothing changes", async () => {
    const project = newProject();
    const r = state(project.id);
    const seenByIvy = await verdictForm(project, operator, r.id);
    const seenByIan = await verdictForm(project, operator2, r.id);
    expect(seenByIan.version).toBe(seenByIvy.version);

    const first = await post(project, operator, {
      ...seenByIvy,
      feasibility: "infeasible",
      conditions: "The presses are not networked.",
      note: "",
    });
    expect(first.status).toBe(302);
    const before = { ...counts(), row: getRequirement(r.id) };

    const second = await post(project, operator2, {
      ...seenByIan,
      feasibility: "feasible",
      conditions: "",
      note: "We can add a gateway.",
    });
    expect(second.status).toBe(409);
    expect(refusalOf(second.data).formError).toMatch(
      /verdict on “Warn before a press fails” was changed by someone else since you opened the page: it is now infeasible \(“The presses are not networked.”\)/,
    );
    // the form stays open with what Ian chose
    expect(second.data.initialValue).toMatchObject({
      intent: "assess",
      requirementId: String(r.id),
      feasibility: "feasible",
      note: "We can add a gateway.",
    });
    expect({ ...counts(), row: getRequirement(r.id) }).toEqual(before);
  });

  it("a data science verdict does not conflict with an IT verdict saved meanwhile (independent versions)", async () => {
    const project = newProject();
    const r = state(project.id);
    const seenByDan = await verdictForm(project, scientist, r.id);
    const seenByIvy = await verdictForm(project, operator, r.id);
    expect(
      (await post(project, operator, { ...seenByIvy, feasibility: "feasible", conditions: "", note: "" })).status,
    ).toBe(302);
    const ds = await post(project, scientist, { ...seenByDan, feasibility: "feasible", conditions: "", note: "" });
    expect(ds.status).toBe(302);
    expect(getRequirement(r.id)).toMatchObject({
      dsFeasibility: "feasible",
      itFeasibility: "feasible",
      feasibility: "feasible",
    });
  });
});

describe("editing what was assessed", () => {
  it.each([
    ["title", { title: "Warn before any press fails" }],
    ["target", { target: "72 h ahead, precision >= 0.8" }],
    ["priority", { priority: "should" }],
  ] as const)("a new %s resets both verdicts", (_field, change) => {
    const project = newProject();
    const r = state(project.id);
    assessRequirement({
      actor: actorOf(scientist),
      requirementId: r.id,
      version: r.dsVersion,
      feasibility: "feasible",
      note: "ok",
      conditions: "",
    });
    const assessed = assessRequirement({
      actor: actorOf(operator),
      requirementId: r.id,
      version: r.itVersion,
      feasibility: "infeasible",
      note: "",
      conditions: "Not networked.",
    });
    expect(assessed.feasibility).toBe("infeasible");
    const since = lastActivityId();
    updateRequirement({ actor: actorOf(owner), requirementId: r.id, version: assessed.version, ...stated, ...change });
    expect(getRequirement(r.id)).toMatchObject({
      ...change,
      feasibility: "unassessed",
      dsFeasibility: "unassessed",
      dsNote: null,
      dsAssessedById: null,
      itFeasibility: "unassessed",
      itConditions: null,
      itAssessedById: null,
    });
    const [row] = activitySince(since);
    expect(JSON.parse(row.before!)).toMatchObject({
      dsFeasibility: "feasible",
      itFeasibility: "infeasible",
      itConditions: "Not networked.",
    });
  });

  it("a new description keeps both verdicts", () => {
    const project = newProject();
    const r = state(project.id);
    assessRequirement({
      actor: actorOf(scientist),
      requirementId: r.id,
      version: r.dsVersion,
      feasibility: "feasible",
      note: "",
      conditions: "",
    });
    const assessed = assessRequirement({
      actor: actorOf(operator),
      requirementId: r.id,
      version: r.itVersion,
      feasibility: "feasible",
      note: "",
      conditions: "",
    });
    updateRequirement({
      actor: actorOf(owner),
      requirementId: r.id,
      version: assessed.version,
      ...stated,
      description: "Also for the shift leads.",
    });
    expect(getRequirement(r.id)).toMatchObject({
      dsFeasibility: "feasible",
      itFeasibility: "feasible",
      feasibility: "feasible",
    });
  });
});

describe("the gate criterion “must-haves assessed, none infeasible”", () => {
  const criterion = (projectId: number) =>
    getOpenReview(projectId)!.criteria.find((c) => c.key === "musts_assessed_none_infeasible")!;

  it("is not met with one verdict, met with both, and unmet again when one says infeasible", () => {
    const project = newProject();
    const r = state(project.id);
    openReview({ actor: actorOf(owner), projectId: project.id, statement: "The PoC shows the warning works." });
    expect(criterion(project.id)).toMatchObject({ met: false });

    const ds = assessRequirement({
      actor: actorOf(scientist),
      requirementId: r.id,
      version: r.dsVersion,
      feasibility: "feasible",
      note: "",
      conditions: "",
    });
    expect(criterion(project.id).met).toBe(false);
    expect(criterion(project.id).detail).toMatch(/not assessed/);

    const it1 = assessRequirement({
      actor: actorOf(operator),
      requirementId: r.id,
      version: ds.itVersion,
      feasibility: "feasible",
      note: "",
      conditions: "",
    });
    expect(criterion(project.id)).toMatchObject({ met: true });

    assessRequirement({
      actor: actorOf(operator2),
      requirementId: r.id,
      version: it1.itVersion,
      feasibility: "infeasible",
      note: "",
      conditions: "Not networked.",
    });
    expect(criterion(project.id).met).toBe(false);
    expect(criterion(project.id).detail).toMatch(/infeasible/);
  });
});

describe("the Mismatches view", () => {
  it("covers every priority by default, filters by one, and ignores an unknown priority", async () => {
    const project = newProject();
    const must = state(project.id, { title: "Warn ahead", priority: "must" });
    state(project.id, { title: "Show the trend", priority: "should" });
    const could = state(project.id, { title: "Explain each warning", priority: "could" });
    assessRequirement({
      actor: actorOf(scientist),
      requirementId: could.id,
      version: could.dsVersion,
      feasibility: "infeasible",
      note: "",
      conditions: "No labels for causes.",
    });
    assessRequirement({
      actor: actorOf(operator),
      requirementId: could.id,
      version: could.itVersion,
      feasibility: "infeasible",
      note: "",
      conditions: "Too slow.",
    });
    assessRequirement({
      actor: actorOf(scientist),
      requirementId: must.id,
      version: must.dsVersion,
      feasibility: "feasible",
      note: "",
      conditions: "",
    });

    const titles = async (query: string) => {
      const loaded = (await page(project, owner, `?view=mismatches${query}`)).data;
      return loaded.requirements
        .filter((r: { id: number }) => loaded.mismatchRows.some((m: { id: number }) => m.id === r.id))
        .map((r: { title: string }) => r.title);
    };
    expect(await titles("")).toEqual(["Warn ahead", "Show the trend", "Explain each warning"]);
    expect(await titles("&priority=must")).toEqual(["Warn ahead"]);
    expect(await titles("&priority=could")).toEqual(["Explain each warning"]);
    expect(await titles("&priority=urgent")).toEqual(["Warn ahead", "Show the trend", "Explain each warning"]);

    const loaded = (await page(project, owner, "?view=mismatches&priority=must")).data;
    expect(loaded.priority).toBe("must");
    expect(loaded.mismatchCount).toBe(3); // the tab counts every priority
    expect(loaded.mismatchRows).toEqual([
      { id: must.id, kind: "unassessed", summary: "IT operations: not assessed yet; Data science: feasible" },
    ]);
    const all = (await page(project, owner, "?view=mismatches")).data;
    expect(all.mismatchRows.find((m: { id: number }) => m.id === could.id)).toEqual({
      id: could.id,
      kind: "infeasible",
      summary: "Data science: infeasible — No labels for causes; IT operations: infeasible — Too slow",
    });
  });
});
