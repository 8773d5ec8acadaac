/**
 * Several server processes on one database (TRIAD_WORKERS, docs/operations.md, "Workers"), at
 * the level of connections: each worker has its own connection, so "another worker" is another
 * connection to the same file here (tests/e2e/workers.test.ts runs the real workers).
 *
 * - A memo of one worker is dropped when another worker commits: SQLite's data_version moves
 *   for every commit of another connection (app/models/data-version.server.ts).
 * - Write transactions start with BEGIN IMMEDIATE, so the lock is taken before the first read:
 *   a writer waits its turn instead of failing with SQLITE_BUSY_SNAPSHOT.
 * - Rate limits counted in the shared file (SharedHits) hold across workers and decide exactly
 *   as one process counting in memory does.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { BUSY_TIMEOUT_MS } from "../../db/client.server";
import { memoUntilWrite } from "~/models/data-version.server";
import { search } from "~/models/search.server";
import { withTx } from "~/models/transaction.server";
import { RateLimiter, SharedHits } from "~/utils/rate-limit.server";
import { sqlite } from "../support/database";
import { createAdmin } from "../support/users";

const others: Database.Database[] = [];
/** A second connection to the app's database, as another worker has. */
function anotherWorker({ busyTimeout = BUSY_TIMEOUT_MS } = {}): Database.Database {
  const other = new Database(process.env.DATABASE_URL!);
  other.pragma(`busy_timeout = ${busyTimeout}`);
  others.push(other);
  return other;
}
afterEach(() => {
  for (const other of others.splice(0)) other.close();
});

describe("memos across workers", () => {
  it("a commit by another connection makes a memo compute again", () => {
    const cache = new Map<string, { version: string; value: number }>();
    let computed = 0;
    const read = () => memoUntilWrite(cache, "k", () => ++computed);
    expect([read(), read()]).toEqual([1, 1]);
    anotherWorker().exec("CREATE TABLE IF NOT EXISTS scratch (x); INSERT INTO scratch VALUES (1)");
    expect(read()).toBe(2);
    expect(read()).toBe(2);
  });

  it("search (a memoised model) finds a person another worker added, at once", async () => {
    const admin = await createAdmin({ name: "Admiral Search" });
    const find = () => search({ q: "quokkamander", viewer: { role: "admin" } }).total;
    expect(find()).toBe(0);
    expect(find()).toBe(0); // remembered now
    // Another worker adds a person: a copy of the admin's row with a new name and e-mail.
    const other = anotherWorker();
    const columns = (other.pragma("table_info(users)") as { name: string; pk: number }[])
      .filter((c) => c.pk === 0)
      .map((c) => c.name);
    const values = columns.map((c) => (c === "name" ? "'Quokkamander Jones'" : c === "email" ? "'qj@example.com'" : c));
    other
      .prepare(`INSERT INTO users (${columns.join(", ")}) SELECT ${values.join(", ")} FROM users WHERE id = ?`)
      .run(admin.id);
    expect(find()).toBe(1);
  });
});

describe("write transactions across workers", () => {
  it("a transaction of withTx holds the write lock from its start, before it reads or writes", () => {
    const impatient = anotherWorker({ busyTimeout: 0 });
    withTx(undefined, () => {
      // Nothing read or written yet in this transaction, and still no one else may write.
      expect(() => impatient.exec("CREATE TABLE IF NOT EXISTS scratch2 (x)")).toThrow(
        expect.objectContaining({ code: "SQLITE_BUSY" }),
      );
    });
    expect(() => impatient.exec("CREATE TABLE IF NOT EXISTS scratch2 (x)")).not.toThrow();
  });

  it("(why) a DEFERRED transaction that read before another worker's commit fails at once on its write", () => {
    const app = sqlite();
    app.exec("CREATE TABLE IF NOT EXISTS counter (n INTEGER)");
    const other = anotherWorker();
    app.exec("BEGIN DEFERRED");
    try {
      app.prepare("SELECT count(*) FROM counter").get(); // its snapshot starts here
      other.exec("INSERT INTO counter VALUES (1)"); // another worker commits
      // Waiting cannot help (the snapshot is old): SQLite refuses at once, busy_timeout or not.
      expect(() => app.exec("INSERT INTO counter VALUES (2)")).toThrow(
        expect.objectContaining({ code: "SQLITE_BUSY_SNAPSHOT" }),
      );
    } finally {
      app.exec("ROLLBACK");
    }
    // The same read-then-write through withTx (IMMEDIATE) sees the other worker's row and writes.
    const n = withTx(undefined, () => {
      const { c } = app.prepare("SELECT count(*) AS c FROM counter").get() as { c: number };
      app.prepare("INSERT INTO counter VALUES (?)").run(c + 1);
      return c;
    });
    expect(n).toBe(1);
  });
});

describe("rate limits across workers (SharedHits)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "triad-shared-hits-"));
  const stores: SharedHits[] = [];
  let files = 0;
  /** `n` workers' stores on one new file. */
  const workersOnOneFile = (n: number) => {
    const file = path.join(dir, `hits-${++files}.db`);
    return Array.from({ length: n }, () => {
      const store = new SharedHits(file);
      stores.push(store);
      return store;
    });
  };
  afterAll(() => {
    for (const store of stores) store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("ten sign-in attempts a minute in all, whichever worker each one reaches", () => {
    const [a, b] = workersOnOneFile(2);
    const inA = new RateLimiter(10, 60_000, { name: "login", store: a });
    const inB = new RateLimiter(10, 60_000, { name: "login", store: b });
    const t0 = 1_700_000_000_000;
    const decisions = Array.from({ length: 12 }, (_, i) =>
      (i % 2 ? inB : inA).hit("email:ada@example.com", t0 + i * 1000),
    );
    expect(decisions.slice(0, 10).every((d) => !d.limited)).toBe(true);
    // The oldest counted attempt (t0) leaves the window at t0 + 60 s.
    expect(decisions[10]).toEqual({ limited: true, retryAfterSeconds: 50 });
    expect(decisions[11].limited).toBe(true);
    // Another limiter name and another key count on their own.
    expect(new RateLimiter(10, 60_000, { name: "api", store: b }).hit("email:ada@example.com", t0).limited).toBe(false);
    expect(inB.hit("email:grace@example.com", t0 + 12_000).limited).toBe(false);
    // reset forgets that limiter's attempts in every worker.
    inA.reset();
    expect(inB.hit("email:ada@example.com", t0 + 13_000).limited).toBe(false);
  });

  it("decides exactly as one process counting in memory, over a long random run", () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const [limit, windowMs] of [
      [3, 1_000],
      [10, 60_000],
      [1, 5_000],
    ] as const) {
      const memory = new RateLimiter(limit, windowMs);
      const shared = workersOnOneFile(3).map((store) => new RateLimiter(limit, windowMs, { name: "x", store }));
      let now = 1_700_000_000_000;
      for (let i = 0; i < 600; i++) {
        now += Math.floor(random() * (windowMs / 4));
        const key = `k${Math.floor(random() * 3)}`;
        const expected = memory.hit(key, now);
        const actual = shared[Math.floor(random() * shared.length)].hit(key, now);
        expect(actual, `hit ${i} of ${key} at +${now - 1_700_000_000_000} ms`).toEqual(expected);
      }
    }
  });

  it("keeps no more rows than it needs, however hard a key is hammered", () => {
    const [store] = workersOnOneFile(1);
    const limiter = new RateLimiter(5, 60_000, { name: "login", store });
    for (let i = 0; i < 500; i++) limiter.hit("client:203.0.113.9", 1_700_000_000_000 + i);
    const file = path.join(dir, `hits-${files}.db`);
    const reader = new Database(file, { readonly: true });
    try {
      expect(reader.prepare("SELECT count(*) AS n FROM hits").get()).toEqual({ n: 6 });
    } finally {
      reader.close();
    }
  });
});
