/**
 * The production server with TRIAD_WORKERS=2 (docs/operations.md, "Workers"): two worker
 * processes answer on one port under a primary. Concurrent writes from many connections all
 * land, with no error and no SQLITE_BUSY; the sign-in and API rate limits hold across the
 * workers; a read remembered by one worker is not served stale after a write through the other;
 * the background jobs run once (each webhook delivery is sent once); a worker that dies is
 * replaced; and SIGTERM shuts everything down gracefully, checkpointing once.
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type net from "node:net";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, ROOT } from "../support/server";
import { startServerOn, type CrashServer } from "../support/write-mix";

const LOGIN_LIMIT = 10;
const API_LIMIT = 400;
const WRITERS = 16;
const WRITES_EACH = 12;

let dir: string;
let databaseFile: string;
let server: CrashServer;
let receiver: http.Server;
const delivered: string[] = [];
const tokens: Record<"owner" | "reader", string> = { owner: "", reader: "" };
const ownerEmail = "owner@workers.example";

async function api(method: string, pathname: string, token: string, body?: unknown) {
  const response = await fetch(`${server.url}${pathname}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text.startsWith("{") ? JSON.parse(text) : text };
}

/** One request on a connection of its own, so that node:cluster hands it to the next worker. */
function onNewConnection(method: string, pathname: string, headers: Record<string, string>, body = "") {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const request = http.request(
      `${server.url}${pathname}`,
      { method, agent: false, headers: { ...headers, "Content-Length": Buffer.byteLength(body) } },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode!, text }));
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

/** `ps` lines (pid and command) of the children of `pid`; none is an empty list, not an error. */
function childrenOf(pid: number): string {
  try {
    return execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(pid)], { encoding: "utf8" });
  } catch {
    return "";
  }
}

/** The server's worker processes (children of the primary running scripts/server.ts). */
function workerPids(): number[] {
  return childrenOf(server.child.pid!)
    .split("\n")
    .filter((line) => line.includes("scripts/server.ts"))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const count = (text: string, part: string) => text.split(part).length - 1;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      delivered.push(String(req.headers["x-triad-delivery"]));
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as net.AddressInfo).port}/hook`;

  dir = fs.mkdtempSync(path.join(os.tmpdir(), "triad-workers-"));
  databaseFile = path.join(dir, "triad.db");
  // People, tokens and a webhook through the models, in this process, then closed.
  const previous = { ...process.env };
  process.env.DATABASE_URL = databaseFile;
  process.env.TRIAD_MIGRATIONS_DIR = path.join(ROOT, "db/migrations");
  process.env.TRIAD_WEBHOOK_ALLOW_PRIVATE = "1";
  const { closeDb } = await import("../../db/client.server");
  const { createUser } = await import("~/models/users.server");
  const { createToken } = await import("~/models/tokens.server");
  const { createWebhook } = await import("~/models/webhooks.server");
  try {
    const owner = await createUser({
      actor: null,
      name: "Olga Owner",
      email: ownerEmail,
      discipline: "business",
      role: "admin",
      password: "workers test password 1",
    });
    const reader = await createUser({
      actor: null,
      name: "Rae Reader",
      email: "reader@workers.example",
      discipline: "it",
      role: "member",
      password: "workers test password 2",
    });
    tokens.owner = createToken({ actor: null, userId: owner.id, name: "workers", expiresOn: null }).token;
    tokens.reader = createToken({ actor: null, userId: reader.id, name: "workers", expiresOn: null }).token;
    createWebhook({
      actor: { id: owner.id, name: owner.name, role: "admin", discipline: "business", via: "cli" },
      url: hookUrl,
      secret: "s".repeat(32),
      events: ["debt.created"],
    });
  } finally {
    closeDb();
    for (const key of ["DATABASE_URL", "TRIAD_MIGRATIONS_DIR", "TRIAD_WEBHOOK_ALLOW_PRIVATE"]) {
      if (previous[key] === undefined) delete process.env[key];
      else process.env[key] = previous[key];
    }
  }

  server = await startServerOn(databaseFile, {
    TRIAD_WORKERS: "2",
    TRIAD_LOGIN_LIMIT: String(LOGIN_LIMIT),
    TRIAD_API_LIMIT: String(API_LIMIT),
    TRIAD_WEBHOOK_ALLOW_PRIVATE: "1",
  });
  await waitFor(() => server.output().includes("Triad listening on"), "both workers to listen");
}, 90_000);

afterAll(async () => {
  await server?.stop();
  receiver?.closeAllConnections();
  receiver?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("TRIAD_WORKERS=2", () => {
  it("runs two workers under one primary, which alone runs the background jobs", () => {
    expect(workerPids()).toHaveLength(2);
    expect(server.output()).toContain("(2 workers, database");
    // The jobs start once, in the primary: one line from the mail worker.
    expect(count(server.output(), "Mail: TRIAD_SMTP_URL is not set")).toBe(1);
  });

  it("lands every one of many concurrent writes, with no error and no SQLITE_BUSY", async () => {
    const { status, body } = await api("POST", "/api/v1/projects", tokens.owner, { name: "Concurrent writes" });
    expect(status).toBe(201);
    const slug: string = body.project.slug;
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, writer) => {
        for (let i = 0; i < WRITES_EACH; i++) {
          const answer = await api("POST", `/api/v1/projects/${slug}/requirements`, tokens.owner, {
            title: `Writer ${writer} write ${i}`,
            target: "precision >= 0.8",
            priority: "should",
          });
          statuses.push(answer.status);
        }
      }),
    );
    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    const sqlite = new Database(databaseFile, { readonly: true });
    try {
      const titles = (
        sqlite
          .prepare("SELECT r.title FROM requirements r JOIN projects p ON p.id = r.project_id WHERE p.slug = ?")
          .all(slug) as { title: string }[]
      ).map((r) => r.title);
      expect(titles).toHaveLength(WRITERS * WRITES_EACH);
      expect(new Set(titles).size).toBe(WRITERS * WRITES_EACH);
    } finally {
      sqlite.close();
    }
    expect(server.output()).not.toMatch(/SQLITE_BUSY|database is locked/);
  }, 60_000);

  it("holds the sign-in limit across the workers: ten attempts, then 429 on either", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 2 * LOGIN_LIMIT; i++) {
      // Each attempt on a new connection: node:cluster gives connections to the workers in turn.
      const answer = await onNewConnection(
        "POST",
        "/login",
        { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url },
        new URLSearchParams({ email: ownerEmail, password: "not the password" }).toString(),
      );
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([...Array(LOGIN_LIMIT).fill(401), ...Array(LOGIN_LIMIT).fill(429)]);
  }, 60_000);

  it("holds the API limit across the workers, exactly, under concurrent requests", async () => {
    const statuses: number[] = [];
    const extra = 10;
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < API_LIMIT + extra) {
          next++;
          const answer = await onNewConnection("GET", "/api/v1/projects", { Authorization: `Bearer ${tokens.reader}` });
          statuses.push(answer.status);
        }
      }),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(API_LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(extra);
  }, 60_000);

  it("accepts a paging cursor one worker signed in every worker (one secret for all)", async () => {
    for (const name of ["Paged one", "Paged two"]) {
      expect((await api("POST", "/api/v1/projects", tokens.owner, { name })).status).toBe(201);
    }
    const first = await api("GET", "/api/v1/projects?limit=1", tokens.owner);
    expect(first.status).toBe(200);
    const cursor: string = first.body.nextCursor;
    expect(cursor).toBeTruthy();
    const next = await Promise.all(
      Array.from({ length: 4 }, () =>
        onNewConnection("GET", `/api/v1/projects?limit=1&cursor=${encodeURIComponent(cursor)}`, {
          Authorization: `Bearer ${tokens.owner}`,
        }),
      ),
    );
    expect(next.map((n) => n.status)).toEqual([200, 200, 200, 200]);
  });

  it("never serves a read remembered by one worker after a write through the other", async () => {
    const found = async () => {
      const answers = await Promise.all(
        Array.from({ length: 4 }, () =>
          onNewConnection("GET", "/api/v1/search?q=zebraquokka", { Authorization: `Bearer ${tokens.owner}` }),
        ),
      );
      return answers.map((a) => JSON.parse(a.text).total as number);
    };
    expect(await found()).toEqual([0, 0, 0, 0]); // now remembered by both workers
    const { body } = await api("POST", "/api/v1/projects", tokens.owner, { name: "Memo project" });
    const logged = await api("POST", `/api/v1/projects/${body.project.slug}/debt`, tokens.owner, {
      register: "technical",
      title: "Zebraquokka pipeline",
      category: "hard_coded_logic",
      stageIncurred: "poc",
      severity: "medium",
      principalDays: 2,
      interestDays: 0.5,
    });
    expect(logged.status).toBe(201);
    expect(await found()).toEqual([1, 1, 1, 1]);
  }, 60_000);

  it("sends each webhook delivery once: the webhook worker runs in one process", async () => {
    const { body } = await api("POST", "/api/v1/projects", tokens.owner, { name: "Webhook project" });
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        api("POST", `/api/v1/projects/${body.project.slug}/debt`, tokens.owner, {
          register: "technical",
          title: `Hooked item ${i}`,
          category: "hard_coded_logic",
          stageIncurred: "poc",
          severity: "low",
          principalDays: 1,
          interestDays: 0,
        }).then((r) => expect(r.status).toBe(201)),
      ),
    );
    const rows = () => {
      const sqlite = new Database(databaseFile, { readonly: true });
      try {
        return sqlite.prepare("SELECT id, status FROM webhook_deliveries ORDER BY id").all() as {
          id: number;
          status: string;
        }[];
      } finally {
        sqlite.close();
      }
    };
    // Six debt items so far (one in the test before): six deliveries.
    await waitFor(() => rows().length === 6 && rows().every((r) => r.status === "delivered"), "the deliveries");
    // Two more ticks of the webhook worker (every second): a second worker would send them again.
    await new Promise((r) => setTimeout(r, 2_500));
    expect([...delivered].sort()).toEqual(rows().map((r) => String(r.id)));
  }, 60_000);

  it("replaces a worker that dies, and goes on answering", async () => {
    const [victim] = workerPids();
    process.kill(victim, "SIGKILL");
    await waitFor(() => server.output().includes(`Worker ${victim} stopped (signal SIGKILL)`), "the primary to notice");
    await waitFor(() => workerPids().length === 2 && !workerPids().includes(victim), "a replacement");
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => onNewConnection("GET", "/healthz", {}).then((r) => r.status)),
    );
    expect(answers).toEqual(Array(6).fill(200));
  }, 60_000);

  it("shuts down on SIGTERM: every worker, then one checkpoint, exit 0", async () => {
    const pids = workerPids();
    server.child.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) => server.child.once("exit", (c) => resolve(c)));
    expect(code).toBe(0);
    const output = server.output();
    expect(count(output, "Shutdown: SIGTERM received")).toBe(1);
    expect(count(output, "Shutdown: all requests answered, server closed")).toBe(1);
    expect(count(output, "Shutdown: write-ahead log checkpointed into the database file, database closed")).toBe(1);
    expect(count(output, "Shutdown: done, exiting 0")).toBe(1);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow(); // gone
    const wal = `${databaseFile}-wal`;
    expect(!fs.existsSync(wal) || fs.statSync(wal).size === 0).toBe(true);
    expect(output).not.toMatch(/SQLITE_BUSY|database is locked/);
  }, 30_000);
});

describe("TRIAD_WORKERS at start", () => {
  it("refuses a value it does not understand, before anything starts", async () => {
    for (const value of ["0", "two", "65", "1.5"]) {
      const child = spawn(process.execPath, ["--import", "tsx", "scripts/server.ts"], {
        cwd: ROOT,
        env: { ...process.env, NODE_ENV: "production", PORT: String(await freePort()), TRIAD_WORKERS: value },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stderr!.on("data", (chunk) => (output += chunk));
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
      expect(code, value).toBe(1);
      expect(output).toContain(`TRIAD_WORKERS is the number of server processes: a whole number from 1 to 64`);
    }
  }, 60_000);

  it("1 is a single process, without node:cluster", async () => {
    const single = await startServerOn(path.join(dir, "single.db"), { TRIAD_WORKERS: "1" });
    try {
      await waitFor(() => single.output().includes("Triad listening on"), "the server to listen");
      expect(single.output()).not.toContain("workers, database");
      expect(childrenOf(single.child.pid!)).not.toContain("scripts/server.ts");
    } finally {
      await single.stop();
    }
    expect(single.output()).toContain("Shutdown: done, exiting 0");
  }, 60_000);
});
