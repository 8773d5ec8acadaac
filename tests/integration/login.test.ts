/** Signing in and out, the sign-in rate limit, and when a session stops working. */
import { describe, expect, it } from "vitest";
import * as index from "~/routes/_index";
import * as login from "~/routes/login";
import * as logout from "~/routes/logout";
import * as people from "~/routes/people.$userId";
import { setUserActive } from "~/models/users.server";
import { ABSOLUTE_LIFETIME_MS, IDLE_TIMEOUT_MS, getSessionUser } from "~/utils/session.server";
import { activitySince, countRows, lastActivityId, sqlite } from "../support/database";
import { callAction, callLoader, cookieHeader, makeRequest, refusalOf } from "../support/requests";
import { createAdmin, createTestUser, signInAs } from "../support/users";

const WRONG = "not the right password";
const BAD_CREDENTIALS = "That e-mail and password do not match an account.";

function signInForm(email: string, password: string, redirectTo = "/") {
  return { form: { email, password, redirectTo } };
}

describe("sign-in", () => {
  it("signs in with a safe session cookie and goes where the person was going", async () => {
    const user = await createTestUser({ name: "Grace Hopper", email: "grace@example.com" });
    const since = lastActivityId();
    const result = await callAction(
      login.action,
      "/login",
      signInForm("Grace@Example.com", user.password, "/people?q=x"),
    );
    expect(result).toMatchObject({ status: 302, location: "/people?q=x" });
    const [setCookie] = result.headers.getSetCookie();
    expect(setCookie).toMatch(/^triad_session=[A-Za-z0-9_-]{40,};/);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Lax/);
    expect(setCookie).toMatch(/; Path=\//);

    const cookie = cookieHeader([setCookie]);
    const dashboard = await callLoader(index.loader, "/", { cookie });
    expect(dashboard).toMatchObject({ status: 200, data: { name: "Grace Hopper" } });
    expect(activitySince(since).map((r) => r.action)).toEqual(["session.signed_in"]);
  });

  it("records the sign-in as the session's latest re-authentication (sudo mode)", async () => {
    const user = await createTestUser();
    const before = Date.now();
    const result = await callAction(login.action, "/login", signInForm(user.email, user.password));
    expect(result.status).toBe(302);
    const session = getSessionUser(makeRequest("/", { cookie: cookieHeader(result.headers.getSetCookie()) }));
    expect(session?.reauthenticatedAt).toBeGreaterThanOrEqual(before);
    const row = sqlite().prepare("select created_at, reauthenticated_at from sessions where user_id = ?").get(user.id);
    expect(row).toEqual({ created_at: session?.reauthenticatedAt, reauthenticated_at: session?.reauthenticatedAt });
  });

  it("marks the cookie Secure (and __Host-) over https", async () => {
    const user = await createTestUser();
    const request = new Request("https://triad.example/login", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://triad.example" },
      body: new URLSearchParams({ email: user.email, password: user.password }),
    });
    const response = (await login.action({
      request,
      params: {},
      context: { clientAddress: "127.0.0.1", nonce: "" },
    })) as Response;
    const [setCookie] = response.headers.getSetCookie();
    expect(setCookie).toMatch(/^__Host-triad_session=/);
    expect(setCookie).toMatch(/; Secure/);
  });

  it("never redirects to another site after sign-in", async () => {
    const user = await createTestUser();
    for (const evil of ["//evil.com", "https://evil.com", "/\\evil.com", "javascript:alert(1)"]) {
      const result = await callAction(login.action, "/login", signInForm(user.email, user.password, evil));
      expect(result).toMatchObject({ status: 302, location: "/" });
    }
  });

  it("refuses a wrong password with a clear message and logs the attempt without the password", async () => {
    const user = await createTestUser({ email: "linus@example.com" });
    const since = lastActivityId();
    const sessionsBefore = countRows("sessions");
    const result = await callAction(login.action, "/login", signInForm("linus@example.com", WRONG));
    expect(result.status).toBe(401);
    expect(refusalOf(result.data).formError).toBe(BAD_CREDENTIALS);
    expect(result.data.initialValue.email).toBe("linus@example.com");
    expect(result.data.initialValue).not.toHaveProperty("password");
    expect(result.headers.getSetCookie()).toEqual([]);
    expect(countRows("sessions")).toBe(sessionsBefore);

    const rows = activitySince(since);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: "session.sign_in_failed", actor_id: user.id });
    expect(JSON.stringify(rows[0])).not.toContain(WRONG);
  });

  it("answers an unknown e-mail exactly like a wrong password", async () => {
    await createTestUser();
    const since = lastActivityId();
    const result = await callAction(login.action, "/login", signInForm("nobody@example.com", WRONG));
    expect(result.status).toBe(401);
    expect(refusalOf(result.data).formError).toBe(BAD_CREDENTIALS);
    const rows = activitySince(since);
    expect(rows.map((r) => r.action)).toEqual(["session.sign_in_failed"]);
    expect(JSON.stringify(rows[0])).not.toContain(WRONG);
  });

  it("asks for both fields when one is empty", async () => {
    const result = await callAction(login.action, "/login", signInForm("", ""));
    expect(result.status).toBe(400);
    expect(refusalOf(result.data).fieldErrors).toMatchObject({
      email: "Enter an e-mail address.",
      password: "Enter your password.",
    });
  });

  it("sends a signed-in visitor of /login on to where they were going", async () => {
    const user = await createTestUser();
    const cookie = signInAs(user);
    expect(await callLoader(login.loader, "/login?redirectTo=%2Faccount", { cookie })).toMatchObject({
      status: 302,
      location: "/account",
    });
    expect(await callLoader(login.loader, "/login?redirectTo=%2F%2Fevil.com", { cookie })).toMatchObject({
      status: 302,
      location: "/",
    });
  });
});

describe("the sign-in rate limit (10 a minute)", () => {
  it("refuses the 11th attempt for one e-mail with 429, Retry-After and a clear message", async () => {
    const user = await createTestUser();
    for (let i = 0; i < 10; i++) {
      const attempt = await callAction(login.action, "/login", signInForm(user.email, WRONG));
      expect(attempt.status).toBe(401);
    }
    const since = lastActivityId();
    // even the right password is refused now
    const eleventh = await callAction(login.action, "/login", signInForm(user.email, user.password));
    expect(eleventh.status).toBe(429);
    const retryAfter = Number(eleventh.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refusalOf(eleventh.data).formError).toBe(
      `Too many sign-in attempts. Wait ${retryAfter} seconds and try again.`,
    );
    expect(eleventh.headers.getSetCookie()).toEqual([]);
    expect(activitySince(since)).toEqual([]);
  });

  it("limits one client trying many e-mails", async () => {
    const user = await createTestUser();
    for (let i = 0; i < 10; i++) {
      const attempt = await callAction(login.action, "/login", {
        ...signInForm(`guess${i}@example.com`, WRONG),
        clientAddress: "203.0.113.9",
      });
      expect(attempt.status).toBe(401);
    }
    const eleventh = await callAction(login.action, "/login", {
      ...signInForm(user.email, user.password),
      clientAddress: "203.0.113.9",
    });
    expect(eleventh.status).toBe(429);
    expect(Number(eleventh.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect(refusalOf(eleventh.data).formError).toMatch(
      /^Too many sign-in attempts\. Wait \d+ seconds and try again\.$/,
    );

    // another client signing in as someone else is not affected
    const other = await createTestUser();
    const elsewhere = await callAction(login.action, "/login", {
      ...signInForm(other.email, other.password),
      clientAddress: "198.51.100.7",
    });
    expect(elsewhere.status).toBe(302);
  });
});

describe("sign-out", () => {
  it("ends the session in the database and clears the cookie", async () => {
    const user = await createTestUser({ name: "Katherine Johnson" });
    const cookie = signInAs(user);
    const since = lastActivityId();
    const result = await callAction(logout.action, "/logout", { cookie });
    expect(result).toMatchObject({ status: 302, location: "/login" });
    const cleared = result.headers.getSetCookie().find((c) => c.startsWith("triad_session="));
    expect(cleared).toMatch(/^triad_session=;.*Max-Age=0/);
    expect(getSessionUser(makeRequest("/", { cookie }))).toBeNull();
    expect(await callLoader(index.loader, "/", { cookie })).toMatchObject({ status: 302, location: "/login" });
    expect(activitySince(since).map((r) => r.action)).toEqual(["session.signed_out"]);
  });
});

describe("session expiry", () => {
  it("ends a session after the idle timeout", async () => {
    const user = await createTestUser();
    const t0 = Date.now();
    const cookie = signInAs(user, t0);
    const request = () => makeRequest("/", { cookie });
    expect(getSessionUser(request(), t0 + IDLE_TIMEOUT_MS - 1)).toMatchObject({ id: user.id });
    // that request counted as activity: the idle clock restarts from it
    expect(getSessionUser(request(), t0 + 2 * IDLE_TIMEOUT_MS - 2)).toMatchObject({ id: user.id });
    expect(getSessionUser(request(), t0 + 3 * IDLE_TIMEOUT_MS)).toBeNull();
    // and it stays ended
    expect(getSessionUser(request(), t0 + 3 * IDLE_TIMEOUT_MS - 10)).toBeNull();
  });

  it("ends a session at its absolute lifetime, however active", async () => {
    const user = await createTestUser();
    const t0 = Date.now();
    const cookie = signInAs(user, t0);
    const request = () => makeRequest("/", { cookie });
    const step = IDLE_TIMEOUT_MS / 2;
    let now = t0;
    while (now + step < t0 + ABSOLUTE_LIFETIME_MS) {
      now += step;
      expect(getSessionUser(request(), now), `at +${now - t0} ms`).toMatchObject({ id: user.id });
    }
    expect(getSessionUser(request(), t0 + ABSOLUTE_LIFETIME_MS)).toBeNull();
    expect(getSessionUser(request(), now)).toBeNull();
  });

  it("a deactivated person's session stops at once and they cannot sign in", async () => {
    const admin = await createAdmin();
    const user = await createTestUser({ email: "former@example.com" });
    const cookie = signInAs(user);
    expect(await callLoader(index.loader, "/", { cookie })).toMatchObject({ status: 200 });

    const deactivate = await callAction(people.action, `/people/${user.id}`, {
      cookie: signInAs(admin),
      params: { userId: String(user.id) },
      form: { intent: "deactivate" },
    });
    expect(deactivate).toMatchObject({ status: 302 });

    expect(await callLoader(index.loader, "/", { cookie })).toMatchObject({ status: 302, location: "/login" });
    const attempt = await callAction(login.action, "/login", signInForm(user.email, user.password));
    expect(attempt.status).toBe(401);
    expect(refusalOf(attempt.data).formError).toBe("This account is deactivated. Ask an admin to reactivate it.");
    expect(attempt.headers.getSetCookie()).toEqual([]);
    // a wrong password does not reveal that the account exists but is deactivated
    const guess = await callAction(login.action, "/login", signInForm(user.email, WRONG));
    expect(refusalOf(guess.data).formError).toBe(BAD_CREDENTIALS);

    // reactivated, they can sign in again
    setUserActive({
      actor: { id: admin.id, name: admin.name, role: "admin", discipline: admin.discipline },
      userId: user.id,
      active: true,
    });
    const again = await callAction(login.action, "/login", signInForm(user.email, user.password));
    expect(again.status).toBe(302);
  });
});
