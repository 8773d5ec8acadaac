/**
 * The one database connection of this process: better-sqlite3 in WAL mode with foreign keys
 * and a busy timeout, kept on globalThis so dev-server reloads do not open a second one.
 *
 * Several processes may have the file open at once (the server's workers under TRIAD_WORKERS,
 * a CLI command, a backup): WAL lets them read in parallel, and writes serialise. Every
 * connection waits up to BUSY_TIMEOUT_MS for the write lock instead of failing with
 * SQLITE_BUSY, and every write transaction starts with `BEGIN IMMEDIATE` (WRITE_TX), which takes
 * the lock at its start: a DEFERRED one that read first and then wants to write can fail at once
 * with SQLITE_BUSY_SNAPSHOT when another process wrote in between, whatever the timeout.
 */
import cluster from "node:cluster";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { backfillSignOffViews } from "./backfill-signoffs";
import { seedReferenceData } from "./reference-data";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** What a transaction callback receives; models accept either. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export const DEFAULT_DATABASE_PATH = "./data/triad.db";

/** How long a connection waits for another one's write to finish before giving up. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * The options of every write transaction: `db.transaction(fn, WRITE_TX)` runs
 * `BEGIN IMMEDIATE`, so it waits its turn (busy_timeout) at the start rather than failing later.
 */
export const WRITE_TX = { behavior: "immediate" } as const;

export function databasePath(env: NodeJS.ProcessEnv = process.env): string {
  const url = env.DATABASE_URL?.trim() || DEFAULT_DATABASE_PATH;
  return url.startsWith("file:") ? url.slice("file:".length) : url;
}

export function migrationsFolder(): string {
  return process.env.TRIAD_MIGRATIONS_DIR ?? path.resolve(process.cwd(), "db/migrations");
}

/** Opens (creating its directory if needed) and configures a database file. */
export function openDatabase(file: string): Db {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  sqlite.pragma("synchronous = NORMAL");
  rememberStatements(sqlite);
  return drizzle(sqlite, { schema }) as Db;
}

/** Compiled statements a connection keeps, by SQL text, the least recently used going first. */
export const STATEMENT_CACHE_SIZE = 500;

/** Per connection: how many `withOwnStatements` calls are running (then nothing is shared). */
const statementCaches = new WeakMap<Database.Database, { own: number }>();

/**
 * Makes `prepare` hand out the statement it compiled before for the same SQL text
 * (docs/architecture.md, "Statements and remembered reads"): drizzle prepares every query it
 * runs, and SQLite compiling the same text again and again was a sixth of a write's CPU. A
 * statement is handed out in its default modes (objects, not raw rows or plucked values); one
 * that is busy (an iteration still open) is never handed out twice: the caller gets a fresh one.
 */
function rememberStatements(sqlite: Database.Database): void {
  const compile = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Database.Statement>();
  const state = { own: 0 };
  statementCaches.set(sqlite, state);
  sqlite.prepare = function prepare(source: string) {
    if (state.own > 0) return compile(source);
    const known = cache.get(source);
    if (known && !known.busy) {
      cache.delete(source); // the most recently used last
      cache.set(source, known);
      if (known.reader) known.raw(false).pluck(false).expand(false);
      return known;
    }
    const statement = compile(source);
    if (!known) {
      cache.set(source, statement);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
    return statement;
  } as typeof sqlite.prepare;
}

/**
 * Runs `make` with statements of its own, never shared through the cache: for statements a
 * module keeps and reuses with a mode of its own (`perConnection` in app/models/prepared.server.ts).
 */
export function withOwnStatements<T>(database: Db, make: () => T): T {
  const state = statementCaches.get(database.$client);
  if (!state) return make();
  state.own += 1;
  try {
    return make();
  } finally {
    state.own -= 1;
  }
}

/**
 * Brings the schema up to date, runs the data steps that SQL cannot do (per-discipline
 * sign-off views, migration 0003) and makes sure the reference data (gate checklists) exists.
 */
export function applyMigrations(database: Db): void {
  migrate(database, { migrationsFolder: migrationsFolder() });
  backfillSignOffViews(database);
  seedReferenceData(database);
}

const globalForDb = globalThis as unknown as { __triadDb?: Db };

/**
 * The process-wide connection, opened and migrated on first use. A server worker under
 * TRIAD_WORKERS (a node:cluster worker) does not migrate: the primary process applied the
 * migrations before it started any worker, so workers never race one another to migrate.
 */
export function getDb(): Db {
  if (!globalForDb.__triadDb) {
    const database = openDatabase(databasePath());
    if (!cluster.isWorker) applyMigrations(database);
    globalForDb.__triadDb = database;
  }
  return globalForDb.__triadDb;
}

/** Closes the process-wide connection (tests, CLI). */
export function closeDb(): void {
  globalForDb.__triadDb?.$client.close();
  globalForDb.__triadDb = undefined;
}

export type CheckpointResult = { open: boolean; busy: boolean; walFrames: number; checkpointedFrames: number };

/**
 * The server's last step on shutdown (docs/operations.md, "Shutdown and readiness"): copies
 * everything in the write-ahead log into the database file and empties the log
 * (`PRAGMA wal_checkpoint(TRUNCATE)`), then closes the connection, so the file alone is a
 * complete copy. `busy` is true when another process (a CLI command, a backup) held the log
 * and the checkpoint could not finish: nothing is lost, the log is replayed at the next open.
 */
export function checkpointAndCloseDb(): CheckpointResult {
  const database = globalForDb.__triadDb;
  if (!database) return { open: false, busy: false, walFrames: 0, checkpointedFrames: 0 };
  try {
    const [row] = database.$client.pragma("wal_checkpoint(TRUNCATE)") as {
      busy: number;
      log: number;
      checkpointed: number;
    }[];
    return { open: true, busy: row.busy !== 0, walFrames: row.log, checkpointedFrames: row.checkpointed };
  } finally {
    database.$client.close();
    globalForDb.__triadDb = undefined;
  }
}

/** `db.select()...` reads as if the connection were a constant, yet opens lazily. */
export const db: Db = new Proxy({} as Db, {
  get(_target, property) {
    const real = getDb();
    const value = Reflect.get(real, property, real);
    return typeof value === "function" ? value.bind(real) : value;
  },
});

export { schema };
