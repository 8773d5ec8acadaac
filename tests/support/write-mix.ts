/**
 * Crash-safety support (docs/operations.md): the production server started on a GIVEN database
 * file so it can be killed with SIGKILL and started again on the same file, a seeded random
 * generator, and a logged JSON API client. (Not a test file: no `.test`.)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { ROOT, freePort } from "./server";

export type CrashServer = {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** SIGKILL: no shutdown code runs, as in a power cut or an OOM kill. */
  kill9: () => Promise<void>;
  /** SIGTERM, then SIGKILL after 5 s. */
  stop: () => Promise<void>;
};

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

/** `node --import tsx scripts/server.ts` (NODE_ENV=production) on `databaseFile`, ready on /healthz. */
export async function startServerOn(databaseFile: string, env: Record<string, string> = {}): Promise<CrashServer> {
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
      TRIAD_API_LIMIT: "1000000",
      TRIAD_NOTIFY_INTERVAL: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const kill9 = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited(child);
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited(child);
      clearTimeout(timer);
    }
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`The server exited with code ${child.exitCode} before it was ready:\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await kill9();
      throw new Error(`The server did not answer /healthz within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, child, output: () => output, kill9, stop };
}

/** mulberry32: a small seeded generator, so every run makes the same choices. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type LoggedWrite = {
  client: number;
  kind: "signoff" | "requirement" | "debt" | "step";
  method: string;
  path: string;
  /** A unique text the write puts in the row (and so in its activity row's `after`). */
  marker: string;
  /** Sent with an old version on purpose (expects 409). */
  stale?: boolean;
  /** HTTP status, or null when no answer came (connection reset by the kill). */
  status: number | null;
  body: any;
  error?: string;
};

/** Sends one JSON API request with a bearer token and logs it with its answer (or its failure). */
export async function logged(
  log: LoggedWrite[],
  base: string,
  token: string,
  entry: Omit<LoggedWrite, "status" | "body">,
  payload: unknown,
): Promise<LoggedWrite> {
  const record: LoggedWrite = { ...entry, status: null, body: null };
  log.push(record);
  try {
    const response = await fetch(`${base}${entry.path}`, {
      method: entry.method,
      headers: {
        Authorization: `Bearer ${token}`,
        "Content-Type": "application/json",
      },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    record.status = response.status;
    record.body = text && (response.headers.get("Content-Type") ?? "").includes("json") ? JSON.parse(text) : text;
  } catch (error) {
    // Headers may have come before the body was cut: an answer we cannot read is no answer.
    record.status = null;
    record.error = String(error);
  }
  return record;
}
