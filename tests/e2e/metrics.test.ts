/**
 * GET /metrics (README.md, "Metrics"; app/utils/metrics.server.ts): the production server is
 * scraped and its answer parsed by a strict Prometheus text-format (0.0.4) parser below, so a
 * malformed line, an undeclared family or an unbounded route label fails the test.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isLoopback, routeLabel, setRoutePatterns, statusClass } from "~/utils/metrics.server";
import { startServer, type TestServer } from "../support/server";

// ---------- a strict parser for the Prometheus text format ----------

type Sample = { name: string; labels: Record<string, string>; value: number };
type Family = { name: string; type: string; help: string; samples: Sample[] };

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

/**
 * Values as Prometheus reads them (Go's strconv.ParseFloat): special values in any case, which
 * matters because prom-client writes NaN as `Nan`.
 */
function parseValue(text: string, line: string): number {
  if (/^nan$/i.test(text)) return Number.NaN;
  if (/^\+?inf(inity)?$/i.test(text)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/i.test(text)) return Number.NEGATIVE_INFINITY;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`Bad value in: ${line}`);
  return Number(text);
}

function unescapeHelp(text: string): string {
  return text.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c === "\\" ? "\\" : `\\${c}`));
}

/** Parses `{a="x",b="y\"z"}` from position `at` (just after `{`); returns labels and the end. */
function parseLabels(line: string, at: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = at;
  for (;;) {
    if (line[i] === "}") return { labels, end: i + 1 };
    const nameMatch = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(i));
    if (!nameMatch) throw new Error(`Bad label name in: ${line}`);
    const name = nameMatch[0];
    i += name.length;
    if (line[i] !== "=" || line[i + 1] !== '"') throw new Error(`Expected ="…" after ${name} in: ${line}`);
    i += 2;
    let value = "";
    for (;;) {
      const c = line[i];
      if (c === undefined) throw new Error(`Unterminated label value in: ${line}`);
      if (c === "\\") {
        const next = line[i + 1];
        if (next === "n") value += "\n";
        else if (next === "\\" || next === '"') value += next;
        else throw new Error(`Bad escape \\${next} in: ${line}`);
        i += 2;
      } else if (c === '"') {
        i += 1;
        break;
      } else {
        value += c;
        i += 1;
      }
    }
    if (name in labels) throw new Error(`Label ${name} twice in: ${line}`);
    labels[name] = value;
    if (line[i] === ",") i += 1;
    else if (line[i] !== "}") throw new Error(`Expected , or } in: ${line}`);
  }
}

function familyOf(sampleName: string, families: Map<string, Family>): Family | undefined {
  const direct = families.get(sampleName);
  if (direct) return direct;
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (!sampleName.endsWith(suffix)) continue;
    const family = families.get(sampleName.slice(0, -suffix.length));
    if (family && (family.type === "histogram" || (family.type === "summary" && suffix !== "_bucket"))) {
      return family;
    }
  }
  return undefined;
}

function parsePrometheus(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  if (!text.endsWith("\n")) throw new Error("The exposition must end with a newline.");
  for (const line of text.split("\n")) {
    if (line === "") continue;
    if (line.startsWith("#")) {
      const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!meta) continue; // a plain comment
      const [, kind, name, rest] = meta;
      if (!METRIC_NAME.test(name)) throw new Error(`Bad metric name in: ${line}`);
      const family = families.get(name) ?? { name, type: "untyped", help: "", samples: [] };
      if (kind === "TYPE") {
        if (!TYPES.has(rest)) throw new Error(`Bad type in: ${line}`);
        if (family.samples.length > 0) throw new Error(`TYPE after samples in: ${line}`);
        family.type = rest;
      } else {
        family.help = unescapeHelp(rest);
      }
      families.set(name, family);
      continue;
    }
    const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
    if (!nameMatch) throw new Error(`Bad sample line: ${line}`);
    const name = nameMatch[0];
    let i = name.length;
    let labels: Record<string, string> = {};
    if (line[i] === "{") ({ labels, end: i } = parseLabels(line, i + 1));
    if (line[i] !== " ") throw new Error(`Expected a space before the value in: ${line}`);
    const fields = line.slice(i + 1).split(" ");
    if (fields.length > 2 || (fields[1] !== undefined && !/^-?\d+$/.test(fields[1]))) {
      throw new Error(`Bad value/timestamp in: ${line}`);
    }
    const value = parseValue(fields[0], line);
    for (const labelName of Object.keys(labels)) {
      if (!LABEL_NAME.test(labelName) || labelName.startsWith("__")) throw new Error(`Bad label in: ${line}`);
    }
    const family = familyOf(name, families);
    if (!family) throw new Error(`Sample of an undeclared family: ${line}`);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(key)) throw new Error(`Duplicate series: ${line}`);
    seen.add(key);
    family.samples.push({ name, labels, value });
  }
  return families;
}

function family(families: Map<string, Family>, name: string): Family {
  const found = families.get(name);
  if (!found) throw new Error(`No family ${name}; have ${[...families.keys()].join(", ")}`);
  return found;
}

// ---------- the parser itself ----------

describe("the test's Prometheus parser", () => {
  it("reads escapes and refuses malformed lines", () => {
    const parsed = parsePrometheus(
      '# HELP x A \\\\ help\\nline\n# TYPE x gauge\nx{a="q\\"u\\\\o\\nte",b=""} -1.5e3\nx Nan\n',
    );
    expect(parsed.get("x")?.help).toBe("A \\ help\nline");
    expect(parsed.get("x")?.samples).toEqual([
      { name: "x", labels: { a: 'q"u\\o\nte', b: "" }, value: -1500 },
      { name: "x", labels: {}, value: Number.NaN },
    ]);
    expect(() => parsePrometheus('# TYPE x gauge\nx{a="1"} one\n')).toThrow(/Bad value/);
    expect(() => parsePrometheus("y 1\n")).toThrow(/undeclared/);
    expect(() => parsePrometheus('# TYPE x gauge\nx{a="1} 1\n')).toThrow();
    expect(() => parsePrometheus('# TYPE x gauge\nx{a="\\t"} 1\n')).toThrow(/escape/);
    expect(() => parsePrometheus("# TYPE x gauge\nx 1\nx 2\n")).toThrow(/Duplicate/);
  });
});

// ---------- pure helpers ----------

describe("route labels", () => {
  it("maps paths to their route pattern, splats and unknown paths to other", () => {
    setRoutePatterns({
      root: { id: "root", path: "" },
      "routes/$": { id: "routes/$", parentId: "root", path: "*" },
      "routes/projects.$slug": { id: "routes/projects.$slug", parentId: "root", path: "projects/:slug" },
      "routes/projects.$slug._index": {
        id: "routes/projects.$slug._index",
        parentId: "routes/projects.$slug",
        index: true,
      },
      "routes/projects.$slug.gate._index": {
        id: "routes/projects.$slug.gate._index",
        parentId: "routes/projects.$slug",
        path: "gate",
      },
      "routes/projects.new": { id: "routes/projects.new", parentId: "root", path: "projects/new" },
      "routes/api.v1.$": { id: "routes/api.v1.$", parentId: "root", path: "api/v1/*" },
      "routes/api.v1.debt.$itemId": { id: "routes/api.v1.debt.$itemId", parentId: "root", path: "api/v1/debt/:itemId" },
    });
    expect(routeLabel("/projects/churn-model/gate")).toBe("/projects/:slug/gate");
    expect(routeLabel("/projects/churn-model")).toBe("/projects/:slug");
    expect(routeLabel("/projects/new")).toBe("/projects/new");
    expect(routeLabel("/api/v1/debt/42")).toBe("/api/v1/debt/:itemId");
    expect(routeLabel("/api/v1/nothing/here")).toBe("other");
    expect(routeLabel("/wp-admin/setup.php")).toBe("other");
    expect(routeLabel("/")).toBe("/");
    expect(routeLabel("/assets/entry-abc123.js")).toBe("/assets/*");
    expect(statusClass(204)).toBe("2xx");
    expect(statusClass(404)).toBe("4xx");
  });

  it("treats only loopback socket addresses as loopback", () => {
    for (const address of ["127.0.0.1", "::1", "::ffff:127.0.0.1", "127.1.2.3"]) expect(isLoopback(address)).toBe(true);
    for (const address of ["10.0.0.1", "::ffff:10.0.0.1", "192.0.2.2", "", undefined, "fe80::1"]) {
      expect(isLoopback(address)).toBe(false);
    }
  });
});

// ---------- the real server ----------

/** A non-loopback IPv4 address of this machine, to reach the server from "outside" loopback. */
const outsideAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((i) => i && i.family === "IPv4" && !i.internal)?.address;

describe("GET /metrics on the production server", () => {
  let open: TestServer;
  let guarded: TestServer;
  const TOKEN = "s3cret-metrics-token";

  // A backup taken two hours ago (only its name is read for its time; docs/operations.md).
  const backupDir = fs.mkdtempSync(path.join(os.tmpdir(), "triad-metrics-backups-"));
  const twoHoursAgo = new Date(Date.now() - 2 * 3600_000).toISOString().replace(/[-:.]/g, "");
  fs.writeFileSync(path.join(backupDir, `triad-${twoHoursAgo}.db`), "");

  beforeAll(async () => {
    [open, guarded] = await Promise.all([
      // Listening on every interface, so a request through a non-loopback address is possible.
      startServer({ env: { HOST: "0.0.0.0" } }),
      startServer({ env: { TRIAD_METRICS_TOKEN: TOKEN, TRIAD_BACKUP_DIR: backupDir } }),
    ]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([open?.stop(), guarded?.stop()]);
    fs.rmSync(backupDir, { recursive: true, force: true });
  }, 20_000);

  it("counts requests by route pattern and status class and reports the gauges", async () => {
    // A pending mail, one minute old (its user does not exist; foreign keys are off on this connection).
    const sqlite = new Database(open.databaseFile);
    sqlite.pragma("foreign_keys = OFF"); // no user 999: only the outbox row matters here
    sqlite.pragma("busy_timeout = 5000");
    const now = Date.now();
    sqlite
      .prepare(
        "INSERT INTO mail_outbox (user_id, to_address, subject, text, html, status, next_attempt_at, created_at) VALUES (999, 'a@example.com', 's', 't', 'h', 'pending', ?, ?)",
      )
      .run(now + 3_600_000, now - 60_000);
    sqlite.close();

    expect((await fetch(`${open.url}/setup`, { redirect: "manual" })).status).toBe(200); // a page (first run)
    const gate = await fetch(`${open.url}/projects/churn-model-42/gate`, { redirect: "manual" });
    expect(gate.status).toBeGreaterThanOrEqual(300);
    const api = await fetch(`${open.url}/api/v1/projects/churn-model-42`);
    expect(api.status).toBe(401);
    expect((await fetch(`${open.url}/api/v1/openapi.json`)).status).toBe(200);
    // Unknown addresses: the API's catch-all answers 404, the pages' one sends a stranger to sign in.
    expect((await fetch(`${open.url}/api/v1/no/such/thing-123`)).status).toBe(404);
    expect((await fetch(`${open.url}/no/such/page-123`, { redirect: "manual" })).status).toBe(302);

    // X-Forwarded-For never admits anyone; from loopback it means a local proxy passed it on.
    for (const header of ["X-Forwarded-For", "Forwarded", "X-Real-IP"]) {
      const proxied = await fetch(`${open.url}/metrics`, { headers: { [header]: "127.0.0.1" } });
      expect(proxied.status, header).toBe(403);
    }
    const response = await fetch(`${open.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain;.*\bversion=0\.0\.4\b/);
    const families = parsePrometheus(await response.text());

    const requests = family(families, "triad_http_requests_total");
    expect(requests.type).toBe("counter");
    const series = requests.samples.map((s) => `${s.labels.method} ${s.labels.route} ${s.labels.status_class}`);
    expect(series).toContain("GET /projects/:slug/gate 3xx");
    expect(series).toContain("GET /api/v1/projects/:slug 4xx");
    expect(series).toContain("GET /api/v1/openapi.json 2xx");
    expect(series).toContain("GET other 4xx");
    expect(series).toContain("GET other 3xx");
    expect(series).toContain("GET /metrics 4xx"); // the refused proxied scrapes
    expect(series).toContain("GET /setup 2xx");
    for (const sample of requests.samples) {
      expect(sample.labels.route).not.toMatch(/churn-model|123/);
      expect(sample.labels.status_class).toMatch(/^[1-5]xx$/);
      expect(sample.value).toBeGreaterThanOrEqual(1);
    }

    const duration = family(families, "triad_http_request_duration_seconds");
    expect(duration.type).toBe("histogram");
    const forGate = duration.samples.filter((s) => s.labels.route === "/projects/:slug/gate");
    const buckets = forGate.filter((s) => s.name.endsWith("_bucket"));
    expect(buckets.length).toBeGreaterThan(1);
    expect(buckets.find((s) => s.labels.le === "+Inf")?.value).toBe(1);
    expect(forGate.find((s) => s.name.endsWith("_count"))?.value).toBe(1);
    expect(forGate.find((s) => s.name.endsWith("_sum"))?.value).toBeGreaterThan(0);

    const pending = family(families, "triad_outbox_pending").samples;
    expect(pending.find((s) => s.labels.outbox === "webhooks")?.value).toBe(0);
    expect(pending.find((s) => s.labels.outbox === "mail")?.value).toBe(1);
    const oldest = family(families, "triad_outbox_oldest_pending_age_seconds").samples;
    expect(oldest.find((s) => s.labels.outbox === "webhooks")?.value).toBe(0);
    expect(oldest.find((s) => s.labels.outbox === "mail")?.value).toBeGreaterThanOrEqual(59);

    expect(family(families, "triad_db_size_bytes").samples[0].value).toBeGreaterThan(0);
    expect(family(families, "triad_db_wal_size_bytes").samples[0].value).toBeGreaterThanOrEqual(0);
    expect(family(families, "triad_backup_last_age_seconds").samples[0].value).toBeNaN(); // no TRIAD_BACKUP_DIR
    expect(family(families, "nodejs_eventloop_lag_seconds").type).toBe("gauge");
  });

  it.skipIf(!outsideAddress)("answers 403 without a token to a client that is not on loopback", async () => {
    for (const headers of [{}, { "X-Forwarded-For": "127.0.0.1" }] as Record<string, string>[]) {
      const response = await fetch(`http://${outsideAddress}:${open.port}/metrics`, { headers });
      expect(response.status).toBe(403);
    }
  });

  it("wants the bearer token when TRIAD_METRICS_TOKEN is set", async () => {
    const none = await fetch(`${guarded.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const wrong = await fetch(`${guarded.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${guarded.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(right.status).toBe(200);
    const families = parsePrometheus(await right.text());
    expect(family(families, "triad_http_requests_total").type).toBe("counter");
    const backupAge = family(families, "triad_backup_last_age_seconds").samples[0].value;
    expect(backupAge).toBeGreaterThanOrEqual(7200);
    expect(backupAge).toBeLessThan(7200 + 120);
  });
});
