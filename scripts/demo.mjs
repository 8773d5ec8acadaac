// `npm run demo`: Triad with the demo organisation. Uses ./data/demo.db (or DATABASE_URL),
// seeds it once when it has nobody in it, prints the accounts, then serves like `npm start`.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";

const DEMO_PASSWORD = "triad-demo-password"; // the same as DEMO_PASSWORD in app/demo/demo.ts

process.chdir(path.resolve(path.dirname(fileURLToPath(import.meta.url)), ".."));
const env = { ...process.env, DATABASE_URL: process.env.DATABASE_URL || "./data/demo.db" };
const file = env.DATABASE_URL.replace(/^file:/, "");

/** How many people the database has, and its demo accounts; zero when there is no file yet. */
function readDatabase() {
  if (!existsSync(file)) return { people: 0, accounts: [] };
  const db = new Database(file, { fileMustExist: true });
  try {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'users'").get();
    if (!table) return { people: 0, accounts: [] };
    const people = db.prepare("SELECT count(*) AS n FROM users").get().n;
    const accounts = db
      .prepare(
        "SELECT email, name, discipline, role FROM users WHERE email LIKE '%@demo.triad' AND active = 1 ORDER BY id",
      )
      .all();
    return { people, accounts };
  } finally {
    db.close();
  }
}

const before = readDatabase();
if (before.people === 0) {
  console.log(`Seeding the demo organisation into ${file}…`);
  const seeded = spawnSync(process.execPath, ["--import", "tsx", "scripts/triad.ts", "demo"], {
    stdio: "inherit",
    env,
  });
  if (seeded.status !== 0) process.exit(seeded.status ?? 1);
} else {
  const { accounts } = before;
  console.log(`Using the demo database ${file} (${before.people} people).`);
  if (accounts.length === 0) {
    console.log("It has no demo accounts: sign in with the accounts you created there.");
  } else {
    const label = { business: "Business", data_science: "Data science", it: "IT operations" };
    console.log(`Sign in with any of these (password: ${DEMO_PASSWORD}):`);
    for (const a of accounts) {
      const role = a.role === "admin" ? "Admin" : "Member";
      console.log(`  ${a.email.padEnd(22)} ${label[a.discipline].padEnd(14)} ${role.padEnd(7)} ${a.name}`);
    }
  }
}
const host = env.HOST ?? "127.0.0.1";
console.log(`\nStarting Triad on http://${host}:${env.PORT ?? 3000} (Ctrl-C stops it)…\n`);

// Its own process group, so a signal to this script reaches start.mjs and the server it runs.
const server = spawn(process.execPath, ["scripts/start.mjs"], {
  stdio: "inherit",
  env,
  detached: true,
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    try {
      process.kill(-server.pid, signal);
    } catch {
      // already gone
    }
  });
}
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
