/**
 * Accountable sign-off through the JSON API alone (docs/domain.md, "Sign-off rules"): seats in
 * the person's own discipline, every member's sign-off kept, a "changes requested" blocking its
 * discipline until the owner dismisses it with a reason, the conversation on a review, verdicts
 * per discipline, the list of reviews, withdrawing, and holding and resuming a project. Every
 * refused request is checked to have written nothing.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { apiErrorSchema } from "~/api/route-table.server";
import { apiLimiter } from "~/api/handler.server";
import { activitySince, countRows, lastActivityId, resetDatabase, sqlite } from "../support/database";
import { api, snapshotTables, userWithToken, type ApiAnswer, type ApiCall, type TokenUser } from "./api-support";

let owner: TokenUser;
let dara: TokenUser;
let dmitri: TokenUser;
let ivo: TokenUser;
let _irene: TokenUser;
let outsider: TokenUser;

beforeAll(async () => {
  resetDatabase();
  owner = await userWithToken({ name: "Bea Business", discipline: "business" });
  dara = await userWithToken({ name: "Dara Data", discipline: "data_science" });
  dmitri = await userWithToken({ name: "Dmitri Deep", discipline: "data_science" });
  ivo = await userWithToken({ name: "Ivo Ops", discipline: "it" });
  _irene = await userWithToken({ name: "Irene Infra", discipline: "it" });
  outsider = await userWithToken({ name: "Otto Outsider", discipline: "business" });
});

beforeEach(() => apiLimiter.reset());

/** Expects the request refused with `status`/`code` in the error shape, and nothing written. */
async function refused(status: number, code: string, method: string, path: string, call: ApiCall): Promise<ApiAnswer> {
  const before = snapshotTables(sqlite());
  const answer = await api(method, path, call);
  expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status, code });
  expect(apiErrorSchema.safeParse(answer.body).success).toBe(true);
  expect(snapshotTables(sqlite())).toEqual(before);
  return answer;
}

async function ok(method: string, path: string, call: ApiCall, status = 200) {
  const answer = await api(method, path, call);
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  return answer.body;
}

/** A project with a full team (two data scientists), a must-have both disciplines found feasible, ready for its PoC gate. */
async function readyProject(name: string) {
  const { project } = await ok("POST", "/api/v1/projects", { token: owner.token, body: { name } }, 201);
  const slug: string = project.slug;
  for (const person of [dara, dmitri, ivo]) {
    await ok("POST", `/api/v1/projects/${slug}/members`, { token: owner.token, body: { email: person.email } }, 201);
  }
  const { requirement } = await ok(
    "POST",
    `/api/v1/projects/${slug}/requirements`,
    {
      token: owner.token,
      body: { title: "Warn before customers churn", target: "precision >= 0.8", priority: "must" },
    },
    201,
  );
  for (const person of [dara, ivo]) {
    await ok("POST", `/api/v1/projects/${slug}/requirements/${requirement.id}/assessment`, {
      token: person.token,
      body: { feasibility: "feasible" },
    });
  }
  return { slug, projectId: project.id as number, requirementId: requirement.id as number };
}

async function openReview(slug: string, statement = "The model beats the baseline on last quarter.") {
  const { review } = await ok(
    "POST",
    `/api/v1/projects/${slug}/gate-reviews`,
    { token: owner.token, body: { statement } },
    201,
  );
  return review as { id: number; criteria: Array<{ key: string; kind: string }> };
}

async function attestAll(slug: string, review: { id: number; criteria: Array<{ key: string; kind: string }> }) {
  for (const c of review.criteria.filter((c) => c.kind === "attestation")) {
    await ok("POST", `/api/v1/projects/${slug}/gate-reviews/${review.id}/attestations/${c.key}`, {
      token: dara.token,
      body: { note: "Checked with the data owners." },
    });
  }
}

const panelOf = (review: { signoffs: Array<{ discipline: string }> }, discipline: string) =>
  review.signoffs.find((p) => p.discipline === discipline) as any;

describe("seats in the person's own discipline", () => {
  it("refuses a member added as another discipline with fields.discipline, and seats them as their own when it is left out", async () => {
    const { project } = await ok("POST", "/api/v1/projects", { token: owner.token, body: { name: "Seat rules" } }, 201);
    const members = countRows("memberships");
    const answer = await refused(400, "invalid_request", "POST", `/api/v1/projects/${project.slug}/members`, {
      token: owner.token,
      body: { email: ivo.email, discipline: "data_science" },
    });
    expect(answer.body.error.fields.discipline).toMatch(/Ivo Ops is IT operations on their profile/);
    expect(countRows("memberships")).toBe(members);

    const added = await ok(
      "POST",
      `/api/v1/projects/${project.slug}/members`,
      { token: owner.token, body: { email: ivo.email } },
      201,
    );
    expect(added.member).toMatchObject({ userId: ivo.id, discipline: "it" });
  });
});

describe("feasibility per discipline", () => {
  it("keeps a verdict per discipline with its own version: a stale one is a 409, another discipline's seat a 403", async () => {
    const { project } = await ok("POST", "/api/v1/projects", { token: owner.token, body: { name: "Verdicts" } }, 201);
    const slug: string = project.slug;
    for (const person of [dara, ivo]) {
      await ok("POST", `/api/v1/projects/${slug}/members`, { token: owner.token, body: { email: person.email } }, 201);
    }
    const { requirement } = await ok(
      "POST",
      `/api/v1/projects/${slug}/requirements`,
      { token: owner.token, body: { title: "Forecast weekly demand", target: "MAPE <= 15%", priority: "must" } },
      201,
    );
    const path = `/api/v1/projects/${slug}/requirements/${requirement.id}/assessment`;
    expect(requirement.verdicts.data_science.version).toBe(1);

    const first = await ok("POST", path, {
      token: dara.token,
      body: { feasibility: "feasible_with_conditions", conditions: "Needs two years of sales.", version: 1 },
    });
    expect(first.requirement).toMatchObject({
      feasibility: "unassessed",
      verdicts: {
        data_science: {
          feasibility: "feasible_with_conditions",
          conditions: "Needs two years of sales.",
          assessedBy: { id: dara.id, name: "Dara Data" },
          version: 2,
        },
        it: { feasibility: "unassessed", version: 1 },
      },
    });

    // Someone who read version 1 of the data science verdict saves late.
    const stale = await refused(409, "conflict", "POST", path, {
      token: dara.token,
      body: { feasibility: "infeasible", conditions: "No data.", version: 1 },
    });
    expect(stale.body.error.message).toMatch(
      /The Data science verdict on “Forecast weekly demand” was changed .* feasible with conditions/i,
    );

    // IT's verdict has its own version: version 1 is still current there.
    const it = await ok("POST", path, {
      token: ivo.token,
      body: { feasibility: "infeasible", conditions: "No GPU budget.", version: 1 },
    });
    expect(it.requirement).toMatchObject({
      feasibility: "infeasible",
      verdicts: { it: { feasibility: "infeasible", version: 2 } },
    });

    await refused(403, "forbidden", "POST", path, {
      token: ivo.token,
      body: { feasibility: "feasible", discipline: "data_science" },
    });
    await refused(400, "invalid_request", "POST", path, {
      token: ivo.token,
      body: { feasibility: "feasible", discipline: "marketing" },
    });

    const detail = await ok("GET", `/api/v1/projects/${slug}`, { token: outsider.token });
    expect(detail.project.requirements[0]).toMatchObject({
      id: requirement.id,
      feasibility: "infeasible",
      verdicts: { data_science: { version: 2 }, it: { version: 2 } },
    });
  });
});

describe("every member's sign-off, objections and their dismissal", () => {
  let slug: string;
  let reviewId: number;
  let changesId: number;

  it("shows each data scientist's sign-off; one request for changes blocks the discipline and promotion", async () => {
    ({ slug } = await readyProject("Churn radar"));
    const review = await openReview(slug);
    reviewId = review.id;
    await attestAll(slug, review);
    const base = `/api/v1/projects/${slug}/gate-reviews/${reviewId}`;

    await ok("POST", `${base}/signoffs`, { token: owner.token, body: { decision: "approve" } }, 201);
    await ok(
      "POST",
      `${base}/signoffs`,
      {
        token: ivo.token,
        body: {
          decision: "approve_with_conditions",
          comment: "Fine for a pilot.",
          conditions: [
            { title: "Add alerting on the nightly job", principalDays: 3, interestDays: 0.5 },
            { title: "Document the rollback" },
          ],
        },
      },
      201,
    ).then(async (signed) => {
      const [withEstimate, withoutEstimate] = signed.signoff.conditionDebtItemIds as number[];
      expect((await ok("GET", `/api/v1/debt/${withEstimate}`, { token: ivo.token })).debtItem).toMatchObject({
        principalDays: 3,
        interestDays: 0.5,
      });
      expect((await ok("GET", `/api/v1/debt/${withoutEstimate}`, { token: ivo.token })).debtItem).toMatchObject({
        principalDays: 0,
        interestDays: 0,
      });
    });
    await ok(
      "POST",
      `${base}/signoffs`,
      { token: dara.token, body: { decision: "approve", comment: "Precision holds." } },
      201,
    );
    const objection = await ok(
      "POST",
      `${base}/signoffs`,
      {
        token: dmitri.token,
        body: { decision: "changes_requested", comment: "Check the leakage in the tenure feature." },
      },
      201,
    );
    changesId = objection.signoff.id;

    const ds = panelOf(objection.review, "data_science");
    expect(ds).toMatchObject({ status: "changes_requested", approvals: 1, required: 1 });
    expect(ds.members).toHaveLength(2);
    expect(ds.members).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          user: { id: dara.id, name: "Dara Data" },
          decision: "approve",
          standing: "approved",
          dismissed: null,
        }),
        expect.objectContaining({
          id: changesId,
          user: { id: dmitri.id, name: "Dmitri Deep" },
          decision: "changes_requested",
          comment: "Check the leakage in the tenure feature.",
          standing: "changes_requested",
          changes: [],
          dismissed: null,
        }),
      ]),
    );
    for (const m of ds.members) expect(m.signedAt).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
    expect(panelOf(objection.review, "it")).toMatchObject({ status: "approved_with_conditions" });

    const blocked = await refused(409, "promotion_blocked", "POST", `${base}/promote`, { token: owner.token });
    expect(blocked.body.error.blockers.join(" ")).toMatch(/Data science/);
  });

  it("lets only the owner dismiss, only a current request for changes, and only with a reason", async () => {
    const base = `/api/v1/projects/${slug}/gate-reviews/${reviewId}`;
    const approvalId = (await ok("GET", base, { token: owner.token })).review.signoffs
      .find((p: any) => p.discipline === "data_science")
      .members.find((m: any) => m.user.id === dara.id).id;

    const notOwner = await refused(403, "forbidden", "POST", `${base}/signoffs/${changesId}/dismiss`, {
      token: dara.token,
      body: { reason: "We can live with it." },
    });
    expect(notOwner.body.error.message).toBeTruthy();
    await refused(409, "conflict", "POST", `${base}/signoffs/${approvalId}/dismiss`, {
      token: owner.token,
      body: { reason: "Not an objection." },
    });
    const noReason = await refused(400, "invalid_request", "POST", `${base}/signoffs/${changesId}/dismiss`, {
      token: owner.token,
      body: { reason: " " },
    });
    expect(noReason.body.error.fields.reason).toMatch(/why the requested changes are not needed/);
    await refused(404, "not_found", "POST", `${base}/signoffs/999999/dismiss`, {
      token: owner.token,
      body: { reason: "Ghost sign-off." },
    });

    const since = lastActivityId();
    const dismissed = await ok("POST", `${base}/signoffs/${changesId}/dismiss`, {
      token: owner.token,
      body: { reason: "Tenure is computed before the churn date; no leakage." },
    });
    const ds = panelOf(dismissed.review, "data_science");
    expect(ds).toMatchObject({ status: "approved", approvals: 1 });
    const lifted = ds.members.find((m: any) => m.id === changesId);
    expect(lifted).toMatchObject({
      standing: "dismissed",
      decision: "changes_requested",
      dismissed: { reason: "Tenure is computed before the churn date; no leakage.", by: { name: "Bea Business" } },
    });
    expect(lifted.dismissed.at).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
    expect(dismissed.review.canPromote).toBe(true);
    expect(activitySince(since).map((r) => [r.action, r.via, r.actor_id])).toEqual([
      ["gate.changes_request_dismissed", "api", owner.id],
    ]);

    await refused(409, "conflict", "POST", `${base}/signoffs/${changesId}/dismiss`, {
      token: owner.token,
      body: { reason: "Twice." },
    });
  });

  it("keeps the conversation: mentions, a reply to a sign-off, edits by the author only", async () => {
    const base = `/api/v1/projects/${slug}/gate-reviews/${reviewId}/comments`;
    expect(await ok("GET", base, { token: outsider.token })).toEqual({ comments: [] });

    await refused(403, "forbidden", "POST", base, { token: outsider.token, body: { body: "Can I weigh in?" } });
    const badReply = await refused(400, "invalid_request", "POST", base, {
      token: ivo.token,
      body: { body: "Replying", replyToSignOffId: 999999 },
    });
    expect(badReply.body.error.fields.replyToSignOffId).toMatch(/not part of this review/);

    const since = lastActivityId();
    const posted = await ok(
      "POST",
      base,
      { token: ivo.token, body: { body: "@Dara can you confirm the tenure cut-off?", replyToSignOffId: changesId } },
      201,
    );
    expect(posted.comment).toMatchObject({
      body: "@Dara can you confirm the tenure cut-off?",
      author: { id: ivo.id, name: "Ivo Ops" },
      version: 1,
      editedAt: null,
      replyTo: { signOffId: changesId, name: "Dmitri Deep", decision: "changes_requested", discipline: "data_science" },
      mentions: [{ id: dara.id, name: "Dara Data" }],
      revisions: [],
    });
    expect(posted.comment.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
    const commentId: number = posted.comment.id;

    const listed = await ok("GET", base, { token: outsider.token });
    expect(listed.comments).toHaveLength(1);
    expect(listed.comments[0]).toMatchObject({
      id: commentId,
      mentions: [{ id: dara.id }],
      replyTo: { signOffId: changesId },
    });

    const forbidden = await refused(403, "forbidden", "PATCH", `${base}/${commentId}`, {
      token: dara.token,
      body: { body: "Rewritten by someone else", version: 1 },
    });
    expect(forbidden.body.error.message).toMatch(/Only the author/);
    await refused(404, "not_found", "PATCH", `${base}/999999`, {
      token: ivo.token,
      body: { body: "Ghost", version: 1 },
    });

    const edited = await ok("PATCH", `${base}/${commentId}`, {
      token: ivo.token,
      body: { body: "@Dmitri can you confirm the tenure cut-off?", version: 1 },
    });
    expect(edited.comment).toMatchObject({
      body: "@Dmitri can you confirm the tenure cut-off?",
      version: 2,
      mentions: [{ id: dmitri.id, name: "Dmitri Deep" }],
      revisions: [{ body: "@Dara can you confirm the tenure cut-off?" }],
    });
    expect(edited.comment.editedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(edited.comment.revisions[0].replacedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    await refused(409, "conflict", "PATCH", `${base}/${commentId}`, {
      token: ivo.token,
      body: { body: "A late edit", version: 1 },
    });
    expect(activitySince(since).map((r) => [r.action, r.via, r.actor_id])).toEqual([
      ["gate.commented", "api", ivo.id],
      ["gate.comment_edited", "api", ivo.id],
    ]);
  });

  it("promotes once the dismissed objection no longer blocks, and keeps the review as it closed", async () => {
    const base = `/api/v1/projects/${slug}/gate-reviews/${reviewId}`;
    const promoted = await ok("POST", `${base}/promote`, { token: owner.token });
    expect(promoted).toMatchObject({ stage: "pilot", project: { stage: "pilot" } });

    const closed = (await ok("GET", base, { token: outsider.token })).review;
    expect(closed).toMatchObject({
      status: "promoted",
      statement: "The model beats the baseline on last quarter.",
      requiredApprovals: 1,
      blockers: [],
    });
    expect(panelOf(closed, "data_science").members.find((m: any) => m.id === changesId)).toMatchObject({
      standing: "dismissed",
      dismissed: { reason: "Tenure is computed before the churn date; no leakage." },
    });

    // A closed review takes no more comments.
    await refused(409, "conflict", "POST", `${base}/comments`, { token: ivo.token, body: { body: "Too late?" } });
  });
});

describe("stale sign-offs", () => {
  it("says what changed since a member signed", async () => {
    const { slug, requirementId } = await readyProject("Stale after edit");
    const review = await openReview(slug);
    const base = `/api/v1/projects/${slug}/gate-reviews/${review.id}`;
    await ok("POST", `${base}/signoffs`, { token: dara.token, body: { decision: "approve" } }, 201);
    const { project } = await ok("GET", `/api/v1/projects/${slug}`, { token: owner.token });
    const requirement = project.requirements.find((r: { id: number }) => r.id === requirementId);
    await ok("PATCH", `/api/v1/projects/${slug}/requirements/${requirementId}`, {
      token: owner.token,
      body: { version: requirement.version, target: "precision >= 0.9" },
    });
    const ds = panelOf((await ok("GET", base, { token: outsider.token })).review, "data_science");
    expect(ds.status).toBe("stale");
    expect(ds.members[0]).toMatchObject({ user: { id: dara.id }, standing: "stale" });
    expect(ds.members[0].changes.length).toBeGreaterThan(0);
    expect(ds.members[0].changes.join(" ")).toMatch(/Warn before customers churn/);
  });
});

describe("listing, withdrawing and attestation evidence", () => {
  it("lists the reviews, attests with an evidence link, refuses a clear by someone not allowed, withdraws with a note", async () => {
    const { slug } = await readyProject("Demand forecast");
    const review = await openReview(slug, "Two stores ran it for a month.");
    const base = `/api/v1/projects/${slug}/gate-reviews/${review.id}`;
    const key = review.criteria.find((c) => c.kind === "attestation")!.key;

    const badLink = await refused(400, "invalid_request", "POST", `${base}/attestations/${key}`, {
      token: dara.token,
      body: { note: "Checked.", evidenceUrl: "ftp://files.example.com/report" },
    });
    expect(badLink.body.error.fields.evidenceUrl).toMatch(/http/);
    const attested = await ok("POST", `${base}/attestations/${key}`, {
      token: dara.token,
      body: { note: "Data quality report reviewed.", evidenceUrl: "https://wiki.example.com/dq-report" },
    });
    expect(attested.review.criteria.find((c: any) => c.key === key)).toMatchObject({
      met: true,
      attestedBy: { id: dara.id },
      attestationNote: "Data quality report reviewed.",
      evidenceUrl: "https://wiki.example.com/dq-report",
    });

    // Clearing: only whoever attested or a member of their discipline.
    await refused(403, "forbidden", "DELETE", `${base}/attestations/${key}`, { token: ivo.token });
    await refused(403, "forbidden", "DELETE", `${base}/attestations/${key}`, { token: outsider.token });
    const cleared = await ok("DELETE", `${base}/attestations/${key}`, { token: dmitri.token });
    expect(cleared.review.criteria.find((c: any) => c.key === key)).toMatchObject({
      met: false,
      attestedBy: null,
      evidenceUrl: null,
    });
    await refused(409, "conflict", "DELETE", `${base}/attestations/${key}`, { token: dmitri.token });

    const listed = await ok("GET", `/api/v1/projects/${slug}/gate-reviews`, { token: outsider.token });
    expect(listed.reviews).toEqual([
      expect.objectContaining({
        id: review.id,
        fromStage: "poc",
        targetStage: "pilot",
        status: "open",
        statement: "Two stores ran it for a month.",
        openedBy: { id: owner.id, name: "Bea Business" },
        closedAt: null,
        closedBy: null,
        closeNote: null,
      }),
    ]);
    expect(listed.reviews[0].openedAt).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);

    await refused(403, "forbidden", "POST", `${base}/withdraw`, {
      token: outsider.token,
      body: { note: "Not mine to withdraw." },
    });
    const since = lastActivityId();
    const withdrawn = await ok("POST", `${base}/withdraw`, {
      token: dara.token,
      body: { note: "Waiting for the new sales feed." },
    });
    expect(withdrawn.review).toMatchObject({
      id: review.id,
      status: "withdrawn",
      closeNote: "Waiting for the new sales feed.",
      canPromote: false,
    });
    expect(activitySince(since).map((r) => [r.action, r.via, r.actor_id])).toEqual([
      ["gate.review_withdrawn", "api", dara.id],
    ]);
    await refused(409, "conflict", "POST", `${base}/withdraw`, { token: dara.token, body: {} });

    const after = await ok("GET", `/api/v1/projects/${slug}/gate-reviews`, { token: outsider.token });
    expect(after.reviews[0]).toMatchObject({
      status: "withdrawn",
      closedBy: { id: dara.id, name: "Dara Data" },
      closeNote: "Waiting for the new sales feed.",
    });
    expect(after.reviews[0].closedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    // A review of another project is not found here.
    const other = await ok("POST", "/api/v1/projects", { token: owner.token, body: { name: "Someone else's" } }, 201);
    await refused(
      404,
      "not_found",
      "POST",
      `/api/v1/projects/${other.project.slug}/gate-reviews/${review.id}/withdraw`,
      {
        token: owner.token,
        body: {},
      },
    );
  });

  it("refuses a review without a statement, and a second open review", async () => {
    const { slug } = await readyProject("Statement needed");
    const reviews = countRows("gate_reviews");
    const missing = await refused(400, "invalid_request", "POST", `/api/v1/projects/${slug}/gate-reviews`, {
      token: owner.token,
      body: { statement: "ok" },
    });
    expect(missing.body.error.fields.statement).toMatch(/why the project is ready/);
    expect(countRows("gate_reviews")).toBe(reviews);
    await openReview(slug);
    await refused(409, "conflict", "POST", `/api/v1/projects/${slug}/gate-reviews`, {
      token: owner.token,
      body: { statement: "Once more." },
    });
  });
});

describe("project state", () => {
  it("puts a project on hold and resumes it (owner only, with the version); stopping needs a cause and a note", async () => {
    const { project } = await ok(
      "POST",
      "/api/v1/projects",
      { token: owner.token, body: { name: "Hold and resume" } },
      201,
    );
    await ok(
      "POST",
      `/api/v1/projects/${project.slug}/members`,
      { token: owner.token, body: { email: dara.email } },
      201,
    );
    const path = `/api/v1/projects/${project.slug}/state`;

    const notOwner = await refused(403, "forbidden", "POST", path, {
      token: dara.token,
      body: { to: "on_hold", version: project.version },
    });
    expect(notOwner.body.error.message).toBeTruthy();
    const stop = await refused(400, "invalid_request", "POST", path, {
      token: owner.token,
      body: { to: "stopped", version: project.version },
    });
    expect(Object.keys(stop.body.error.fields).sort()).toEqual(["stopCause", "stopNote"]);
    const unknown = await refused(400, "invalid_request", "POST", path, {
      token: owner.token,
      body: { to: "paused", version: project.version },
    });
    expect(unknown.body.error.fields.to).toBeTruthy();
    await refused(400, "invalid_request", "POST", path, {
      token: owner.token,
      body: { to: "on_hold", version: project.version, reason: "x" },
    });
    await refused(409, "conflict", "POST", path, {
      token: owner.token,
      body: { to: "retired", version: project.version },
    });

    const since = lastActivityId();
    const held = await ok("POST", path, { token: owner.token, body: { to: "on_hold", version: project.version } });
    expect(held.project).toMatchObject({ state: "on_hold", version: project.version + 1 });

    // Gate reviews pause while on hold.
    await refused(403, "forbidden", "POST", `/api/v1/projects/${project.slug}/gate-reviews`, {
      token: dara.token,
      body: { statement: "While on hold?" },
    });
    const stale = await refused(409, "conflict", "POST", path, {
      token: owner.token,
      body: { to: "active", version: project.version },
    });
    expect(stale.body.error.message).toMatch(/changed by someone else/);

    const resumed = await ok("POST", path, {
      token: owner.token,
      body: { to: "active", version: held.project.version },
    });
    expect(resumed.project).toMatchObject({ state: "active", version: project.version + 2 });
    expect(activitySince(since).map((r) => [r.action, r.via, r.actor_id])).toEqual([
      ["project.state_changed", "api", owner.id],
      ["project.state_changed", "api", owner.id],
    ]);
  });
});
