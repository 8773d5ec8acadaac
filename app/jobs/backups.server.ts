/**
 * Backups and restore (docs/operations.md, "Backups and restore").
 *
 * Scheduled backups: with TRIAD_BACKUP_DIR, TRIAD_BACKUP_EVERY (`30s`, `30m`, `24h`, `7d`) and
 * TRIAD_BACKUP_KEEP (default 14), the server takes an online backup (SQLite's backup API, safe
 * while people work) on its own unref'd timer. Each copy is written as `<name>.partial`, checked
 * with `PRAGMA integrity_check`, and only then renamed to `triad-YYYYMMDDTHHMMSSmmmZ.db` (UTC),
 * so every file matching that name is a verified backup. The newest KEEP are kept; older ones
 * are deleted — only files matching that exact name, never anything else in the directory.
 * A failure is logged and shown on /admin/backups; the next run tries again.
 *
 * Restore (`npm run triad -- restore <backup> [--to <db file>]`): see restoreBackup.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { migrationsFolder } from "../../db/client.server";

export const DEFAULT_BACKUP_KEEP = 14;
/** The backups this code writes and prunes; nothing else in the directory is ever touched. */
export const BACKUP_NAME = /^triad-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z\.db$/;

/** Something refused or failed, with a one-line message for the operator. */
export class BackupError extends Error {}

// ---------- settings ----------

export type BackupSettings =
  | { state: "off" }
  | { state: "invalid"; problem: string }
  | { state: "on"; dir: string; everyMs: number; every: string; keep: number };

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `10s`, `30m`, `24h`, `7d` → milliseconds; null for anything else (or zero). */
export function parseEvery(text: string): number | null {
  const match = /^(\d{1,6})\s*([smhd])$/.exec(text.trim());
  if (!match) return null;
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  return ms > 0 ? ms : null;
}

/** Reads TRIAD_BACKUP_DIR, TRIAD_BACKUP_EVERY and TRIAD_BACKUP_KEEP. Off without a directory. */
export function readBackupSettings(env: Record<string, string | undefined> = process.env): BackupSettings {
  const dir = env.TRIAD_BACKUP_DIR?.trim();
  const everyText = env.TRIAD_BACKUP_EVERY?.trim();
  const keepText = env.TRIAD_BACKUP_KEEP?.trim();
  if (!dir) {
    if (everyText || keepText) {
      return {
        state: "invalid",
        problem:
          "TRIAD_BACKUP_EVERY/TRIAD_BACKUP_KEEP are set but TRIAD_BACKUP_DIR is not: set the directory for backups.",
      };
    }
    return { state: "off" };
  }
  const every = everyText || "24h";
  const everyMs = parseEvery(every);
  if (everyMs === null) {
    return {
      state: "invalid",
      problem: `TRIAD_BACKUP_EVERY="${every.slice(0, 40)}" is not an interval: write a whole number and s, m, h or d, for example 24h or 30m.`,
    };
  }
  const keep = keepText ? (/^\d{1,4}$/.test(keepText) ? Number(keepText) : 0) : DEFAULT_BACKUP_KEEP;
  if (keep < 1) {
    return {
      state: "invalid",
      problem: `TRIAD_BACKUP_KEEP="${(keepText ?? "").slice(0, 40)}" must be a whole number of backups to keep, at least 1 (for example 14).`,
    };
  }
  return { state: "on", dir: path.resolve(dir), everyMs, every, keep };
}

// ---------- names and listing ----------

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** triad-20261201T153044123Z.db for 2026-12-01T15:30:44.123Z. */
export function backupFileName(at: number): string {
  const d = new Date(at);
  return `triad-${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}${pad(d.getUTCMilliseconds(), 3)}Z.db`;
}

export type BackupFile = { name: string; file: string; takenAt: number; bytes: number };

/** The verified backups in dir (only names this code writes), newest first. */
export function listBackups(dir: string): BackupFile[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const files: BackupFile[] = [];
  for (const name of names) {
    const m = BACKUP_NAME.exec(name);
    if (!m) continue;
    const [, y, mo, d, h, mi, s, ms] = m.map(Number);
    const file = path.join(dir, name);
    try {
      files.push({ name, file, takenAt: Date.UTC(y, mo - 1, d, h, mi, s, ms), bytes: fs.statSync(file).size });
    } catch {
      // deleted meanwhile
    }
  }
  return files.sort((a, b) => b.takenAt - a.takenAt);
}

/** Deletes all but the newest `keep` backups (names matching BACKUP_NAME only). Returns the deleted names. */
export function pruneBackups(dir: string, keep: number): string[] {
  const old = listBackups(dir).slice(Math.max(1, keep));
  for (const backup of old) fs.rmSync(backup.file, { force: true });
  return old.map((b) => b.name);
}

// ---------- verification ----------

type Journal = { entries: { tag: string; when: number }[] };

/** This app's migration level: the newest migration it ships (db/migrations/meta/_journal.json). */
export function appMigrationLevel(): { level: number; tag: string; tags: Map<number, string> } {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder(), "meta/_journal.json"), "utf8")) as Journal;
  const last = journal.entries.reduce((a, b) => (b.when > a.when ? b : a));
  return { level: last.when, tag: last.tag, tags: new Map(journal.entries.map((e) => [e.when, e.tag])) };
}

/**
 * Opens `file` read-only and checks it is a sound Triad database this app can run: integrity_check
 * ok, a migrations table, and a migration level not newer than this app's. Throws BackupError.
 */
export function verifyBackupFile(file: string): { level: number; tag: string } {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new BackupError(`There is no file at ${file}.`);
  // A read-only connection to a WAL-mode file may create empty -wal/-shm files; remove those
  // it made (never ones that were there before) so verifying leaves the directory as it was.
  const cleanUp = sidecarCleaner(file);
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(file, { readonly: true, fileMustExist: true });
    let check: unknown;
    try {
      check = sqlite.pragma("integrity_check", { simple: true });
    } catch (error) {
      throw new BackupError(`${file} is not a usable SQLite database (${(error as Error).message}).`);
    }
    if (check !== "ok") throw new BackupError(`${file} failed its integrity check: ${String(check).split("\n")[0]}`);
    const table = sqlite
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'")
      .get();
    if (!table) throw new BackupError(`${file} is not a Triad database: it has no migrations table.`);
    const row = sqlite.prepare("SELECT max(created_at) AS at FROM __drizzle_migrations").get() as { at: number | null };
    const level = Number(row.at ?? 0);
    const app = appMigrationLevel();
    const tag = app.tags.get(level) ?? "unknown to this version of Triad";
    if (level > app.level) {
      throw new BackupError(
        `${file} has a newer schema (migration level ${level}, ${tag}) than this Triad (level ${app.level}, ${app.tag}): restore it with the newer Triad that wrote it.`,
      );
    }
    return { level, tag };
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`${file} cannot be opened as an SQLite database (${(error as Error).message}).`);
  } finally {
    sqlite?.close();
    cleanUp();
  }
}

/** Removes the -wal/-shm a read-only open of `file` creates (empty ones only, never earlier ones). */
function sidecarCleaner(file: string): () => void {
  const sidecars = [`${file}-wal`, `${file}-shm`].filter((f) => !fs.existsSync(f));
  return () => {
    for (const made of sidecars) {
      try {
        if (fs.existsSync(made) && (made.endsWith("-shm") || fs.statSync(made).size === 0))
          fs.rmSync(made, { force: true });
      } catch {
        // best effort
      }
    }
  };
}

/**
 * Turns a fresh copy into a self-contained file (rollback journal, no -wal/-shm beside it) and
 * checks it; the server switches it back to WAL when it opens it.
 */
function sealCopy(file: string): void {
  const copy = new Database(file, { fileMustExist: true });
  let check: unknown;
  try {
    copy.pragma("journal_mode = DELETE");
    check = copy.pragma("integrity_check", { simple: true });
  } finally {
    copy.close();
  }
  if (check !== "ok") throw new BackupError(`The copy failed its integrity check: ${String(check).split("\n")[0]}`);
}

// ---------- taking a backup ----------

/**
 * One online backup of `source` (the live connection) into dir: written as .partial, verified,
 * renamed to its timestamped name, then older backups beyond `keep` are pruned.
 */
export async function takeBackup(
  source: Database.Database,
  { dir, keep, now = Date.now() }: { dir: string; keep: number; now?: number },
): Promise<BackupFile & { pruned: string[] }> {
  fs.mkdirSync(dir, { recursive: true });
  const name = backupFileName(now);
  const file = path.join(dir, name);
  if (fs.existsSync(file)) throw new BackupError(`${file} already exists; backups are never overwritten.`);
  const partial = `${file}.partial`;
  try {
    await source.backup(partial);
    sealCopy(partial);
    fs.renameSync(partial, file);
  } finally {
    for (const leftover of [partial, `${partial}-wal`, `${partial}-shm`]) fs.rmSync(leftover, { force: true });
  }
  const pruned = pruneBackups(dir, keep);
  return { name, file, takenAt: now, bytes: fs.statSync(file).size, pruned };
}

// ---------- the schedule ----------

export type BackupStatus = {
  settings: BackupSettings;
  nextRunAt: number | null;
  lastSuccessAt: number | null;
  lastError: { at: number; message: string } | null;
};

/**
 * Shared through globalThis: the server (scripts/server.ts) and the Remix build each load their
 * own copy of this module in the same process, and /admin/backups must see the timer's state.
 */
const shared = globalThis as unknown as { __triadBackupStatus?: BackupStatus };

export function backupStatus(): BackupStatus {
  return (
    shared.__triadBackupStatus ?? {
      settings: readBackupSettings(),
      nextRunAt: null,
      lastSuccessAt: null,
      lastError: null,
    }
  );
}

/**
 * In a server worker (TRIAD_WORKERS): the schedule's state as the primary process, which runs
 * the schedule, last sent it (scripts/server.ts).
 */
export function adoptBackupStatus(status: BackupStatus): void {
  shared.__triadBackupStatus = status;
}

/** Seconds since the newest verified backup in TRIAD_BACKUP_DIR; null when off or none yet. */
export function lastBackupAgeSeconds(now = Date.now(), settings = readBackupSettings()): number | null {
  if (settings.state !== "on") return null;
  const newest = listBackups(settings.dir)[0];
  return newest ? Math.max(0, Math.floor((now - newest.takenAt) / 1000)) : null;
}

/**
 * One scheduled run: take, verify, prune; a failure is recorded (and logged), never thrown.
 * Exported so tests drive it with a fake clock.
 */
export async function runScheduledBackup(
  source: Database.Database,
  settings: Extract<BackupSettings, { state: "on" }>,
  { now = Date.now(), log = console }: { now?: number; log?: Pick<Console, "log" | "error"> } = {},
): Promise<boolean> {
  const status = (shared.__triadBackupStatus ??= { settings, nextRunAt: null, lastSuccessAt: null, lastError: null });
  try {
    const taken = await takeBackup(source, { dir: settings.dir, keep: settings.keep, now });
    status.lastSuccessAt = now;
    status.lastError = null;
    const pruned = taken.pruned.length ? `, pruned ${taken.pruned.length} older` : "";
    log.log(`Backup: wrote ${taken.file} (${Math.round(taken.bytes / 1024)} KiB, integrity ok${pruned})`);
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    status.lastError = { at: now, message };
    log.error(`Backup failed: ${message}`);
    return false;
  }
}

/**
 * Starts the backup timer (unref'd, so it never keeps the process alive). Returns null when
 * backups are off; throws on invalid settings (the server refuses to start).
 */
export function startBackupScheduler(
  getSource: () => Database.Database,
  settings: BackupSettings = readBackupSettings(),
): { stop: () => Promise<void>; dir: string; every: string; keep: number } | null {
  if (settings.state === "invalid") throw new Error(settings.problem);
  if (settings.state === "off") {
    shared.__triadBackupStatus = { settings, nextRunAt: null, lastSuccessAt: null, lastError: null };
    return null;
  }
  const status: BackupStatus = {
    settings,
    nextRunAt: Date.now() + settings.everyMs,
    lastSuccessAt: null,
    lastError: null,
  };
  shared.__triadBackupStatus = status;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    status.nextRunAt = Date.now() + settings.everyMs;
    timer = setTimeout(tick, settings.everyMs);
    timer.unref();
  };
  const tick = () => {
    running = runScheduledBackup(getSource(), settings).finally(() => {
      running = null;
      schedule();
    });
  };
  schedule();
  return {
    dir: settings.dir,
    every: settings.every,
    keep: settings.keep,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      status.nextRunAt = null;
      await running;
    },
  };
}

// ---------- restore ----------

/**
 * Fails when another connection (a running server, another CLI) has `target` open: with no wait,
 * an exclusive lock cannot be had while any other connection holds the file (in WAL mode every
 * open connection holds a shared lock). While locked, the WAL is checkpointed into the file so
 * the previous file kept aside is complete on its own.
 */
function assertNotInUse(target: string): void {
  let probe: Database.Database | undefined;
  try {
    probe = new Database(target, { fileMustExist: true });
    probe.pragma("busy_timeout = 0");
    probe.pragma("locking_mode = EXCLUSIVE");
    probe.exec("BEGIN EXCLUSIVE");
    probe.exec("COMMIT");
    probe.pragma("wal_checkpoint(TRUNCATE)");
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
      throw new BackupError(
        `${target} is in use (a running Triad server or another program has it open): stop it first, then restore.`,
      );
    }
    // A damaged database (the usual reason to restore) cannot be locked through SQLite, and no
    // server can be using it; it is kept aside like any other previous file.
    if (code.startsWith("SQLITE_NOTADB") || code.startsWith("SQLITE_CORRUPT")) return;
    throw new BackupError(`${target} cannot be checked before restoring over it (${(error as Error).message}).`);
  } finally {
    probe?.close();
  }
}

const stamp = (at: number) =>
  new Date(at)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");

/**
 * Restores `backup` to `target`: verifies the backup (read-only) before touching the target,
 * refuses a target in use, copies the backup into a temporary file next to the target, verifies
 * it, keeps the previous target as `<target>.before-restore-<UTC time>` (with its -wal, if any
 * is left), renames the copy into place and removes the target's stale -wal/-shm.
 */
export async function restoreBackup({
  backup,
  target,
  now = Date.now(),
}: {
  backup: string;
  target: string;
  now?: number;
}): Promise<{ level: number; tag: string; keptAs: string | null }> {
  const from = path.resolve(backup);
  const to = path.resolve(target);
  if (from === to) throw new BackupError(`${from} is both the backup and the target: restore to another file.`);
  const verified = verifyBackupFile(from);
  const exists = fs.existsSync(to);
  if (exists) assertNotInUse(to);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  const temp = `${to}.restoring-${stamp(now)}`;
  if (fs.existsSync(temp)) throw new BackupError(`${temp} already exists: another restore may be running.`);
  try {
    const cleanUp = sidecarCleaner(from);
    const source = new Database(from, { readonly: true, fileMustExist: true });
    try {
      await source.backup(temp);
    } finally {
      source.close();
      cleanUp();
    }
    sealCopy(temp);
    verifyBackupFile(temp);
    let keptAs: string | null = null;
    if (exists) {
      keptAs = `${to}.before-restore-${stamp(now)}`;
      if (fs.existsSync(keptAs)) throw new BackupError(`${keptAs} already exists: try again in a second.`);
      fs.renameSync(to, keptAs);
    }
    try {
      const wal = `${to}-wal`;
      if (keptAs && fs.existsSync(wal) && fs.statSync(wal).size > 0) fs.renameSync(wal, `${keptAs}-wal`);
      for (const stale of [`${to}-wal`, `${to}-shm`]) fs.rmSync(stale, { force: true });
      fs.renameSync(temp, to);
    } catch (error) {
      // Put the previous file back where it was: a failed restore leaves the target as it found it.
      if (keptAs && !fs.existsSync(to)) fs.renameSync(keptAs, to);
      throw error;
    }
    return { ...verified, keptAs };
  } finally {
    for (const leftover of [temp, `${temp}-wal`, `${temp}-shm`]) fs.rmSync(leftover, { force: true });
  }
}
