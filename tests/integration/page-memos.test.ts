/**
 * The gate page (`openReviewPage`: the open review, its conditions and comments), a project's
 * overview (`projectOverview`) and the projects list (`listProjects`) are remembered until the
 * next write (issue 15): a change made through the app, or committed by another connection
 * (another worker, the operator CLI), shows on the very next read.
 */
import Database from "better-sqlite3";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { openReview, signOff } from "~/models/gates.server";
import { createProject, listProjects } from "~/models/projects.server";
import { addMember } from "~/models/team.server";
import { createRequirement } from "~/models/requirements.server";
import * as overviewRoute from "~/routes/projects.$slug._index";
import * as gateRoute from "~/routes/projects.$slug.gate._index";
import { callLoader } from "../support/requests";
import { createTestUser } from "../support/users";
import { actorOf, createDebtWorld, type DebtWorld } from "./debt-support";

let world: DebtWorld;
let reviewId: number;

beforeAll(async () => {
  world = await createDebtWorld("Remembered pages");
  reviewId = openReview({
    actor: actorOf(world.owner),
    projectId: world.project.id,
    statement: "Ready for the pilot gate.",
  }).id;
});

const others: Database.Database[] = [];
afterEach(() => {
  for (const other of others.splice(0)) other.close();
});
/** A commit by another connection to the same file, as another worker makes. */
function commitElsewhere(sql: string, ...params: unknown[]) {
  const other = new Database(process.env.DATABASE_URL!);
  others.push(other);
  other.prepare(sql).run(...params);
}

type GateData = { review: { statement: string; panels: { discipline: string; signOffs: { userName: string }[] }[] } };
type OverviewData = {
  team: { name: string }[];
  mismatches: number;
  activity: { summary: string }[];
};

async function gatePage(): Promise<GateData> {
  const path = `/projects/${world.project.slug}/gate`;
  const result = await callLoader<GateData>(gateRoute.loader, path, {
    cookie: world.cookies.scientist,
    params: { slug: world.project.slug },
  });
  expect(result.status).toBe(200);
  return structuredClone(result.data);
}

async function overviewPage(): Promise<OverviewData> {
  const path = `/projects/${world.project.slug}`;
  const result = await callLoader<OverviewData>(overviewRoute.loader, path, {
    cookie: world.cookies.scientist,
    params: { slug: world.project.slug },
  });
  expect(result.status).toBe(200);
  return structuredClone(result.data);
}

const signersOf = (data: GateData, discipline: string) =>
  data.review.panels.find((p) => p.discipline === discipline)!.signOffs.map((s) => s.userName);

describe("remembered pages show every change at once", () => {
  it("the gate page: a sign-off made in the app, and a statement changed by another connection", async () => {
    expect(signersOf(await gatePage(), "data_science")).toEqual([]);
    expect(signersOf(await gatePage(), "data_science")).toEqual([]); // remembered now
    signOff({ actor: actorOf(world.scientist), reviewId, decision: "approve", comment: "" });
    expect(signersOf(await gatePage(), "data_science")).toEqual([world.scientist.name]);

    commitElsewhere("UPDATE gate_reviews SET statement = ? WHERE id = ?", "Changed by another worker.", reviewId);
    expect((await gatePage()).review.statement).toBe("Changed by another worker.");
  });

  it("the overview: a new member and a new requirement, and a name changed by another connection", async () => {
    const before = await overviewPage();
    const facts = ({ team, mismatches, activity }: OverviewData) => ({ team, mismatches, activity });
    expect(facts(await overviewPage())).toEqual(facts(before)); // remembered now
    const operator = await createTestUser({ discipline: "it", name: "Ingrid Remembered" });
    addMember({ actor: actorOf(world.owner), projectId: world.project.id, userId: operator.id, discipline: "it" });
    const withMember = await overviewPage();
    expect(withMember.team.map((m) => m.name)).toContain("Ingrid Remembered");
    expect(withMember.activity.length).toBeGreaterThanOrEqual(before.activity.length);
    expect(withMember.activity[0]).not.toEqual(before.activity[0]);

    createRequirement({
      actor: actorOf(world.owner),
      projectId: world.project.id,
      title: "Warn a shift ahead",
      description: "",
      target: "warn >= 8 h ahead",
      priority: "must",
    });
    const withRequirement = await overviewPage();
    expect(withRequirement.activity[0]).not.toEqual(withMember.activity[0]);

    commitElsewhere("UPDATE users SET name = ? WHERE id = ?", "Ingrid Renamed", operator.id);
    expect((await overviewPage()).team.map((m) => m.name)).toContain("Ingrid Renamed");
  });

  it("the projects list: a project created in the app, and one renamed by another connection", () => {
    const names = () => listProjects({ q: "Remembered", pageSize: 100 }).rows.map((r) => r.name);
    expect(names()).toEqual(["Remembered pages"]);
    expect(names()).toEqual(["Remembered pages"]); // remembered now
    createProject({
      actor: actorOf(world.owner),
      name: "Remembered lists",
      summary: "A second one.",
      businessCase: "",
      ownerId: world.owner.id,
    });
    expect(names()).toEqual(["Remembered lists", "Remembered pages"]);
    commitElsewhere("UPDATE projects SET name = ? WHERE id = ?", "Remembered pages, renamed", world.project.id);
    expect(names()).toEqual(["Remembered lists", "Remembered pages, renamed"]);
  });
});
