/**
 * Projects (docs/domain.md, "Stages, states and teams"): create with a unique, stable slug; renaming keeps the old
 * address working; the list's search and filters; hold, resume, stop (with a cause and a
 * note) and retire (production only), by the owner or an admin only.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as editRoute from "~/routes/projects.$slug.edit";
import * as gateRoute from "~/routes/projects.$slug.gate._index";
import * as overviewRoute from "~/routes/projects.$slug._index";
import * as listRoute from "~/routes/projects._index";
import * as newRoute from "~/routes/projects.new";
import { attest, getOpenReview, getReview, openReview, promote, signOff } from "~/models/gates.server";
import { createProject, getProject } from "~/models/projects.server";
import { assessRequirement, createRequirement } from "~/models/requirements.server";
import { addMember, listTeam } from "~/models/team.server";
import type { Actor } from "~/models/users.server";
import { activitySince, countRows, lastActivityId } from "../support/database";
import { callAction, callLoader, refusalOf } from "../support/requests";
import { createAdmin, createTestUser, signInAs, type TestUser } from "../support/users";

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
let outsider: TestUser;
let admin: TestUser;

beforeAll(async () => {
  owner = await createTestUser({ name: "Brigitte Business", discipline: "business" });
  scientist = await createTestUser({ name: "Farid Science", discipline: "data_science" });
  operator = await createTestUser({ name: "Olga Operations", discipline: "it" });
  outsider = await createTestUser({ name: "Otto Outsider", discipline: "it" });
  admin = await createAdmin({ name: "Ada Admin", discipline: "data_science" });
});

function make(name: string, { team = true }: { team?: boolean } = {}) {
  const project = createProject({ actor: actorOf(owner), name, summary: "", businessCase: "", ownerId: owner.id });
  if (team) {
    // each joins in their own discipline (their profile's)
    addMember({ actor: actorOf(owner), projectId: project.id, userId: scientist.id });
    addMember({ actor: actorOf(owner), projectId: project.id, userId: operator.id });
  }
  return project;
}

/** Walks a project with a full team through its next gate, through the models. */
function promoteOnce(projectId: number) {
  const project = getProject(projectId)!;
  if (project.stage === "poc") {
    const r = createRequirement({
      actor: actorOf(owner),
      projectId,
      title: "Forecast demand",
      description: "",
      target: "MAPE <= 10 %",
      priority: "must",
    });
    // a must-have counts as assessed once both data science and IT operations gave their verdict
    assessRequirement({
      actor: actorOf(scientist),
      requirementId: r.id,
      version: r.dsVersion,
      feasibility: "feasible",
      note: "",
      conditions: "",
    });
    assessRequirement({
      actor: actorOf(operator),
      requirementId: r.id,
      version: r.itVersion,
      feasibility: "feasible",
      note: "",
      conditions: "",
    });
  }
  const review = openReview({ actor: actorOf(owner), projectId, statement: "The team is ready for this gate." });
  const who = { business: owner, data_science: scientist, it: operator };
  for (const c of getReview(review.id)!.criteria.filter((c) => c.kind === "attestation")) {
    attest({
      actor: actorOf(c.discipline ? who[c.discipline] : scientist),
      reviewId: review.id,
      key: c.key,
      note: "Checked.",
    });
  }
  for (const person of [owner, scientist, operator]) {
    signOff({ actor: actorOf(person), reviewId: review.id, decision: "approve", comment: "" });
  }
  return promote({ actor: actorOf(owner), reviewId: review.id });
}

const overview = (slug: string) => `/projects/${slug}`;

describe("creating a project", () => {
  it("gives it a slug from its name, starts it as an active PoC, puts the owner on the team, records it once", async () => {
    const since = lastActivityId();
    const result = await callAction(newRoute.action, "/projects/new", {
      cookie: signInAs(scientist),
      form: {
        name: "Predictive Maintenance: Press #4",
        summary: "Warn before a press fails.",
        businessCase: "",
        ownerId: String(owner.id),
      },
    });
    expect(result).toMatchObject({ status: 302, location: "/projects/predictive-maintenance-press-4" });
    const page = await callLoader(overviewRoute.loader, "/projects/predictive-maintenance-press-4", {
      params: { slug: "predictive-maintenance-press-4" },
      cookie: signInAs(outsider),
    });
    expect(page.data.project).toMatchObject({
      name: "Predictive Maintenance: Press #4",
      stage: "poc",
      state: "active",
      ownerName: "Brigitte Business",
    });
    expect(page.data.team.map((m: { name: string; discipline: string }) => [m.name, m.discipline])).toEqual([
      ["Brigitte Business", "business"],
    ]);
    expect(activitySince(since).map((a) => a.action)).toEqual(["project.created"]);
  });

  it("never reuses a slug: a second project of the same name gets its own", () => {
    const a = make("Demand forecast", { team: false });
    const b = make("Demand forecast", { team: false });
    expect(a.slug).toBe("demand-forecast");
    expect(b.slug).toBe("demand-forecast-2");
  });

  it("refuses a missing name next to the field and keeps the other input", async () => {
    const before = countRows("projects");
    const result = await callAction(newRoute.action, "/projects/new", {
      cookie: signInAs(owner),
      form: { name: " ", summary: "Something useful.", businessCase: "Money.", ownerId: String(owner.id) },
    });
    expect(result.status).toBe(400);
    expect(refusalOf(result.data).fieldErrors.name).toMatch(/Enter a project name/);
    expect(result.data.initialValue).toMatchObject({ summary: "Something useful.", businessCase: "Money." });
    expect(countRows("projects")).toBe(before);
  });
});

describe("renaming", () => {
  it("moves the project to a new slug and the old address answers 301 with the new one", async () => {
    const project = make("Scrap rate model");
    const result = await callAction(editRoute.action, `/projects/${project.slug}/edit`, {
      params: { slug: project.slug },
      cookie: signInAs(owner),
      form: {
        name: "Scrap rate predictor",
        summary: "",
        businessCase: "",
        ownerId: String(owner.id),
        version: String(project.version),
      },
    });
    expect(result).toMatchObject({ status: 302, location: "/projects/scrap-rate-predictor" });

    const old = await callLoader(overviewRoute.loader, "/projects/scrap-rate-model", {
      params: { slug: "scrap-rate-model" },
      cookie: signInAs(outsider),
    });
    expect(old).toMatchObject({ status: 301, location: "/projects/scrap-rate-predictor" });
    const deep = await callLoader(gateRoute.loader, "/projects/scrap-rate-model/gate?x=1", {
      params: { slug: "scrap-rate-model" },
      cookie: signInAs(outsider),
    });
    expect(deep).toMatchObject({ status: 301, location: "/projects/scrap-rate-predictor/gate?x=1" });

    // a new project with the old name does not take the old address over
    const newcomer = make("Scrap rate model", { team: false });
    expect(newcomer.slug).not.toBe("scrap-rate-model");
    const still = await callLoader(overviewRoute.loader, "/projects/scrap-rate-model", {
      params: { slug: "scrap-rate-model" },
      cookie: signInAs(outsider),
    });
    expect(still).toMatchObject({ status: 301, location: "/projects/scrap-rate-predictor" });
  });

  it("a rename by one person and an edit by another of the same version: the second gets a conflict, not a silent redirect", async () => {
    const project = make("Energy forecast");
    const form = (name: string, summary = "") => ({
      name,
      summary,
      businessCase: "",
      ownerId: String(owner.id),
      version: String(project.version),
    });
    // both opened /projects/energy-forecast/edit; the first renames the project
    const first = await callAction(editRoute.action, `/projects/${project.slug}/edit`, {
      params: { slug: project.slug },
      cookie: signInAs(owner),
      form: form("Energy demand forecast"),
    });
    expect(first).toMatchObject({ status: 302, location: "/projects/energy-demand-forecast" });
    // the second's form still posts to the address it was opened at
    const second = await callAction(editRoute.action, `/projects/${project.slug}/edit`, {
      params: { slug: project.slug },
      cookie: signInAs(scientist),
      form: form("Energy forecast", "Hourly, per site."),
    });
    expect(getProject(project.id)).toMatchObject({ name: "Energy demand forecast", summary: "" });
    expect(second.status).toBe(409);
    expect(refusalOf(second.data).formError).toMatch(/changed by someone else/);
    expect(second.data.initialValue.summary).toBe("Hourly, per site.");
  });

  it("two people editing the summary of the same version: the second gets 409 with a message", async () => {
    const project = make("Quality inspection");
    const form = (summary: string) => ({
      name: project.name,
      summary,
      businessCase: "",
      ownerId: String(owner.id),
      version: String(project.version),
    });
    const url = `/projects/${project.slug}/edit`;
    const params = { slug: project.slug };
    expect(
      (await callAction(editRoute.action, url, { params, cookie: signInAs(owner), form: form("Camera checks.") }))
        .status,
    ).toBe(302);
    const second = await callAction(editRoute.action, url, {
      params,
      cookie: signInAs(scientist),
      form: form("Vision model."),
    });
    expect(second.status).toBe(409);
    expect(refusalOf(second.data).formError).toMatch(/changed by someone else/);
    expect(getProject(project.id)!.summary).toBe("Camera checks.");
  });
});

describe("the projects list", () => {
  beforeAll(async () => {
    const alpha = make("Listing Alpha");
    const beta = make("Listing Beta");
    createProject({
      actor: actorOf(outsider),
      name: "Listing Gamma",
      summary: "",
      businessCase: "",
      ownerId: outsider.id,
    });
    promoteOnce(beta.id);
    const onHold = await callAction(overviewRoute.action, `/projects/${alpha.slug}`, {
      params: { slug: alpha.slug },
      cookie: signInAs(owner),
      form: { intent: "hold", version: String(getProject(alpha.id)!.version) },
    });
    expect(onHold.status).toBe(302);
  });

  const names = async (query: string, who: TestUser = operator) => {
    const result = await callLoader(listRoute.loader, `/projects?${query}`, { cookie: signInAs(who) });
    return result.data.rows.map((r: { name: string }) => r.name);
  };

  it("searches by name", async () => {
    expect(await names("q=listing")).toEqual(["Listing Alpha", "Listing Beta", "Listing Gamma"]);
    expect(await names("q=beta")).toEqual(["Listing Beta"]);
    expect(await names("q=nothing-like-this")).toEqual([]);
  });

  it("filters by stage and by state", async () => {
    expect(await names("q=listing&stage=pilot")).toEqual(["Listing Beta"]);
    expect(await names("q=listing&stage=poc")).toEqual(["Listing Alpha", "Listing Gamma"]);
    expect(await names("q=listing&state=on_hold")).toEqual(["Listing Alpha"]);
    expect(await names("q=listing&state=active&stage=poc")).toEqual(["Listing Gamma"]);
  });

  it("shows the projects I am on, and those where I am in a given discipline", async () => {
    expect(await names("q=listing&mine=1", operator)).toEqual(["Listing Alpha", "Listing Beta"]);
    expect(await names("q=listing&mine=1", outsider)).toEqual(["Listing Gamma"]);
    expect(await names("q=listing&discipline=it", operator)).toEqual(["Listing Alpha", "Listing Beta"]);
    expect(await names("q=listing&discipline=business", operator)).toEqual([]);
  });
});

describe("the overview", () => {
  it("counts the must-haves not assessed by both disciplines or infeasible for either, and shows the team by seat", async () => {
    const project = make("Overview counts");
    const say = (title: string, priority: "must" | "could" = "must") =>
      createRequirement({
        actor: actorOf(owner),
        projectId: project.id,
        title,
        description: "",
        target: "MAPE <= 10 %",
        priority,
      });
    const half = say("Half assessed");
    assessRequirement({
      actor: actorOf(scientist),
      requirementId: half.id,
      version: half.dsVersion,
      feasibility: "feasible",
      note: "",
      conditions: "",
    });
    const split = say("They disagree");
    assessRequirement({
      actor: actorOf(scientist),
      requirementId: split.id,
      version: split.dsVersion,
      feasibility: "feasible",
      note: "",
      conditions: "",
    });
    assessRequirement({
      actor: actorOf(operator),
      requirementId: split.id,
      version: split.itVersion,
      feasibility: "infeasible",
      note: "",
      conditions: "No GPU.",
    });
    const fine = say("Both fine");
    assessRequirement({
      actor: actorOf(scientist),
      requirementId: fine.id,
      version: fine.dsVersion,
      feasibility: "feasible",
      note: "",
      conditions: "",
    });
    assessRequirement({
      actor: actorOf(operator),
      requirementId: fine.id,
      version: fine.itVersion,
      feasibility: "feasible",
      note: "",
      conditions: "",
    });
    say("Later maybe", "could");

    const page = await callLoader(overviewRoute.loader, overview(project.slug), {
      params: { slug: project.slug },
      cookie: signInAs(outsider),
    });
    expect(page.data.mismatches).toBe(2);
    expect(page.data.team.map((m: { name: string; discipline: string }) => [m.discipline, m.name])).toEqual([
      ["business", "Brigitte Business"],
      ["data_science", "Farid Science"],
      ["it", "Olga Operations"],
    ]);
  });
});

describe("hold, resume, stop and retire", () => {
  const post = (slug: string, who: TestUser, form: Record<string, string>) =>
    callAction(overviewRoute.action, overview(slug), { params: { slug }, cookie: signInAs(who), form });
  const version = (id: number) => String(getProject(id)!.version);

  it("the owner puts a project on hold and resumes it, one activity row each", async () => {
    const project = make("Hold me");
    let since = lastActivityId();
    expect((await post(project.slug, owner, { intent: "hold", version: version(project.id) })).status).toBe(302);
    expect(getProject(project.id)!.state).toBe("on_hold");
    expect(activitySince(since).map((a) => a.action)).toEqual(["project.state_changed"]);
    since = lastActivityId();
    expect((await post(project.slug, owner, { intent: "resume", version: version(project.id) })).status).toBe(302);
    expect(getProject(project.id)!.state).toBe("active");
    expect(activitySince(since).map((a) => a.action)).toEqual(["project.state_changed"]);
  });

  it("a member who is not the owner, and an outsider, get 403; an admin may", async () => {
    const project = make("Not yours");
    const before = { activity: countRows("activity"), project: getProject(project.id) };
    for (const who of [scientist, outsider]) {
      const result = await post(project.slug, who, { intent: "hold", version: version(project.id) });
      expect(result).toMatchObject({ status: 403, thrown: true });
    }
    expect(countRows("activity")).toBe(before.activity);
    expect(getProject(project.id)).toEqual(before.project);

    expect((await post(project.slug, admin, { intent: "hold", version: version(project.id) })).status).toBe(302);
    expect(getProject(project.id)!.state).toBe("on_hold");
  });

  it("stopping needs a cause and a note; then it is recorded, withdraws the open review and freezes the project", async () => {
    const project = make("Stop me");
    openReview({ actor: actorOf(owner), projectId: project.id, statement: "The team is ready for this gate." });
    const before = { activity: countRows("activity"), project: getProject(project.id) };

    const refused = await post(project.slug, owner, {
      intent: "stop",
      version: version(project.id),
      stopCause: "",
      stopNote: "",
    });
    expect(refused.status).toBe(400);
    expect(Object.keys(refusalOf(refused.data).fieldErrors).sort()).toEqual(["stopCause", "stopNote"]);
    expect(countRows("activity")).toBe(before.activity);
    expect(getProject(project.id)).toEqual(before.project);

    const stopped = await post(project.slug, owner, {
      intent: "stop",
      version: version(project.id),
      stopCause: "data_access_quality",
      stopNote: "The sensor data never left the plant network.",
    });
    expect(stopped.status).toBe(302);
    expect(getProject(project.id)).toMatchObject({
      state: "stopped",
      stopCause: "data_access_quality",
      stopNote: "The sensor data never left the plant network.",
      // "days in stage" stop counting here (tests/integration/lifecycle.test.ts)
      closedAt: expect.any(Number),
    });
    expect(getOpenReview(project.id)).toBeNull();
    expect(countRows("activity")).toBe(before.activity + 1);

    // read-only now: no resume, no new requirements
    const resume = await post(project.slug, owner, { intent: "resume", version: version(project.id) });
    expect(resume.status).toBe(409);
    expect(refusalOf(resume.data).formError).toMatch(/an admin can reopen it with a reason/);
    expect(() =>
      createRequirement({
        actor: actorOf(owner),
        projectId: project.id,
        title: "Late wish",
        description: "",
        target: "y >= 2",
        priority: "could",
      }),
    ).toThrow(/stopped/);
    expect(getProject(project.id)!.state).toBe("stopped");
  });

  it("retiring is only for a project in production", async () => {
    const project = make("Retire me");
    const before = countRows("activity");
    const early = await post(project.slug, owner, { intent: "retire", version: version(project.id) });
    expect(early.status).toBe(409);
    expect(refusalOf(early.data).formError).toMatch(/Only a project in production can be retired/);
    expect(countRows("activity")).toBe(before);
    expect(getProject(project.id)!.state).toBe("active");

    promoteOnce(project.id);
    expect((await post(project.slug, owner, { intent: "retire", version: version(project.id) })).status).toBe(409);
    promoteOnce(project.id);
    expect(getProject(project.id)!.stage).toBe("production");

    expect((await post(project.slug, scientist, { intent: "retire", version: version(project.id) })).status).toBe(403);
    expect((await post(project.slug, owner, { intent: "retire", version: version(project.id) })).status).toBe(302);
    expect(getProject(project.id)).toMatchObject({
      stage: "production",
      state: "retired",
      closedAt: expect.any(Number),
    });
    expect(listTeam(project.id)).toHaveLength(3);
  });
});
