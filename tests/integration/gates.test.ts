/**
 * Gate reviews (docs/domain.md, "Gate reviews" and "Sign-off rules"): no promotion without an
 * approval that counts from each discipline and every criterion met; no sign-off by a
 * non-member, an admin or the wrong discipline; a sign-off goes stale when what concerns its
 * discipline changes; the organisation's checklist and the criteria an open review keeps.
 * The finer sign-off rules (several members per discipline, dismissals, the concern table
 * row by row) are in signoff-rules.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as adminGatesRoute from "~/routes/admin.gates";
import * as gateRoute from "~/routes/projects.$slug.gate._index";
import * as teamRoute from "~/routes/projects.$slug.team";
import { ConflictError, ForbiddenError } from "~/domain/errors";
import * as debt from "~/models/debt.server";
import { addAttestation, listTemplates, setTemplateActive } from "~/models/gate-templates.server";
import { attest, getOpenReview, getReview, openReview, promote, signOff } from "~/models/gates.server";
import { changeProjectState, createProject, getProject, updateProject } from "~/models/projects.server";
import { assessRequirement, createRequirement, updateRequirement } from "~/models/requirements.server";
import { addMember, NeedsConfirmation, removeMember } from "~/models/team.server";
import type { Actor } from "~/models/users.server";
import { countRows, sqlite } from "../support/database";
import { callAction, callLoader, refusalOf } from "../support/requests";
import { createAdmin, createTestUser, signInAs, type TestUser } from "../support/users";

// ---------- a project ready for its gate to pilot ----------

const actorOf = (u: TestUser): Actor => ({
  id: u.id,
  name: u.name,
  role: u.role,
  discipline: u.discipline,
  via: "web",
});

type People = { business: TestUser; scientist: TestUser; operator: TestUser; outsider: TestUser; admin: TestUser };
let people: People;

beforeAll(async () => {
  people = {
    business: await createTestUser({ name: "Brigitte Business", discipline: "business" }),
    scientist: await createTestUser({ name: "Farid Science", discipline: "data_science" }),
    operator: await createTestUser({ name: "Olga Operations", discipline: "it" }),
    outsider: await createTestUser({ name: "Otto Outsider", discipline: "data_science" }),
    admin: await createAdmin({ name: "Ada Admin", discipline: "data_science" }),
  };
});

const cookie = (u: TestUser) => signInAs(u);

let worlds = 0;

/**
 * A project with a business owner, a data scientist and an IT operator; one must-have
 * requirement stated and assessed feasible by both data science and IT operations; a review
 * to pilot open with every attestation ticked. Only the three sign-offs are missing.
 */
function readyProject() {
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
  const requirement = createRequirement({
    actor: actorOf(business),
    projectId: project.id,
    title: "Warn before a failure",
    description: "From the vibration sensors.",
    target: "warn >= 48 h ahead, precision >= 0.8",
    priority: "must",
  });
  assessRequirement({
    actor: actorOf(scientist),
    requirementId: requirement.id,
    version: requirement.dsVersion,
    feasibility: "feasible",
    note: "A year of history; enough.",
    conditions: "",
  });
  const assessed = assessRequirement({
    actor: actorOf(operator),
    requirementId: requirement.id,
    version: requirement.itVersion,
    feasibility: "feasible",
    note: "Sensors sample at 1 Hz; enough.",
    conditions: "",
  });
  const review = openReview({
    actor: actorOf(business),
    projectId: project.id,
    statement: "The team is ready for this gate.",
  });
  const attestations = getReview(review.id)!.criteria.filter((c) => c.kind === "attestation");
  const byDiscipline = { business, data_science: scientist, it: operator };
  for (const c of attestations) {
    const who = c.discipline ? byDiscipline[c.discipline] : scientist;
    attest({ actor: actorOf(who), reviewId: review.id, key: c.key, note: `Checked: ${c.label}` });
  }
  return { project, requirement: assessed, review, attestationKeys: attestations.map((c) => c.key) };
}

type Ready = ReturnType<typeof readyProject>;

const signer = { business: () => people.business, data_science: () => people.scientist, it: () => people.operator };

function approve(world: Ready, discipline: keyof typeof signer, comment = "") {
  return signOff({ actor: actorOf(signer[discipline]()), reviewId: world.review.id, decision: "approve", comment });
}

function approveAll(world: Ready) {
  approve(world, "business");
  approve(world, "data_science");
  approve(world, "it");
}

const panel = (world: Ready, discipline: keyof typeof signer) =>
  getReview(world.review.id)!.panels.find((p) => p.discipline === discipline)!;

function snapshot(world: Ready) {
  const project = getProject(world.project.id)!;
  const review = sqlite().prepare("select status from gate_reviews where id = ?").get(world.review.id) as {
    status: string;
  };
  return {
    stage: project.stage,
    version: project.version,
    reviewStatus: review.status,
    activity: countRows("activity"),
    signOffs: countRows("sign_offs"),
  };
}

function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

const signForm = (world: Ready, fields: Record<string, string>) => ({
  params: { slug: world.project.slug },
  form: { intent: "sign", reviewId: String(world.review.id), decision: "approve", comment: "", ...fields },
});

// ---------- promotion ----------

describe("promotion needs three current approvals and every criterion met", () => {
  it("with two approvals it is refused, the blockers name the missing discipline, and nothing changes", async () => {
    const world = readyProject();
    approve(world, "business");
    approve(world, "data_science");
    const before = snapshot(world);

    const error = caught(() => promote({ actor: actorOf(people.business), reviewId: world.review.id }));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).details).toEqual(["IT operations has not signed off."]);
    expect(snapshot(world)).toEqual(before);

    // the same through the page: 409 with the list of what is missing
    const result = await callAction(gateRoute.action, `/projects/${world.project.slug}/gate`, {
      params: { slug: world.project.slug },
      cookie: cookie(people.scientist),
      form: { intent: "promote", reviewId: String(world.review.id) },
    });
    expect(result.status).toBe(409);
    expect(result.data.blockers).toEqual(["IT operations has not signed off."]);
    expect(snapshot(world)).toEqual(before);

    // and the page says the same before anyone tries
    const page = await callLoader(gateRoute.loader, `/projects/${world.project.slug}/gate`, {
      params: { slug: world.project.slug },
      cookie: cookie(people.operator),
    });
    expect(page.data.review.canPromote).toBe(false);
    expect(page.data.review.blockers).toEqual(["IT operations has not signed off."]);
    expect(page.data.review.panels.map((p: { status: string }) => p.status)).toEqual([
      "approved",
      "approved",
      "missing",
    ]);
  });

  it("a changes_requested sign-off blocks promotion", () => {
    const world = readyProject();
    approve(world, "business");
    approve(world, "data_science");
    signOff({
      actor: actorOf(people.operator),
      reviewId: world.review.id,
      decision: "changes_requested",
      comment: "No runbook for the nightly job yet.",
    });
    expect(panel(world, "it").status).toBe("changes_requested");
    const before = snapshot(world);

    const error = caught(() =>
      promote({ actor: actorOf(people.operator), reviewId: world.review.id }),
    ) as ConflictError;
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.details).toEqual([
      "Olga Operations requested changes for IT operations; Olga Operations must renew the sign-off, or the project owner must dismiss the request with a reason.",
    ]);
    expect(snapshot(world)).toEqual(before);
  });

  it("an unmet criterion blocks promotion even with three approvals", () => {
    const world = readyProject();
    attest({
      actor: actorOf(people.scientist),
      reviewId: world.review.id,
      key: "privacy_security_reviewed",
      note: "",
      clear: true,
    });
    approveAll(world);
    const before = snapshot(world);
    const error = caught(() =>
      promote({ actor: actorOf(people.business), reviewId: world.review.id }),
    ) as ConflictError;
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.details).toHaveLength(1);
    expect(error.details[0]).toMatch(/^Criterion not met: Privacy and security have been reviewed — Not yet attested/);
    expect(snapshot(world)).toEqual(before);
  });

  it("an approval with conditions counts: its conditions become planned debt, and the others' approvals stay current", () => {
    const world = readyProject();
    approve(world, "business");
    approve(world, "it");
    signOff({
      actor: actorOf(people.scientist),
      reviewId: world.review.id,
      decision: "approve_with_conditions",
      comment: "Fine for a pilot.",
      conditions: [{ title: "Automate the data quality checks", register: "technical", targetDate: null }],
    });
    // a signer's own conditions concern nobody else (docs/domain.md, the concern table)
    const view = getReview(world.review.id)!;
    const conditions = sqlite()
      .prepare("select title, status, sign_off_id from debt_items where project_id = ?")
      .all(world.project.id);
    expect(conditions).toEqual([
      { title: "Automate the data quality checks", status: "open", sign_off_id: view.panels[1].signOff!.id },
    ]);
    expect(view.panels.map((p) => p.status)).toEqual(["approved", "approved_with_conditions", "approved"]);
    expect(view.blockers).toEqual([]);
    expect(promote({ actor: actorOf(people.business), reviewId: world.review.id }).stage).toBe("pilot");
  });

  it("after all three approve, promotion moves the project to pilot, closes the review and records it once", async () => {
    const world = readyProject();
    approveAll(world);
    expect(getReview(world.review.id)!.canPromote).toBe(true);
    const before = snapshot(world);

    const result = await callAction(gateRoute.action, `/projects/${world.project.slug}/gate`, {
      params: { slug: world.project.slug },
      cookie: cookie(people.operator),
      form: { intent: "promote", reviewId: String(world.review.id) },
    });
    expect(result).toMatchObject({ status: 302, location: `/projects/${world.project.slug}` });

    const after = snapshot(world);
    expect(after.stage).toBe("pilot");
    expect(after.reviewStatus).toBe("promoted");
    expect(after.activity).toBe(before.activity + 1);
    const row = sqlite()
      .prepare("select action, before, after, actor_id from activity order by id desc limit 1")
      .get() as {
      action: string;
      before: string;
      after: string;
      actor_id: number;
    };
    expect(row.action).toBe("project.stage_changed");
    expect(row.actor_id).toBe(people.operator.id);
    expect(JSON.parse(row.before)).toEqual({ stage: "poc" });
    expect(JSON.parse(row.after)).toEqual({ stage: "pilot", reviewId: world.review.id });
    expect(getOpenReview(world.project.id)).toBeNull();

    // promoting the same (now closed) review again changes nothing
    const again = await callAction(gateRoute.action, `/projects/${world.project.slug}/gate`, {
      params: { slug: world.project.slug },
      cookie: cookie(people.operator),
      form: { intent: "promote", reviewId: String(world.review.id) },
    });
    expect(again.status).toBe(409);
    expect(snapshot(world)).toEqual(after);
  });
});

// ---------- who may sign ----------

describe("only a member signs, in their own discipline's panel", () => {
  it("a data scientist posting discipline=business gets 403 and nothing is written", async () => {
    const world = readyProject();
    const before = snapshot(world);
    const result = await callAction(gateRoute.action, `/projects/${world.project.slug}/gate`, {
      ...signForm(world, { discipline: "business" }),
      cookie: cookie(people.scientist),
    });
    expect(result).toMatchObject({ status: 403, thrown: true });
    expect(snapshot(world)).toEqual(before);
    expect(panel(world, "business").status).toBe("missing");
    expect(panel(world, "data_science").status).toBe("missing");
  });

  it("a non-member gets 403 and nothing is written", async () => {
    const world = readyProject();
    const before = snapshot(world);
    for (const discipline of ["data_science", "business", ""]) {
      const result = await callAction(gateRoute.action, `/projects/${world.project.slug}/gate`, {
        ...signForm(world, discipline ? { discipline } : {}),
        cookie: cookie(people.outsider),
      });
      expect(result).toMatchObject({ status: 403, thrown: true });
    }
    expect(snapshot(world)).toEqual(before);
  });

  it("an admin who is not a member cannot sign, through the page or the model", async () => {
    const world = readyProject();
    const before = snapshot(world);
    const result = await callAction(gateRoute.action, `/projects/${world.project.slug}/gate`, {
      ...signForm(world, { discipline: "data_science" }),
      cookie: cookie(people.admin),
    });
    expect(result).toMatchObject({ status: 403, thrown: true });
    expect(
      caught(() =>
        signOff({
          actor: actorOf(people.admin),
          reviewId: world.review.id,
          decision: "approve",
          comment: "",
          panel: "data_science",
        }),
      ),
    ).toBeInstanceOf(ForbiddenError);
    expect(
      caught(() =>
        signOff({ actor: actorOf(people.admin), reviewId: world.review.id, decision: "approve", comment: "" }),
      ),
    ).toBeInstanceOf(ForbiddenError);
    expect(snapshot(world)).toEqual(before);

    // and the page offers them no sign-off form
    const page = await callLoader(gateRoute.loader, `/projects/${world.project.slug}/gate`, {
      params: { slug: world.project.slug },
      cookie: cookie(people.admin),
    });
    expect(page.data.maySign).toBe(false);
  });

  it("an anonymous visitor is sent to sign in and nothing is written", async () => {
    const world = readyProject();
    const before = snapshot(world);
    const result = await callAction(
      gateRoute.action,
      `/projects/${world.project.slug}/gate`,
      signForm(world, { discipline: "business" }),
    );
    expect(result.status).toBe(302);
    expect(result.location).toMatch(/^\/login\?redirectTo=/);
    expect(snapshot(world)).toEqual(before);
  });

  it("nobody signs while the project is on hold", async () => {
    const world = readyProject();
    const project = getProject(world.project.id)!;
    changeProjectState({
      actor: actorOf(people.business),
      projectId: project.id,
      version: project.version,
      change: { to: "on_hold" },
    });
    const before = snapshot(world);
    const result = await callAction(gateRoute.action, `/projects/${world.project.slug}/gate`, {
      ...signForm(world, { discipline: "business" }),
      cookie: cookie(people.business),
    });
    expect(result).toMatchObject({ status: 403, thrown: true });
    expect(result.data).toMatch(/paused while the project is on hold/);
    expect(snapshot(world)).toEqual(before);
  });

  it("a member signing in their own panel is recorded with one activity row", async () => {
    const world = readyProject();
    const before = snapshot(world);
    const result = await callAction(gateRoute.action, `/projects/${world.project.slug}/gate`, {
      ...signForm(world, { discipline: "data_science", comment: "Model and data are ready." }),
      cookie: cookie(people.scientist),
    });
    expect(result).toMatchObject({ status: 302, location: `/projects/${world.project.slug}/gate` });
    expect(snapshot(world)).toMatchObject({ signOffs: before.signOffs + 1, activity: before.activity + 1 });
    const p = panel(world, "data_science");
    expect(p.status).toBe("approved");
    expect(p.signOff).toMatchObject({
      userName: "Farid Science",
      decision: "approve",
      comment: "Model and data are ready.",
    });
  });
});

// ---------- stale sign-offs ----------

describe("a sign-off is for what was signed", () => {
  const staleSentence = (name: string, label: string) =>
    `${name}${name.endsWith("s") ? "'" : "'s"} sign-off for ${label} is stale: what concerns ${label} changed after ${name} signed. ${name} must renew it.`;
  const STALE = {
    business: staleSentence("Brigitte Business", "Business"),
    data_science: staleSentence("Farid Science", "Data science"),
    it: staleSentence("Olga Operations", "IT operations"),
  };

  const relevantChanges: Array<[string, (world: Ready) => void, Array<keyof typeof STALE>]> = [
    [
      "a requirement's target is edited",
      (w) =>
        updateRequirement({
          actor: actorOf(people.business),
          requirementId: w.requirement.id,
          version: w.requirement.version,
          title: w.requirement.title,
          description: w.requirement.description,
          target: "warn >= 72 h ahead, precision >= 0.8",
          priority: w.requirement.priority,
        }),
      ["business", "data_science", "it"],
    ],
    [
      "data science assesses the requirement again",
      (w) =>
        assessRequirement({
          actor: actorOf(people.scientist),
          requirementId: w.requirement.id,
          version: w.requirement.dsVersion,
          feasibility: "feasible_with_conditions",
          note: "",
          conditions: "Needs the 1 Hz sensor feed in the data lake.",
        }),
      ["business", "data_science"],
    ],
    [
      // ml_engineer_on_team (any member) was attested by data science; IT attests it now
      "IT attests again a criterion data science had attested",
      (w) =>
        attest({
          actor: actorOf(people.operator),
          reviewId: w.review.id,
          key: w.attestationKeys[0],
          note: "Re-checked with the new team.",
        }),
      ["data_science", "it"],
    ],
    [
      "a new requirement is stated",
      (w) =>
        createRequirement({
          actor: actorOf(people.business),
          projectId: w.project.id,
          title: "Explain each warning",
          description: "",
          target: "top 3 sensors named per warning",
          priority: "should",
        }),
      ["business", "data_science", "it"],
    ],
  ];
  if (typeof debt.createDebtItem === "function") {
    relevantChanges.push([
      "a technical debt item is logged",
      (w) =>
        debt.createDebtItem({
          actor: actorOf(people.scientist),
          projectId: w.project.id,
          register: "technical",
          title: "Hard-coded sensor join",
          description: "A notebook cell with constants.",
          category: "hard_coded_logic",
          benefit: "Results for the steering committee the next morning.",
          stageIncurred: "poc",
          severity: "high",
          principalDays: 5,
          interestDays: 1,
          ownerId: null,
        }),
      ["data_science", "it"],
    ]);
  }

  it.each(relevantChanges)(
    "after %s, the sign-offs it concerns are stale and promotion names them",
    (_what, change, stale) => {
      const world = readyProject();
      approveAll(world);
      expect(getReview(world.review.id)!.canPromote).toBe(true);

      change(world);

      const view = getReview(world.review.id)!;
      expect(view.panels.map((p) => p.status)).toEqual(
        view.panels.map((p) => (stale.includes(p.discipline) ? "stale" : "approved")),
      );
      expect(view.canPromote).toBe(false);
      expect(view.blockers).toEqual(expect.arrayContaining(stale.map((d) => STALE[d])));
      for (const p of view.panels) {
        if (stale.includes(p.discipline)) expect(p.signOff!.changes.length, p.discipline).toBeGreaterThan(0);
      }
      const before = snapshot(world);
      const error = caught(() =>
        promote({ actor: actorOf(people.business), reviewId: world.review.id }),
      ) as ConflictError;
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.details).toContain(STALE[stale[0]]);
      expect(snapshot(world)).toEqual(before);
    },
  );

  it("an unrelated edit (the project's summary and business case) keeps the sign-offs current", () => {
    const world = readyProject();
    approveAll(world);
    const project = getProject(world.project.id)!;
    updateProject({
      actor: actorOf(people.business),
      projectId: project.id,
      version: project.version,
      name: project.name,
      summary: "Warn two days before a press fails.",
      businessCase: "Each unplanned stop costs 40 000 EUR and a late delivery.",
      ownerId: project.ownerId,
    });
    const view = getReview(world.review.id)!;
    expect(view.panels.map((p) => p.status)).toEqual(["approved", "approved", "approved"]);
    expect(view.canPromote).toBe(true);
  });

  it("renewing a stale sign-off makes it count again", () => {
    const world = readyProject();
    approveAll(world);
    // a new requirement concerns all three disciplines
    createRequirement({
      actor: actorOf(people.business),
      projectId: world.project.id,
      title: "Explain each warning",
      description: "",
      target: "top 3 sensors named per warning",
      priority: "could",
    });
    expect(getReview(world.review.id)!.panels.map((p) => p.status)).toEqual(["stale", "stale", "stale"]);
    expect(panel(world, "business").signOff!.changes).toEqual([
      "Requirement “Explain each warning” was added (Could: top 3 sensors named per warning).",
    ]);

    approve(world, "business", "Still worth it.");
    expect(panel(world, "business").status).toBe("approved");
    expect(panel(world, "business").earlier).toHaveLength(1);
    expect(getReview(world.review.id)!.canPromote).toBe(false);

    approve(world, "data_science");
    approve(world, "it");
    expect(getReview(world.review.id)!.canPromote).toBe(true);
    expect(promote({ actor: actorOf(people.scientist), reviewId: world.review.id }).stage).toBe("pilot");
  });
});

// ---------- changing one's mind ----------

describe("a member changes their decision while the review is open", () => {
  it("the old sign-off is superseded and stays visible as an earlier one", async () => {
    const world = readyProject();
    approve(world, "it", "Looks operable.");
    const result = await callAction(gateRoute.action, `/projects/${world.project.slug}/gate`, {
      ...signForm(world, { discipline: "it", decision: "changes_requested", comment: "Monitoring is not wired up." }),
      cookie: cookie(people.operator),
    });
    expect(result.status).toBe(302);
    const p = panel(world, "it");
    expect(p.status).toBe("changes_requested");
    expect(p.signOff).toMatchObject({ decision: "changes_requested", comment: "Monitoring is not wired up." });
    expect(p.earlier).toHaveLength(1);
    expect(p.earlier[0]).toMatchObject({
      decision: "approve",
      comment: "Looks operable.",
      status: "superseded",
      userName: "Olga Operations",
    });
    // both decisions are kept in the database; only one is current
    const rows = sqlite()
      .prepare("select decision, status from sign_offs where review_id = ? and discipline = 'it' order by id")
      .all(world.review.id);
    expect(rows).toEqual([
      { decision: "approve", status: "superseded" },
      { decision: "changes_requested", status: "current" },
    ]);
  });

  it("requesting changes without a comment is refused next to the comment field, keeping the input", async () => {
    const world = readyProject();
    approve(world, "it", "Looks operable.");
    const before = snapshot(world);
    const result = await callAction(gateRoute.action, `/projects/${world.project.slug}/gate`, {
      ...signForm(world, { discipline: "it", decision: "changes_requested", comment: "   " }),
      cookie: cookie(people.operator),
    });
    expect(result.status).toBe(400);
    expect(refusalOf(result.data).fieldErrors.comment).toMatch(/comment is required/i);
    // the page puts errors and input back into the form that was sent, found by its intent
    expect(result.data.initialValue).toMatchObject({ intent: "sign", decision: "changes_requested", discipline: "it" });
    expect(snapshot(world)).toEqual(before);
    expect(panel(world, "it").status).toBe("approved");
  });
});

describe("attesting a criterion", () => {
  it("needs a note: the message sits next to the note field of the attestation form", async () => {
    const world = readyProject();
    attest({
      actor: actorOf(people.scientist),
      reviewId: world.review.id,
      key: "privacy_security_reviewed",
      note: "",
      clear: true,
    });
    const before = snapshot(world);
    const result = await callAction(
      gateRoute.action,
      `/projects/${world.project.slug}/gate?attest=privacy_security_reviewed`,
      {
        params: { slug: world.project.slug },
        cookie: cookie(people.operator),
        form: { intent: "attest", reviewId: String(world.review.id), key: "privacy_security_reviewed", note: "  " },
      },
    );
    expect(result.status).toBe(400);
    expect(refusalOf(result.data).fieldErrors.note).toMatch(/note is required/);
    expect(result.data.initialValue).toMatchObject({ intent: "attest", key: "privacy_security_reviewed" });
    expect(snapshot(world)).toEqual(before);
  });
});

// ---------- leaving the team ----------

describe("removing a member who signed", () => {
  it("needs confirmation, then withdraws the sign-off, which no longer counts", () => {
    const world = readyProject();
    approveAll(world);
    const before = snapshot(world);
    const owner = actorOf(people.business);

    const error = caught(() =>
      removeMember({ actor: owner, projectId: world.project.id, userId: people.operator.id, confirmed: false }),
    );
    expect(error).toBeInstanceOf(NeedsConfirmation);
    expect((error as Error).message).toContain("Olga Operations has approved on the open gate review");
    expect(snapshot(world)).toEqual(before);
    expect(panel(world, "it").status).toBe("approved");

    expect(
      removeMember({ actor: owner, projectId: world.project.id, userId: people.operator.id, confirmed: true }),
    ).toEqual({
      withdrawnSignOffs: 1,
    });
    const status = sqlite()
      .prepare("select status from sign_offs where review_id = ? and discipline = 'it'")
      .get(world.review.id) as { status: string };
    expect(status.status).toBe("withdrawn");
    const p = panel(world, "it");
    expect(p.status).toBe("missing");
    expect(p.earlier).toEqual([expect.objectContaining({ userName: "Olga Operations", status: "withdrawn" })]);
    expect(snapshot(world).activity).toBe(before.activity + 1);
    expect(caught(() => promote({ actor: owner, reviewId: world.review.id }))).toBeInstanceOf(ConflictError);
  });

  it("through the team page: a first click asks, the confirmed one removes", async () => {
    const world = readyProject();
    approve(world, "data_science");
    const before = snapshot(world);
    const url = `/projects/${world.project.slug}/team`;
    const asking = await callAction(teamRoute.action, url, {
      params: { slug: world.project.slug },
      cookie: cookie(people.business),
      form: { intent: "remove", userId: String(people.scientist.id) },
    });
    expect(asking).toMatchObject({ status: 302, location: `${url}?remove=${people.scientist.id}` });
    expect(snapshot(world)).toEqual(before);

    const page = await callLoader(teamRoute.loader, `${url}?remove=${people.scientist.id}`, {
      params: { slug: world.project.slug },
      cookie: cookie(people.business),
    });
    expect(page.data.removing).toMatchObject({ userId: people.scientist.id, liveSignOffs: 1 });

    const confirmed = await callAction(teamRoute.action, url, {
      params: { slug: world.project.slug },
      cookie: cookie(people.business),
      form: { intent: "remove", userId: String(people.scientist.id), confirmed: "yes" },
    });
    expect(confirmed).toMatchObject({ status: 302, location: url });
    expect(panel(world, "data_science").status).toBe("missing");
  });
});

// ---------- the organisation's checklist ----------

describe("gate checklists (/admin/gates)", () => {
  it("an admin adds an attestation: the open review keeps its criteria, the next review has it", async () => {
    const world = readyProject();
    const keysBefore = getReview(world.review.id)!.criteria.map((c) => c.key);
    const result = await callAction(adminGatesRoute.action, "/admin/gates", {
      cookie: cookie(people.admin),
      form: { intent: "add", stage: "pilot", label: "The works council was informed.", discipline: "business" },
    });
    expect(result).toMatchObject({ status: 302, location: "/admin/gates" });
    expect(listTemplates("pilot").map((t) => t.key)).toContain("the_works_council_was_informed");

    const open = getReview(world.review.id)!;
    expect(open.criteria.map((c) => c.key)).toEqual(keysBefore);
    approveAll(world);
    expect(open.criteria.every((c) => c.met)).toBe(true);
    expect(getReview(world.review.id)!.canPromote).toBe(true);

    const later = readyProject();
    const criterion = getReview(later.review.id)!.criteria.find((c) => c.key === "the_works_council_was_informed");
    expect(criterion).toMatchObject({ kind: "attestation", discipline: "business", met: true });

    // clean up for the other tests: retire it again
    const template = listTemplates("pilot").find((t) => t.key === "the_works_council_was_informed")!;
    setTemplateActive({ actor: actorOf(people.admin), templateId: template.id, active: false });
  });

  it("an admin retires an attestation: the open review still asks for it, the next one does not", async () => {
    const world = readyProject();
    attest({
      actor: actorOf(people.scientist),
      reviewId: world.review.id,
      key: "privacy_security_reviewed",
      note: "",
      clear: true,
    });
    const template = listTemplates("pilot").find((t) => t.key === "privacy_security_reviewed")!;
    const result = await callAction(adminGatesRoute.action, "/admin/gates", {
      cookie: cookie(people.admin),
      form: { intent: "deactivate", templateId: String(template.id) },
    });
    expect(result.status).toBe(302);
    expect(listTemplates("pilot").find((t) => t.id === template.id)!.active).toBe(false);

    approveAll(world);
    const open = getReview(world.review.id)!;
    expect(open.criteria.find((c) => c.key === "privacy_security_reviewed")).toMatchObject({ met: false });
    expect(open.canPromote).toBe(false);

    const later = readyProject();
    expect(getReview(later.review.id)!.criteria.map((c) => c.key)).not.toContain("privacy_security_reviewed");

    setTemplateActive({ actor: actorOf(people.admin), templateId: template.id, active: true });
  });

  it("members get 403 at /admin/gates and change nothing", async () => {
    listTemplates("pilot");
    const templatesBefore = countRows("criterion_templates");
    const activityBefore = countRows("activity");
    const page = await callLoader(adminGatesRoute.loader, "/admin/gates", { cookie: cookie(people.business) });
    expect(page).toMatchObject({ status: 403, thrown: true });
    const post = await callAction(adminGatesRoute.action, "/admin/gates", {
      cookie: cookie(people.business),
      form: { intent: "add", stage: "pilot", label: "Anything goes from now on.", discipline: "" },
    });
    expect(post).toMatchObject({ status: 403, thrown: true });
    expect(
      caught(() =>
        addAttestation({
          actor: actorOf(people.business),
          stage: "pilot",
          label: "Sneaky criterion",
          discipline: null,
        }),
      ),
    ).toBeInstanceOf(ForbiddenError);
    expect(countRows("criterion_templates")).toBe(templatesBefore);
    expect(countRows("activity")).toBe(activityBefore);
  });
});
