/**
 * The production server for end-to-end tests: `node --import tsx scripts/server.ts` on a free
 * port with its own fresh database file, exactly as `npm start` runs it (NODE_ENV=production,
 * the built app in build/, migrations applied at start-up).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export type TestServer = {
  url: string;
  port: number;
  databaseFile: string;
  /** Everything the server wrote to stderr so far. */
  stderr: () => string;
  stdout: () => string;
  stop: () => Promise<void>;
};

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

export async function startServer({ env = {} }: { env?: Record<string, string> } = {}): Promise<TestServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "triad-e2e-"));
  const databaseFile = path.join(dir, "triad.db");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;

  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(VITEST|TEST$|DATABASE_URL$|NODE_OPTIONS$)/.test(key)),
  );
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/server.ts"], {
    cwd: ROOT,
    env: {
      ...inherited,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: databaseFile,
      TRIAD_LOG_REQUESTS: "0",
      TRIAD_LOGIN_LIMIT: "1000",
      // No scheduled notification pass: tests run passes themselves at chosen instants.
      TRIAD_NOTIFY_INTERVAL: "0",
      // One process unless a test asks for workers: starts in a second on a loaded machine.
      // tests/e2e/workers.test.ts runs the cluster (the default on a multi-core machine).
      TRIAD_WORKERS: "1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited(child);
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`The server exited with code ${child.exitCode} before it was ready:\n${stderr}${stdout}`);
    }
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`The server did not answer /healthz within 60 s:\n${stderr}${stdout}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return { url, port, databaseFile, stderr: () => stderr, stdout: () => stdout, stop };
}
