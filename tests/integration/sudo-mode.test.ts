/**
 * Sudo mode (app/utils/sudo.server.ts): creating or revoking an API token needs the password
 * proved in this session within the last 10 minutes (signing in counts); otherwise the page asks
 * for it, writes nothing, and carries on once it is right. The password change always needs the
 * current password. Every password check is rate limited per person (429 with Retry-After).
 * Changing the password ends the other sessions and, when asked, revokes all the tokens.
 */
import { createHash } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import * as account from "~/routes/account";
import * as login from "~/routes/login";
import * as tokensRoute from "~/routes/settings.tokens";
import { createToken } from "~/models/tokens.server";
import { getSessionUser } from "~/utils/session.server";
import { apiLimiter } from "~/api/handler.server";
import { SUDO_WINDOW_MS } from "~/utils/sudo.server";
import { countRows, lastActivityId, activitySince, resetDatabase, sqlite } from "../support/database";
import { callAction, cookieHeader, makeRequest, refusalOf } from "../support/requests";
import { createTestUser, signInAs, type TestUser } from "../support/users";
import { api } from "./api-support";

const WRONG = "not the right password at all";
const NEW_PASSWORD = "a much longer new password";
const MINUTE = 60 * 1000;

let ada: TestUser;

beforeEach(async () => {
  resetDatabase();
  apiLimiter.reset();
  ada = await createTestUser({ name: "Ada Sudo", discipline: "data_science" });
});

/** A session whose password was proved 11 minutes ago, as a stolen cookie would be. */
const staleCookie = (user: TestUser) => signInAs(user, Date.now() - SUDO_WINDOW_MS - MINUTE);

function sessionRow(cookie: string) {
  const token = decodeURIComponent(cookie.slice(cookie.indexOf("=") + 1));
  const id = createHash("sha256").update(token).digest("hex");
  return sqlite().prepare("select * from sessions where id = ?").get(id) as
    { reauthenticated_at: number | null } | undefined;
}

/** What a token or password action could write. */
const written = () => ({
  apiTokens: sqlite().prepare("select * from api_tokens order by id").all(),
  users: sqlite().prepare("select * from users order by id").all(),
  sessions: countRows("sessions"),
  activity: lastActivityId(),
});

const tokenRows = (userId: number) =>
  sqlite().prepare("select * from api_tokens where user_id = ? order by id").all(userId) as Array<{
    id: number;
    revoked_at: number | null;
  }>;

/** The "Confirm your password" form's fields, as the browser posts them back, with a password. */
function confirmForm(
  answer: { data: { sudo: { pending: Array<{ name: string; value: string }> } } },
  password: string,
) {
  return { ...Object.fromEntries(answer.data.sudo.pending.map((f) => [f.name, f.value])), currentPassword: password };
}

const create = (cookie: string, form: Record<string, string> = { intent: "create", name: "Nightly pipeline" }) =>
  callAction(tokensRoute.action, "/settings/tokens", { cookie, form });

describe("creating a token", () => {
  it("refuses a session whose password is older than 10 minutes, writes nothing, and goes on after the password", async () => {
    const cookie = staleCookie(ada);
    const before = written();
    const refused = await create(cookie, { intent: "create", name: "Stolen-cookie token", expiresOn: "" });
    expect(refused.status).toBe(403);
    expect(refused.data.sudo).toMatchObject({ intent: "create" });
    expect(refused.data.status).toBe("error");
    expect(refusalOf(refused.data)).toEqual({ fieldErrors: {}, formError: undefined });
    expect(refused.data.sudo.pending).toEqual([
      { name: "intent", value: "create" },
      { name: "name", value: "Stolen-cookie token" },
      { name: "expiresOn", value: "" },
    ]);
    expect(written()).toEqual(before);

    const confirmed = await create(cookie, confirmForm(refused, ada.password));
    expect(confirmed.status).toBe(200);
    expect(confirmed.data.created.name).toBe("Stolen-cookie token");
    expect(tokenRows(ada.id)).toHaveLength(1);
    expect(sessionRow(cookie)!.reauthenticated_at).toBeGreaterThan(Date.now() - MINUTE);

    // For the next 10 minutes it is not asked again.
    expect((await create(cookie)).status).toBe(200);
    expect(tokenRows(ada.id)).toHaveLength(2);
  });

  it("asks a session from before sudo mode (no re-authentication recorded)", async () => {
    const cookie = signInAs(ada);
    sqlite().prepare("update sessions set reauthenticated_at = null where user_id = ?").run(ada.id);
    const before = written();
    expect((await create(cookie)).status).toBe(403);
    expect(written()).toEqual(before);
  });

  it("counts signing in, and a password proved 9 minutes ago, as recent", async () => {
    const signedIn = await callAction(login.action, "/login", { form: { email: ada.email, password: ada.password } });
    expect(signedIn.status).toBe(302);
    const cookie = cookieHeader(signedIn.headers.getSetCookie());
    expect((await create(cookie)).status).toBe(200);
    expect((await create(signInAs(ada, Date.now() - 9 * MINUTE))).status).toBe(200);
    expect(tokenRows(ada.id)).toHaveLength(2);
  });

  it("refuses a wrong password next to the field and writes nothing", async () => {
    const cookie = staleCookie(ada);
    const refused = await create(cookie);
    const before = written();
    const wrong = await create(cookie, confirmForm(refused, WRONG));
    expect(wrong.status).toBe(400);
    expect(refusalOf(wrong.data).fieldErrors).toEqual({ currentPassword: "That is not your current password." });
    expect(wrong.data.sudo.intent).toBe("create");
    expect(JSON.stringify(wrong.data)).not.toContain(WRONG);
    expect(written()).toEqual(before);
    expect(sessionRow(cookie)!.reauthenticated_at).toBeLessThan(Date.now() - SUDO_WINDOW_MS);
  });

  it("answers the 11th password try in a minute with 429 and Retry-After, even the right one; others are not affected", async () => {
    const cookie = staleCookie(ada);
    const refused = await create(cookie);
    const before = written();
    for (let i = 0; i < 10; i++) {
      expect((await create(cookie, confirmForm(refused, `${WRONG} ${i}`))).status).toBe(400);
    }
    const limited = await create(cookie, confirmForm(refused, ada.password));
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refusalOf(limited.data).fieldErrors.currentPassword).toBe(
      `Too many password attempts. Wait ${retryAfter} seconds and try again.`,
    );
    expect(written()).toEqual(before);

    const grace = await createTestUser({ name: "Grace Other" });
    const graceCookie = staleCookie(grace);
    const theirs = await create(graceCookie, confirmForm(await create(graceCookie), grace.password));
    expect(theirs.status).toBe(200);
  });
});

describe("revoking a token", () => {
  it("refuses a session whose password is older than 10 minutes; the token keeps working until the password is given", async () => {
    const { token, row } = createToken({ actor: null, userId: ada.id, name: "Pipeline", expiresOn: null });
    const cookie = staleCookie(ada);
    const before = written();
    const refused = await callAction(tokensRoute.action, "/settings/tokens", {
      cookie,
      form: { intent: "revoke", tokenId: String(row.id) },
    });
    expect(refused.status).toBe(403);
    expect(refused.data.sudo.intent).toBe("revoke");
    expect(written()).toEqual(before);
    expect((await api("GET", "/api/v1/projects", { token })).status).toBe(200);

    const revoked = await callAction(tokensRoute.action, "/settings/tokens", {
      cookie,
      form: confirmForm(refused, ada.password),
    });
    expect(revoked).toMatchObject({ status: 302, location: "/settings/tokens" });
    expect(tokenRows(ada.id)[0].revoked_at).not.toBeNull();
    expect((await api("GET", "/api/v1/projects", { token })).status).toBe(401);
  });
});

describe("changing the password", () => {
  const change = (cookie: string, extra: Record<string, string> = {}, currentPassword = ada.password) =>
    callAction(account.action, "/account", {
      cookie,
      form: { intent: "password", currentPassword, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD, ...extra },
    });

  it("needs the current password: without it, or with a wrong one, nothing changes", async () => {
    const cookie = staleCookie(ada);
    createToken({ actor: null, userId: ada.id, name: "Pipeline", expiresOn: null });
    const before = written();
    const missing = await change(cookie, { revokeAll: "yes" }, "");
    expect(missing.status).toBe(400);
    expect(refusalOf(missing.data).fieldErrors.currentPassword).toBe("Enter your current password.");
    const wrong = await change(cookie, { revokeAll: "yes" }, WRONG);
    expect(wrong.status).toBe(400);
    expect(refusalOf(wrong.data).fieldErrors).toEqual({ currentPassword: "That is not your current password." });
    expect(written()).toEqual(before);
  });

  it("answers the 11th current-password try in a minute with 429 and Retry-After, even the right one", async () => {
    const cookie = signInAs(ada);
    const before = written();
    for (let i = 0; i < 10; i++) expect((await change(cookie, {}, `${WRONG} ${i}`)).status).toBe(400);
    const limited = await change(cookie);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(refusalOf(limited.data).formError).toBe(
      `Too many password attempts. Wait ${retryAfter} seconds and try again.`,
    );
    expect(written()).toEqual(before);
    // the old password still signs in
    const signIn = await callAction(login.action, "/login", { form: { email: ada.email, password: ada.password } });
    expect(signIn.status).toBe(302);
  });

  it("with “revoke all my API tokens” revokes every token, ends the other sessions and keeps this one", async () => {
    const first = createToken({ actor: null, userId: ada.id, name: "Pipeline", expiresOn: null });
    const second = createToken({ actor: null, userId: ada.id, name: "Notebook", expiresOn: "2999-01-01" });
    const grace = await createTestUser({ name: "Grace Keeps" });
    const graces = createToken({ actor: null, userId: grace.id, name: "Grace's", expiresOn: null });
    const elsewhere = signInAs(ada);
    const cookie = staleCookie(ada);
    const since = lastActivityId();

    const changed = await change(cookie, { revokeAll: "yes" });
    expect(changed).toMatchObject({ status: 302, location: "/account" });
    expect(tokenRows(ada.id).map((t) => t.revoked_at !== null)).toEqual([true, true]);
    expect(tokenRows(grace.id).map((t) => t.revoked_at)).toEqual([null]);
    expect(activitySince(since).map((r) => r.action)).toEqual([
      "user.password_changed",
      "token.revoked",
      "token.revoked",
    ]);
    for (const { token } of [first, second]) {
      const refused = await api("GET", "/api/v1/projects", { token });
      expect(refused.status).toBe(401);
      expect(refused.body.error.message).toMatch(/revoked/);
    }
    expect((await api("GET", "/api/v1/projects", { token: graces.token })).status).toBe(200);
    expect(getSessionUser(makeRequest("/", { cookie: elsewhere }))).toBeNull();
    expect(getSessionUser(makeRequest("/", { cookie }))).toMatchObject({ id: ada.id });
    // proving the current password was a re-authentication
    expect(sessionRow(cookie)!.reauthenticated_at).toBeGreaterThan(Date.now() - MINUTE);
  });

  it("without the box, the tokens keep working", async () => {
    const { token } = createToken({ actor: null, userId: ada.id, name: "Pipeline", expiresOn: null });
    const changed = await change(signInAs(ada));
    expect(changed.status).toBe(302);
    expect(tokenRows(ada.id)[0].revoked_at).toBeNull();
    expect((await api("GET", "/api/v1/projects", { token })).status).toBe(200);
  });
});
