/**
 * Graceful shutdown and readiness on the wire (issue 16, docs/operations.md, "Shutdown and
 * readiness"): after SIGTERM a request already in flight is still answered, new connections are
 * refused, /readyz answers 503, the process checkpoints the WAL, closes the database and exits
 * 0 within TRIAD_SHUTDOWN_TIMEOUT; past the timeout what is left is closed and it still exits 0;
 * and `node scripts/start.mjs` (and `npm start`) pass the signal on to the server.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { seedAdmin } from "../support/e2e";
import { freePort, ROOT, type TestServer } from "../support/server";

type Running = {
  child: ChildProcess;
  url: string;
  port: number;
  databaseFile: string;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
};

const started: Running[] = [];
const dirs: string[] = [];

afterAll(() => {
  for (const { child } of started) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Spawns `command` (the server, start.mjs or npm start) on a fresh database and waits for /readyz 200. */
async function launch(
  command: string,
  args: string[],
  env: Record<string, string> = {},
  { detached = false, database }: { detached?: boolean; database?: string } = {},
): Promise<Running> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "triad-shutdown-"));
  dirs.push(dir);
  const databaseFile = database ?? path.join(dir, "triad.db");
  const port = await freePort();
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(VITEST|TEST$|DATABASE_URL$|NODE_OPTIONS$|npm_)/.test(key)),
  );
  const child = spawn(command, args, {
    cwd: ROOT,
    env: {
      ...inherited,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: databaseFile,
      TRIAD_LOG_REQUESTS: "0",
      TRIAD_NOTIFY_INTERVAL: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached, // its own process group, to signal the group as a terminal's Ctrl-C does
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const running: Running = { child, url: `http://127.0.0.1:${port}`, port, databaseFile, output: () => output, exit };
  started.push(running);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited early with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${running.url}/readyz`);
      if (response.status === 200) {
        expect(await response.json()).toEqual({ status: "ready" });
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`/readyz not 200 within 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return running;
}

/** A raw connection: what was received so far, and a promise for the end of the connection. */
function rawConnection(port: number) {
  const socket = net.connect(port, "127.0.0.1");
  let received = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk) => (received += chunk));
  const ended = new Promise<string>((resolve) => socket.on("close", () => resolve(received)));
  socket.on("error", () => {});
  const connected = new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("error", reject);
  });
  return { socket, connected, ended, received: () => received };
}

function refused(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
  });
}

async function waitFor(check: () => boolean, what: string, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function checkDatabase(file: string) {
  const wal = `${file}-wal`;
  expect(!fs.existsSync(wal) || fs.statSync(wal).size === 0).toBe(true);
  const sqlite = new Database(file, { readonly: true });
  try {
    expect(sqlite.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(sqlite.prepare("select count(*) as n from users").get()).toEqual({ n: 1 });
  } finally {
    sqlite.close();
  }
}

const SERVER = [process.execPath, ["--import", "tsx", "scripts/server.ts"]] as const;

describe("graceful shutdown", () => {
  it("answers requests in flight, refuses new connections, says 503 on /readyz, checkpoints and exits 0", async () => {
    const server = await launch(SERVER[0], [...SERVER[1]], { TRIAD_SHUTDOWN_TIMEOUT: "10" });
    await seedAdmin({ url: server.url } as TestServer); // a committed write, in the WAL for now
    expect(fs.statSync(`${server.databaseFile}-wal`).size).toBeGreaterThan(0);

    // In flight at SIGTERM: an API write whose body has only half arrived, and a /readyz
    // request whose headers have not ended yet.
    const body = JSON.stringify({ name: "Half-sent project" });
    const upload = rawConnection(server.port);
    await upload.connected;
    upload.socket.write(
      `POST /api/v1/projects HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
    );
    const probe = rawConnection(server.port);
    await probe.connected;
    probe.socket.write(`GET /readyz HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n`);
    await new Promise((r) => setTimeout(r, 200));

    const sentAt = Date.now();
    server.child.kill("SIGTERM");
    await waitFor(() => server.output().includes("Shutdown: SIGTERM received"), "the shutdown log line");

    expect(await refused(server.port)).toBe("ECONNREFUSED");

    probe.socket.write("\r\n");
    const readyz = await probe.ended;
    expect(readyz).toMatch(/^HTTP\/1\.1 503 /);
    expect(readyz).toMatch(/\r\nConnection: close\r\n/i);
    expect(readyz.slice(readyz.indexOf("\r\n\r\n") + 4)).toBe('{"status":"shutting_down"}');

    await new Promise((r) => setTimeout(r, 300)); // the upload is still open: the server waits
    expect(server.child.exitCode).toBeNull();
    upload.socket.write(body.slice(10));
    const answer = await upload.ended;
    // Anonymous, so the API's 401: what matters is that it was answered after SIGTERM.
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);

    const { code, at } = await server.exit;
    expect(code).toBe(0);
    expect(at - sentAt).toBeLessThan(10_000);
    const log = server.output();
    for (const step of [
      "Shutdown: all requests answered, server closed",
      "Shutdown: background workers stopped",
      "Shutdown: write-ahead log checkpointed into the database file, database closed",
      "Shutdown: done, exiting 0",
    ]) {
      expect(log).toContain(step);
    }
    checkDatabase(server.databaseFile);
  });

  it("closes what is still open after TRIAD_SHUTDOWN_TIMEOUT and still exits 0", async () => {
    const server = await launch(SERVER[0], [...SERVER[1]], { TRIAD_SHUTDOWN_TIMEOUT: "1" });
    await seedAdmin({ url: server.url } as TestServer);
    const stuck = rawConnection(server.port);
    await stuck.connected;
    stuck.socket.write(
      `POST /api/v1/projects HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
    );
    await new Promise((r) => setTimeout(r, 200));
    const sentAt = Date.now();
    server.child.kill("SIGTERM");
    const { code, at } = await server.exit;
    expect(code).toBe(0);
    expect(at - sentAt).toBeGreaterThanOrEqual(900);
    expect(at - sentAt).toBeLessThan(5_000);
    expect(server.output()).toContain("Shutdown: requests still open after 1 s: closing their connections");
    await stuck.ended;
    checkDatabase(server.databaseFile);
  });

  it("refuses a TRIAD_SHUTDOWN_TIMEOUT it does not understand, at start", async () => {
    const child = spawn(SERVER[0], [...SERVER[1]], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: "production", PORT: String(await freePort()), TRIAD_SHUTDOWN_TIMEOUT: "ten" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stderr!.on("data", (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(output).toContain("TRIAD_SHUTDOWN_TIMEOUT is the seconds in-flight requests get to finish");
  });

  it("a second signal, a second or more after the first, exits at once", async () => {
    const server = await launch(SERVER[0], [...SERVER[1]], { TRIAD_SHUTDOWN_TIMEOUT: "30" });
    const stuck = rawConnection(server.port);
    await stuck.connected;
    stuck.socket.write(`GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n`); // never finished
    await new Promise((r) => setTimeout(r, 200));
    server.child.kill("SIGTERM");
    await waitFor(() => server.output().includes("Shutdown: SIGTERM received"), "the shutdown log line");
    // Within a second, a repeat is the same request (a process group signalled twice): ignored.
    server.child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 1_200));
    expect(server.child.exitCode).toBeNull();
    const sentAt = Date.now();
    server.child.kill("SIGTERM");
    const { code, at } = await server.exit;
    expect(code).toBe(1);
    expect(at - sentAt).toBeLessThan(3_000);
    expect(server.output()).toContain("Shutdown: SIGTERM again: exiting now");
  });
});

describe("the webhook worker at shutdown", () => {
  it("finishes the delivery in flight, starts no other, and one cut off is sent again (same X-Triad-Delivery)", async () => {
    // A receiver that holds each request until told how to answer.
    const seen: string[] = [];
    const held: http.ServerResponse[] = [];
    let answerAtOnce = false;
    const receiver = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        seen.push(String(req.headers["x-triad-delivery"]));
        if (answerAtOnce) res.end("ok");
        else held.push(res);
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const hookUrl = `http://127.0.0.1:${(receiver.address() as net.AddressInfo).port}/hook`;
    const env = { TRIAD_WEBHOOK_ALLOW_PRIVATE: "1" };
    const rows = (file: string) => {
      const sqlite = new Database(file, { readonly: true });
      try {
        return sqlite.prepare("select id, status, attempts from webhook_deliveries order by id").all() as {
          id: number;
          status: string;
          attempts: number;
        }[];
      } finally {
        sqlite.close();
      }
    };
    const enqueue = (file: string, first: boolean) => {
      const sqlite = new Database(file);
      sqlite.pragma("busy_timeout = 5000");
      try {
        const now = Date.now();
        if (first) {
          sqlite
            .prepare(
              "insert into webhooks (url, secret, events, active, format, created_by_id, created_at) values (?, 'secret', '[\"test\"]', 1, 'triad', 1, ?)",
            )
            .run(hookUrl, now);
        }
        sqlite
          .prepare(
            "insert into webhook_deliveries (webhook_id, event, payload, status, attempts, next_attempt_at, created_at) values (1, 'test', '{}', 'pending', 0, 0, ?)",
          )
          .run(now);
      } finally {
        sqlite.close();
      }
    };
    try {
      // 1. Delivery 1 is in flight at SIGTERM; delivery 2 became due meanwhile.
      const first = await launch(SERVER[0], [...SERVER[1]], { ...env, TRIAD_SHUTDOWN_TIMEOUT: "10" });
      await seedAdmin({ url: first.url } as TestServer);
      enqueue(first.databaseFile, true);
      await waitFor(() => held.length === 1, "delivery 1 to reach the receiver");
      enqueue(first.databaseFile, false);
      first.child.kill("SIGTERM");
      await waitFor(() => first.output().includes("Shutdown: SIGTERM received"), "the shutdown log line");
      await new Promise((r) => setTimeout(r, 300));
      held.shift()!.end("ok");
      expect((await first.exit).code).toBe(0);
      expect(first.output()).toContain("Shutdown: background workers stopped");
      expect(seen).toEqual(["1"]);
      expect(rows(first.databaseFile)).toEqual([
        { id: 1, status: "delivered", attempts: 1 },
        { id: 2, status: "pending", attempts: 0 },
      ]);

      // 2. Next start: delivery 2 goes out and is still unanswered when the timeout ends.
      const second = await launch(
        SERVER[0],
        [...SERVER[1]],
        { ...env, TRIAD_SHUTDOWN_TIMEOUT: "1" },
        { database: first.databaseFile },
      );
      await waitFor(() => held.length === 1, "delivery 2 to reach the receiver");
      second.child.kill("SIGTERM");
      expect((await second.exit).code).toBe(0);
      expect(second.output()).toContain("Shutdown: a delivery still in flight: it stays pending");
      expect(rows(first.databaseFile)[1]).toEqual({ id: 2, status: "pending", attempts: 0 });
      held.shift()!.destroy();

      // 3. And the start after that sends it again, with the same id for the receiver to drop it.
      answerAtOnce = true;
      const third = await launch(SERVER[0], [...SERVER[1]], env, { database: first.databaseFile });
      await waitFor(() => rows(first.databaseFile)[1].status === "delivered", "delivery 2 to be recorded");
      expect(seen).toEqual(["1", "2", "2"]);
      third.child.kill("SIGTERM");
      expect((await third.exit).code).toBe(0);
      checkDatabase(first.databaseFile);
    } finally {
      for (const res of held) res.destroy();
      receiver.closeAllConnections();
      receiver.close();
    }
  });
});

describe("start.mjs passes signals on", () => {
  it("SIGTERM to `node scripts/start.mjs` shuts the server down gracefully and start.mjs exits 0", async () => {
    const running = await launch(process.execPath, ["scripts/start.mjs"]);
    await seedAdmin({ url: running.url } as TestServer);
    running.child.kill("SIGTERM");
    const { code, signal } = await running.exit;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(running.output()).toContain("Shutdown: done, exiting 0");
    expect(await refused(running.port)).toBe("ECONNREFUSED");
    checkDatabase(running.databaseFile);
  });

  it("Ctrl-C (SIGINT to the whole process group) stops it gracefully, once", async () => {
    const running = await launch(process.execPath, ["scripts/start.mjs"], {}, { detached: true });
    process.kill(-running.child.pid!, "SIGINT");
    const { code } = await running.exit;
    expect(code).toBe(0);
    expect(running.output()).toContain("Shutdown: SIGINT received");
    expect(running.output()).toContain("Shutdown: done, exiting 0");
    expect(running.output()).not.toContain("again");
  });

  it("SIGTERM to `npm start` reaches the server too", async () => {
    const running = await launch("npm", ["start", "--silent"]);
    await seedAdmin({ url: running.url } as TestServer);
    running.child.kill("SIGTERM");
    await running.exit; // npm itself; the server goes on shutting down in the background
    await waitFor(() => running.output().includes("Shutdown: done, exiting 0"), "the server's shutdown");
    await new Promise((r) => setTimeout(r, 200)); // process.exit right after that line
    expect(await refused(running.port)).toBe("ECONNREFUSED");
    checkDatabase(running.databaseFile);
  });
});
