/**
 * Adding a member does not tell who has an account (ASVS 2.2.x / 3.x account enumeration):
 * the permission to manage the team is checked before the person is looked up, on the JSON API
 * (`POST /projects/:slug/members {email}`) and on the team page, so a member who may not manage
 * the team gets one and the same 403 whoever they name; and the owner gets one and the same
 * answer for an unknown and a deactivated person. Nothing is written in any of these cases.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as teamRoute from "~/routes/projects.$slug.team";
import { createProject } from "~/models/projects.server";
import { addMember } from "~/models/team.server";
import { setUserActive, type Actor } from "~/models/users.server";
import { apiLimiter } from "~/api/handler.server";
import { resetDatabase, sqlite } from "../support/database";
import { callAction, refusalOf } from "../support/requests";
import { createAdmin, createTestUser, signInAs, type TestUser } from "../support/users";
import { api, snapshotTables, userWithToken, type TokenUser } from "./api-support";

const actorOf = (u: TestUser): Actor => ({
  id: u.id,
  name: u.name,
  role: u.role,
  discipline: u.discipline,
  via: "web",
});

let owner: TokenUser;
let member: TokenUser;
let outsider: TokenUser;
let active: TestUser;
let inactive: TestUser;
let slug: string;

const UNKNOWN_EMAIL = "nobody-at-all@example.com";
const UNKNOWN_ID = 987654;

beforeAll(async () => {
  resetDatabase();
  const admin = await createAdmin({ name: "Ada Admin", discipline: "it" });
  owner = await userWithToken({ name: "Bea Business", discipline: "business" });
  member = await userWithToken({ name: "Dara Data", discipline: "data_science" });
  outsider = await userWithToken({ name: "Otto Outsider", discipline: "business" });
  active = await createTestUser({ name: "Ivo Ops", discipline: "it", email: "ivo.ops@example.com" });
  inactive = await createTestUser({ name: "Irma Gone", discipline: "it", email: "irma.gone@example.com" });
  setUserActive({ actor: actorOf(admin), userId: inactive.id, active: false });
  const project = createProject({
    actor: actorOf(owner),
    name: "Churn radar",
    summary: "",
    businessCase: "",
    ownerId: owner.id,
  });
  addMember({ actor: actorOf(owner), projectId: project.id, userId: member.id });
  slug = project.slug;
});

beforeEach(() => apiLimiter.reset());

/** Everything adding a member could write. */
const written = () => snapshotTables(sqlite());

async function postMember(token: string, email: string) {
  const before = written();
  const answer = await api("POST", `/api/v1/projects/${slug}/members`, { token, body: { email } });
  expect(written()).toEqual(before);
  return { status: answer.status, body: answer.body };
}

async function postTeamForm(user: TestUser, userId: number) {
  const before = written();
  const answer = await callAction(teamRoute.action, `/projects/${slug}/team`, {
    cookie: signInAs(user),
    params: { slug },
    form: { intent: "add", userId: String(userId) },
  });
  expect(written()).toEqual(before);
  return { status: answer.status, body: answer.data };
}

describe("POST /api/v1/projects/:slug/members", () => {
  it("answers a member who may not manage the team with the same 403 for an unknown, an existing and a deactivated e-mail", async () => {
    const unknown = await postMember(member.token, UNKNOWN_EMAIL);
    const existing = await postMember(member.token, active.email);
    const deactivated = await postMember(member.token, inactive.email);
    expect(unknown.status).toBe(403);
    expect(unknown.body.error.code).toBe("forbidden");
    expect(existing).toEqual(unknown);
    expect(deactivated).toEqual(unknown);
    expect(JSON.stringify(unknown.body)).not.toMatch(/e-mail/i);
  });

  it("answers someone off the team the same way", async () => {
    const unknown = await postMember(outsider.token, UNKNOWN_EMAIL);
    const existing = await postMember(outsider.token, active.email);
    expect(unknown.status).toBe(403);
    expect(existing).toEqual(unknown);
  });

  it("tells the owner the same for an unknown and a deactivated e-mail", async () => {
    const unknown = await postMember(owner.token, UNKNOWN_EMAIL);
    const deactivated = await postMember(owner.token, inactive.email);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe("No active person has this e-mail address.");
    expect(unknown.body.error.fields).toEqual({ email: "No active person in Triad has this e-mail address." });
    expect(deactivated).toEqual(unknown);
  });

  it("still seats an active person for the owner (found case-insensitively)", async () => {
    const answer = await api("POST", `/api/v1/projects/${slug}/members`, {
      token: owner.token,
      body: { email: active.email.toUpperCase() },
    });
    expect(answer.status).toBe(201);
    expect(answer.body.member).toMatchObject({ userId: active.id, discipline: "it" });
    const removed = await api("DELETE", `/api/v1/projects/${slug}/members/${active.id}`, { token: owner.token });
    expect(removed.status).toBe(200);
  });
});

describe("the team page's add action", () => {
  it("answers a member who may not manage the team with the same 403 for an unknown and an existing person", async () => {
    const unknown = await postTeamForm(member, UNKNOWN_ID);
    const existing = await postTeamForm(member, active.id);
    const deactivated = await postTeamForm(member, inactive.id);
    expect(unknown.status).toBe(403);
    expect(existing).toEqual(unknown);
    expect(deactivated).toEqual(unknown);
  });

  it("tells the owner the same for an unknown and a deactivated person", async () => {
    const unknown = await postTeamForm(owner, UNKNOWN_ID);
    const deactivated = await postTeamForm(owner, inactive.id);
    expect(unknown.status).toBe(400);
    expect(refusalOf(unknown.body).fieldErrors).toEqual({ userId: "Choose an active person." });
    // The same answer, but for the id typed in, which the form gets back.
    const answer = ({ status, body }: typeof unknown) => ({
      status,
      ...refusalOf(body),
    });
    expect(answer(deactivated)).toEqual(answer(unknown));
    expect(deactivated.body.initialValue.userId).toBe(String(inactive.id));
  });
});
