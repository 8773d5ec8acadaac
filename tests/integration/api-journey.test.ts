/**
 * The whole PoC -> Pilot journey through the JSON API alone, with three tokens of three
 * disciplines: create the project, build the team, state a requirement and give both
 * feasibility verdicts, open the gate review with a statement, attest, sign off three times,
 * promote. Every write is in the activity log with
 * the token's user and via "api".
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { apiLimiter } from "~/api/handler.server";
import { activitySince, lastActivityId, resetDatabase } from "../support/database";
import { api, userWithToken, type TokenUser } from "./api-support";

let business: TokenUser;
let science: TokenUser;
let it_: TokenUser;

beforeAll(async () => {
  resetDatabase();
  business = await userWithToken({ name: "Bea Business", discipline: "business" });
  science = await userWithToken({ name: "Dara Data", discipline: "data_science" });
  it_ = await userWithToken({ name: "Ivo Ops", discipline: "it" });
});

beforeEach(() => apiLimiter.reset());

describe("PoC -> Pilot through the API", () => {
  it("takes a project through its first gate with three tokens", async () => {
    const since = lastActivityId();

    const created = await api("POST", "/api/v1/projects", {
      token: business.token,
      body: { name: "Churn radar", summary: "Flag customers about to leave.", businessCase: "Keep 2% more customers." },
    });
    expect(created.status).toBe(201);
    expect(created.body.project).toMatchObject({
      name: "Churn radar",
      stage: "poc",
      state: "active",
      owner: { id: business.id },
    });
    expect(created.body.project.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const slug: string = created.body.project.slug;

    for (const [person, discipline] of [
      [science, "data_science"],
      [it_, "it"],
    ] as const) {
      const added = await api("POST", `/api/v1/projects/${slug}/members`, {
        token: business.token,
        body: { email: person.email.toUpperCase(), discipline },
      });
      expect(added.status).toBe(201);
      expect(added.body.member).toMatchObject({ userId: person.id, discipline });
    }

    const requirement = await api("POST", `/api/v1/projects/${slug}/requirements`, {
      token: business.token,
      body: { title: "Warn before customers churn", target: "precision >= 0.8 on last quarter", priority: "must" },
    });
    expect(requirement.status).toBe(201);
    const requirementId: number = requirement.body.requirement.id;

    const assessed = await api("POST", `/api/v1/projects/${slug}/requirements/${requirementId}/assessment`, {
      token: it_.token,
      body: { feasibility: "feasible", note: "The CRM export is daily; enough." },
    });
    expect(assessed.status).toBe(200);
    // One verdict of two: the combined feasibility waits for data science.
    expect(assessed.body.requirement).toMatchObject({
      feasibility: "unassessed",
      verdicts: {
        it: {
          feasibility: "feasible",
          note: "The CRM export is daily; enough.",
          assessedBy: { id: it_.id, name: "Ivo Ops" },
          version: 2,
        },
        data_science: { feasibility: "unassessed", assessedBy: null, version: 1 },
      },
    });
    expect(assessed.body.requirement.verdicts.it.assessedAt).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
    const bothAssessed = await api("POST", `/api/v1/projects/${slug}/requirements/${requirementId}/assessment`, {
      token: science.token,
      body: { feasibility: "feasible", version: 1, discipline: "data_science" },
    });
    expect(bothAssessed.status).toBe(200);
    expect(bothAssessed.body.requirement).toMatchObject({
      feasibility: "feasible",
      verdicts: { data_science: { feasibility: "feasible", assessedBy: { id: science.id } } },
    });

    const opened = await api("POST", `/api/v1/projects/${slug}/gate-reviews`, {
      token: science.token,
      body: { statement: "The model beats the baseline on last quarter's data." },
    });
    expect(opened.status).toBe(201);
    const review = opened.body.review;
    expect(review).toMatchObject({
      targetStage: "pilot",
      status: "open",
      canPromote: false,
      statement: "The model beats the baseline on last quarter's data.",
      requiredApprovals: 1,
    });
    expect(review.signoffs.map((s: { discipline: string }) => s.discipline)).toEqual([
      "business",
      "data_science",
      "it",
    ]);
    expect(
      review.signoffs.every(
        (s: { status: string; members: unknown[] }) => s.status === "missing" && s.members.length === 0,
      ),
    ).toBe(true);
    expect(review.blockers.length).toBeGreaterThan(0);

    const attestations = review.criteria.filter((c: { kind: string }) => c.kind === "attestation");
    expect(attestations.length).toBeGreaterThan(0);
    for (const criterion of attestations) {
      const attested = await api(
        "POST",
        `/api/v1/projects/${slug}/gate-reviews/${review.id}/attestations/${criterion.key}`,
        { token: science.token, body: { note: `Checked: ${criterion.label}` } },
      );
      expect(attested.status).toBe(200);
      expect(attested.body.review.criteria.find((c: { key: string }) => c.key === criterion.key)).toMatchObject({
        met: true,
        attestedBy: { id: science.id },
      });
    }

    for (const person of [business, science, it_]) {
      const signed = await api("POST", `/api/v1/projects/${slug}/gate-reviews/${review.id}/signoffs`, {
        token: person.token,
        body: { decision: "approve", comment: "Ready for the pilot." },
      });
      expect(signed.status).toBe(201);
      expect(signed.body.signoff).toMatchObject({
        discipline: person.discipline,
        decision: "approve",
        user: { id: person.id },
      });
    }

    const ready = await api("GET", `/api/v1/projects/${slug}/gate-reviews/${review.id}`, { token: it_.token });
    expect(ready.status).toBe(200);
    expect(ready.body.review.blockers).toEqual([]);
    expect(ready.body.review.canPromote).toBe(true);
    for (const panel of ready.body.review.signoffs) {
      expect(panel).toMatchObject({ status: "approved", approvals: 1, required: 1 });
      expect(panel.members).toEqual([
        expect.objectContaining({
          decision: "approve",
          standing: "approved",
          changes: [],
          dismissed: null,
          comment: "Ready for the pilot.",
        }),
      ]);
      expect(panel.members[0].signedAt).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
    }
    expect(ready.body.review.criteria.every((c: { met: boolean }) => c.met)).toBe(true);
    for (const c of ready.body.review.criteria) {
      expect(Object.keys(c)).toEqual(expect.arrayContaining(["key", "label", "kind", "met", "detail"]));
    }

    const promoted = await api("POST", `/api/v1/projects/${slug}/gate-reviews/${review.id}/promote`, {
      token: business.token,
    });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ stage: "pilot", project: { slug, stage: "pilot" } });

    const project = await api("GET", `/api/v1/projects/${slug}`, { token: science.token });
    expect(project.body.project).toMatchObject({ stage: "pilot", currentReview: null });
    expect(project.body.project.members).toHaveLength(3);
    expect(project.body.project.requirements).toHaveLength(1);
    expect(project.body.project.debtTotals).toHaveProperty("technical");

    // Every write: one activity row by the token's user, via "api".
    const rows = activitySince(since).filter((r) => r.actor_id !== null);
    const expectedWrites = 1 + 2 + 1 + 2 + 1 + attestations.length + 3 + 1;
    expect(rows).toHaveLength(expectedWrites);
    expect(rows.every((r) => r.via === "api")).toBe(true);
    expect(rows.map((r) => r.action)).toEqual([
      "project.created",
      "member.added",
      "member.added",
      "requirement.created",
      "requirement.assessed",
      "requirement.assessed",
      "gate.review_opened",
      ...attestations.map(() => "gate.attested"),
      "gate.signed_off",
      "gate.signed_off",
      "gate.signed_off",
      "project.stage_changed",
    ]);
    expect(rows.find((r) => r.action === "requirement.assessed")?.actor_id).toBe(it_.id);
    expect(rows.find((r) => r.action === "project.stage_changed")?.actor_id).toBe(business.id);

    const log = await api("GET", `/api/v1/projects/${slug}/activity?limit=5`, { token: it_.token });
    expect(log.status).toBe(200);
    expect(log.body.activity).toHaveLength(5);
    expect(log.body.activity[0]).toMatchObject({
      action: "project.stage_changed",
      via: "api",
      actorName: "Bea Business",
    });
    expect(log.body.activity[0].at).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
    expect(log.body.activity[0].after).toMatchObject({ stage: "pilot" });
    expect(project.body.project.members[0].joinedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const next = await api("GET", `/api/v1/projects/${slug}/activity?limit=5&cursor=${log.body.nextCursor}`, {
      token: it_.token,
    });
    expect(next.body.activity[0].id).toBeLessThan(log.body.activity[4].id);
  });
});
