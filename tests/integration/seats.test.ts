/**
 * Team seats come from the person (docs/domain.md, "Who may sign"): a seat is always the
 * person's own discipline, whoever adds them (an admin included); only an admin changes a
 * person's discipline, which moves all their seats and, after confirmation, withdraws their
 * current sign-offs on open reviews, with one activity row per project.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as personRoute from "~/routes/people.$userId";
import * as teamRoute from "~/routes/projects.$slug.team";
import { NeedsConfirmation, ValidationError } from "~/domain/errors";
import { getOpenReview, openReview, signOff } from "~/models/gates.server";
import { createProject } from "~/models/projects.server";
import { addMember, listTeam } from "~/models/team.server";
import { getUser, updateUserAccess, type Actor } from "~/models/users.server";
import { activitySince, countRows, lastActivityId, resetDatabase, sqlite } from "../support/database";
import { callAction, callLoader, refusalOf } from "../support/requests";
import { createAdmin, createTestUser, signInAs, type TestUser } from "../support/users";

const actorOf = (u: TestUser): Actor => ({
  id: u.id,
  name: u.name,
  role: u.role,
  discipline: u.discipline,
  via: "web",
});

let admin: TestUser;
let owner: TestUser;
let scientist: TestUser;
let operator: TestUser;

beforeEach(async () => {
  resetDatabase();
  admin = await createAdmin({ name: "Ada Admin", discipline: "it" });
  owner = await createTestUser({ name: "Bea Business", discipline: "business" });
  scientist = await createTestUser({ name: "Dan Science", discipline: "data_science" });
  operator = await createTestUser({ name: "Ivy Operations", discipline: "it" });
});

let n = 0;
const newProject = (name = `Line ${++n} maintenance`) =>
  createProject({ actor: actorOf(owner), name, summary: "", businessCase: "", ownerId: owner.id });

/** The message of the toast a response sets (the signed cookie's JSON). */
function toastOf(headers: Headers): string | null {
  const cookie = headers.getSetCookie().find((c) => c.startsWith("triad_toast="));
  if (!cookie) return null;
  const value = decodeURIComponent(cookie.split(";")[0].slice("triad_toast=".length)).split(".")[0];
  return (JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as { message: string }).message;
}

/** Everything a refused seat must leave alone. */
const written = () => ({
  memberships: sqlite().prepare("select * from memberships order by id").all(),
  activity: countRows("activity"),
});

describe("a seat is the person's own discipline", () => {
  it("a different discipline is refused with a message on `discipline`, and nothing is written", () => {
    const project = newProject();
    const before = written();
    let error: unknown;
    try {
      addMember({ actor: actorOf(owner), projectId: project.id, userId: scientist.id, discipline: "it" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields).toEqual({
      discipline: expect.stringMatching(/Dan Science is Data science on their profile/),
    });
    expect(written()).toEqual(before);
  });

  it("an admin in IT operations cannot seat herself as business", () => {
    const project = newProject();
    const before = written();
    expect(() =>
      addMember({ actor: actorOf(admin), projectId: project.id, userId: admin.id, discipline: "business" }),
    ).toThrow(ValidationError);
    expect(written()).toEqual(before);
    // in her own discipline she may
    addMember({ actor: actorOf(admin), projectId: project.id, userId: admin.id });
    expect(listTeam(project.id).find((m) => m.userId === admin.id)?.discipline).toBe("it");
  });

  it("without a discipline the person is seated as their own, with one activity row", () => {
    const project = newProject();
    const since = lastActivityId();
    addMember({ actor: actorOf(owner), projectId: project.id, userId: operator.id });
    expect(listTeam(project.id).map((m) => [m.name, m.discipline])).toEqual([
      ["Bea Business", "business"],
      ["Ivy Operations", "it"],
    ]);
    const rows = activitySince(since);
    expect(rows.map((r) => r.action)).toEqual(["member.added"]);
    expect(rows[0].summary).toBe(`Bea Business added Ivy Operations to ${project.name} as IT operations`);
  });
});

describe("the team page", () => {
  const url = (slug: string) => `/projects/${slug}/team`;

  it("lists candidates with their own discipline and adds one without asking for a discipline", async () => {
    const project = newProject();
    const loaded = await callLoader(teamRoute.loader, url(project.slug), {
      params: { slug: project.slug },
      cookie: signInAs(owner),
    });
    expect(loaded.data.candidates).toContainEqual(
      expect.objectContaining({ id: scientist.id, discipline: "data_science" }),
    );

    const result = await callAction(teamRoute.action, url(project.slug), {
      params: { slug: project.slug },
      cookie: signInAs(owner),
      form: { intent: "add", userId: String(scientist.id) },
    });
    expect(result).toMatchObject({ status: 302, location: url(project.slug) });
    expect(toastOf(result.headers)).toBe("Dan Science joined the team as Data science.");
    expect(listTeam(project.id).find((m) => m.userId === scientist.id)?.discipline).toBe("data_science");
  });

  it("a posted discipline that is not the person's is refused next to the person field; nothing written", async () => {
    const project = newProject();
    const before = written();
    const result = await callAction(teamRoute.action, url(project.slug), {
      params: { slug: project.slug },
      cookie: signInAs(owner),
      form: { intent: "add", userId: String(scientist.id), discipline: "business" },
    });
    expect(result.status).toBe(400);
    expect(refusalOf(result.data).fieldErrors.discipline).toMatch(/can only sit on the team as Data science/);
    expect(result.data.initialValue).toMatchObject({ userId: String(scientist.id) });
    expect(written()).toEqual(before);
  });

  it("an unknown discipline is refused as bad input", async () => {
    const project = newProject();
    const before = written();
    const result = await callAction(teamRoute.action, url(project.slug), {
      params: { slug: project.slug },
      cookie: signInAs(owner),
      form: { intent: "add", userId: String(scientist.id), discipline: "marketing" },
    });
    expect(result.status).toBe(400);
    expect(refusalOf(result.data).fieldErrors.discipline).toBeTruthy();
    expect(written()).toEqual(before);
  });
});

describe("an admin changes a person's discipline", () => {
  /** Dan sits on two projects; on one he approved the open review. */
  function seatedAndSigned() {
    const signed = newProject("Press failure warning");
    const quiet = newProject("Scrap rate model");
    for (const p of [signed, quiet]) {
      addMember({ actor: actorOf(owner), projectId: p.id, userId: scientist.id });
      addMember({ actor: actorOf(owner), projectId: p.id, userId: operator.id });
    }
    const review = openReview({
      actor: actorOf(owner),
      projectId: signed.id,
      statement: "The PoC shows the warning works.",
    });
    signOff({ actor: actorOf(scientist), reviewId: review.id, decision: "approve", comment: "Model is sound." });
    return { signed, quiet, review };
  }

  const snapshot = () => ({
    users: sqlite().prepare("select * from users order by id").all(),
    memberships: sqlite().prepare("select * from memberships order by id").all(),
    signOffs: sqlite().prepare("select * from sign_offs order by id").all(),
    activity: countRows("activity"),
  });

  it("the model asks for confirmation first and writes nothing until it gets it", () => {
    seatedAndSigned();
    const before = snapshot();
    const change = {
      actor: actorOf(admin),
      userId: scientist.id,
      discipline: "it" as const,
      role: "member" as const,
      version: scientist.version,
    };
    expect(() => updateUserAccess(change)).toThrow(NeedsConfirmation);
    expect(snapshot()).toEqual(before);

    const since = lastActivityId();
    const after = updateUserAccess({ ...change, confirmed: true });
    expect(after.discipline).toBe("it");
    expect(sqlite().prepare("select distinct discipline from memberships where user_id = ?").all(scientist.id)).toEqual(
      [{ discipline: "it" }],
    );
    expect(sqlite().prepare("select status from sign_offs where user_id = ?").all(scientist.id)).toEqual([
      { status: "withdrawn" },
    ]);
    const rows = activitySince(since);
    expect(rows.map((r) => r.action).sort()).toEqual([
      "member.discipline_changed",
      "member.discipline_changed",
      "user.access_changed",
    ]);
  });

  it("through People: a confirmation box first (409, nothing written), then 'Yes' moves the seats and withdraws the sign-off", async () => {
    const { signed, quiet, review } = seatedAndSigned();
    const path = `/people/${scientist.id}`;
    const params = { userId: String(scientist.id) };
    const cookie = signInAs(admin);

    const page = await callLoader(personRoute.loader, path, { params, cookie });
    expect(page.data.seats.map((s: { name: string; discipline: string }) => [s.name, s.discipline])).toEqual([
      ["Press failure warning", "data_science"],
      ["Scrap rate model", "data_science"],
    ]);
    expect(page.data.openSignOffs).toBe(1);

    const before = snapshot();
    const asked = await callAction(personRoute.action, path, {
      params,
      cookie,
      form: { intent: "access", discipline: "it", role: "member", version: String(scientist.version) },
    });
    expect(asked.status).toBe(409);
    expect(asked.data.confirm).toMatchObject({
      from: "data_science",
      to: "it",
      role: "member",
      version: scientist.version,
      signOffs: 1,
      signOffProjects: ["Press failure warning"],
      seats: 2,
    });
    expect(asked.data.initialValue).toMatchObject({ discipline: "it", role: "member" });
    expect(snapshot()).toEqual(before);

    const since = lastActivityId();
    const confirmed = await callAction(personRoute.action, path, {
      params,
      cookie,
      form: {
        intent: "access",
        discipline: "it",
        role: "member",
        version: String(scientist.version),
        confirmed: "true",
      },
    });
    expect(confirmed).toMatchObject({ status: 302, location: path });
    expect(toastOf(confirmed.headers)).toBe(
      "Dan Science is now IT operations, Member. Their 2 seats moved to IT operations; 1 sign-off on an open review was withdrawn.",
    );
    expect(getUser(scientist.id)).toMatchObject({ discipline: "it", version: scientist.version + 1 });
    for (const p of [signed, quiet]) {
      expect(listTeam(p.id).find((m) => m.userId === scientist.id)?.discipline).toBe("it");
    }
    // his approval no longer counts for data science, which now has nobody signed
    const panel = getOpenReview(signed.id)!.panels.find((p) => p.discipline === "data_science")!;
    expect(panel.status).toBe("missing");
    expect(sqlite().prepare("select status from sign_offs where review_id = ?").all(review.id)).toEqual([
      { status: "withdrawn" },
    ]);

    const rows = activitySince(since);
    expect(
      rows
        .filter((r) => r.action === "member.discipline_changed")
        .map((r) => r.summary)
        .sort(),
    ).toEqual([
      "Dan Science's seat on Press failure warning moved from Data science to IT operations; their sign-off was withdrawn",
      "Dan Science's seat on Scrap rate model moved from Data science to IT operations",
    ]);
    expect(rows.filter((r) => r.action === "user.access_changed")).toHaveLength(1);

    // and he may now sign for IT operations, never again for data science
    const nowIt: Actor = { ...actorOf(scientist), discipline: "it" };
    expect(() =>
      signOff({ actor: nowIt, reviewId: review.id, panel: "data_science", decision: "approve", comment: "" }),
    ).toThrow();
    signOff({ actor: nowIt, reviewId: review.id, decision: "approve", comment: "Runs on the cluster." });
    const it = getOpenReview(signed.id)!.panels.find((p) => p.discipline === "it")!;
    expect(it.signOffs.map((s) => s.userName)).toContain("Dan Science");
  });

  it("without sign-offs to withdraw, the seats move at once, no confirmation needed", async () => {
    const project = newProject();
    addMember({ actor: actorOf(owner), projectId: project.id, userId: operator.id });
    const result = await callAction(personRoute.action, `/people/${operator.id}`, {
      params: { userId: String(operator.id) },
      cookie: signInAs(admin),
      form: { intent: "access", discipline: "data_science", role: "member", version: String(operator.version) },
    });
    expect(result.status).toBe(302);
    expect(listTeam(project.id).find((m) => m.userId === operator.id)?.discipline).toBe("data_science");
  });
});
