/**
 * The accountable sign-off rules (docs/domain.md, "Who may sign", "Sign-off rules" and "What
 * makes a sign-off stale") through the models, on a real SQLite file: who may sign, each
 * member's sign-off kept, a "changes requested" that only its author or the owner lifts, the
 * concern table row by row, per-discipline verdict versions, required approvals, evidence
 * links and who may clear an attestation. Every refusal leaves every table as it was.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Discipline } from "../../app/domain/vocabulary";
import type { DomainError } from "~/domain/errors";
import { ConflictError, ForbiddenError, NeedsConfirmation, NotFoundError, ValidationError } from "~/domain/errors";
import { createDebtItem } from "~/models/debt.server";
import { addAttestation, getGatePolicy, setRequiredApprovals } from "~/models/gate-templates.server";
import { attest, dismissChangesRequest, getReview, openReview, promote, signOff } from "~/models/gates.server";
import { createProject, getProject } from "~/models/projects.server";
import { assessRequirement, createRequirement, getRequirement, updateRequirement } from "~/models/requirements.server";
import { addMember, removeMember } from "~/models/team.server";
import { updateUserAccess, type Actor } from "~/models/users.server";
import { activitySince, lastActivityId, sqlite } from "../support/database";
import { createAdmin, createTestUser, type TestUser } from "../support/users";

const actorOf = (u: TestUser): Actor => ({
  id: u.id,
  name: u.name,
  role: u.role,
  discipline: u.discipline,
  via: "web",
});

type People = Record<"brigitte" | "bruno" | "farid" | "dora" | "olga" | "ivan" | "outsider" | "admin", TestUser>;
let people: People;
/** People made in beforeAll for one test each (creating users is async). */
const createTestUserSync: TestUser[] = [];
/** Data scientists an admin moves to IT operations, one per test. */
const movers: TestUser[] = [];
const RUNBOOK = "a_runbook_exists_and_was_tested";

beforeAll(async () => {
  people = {
    brigitte: await createTestUser({ name: "Brigitte Business", discipline: "business" }),
    bruno: await createTestUser({ name: "Bruno Business", discipline: "business" }),
    farid: await createTestUser({ name: "Farid Science", discipline: "data_science" }),
    dora: await createTestUser({ name: "Dora Data", discipline: "data_science" }),
    olga: await createTestUser({ name: "Olga Operations", discipline: "it" }),
    ivan: await createTestUser({ name: "Ivan Infra", discipline: "it" }),
    outsider: await createTestUser({ name: "Otto Outsider", discipline: "data_science" }),
    admin: await createAdmin({ name: "Ada Admin", discipline: "data_science" }),
  };
  // The pilot checklist gets one IT attestation, so an IT-only concern exists at this gate.
  createTestUserSync.push(await createTestUser({ name: "Iris Ito", discipline: "it" }));
  movers.push(await createTestUser({ name: "Mona Mover", discipline: "data_science" }));
  movers.push(await createTestUser({ name: "Max Mover", discipline: "data_science" }));
  const template = addAttestation({
    actor: actorOf(people.admin),
    stage: "pilot",
    label: "A runbook exists and was tested.",
    discipline: "it",
  });
  expect(template.key).toBe(RUNBOOK);
});

// ---------- a project ready for its gate to pilot ----------

let worlds = 0;

/**
 * Owner Brigitte (business) with Bruno, two data scientists (Farid, Dora) and two IT operators
 * (Olga, Ivan); one must-have requirement assessed feasible by Farid and by Olga; the review
 * to pilot open with every attestation ticked (by the criterion's discipline, else by Farid).
 * Only sign-offs are missing.
 */
function readyProject() {
  const { brigitte, bruno, farid, dora, olga, ivan } = people;
  const owner = actorOf(brigitte);
  const project = createProject({
    actor: owner,
    name: `Press line ${++worlds}`,
    summary: "Warn 48 h before a press fails.",
    businessCase: "Unplanned stops cost 40 000 EUR each.",
    ownerId: brigitte.id,
  });
  for (const u of [bruno, farid, dora, olga, ivan]) addMember({ actor: owner, projectId: project.id, userId: u.id });
  const created = createRequirement({
    actor: owner,
    projectId: project.id,
    title: "Warn before a failure",
    description: "From the vibration sensors.",
    target: "warn >= 48 h ahead",
    priority: "must",
  });
  assessRequirement({
    actor: actorOf(farid),
    requirementId: created.id,
    version: created.dsVersion,
    feasibility: "feasible",
    note: "Enough history.",
    conditions: "",
  });
  assessRequirement({
    actor: actorOf(olga),
    requirementId: created.id,
    version: created.itVersion,
    feasibility: "feasible",
    note: "Sensors at 1 Hz.",
    conditions: "",
  });
  const review = openReview({
    actor: owner,
    projectId: project.id,
    statement: "A year of sensor data is in; the model warns in time.",
  });
  const byDiscipline: Record<Discipline, TestUser> = { business: brigitte, data_science: farid, it: olga };
  for (const c of getReview(review.id)!.criteria.filter((c) => c.kind === "attestation")) {
    attest({
      actor: actorOf(c.discipline ? byDiscipline[c.discipline] : farid),
      reviewId: review.id,
      key: c.key,
      note: `Checked: ${c.label}`,
    });
  }
  return { project, requirementId: created.id, review };
}

type World = ReturnType<typeof readyProject>;

const sign = (
  world: World,
  who: TestUser,
  decision: "approve" | "approve_with_conditions" | "changes_requested" = "approve",
  comment = "",
) =>
  signOff({
    actor: actorOf(who),
    reviewId: world.review.id,
    decision,
    comment: comment || (decision === "approve" ? "" : "See my comment."),
  });

const approveAll = (world: World) => {
  sign(world, people.brigitte);
  sign(world, people.farid);
  sign(world, people.olga);
};

const view = (world: World) => getReview(world.review.id)!;
const panel = (world: World, d: Discipline) => view(world).panels.find((p) => p.discipline === d)!;
const requirement = (world: World) => getRequirement(world.requirementId)!;

/** Every table but sessions, row by row: a refusal must leave all of it as it was. */
function everything() {
  const names = (
    sqlite()
      .prepare(
        "select name from pragma_table_list where schema = 'main' and type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%'",
      )
      .all() as {
      name: string;
    }[]
  )
    .map((t) => t.name)
    .filter((name) => name !== "sessions");
  return Object.fromEntries(
    names.map((name) => [name, sqlite().prepare(`select * from "${name}" order by rowid`).all()]),
  );
}

function refused<E extends DomainError>(run: () => unknown, type: new (...args: never[]) => E): E {
  const before = everything();
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error, "the call should have been refused").toBeInstanceOf(type);
  expect(everything(), "a refusal must write nothing").toEqual(before);
  return error as E;
}

/** Runs one write and returns the actions of the activity rows it wrote. */
function written(run: () => unknown): string[] {
  const since = lastActivityId();
  run();
  return activitySince(since).map((r) => r.action);
}

const objection = (name: string, label: string) =>
  `${name} requested changes for ${label}; ${name} must renew the sign-off, or the project owner must dismiss the request with a reason.`;

// ---------- who may sign ----------

describe("a seat is the person's own discipline", () => {
  it("adding someone as another discipline than their profile's is refused next to the discipline field", () => {
    const project = createProject({
      actor: actorOf(people.brigitte),
      name: "Seats",
      summary: "",
      businessCase: "",
      ownerId: people.brigitte.id,
    });
    const error = refused(
      () =>
        addMember({ actor: actorOf(people.brigitte), projectId: project.id, userId: people.dora.id, discipline: "it" }),
      ValidationError,
    );
    expect(error.fields.discipline).toMatch(/Dora Data is Data science on their profile/);
    // without a discipline, the profile's is used
    expect(
      written(() => addMember({ actor: actorOf(people.brigitte), projectId: project.id, userId: people.dora.id })),
    ).toEqual(["member.added"]);
    const seat = sqlite()
      .prepare("select discipline from memberships where project_id = ? and user_id = ?")
      .get(project.id, people.dora.id);
    expect(seat).toEqual({ discipline: "data_science" });
  });

  it("a member cannot sign another discipline's panel", () => {
    const world = readyProject();
    refused(
      () =>
        signOff({
          actor: actorOf(people.farid),
          reviewId: world.review.id,
          decision: "approve",
          comment: "",
          panel: "business",
        }),
      ForbiddenError,
    );
    refused(
      () => signOff({ actor: actorOf(people.outsider), reviewId: world.review.id, decision: "approve", comment: "" }),
      ForbiddenError,
    );
  });

  it("a seat that is not the person's profile discipline (older data) signs nothing", () => {
    const world = readyProject();
    // Dora's seat says IT, her profile says data science: neither panel is hers to sign.
    sqlite()
      .prepare("update memberships set discipline = 'it' where project_id = ? and user_id = ?")
      .run(world.project.id, people.dora.id);
    refused(
      () => signOff({ actor: actorOf(people.dora), reviewId: world.review.id, decision: "approve", comment: "" }),
      ForbiddenError,
    );
    refused(
      () =>
        signOff({
          actor: actorOf(people.dora),
          reviewId: world.review.id,
          decision: "approve",
          comment: "",
          panel: "it",
        }),
      ForbiddenError,
    );
    refused(
      () =>
        signOff({
          actor: actorOf(people.dora),
          reviewId: world.review.id,
          decision: "approve",
          comment: "",
          panel: "data_science",
        }),
      ForbiddenError,
    );
  });

  it("an admin seated in a discipline that is not theirs cannot sign it; being admin never widens signing", () => {
    const world = readyProject();
    const admin = actorOf(people.admin); // data science on the profile
    addMember({ actor: actorOf(people.brigitte), projectId: world.project.id, userId: people.admin.id });
    refused(
      () => signOff({ actor: admin, reviewId: world.review.id, decision: "approve", comment: "", panel: "business" }),
      ForbiddenError,
    );
    refused(
      () => signOff({ actor: admin, reviewId: world.review.id, decision: "approve", comment: "", panel: "it" }),
      ForbiddenError,
    );
    sqlite()
      .prepare("update memberships set discipline = 'business' where project_id = ? and user_id = ?")
      .run(world.project.id, people.admin.id);
    refused(
      () => signOff({ actor: admin, reviewId: world.review.id, decision: "approve", comment: "", panel: "business" }),
      ForbiddenError,
    );
    refused(
      () => signOff({ actor: admin, reviewId: world.review.id, decision: "approve", comment: "" }),
      ForbiddenError,
    );
    expect(panel(world, "business").signOffs).toEqual([]);
  });
});

// ---------- two members of one discipline ----------

describe("each member's sign-off is kept", () => {
  it("one data scientist approves, the other requests changes: the approval does not override the objection", () => {
    const world = readyProject();
    sign(world, people.brigitte);
    sign(world, people.olga);
    sign(world, people.dora, "changes_requested", "The drift monitor is missing.");
    expect(written(() => sign(world, people.farid))).toEqual(["gate.signed_off"]);

    const ds = panel(world, "data_science");
    expect(ds.status).toBe("changes_requested");
    expect(ds.approvals).toBe(1);
    expect(ds.signOffs.map((s) => [s.userName, s.decision, s.standing])).toEqual(
      expect.arrayContaining([
        ["Farid Science", "approve", "approved"],
        ["Dora Data", "changes_requested", "changes_requested"],
      ]),
    );
    expect(ds.signOffs).toHaveLength(2);
    expect(ds.signOff).toMatchObject({ userName: "Dora Data", decision: "changes_requested" });

    // Farid signs again: it replaces only his own sign-off
    sign(world, people.farid, "approve", "Still fine.");
    expect(panel(world, "data_science").status).toBe("changes_requested");
    const rows = sqlite()
      .prepare(
        "select u.name, s.decision, s.status from sign_offs s join users u on u.id = s.user_id where s.review_id = ? and s.discipline = 'data_science' order by s.id",
      )
      .all(world.review.id);
    expect(rows).toEqual([
      { name: "Dora Data", decision: "changes_requested", status: "current" },
      { name: "Farid Science", decision: "approve", status: "superseded" },
      { name: "Farid Science", decision: "approve", status: "current" },
    ]);

    const error = refused(() => promote({ actor: actorOf(people.brigitte), reviewId: world.review.id }), ConflictError);
    expect(error.details).toEqual([objection("Dora Data", "Data science")]);
    expect(view(world).blockers).toEqual([objection("Dora Data", "Data science")]);
  });

  it("the objector renews the sign-off (approves): the project can be promoted", () => {
    const world = readyProject();
    approveAll(world);
    sign(world, people.dora, "changes_requested", "The drift monitor is missing.");
    expect(view(world).canPromote).toBe(false);
    sign(world, people.dora, "approve", "Monitor is in.");
    expect(panel(world, "data_science")).toMatchObject({ status: "approved", approvals: 2 });
    expect(view(world).blockers).toEqual([]);
    expect(written(() => promote({ actor: actorOf(people.brigitte), reviewId: world.review.id }))).toEqual([
      "project.stage_changed",
    ]);
    expect(getProject(world.project.id)!.stage).toBe("pilot");
  });

  it("the owner dismisses the objection with a reason: it stays visible, no longer blocks, and the project can be promoted", () => {
    const world = readyProject();
    approveAll(world);
    const objected = sign(world, people.dora, "changes_requested", "The drift monitor is missing.");
    const actions = written(() =>
      dismissChangesRequest({
        actor: actorOf(people.brigitte),
        reviewId: world.review.id,
        signOffId: objected.id,
        reason: "  The drift monitor is a pilot deliverable, logged as debt.  ",
      }),
    );
    expect(actions).toEqual(["gate.changes_request_dismissed"]);
    const ds = panel(world, "data_science");
    expect(ds.status).toBe("approved");
    expect(ds.signOffs.find((s) => s.id === objected.id)).toMatchObject({
      standing: "dismissed",
      status: "current",
      dismissReason: "The drift monitor is a pilot deliverable, logged as debt.",
      dismissedByName: "Brigitte Business",
    });
    expect(view(world).blockers).toEqual([]);
    expect(promote({ actor: actorOf(people.brigitte), reviewId: world.review.id }).stage).toBe("pilot");
  });

  it("only the owner dismisses; a reason is required; only a current request for changes of this review can be dismissed", () => {
    const world = readyProject();
    approveAll(world);
    const objected = sign(world, people.dora, "changes_requested", "The drift monitor is missing.");
    const dismiss = (
      who: TestUser,
      reason = "Not needed for a pilot.",
      signOffId = objected.id,
      reviewId = world.review.id,
    ) => dismissChangesRequest({ actor: actorOf(who), reviewId, signOffId, reason });

    refused(() => dismiss(people.farid), ForbiddenError);
    refused(() => dismiss(people.bruno), ForbiddenError);
    refused(() => dismiss(people.admin), ForbiddenError);
    refused(() => dismiss(people.dora), ForbiddenError);
    const noReason = refused(() => dismiss(people.brigitte, "   "), ValidationError);
    expect(noReason.fields.reason).toMatch(/reason is required/);

    const approval = panel(world, "business").signOffs[0];
    refused(() => dismiss(people.brigitte, "Why not.", approval.id), ConflictError);
    const other = readyProject();
    refused(() => dismiss(people.brigitte, "Wrong review.", objected.id, other.review.id), NotFoundError);

    dismiss(people.brigitte);
    refused(() => dismiss(people.brigitte, "Again."), ConflictError);
    expect(panel(world, "data_science").status).toBe("approved");
  });

  it("a new request for changes after a dismissal blocks again", () => {
    const world = readyProject();
    approveAll(world);
    const first = sign(world, people.dora, "changes_requested", "The drift monitor is missing.");
    dismissChangesRequest({
      actor: actorOf(people.brigitte),
      reviewId: world.review.id,
      signOffId: first.id,
      reason: "Pilot deliverable.",
    });
    sign(world, people.dora, "changes_requested", "And the retraining job fails.");
    expect(panel(world, "data_science").status).toBe("changes_requested");
    expect(view(world).blockers).toEqual([objection("Dora Data", "Data science")]);
  });
});

// ---------- leaving the team ----------

describe("removing a member", () => {
  it("removing the objector keeps the block: only the objector or the owner lifts it", () => {
    const world = readyProject();
    approveAll(world);
    sign(world, people.dora, "changes_requested", "The drift monitor is missing.");
    const result = removeMember({
      actor: actorOf(people.brigitte),
      projectId: world.project.id,
      userId: people.dora.id,
      confirmed: true,
    });
    expect(result).toEqual({ withdrawnSignOffs: 0 });
    const ds = panel(world, "data_science");
    expect(ds.status).toBe("changes_requested");
    expect(ds.signOffs.find((s) => s.userName === "Dora Data")).toMatchObject({
      status: "current",
      standing: "changes_requested",
    });
    const error = refused(() => promote({ actor: actorOf(people.brigitte), reviewId: world.review.id }), ConflictError);
    expect(error.details).toEqual([objection("Dora Data", "Data science")]);
  });

  it("removing an approver withdraws their approval (after confirmation); a colleague's approval still counts", () => {
    const world = readyProject();
    approveAll(world);
    sign(world, people.dora);
    refused(
      () =>
        removeMember({
          actor: actorOf(people.brigitte),
          projectId: world.project.id,
          userId: people.farid.id,
          confirmed: false,
        }),
      NeedsConfirmation,
    );
    expect(
      written(() =>
        removeMember({
          actor: actorOf(people.brigitte),
          projectId: world.project.id,
          userId: people.farid.id,
          confirmed: true,
        }),
      ),
    ).toEqual(["member.removed"]);
    const ds = panel(world, "data_science");
    expect(ds).toMatchObject({ status: "approved", approvals: 1 });
    expect(ds.signOffs.map((s) => s.userName)).toEqual(["Dora Data"]);
    expect(ds.earlier).toEqual([expect.objectContaining({ userName: "Farid Science", status: "withdrawn" })]);
    expect(view(world).canPromote).toBe(true);
  });
});

// ---------- an admin changes a person's discipline ----------

describe("an admin changes someone's discipline", () => {
  it("asks first when they have a current sign-off, then moves every seat and withdraws the sign-off", () => {
    const world = readyProject();
    const mona = movers[0];
    addMember({ actor: actorOf(people.brigitte), projectId: world.project.id, userId: mona.id });
    approveAll(world);
    sign(world, mona);
    const move = (confirmed: boolean) =>
      updateUserAccess({
        actor: actorOf(people.admin),
        userId: mona.id,
        discipline: "it",
        role: "member",
        version: mona.version,
        confirmed,
      });

    refused(() => move(false), NeedsConfirmation);
    expect(written(() => move(true))).toEqual(["user.access_changed", "member.discipline_changed"]);
    const seat = sqlite()
      .prepare("select discipline from memberships where project_id = ? and user_id = ?")
      .get(world.project.id, mona.id);
    expect(seat).toEqual({ discipline: "it" });
    const ds = panel(world, "data_science");
    expect(ds.signOffs.map((s) => s.userName)).toEqual(["Farid Science"]);
    expect(ds.earlier).toEqual([expect.objectContaining({ userName: "Mona Mover", status: "withdrawn" })]);
    // she now signs for IT operations, and only for it
    const monaNow: Actor = { ...actorOf(mona), discipline: "it" };
    refused(
      () =>
        signOff({ actor: monaNow, reviewId: world.review.id, decision: "approve", comment: "", panel: "data_science" }),
      ForbiddenError,
    );
    signOff({ actor: monaNow, reviewId: world.review.id, decision: "approve", comment: "" });
    expect(panel(world, "it").approvals).toBe(2);
  });

  it("moving someone does not make colleagues' approvals stale through the attestations they gave", () => {
    // Max (data science) attests a criterion any member may attest; everyone approves; an
    // admin then moves Max to IT. Nothing in the gate content changed, so the approvals of
    // business, data science and IT should all still count.
    const world = readyProject();
    const max = movers[1];
    addMember({ actor: actorOf(people.brigitte), projectId: world.project.id, userId: max.id });
    attest({
      actor: actorOf(max),
      reviewId: world.review.id,
      key: "data_access_quality_assessed",
      note: "Checked the extract.",
    });
    approveAll(world);
    expect(view(world).canPromote).toBe(true);
    updateUserAccess({
      actor: actorOf(people.admin),
      userId: max.id,
      discipline: "it",
      role: "member",
      version: max.version,
      confirmed: true,
    });
    expect(view(world).panels.map((p) => p.status)).toEqual(["approved", "approved", "approved"]);
  });
});

// ---------- the concern table, through the models ----------

describe("what makes a sign-off stale, row by row", () => {
  /** The disciplines whose current sign-offs are stale, and what each was told changed. */
  function staleness(world: World) {
    const panels = view(world).panels;
    const stale = panels.filter((p) => p.signOffs.some((s) => s.standing === "stale")).map((p) => p.discipline);
    const changes = Object.fromEntries(panels.map((p) => [p.discipline, p.signOffs.flatMap((s) => s.changes)]));
    return { stale, changes };
  }

  const changes: Array<[string, (w: World) => unknown, Discipline[], RegExp | null]> = [
    [
      "data science re-assesses with a new note only",
      (w) =>
        assessRequirement({
          actor: actorOf(people.farid),
          requirementId: w.requirementId,
          version: requirement(w).dsVersion,
          feasibility: "feasible",
          note: "Checked again.",
          conditions: "",
        }),
      [],
      null,
    ],
    [
      "data science changes its verdict",
      (w) =>
        assessRequirement({
          actor: actorOf(people.farid),
          requirementId: w.requirementId,
          version: requirement(w).dsVersion,
          feasibility: "feasible_with_conditions",
          note: "",
          conditions: "Two more years of history.",
        }),
      ["business", "data_science"],
      /Data science's verdict on “Warn before a failure” changed from feasible to feasible with conditions/,
    ],
    [
      "IT operations changes its verdict",
      (w) =>
        assessRequirement({
          actor: actorOf(people.ivan),
          requirementId: w.requirementId,
          version: requirement(w).itVersion,
          feasibility: "infeasible",
          note: "",
          conditions: "No GPU in the plant.",
        }),
      ["business", "it"],
      /IT operations'?s? verdict on “Warn before a failure” changed from feasible to infeasible/,
    ],
    [
      "business edits the requirement's target",
      (w) =>
        updateRequirement({
          actor: actorOf(people.bruno),
          requirementId: w.requirementId,
          version: requirement(w).version,
          title: "Warn before a failure",
          description: "From the vibration sensors.",
          target: "warn >= 72 h ahead",
          priority: "must",
        }),
      ["business", "data_science", "it"],
      /The target of “Warn before a failure” changed from “warn >= 48 h ahead” to “warn >= 72 h ahead”/,
    ],
    [
      "business edits only the requirement's description",
      (w) =>
        updateRequirement({
          actor: actorOf(people.bruno),
          requirementId: w.requirementId,
          version: requirement(w).version,
          title: "Warn before a failure",
          description: "From vibration and temperature.",
          target: "warn >= 48 h ahead",
          priority: "must",
        }),
      [],
      null,
    ],
    [
      "IT re-attests its own criterion",
      (w) =>
        attest({
          actor: actorOf(people.ivan),
          reviewId: w.review.id,
          key: RUNBOOK,
          note: "Tested again on the night shift.",
        }),
      ["it"],
      /The attestation of “A runbook exists and was tested\.” was changed/,
    ],
    [
      "a data scientist re-attests a criterion any member may attest",
      (w) =>
        attest({
          actor: actorOf(people.dora),
          reviewId: w.review.id,
          key: "data_access_quality_assessed",
          note: "Checked the new extract too.",
        }),
      ["data_science"],
      /The attestation of “Data access and data quality have been assessed\.” was changed/,
    ],
    [
      "a technical debt item is logged",
      (w) =>
        createDebtItem({
          actor: actorOf(people.olga),
          projectId: w.project.id,
          register: "technical",
          title: "Hard-coded sensor join",
          description: "A notebook cell with constants.",
          category: "hard_coded_logic",
          benefit: "Results the next morning.",
          stageIncurred: "poc",
          severity: "high",
          principalDays: 5,
          interestDays: 1,
          ownerId: null,
        }),
      ["data_science", "it"],
      /Debt item “Hard-coded sensor join” \(technical\) was added/,
    ],
    [
      "an organizational debt item is logged",
      (w) =>
        createDebtItem({
          actor: actorOf(people.bruno),
          projectId: w.project.id,
          register: "organizational",
          title: "No on-call rota",
          description: "",
          category: "missing_skills",
          benefit: "Pilot a month earlier.",
          stageIncurred: "poc",
          severity: "medium",
          principalDays: 3,
          interestDays: 0.5,
          ownerId: null,
        }),
      ["business", "it"],
      /Debt item “No on-call rota” \(organizational\) was added/,
    ],
    [
      "a colleague approves with a condition (logged as debt)",
      (w) =>
        signOff({
          actor: actorOf(people.dora),
          reviewId: w.review.id,
          decision: "approve_with_conditions",
          comment: "Fine for a pilot.",
          conditions: [{ title: "Automate the data quality checks", register: "technical", targetDate: null }],
        }),
      [],
      null,
    ],
  ];

  const rows = changes.map(([what, change, expected, sentence]) => ({
    what,
    change,
    expected,
    sentence,
    who: expected.join(", ") || "nobody",
  }));

  it.each(rows)("after $what, stale for $who", ({ change, expected, sentence }) => {
    const world = readyProject();
    approveAll(world);
    expect(view(world).canPromote).toBe(true);

    change(world);

    const { stale, changes: told } = staleness(world);
    expect(stale).toEqual(expected);
    for (const d of ["business", "data_science", "it"] as const) {
      const p = panel(world, d);
      const mine = p.signOffs.find(
        (s) => s.userId === { business: people.brigitte, data_science: people.farid, it: people.olga }[d].id,
      )!;
      expect(mine.standing, d).toBe(expected.includes(d) ? "stale" : "approved");
      if (expected.includes(d)) expect(told[d].join(" "), d).toMatch(sentence!);
      else expect(told[d], d).toEqual([]);
    }
    expect(view(world).canPromote).toBe(expected.length === 0);
    if (expected.length) {
      const error = refused(
        () => promote({ actor: actorOf(people.brigitte), reviewId: world.review.id }),
        ConflictError,
      );
      expect(error.details.some((line) => /sign-off for .* is stale/.test(line))).toBe(true);
    }
  });

  it("a stale sign-off is renewed by signing again; its `changes` are then empty", () => {
    const world = readyProject();
    approveAll(world);
    attest({ actor: actorOf(people.ivan), reviewId: world.review.id, key: RUNBOOK, note: "Tested again." });
    expect(panel(world, "it").status).toBe("stale");
    expect(view(world).blockers).toEqual([
      "Olga Operations' sign-off for IT operations is stale: what concerns IT operations changed after Olga Operations signed. Olga Operations must renew it.",
    ]);
    sign(world, people.olga, "approve", "Seen the new test.");
    const it_ = panel(world, "it");
    expect(it_.status).toBe("approved");
    expect(it_.signOffs[0].changes).toEqual([]);
    expect(view(world).canPromote).toBe(true);
  });

  it("a colleague's fresh approval covers a stale one when one approval is required", () => {
    const world = readyProject();
    approveAll(world);
    attest({ actor: actorOf(people.ivan), reviewId: world.review.id, key: RUNBOOK, note: "Tested again." });
    sign(world, people.ivan);
    const it_ = panel(world, "it");
    expect(it_).toMatchObject({ status: "approved", approvals: 1 });
    expect(it_.signOffs.map((s) => [s.userName, s.standing])).toEqual(
      expect.arrayContaining([
        ["Olga Operations", "stale"],
        ["Ivan Infra", "approved"],
      ]),
    );
    expect(view(world).canPromote).toBe(true);
  });
});

// ---------- feasibility per discipline ----------

describe("each discipline's verdict has its own version", () => {
  it("two data scientists on the same form: the second save is refused with what the first wrote", () => {
    const world = readyProject();
    const opened = requirement(world);
    assessRequirement({
      actor: actorOf(people.dora),
      requirementId: world.requirementId,
      version: opened.dsVersion,
      feasibility: "infeasible",
      note: "",
      conditions: "The sensors drop out every night.",
    });
    const error = refused(
      () =>
        assessRequirement({
          actor: actorOf(people.farid),
          requirementId: world.requirementId,
          version: opened.dsVersion,
          feasibility: "feasible",
          note: "",
          conditions: "",
        }),
      ConflictError,
    );
    expect(error.message).toContain("it is now infeasible (“The sensors drop out every night.”)");
    expect(requirement(world)).toMatchObject({
      dsFeasibility: "infeasible",
      dsAssessedById: people.dora.id,
      feasibility: "infeasible",
    });
  });

  it("IT operations saving on the same form is not a conflict: the verdicts are separate", () => {
    const world = readyProject();
    const opened = requirement(world);
    assessRequirement({
      actor: actorOf(people.dora),
      requirementId: world.requirementId,
      version: opened.dsVersion,
      feasibility: "feasible_with_conditions",
      note: "",
      conditions: "Two more years of history.",
    });
    expect(
      written(() =>
        assessRequirement({
          actor: actorOf(people.ivan),
          requirementId: world.requirementId,
          version: opened.itVersion,
          feasibility: "feasible",
          note: "Fine.",
          conditions: "",
        }),
      ),
    ).toEqual(["requirement.assessed"]);
    expect(requirement(world)).toMatchObject({
      dsFeasibility: "feasible_with_conditions",
      itFeasibility: "feasible",
      itAssessedById: people.ivan.id,
      feasibility: "feasible_with_conditions",
    });
  });

  it("a member assesses for their own seat only; business does not assess", () => {
    const world = readyProject();
    const r = requirement(world);
    refused(
      () =>
        assessRequirement({
          actor: actorOf(people.farid),
          requirementId: world.requirementId,
          version: r.itVersion,
          feasibility: "infeasible",
          note: "",
          conditions: "No.",
          discipline: "it",
        }),
      ForbiddenError,
    );
    refused(
      () =>
        assessRequirement({
          actor: actorOf(people.bruno),
          requirementId: world.requirementId,
          feasibility: "feasible",
          note: "",
          conditions: "",
        }),
      ForbiddenError,
    );
  });
});

// ---------- attestations ----------

describe("attestations: evidence links and who may clear them", () => {
  it("an evidence link must be http or https: javascript: is refused next to the field", () => {
    const world = readyProject();
    for (const evidenceUrl of [
      "javascript:alert(document.cookie)",
      "data:text/html,hi",
      "wiki/page",
      "ftp://files.example.com/x",
    ]) {
      const error = refused(
        () =>
          attest({
            actor: actorOf(people.ivan),
            reviewId: world.review.id,
            key: RUNBOOK,
            note: "Tested.",
            evidenceUrl,
          }),
        ValidationError,
      );
      expect(error.fields.evidenceUrl, evidenceUrl).toMatch(/http:\/\/ or https:\/\//);
    }
    expect(
      written(() =>
        attest({
          actor: actorOf(people.ivan),
          reviewId: world.review.id,
          key: RUNBOOK,
          note: "Tested.",
          evidenceUrl: "https://wiki.example.com/runbook",
        }),
      ),
    ).toEqual(["gate.attested"]);
    expect(view(world).criteria.find((c) => c.key === RUNBOOK)).toMatchObject({
      met: true,
      evidenceUrl: "https://wiki.example.com/runbook",
      attestedByName: "Ivan Infra",
    });
  });

  it("an IT attestation is cleared by its author or another IT member, never by business", () => {
    const world = readyProject();
    refused(
      () => attest({ actor: actorOf(people.brigitte), reviewId: world.review.id, key: RUNBOOK, note: "", clear: true }),
      ForbiddenError,
    );
    refused(
      () => attest({ actor: actorOf(people.farid), reviewId: world.review.id, key: RUNBOOK, note: "", clear: true }),
      ForbiddenError,
    );
    // Olga attested it (readyProject); Ivan is IT too
    expect(
      written(() =>
        attest({ actor: actorOf(people.ivan), reviewId: world.review.id, key: RUNBOOK, note: "", clear: true }),
      ),
    ).toEqual(["gate.attestation_cleared"]);
    attest({ actor: actorOf(people.olga), reviewId: world.review.id, key: RUNBOOK, note: "Tested again." });
    expect(
      written(() =>
        attest({ actor: actorOf(people.olga), reviewId: world.review.id, key: RUNBOOK, note: "", clear: true }),
      ),
    ).toEqual(["gate.attestation_cleared"]);
    expect(view(world).criteria.find((c) => c.key === RUNBOOK)).toMatchObject({
      met: false,
      attestedByName: null,
      evidenceUrl: null,
    });
  });

  it("whoever attested it may clear it, even after an admin moved them to another discipline", () => {
    // docs/domain.md: "An attestation can be cleared only by whoever attested it or by a
    // member of its discipline."
    const world = readyProject();
    const iris = createTestUserSync.pop()!;
    addMember({ actor: actorOf(people.brigitte), projectId: world.project.id, userId: iris.id });
    attest({ actor: actorOf(iris), reviewId: world.review.id, key: RUNBOOK, note: "I ran it myself." });
    const moved = updateUserAccess({
      actor: actorOf(people.admin),
      userId: iris.id,
      discipline: "business",
      role: "member",
      version: iris.version,
    });
    expect(moved.discipline).toBe("business");
    const irisNow: Actor = { ...actorOf(iris), discipline: "business" };
    expect(
      written(() => attest({ actor: irisNow, reviewId: world.review.id, key: RUNBOOK, note: "", clear: true })),
    ).toEqual(["gate.attestation_cleared"]);
  });

  it("a criterion any member may attest belongs to the attester's discipline: its author or that discipline clears it", () => {
    const world = readyProject();
    // Farid (data science) attested privacy_security_reviewed in readyProject
    refused(
      () =>
        attest({
          actor: actorOf(people.olga),
          reviewId: world.review.id,
          key: "privacy_security_reviewed",
          note: "",
          clear: true,
        }),
      ForbiddenError,
    );
    refused(
      () =>
        attest({
          actor: actorOf(people.bruno),
          reviewId: world.review.id,
          key: "privacy_security_reviewed",
          note: "",
          clear: true,
        }),
      ForbiddenError,
    );
    expect(
      written(() =>
        attest({
          actor: actorOf(people.dora),
          reviewId: world.review.id,
          key: "privacy_security_reviewed",
          note: "",
          clear: true,
        }),
      ),
    ).toEqual(["gate.attestation_cleared"]);
  });
});

// ---------- required approvals (last: it changes the gate policy) ----------

describe("a gate that needs two approvals per discipline", () => {
  it("needs two counting approvals from each discipline; reviews keep the number they opened with", () => {
    const policy = getGatePolicy("pilot");
    expect(policy).toMatchObject({ requiredApprovals: 1, version: 0 });
    refused(
      () => setRequiredApprovals({ actor: actorOf(people.brigitte), stage: "pilot", requiredApprovals: 2, version: 0 }),
      ForbiddenError,
    );
    expect(
      written(() =>
        setRequiredApprovals({ actor: actorOf(people.admin), stage: "pilot", requiredApprovals: 2, version: 0 }),
      ),
    ).toEqual(["gate_policy.updated"]);
    refused(
      () => setRequiredApprovals({ actor: actorOf(people.admin), stage: "pilot", requiredApprovals: 3, version: 0 }),
      ConflictError,
    );

    const world = readyProject();
    expect(world.review.requiredApprovals).toBe(2);
    approveAll(world);
    expect(view(world).panels.map((p) => [p.discipline, p.status, p.approvals, p.required])).toEqual([
      ["business", "missing", 1, 2],
      ["data_science", "missing", 1, 2],
      ["it", "missing", 1, 2],
    ]);
    const error = refused(() => promote({ actor: actorOf(people.brigitte), reviewId: world.review.id }), ConflictError);
    expect(error.details).toEqual([
      "Business needs 2 approvals; it has 1.",
      "Data science needs 2 approvals; it has 1.",
      "IT operations needs 2 approvals; it has 1.",
    ]);

    // the policy goes back to 1: this review still needs 2
    setRequiredApprovals({
      actor: actorOf(people.admin),
      stage: "pilot",
      requiredApprovals: 1,
      version: getGatePolicy("pilot").version,
    });
    expect(view(world).review.requiredApprovals).toBe(2);
    sign(world, people.bruno);
    sign(world, people.dora);
    expect(view(world).canPromote).toBe(false);
    sign(world, people.ivan);
    expect(view(world).panels.map((p) => p.status)).toEqual(["approved", "approved", "approved"]);
    expect(promote({ actor: actorOf(people.brigitte), reviewId: world.review.id }).stage).toBe("pilot");

    // and a review opened now needs one
    expect(readyProject().review.requiredApprovals).toBe(1);
  });

  it("the model refuses a number of approvals outside 1–5, not only the admin form", () => {
    // Zero would let a review through without a single sign-off; the API and the CLI call the
    // model directly, so the model checks it too (gatePolicySchema allows 1–5).
    for (const bad of [0, -1, 6, 1.5]) {
      const error = refused(
        () =>
          setRequiredApprovals({
            actor: actorOf(people.admin),
            stage: "production",
            requiredApprovals: bad,
            version: getGatePolicy("production").version,
          }),
        ValidationError,
      );
      expect(Object.keys(error.fields), String(bad)).toEqual(["requiredApprovals"]);
    }
  });
});
