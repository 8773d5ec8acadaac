/**
 * The demo organisation under the accountable sign-off rules (app/demo/demo-gates.ts, seeded by
 * app/demo/demo.ts's seedDemo), read back through the models as the pages read it: seats are the
 * people's own disciplines; the open reviews show a dismissed objection with its reason, a
 * conversation replying to a request for changes, and a sign-off stale for data science only;
 * IT operations and data science disagree on a requirement; and every past promotion was
 * promotable when it happened (docs/domain.md, "Sign-off rules").
 */
import { beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { db } from "../../db/client.server";
import { activity, gateReviews, users } from "../../db/schema";
import { DEMO_PEOPLE, seedDemo, type DemoSeed } from "../../app/demo/demo";
import { getOpenReview, reviewSnapshot } from "~/models/gates.server";
import { mismatchesOf, listRequirements } from "~/models/requirements.server";
import { listComments } from "~/models/review-comments.server";
import { listTeam } from "~/models/team.server";
import { resetDatabase } from "../support/database";

const NOW = Date.UTC(2030, 5, 15, 12);
let seed: DemoSeed;

beforeAll(async () => {
  resetDatabase();
  seed = await seedDemo(db, { now: NOW, passwordHash: "not-a-real-hash" });
});

const projects = () => Object.values(seed.projects);
const openReviews = () =>
  projects()
    .map((p) => ({ project: p, view: getOpenReview(p.id) }))
    .filter((r): r is { project: (typeof r)["project"]; view: NonNullable<(typeof r)["view"]> } => r.view !== null);

describe("the demo under the sign-off rules", () => {
  it("seats every team member as their own discipline; the admin Ada is on no team as anything else", () => {
    const profile = new Map(
      db
        .select({ id: users.id, discipline: users.discipline })
        .from(users)
        .all()
        .map((u) => [u.id, u.discipline]),
    );
    let seats = 0;
    for (const project of projects()) {
      for (const member of listTeam(project.id)) {
        expect(member.discipline, `${member.name} on ${project.slug}`).toBe(profile.get(member.userId));
        seats += 1;
      }
    }
    expect(seats).toBeGreaterThan(30);
    expect(DEMO_PEOPLE.ada.discipline).toBe("it");
    const adaSeats = projects().flatMap((p) => listTeam(p.id).filter((m) => m.userId === seed.users.ada.id));
    expect(adaSeats.every((m) => m.discipline === "it")).toBe(true);
  });

  it("gives every open review a statement and one required approval", () => {
    const open = openReviews();
    expect(open.map((r) => r.project.key).sort()).toEqual(["churn", "pressLine3"]);
    for (const { view } of open) {
      expect(view.review.statement.length).toBeGreaterThan(20);
      expect(view.review.requiredApprovals).toBe(1);
    }
  });

  it("shows a request for changes the owner dismissed, with the reason, that no longer blocks", () => {
    const churn = getOpenReview(seed.projects.churn.id)!;
    const dismissed = churn.panels.flatMap((p) => p.signOffs).filter((s) => s.standing === "dismissed");
    expect(dismissed).toHaveLength(1);
    const [objection] = dismissed;
    expect(objection).toMatchObject({
      decision: "changes_requested",
      discipline: "it",
      userName: "Kemal Aksoy",
      dismissedByName: "Dana Whitfield",
    });
    expect(objection.dismissReason).toMatch(/data-protection officer/);
    expect(churn.blockers.join("\n")).not.toMatch(/Kemal/);
    const row = db
      .select({ summary: activity.summary })
      .from(activity)
      .where(and(eq(activity.action, "gate.changes_request_dismissed"), eq(activity.entityId, objection.id)))
      .get();
    expect(row?.summary).toMatch(/^Dana Whitfield dismissed Kemal Aksoy's request for changes \(IT operations\): /);
  });

  it("has a conversation that replies to a request for changes and mentions people", () => {
    const churn = getOpenReview(seed.projects.churn.id)!;
    const comments = listComments(churn.review.id);
    const reply = comments.find((c) => c.replyToDecision === "changes_requested");
    expect(reply).toMatchObject({ authorName: "Inês Duarte", replyToName: "Lena Novak", replyToDiscipline: "it" });
    const lena = churn.panels.find((p) => p.discipline === "it")!.signOffs.find((s) => s.userName === "Lena Novak")!;
    expect(lena.standing).toBe("changes_requested");
    expect(reply!.replyToSignOffId).toBe(lena.id);
    const mentioning = comments.find((c) => c.mentions.length > 0);
    expect(mentioning?.mentions.map((m) => m.name).sort()).toEqual(["Inês Duarte", "Lena Novak"]);
    const logged = db
      .select({ id: activity.entityId })
      .from(activity)
      .where(eq(activity.action, "gate.commented"))
      .all();
    expect(logged.map((r) => r.id).sort()).toEqual(comments.map((c) => c.id).sort());
  });

  it("has a requirement on which IT operations and data science disagree, with the reason", () => {
    const disagreeing = projects().flatMap((p) => mismatchesOf(listRequirements(p.id)).disagree);
    expect(disagreeing.length).toBeGreaterThanOrEqual(1);
    const oee = listRequirements(seed.projects.oeeDashboard.id).find(
      (r) => r.title === "Figures refreshed every 15 minutes",
    )!;
    expect(oee).toMatchObject({
      itFeasibility: "infeasible",
      itAssessedByName: "Mateo Rossi",
      dsFeasibility: "feasible",
      dsAssessedByName: "Hiro Tanaka",
      feasibility: "infeasible",
    });
    expect(oee.itConditions).toMatch(/MES/);
  });

  it("keeps each requirement's combined verdict consistent with the two verdicts", () => {
    for (const project of projects()) {
      for (const r of listRequirements(project.id)) {
        const both = [r.dsFeasibility, r.itFeasibility];
        const expected = both.includes("unassessed")
          ? "unassessed"
          : both.includes("infeasible")
            ? "infeasible"
            : both.includes("feasible_with_conditions")
              ? "feasible_with_conditions"
              : "feasible";
        expect(r.feasibility, r.title).toBe(expected);
        if (r.dsFeasibility !== "unassessed") expect(r.dsAssessedByName).toBeTruthy();
        if (r.itFeasibility !== "unassessed") expect(r.itAssessedByName).toBeTruthy();
      }
    }
    const assessed = db
      .select({ summary: activity.summary })
      .from(activity)
      .where(eq(activity.action, "requirement.assessed"))
      .all();
    expect(assessed.some((a) => / for IT operations as (feasible|infeasible)/.test(a.summary))).toBe(true);
    expect(assessed.some((a) => / for Data science as /.test(a.summary))).toBe(true);
  });

  it("has an open review where only data science's approval is stale, saying what changed", () => {
    const press = getOpenReview(seed.projects.pressLine3.id)!;
    const panel = (d: string) => press.panels.find((p) => p.discipline === d)!;
    const stale = panel("data_science").signOffs.filter((s) => s.standing === "stale");
    expect(stale).toHaveLength(1);
    expect(stale[0].userName).toBe("Farid Haddad");
    expect(stale[0].changes).toEqual([
      expect.stringMatching(/^Data science's conditions for “Catch at least 60 % of press failures” changed/),
    ]);
    expect(panel("data_science").status).toBe("stale");
    expect(panel("business")).toMatchObject({ status: "approved", approvals: 1 });
    expect(panel("business").signOffs.every((s) => s.standing !== "stale")).toBe(true);
    expect(panel("it")).toMatchObject({ status: "missing", signOffs: [] });
    expect(press.blockers).toContain(
      "Farid Haddad's sign-off for Data science is stale: what concerns Data science changed after Farid Haddad signed. Farid Haddad must renew it.",
    );
    expect(press.blockers).toContain("IT operations has not signed off.");

    // The churn review: the revised requirement staled data science's earlier approval only;
    // business and IT operations gave their word on the revised content.
    const churn = getOpenReview(seed.projects.churn.id)!;
    const churnStale = churn.panels.flatMap((p) => p.signOffs).filter((s) => s.standing === "stale");
    expect(churnStale.map((s) => s.discipline)).toEqual(["data_science"]);
    expect(churnStale[0].changes.join(" ")).toMatch(/Call list ready before the renewal window/);
  });

  it("shows every past promotion as promotable at its instant: approvals current, nothing blocking", () => {
    const promoted = db.select().from(gateReviews).where(eq(gateReviews.status, "promoted")).all();
    const promotions = projects().reduce((n, p) => n + p.promotions.length, 0);
    expect(promoted).toHaveLength(promotions);
    for (const review of promoted) {
      const snapshot = reviewSnapshot(review)!;
      expect(snapshot.blockers, `review #${review.id}`).toEqual([]);
      expect(Object.keys(snapshot.fingerprints ?? {}).sort()).toEqual(["business", "data_science", "it"]);
      expect(snapshot.criteria.every((c) => c.met)).toBe(true);
      expect(snapshot.criteria.some((c) => c.key === "no_open_debt_due_before_pilot")).toBe(
        review.targetStage === "pilot",
      );
      for (const panel of snapshot.panels) {
        expect(["approved", "approved_with_conditions"]).toContain(panel.status);
        expect(panel.signOffs.some((s) => s.standing === "approved" || s.standing === "approved_with_conditions")).toBe(
          true,
        );
      }
      expect(review.statement.length).toBeGreaterThan(20);
    }
  });
});
