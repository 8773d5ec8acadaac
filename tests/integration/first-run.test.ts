/** First run: /setup creates the first admin on an empty database, and only then. */
import { beforeEach, describe, expect, it } from "vitest";
import * as index from "~/routes/_index";
import * as login from "~/routes/login";
import * as setup from "~/routes/setup";
import { countUsers, findUserByEmail, listUsers } from "~/models/users.server";
import { getSessionUser } from "~/utils/session.server";
import { activitySince, countRows, lastActivityId, resetDatabase } from "../support/database";
import { callAction, callLoader, cookieHeader, makeRequest, refusalOf } from "../support/requests";
import { createAdmin } from "../support/users";

const form = {
  name: "Ada Lovelace",
  email: "  Ada@Example.COM ",
  password: "analytical engine 1843",
  discipline: "data_science",
};

beforeEach(() => {
  resetDatabase();
});

describe("first-run setup", () => {
  it("shows the setup form only on an empty database", async () => {
    const empty = await callLoader(setup.loader, "/setup");
    expect(empty).toMatchObject({ status: 200, thrown: false, data: null });

    await createAdmin();
    const done = await callLoader(setup.loader, "/setup");
    expect(done).toMatchObject({ thrown: true, status: 302, location: "/login" });
  });

  it("creates the admin, signs them in and records both in the activity log", async () => {
    const result = await callAction(setup.action, "/setup", { form });
    expect(result).toMatchObject({ status: 302, location: "/" });

    const admin = findUserByEmail("ada@example.com");
    expect(admin).toMatchObject({
      name: "Ada Lovelace",
      email: "ada@example.com",
      role: "admin",
      discipline: "data_science",
      active: true,
    });

    // the Set-Cookie signs the browser in
    const cookie = cookieHeader(result.headers.getSetCookie());
    const user = getSessionUser(makeRequest("/", { cookie }));
    expect(user).toMatchObject({ id: admin!.id, role: "admin", name: "Ada Lovelace" });
    const dashboard = await callLoader(index.loader, "/", { cookie });
    expect(dashboard).toMatchObject({ status: 200, data: { name: "Ada Lovelace" } });

    const rows = activitySince(0);
    expect(rows.map((r) => r.action)).toEqual(["user.setup", "session.signed_in"]);
    expect(rows.every((r) => r.actor_id === admin!.id)).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(form.password);
  });

  it("refuses a second setup and changes nothing", async () => {
    await callAction(setup.action, "/setup", { form });
    const before = lastActivityId();
    const again = await callAction(setup.action, "/setup", {
      form: { ...form, email: "mallory@example.com", name: "Mallory" },
    });
    expect(again).toMatchObject({ status: 403, thrown: true });
    expect(String(again.data)).toMatch(/already set up/i);
    expect(listUsers().map((u) => u.email)).toEqual(["ada@example.com"]);
    expect(lastActivityId()).toBe(before);
    expect(countRows("sessions")).toBe(1);
  });

  it("shows field errors, keeps the other input (never the password) and writes nothing", async () => {
    const result = await callAction(setup.action, "/setup", {
      form: { name: "  ", email: "not-an-email", password: "short", discipline: "it" },
    });
    expect(result.status).toBe(400);
    expect(refusalOf(result.data).fieldErrors).toEqual({
      name: "Enter a name.",
      email: "Enter a valid e-mail address, like ada@example.com.",
      password: "Use at least 12 characters.",
    });
    expect(result.data.initialValue).toEqual({ name: "  ", email: "not-an-email", discipline: "it" });
    expect(countUsers()).toBe(0);
    expect(countRows("activity")).toBe(0);
    expect(result.headers.getSetCookie()).toEqual([]);
  });
});

describe("two first-run setups at the same moment", () => {
  it("make exactly one admin; the other is told Triad is already set up", async () => {
    const post = (name: string, email: string) =>
      callAction(setup.action, "/setup", { form: { name, email, password: "a long enough password" } });
    const results = await Promise.all([post("Ada", "ada@example.com"), post("Bob", "bob@example.com")]);
    expect(results.map((r) => r.status).sort()).toEqual([302, 409]);
    expect(countUsers()).toBe(1);
    const refused = results.find((r) => r.status === 409)!;
    expect(refusalOf(refused.data).formError).toMatch(/already set up/);
  });
});

describe("an empty database sends everyone to /setup", () => {
  it("from the dashboard and the sign-in page", async () => {
    expect(await callLoader(index.loader, "/")).toMatchObject({ status: 302, location: "/setup" });
    expect(await callLoader(login.loader, "/login")).toMatchObject({
      status: 302,
      location: "/setup",
    });
  });
});
