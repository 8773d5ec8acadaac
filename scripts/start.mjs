// `npm start`: build once if there is no build, then serve it (migrations run at startup).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const run = (command, args, env = process.env) => {
  const result = spawnSync(command, args, { stdio: "inherit", env });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

if (!existsSync("build/server/index.js")) {
  console.log("No build found: building Triad once (about a minute)…");
  run("npx", ["remix", "vite:build"]);
}
run(process.execPath, ["--import", "tsx", "scripts/server.ts"], { NODE_ENV: "production", ...process.env });
