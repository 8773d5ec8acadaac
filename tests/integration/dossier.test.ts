/**
 * The gate dossier (issue 5, item 3) and the stage history (item 2): what an auditor gets for
 * a review is what stood when it closed, whatever changed afterwards; a review of another
 * project is not found; anonymous visitors are sent to sign in. The history page lists the
 * stages with their dates, in order.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as dossierJsonRoute from "~/routes/projects.$slug.gate.$reviewId.dossier[.]json";
import * as dossierRoute from "~/routes/projects.$slug.gate.$reviewId.dossier";
import * as historyRoute from "~/routes/projects.$slug.history";
import { createDebtItem, getDebtItem, updateDebtItem } from "~/models/debt.server";
import { stageHistory, type GateDossier, type StageEvent } from "~/models/dossier.server";
import { attest, getReview, openReview, promote, signOff } from "~/models/gates.server";
import { changeProjectState, createProject, getProject } from "~/models/projects.server";
import { assessRequirement, createRequirement, getRequirement, updateRequirement } from "~/models/requirements.server";
import { addMember } from "~/models/team.server";
import type { Actor } from "~/models/users.server";
import { resetDatabase } from "../support/database";
import { callLoader } from "../support/requests";
import { createTestUser, signInAs, type TestUser } from "../support/users";

const actorOf = (u: TestUser): Actor => ({ id: u.id, name: u.name, role: u.role, discipline: u.discipline, via: "web" });

type People = { business: TestUser; scientist: TestUser; operator: TestUser; reader: TestUser };
let people: People;
let worlds = 0;

const OLD_TITLE = "Warn before a press fails";
const OLD_TARGET = "warn >= 48 h ahead, precision >= 0.8";

/** A project at PoC with a must-have assessed feasible and a review to pilot, every attestation ticked. */
function projectWithOpenReview() {
  const { business, scientist, operator } = people;
  const project = createProject({
    actor: actorOf(business),
    name: `Press line ${++worlds}`,
    summary: "Warn 48 h before a press fails.",
    businessCase: "Unplanned stops cost 40 000 EUR each.",
    ownerId: business.id,
  });
  addMember({ actor: actorOf(business), projectId: project.id, userId: scientist.id, discipline: "data_science" });
  addMember({ actor: actorOf(business), projectId: project.id, userId: operator.id, discipline: "it" });
  const stated = createRequirement({
    actor: actorOf(business),
    projectId: project.id,
    title: OLD_TITLE,
    description: "From the vibration sensors.",
    target: OLD_TARGET,
    priority: "must",
  });
  const requirement = assessRequirement({
    actor: actorOf(operator),
    requirementId: stated.id,
    version: stated.version,
    feasibility: "feasible",
    note: "Sensors sample at 1 Hz; enough.",
    conditions: "",
  });
  const review = openReview({ actor: actorOf(business), projectId: project.id });
  for (const c of getReview(review.id)!.criteria.filter((c) => c.kind === "attestation")) {
    attest({ actor: actorOf(scientist), reviewId: review.id, key: c.key, note: `Checked: ${c.label}` });
  }
  return { project, requirement, review };
}

/**
 * The full story of a gate: IT requests changes, data science approves with a condition
 * (logged as debt), the condition gets a plan (so every sign-off goes stale), all three sign
 * again, and the owner promotes. Then the requirement is revised and new debt logged.
 */
function promotedProject() {
  const { business, scientist, operator } = people;
  const world = projectWithOpenReview();
  const reviewId = world.review.id;
  signOff({ actor: actorOf(operator), reviewId, decision: "changes_requested", comment: "Name the on-call rota first." });
  const conditional = signOff({
    actor: actorOf(scientist),
    reviewId,
    decision: "approve_with_conditions",
    comment: "Fine for a pilot.",
    conditions: [{ title: "Automate the sensor join", register: "technical", targetDate: "2031-01-31" }],
  });
  const conditionId = conditional.conditionIds[0];
  const condition = getDebtItem(conditionId)!;
  updateDebtItem({
    actor: actorOf(scientist),
    itemId: conditionId,
    version: condition.version,
    plan: { strategy: "Rewrite the notebook join as a tested job.", targetDate: "2031-01-31", repayBeforeStage: condition.repayBeforeStage },
  });
  signOff({ actor: actorOf(business), reviewId, decision: "approve", comment: "The business case holds." });
  signOff({ actor: actorOf(scientist), reviewId, decision: "approve", comment: "Plan for the condition agreed." });
  signOff({ actor: actorOf(operator), reviewId, decision: "approve", comment: "On-call rota named." });
  promote({ actor: actorOf(business), reviewId });

  // After the review closed: the requirement is revised, more debt is logged.
  updateRequirement({
    actor: actorOf(business),
    requirementId: world.requirement.id,
    version: world.requirement.version,
    title: "Warn 72 h before a press fails",
    description: "From the vibration and temperature sensors.",
    target: "warn >= 72 h ahead, precision >= 0.9",
    priority: "must",
  });
  createDebtItem({
    actor: actorOf(scientist),
    projectId: world.project.id,
    register: "technical",
    title: "Manual model retraining",
    description: "",
    category: "manual_steps",
    benefit: "Pilot on time.",
    stageIncurred: "pilot",
    severity: "medium",
    principalDays: 3,
    interestDays: 1,
    ownerId: scientist.id,
  });
  return { ...world, conditionId };
}

const dossierUrl = (slug: string, reviewId: number) => `/projects/${slug}/gate/${reviewId}/dossier`;

async function readDossierJson(slug: string, reviewId: number, user: TestUser = people.reader) {
  return callLoader<GateDossier>(dossierJsonRoute.loader, `${dossierUrl(slug, reviewId)}.json`, {
    cookie: signInAs(user),
    params: { slug, reviewId: String(reviewId) },
  });
}

beforeAll(async () => {
  resetDatabase();
  people = {
    business: await createTestUser({ name: "Brigitte Business", discipline: "business" }),
    scientist: await createTestUser({ name: "Farid Science", discipline: "data_science" }),
    operator: await createTestUser({ name: "Olga Operations", discipline: "it" }),
    // Not on any team: everyone in the organisation may read a dossier.
    reader: await createTestUser({ name: "Rita Reader", discipline: "business" }),
  };
});

describe("the dossier of a promoted review", () => {
  let world: ReturnType<typeof promotedProject>;
  let dossier: GateDossier;
  let response: Awaited<ReturnType<typeof readDossierJson>>;

  beforeAll(async () => {
    world = promotedProject();
    response = await readDossierJson(world.project.slug, world.review.id);
    dossier = response.data;
  });

  it("is JSON, shown inline", () => {
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(response.headers.get("Content-Disposition")).toMatch(/^inline; filename="triad-.+-gate-review-\d+-dossier\.json"$/);
    expect(dossier.format).toBe("triad.gate-dossier/1");
    expect(dossier.content).toBe("closing_snapshot");
  });

  it("names the project and the review", () => {
    expect(dossier.project).toMatchObject({
      name: world.project.name,
      slug: world.project.slug,
      businessCase: "Unplanned stops cost 40 000 EUR each.",
      owner: { id: people.business.id, name: "Brigitte Business" },
      stageWhenOpened: "poc",
      stageAfterClosing: "pilot",
      stageNow: "pilot",
      stateNow: "active",
    });
    expect(dossier.review).toMatchObject({
      id: world.review.id,
      fromStage: "poc",
      targetStage: "pilot",
      status: "promoted",
      openedBy: { id: people.business.id, name: "Brigitte Business" },
      closedBy: { id: people.business.id, name: "Brigitte Business" },
      blockers: [],
    });
    expect(dossier.review.closedAt).toBeGreaterThanOrEqual(dossier.review.openedAt);
    expect(dossier.review.contentFingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it("lists every criterion with its evidence", () => {
    expect(dossier.criteria.map((c) => c.key)).toEqual([
      "measurable_requirement",
      "musts_assessed_none_infeasible",
      "team_all_disciplines",
      "ml_engineer_on_team",
      "data_access_quality_assessed",
      "privacy_security_reviewed",
      "open_debt_has_plan",
    ]);
    expect(dossier.criteria.every((c) => c.met && c.detail.length > 0)).toBe(true);
    for (const c of dossier.criteria.filter((c) => c.kind === "attestation")) {
      expect(c.attestation).toMatchObject({ byName: "Farid Science", note: `Checked: ${c.label}` });
      expect(c.attestation!.at).toBeTypeOf("number");
    }
    expect(dossier.criteria.filter((c) => c.kind === "auto").every((c) => c.attestation === null)).toBe(true);
  });

  it("holds the three sign-offs that counted, with their full fingerprints, and the earlier ones", () => {
    const counted = dossier.signOffs.filter((s) => s.status === "current");
    expect(counted.map((s) => [s.discipline, s.signer.name, s.decision, s.standing])).toEqual([
      ["business", "Brigitte Business", "approve", "approved"],
      ["data_science", "Farid Science", "approve", "approved"],
      ["it", "Olga Operations", "approve", "approved"],
    ]);
    for (const s of counted) {
      expect(s.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(s.fingerprint).toBe(dossier.review.contentFingerprint);
      expect(s.matchesContentFingerprint).toBe(true);
      expect(s.comment).not.toBe("");
      expect(s.signedAt).toBeTypeOf("number");
    }
    const earlier = dossier.signOffs.filter((s) => s.status !== "current");
    expect(earlier.map((s) => [s.discipline, s.decision, s.standing, s.comment])).toEqual([
      ["data_science", "approve_with_conditions", "superseded", "Fine for a pilot."],
      ["it", "changes_requested", "superseded", "Name the on-call rota first."],
    ]);
    // Signed before the condition got its plan: their fingerprints differ from the closing content.
    expect(earlier.every((s) => s.matchesContentFingerprint === false && s.endedAt !== null)).toBe(true);
    expect(dossier.panels).toEqual([
      { discipline: "business", status: "approved" },
      { discipline: "data_science", status: "approved" },
      { discipline: "it", status: "approved" },
    ]);
  });

  it("lists the conditions logged as debt", () => {
    expect(dossier.conditions).toEqual([
      expect.objectContaining({
        id: world.conditionId,
        discipline: "data_science",
        register: "technical",
        title: "Automate the sensor join",
        targetDate: "2031-01-31",
        statusNow: "open",
      }),
    ]);
  });

  it("keeps the requirements and debt as they stood at closing, not as they are now", () => {
    expect(dossier.requirements).toEqual([
      expect.objectContaining({
        id: world.requirement.id,
        title: OLD_TITLE,
        target: OLD_TARGET,
        description: "From the vibration sensors.",
        feasibility: "feasible",
        feasibilityNote: "Sensors sample at 1 Hz; enough.",
      }),
    ]);
    // The edit after promotion did happen (and reset the assessment).
    expect(getRequirement(world.requirement.id)).toMatchObject({
      title: "Warn 72 h before a press fails",
      target: "warn >= 72 h ahead, precision >= 0.9",
      feasibility: "unassessed",
    });
    expect(dossier.debtItems.map((d) => d.title)).toEqual(["Automate the sensor join"]);
    expect(dossier.debtItems[0]).toMatchObject({
      strategy: "Rewrite the notebook join as a tested job.",
      owner: { id: people.scientist.id, name: "Farid Science" },
    });
  });

  it("gives the printable page the same data", async () => {
    const page = await callLoader<{ dossier: GateDossier }>(dossierRoute.loader, dossierUrl(world.project.slug, world.review.id), {
      cookie: signInAs(people.reader),
      params: { slug: world.project.slug, reviewId: String(world.review.id) },
    });
    expect(page.status).toBe(200);
    const { generatedAt: _a, ...fromPage } = page.data.dossier;
    const { generatedAt: _b, ...fromJson } = dossier;
    expect(fromPage).toEqual(fromJson);
  });
});

describe("dossiers of reviews still open or closed without a snapshot", () => {
  it("an open review is evaluated live and says so", async () => {
    const { project, review } = projectWithOpenReview();
    signOff({ actor: actorOf(people.business), reviewId: review.id, decision: "approve", comment: "" });
    const { status, data } = await readDossierJson(project.slug, review.id);
    expect(status).toBe(200);
    expect(data.content).toBe("live");
    expect(data.project.stageAfterClosing).toBeNull();
    expect(data.review).toMatchObject({ status: "open", closedAt: null, closedBy: null });
    expect(data.review.blockers).toEqual(expect.arrayContaining([expect.stringMatching(/has not signed off/)]));
    expect(data.signOffs).toEqual([expect.objectContaining({ discipline: "business", standing: "approved", matchesContentFingerprint: true })]);
    expect(data.panels.map((p) => p.status)).toEqual(["approved", "missing", "missing"]);
  });

  it("a review withdrawn because the project stopped keeps its content as it stood then", async () => {
    const { project, review } = projectWithOpenReview();
    signOff({ actor: actorOf(people.operator), reviewId: review.id, decision: "approve", comment: "" });
    changeProjectState({
      actor: actorOf(people.business),
      projectId: project.id,
      version: getProject(project.id)!.version,
      change: { to: "stopped", stopCause: "too_few_engineers", stopNote: "No ML engineer to be hired this year." },
    });
    const { data } = await readDossierJson(project.slug, review.id);
    expect(data.content).toBe("closing_snapshot");
    expect(data.review.status).toBe("withdrawn");
    expect(data.review.closeNote).toBe("Project stopped");
    expect(data.review.contentFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(data.signOffs).toEqual([expect.objectContaining({ discipline: "it", matchesContentFingerprint: true })]);
    expect(data.requirements.map((r) => r.title)).toEqual([OLD_TITLE]);
  });
});

describe("who may read which dossier", () => {
  let a: ReturnType<typeof projectWithOpenReview>;
  let b: ReturnType<typeof projectWithOpenReview>;

  beforeAll(() => {
    a = projectWithOpenReview();
    b = projectWithOpenReview();
  });

  it.each([
    ["JSON", dossierJsonRoute.loader, ".json"],
    ["page", dossierRoute.loader, ""],
  ] as const)("the %s answers 404 for a review of another project or no review at all", async (_name, loader, suffix) => {
    for (const reviewId of [String(b.review.id), "999999", "abc", "-1"]) {
      const result = await callLoader(loader, `${dossierUrl(a.project.slug, 1)}${suffix}`, {
        cookie: signInAs(people.reader),
        params: { slug: a.project.slug, reviewId },
      });
      expect([reviewId, result.status, result.thrown]).toEqual([reviewId, 404, true]);
    }
  });

  it.each([
    ["JSON", dossierJsonRoute.loader, ".json"],
    ["page", dossierRoute.loader, ""],
  ] as const)("the %s sends an anonymous visitor to sign in", async (_name, loader, suffix) => {
    const url = `${dossierUrl(a.project.slug, a.review.id)}${suffix}`;
    const result = await callLoader(loader, url, { params: { slug: a.project.slug, reviewId: String(a.review.id) } });
    expect(result.status).toBe(302);
    expect(result.location).toBe(`/login?redirectTo=${encodeURIComponent(url)}`);
  });
});

describe("stage history", () => {
  it("the loader returns the stages with their dates, in order, and the state changes", async () => {
    const world = promotedProject();
    const version = () => getProject(world.project.id)!.version;
    changeProjectState({ actor: actorOf(people.business), projectId: world.project.id, version: version(), change: { to: "on_hold" } });
    changeProjectState({ actor: actorOf(people.business), projectId: world.project.id, version: version(), change: { to: "active" } });
    const slug = world.project.slug;
    const { status, data } = await callLoader(historyRoute.loader, `/projects/${slug}/history`, {
      cookie: signInAs(people.reader),
      params: { slug },
    });
    expect(status).toBe(200);
    expect(data.stages.map((s: { stage: string; leftFor: string | null }) => [s.stage, s.leftFor])).toEqual([
      ["poc", "pilot"],
      ["pilot", null],
    ]);
    const [poc, pilot] = data.stages;
    const project = getProject(world.project.id)!;
    expect(poc.enteredAt).toBe(project.createdAt);
    expect(poc.leftAt).toBe(pilot.enteredAt);
    expect(pilot.enteredAt).toBe(project.stageEnteredAt);
    expect(pilot.leftAt).toBeNull();
    expect(poc.enteredAt).toBeLessThanOrEqual(pilot.enteredAt);
    expect(data.events.map((e: StageEvent) => [e.action, e.fromStage ?? e.fromState, e.toStage ?? e.toState])).toEqual([
      ["project.created", null, "poc"],
      ["project.stage_changed", "poc", "pilot"],
      ["project.state_changed", "active", "on_hold"],
      ["project.state_changed", "on_hold", "active"],
    ]);
    expect(data.events[1].reviewId).toBe(world.review.id);
  });

  it("anonymous visitors are sent to sign in", async () => {
    const { project } = projectWithOpenReview();
    const result = await callLoader(historyRoute.loader, `/projects/${project.slug}/history`, { params: { slug: project.slug } });
    expect(result.status).toBe(302);
    expect(result.location).toMatch(/^\/login\?redirectTo=/);
  });

  it("derives intervals and days from hand-made events, ending a stopped project's last stage", () => {
    const DAY = 86_400_000;
    const t0 = Date.UTC(2024, 0, 1);
    const event = (id: number, day: number, rest: Partial<StageEvent>): StageEvent => ({
      id,
      at: t0 + day * DAY,
      action: "project.stage_changed",
      actorName: null,
      summary: "",
      fromStage: null,
      toStage: null,
      fromState: null,
      toState: null,
      stopCause: null,
      stopNote: null,
      reviewId: null,
      ...rest,
    });
    const events = [
      event(1, 0, { action: "project.created", toStage: "poc" }),
      event(2, 30, { action: "project.state_changed", fromState: "active", toState: "on_hold" }),
      event(3, 40, { action: "project.state_changed", fromState: "on_hold", toState: "active" }),
      event(4, 90, { fromStage: "poc", toStage: "pilot" }),
      event(5, 150, { action: "project.state_changed", fromState: "active", toState: "stopped", stopCause: "privacy_security" }),
    ];
    expect(stageHistory(1, events, t0 + 400 * DAY)).toEqual([
      { stage: "poc", enteredAt: t0, leftAt: t0 + 90 * DAY, leftFor: "pilot", days: 90 },
      { stage: "pilot", enteredAt: t0 + 90 * DAY, leftAt: t0 + 150 * DAY, leftFor: "stopped", days: 60 },
    ]);
    // Still running: the current stage counts up to now.
    expect(stageHistory(1, events.slice(0, 4), t0 + 100 * DAY).at(-1)).toEqual({
      stage: "pilot",
      enteredAt: t0 + 90 * DAY,
      leftAt: null,
      leftFor: null,
      days: 10,
    });
  });
});
