/**
 * People (admin) and a person's own account: what is refused, conflicts, the last admin,
 * and the audit trail (exactly one activity row per change, none for a refused one).
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as account from "~/routes/account";
import * as login from "~/routes/login";
import * as person from "~/routes/people.$userId";
import * as peopleIndex from "~/routes/people._index";
import * as peopleNew from "~/routes/people.new";
import { createProject } from "~/models/projects.server";
import { addMember } from "~/models/team.server";
import { findUserByEmail, getUser, listUsers } from "~/models/users.server";
import { getSessionUser } from "~/utils/session.server";
import { activitySince, countRows, lastActivityId, resetDatabase, sqlite } from "../support/database";
import { callAction, callLoader, makeRequest, refusalOf } from "../support/requests";
import { createAdmin, createTestUser, signInAs, type TestUser } from "../support/users";

let admin: TestUser;
let adminCookie: string;

beforeEach(async () => {
  resetDatabase();
  admin = await createAdmin({ name: "Alan Admin", email: "alan@example.com" });
  adminCookie = signInAs(admin);
});

/** Snapshot of everything a refused change must leave alone. */
function snapshot() {
  return {
    users: sqlite().prepare("select * from users order by id").all(),
    sessions: countRows("sessions"),
    activity: lastActivityId(),
  };
}

const newPerson = {
  name: "Ada Lovelace",
  email: "Ada@X.com",
  discipline: "data_science",
  role: "member",
  password: "analytical engine 1843",
};

describe("adding people", () => {
  it("an admin adds a member, who appears in the list and can sign in", async () => {
    const since = lastActivityId();
    const result = await callAction(peopleNew.action, "/people/new", { cookie: adminCookie, form: newPerson });
    expect(result).toMatchObject({ status: 302, location: "/people" });
    expect(result.headers.getSetCookie().some((c) => c.startsWith("triad_toast="))).toBe(true);

    const list = await callLoader(peopleIndex.loader, "/people", { cookie: adminCookie });
    expect(list.data.people.map((p: { email: string }) => p.email)).toContain("ada@x.com");
    expect(findUserByEmail("ada@x.com")).toMatchObject({
      name: "Ada Lovelace",
      discipline: "data_science",
      role: "member",
      active: true,
    });

    const rows = activitySince(since);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: "user.created", actor_id: admin.id });
    expect(JSON.stringify(rows)).not.toContain(newPerson.password);

    const signIn = await callAction(login.action, "/login", {
      form: { email: "ada@x.com", password: newPerson.password },
    });
    expect(signIn.status).toBe(302);
  });

  it("refuses a duplicate e-mail whatever its case, next to the field, keeping the rest", async () => {
    await createTestUser({ email: "Ada@X.com" });
    const before = snapshot();
    const result = await callAction(peopleNew.action, "/people/new", {
      cookie: adminCookie,
      form: { ...newPerson, name: "Ada Again", email: "ada@x.com", role: "admin", discipline: "it" },
    });
    expect(result.status).toBe(400);
    expect(refusalOf(result.data).fieldErrors).toEqual({
      email: "Someone already uses this e-mail address. Choose another.",
    });
    expect(result.data.initialValue).toMatchObject({
      name: "Ada Again",
      email: "ada@x.com",
      role: "admin",
      discipline: "it",
    });
    expect(result.data.initialValue).not.toHaveProperty("password");
    expect(snapshot()).toEqual(before);
  });

  it("shows a message next to each bad field and writes nothing", async () => {
    const before = snapshot();
    const result = await callAction(peopleNew.action, "/people/new", {
      cookie: adminCookie,
      form: { name: "", email: "ada", discipline: "marketing", role: "owner", password: "short" },
    });
    expect(result.status).toBe(400);
    expect(Object.keys(refusalOf(result.data).fieldErrors).sort()).toEqual([
      "discipline",
      "email",
      "name",
      "password",
      "role",
    ]);
    expect(refusalOf(result.data).fieldErrors.discipline).toBe("Choose business, data science or IT operations.");
    expect(snapshot()).toEqual(before);
  });
});

describe("members cannot manage people", () => {
  let member: TestUser;
  let memberCookie: string;
  beforeEach(async () => {
    member = await createTestUser({ name: "Mia Member" });
    memberCookie = signInAs(member);
  });

  it("the people pages answer 403", async () => {
    for (const [loader, path, params] of [
      [peopleIndex.loader, "/people", {}],
      [peopleNew.loader, "/people/new", {}],
      [person.loader, `/people/${admin.id}`, { userId: String(admin.id) }],
    ] as const) {
      const result = await callLoader(loader, path, { cookie: memberCookie, params });
      expect(result, path).toMatchObject({ status: 403, thrown: true });
      expect(result.data).toBe("Only admins can open this page.");
    }
  });

  it("their writes answer 403 and change nothing", async () => {
    const before = snapshot();
    const create = await callAction(peopleNew.action, "/people/new", { cookie: memberCookie, form: newPerson });
    expect(create).toMatchObject({ status: 403, thrown: true });
    const promote = await callAction(person.action, `/people/${member.id}`, {
      cookie: memberCookie,
      params: { userId: String(member.id) },
      form: { intent: "access", discipline: "it", role: "admin", version: String(member.version) },
    });
    expect(promote).toMatchObject({ status: 403, thrown: true });
    const deactivate = await callAction(person.action, `/people/${admin.id}`, {
      cookie: memberCookie,
      params: { userId: String(admin.id) },
      form: { intent: "deactivate" },
    });
    expect(deactivate).toMatchObject({ status: 403, thrown: true });
    expect(snapshot()).toEqual(before);
  });
});

describe("changing discipline and role", () => {
  it("an admin changes them, with one activity row recording before and after", async () => {
    const member = await createTestUser({ discipline: "business" });
    const since = lastActivityId();
    const result = await callAction(person.action, `/people/${member.id}`, {
      cookie: adminCookie,
      params: { userId: String(member.id) },
      form: { intent: "access", discipline: "it", role: "admin", version: String(member.version) },
    });
    expect(result).toMatchObject({ status: 302, location: `/people/${member.id}` });
    expect(getUser(member.id)).toMatchObject({ discipline: "it", role: "admin", version: member.version + 1 });
    const rows = activitySince(since);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: "user.access_changed", actor_id: admin.id, entity_id: member.id });
    expect(JSON.parse(rows[0].before!)).toEqual({ discipline: "business", role: "member" });
    expect(JSON.parse(rows[0].after!)).toEqual({ discipline: "it", role: "admin" });
  });

  it("the person's page lists the teams they sit on, in their own discipline", async () => {
    const member = await createTestUser({ name: "Dora Data", discipline: "data_science" });
    const load = () =>
      callLoader(person.loader, `/people/${member.id}`, { cookie: adminCookie, params: { userId: String(member.id) } });
    expect((await load()).data).toMatchObject({ seats: [], openSignOffs: 0 });

    const ownerActor = { id: admin.id, name: admin.name, role: admin.role, discipline: admin.discipline };
    const project = createProject({
      actor: ownerActor,
      name: "Churn model",
      summary: "",
      businessCase: "",
      ownerId: admin.id,
    });
    addMember({ actor: ownerActor, projectId: project.id, userId: member.id });
    expect((await load()).data.seats).toEqual([
      expect.objectContaining({
        name: "Churn model",
        slug: project.slug,
        discipline: "data_science",
        stage: "poc",
        state: "active",
      }),
    ]);

    // a change of discipline moves the seat at once when no sign-off is at stake, and says so
    const result = await callAction(person.action, `/people/${member.id}`, {
      cookie: adminCookie,
      params: { userId: String(member.id) },
      form: { intent: "access", discipline: "it", role: "member", version: String(member.version) },
    });
    expect(result.status).toBe(302);
    expect((await load()).data.seats[0].discipline).toBe("it");
  });

  it("the second of two admins editing the same person gets a conflict, not an overwrite", async () => {
    const member = await createTestUser({ name: "Contested", discipline: "business" });
    const otherAdmin = await createAdmin();
    const opened = member.version; // both admins opened the page at this version
    const first = await callAction(person.action, `/people/${member.id}`, {
      cookie: signInAs(otherAdmin),
      params: { userId: String(member.id) },
      form: { intent: "access", discipline: "it", role: "member", version: String(opened) },
    });
    expect(first.status).toBe(302);

    const before = snapshot();
    const second = await callAction(person.action, `/people/${member.id}`, {
      cookie: adminCookie,
      params: { userId: String(member.id) },
      form: { intent: "access", discipline: "data_science", role: "admin", version: String(opened) },
    });
    expect(second.status).toBe(409);
    expect(refusalOf(second.data).formError).toBe(
      "Contested was changed by someone else since you opened the page. Reload and try again.",
    );
    expect(second.data.initialValue).toMatchObject({ discipline: "data_science", role: "admin" });
    expect(snapshot()).toEqual(before);
    expect(getUser(member.id)).toMatchObject({ discipline: "it", role: "member" });
  });

  it("the last active admin cannot demote themselves", async () => {
    const before = snapshot();
    const result = await callAction(person.action, `/people/${admin.id}`, {
      cookie: adminCookie,
      params: { userId: String(admin.id) },
      form: { intent: "access", discipline: admin.discipline, role: "member", version: String(admin.version) },
    });
    expect(result.status).toBe(400);
    expect(refusalOf(result.data).fieldErrors.role).toBe(
      "This is the last active admin. Make someone else admin first.",
    );
    expect(snapshot()).toEqual(before);
  });

  it("the last active admin cannot deactivate themselves", async () => {
    const before = snapshot();
    const result = await callAction(person.action, `/people/${admin.id}`, {
      cookie: adminCookie,
      params: { userId: String(admin.id) },
      form: { intent: "deactivate" },
    });
    expect(result.status).toBe(400);
    expect(refusalOf(result.data).formError).toBe("This is the last active admin. Make someone else admin first.");
    expect(snapshot()).toEqual(before);
    expect(getSessionUser(makeRequest("/", { cookie: adminCookie }))).toMatchObject({ id: admin.id });
  });

  it("a deactivated admin does not count as the other admin", async () => {
    const other = await createAdmin();
    const deactivate = await callAction(person.action, `/people/${other.id}`, {
      cookie: adminCookie,
      params: { userId: String(other.id) },
      form: { intent: "deactivate" },
    });
    expect(deactivate.status).toBe(302);
    const demote = await callAction(person.action, `/people/${admin.id}`, {
      cookie: adminCookie,
      params: { userId: String(admin.id) },
      form: { intent: "access", discipline: "business", role: "member", version: String(admin.version) },
    });
    expect(demote.status).toBe(400);
  });

  it("with a second active admin, an admin may step down", async () => {
    await createAdmin();
    const result = await callAction(person.action, `/people/${admin.id}`, {
      cookie: adminCookie,
      params: { userId: String(admin.id) },
      form: { intent: "access", discipline: "business", role: "member", version: String(admin.version) },
    });
    expect(result.status).toBe(302);
    expect(getUser(admin.id)?.role).toBe("member");
    // and the people page is closed to them from the next request on
    expect(await callLoader(peopleIndex.loader, "/people", { cookie: adminCookie })).toMatchObject({ status: 403 });
  });

  it("an unknown person is a 404", async () => {
    const result = await callLoader(person.loader, "/people/999", { cookie: adminCookie, params: { userId: "999" } });
    expect(result).toMatchObject({ status: 404, thrown: true });
    const bad = await callLoader(person.loader, "/people/abc", { cookie: adminCookie, params: { userId: "abc" } });
    expect(bad).toMatchObject({ status: 404, thrown: true });
  });

  it("deactivating signs the person out everywhere, with one activity row", async () => {
    const member = await createTestUser();
    const cookies = [signInAs(member), signInAs(member)];
    const since = lastActivityId();
    const result = await callAction(person.action, `/people/${member.id}`, {
      cookie: adminCookie,
      params: { userId: String(member.id) },
      form: { intent: "deactivate" },
    });
    expect(result.status).toBe(302);
    for (const cookie of cookies) expect(getSessionUser(makeRequest("/", { cookie }))).toBeNull();
    expect(activitySince(since).map((r) => r.action)).toEqual(["user.deactivated"]);
    expect(listUsers({ status: "inactive" }).map((u) => u.id)).toEqual([member.id]);
  });
});

describe("a person's own account", () => {
  let member: TestUser;
  let cookie: string;
  beforeEach(async () => {
    member = await createTestUser({ name: "Old Name" });
    cookie = signInAs(member);
  });

  it("shows the person their own details", async () => {
    const result = await callLoader(account.loader, "/account", { cookie });
    expect(result.data.user).toEqual({
      name: "Old Name",
      email: member.email,
      role: "member",
      discipline: member.discipline,
    });
  });

  it("changes their own name, with one activity row", async () => {
    const since = lastActivityId();
    const result = await callAction(account.action, "/account", {
      cookie,
      form: { intent: "profile", name: "New Name" },
    });
    expect(result).toMatchObject({ status: 302, location: "/account" });
    expect(getUser(member.id)?.name).toBe("New Name");
    const rows = activitySince(since);
    expect(rows.map((r) => r.action)).toEqual(["user.renamed"]);
    expect(JSON.parse(rows[0].before!)).toEqual({ name: "Old Name" });
  });

  it("refuses an empty name next to the field", async () => {
    const before = snapshot();
    const result = await callAction(account.action, "/account", { cookie, form: { intent: "profile", name: "   " } });
    expect(result.status).toBe(400);
    expect(refusalOf(result.data).fieldErrors).toEqual({ name: "Enter a name." });
    expect(snapshot()).toEqual(before);
  });

  it("changes their password: the old one stops working, other sessions end, this one stays", async () => {
    const elsewhere = signInAs(member);
    const since = lastActivityId();
    const newPassword = "a much longer new password";
    const result = await callAction(account.action, "/account", {
      cookie,
      form: { intent: "password", currentPassword: member.password, newPassword, confirmPassword: newPassword },
    });
    expect(result).toMatchObject({ status: 302, location: "/account" });
    const rows = activitySince(since);
    expect(rows.map((r) => r.action)).toEqual(["user.password_changed"]);
    expect(JSON.stringify(rows)).not.toContain(newPassword);
    expect(JSON.stringify(rows)).not.toContain(member.password);

    expect(getSessionUser(makeRequest("/", { cookie }))).toMatchObject({ id: member.id });
    expect(getSessionUser(makeRequest("/", { cookie: elsewhere }))).toBeNull();

    const old = await callAction(login.action, "/login", { form: { email: member.email, password: member.password } });
    expect(old.status).toBe(401);
    const fresh = await callAction(login.action, "/login", { form: { email: member.email, password: newPassword } });
    expect(fresh.status).toBe(302);
  });

  it("refuses a wrong current password next to that field and changes nothing", async () => {
    const before = snapshot();
    const result = await callAction(account.action, "/account", {
      cookie,
      form: {
        intent: "password",
        currentPassword: "not my password at all",
        newPassword: "a much longer new password",
        confirmPassword: "a much longer new password",
      },
    });
    expect(result.status).toBe(400);
    expect(refusalOf(result.data).fieldErrors).toEqual({ currentPassword: "That is not your current password." });
    expect(result.data.initialValue).toEqual({ intent: "password" });
    expect(snapshot()).toEqual(before);
  });

  it("refuses two different new passwords next to the repeat field", async () => {
    const before = snapshot();
    const result = await callAction(account.action, "/account", {
      cookie,
      form: {
        intent: "password",
        currentPassword: member.password,
        newPassword: "a much longer new password",
        confirmPassword: "a much longer new passwort",
      },
    });
    expect(result.status).toBe(400);
    expect(refusalOf(result.data).fieldErrors).toEqual({ confirmPassword: "The two new passwords differ." });
    expect(snapshot()).toEqual(before);
  });
});
