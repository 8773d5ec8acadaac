/**
 * Every error the API answers, with its JSON shape `{error: {code, message, fields?}}`, and
 * proof that a refused request wrote nothing (activity and the domain tables unchanged).
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createToken, revokeToken } from "~/models/tokens.server";
import { setUserActive } from "~/models/users.server";
import { apiErrorSchema } from "~/api/route-table.server";
import { apiLimiter, apiRateKey } from "~/api/handler.server";
import { resetDatabase, sqlite } from "../support/database";
import { createAdmin } from "../support/users";
import { actorOf } from "./debt-support";
import { api, snapshotTables, userWithToken, type ApiAnswer, type ApiCall, type TokenUser } from "./api-support";

let owner: TokenUser;
let scientist: TokenUser;
let outsider: TokenUser;
let slug: string;
let projectVersion: number;

beforeAll(async () => {
  resetDatabase();
  owner = await userWithToken({ name: "Olu Owner", discipline: "business" });
  scientist = await userWithToken({ name: "Sam Scientist", discipline: "data_science" });
  outsider = await userWithToken({ name: "Otto Outsider", discipline: "it" });
  const created = await api("POST", "/api/v1/projects", {
    token: owner.token,
    body: { name: "Demand forecast", summary: "Weekly demand per store." },
  });
  slug = created.body.project.slug;
  projectVersion = created.body.project.version;
  await api("POST", `/api/v1/projects/${slug}/members`, {
    token: owner.token,
    body: { email: scientist.email, discipline: "data_science" },
  });
});

beforeEach(() => {
  apiLimiter.reset();
  delete process.env.TRIAD_BODY_LIMIT;
});

/** Sends the request and expects it refused with `status`/`code`, the error shape, and nothing written. */
async function refused(status: number, code: string, method: string, path: string, call: ApiCall): Promise<ApiAnswer> {
  const before = snapshotTables(sqlite());
  const answer = await api(method, path, call);
  expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status, code });
  expect(apiErrorSchema.safeParse(answer.body).success).toBe(true);
  expect(answer.headers.get("Content-Type")).toMatch(/application\/json/);
  expect(snapshotTables(sqlite())).toEqual(before);
  return answer;
}

describe("401: no token, a bad token, a revoked, expired or deactivated one", () => {
  it("refuses a request without a token, with WWW-Authenticate", async () => {
    const answer = await refused(401, "unauthorized", "POST", "/api/v1/projects", { body: { name: "Nope" } });
    expect(answer.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    await refused(401, "unauthorized", "GET", "/api/v1/projects", { headers: { Authorization: "Basic dXNlcjpwYXNz" } });
  });

  it("refuses an unknown token", async () => {
    await refused(401, "unauthorized", "GET", "/api/v1/projects", { token: "triad_not-a-real-token" });
  });

  it("refuses a revoked token at once", async () => {
    const person = await userWithToken();
    expect((await api("GET", "/api/v1/projects", { token: person.token })).status).toBe(200);
    const id = sqlite().prepare("select id from api_tokens where user_id = ?").get(person.id) as { id: number };
    revokeToken({ actor: actorOf(person), tokenId: id.id });
    const answer = await refused(401, "unauthorized", "POST", "/api/v1/projects", {
      token: person.token,
      body: { name: "After revoke" },
    });
    expect(answer.body.error.message).toMatch(/revoked/);
  });

  it("refuses an expired token", async () => {
    const person = await userWithToken();
    const { token, row } = createToken({ actor: null, userId: person.id, name: "short", expiresOn: "2999-01-01" });
    expect((await api("GET", "/api/v1/projects", { token })).status).toBe(200);
    sqlite()
      .prepare("update api_tokens set expires_at = ? where id = ?")
      .run(Date.now() - 1000, row.id);
    const answer = await refused(401, "unauthorized", "GET", "/api/v1/projects", { token });
    expect(answer.body.error.message).toMatch(/expired/);
  });

  it("refuses the tokens of a deactivated person", async () => {
    const admin = await createAdmin();
    const person = await userWithToken();
    setUserActive({ actor: actorOf(admin), userId: person.id, active: false });
    const answer = await refused(401, "unauthorized", "GET", `/api/v1/projects/${slug}`, { token: person.token });
    expect(answer.body.error.message).toMatch(/deactivated/);
  });
});

describe("400: invalid input, with a message per field", () => {
  it("names each invalid field", async () => {
    const answer = await refused(400, "invalid_request", "POST", "/api/v1/projects", {
      token: owner.token,
      body: { name: "x", summary: 42, nickname: "extra" },
    });
    expect(answer.body.error.fields).toMatchObject({
      name: expect.stringMatching(/at least 2 characters/),
      summary: expect.any(String),
      nickname: "Unknown field.",
    });
  });

  it("refuses a body that is not JSON, or not an object", async () => {
    await refused(400, "invalid_json", "POST", "/api/v1/projects", { token: owner.token, raw: "{name: 'no quotes'" });
    await refused(400, "invalid_json", "POST", "/api/v1/projects", { token: owner.token, raw: "[1, 2]" });
    await refused(400, "invalid_json", "POST", "/api/v1/projects", { token: owner.token, raw: "" });
  });

  it("refuses an invalid query string and a forged cursor", async () => {
    const stage = await refused(400, "invalid_request", "GET", "/api/v1/projects?stage=moon", { token: owner.token });
    expect(stage.body.error.fields.stage).toMatch(/poc, pilot or production/);
    const cursor = await refused(400, "invalid_request", "GET", "/api/v1/projects?cursor=bogus", {
      token: owner.token,
    });
    expect(Object.keys(cursor.body.error.fields)).toEqual(["cursor"]);
    // Well-formed JSON but not signed by this server (tests/integration/input-bounds.test.ts has more).
    const unsigned = Buffer.from(JSON.stringify({ page: 1, size: 5000 })).toString("base64url");
    const handMade = await refused(400, "invalid_request", "GET", `/api/v1/projects?cursor=${unsigned}`, {
      token: owner.token,
    });
    expect(Object.keys(handMade.body.error.fields)).toEqual(["cursor"]);
    const limit = await refused(400, "invalid_request", "GET", "/api/v1/projects?limit=1e1", { token: owner.token });
    expect(limit.body.error.fields).toEqual({ limit: "Use a whole number from 1 to 100." });
  });

  it("passes the model's own validation errors through (a sign-off asking for changes needs a comment)", async () => {
    const other = await api("POST", "/api/v1/projects", { token: owner.token, body: { name: "Validation target" } });
    const opened = await api("POST", `/api/v1/projects/${other.body.project.slug}/gate-reviews`, {
      token: owner.token,
      body: { statement: "Ready to check the validation." },
    });
    const answer = await refused(
      400,
      "invalid_request",
      "POST",
      `/api/v1/projects/${other.body.project.slug}/gate-reviews/${opened.body.review.id}/signoffs`,
      {
        token: owner.token,
        body: { decision: "changes_requested", comment: "  " },
      },
    );
    expect(answer.body.error.fields.comment).toMatch(/comment is required/);
  });
});

describe("403, 404 and 405", () => {
  it("refuses a non-member's write with 403", async () => {
    const answer = await refused(403, "forbidden", "POST", `/api/v1/projects/${slug}/requirements`, {
      token: outsider.token,
      body: { title: "Outsider requirement", target: "none", priority: "must" },
    });
    expect(answer.body.error.message).toMatch(/Only members/);
  });

  it("refuses a wrong discipline with 403 (data science cannot state requirements)", async () => {
    await refused(403, "forbidden", "POST", `/api/v1/projects/${slug}/requirements`, {
      token: scientist.token,
      body: { title: "Scientist requirement", target: "none", priority: "must" },
    });
  });

  it("answers 404 for unknown projects, ids and addresses", async () => {
    await refused(404, "not_found", "GET", "/api/v1/projects/no-such-project", { token: owner.token });
    await refused(404, "not_found", "GET", `/api/v1/projects/${slug}/gate-reviews/999999`, { token: owner.token });
    await refused(404, "not_found", "GET", `/api/v1/projects/${slug}/gate-reviews/abc`, { token: owner.token });
    await refused(404, "not_found", "PATCH", "/api/v1/debt/999999", {
      token: owner.token,
      body: { version: 1, title: "Ghost item" },
    });
    await refused(404, "not_found", "GET", "/api/v1/no/such/endpoint", { token: owner.token });
  });

  it("answers 405 with Allow for a method the address does not serve", async () => {
    const answer = await refused(405, "method_not_allowed", "PUT", "/api/v1/projects", {
      token: owner.token,
      body: {},
    });
    expect(answer.headers.get("Allow")).toBe("GET, POST");
  });
});

describe("409: stale versions, blocked promotion, unconfirmed removal", () => {
  it("refuses a PATCH with a stale version", async () => {
    const first = await api("PATCH", `/api/v1/projects/${slug}`, {
      token: owner.token,
      body: { version: projectVersion, summary: "Weekly demand per store and product." },
    });
    expect(first.status).toBe(200);
    expect(first.body.project.version).toBe(projectVersion + 1);
    const answer = await refused(409, "conflict", "PATCH", `/api/v1/projects/${slug}`, {
      token: owner.token,
      body: { version: projectVersion, summary: "A second, late edit." },
    });
    expect(answer.body.error.message).toMatch(/changed by someone else/);
  });

  it("refuses a promotion that is not ready, with the blockers in words", async () => {
    const unsaid = await refused(400, "invalid_request", "POST", `/api/v1/projects/${slug}/gate-reviews`, {
      token: owner.token,
      body: {},
    });
    expect(unsaid.body.error.fields.statement).toMatch(/why the project is ready/);
    const opened = await api("POST", `/api/v1/projects/${slug}/gate-reviews`, {
      token: owner.token,
      body: { statement: "The forecast beats last year's planning." },
    });
    expect(opened.status).toBe(201);
    const answer = await refused(
      409,
      "promotion_blocked",
      "POST",
      `/api/v1/projects/${slug}/gate-reviews/${opened.body.review.id}/promote`,
      {
        token: owner.token,
      },
    );
    expect(answer.body.error.blockers.length).toBeGreaterThan(0);
    expect(answer.body.error.blockers.join(" ")).toMatch(/sign-off|Criterion/i);
  });

  it("refuses to remove a member with a live approval unless confirmed", async () => {
    const review = (await api("GET", `/api/v1/projects/${slug}`, { token: owner.token })).body.project.currentReview;
    const signed = await api("POST", `/api/v1/projects/${slug}/gate-reviews/${review.id}/signoffs`, {
      token: scientist.token,
      body: { decision: "approve", comment: "" },
    });
    expect(signed.status).toBe(201);
    await refused(409, "confirmation_required", "DELETE", `/api/v1/projects/${slug}/members/${scientist.id}`, {
      token: owner.token,
    });
    const confirmed = await api("DELETE", `/api/v1/projects/${slug}/members/${scientist.id}?confirm=true`, {
      token: owner.token,
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toEqual({ removed: scientist.id, withdrawnSignOffs: 1 });
  });
});

describe("413, 415 and 429", () => {
  it("refuses a body over the limit with 413", async () => {
    process.env.TRIAD_BODY_LIMIT = "200";
    await refused(413, "payload_too_large", "POST", "/api/v1/projects", {
      token: owner.token,
      body: { name: "Big", summary: "x".repeat(400) },
    });
  });

  it("refuses a body that is not JSON with 415", async () => {
    await refused(415, "unsupported_media_type", "POST", "/api/v1/projects", {
      token: owner.token,
      raw: "name=Form+post",
      contentType: "application/x-www-form-urlencoded",
    });
    await refused(415, "unsupported_media_type", "POST", "/api/v1/projects", {
      token: owner.token,
      raw: '{"name":"x"}',
      contentType: null,
    });
  });

  it("answers 429 with Retry-After once a token is over its limit, per token", async () => {
    const tokenId = (sqlite().prepare("select id from api_tokens where user_id = ?").get(owner.id) as { id: number })
      .id;
    const now = Date.now();
    for (let i = 0; i < 500; i++) if (apiLimiter.hit(apiRateKey(tokenId), now).limited) break;
    const answer = await refused(429, "rate_limited", "POST", "/api/v1/projects", {
      token: owner.token,
      body: { name: "Too many" },
    });
    expect(Number(answer.headers.get("Retry-After"))).toBeGreaterThan(0);
    // Another token is not affected.
    expect((await api("GET", "/api/v1/projects", { token: scientist.token })).status).toBe(200);
  });
});
