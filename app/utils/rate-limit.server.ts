/**
 * Sliding-window rate limits. Keys are free-form ("email:ada@x", "api:token:7").
 *
 * One server process (TRIAD_WORKERS=1, tests, the CLI) counts in memory. Under TRIAD_WORKERS
 * the limit must hold across the workers, whichever one a request reaches, so a named limiter
 * counts in a small SQLite file of its own that every worker opens (SharedHits below; the
 * primary process creates it before it starts the workers and names it in
 * TRIAD_RATE_LIMIT_FILE). Not in the main database on purpose: an API read would then be a
 * write, and every such write would make the other workers drop their memos (they are keyed on
 * the main database's data_version, app/models/data-version.server.ts). Its writes are tiny
 * `BEGIN IMMEDIATE` transactions that wait for one another (busy_timeout), never fail.
 */
import cluster from "node:cluster";
import Database from "better-sqlite3";

export type RateDecision = { limited: boolean; retryAfterSeconds: number };

/** Where a limiter's attempts are counted. */
export interface HitStore {
  /** Records one attempt of `key` at `now` and decides on the attempts still in the window. */
  hit(limiter: string, key: string, now: number, limit: number, windowMs: number): RateDecision;
  /** Forgets every attempt of `limiter`. */
  reset(limiter: string): void;
}

/** Limited while more than `limit` attempts are in the window; free again when the oldest counted one leaves it. */
function decide(countedOldest: number | undefined, now: number, windowMs: number): RateDecision {
  if (countedOldest === undefined) return { limited: false, retryAfterSeconds: 0 };
  return { limited: true, retryAfterSeconds: Math.max(1, Math.ceil((countedOldest + windowMs - now) / 1000)) };
}

/** Attempts in this process's memory: enough for one process. */
class MemoryHits implements HitStore {
  private hits = new Map<string, number[]>();
  private lastSweep = 0;

  hit(_limiter: string, key: string, now: number, limit: number, windowMs: number): RateDecision {
    this.sweep(now, windowMs);
    const since = now - windowMs;
    const recent = (this.hits.get(key) ?? []).filter((t) => t > since);
    recent.push(now);
    this.hits.set(key, recent);
    return decide(recent.length > limit ? recent[recent.length - limit - 1] : undefined, now, windowMs);
  }

  reset(): void {
    this.hits.clear();
  }

  private sweep(now: number, windowMs: number) {
    if (now - this.lastSweep < windowMs) return;
    this.lastSweep = now;
    for (const [key, times] of this.hits) {
      if (times.every((t) => t <= now - windowMs)) this.hits.delete(key);
    }
  }
}

/**
 * Attempts in a SQLite file shared by several processes, with the same decisions as
 * MemoryHits: each attempt is a row, in insertion order (id). Only the last `limit + 1` rows of
 * a key are kept (enough to decide) and rows that left the window are deleted, so the file
 * stays small whatever a client sends.
 */
export class SharedHits implements HitStore {
  private readonly sqlite: Database.Database;
  private readonly hitTx: (limiter: string, key: string, now: number, limit: number, windowMs: number) => RateDecision;
  private readonly lastSweep = new Map<string, number>();

  constructor(file: string) {
    this.sqlite = new Database(file);
    this.sqlite.pragma("busy_timeout = 5000");
    this.sqlite.pragma("journal_mode = WAL");
    // Counters for a running server: losing the last few to a power cut is harmless.
    this.sqlite.pragma("synchronous = OFF");
    SharedHits.createTable(this.sqlite);
    const expire = this.sqlite.prepare("DELETE FROM hits WHERE limiter = ? AND key = ? AND at <= ?");
    const expireAll = this.sqlite.prepare("DELETE FROM hits WHERE limiter = ? AND at <= ?");
    const insert = this.sqlite.prepare("INSERT INTO hits (limiter, key, at) VALUES (?, ?, ?)");
    const counted = this.sqlite.prepare<[string, string, number], { id: number; at: number }>(
      "SELECT id, at FROM hits WHERE limiter = ? AND key = ? ORDER BY id DESC LIMIT 1 OFFSET ?",
    );
    const trim = this.sqlite.prepare("DELETE FROM hits WHERE limiter = ? AND key = ? AND id < ?");
    const run = this.sqlite.transaction(
      (limiter: string, key: string, now: number, limit: number, windowMs: number): RateDecision => {
        if (now - (this.lastSweep.get(limiter) ?? 0) >= windowMs) {
          this.lastSweep.set(limiter, now);
          expireAll.run(limiter, now - windowMs);
        }
        expire.run(limiter, key, now - windowMs);
        insert.run(limiter, key, now);
        // The (limit + 1)-th most recent attempt still in the window, if there is one.
        const oldest = counted.get(limiter, key, limit);
        if (oldest) trim.run(limiter, key, oldest.id);
        return decide(oldest?.at, now, windowMs);
      },
    );
    this.hitTx = (...args) => run.immediate(...args);
  }

  /** Makes the table (the primary does it once, before any worker opens the file). */
  static createTable(sqlite: Database.Database): void {
    sqlite.exec(
      "CREATE TABLE IF NOT EXISTS hits (id INTEGER PRIMARY KEY, limiter TEXT NOT NULL, key TEXT NOT NULL, at INTEGER NOT NULL);" +
        "CREATE INDEX IF NOT EXISTS hits_by_key ON hits (limiter, key, id);",
    );
  }

  hit(limiter: string, key: string, now: number, limit: number, windowMs: number): RateDecision {
    return this.hitTx(limiter, key, now, limit, windowMs);
  }

  reset(limiter: string): void {
    this.sqlite.prepare("DELETE FROM hits WHERE limiter = ?").run(limiter);
    this.lastSweep.delete(limiter);
  }

  close(): void {
    this.sqlite.close();
  }
}

/** The file the workers share (set by the primary for its workers); none in a single process. */
export const SHARED_HITS_ENV = "TRIAD_RATE_LIMIT_FILE";

const shared = globalThis as unknown as { __triadSharedHits?: SharedHits };

/**
 * The store of a named limiter: the shared file in a server worker, this process's memory
 * otherwise. Kept on globalThis: the server and the Remix build each load this module.
 */
function sharedStore(): HitStore | null {
  const file = process.env[SHARED_HITS_ENV];
  if (!cluster.isWorker || !file) return null;
  shared.__triadSharedHits ??= new SharedHits(file);
  return shared.__triadSharedHits;
}

export class RateLimiter {
  private store: HitStore | null;

  /**
   * `name` makes the limiter hold across the server's workers (each named limiter counts on its
   * own); `store` puts its attempts somewhere else (tests). Without either, memory.
   */
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly options: { name?: string; store?: HitStore } = {},
  ) {
    this.store = options.store ?? null;
  }

  /** Counts one attempt for `key` and says whether it is over the limit. */
  hit(key: string, now = Date.now()): RateDecision {
    return this.resolve().hit(this.options.name ?? "", key, now, this.limit, this.windowMs);
  }

  reset(): void {
    this.resolve().reset(this.options.name ?? "");
  }

  /** Decided at the first use, when the process knows what it is. */
  private resolve(): HitStore {
    this.store ??= (this.options.name !== undefined ? sharedStore() : null) ?? new MemoryHits();
    return this.store;
  }
}

/** A positive number from the environment, or the fallback. */
export function envLimit(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Sign-in attempts: more than 10 a minute per e-mail or per client answers 429. */
export const loginLimiter = new RateLimiter(envLimit("TRIAD_LOGIN_LIMIT", 10), 60_000, { name: "login" });
