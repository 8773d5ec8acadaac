// `npm start` / `node scripts/start.mjs`: build once if there is no build, then serve it
// (migrations run at startup). The server runs as a child process: SIGINT and SIGTERM sent to
// this process are passed on to it (a second one too, which makes it exit at once), and this
// process exits with the server's exit code (128 + the signal's number if it was killed).
// Under TRIAD_WORKERS above 1 that child is the primary process, which shuts its workers down.
// As a service's entry point use `node scripts/start.mjs` directly, not `npm start`, so the
// service manager's signal reaches this process (docs/operations.md, docs/triad.service).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";

/** The child currently running (the build, then the server): where signals go. */
let child = null;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
    else process.exit(128 + constants.signals[signal]);
  });
}

// Under `npm start`, npm runs this script through `sh -c`, and a SIGTERM sent to npm stops npm
// and that shell but never reaches this process. So when the parent goes away (this process is
// handed to another one), the server is stopped the same way, gracefully.
const parent = process.ppid;
const orphanWatch = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(orphanWatch);
  console.log("start: the parent process (npm) has gone: stopping the server (SIGTERM)");
  process.emit("SIGTERM", "SIGTERM");
}, 250);
orphanWatch.unref();

/** Runs a child to its end; resolves with the exit code it should stand for. */
function run(command, args, options) {
  return new Promise((resolve) => {
    child = spawn(command, args, { stdio: "inherit", ...options });
    child.on("error", (error) => {
      console.error(`Could not start ${command}: ${error.message}`);
      resolve(1);
    });
    child.on("exit", (code, signal) => resolve(code ?? 128 + (constants.signals[signal] ?? 0)));
  });
}

if (!existsSync("build/server/index.js")) {
  console.log("No build found: building Triad once (about a minute)…");
  const status = await run("npx", ["remix", "vite:build"]);
  if (status !== 0) process.exit(status);
}

// The server's heap limit, inherited by every worker: 128 MB of old generation keeps a process
// under 300 MB resident at 5,000 projects (docs/operations.md, "Memory"). A
// --max-old-space-size in NODE_OPTIONS chooses another.
const heapLimit = /--max-old-space-size/.test(process.env.NODE_OPTIONS ?? "") ? [] : ["--max-old-space-size=128"];
const status = await run(process.execPath, [...heapLimit, "--import", "tsx", "scripts/server.ts"], {
  env: { ...process.env, NODE_ENV: "production" },
});
process.exit(status);
