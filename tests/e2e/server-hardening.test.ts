/**
 * The HTTP server's own defences, on the wire (issue 13, server level): the body limit is
 * counted on the bytes as they arrive, TRUST_PROXY decides which X-Forwarded-For entry is the
 * client, an anonymous API write gets the API's 401, and pages are never cached while HSTS is
 * sent only over HTTPS from a trusted proxy. Two production servers: one direct, one behind
 * "one proxy" (TRUST_PROXY=1).
 */
import http from "node:http";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { seedAdmin, signInCookie, ADMIN } from "../support/e2e";
import { startServer, type TestServer } from "../support/server";

const LIMIT = 1024 * 1024; // TRIAD_BODY_LIMIT's default
const HOSTILE = "HOSTILE-PAYLOAD-";
const HSTS = "max-age=31536000; includeSubDomains";

let direct: TestServer;
let proxied: TestServer;
let adminCookie: string;
const stderrAt = new Map<TestServer, number>();

beforeAll(async () => {
  [direct, proxied] = await Promise.all([
    startServer(),
    startServer({ env: { TRUST_PROXY: "1", TRIAD_LOGIN_LIMIT: "10" } }),
  ]);
  ({ cookie: adminCookie } = await seedAdmin(direct));
  await seedAdmin(proxied);
});

afterAll(async () => {
  await Promise.all([direct?.stop(), proxied?.stop()]);
});

beforeEach(() => {
  for (const server of [direct, proxied]) stderrAt.set(server, server.stderr().length);
});

afterEach(() => {
  for (const server of [direct, proxied]) {
    const written = server.stderr().slice(stderrAt.get(server)).trim();
    if (written) throw new Error(`The server wrote to stderr during this test:\n${written}`);
  }
});

/** Row counts of every table, read straight from the server's database file. */
function snapshot(server: TestServer): Record<string, number> {
  const sqlite = new Database(server.databaseFile, { readonly: true, fileMustExist: true });
  try {
    const tables = sqlite
      .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")
      .all() as { name: string }[];
    return Object.fromEntries(
      tables.map(({ name }) => [
        name,
        (sqlite.prepare(`select count(*) as n from "${name}"`).get() as { n: number }).n,
      ]),
    );
  } finally {
    sqlite.close();
  }
}

function failedSignIns(server: TestServer): { client: string; email: string }[] {
  const sqlite = new Database(server.databaseFile, { readonly: true, fileMustExist: true });
  try {
    const rows = sqlite
      .prepare("select after from activity where action = 'session.sign_in_failed' order by id")
      .all() as { after: string }[];
    return rows.map((r) => JSON.parse(r.after) as { client: string; email: string });
  } finally {
    sqlite.close();
  }
}

type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string; sent: number };

/**
 * A POST sent with Transfer-Encoding: chunked (no Content-Length), `head` then `fill` repeated
 * up to `total` bytes, which is never ended: a server that waits for the whole body before
 * judging its size never answers, and this rejects after 15 s.
 */
function chunkedPost(
  server: TestServer,
  pathname: string,
  headers: Record<string, string>,
  { head, fill, total }: { head: string; fill: string; total: number },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(new URL(pathname, server.url), {
      method: "POST",
      headers: { ...headers, "Transfer-Encoding": "chunked" },
    });
    let sent = 0;
    let answered = false;
    const timer = setTimeout(() => {
      request.destroy();
      reject(new Error(`No answer after ${sent} bytes of a body that was never ended`));
    }, 15_000);
    request.on("response", (response) => {
      answered = true;
      const parts: Buffer[] = [];
      response.on("data", (part: Buffer) => parts.push(part));
      response.on("end", () => {
        clearTimeout(timer);
        request.destroy();
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(parts).toString(),
          sent,
        });
      });
    });
    // once answered, the server may hang up on the rest of the upload: that is expected
    request.on("error", (error) => {
      if (answered) return;
      clearTimeout(timer);
      reject(error);
    });
    const chunk = Buffer.from(fill.repeat(Math.ceil((64 * 1024) / fill.length)));
    const pump = () => {
      if (sent === 0) {
        request.write(head);
        sent += Buffer.byteLength(head);
      }
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!request.write(chunk)) {
          request.once("drain", pump);
          return;
        }
      }
    };
    pump();
  });
}

/** A chunked POST with a small body, ended normally. */
function smallChunkedPost(server: TestServer, pathname: string, headers: Record<string, string>, body: string) {
  return new Promise<Answer>((resolve, reject) => {
    const request = http.request(new URL(pathname, server.url), {
      method: "POST",
      headers: { ...headers, "Transfer-Encoding": "chunked" },
    });
    request.on("response", (response) => {
      const parts: Buffer[] = [];
      response.on("data", (part: Buffer) => parts.push(part));
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(parts).toString(),
          sent: body.length,
        }),
      );
    });
    request.on("error", reject);
    for (let i = 0; i < body.length; i += 7) request.write(body.slice(i, i + 7));
    request.end();
  });
}

const FORM = { "Content-Type": "application/x-www-form-urlencoded" };

describe("the body limit is counted on the stream (finding 1)", () => {
  const tooLarge = `The request body is larger than ${LIMIT} bytes.`;

  it("a chunked sign-in form over the limit gets 413 before it ends, and nothing is written or echoed", async () => {
    const before = snapshot(direct);
    const answer = await chunkedPost(
      direct,
      "/login",
      { ...FORM, Origin: direct.url },
      { head: "password=wrong+password&email=", fill: HOSTILE, total: 20 * LIMIT },
    );
    expect(answer.status).toBe(413);
    expect(answer.body).toBe(tooLarge);
    expect(answer.body).not.toContain(HOSTILE);
    expect(answer.sent).toBeLessThan(20 * LIMIT);
    expect(snapshot(direct)).toEqual(before);
    // the server is fine afterwards
    expect((await fetch(`${direct.url}/healthz`)).status).toBe(200);
  });

  it("a chunked JSON API call over the limit gets the API's 413, and nothing is written", async () => {
    const before = snapshot(direct);
    const answer = await chunkedPost(
      direct,
      "/api/v1/projects",
      { "Content-Type": "application/json", Authorization: "Bearer triad_not_checked_before_the_size" },
      { head: '{"name":"', fill: HOSTILE, total: 20 * LIMIT },
    );
    expect(answer.status).toBe(413);
    expect(answer.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: "payload_too_large", message: tooLarge } });
    expect(snapshot(direct)).toEqual(before);
  });

  it("a chunked multipart form over the limit gets 413, and no one is added", async () => {
    const before = snapshot(direct);
    const boundary = "----triad-hardening-boundary";
    const head =
      `--${boundary}\r\nContent-Disposition: form-data; name="email"\r\n\r\nbig@example.com\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="password"\r\n\r\na long enough password\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="name"; filename="name.txt"\r\nContent-Type: text/plain\r\n\r\n`;
    const answer = await chunkedPost(
      direct,
      "/people/new",
      { "Content-Type": `multipart/form-data; boundary=${boundary}`, Origin: direct.url, Cookie: adminCookie },
      { head, fill: HOSTILE, total: 20 * LIMIT },
    );
    expect(answer.status).toBe(413);
    expect(answer.body).toBe(tooLarge);
    expect(snapshot(direct)).toEqual(before);
  });

  it("a declared Content-Length over the limit is refused without reading the body", async () => {
    const before = snapshot(direct);
    const response = await fetch(`${direct.url}/login`, {
      method: "POST",
      headers: { ...FORM, Origin: direct.url },
      body: `email=${HOSTILE.repeat(LIMIT / HOSTILE.length + 1)}&password=x`,
    });
    expect(response.status).toBe(413);
    const text = await response.text();
    expect(text).toBe(tooLarge);
    expect(snapshot(direct)).toEqual(before);
  });

  it("a chunked body within the limit reaches the route whole", async () => {
    const body = new URLSearchParams({ email: ADMIN.email, password: ADMIN.password }).toString();
    const answer = await smallChunkedPost(direct, "/login", { ...FORM, Origin: direct.url }, body);
    expect(answer.status).toBe(302);
    expect(String(answer.headers["set-cookie"])).toMatch(/triad_session=[^;]+/);
  });
});

describe("TRUST_PROXY=1 believes only the address the proxy appended (finding 2)", () => {
  it("a client that changes its own X-Forwarded-For entries is still rate-limited, and logged as itself", async () => {
    const before = failedSignIns(proxied).length;
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 1; i <= 20; i++) {
      const response = await fetch(`${proxied.url}/login`, {
        method: "POST",
        redirect: "manual",
        headers: {
          ...FORM,
          Origin: proxied.url,
          // what the client wrote, then what the one proxy appended: the client's real address
          "X-Forwarded-For": `198.51.100.${i}, 10.9.8.${i}, 203.0.113.7`,
        },
        // a new e-mail each time, so only the per-client limit can stop this
        body: new URLSearchParams({ email: `nobody${i}@example.com`, password: "a wrong password" }),
      });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get("retry-after");
    }
    expect(statuses).toEqual([...Array(10).fill(401), ...Array(10).fill(429)]);
    // the 429 says when to try again
    expect(Number(retryAfter)).toBeGreaterThan(0);

    // the audit log has the ten refused attempts, from the proxy-appended address only
    const logged = failedSignIns(proxied).slice(before);
    expect(logged).toHaveLength(10);
    expect(new Set(logged.map((row) => row.client))).toEqual(new Set(["203.0.113.7"]));
    expect(JSON.stringify(logged)).not.toMatch(/198\.51\.100|10\.9\.8/);

    // another client behind the same proxy is not limited
    const other = await fetch(`${proxied.url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { ...FORM, Origin: proxied.url, "X-Forwarded-For": "203.0.113.8" },
      body: new URLSearchParams({ email: "someone@example.com", password: "a wrong password" }),
    });
    expect(other.status).toBe(401);
  });

  it("without TRUST_PROXY, X-Forwarded-For is ignored: the client is the connection's address", async () => {
    const before = failedSignIns(direct).length;
    const response = await fetch(`${direct.url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { ...FORM, Origin: direct.url, "X-Forwarded-For": "198.51.100.1" },
      body: new URLSearchParams({ email: "spoof@example.com", password: "a wrong password" }),
    });
    expect(response.status).toBe(401);
    expect(
      failedSignIns(direct)
        .slice(before)
        .map((row) => row.client),
    ).toEqual(["127.0.0.1"]);
  });
});

describe("anonymous API writes get the API's 401 (finding 8)", () => {
  const project = JSON.stringify({ name: "Forged project" });

  it("a write with neither cookie nor token gets 401 unauthorized in the JSON shape", async () => {
    const before = snapshot(direct);
    for (const headers of [{}, { Origin: "http://evil.example" }] as Record<string, string>[]) {
      const response = await fetch(`${direct.url}/api/v1/projects`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...headers },
        body: project,
      });
      expect(response.status).toBe(401);
      expect(response.headers.get("WWW-Authenticate")).toBe('Bearer realm="triad"');
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("unauthorized");
      expect(body.error.message).toContain("Authorization: Bearer");
    }
    expect(snapshot(direct)).toEqual(before);
  });

  it("a write that carries a cookie from another origin is still refused with 403", async () => {
    const before = snapshot(direct);
    const response = await fetch(`${direct.url}/api/v1/projects`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: "http://evil.example", Cookie: adminCookie },
      body: project,
    });
    expect(response.status).toBe(403);
    await expect(response.json()).resolves.toEqual({
      error: { code: "forbidden", message: "This request came from another site, so Triad refused it." },
    });
    expect(snapshot(direct)).toEqual(before);
  });
});

describe("cache and transport headers (finding 10)", () => {
  it("signed-in pages, their .data and error pages are no-store; /assets keep their long cache", async () => {
    const page = await fetch(`${direct.url}/people`, { headers: { Cookie: adminCookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(page.headers.get("Cache-Control")).toBe("no-store");
    const html = await page.text();
    expect(html).toContain(ADMIN.email);

    const data = await fetch(`${direct.url}/people.data`, { headers: { Cookie: adminCookie } });
    expect(data.status).toBe(200);
    expect(data.headers.get("Cache-Control")).toBe("no-store");
    expect(await data.text()).toContain(ADMIN.email);

    const missing = await fetch(`${direct.url}/no/such/page`, { headers: { Cookie: adminCookie } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("Cache-Control")).toBe("no-store");

    const missingData = await fetch(`${direct.url}/people/999999.data`, { headers: { Cookie: adminCookie } });
    expect(missingData.headers.get("Cache-Control")).toBe("no-store");

    const asset = /(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/.exec(html)?.[1];
    expect(asset, "the page links an asset under /assets").toBeTruthy();
    const assetResponse = await fetch(`${direct.url}${asset}`);
    expect(assetResponse.status).toBe(200);
    expect(assetResponse.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
  });

  it("a signed-in action answered as .data is no-store too", async () => {
    const cookie = await signInCookie(direct, ADMIN.email, ADMIN.password);
    const response = await fetch(`${direct.url}/people/new.data`, {
      method: "POST",
      headers: { ...FORM, Origin: direct.url, Cookie: cookie },
      body: new URLSearchParams({ name: "" }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });

  it("HSTS only over HTTPS from a trusted proxy, never on plain http", async () => {
    const overHttps = await fetch(`${proxied.url}/login`, { headers: { "X-Forwarded-Proto": "https" } });
    expect(overHttps.status).toBe(200);
    expect(overHttps.headers.get("Strict-Transport-Security")).toBe(HSTS);

    const plainBehindProxy = await fetch(`${proxied.url}/login`, { headers: { "X-Forwarded-Proto": "http" } });
    expect(plainBehindProxy.headers.get("Strict-Transport-Security")).toBeNull();
    const plain = await fetch(`${proxied.url}/login`);
    expect(plain.headers.get("Strict-Transport-Security")).toBeNull();

    // without TRUST_PROXY the header is the client's word, and is not believed
    const claimed = await fetch(`${direct.url}/login`, { headers: { "X-Forwarded-Proto": "https" } });
    expect(claimed.status).toBe(200);
    expect(claimed.headers.get("Strict-Transport-Security")).toBeNull();
  });
});
