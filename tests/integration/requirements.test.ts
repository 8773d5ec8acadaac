/**
 * Requirements and feasibility (docs/domain.md, "Feasibility"): business states, IT operations
 * and data science each give a verdict; changing what was assessed resets both and keeps the old
 * version in the history; the Mismatches view; two people saving the same version -> the second
 * gets a conflict. The two verdicts in detail: verdicts.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as requirementsRoute from "~/routes/projects.$slug.requirements";
import { listEntityActivity } from "~/models/activity.server";
import { createProject } from "~/models/projects.server";
import {
  assessRequirement,
  createRequirement,
  getRequirement,
  listRequirements,
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

let business: TestUser;
let business2: TestUser;
let scientist: TestUser;
let operator: TestUser;
let outsider: TestUser;

beforeAll(async () => {
  business = await createTestUser({ name: "Brigitte Business", discipline: "business" });
  business2 = await createTestUser({ name: "Bruno Business", discipline: "business" });
  scientist = await createTestUser({ name: "Farid Science", discipline: "data_science" });
  operator = await createTestUser({ name: "Olga Operations", discipline: "it" });
  outsider = await createTestUser({ name: "Otto Outsider", discipline: "business" });
});

let n = 0;
function newProject() {
  const project = createProject({
    actor: actorOf(business),
    name: `Churn forecast ${++n}`,
    summary: "",
    businessCase: "",
    ownerId: business.id,
  });
  addMember({ actor: actorOf(business), projectId: project.id, userId: business2.id, discipline: "business" });
  addMember({ actor: actorOf(business), projectId: project.id, userId: scientist.id, discipline: "data_science" });
  addMember({ actor: actorOf(business), projectId: project.id, userId: operator.id, discipline: "it" });
  return project;
}

const stated: RequirementInput = {
  title: "Flag customers about to leave",
  description: "Monthly, for the retention team.",
  target: "recall >= 0.7 at 20 % contacted",
  priority: "must",
};

function state(projectId: number, overrides: Partial<RequirementInput> = {}) {
  return createRequirement({ actor: actorOf(business), projectId, ...stated, ...overrides });
}

const call = (project: { slug: string }, who: TestUser, form: Record<string, string | number>) =>
  callAction(requirementsRoute.action, `/projects/${project.slug}/requirements`, {
    params: { slug: project.slug },
    cookie: signInAs(who),
    form,
  });

const counts = () => ({ requirements: countRows("requirements"), activity: countRows("activity") });

describe("who states and who assesses", () => {
  it("a business member states a requirement; it starts unassessed, with one activity row", async () => {
    const project = newProject();
    const since = lastActivityId();
    const result = await call(project, business, { intent: "create", ...stated });
    expect(result).toMatchObject({ status: 302, location: `/projects/${project.slug}/requirements` });
    const [row] = listRequirements(project.id);
    expect(row).toMatchObject({
      ...stated,
      feasibility: "unassessed",
      status: "active",
      createdByName: "Brigitte Business",
    });
    expect(activitySince(since).map((a) => a.action)).toEqual(["requirement.created"]);
  });

  it.each([
    ["IT operations", () => operator, "feasible", ""],
    ["data science", () => scientist, "feasible_with_conditions", "Needs twelve months of contract history."],
  ] as const)(
    "%s gives its verdict; the combined one waits for the other discipline",
    async (_who, who, feasibility, conditions) => {
      const project = newProject();
      const requirement = state(project.id);
      const it = who().discipline === "it";
      const result = await call(project, who(), {
        intent: "assess",
        requirementId: requirement.id,
        version: it ? requirement.itVersion : requirement.dsVersion,
        feasibility,
        conditions,
        note: "Checked the CRM extract.",
      });
      expect(result.status).toBe(302);
      expect(getRequirement(requirement.id)).toMatchObject(
        it
          ? {
              itFeasibility: feasibility,
              itConditions: conditions || null,
              itNote: "Checked the CRM extract.",
              itAssessedById: who().id,
              itVersion: requirement.itVersion + 1,
              dsFeasibility: "unassessed",
            }
          : {
              dsFeasibility: feasibility,
              dsConditions: conditions || null,
              dsNote: "Checked the CRM extract.",
              dsAssessedById: who().id,
              dsVersion: requirement.dsVersion + 1,
              itFeasibility: "unassessed",
            },
      );
      expect(getRequirement(requirement.id)).toMatchObject({
        feasibility: "unassessed",
        version: requirement.version + 1,
      });
    },
  );

  it("business cannot assess, IT cannot state, outsiders can do neither: 403 and nothing written", async () => {
    const project = newProject();
    const requirement = state(project.id);
    const before = counts();
    const attempts: Array<[TestUser, Record<string, string | number>]> = [
      [
        business,
        {
          intent: "assess",
          requirementId: requirement.id,
          version: requirement.version,
          feasibility: "feasible",
          conditions: "",
          note: "",
        },
      ],
      [operator, { intent: "create", ...stated, title: "IT wish" }],
      [
        scientist,
        {
          intent: "update",
          requirementId: requirement.id,
          version: requirement.version,
          ...stated,
          target: "recall >= 0.5",
        },
      ],
      [operator, { intent: "withdraw", requirementId: requirement.id, version: requirement.version }],
      [outsider, { intent: "create", ...stated, title: "Outsider wish" }],
      [
        outsider,
        {
          intent: "assess",
          requirementId: requirement.id,
          version: requirement.version,
          feasibility: "infeasible",
          conditions: "No.",
          note: "",
        },
      ],
    ];
    for (const [who, form] of attempts) {
      const result = await call(project, who, form);
      expect(result, `${who.name} ${form.intent}`).toMatchObject({ status: 403, thrown: true });
    }
    expect(counts()).toEqual(before);
    expect(getRequirement(requirement.id)).toMatchObject({
      feasibility: "unassessed",
      target: stated.target,
      version: requirement.version,
    });
  });

  it("the page hides the controls a person may not use", async () => {
    const project = newProject();
    const load = (who: TestUser) =>
      callLoader(requirementsRoute.loader, `/projects/${project.slug}/requirements`, {
        params: { slug: project.slug },
        cookie: signInAs(who),
      });
    expect((await load(business)).data).toMatchObject({ mayState: true, mayAssess: false, myVerdict: null });
    expect((await load(operator)).data).toMatchObject({ mayState: false, mayAssess: true, myVerdict: "it" });
    expect((await load(scientist)).data).toMatchObject({ mayState: false, mayAssess: true, myVerdict: "data_science" });
    expect((await load(outsider)).data).toMatchObject({ mayState: false, mayAssess: false, myVerdict: null });
  });
});

describe("bad input", () => {
  it("a missing target is refused next to the field, keeping the rest of the input", async () => {
    const project = newProject();
    const before = counts();
    const result = await call(project, business, { intent: "create", ...stated, target: "" });
    expect(result.status).toBe(400);
    expect(refusalOf(result.data).fieldErrors).toEqual({ target: expect.stringMatching(/measurable target/) });
    expect(result.data.initialValue).toMatchObject({
      title: stated.title,
      description: stated.description,
      priority: "must",
    });
    expect(counts()).toEqual(before);
  });

  it("infeasible without a reason is refused next to the conditions field", async () => {
    const project = newProject();
    const requirement = state(project.id);
    const before = counts();
    const result = await call(project, operator, {
      intent: "assess",
      requirementId: requirement.id,
      version: requirement.itVersion,
      feasibility: "infeasible",
      conditions: "",
      note: "Never.",
    });
    expect(result.status).toBe(400);
    expect(refusalOf(result.data).fieldErrors.conditions).toBe("Say why it is infeasible.");
    expect(result.data.initialValue.note).toBe("Never.");
    expect(counts()).toEqual(before);
  });
});

describe("revising an assessed requirement", () => {
  it.each([
    ["title", { title: "Flag customers likely to leave" }],
    ["target", { target: "recall >= 0.8 at 20 % contacted" }],
    ["priority", { priority: "should" }],
  ] as const)("editing its %s resets both verdicts and the history keeps the old version", async (_field, change) => {
    const project = newProject();
    const requirement = state(project.id);
    assessRequirement({
      actor: actorOf(scientist),
      requirementId: requirement.id,
      version: requirement.dsVersion,
      feasibility: "feasible",
      note: "",
      conditions: "",
    });
    const assessed = assessRequirement({
      actor: actorOf(operator),
      requirementId: requirement.id,
      version: requirement.itVersion,
      feasibility: "feasible",
      note: "CRM has it.",
      conditions: "",
    });
    const since = lastActivityId();
    const result = await call(project, business, {
      intent: "update",
      requirementId: requirement.id,
      version: assessed.version,
      ...stated,
      ...change,
    });
    expect(result.status).toBe(302);
    expect(getRequirement(requirement.id)).toMatchObject({
      ...change,
      feasibility: "unassessed",
      itFeasibility: "unassessed",
      itNote: null,
      itAssessedById: null,
      dsFeasibility: "unassessed",
      dsAssessedById: null,
      version: assessed.version + 1,
    });
    const rows = activitySince(since);
    expect(rows).toHaveLength(1);
    expect(rows[0].action).toBe("requirement.updated");
    expect(rows[0].summary).toContain("both verdicts (Data science: Feasible; IT operations: Feasible) were reset");
    expect(JSON.parse(rows[0].before!)).toMatchObject({
      ...stated,
      feasibility: "feasible",
      itNote: "CRM has it.",
      version: assessed.version,
    });
    expect(JSON.parse(rows[0].after!)).toMatchObject({ ...change, feasibility: "unassessed" });

    // the requirement's history on the page shows both versions, newest first
    const page = await callLoader(
      requirementsRoute.loader,
      `/projects/${project.slug}/requirements?history=${requirement.id}`,
      {
        params: { slug: project.slug },
        cookie: signInAs(outsider),
      },
    );
    expect(page.data.history.map((h: { action: string }) => h.action)).toEqual([
      "requirement.updated",
      "requirement.assessed",
      "requirement.assessed",
      "requirement.created",
    ]);
  });

  it("editing only the description keeps both verdicts", async () => {
    const project = newProject();
    const requirement = state(project.id);
    assessRequirement({
      actor: actorOf(scientist),
      requirementId: requirement.id,
      version: requirement.dsVersion,
      feasibility: "feasible",
      note: "",
      conditions: "",
    });
    const assessed = assessRequirement({
      actor: actorOf(operator),
      requirementId: requirement.id,
      version: requirement.itVersion,
      feasibility: "feasible",
      note: "",
      conditions: "",
    });
    const result = await call(project, business, {
      intent: "update",
      requirementId: requirement.id,
      version: assessed.version,
      ...stated,
      description: "Monthly, for the retention team, as a CSV.",
    });
    expect(result.status).toBe(302);
    expect(getRequirement(requirement.id)).toMatchObject({
      feasibility: "feasible",
      dsFeasibility: "feasible",
      itFeasibility: "feasible",
      description: "Monthly, for the retention team, as a CSV.",
    });
  });
});

/** Both disciplines' verdicts, through the models. */
function assessBoth(r: { id: number; dsVersion: number; itVersion: number }, ds: Verdict, it: Verdict) {
  assessRequirement({ actor: actorOf(scientist), requirementId: r.id, version: r.dsVersion, ...ds });
  return assessRequirement({ actor: actorOf(operator), requirementId: r.id, version: r.itVersion, ...it });
}
type Verdict = {
  feasibility: "feasible" | "feasible_with_conditions" | "infeasible";
  conditions: string;
  note: string;
};
const feasible: Verdict = { feasibility: "feasible", conditions: "", note: "" };

describe("the Mismatches view", () => {
  it("lists infeasible and not-yet-assessed requirements of every priority, and nothing else", async () => {
    const project = newProject();
    const infeasible = state(project.id, { title: "Real-time scoring" });
    assessBoth(
      infeasible,
      { feasibility: "infeasible", conditions: "No streaming features.", note: "" },
      { feasibility: "infeasible", conditions: "The CRM exports once a night.", note: "" },
    );
    const halfAssessed = state(project.id, { title: "Explain each flag" });
    assessRequirement({
      actor: actorOf(scientist),
      requirementId: halfAssessed.id,
      version: halfAssessed.dsVersion,
      ...feasible,
    });
    assessBoth(state(project.id, { title: "Monthly list" }), feasible, feasible);
    state(project.id, { title: "Nice dashboard", priority: "should" });
    assessBoth(state(project.id, { title: "Fine later", priority: "could" }), feasible, feasible);
    const withdrawn = state(project.id, { title: "Predict the weather" });
    await call(project, business, { intent: "withdraw", requirementId: withdrawn.id, version: withdrawn.version });

    const page = await callLoader(requirementsRoute.loader, `/projects/${project.slug}/requirements?view=mismatches`, {
      params: { slug: project.slug },
      cookie: signInAs(outsider),
    });
    expect(page.data.view).toBe("mismatches");
    expect(page.data.mismatches.infeasible.map((r: { title: string }) => r.title)).toEqual(["Real-time scoring"]);
    expect(page.data.mismatches.unassessed.map((r: { title: string }) => r.title)).toEqual([
      "Explain each flag",
      "Nice dashboard",
    ]);
    expect(page.data.mismatches.disagree).toEqual([]);
    expect(page.data.mismatchRows.map((m: { summary: string }) => m.summary)).toEqual([
      "Data science: infeasible — No streaming features; IT operations: infeasible — The CRM exports once a night",
      "IT operations: not assessed yet; Data science: feasible",
      "Data science: not assessed yet; IT operations: not assessed yet",
    ]);
    expect(page.data.mismatchCount).toBe(3);
    expect(page.data.requirements).toHaveLength(6);
    expect(getRequirement(halfAssessed.id)!.feasibility).toBe("unassessed");
  });

  it("lowering an infeasible must-have takes it off the must-haves' mismatches, and the history keeps it", async () => {
    const project = newProject();
    const r = state(project.id, { title: "Real-time scoring" });
    const assessed = assessBoth(r, feasible, {
      feasibility: "infeasible",
      conditions: "Nightly export only.",
      note: "",
    });
    await call(project, business, {
      intent: "update",
      requirementId: r.id,
      version: assessed.version,
      ...stated,
      title: "Real-time scoring",
      priority: "could",
    });
    const page = await callLoader(
      requirementsRoute.loader,
      `/projects/${project.slug}/requirements?view=mismatches&priority=must`,
      {
        params: { slug: project.slug },
        cookie: signInAs(business),
      },
    );
    expect(page.data.mismatches).toEqual({ infeasible: [], unassessed: [], disagree: [] });
    const history = listEntityActivity({ entityType: "requirement", entityId: r.id });
    expect(JSON.parse(history[0].before!)).toMatchObject({
      priority: "must",
      feasibility: "infeasible",
      itFeasibility: "infeasible",
    });
  });
});

describe("two people editing the same requirement", () => {
  it("the second save (same version) gets a 409 with a conflict message; the first's change is kept", async () => {
    const project = newProject();
    const requirement = state(project.id);
    // both open the page and see version N
    const load = (who: TestUser) =>
      callLoader(requirementsRoute.loader, `/projects/${project.slug}/requirements?edit=${requirement.id}`, {
        params: { slug: project.slug },
        cookie: signInAs(who),
      });
    const seenByFirst = (await load(business)).data.requirements[0].version;
    const seenBySecond = (await load(business2)).data.requirements[0].version;
    expect(seenByFirst).toBe(seenBySecond);

    const first = await call(project, business, {
      intent: "update",
      requirementId: requirement.id,
      version: seenByFirst,
      ...stated,
      target: "recall >= 0.75 at 20 % contacted",
    });
    expect(first.status).toBe(302);
    const before = counts();

    const second = await call(project, business2, {
      intent: "update",
      requirementId: requirement.id,
      version: seenBySecond,
      ...stated,
      target: "recall >= 0.6 at 10 % contacted",
    });
    expect(second.status).toBe(409);
    expect(refusalOf(second.data).formError).toMatch(/was changed by someone else since you opened the page/);
    // the second person's input is kept so they can re-apply it
    expect(second.data.initialValue.target).toBe("recall >= 0.6 at 10 % contacted");
    expect(getRequirement(requirement.id)).toMatchObject({
      target: "recall >= 0.75 at 20 % contacted",
      version: seenByFirst + 1,
    });
    expect(counts()).toEqual(before);
  });

  it("a verdict form opened before its verdict was reset (new target) is refused the same way", async () => {
    const project = newProject();
    const requirement = state(project.id);
    const assessed = assessRequirement({
      actor: actorOf(operator),
      requirementId: requirement.id,
      version: requirement.itVersion,
      ...feasible,
    });
    // IT opens the form to change its verdict; meanwhile business sharpens the target
    updateRequirement({
      actor: actorOf(business),
      requirementId: requirement.id,
      version: assessed.version,
      ...stated,
      target: "recall >= 0.8 at 20 % contacted",
    });
    const before = counts();
    const result = await call(project, operator, {
      intent: "assess",
      requirementId: requirement.id,
      version: assessed.itVersion,
      feasibility: "feasible_with_conditions",
      conditions: "Only with the nightly export.",
      note: "",
    });
    expect(result.status).toBe(409);
    expect(refusalOf(result.data).formError).toMatch(
      /changed by someone else since you opened the page: it is now not assessed/,
    );
    expect(result.data.initialValue.conditions).toBe("Only with the nightly export.");
    expect(counts()).toEqual(before);
    expect(getRequirement(requirement.id)).toMatchObject({
      itFeasibility: "unassessed",
      target: "recall >= 0.8 at 20 % contacted",
    });
  });

  it("a description edit meanwhile does not get in the way of a verdict (it has its own version)", () => {
    const project = newProject();
    const requirement = state(project.id);
    updateRequirement({
      actor: actorOf(business),
      requirementId: requirement.id,
      version: requirement.version,
      ...stated,
      description: "Weekly.",
    });
    const assessed = assessRequirement({
      actor: actorOf(operator),
      requirementId: requirement.id,
      version: requirement.itVersion,
      ...feasible,
    });
    expect(assessed).toMatchObject({ itFeasibility: "feasible", description: "Weekly." });
  });
});
