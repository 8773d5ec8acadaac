/**
 * Backups and restore with the real server (docs/operations.md, "Backups and restore"): the
 * running server takes scheduled, verified backups; `triad restore` refuses the database the
 * server has open; a backup restored to a new file starts a server with the same data.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { listBackups } from "~/jobs/backups.server";
import { ROOT, startServer, type TestServer } from "../support/server";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "triad-e2e-backups-"));
const servers: TestServer[] = [];

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  fs.rmSync(work, { recursive: true, force: true });
});

const cli = (args: string[], env: Record<string, string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      "npx",
      ["tsx", "scripts/triad.ts", ...args],
      { cwd: ROOT, env: { ...process.env, NODE_ENV: "production", ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
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

describe("scheduled backup → restore → start", () => {
  it("backs up the live server, refuses to restore over it, and a restored copy serves the same data", async () => {
    const dir = path.join(work, "backups");
    const server = await startServer({
      env: { TRIAD_BACKUP_DIR: dir, TRIAD_BACKUP_EVERY: "1s", TRIAD_BACKUP_KEEP: "2" },
    });
    servers.push(server);
    expect(server.stdout()).toContain(`Backups: every 1s into ${dir}, keeping 2`);

    const created = await cli(
      [
        "user:create",
        "--email",
        "ada@example.com",
        "--name",
        "Ada",
        "--discipline",
        "it",
        "--role",
        "admin",
        "--password",
        "correct horse battery staple",
      ],
      { DATABASE_URL: server.databaseFile },
    );
    expect(created.code).toBe(0);

    // wait for a backup that has Ada (taken after she was added)
    let withAda: string | undefined;
    const deadline = Date.now() + 20_000;
    while (!withAda && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 300));
      withAda = listBackups(dir).find((b) => emails(b.file).includes("ada@example.com"))?.file;
    }
    expect(withAda).toBeDefined();
    await new Promise((r) => setTimeout(r, 2500));
    expect(listBackups(dir).length).toBe(2); // pruned to TRIAD_BACKUP_KEEP
    const backup = path.join(work, "kept.db");
    fs.copyFileSync(listBackups(dir)[0].file, backup);

    const refused = await cli(["restore", backup], { DATABASE_URL: server.databaseFile });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is in use .*stop it first/);

    const target = path.join(work, "restored.db");
    const restored = await cli(["restore", backup, "--to", target], { DATABASE_URL: server.databaseFile });
    expect(restored.stderr).toBe("");
    expect(restored.code).toBe(0);

    const again = await startServer({ env: { DATABASE_URL: target } });
    servers.push(again);
    const health = await fetch(`${again.url}/healthz`);
    expect(health.status).toBe(200);
    const login = await fetch(`${again.url}/login`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: again.url },
      body: new URLSearchParams({ email: "ada@example.com", password: "correct horse battery staple" }),
      redirect: "manual",
    });
    expect(login.status).toBe(302);
    expect(login.headers.get("set-cookie")).toBeTruthy();
  }, 90_000);
});
