/**
 * Personal access tokens: /settings/tokens shows a new token once and stores only its hash
 * and prefix, makes it valid for 90 days unless told otherwise (no expiry only when chosen),
 * lists last use and expiry, revokes after a confirmation (and the API refuses the token at
 * once); `triad token:create` prints one for an operator. Sudo mode: tests/integration/sudo-mode.test.ts.
 */
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { utcDate } from "~/domain/dates";
import * as tokensRoute from "~/routes/settings.tokens";
import { main } from "../../scripts/triad";
import { activitySince, lastActivityId, resetDatabase, sqlite } from "../support/database";
import { callAction, callLoader, refusalOf } from "../support/requests";
import { createTestUser, signInAs, type TestUser } from "../support/users";
import { api } from "./api-support";

let ada: TestUser;
let cookie: string;

beforeAll(async () => {
  resetDatabase();
  ada = await createTestUser({ name: "Ada Tokens", discipline: "data_science" });
  cookie = signInAs(ada);
});

type TokenRecord = {
  id: number;
  token_hash: string;
  prefix: string;
  last_used_at: number | null;
  revoked_at: number | null;
  expires_at: number | null;
};
const tokenRows = (userId: number) =>
  sqlite().prepare("select * from api_tokens where user_id = ? order by id").all(userId) as TokenRecord[];

describe("/settings/tokens", () => {
  it("needs a signed-in user", async () => {
    const answer = await callLoader(tokensRoute.loader, "/settings/tokens");
    expect(answer.location).toMatch(/^\/login/);
  });

  it("shows a new token once and stores only its SHA-256 and prefix", async () => {
    const since = lastActivityId();
    const answer = await callAction(tokensRoute.action, "/settings/tokens", {
      cookie,
      form: { intent: "create", name: "Nightly pipeline", expiresOn: "2999-12-31" },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("Cache-Control")).toBe("no-store");
    const token: string = answer.data.created.token;
    expect(token).toMatch(/^triad_[A-Za-z0-9_-]{43}$/);
    const [row] = tokenRows(ada.id);
    expect(row.token_hash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(token.startsWith(row.prefix)).toBe(true);
    expect(row.prefix).toHaveLength(12);
    const everything =
      JSON.stringify(sqlite().prepare("select * from api_tokens").all()) + JSON.stringify(activitySince(since));
    expect(everything).not.toContain(token.slice(12));
    expect(activitySince(since)).toMatchObject([{ action: "token.created", via: "web", actor_id: ada.id }]);

    const page = await callLoader(tokensRoute.loader, "/settings/tokens", { cookie });
    expect(page.data.tokens).toMatchObject([{ name: "Nightly pipeline", prefix: row.prefix, lastUsedAt: null }]);
    expect(JSON.stringify(page.data)).not.toContain(token);

    expect((await api("GET", "/api/v1/projects", { token })).status).toBe(200);
    expect(tokenRows(ada.id)[0].last_used_at).toBeGreaterThan(0);
  });

  it("makes a token valid for 90 days when no day is chosen", async () => {
    const answer = await callAction(tokensRoute.action, "/settings/tokens", {
      cookie,
      form: { intent: "create", name: "Default expiry", expiresOn: "" },
    });
    expect(answer.status).toBe(200);
    const row = tokenRows(ada.id).at(-1)!;
    expect(row.expires_at).not.toBeNull();
    const in90Days = utcDate(Date.now() + 90 * 24 * 60 * 60 * 1000);
    const page = await callLoader(tokensRoute.loader, "/settings/tokens", { cookie });
    // the page offers that day and lists the token as valid through it
    expect(page.data.defaultExpiresOn).toBe(in90Days);
    const listed = page.data.tokens.find((t: { id: number }) => t.id === row.id);
    expect(utcDate(listed.expiresAt - 1)).toBe(in90Days);
    // a request without the field at all gets the same
    await callAction(tokensRoute.action, "/settings/tokens", { cookie, form: { intent: "create", name: "No field" } });
    expect(tokenRows(ada.id).at(-1)!.expires_at).toBe(row.expires_at);
  });

  it("makes a token without expiry only when that is chosen explicitly", async () => {
    const answer = await callAction(tokensRoute.action, "/settings/tokens", {
      cookie,
      form: { intent: "create", name: "Forever", expiresOn: "", noExpiry: "yes" },
    });
    expect(answer.status).toBe(200);
    expect(tokenRows(ada.id).at(-1)!.expires_at).toBeNull();
    const chosen = await callAction(tokensRoute.action, "/settings/tokens", {
      cookie,
      form: { intent: "create", name: "Chosen day", expiresOn: "2999-06-30" },
    });
    expect(chosen.status).toBe(200);
    const page = await callLoader(tokensRoute.loader, "/settings/tokens", { cookie });
    const listed = page.data.tokens.find((t: { name: string }) => t.name === "Chosen day");
    expect(utcDate(listed.expiresAt - 1)).toBe("2999-06-30");
  });

  it("checks the name and the expiry date", async () => {
    const before = lastActivityId();
    const answer = await callAction(tokensRoute.action, "/settings/tokens", {
      cookie,
      form: { intent: "create", name: " ", expiresOn: "2001-01-01" },
    });
    expect(answer.status).toBe(400);
    expect(refusalOf(answer.data).fieldErrors.name).toMatch(/Name the token/);
    const past = await callAction(tokensRoute.action, "/settings/tokens", {
      cookie,
      form: { intent: "create", name: "Old", expiresOn: "2001-01-01" },
    });
    expect(past.status).toBe(400);
    expect(refusalOf(past.data).fieldErrors.expiresOn).toMatch(/after today/);
    expect(past.data.initialValue.name).toBe("Old");
    expect(lastActivityId()).toBe(before);
  });

  it("revokes a token; the API refuses it at once; nobody else can revoke it", async () => {
    const created = await callAction(tokensRoute.action, "/settings/tokens", {
      cookie,
      form: { intent: "create", name: "To revoke" },
    });
    const token: string = created.data.created.token;
    const id = tokenRows(ada.id).at(-1)!.id;
    const confirm = await callLoader(tokensRoute.loader, `/settings/tokens?revoke=${id}`, { cookie });
    expect(confirm.status).toBe(200);

    const mallory = await createTestUser({ name: "Mallory" });
    const foreign = await callAction(tokensRoute.action, "/settings/tokens", {
      cookie: signInAs(mallory),
      form: { intent: "revoke", tokenId: String(id) },
    });
    expect(foreign.status).toBe(404);
    expect(tokenRows(ada.id).at(-1)!.revoked_at).toBeNull();

    const since = lastActivityId();
    const revoked = await callAction(tokensRoute.action, "/settings/tokens", {
      cookie,
      form: { intent: "revoke", tokenId: String(id) },
    });
    expect(revoked.status).toBe(302);
    expect(revoked.location).toBe("/settings/tokens");
    expect(activitySince(since)).toMatchObject([{ action: "token.revoked", actor_id: ada.id }]);
    const refused = await api("GET", "/api/v1/projects", { token });
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/revoked/);
    const again = await callAction(tokensRoute.action, "/settings/tokens", {
      cookie,
      form: { intent: "revoke", tokenId: String(id) },
    });
    expect(again.status).toBe(409);
  });
});

describe("triad token:create", () => {
  it("prints a working token for a person, and refuses unknown people", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const stdout = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (out.push(String(chunk)), true));
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (err.push(String(chunk)), true));
    let ok: number;
    let unknown: number;
    try {
      ok = await main(["token:create", "--email", ada.email, "--name", "Operator token", "--expires", "2999-01-01"]);
      unknown = await main(["token:create", "--email", "nobody@example.com", "--name", "x"]);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    expect(ok).toBe(0);
    expect(unknown).toBe(1);
    const token = out.join("").trim();
    expect(token).toMatch(/^triad_/);
    expect(err.join("")).toMatch(/nobody@example.com/);
    const answer = await api("GET", "/api/v1/projects", { token });
    expect(answer.status).toBe(200);
    expect(
      activitySince(0)
        .filter((r) => r.action === "token.created")
        .at(-1),
    ).toMatchObject({ via: "cli", actor_id: null });
  });
});
