/**
 * The gate dossier (issue 5, item 3) and the stage history (item 2): what an auditor gets for
 * a review is what stood when it closed, whatever changed afterwards; a review of another
 * project is not found; anonymous visitors are sent to sign in. The history page lists the
 * stages with their dates, in order.
 *
 * Format 2 (accountable sign-off): each sign-off with its own standing and what changed since
 * it was given, dismissals with who and why, both feasibility verdicts per requirement, the
 * opening statement, the conversation, and one content fingerprint per discipline. A closing
 * snapshot from before migration 0003 is still read (one fingerprint, one verdict).
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as dossierJsonRoute from "~/routes/projects.$slug.gate.$reviewId.dossier[.]json";
import * as dossierRoute from "~/routes/projects.$slug.gate.$reviewId.dossier";
import * as historyRoute from "~/routes/projects.$slug.history";
import { createDebtItem, getDebtItem, updateDebtItem } from "~/models/debt.server";
import { stageHistory, type GateDossier, type StageEvent } from "~/models/dossier.server";
import { attest, dismissChangesRequest, getReview, openReview, promote, signOff } from "~/models/gates.server";
import { changeProjectState, createProject, getProject } from "~/models/projects.server";
import { assessRequirement, createRequirement, getRequirement, updateRequirement } from "~/models/requirements.server";
import { addComment, editComment } from "~/models/review-comments.server";
import { addMember } from "~/models/team.server";
import type { Actor } from "~/models/users.server";
import { resetDatabase, sqlite } from "../support/database";
import { callLoader } from "../support/requests";
import { createTestUser, signInAs, type TestUser } from "../support/users";

const actorOf = (u: TestUser): Actor => ({
  id: u.id,
  name: u.name,
  role: u.role,
  discipline: u.discipline,
  via: "web",
});

type People = { business: TestUser; scientist: TestUser; operator: TestUser; reader: TestUser };
let people: People;
let worlds = 0;

const OLD_TITLE = "Warn before a press fails";
const OLD_TARGET = "warn >= 48 h ahead, precision >= 0.8";
const EVIDENCE = "https://wiki.example.com/privacy/press-line";
const STATEMENT = "Six months of sensor data and a working model: ready to try it on one line.";

/**
 * A project at PoC with a must-have assessed feasible by data science and IT, and a review to
 * pilot, every attestation ticked.
 */
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
  assessRequirement({
    actor: actorOf(scientist),
    requirementId: stated.id,
    feasibility: "feasible",
    note: "Two years of labelled failures.",
    conditions: "",
  });
  const requirement = assessRequirement({
    actor: actorOf(operator),
    requirementId: stated.id,
    feasibility: "feasible",
    note: "Sensors sample at 1 Hz; enough.",
    conditions: "",
  });
  const review = openReview({ actor: actorOf(business), projectId: project.id, statement: STATEMENT });
  for (const c of getReview(review.id)!.criteria.filter((c) => c.kind === "attestation")) {
    const evidenceUrl = c.key === "privacy_security_reviewed" ? EVIDENCE : null;
    attest({ actor: actorOf(scientist), reviewId: review.id, key: c.key, note: `Checked: ${c.label}`, evidenceUrl });
  }
  return { project, requirement, review };
}

/**
 * The full story of a gate: IT requests changes, data science approves with a condition
 * (logged as debt, which makes nobody's sign-off stale), business approves, IT revises its
 * verdict to "feasible with conditions" (business's approval goes stale: an IT verdict concerns
 * business and IT), the owner answers IT in the conversation, business renews, data science
 * and IT approve, and the owner promotes. Then the requirement is revised and new debt logged.
 */
function promotedProject() {
  const { business, scientist, operator } = people;
  const world = projectWithOpenReview();
  const reviewId = world.review.id;
  const objection = signOff({
    actor: actorOf(operator),
    reviewId,
    decision: "changes_requested",
    comment: "Name the on-call rota first.",
  });
  const conditional = signOff({
    actor: actorOf(scientist),
    reviewId,
    decision: "approve_with_conditions",
    comment: "Fine for a pilot.",
    conditions: [
      {
        title: "Automate the sensor join",
        register: "technical",
        targetDate: "2031-01-31",
        principalDays: 2,
        interestDays: 0.5,
      },
    ],
  });
  const conditionId = conditional.conditionIds[0];
  const condition = getDebtItem(conditionId)!;
  updateDebtItem({
    actor: actorOf(scientist),
    itemId: conditionId,
    version: condition.version,
    plan: {
      strategy: "Rewrite the notebook join as a tested job.",
      targetDate: "2031-01-31",
      repayBeforeStage: condition.repayBeforeStage,
    },
  });
  signOff({ actor: actorOf(business), reviewId, decision: "approve", comment: "The business case holds." });
  assessRequirement({
    actor: actorOf(operator),
    requirementId: world.requirement.id,
    feasibility: "feasible_with_conditions",
    note: "Sensors sample at 1 Hz; enough.",
    conditions: "A named on-call rota for the line PC.",
  });
  const question = addComment({
    actor: actorOf(business),
    reviewId,
    body: "Is the rota from https://wiki.example.com/rota enough?",
    replyToSignOffId: objection.id,
  });
  editComment({
    actor: actorOf(business),
    commentId: question.id,
    body: "Is the rota at https://wiki.example.com/rota enough, @Olga?",
    version: question.version,
  });
  signOff({ actor: actorOf(business), reviewId, decision: "approve", comment: "Seen IT's condition." });
  signOff({ actor: actorOf(scientist), reviewId, decision: "approve", comment: "Plan for the condition agreed." });
  signOff({ actor: actorOf(operator), reviewId, decision: "approve", comment: "On-call rota named." });
  promote({ actor: actorOf(business), reviewId });

  // After the review closed: the requirement is revised, more debt is logged.
  updateRequirement({
    actor: actorOf(business),
    requirementId: world.requirement.id,
    version: getRequirement(world.requirement.id)!.version,
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
  return { ...world, conditionId, objectionId: objection.id };
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
    expect(response.headers.get("Content-Disposition")).toMatch(
      /^inline; filename="triad-.+-gate-review-\d+-dossier\.json"$/,
    );
    expect(dossier.format).toBe("triad.gate-dossier/2");
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
      statement: STATEMENT,
      requiredApprovals: 1,
      blockers: [],
    });
    expect(dossier.review.closedAt).toBeGreaterThanOrEqual(dossier.review.openedAt);
    // One fingerprint per discipline: each signs for its own concerns.
    const fingerprints = dossier.review.contentFingerprints!;
    expect(Object.keys(fingerprints).sort()).toEqual(["business", "data_science", "it"]);
    for (const f of Object.values(fingerprints)) expect(f).toMatch(/^[0-9a-f]{64}$/);
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
      "no_open_debt_due_before_pilot",
    ]);
    expect(dossier.criteria.every((c) => c.met && c.detail.length > 0)).toBe(true);
    for (const c of dossier.criteria.filter((c) => c.kind === "attestation")) {
      expect(c.attestation).toMatchObject({ byName: "Farid Science", note: `Checked: ${c.label}` });
      expect(c.attestation!.at).toBeTypeOf("number");
    }
    expect(dossier.criteria.find((c) => c.key === "privacy_security_reviewed")!.attestation!.evidenceUrl).toBe(
      EVIDENCE,
    );
    expect(dossier.criteria.find((c) => c.key === "ml_engineer_on_team")!.attestation!.evidenceUrl).toBeNull();
    expect(dossier.criteria.filter((c) => c.kind === "auto").every((c) => c.attestation === null)).toBe(true);
  });

  it("holds the three sign-offs that counted, each with its own standing and fingerprint, and the earlier ones", () => {
    const counted = dossier.signOffs.filter((s) => s.status === "current");
    expect(counted.map((s) => [s.discipline, s.signer.name, s.decision, s.standing, s.changes, s.dismissal])).toEqual([
      ["business", "Brigitte Business", "approve", "approved", [], null],
      ["data_science", "Farid Science", "approve", "approved", [], null],
      ["it", "Olga Operations", "approve", "approved", [], null],
    ]);
    for (const s of counted) {
      expect(s.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(s.fingerprint).toBe(dossier.review.contentFingerprints![s.discipline]);
      expect(s.matchesContentFingerprint).toBe(true);
      expect(s.comment).not.toBe("");
      expect(s.signedAt).toBeTypeOf("number");
    }
    const earlier = dossier.signOffs.filter((s) => s.status !== "current");
    expect(earlier.map((s) => [s.discipline, s.decision, s.standing, s.comment, s.matchesContentFingerprint])).toEqual([
      // Signed before IT's verdict changed, which concerns business: it differs from the closing content.
      ["business", "approve", "superseded", "The business case holds.", false],
      // Nothing data science looks at changed after it: the condition's plan concerns nobody.
      ["data_science", "approve_with_conditions", "superseded", "Fine for a pilot.", true],
      ["it", "changes_requested", "superseded", "Name the on-call rota first.", false],
    ]);
    expect(earlier.every((s) => s.endedAt !== null)).toBe(true);
    expect(dossier.panels).toEqual([
      { discipline: "business", status: "approved", approvals: 1 },
      { discipline: "data_science", status: "approved", approvals: 1 },
      { discipline: "it", status: "approved", approvals: 1 },
    ]);
  });

  it("keeps the conversation, with the reply, the mention and the earlier wording", () => {
    expect(dossier.comments).toEqual([
      {
        id: expect.any(Number),
        author: { id: people.business.id, name: "Brigitte Business" },
        at: expect.any(Number),
        body: "Is the rota at https://wiki.example.com/rota enough, @Olga?",
        replyToSignOffId: world.objectionId,
        editedAt: expect.any(Number),
        mentions: ["Olga Operations"],
        earlierWordings: [
          { body: "Is the rota from https://wiki.example.com/rota enough?", replacedAt: expect.any(Number) },
        ],
      },
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

  it("keeps the requirements with both verdicts and the debt as they stood at closing, not as they are now", () => {
    expect(dossier.requirements).toEqual([
      {
        id: world.requirement.id,
        title: OLD_TITLE,
        target: OLD_TARGET,
        description: "From the vibration sensors.",
        priority: "must",
        status: "active",
        feasibility: "feasible_with_conditions",
        verdicts: {
          data_science: { feasibility: "feasible", conditions: null, note: "Two years of labelled failures." },
          it: {
            feasibility: "feasible_with_conditions",
            conditions: "A named on-call rota for the line PC.",
            note: "Sensors sample at 1 Hz; enough.",
          },
        },
      },
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
      principalDays: 2,
      interestDays: 0.5,
    });
  });

  it("gives the printable page the same data", async () => {
    const page = await callLoader<{ dossier: GateDossier }>(
      dossierRoute.loader,
      dossierUrl(world.project.slug, world.review.id),
      {
        cookie: signInAs(people.reader),
        params: { slug: world.project.slug, reviewId: String(world.review.id) },
      },
    );
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
    expect(data.review).toMatchObject({ status: "open", closedAt: null, closedBy: null, statement: STATEMENT });
    expect(data.review.blockers).toEqual(expect.arrayContaining([expect.stringMatching(/has not signed off/)]));
    expect(data.signOffs).toEqual([
      expect.objectContaining({ discipline: "business", standing: "approved", matchesContentFingerprint: true }),
    ]);
    expect(data.panels.map((p) => p.status)).toEqual(["approved", "missing", "missing"]);
  });

  it("a stale sign-off says what changed since it was given; one of another discipline stays current", async () => {
    const { project, review, requirement } = projectWithOpenReview();
    for (const who of [people.business, people.scientist, people.operator]) {
      signOff({ actor: actorOf(who), reviewId: review.id, decision: "approve", comment: "" });
    }
    assessRequirement({
      actor: actorOf(people.operator),
      requirementId: requirement.id,
      feasibility: "feasible_with_conditions",
      note: "",
      conditions: "Runs on the line PC only after its upgrade.",
    });
    const { data } = await readDossierJson(project.slug, review.id);
    const byDiscipline = Object.fromEntries(data.signOffs.map((s) => [s.discipline, s]));
    // An IT verdict concerns business and IT, not data science.
    expect(byDiscipline.data_science).toMatchObject({
      standing: "approved",
      changes: [],
      matchesContentFingerprint: true,
    });
    for (const d of ["business", "it"]) {
      expect(byDiscipline[d]).toMatchObject({ standing: "stale", matchesContentFingerprint: false });
      expect(byDiscipline[d].changes).toEqual([
        expect.stringMatching(
          new RegExp(
            `^IT operations.* verdict on “${OLD_TITLE}” changed from feasible to feasible with conditions\\.$`,
          ),
        ),
      ]);
    }
    expect(data.panels.map((p) => [p.status, p.approvals])).toEqual([
      ["stale", 0],
      ["approved", 1],
      ["stale", 0],
    ]);
  });

  it("a dismissed request for changes names who dismissed it and why", async () => {
    const { project, review } = projectWithOpenReview();
    const objection = signOff({
      actor: actorOf(people.operator),
      reviewId: review.id,
      decision: "changes_requested",
      comment: "Wait for the new PC.",
    });
    dismissChangesRequest({
      actor: actorOf(people.business),
      reviewId: review.id,
      signOffId: objection.id,
      reason: "The old PC is enough for a pilot.",
    });
    const { data } = await readDossierJson(project.slug, review.id);
    expect(data.signOffs).toEqual([
      expect.objectContaining({
        id: objection.id,
        standing: "dismissed",
        dismissal: { at: expect.any(Number), byName: "Brigitte Business", reason: "The old PC is enough for a pilot." },
      }),
    ]);
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
    expect(data.review.contentFingerprints?.it).toMatch(/^[0-9a-f]{64}$/);
    expect(data.signOffs).toEqual([expect.objectContaining({ discipline: "it", matchesContentFingerprint: true })]);
    expect(data.requirements.map((r) => r.title)).toEqual([OLD_TITLE]);
  });
});

describe("a dossier from a closing snapshot of format 1 (before migration 0003)", () => {
  it("shows the one fingerprint, the one verdict and each panel's status as they were recorded", async () => {
    const { review, project } = promotedProject();
    const stored = JSON.parse(
      (
        sqlite().prepare("select closing_snapshot from gate_reviews where id = ?").get(review.id) as {
          closing_snapshot: string;
        }
      ).closing_snapshot,
    );
    // What Triad stored before per-discipline fingerprints and verdicts.
    const legacy = {
      fingerprint: "a".repeat(64),
      criteria: stored.criteria,
      panels: stored.panels.map((p: { discipline: string; status: string }) => ({
        discipline: p.discipline,
        status: p.status,
      })),
      blockers: [],
      requirements: stored.requirements.map((r: Record<string, unknown>) => ({
        id: r.id,
        title: r.title,
        description: r.description,
        target: r.target,
        priority: r.priority,
        status: r.status,
        feasibility: "feasible",
        feasibilityNote: "Sensors sample at 1 Hz; enough.",
        conditions: "",
      })),
      debtItems: stored.debtItems,
    };
    sqlite()
      .prepare("update gate_reviews set closing_snapshot = ? where id = ?")
      .run(JSON.stringify(legacy), review.id);
    const { status, data } = await readDossierJson(project.slug, review.id);
    expect(status).toBe(200);
    expect(data.content).toBe("closing_snapshot");
    expect(data.review.contentFingerprints).toEqual({ all: "a".repeat(64) });
    expect(data.requirements[0].verdicts).toEqual({
      legacy: { feasibility: "feasible", conditions: null, note: "Sensors sample at 1 Hz; enough." },
    });
    const counted = data.signOffs.filter((s) => s.status === "current");
    expect(counted.map((s) => [s.discipline, s.standing, s.changes, s.matchesContentFingerprint])).toEqual([
      ["business", "approved", [], false],
      ["data_science", "approved", [], false],
      ["it", "approved", [], false],
    ]);
    expect(data.panels.map((p) => p.approvals)).toEqual([null, null, null]);
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
  ] as const)(
    "the %s answers 404 for a review of another project or no review at all",
    async (_name, loader, suffix) => {
      for (const reviewId of [String(b.review.id), "999999", "abc", "-1"]) {
        const result = await callLoader(loader, `${dossierUrl(a.project.slug, 1)}${suffix}`, {
          cookie: signInAs(people.reader),
          params: { slug: a.project.slug, reviewId },
        });
        expect([reviewId, result.status, result.thrown]).toEqual([reviewId, 404, true]);
      }
    },
  );

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
    changeProjectState({
      actor: actorOf(people.business),
      projectId: world.project.id,
      version: version(),
      change: { to: "on_hold" },
    });
    changeProjectState({
      actor: actorOf(people.business),
      projectId: world.project.id,
      version: version(),
      change: { to: "active" },
    });
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
    const result = await callLoader(historyRoute.loader, `/projects/${project.slug}/history`, {
      params: { slug: project.slug },
    });
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
      event(5, 150, {
        action: "project.state_changed",
        fromState: "active",
        toState: "stopped",
        stopCause: "privacy_security",
      }),
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
