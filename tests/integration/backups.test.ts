/**
 * Backups and restore (docs/operations.md, "Backups and restore"; app/jobs/backups.server.ts):
 * a backup of a populated database restores to the same data, restore refuses a corrupt or
 * newer-schema backup and a target in use (CLI: one line, exit 1), and scheduled backups are
 * verified, named by UTC time and pruned to TRIAD_BACKUP_KEEP.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  appMigrationLevel,
  backupFileName,
  backupStatus,
  lastBackupAgeSeconds,
  listBackups,
  parseEvery,
  readBackupSettings,
  restoreBackup,
  runScheduledBackup,
  startBackupScheduler,
  takeBackup,
  verifyBackupFile,
} from "~/jobs/backups.server";
import * as adminBackups from "~/routes/admin.backups";
import { loader as healthz } from "~/routes/healthz";
import { getDb } from "../../db/client.server";
import { resetDatabase } from "../support/database";
import { callLoader, settle } from "../support/requests";
import { createAdmin, createTestUser, signInAs } from "../support/users";

const ROOT = path.resolve(__dirname, "../..");
let work: string;
const quiet = { log: () => undefined, error: () => undefined };

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "triad-backups-"));
  resetDatabase();
});
afterEach(() => {
  delete process.env.TRIAD_BACKUP_DIR;
  delete process.env.TRIAD_BACKUP_EVERY;
  delete process.env.TRIAD_BACKUP_KEEP;
  delete (globalThis as { __triadBackupStatus?: unknown }).__triadBackupStatus;
  fs.rmSync(work, { recursive: true, force: true });
});

const emails = (file: string) => {
  const database = new Database(file, { readonly: true });
  try {
    return (database.prepare("SELECT email FROM users ORDER BY email").all() as { email: string }[]).map(
      (r) => r.email,
    );
  } finally {
    database.close();
  }
};

const cli = (args: string[], env: Record<string, string> = {}) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      "npx",
      ["tsx", "scripts/triad.ts", ...args],
      { cwd: ROOT, env: { ...process.env, NODE_ENV: "test", ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });

/** A copy of `file` with a migration this app does not know, dated after all of its own. */
function newerSchemaCopy(file: string): string {
  const copy = path.join(work, "newer.db");
  fs.copyFileSync(file, copy);
  const database = new Database(copy);
  database
    .prepare("INSERT INTO __drizzle_migrations (hash, created_at) VALUES ('future-hash', ?)")
    .run(appMigrationLevel().level + 1000);
  database.close();
  return copy;
}

describe("backup → restore", () => {
  it("restores the backup's data, never the later changes, and keeps the previous file", async () => {
    const before = await createTestUser({ email: "before@example.com" });
    const backup = await takeBackup(getDb().$client, { dir: path.join(work, "backups"), keep: 5 });
    await createTestUser({ email: "after@example.com" });
    expect(verifyBackupFile(backup.file).level).toBe(appMigrationLevel().level);
    expect(fs.readdirSync(path.join(work, "backups"))).toEqual([backup.name]);

    // to a new file
    const fresh = path.join(work, "restored", "triad.db");
    const first = await restoreBackup({ backup: backup.file, target: fresh });
    expect(first.keptAs).toBeNull();
    expect(fs.readdirSync(path.join(work, "backups"))).toEqual([backup.name]); // the backup is only read
    expect(fs.existsSync(`${fresh}-wal`)).toBe(false);
    expect(emails(fresh)).toEqual([before.email]);

    // over an existing database nobody has open: the previous one is kept, data and all
    const existing = path.join(work, "existing.db");
    fs.copyFileSync(backup.file, existing);
    const other = new Database(existing);
    other.pragma("journal_mode = WAL");
    other.prepare("UPDATE users SET email = 'changed@example.com'").run();
    other.close();
    fs.writeFileSync(`${existing}-shm`, "stale");
    const second = await restoreBackup({ backup: backup.file, target: existing, now: Date.UTC(2026, 11, 1, 9) });
    expect(second.keptAs).toBe(`${existing}.before-restore-20261201T090000Z`);
    expect(fs.existsSync(`${existing}-shm`)).toBe(false);
    expect(emails(existing)).toEqual([before.email]);
    expect(emails(second.keptAs!)).toEqual(["changed@example.com"]);
    expect(fs.readdirSync(work).filter((n) => n.includes("restoring"))).toEqual([]);

    // over a damaged database (the usual reason to restore): allowed, the damaged file kept aside
    const damaged = path.join(work, "damaged.db");
    fs.writeFileSync(damaged, "not a database any more ".repeat(100));
    const third = await restoreBackup({ backup: backup.file, target: damaged, now: Date.UTC(2026, 11, 1, 10) });
    expect(fs.readFileSync(third.keptAs!, "utf8")).toContain("not a database any more");
    expect(emails(damaged)).toEqual([before.email]);
  });

  it("refuses a corrupt, a truncated and a newer-schema backup, and a target in use, touching nothing", async () => {
    await createTestUser();
    const { file } = await takeBackup(getDb().$client, { dir: work, keep: 5 });
    const target = path.join(work, "target.db");
    fs.writeFileSync(target, "untouched");

    const garbage = path.join(work, "garbage.db");
    fs.writeFileSync(garbage, "this is not an SQLite database ".repeat(300));
    await expect(restoreBackup({ backup: garbage, target })).rejects.toThrow(
      /is not a usable SQLite database|cannot be opened/,
    );
    const truncated = path.join(work, "truncated.db");
    fs.writeFileSync(truncated, fs.readFileSync(file).subarray(0, Math.floor(fs.statSync(file).size / 2)));
    await expect(restoreBackup({ backup: truncated, target })).rejects.toThrow(
      /integrity check|not a usable|cannot be opened/,
    );
    const newer = newerSchemaCopy(file);
    await expect(restoreBackup({ backup: newer, target })).rejects.toThrow(
      new RegExp(
        `newer schema \\(migration level ${appMigrationLevel().level + 1000}, unknown to this version of Triad\\) than this Triad \\(level ${appMigrationLevel().level}, ${appMigrationLevel().tag}\\)`,
      ),
    );
    expect(fs.readFileSync(target, "utf8")).toBe("untouched");

    const live = path.join(work, "live.db");
    fs.copyFileSync(file, live);
    const server = new Database(live);
    server.pragma("journal_mode = WAL");
    server.prepare("SELECT count(*) FROM users").get(); // as the server does at start (migrations)
    try {
      await expect(restoreBackup({ backup: file, target: live })).rejects.toThrow(/is in use/);
      expect(fs.readdirSync(work).filter((n) => n.includes("before-restore") || n.includes("restoring"))).toEqual([]);
    } finally {
      server.close();
    }
  });
});

describe("npm run triad -- restore", () => {
  it("restores (exit 0), refuses bad backups and a target in use (one line, exit 1), bad usage exit 2", async () => {
    await createTestUser({ email: "kept@example.com" });
    const { file } = await takeBackup(getDb().$client, { dir: work, keep: 5 });
    const target = path.join(work, "cli.db");

    const ok = await cli(["restore", file, "--to", target]);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^Restored .* to .*cli\.db \(integrity ok, migration level \d+, \d{4}_\w+\)\.\n$/);
    expect(emails(target)).toEqual(["kept@example.com"]);

    const garbage = path.join(work, "garbage.db");
    fs.writeFileSync(garbage, "garbage ".repeat(1000));
    const corrupt = await cli(["restore", garbage, "--to", target]);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^triad restore: .*garbage\.db .*Nothing was changed\.$/),
    ]);

    const newer = await cli(["restore", newerSchemaCopy(file), "--to", target]);
    expect(newer.code).toBe(1);
    expect(newer.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^triad restore: .*newer schema .* than this Triad \(level \d+, .*Nothing was changed\.$/),
    ]);

    // DATABASE_URL is the default target; a running server holds it
    const server = new Database(target);
    server.pragma("journal_mode = WAL");
    server.prepare("SELECT count(*) FROM users").get(); // as the server does at start (migrations)
    try {
      const busy = await cli(["restore", file], { DATABASE_URL: target });
      expect(busy.code).toBe(1);
      expect(busy.stderr.trim().split("\n")).toEqual([
        expect.stringMatching(/^triad restore: .*cli\.db is in use .*stop it first/),
      ]);
    } finally {
      server.close();
    }
    expect(fs.readdirSync(work).filter((n) => n.includes("before-restore"))).toHaveLength(0);

    const usage = await cli(["restore"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("Missing <backup>.");
  }, 120_000);
});

describe("scheduled backups", () => {
  it("reads and validates TRIAD_BACKUP_DIR, TRIAD_BACKUP_EVERY and TRIAD_BACKUP_KEEP", () => {
    expect(parseEvery("10s")).toBe(10_000);
    expect(parseEvery("30m")).toBe(1_800_000);
    expect(parseEvery("24h")).toBe(86_400_000);
    expect(parseEvery("0s")).toBeNull();
    expect(parseEvery("1 week")).toBeNull();
    expect(readBackupSettings({})).toEqual({ state: "off" });
    expect(readBackupSettings({ TRIAD_BACKUP_DIR: "/b" })).toEqual({
      state: "on",
      dir: path.resolve("/b"),
      everyMs: 86_400_000,
      every: "24h",
      keep: 14,
    });
    expect(readBackupSettings({ TRIAD_BACKUP_DIR: "/b", TRIAD_BACKUP_EVERY: "daily" })).toMatchObject({
      state: "invalid",
      problem: expect.stringContaining("TRIAD_BACKUP_EVERY"),
    });
    expect(readBackupSettings({ TRIAD_BACKUP_DIR: "/b", TRIAD_BACKUP_KEEP: "0" })).toMatchObject({
      state: "invalid",
      problem: expect.stringContaining("TRIAD_BACKUP_KEEP"),
    });
    expect(readBackupSettings({ TRIAD_BACKUP_EVERY: "1h" })).toMatchObject({
      state: "invalid",
      problem: expect.stringContaining("TRIAD_BACKUP_DIR"),
    });
  });

  it("takes verified backups named by UTC time, keeps the newest KEEP and nothing else is touched", async () => {
    await createTestUser();
    const dir = path.join(work, "scheduled");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "triad-notes.db"), "mine");
    fs.writeFileSync(path.join(dir, "triad-20000101T000000000Z.db.keep"), "mine too");
    const settings = { state: "on" as const, dir, everyMs: 1000, every: "1s", keep: 2 };
    const t0 = Date.UTC(2026, 11, 1, 15, 0, 0);
    for (let i = 0; i < 4; i++) {
      expect(await runScheduledBackup(getDb().$client, settings, { now: t0 + i * 1000, log: quiet })).toBe(true);
    }
    expect(listBackups(dir).map((b) => b.name)).toEqual([backupFileName(t0 + 3000), backupFileName(t0 + 2000)]);
    expect(backupFileName(t0 + 3000)).toBe("triad-20261201T150003000Z.db");
    expect(fs.readdirSync(dir).sort()).toEqual([
      "triad-20000101T000000000Z.db.keep",
      "triad-20261201T150002000Z.db",
      "triad-20261201T150003000Z.db",
      "triad-notes.db",
    ]);
    expect(lastBackupAgeSeconds(t0 + 10_000, settings)).toBe(7);
    expect(backupStatus().lastSuccessAt).toBe(t0 + 3000);

    // a failure is recorded, not thrown: the directory became a file
    const blocked = { ...settings, dir: path.join(dir, "triad-notes.db") };
    expect(await runScheduledBackup(getDb().$client, blocked, { now: t0 + 5000, log: quiet })).toBe(false);
    expect(backupStatus().lastError).toMatchObject({ at: t0 + 5000, message: expect.any(String) });
  });

  it("runs on its timer, and /healthz and /admin/backups show the last good backup", async () => {
    const admin = await createAdmin();
    const dir = path.join(work, "timer");
    process.env.TRIAD_BACKUP_DIR = dir;
    process.env.TRIAD_BACKUP_EVERY = "1s";
    process.env.TRIAD_BACKUP_KEEP = "2";

    const none = await settle(() => healthz());
    expect(none.data).toEqual({ status: "ok", lastBackupAgeSeconds: null });

    const scheduler = startBackupScheduler(() => getDb().$client);
    expect(scheduler).not.toBeNull();
    try {
      const deadline = Date.now() + 10_000;
      while (listBackups(dir).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await scheduler!.stop();
    }
    expect(listBackups(dir).length).toBeGreaterThanOrEqual(1);
    expect(listBackups(dir).length).toBeLessThanOrEqual(2);

    const health = await settle(() => healthz());
    expect(health.status).toBe(200);
    expect(health.data.lastBackupAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(health.data.lastBackupAgeSeconds).toBeLessThan(15);

    const page = await callLoader(adminBackups.loader, "/admin/backups", { cookie: signInAs(admin) });
    expect(page.status).toBe(200);
    expect(page.data.settings).toMatchObject({ state: "on", dir, every: "1s", keep: 2 });
    expect(page.data.files[0]).toMatchObject({
      name: expect.stringMatching(/^triad-\d{8}T\d{9}Z\.db$/),
      bytes: expect.any(Number),
    });

    const member = await createTestUser();
    const refused = await callLoader(adminBackups.loader, "/admin/backups", { cookie: signInAs(member) });
    expect(refused.status).toBe(403);
  });
});
