/**
 * The primary process under TRIAD_WORKERS > 1 (docs/operations.md, "Workers"): it applies the
 * migrations once, starts the background jobs (the only process that runs them), creates the
 * file the workers count rate limits in, then forks the workers, which all listen on the same
 * port (node:cluster hands each new connection to the next worker in turn). It serves no HTTP
 * itself. A worker that stops unexpectedly is replaced, after a pause that doubles with each
 * failure in a row (0.5 s up to 30 s); one that stops before the first start finished stops
 * the server (exit 1): a broken build or a port in use would only fail again.
 *
 * Shutdown is the one of a single process (scripts/server.ts), told by the primary: on
 * SIGTERM/SIGINT it tells every worker to stop accepting connections and waits until they
 * have (so the port refuses new ones once "received" is logged), lets them answer what is in
 * flight within TRIAD_SHUTDOWN_TIMEOUT, stops the jobs, and once every worker has exited
 * checkpoints the WAL and closes the database itself, once. A worker that receives the signal
 * itself (a process group signalled by a terminal or a service manager) passes it on here.
 * The same `Shutdown: …` lines are logged, each once, by the primary.
 */
import cluster, { type Worker } from "node:cluster";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { closeDb, databasePath, getDb } from "../db/client.server";
import { type BackupSettings, backupStatus } from "../app/jobs/backups.server";
import type { MailSettings } from "../app/jobs/mail-worker.server";
import { serveClusterMetrics } from "../app/utils/metrics.server";
import { SHARED_HITS_ENV, SharedHits } from "../app/utils/rate-limit.server";
import { checkpointAtShutdown, startJobs } from "./server-jobs";

/** Messages between the primary and its workers. */
export const TO_PRIMARY = {
  /** The worker listens and answers /readyz 200. */
  listening: "triad:listening",
  /** The worker stopped accepting connections (shutdown). */
  closed: "triad:closed",
  /** `{ done }`: every request in flight was answered (true) or cut at the timeout (false). */
  requests: "triad:requests",
  /** `{ signal }`: the worker itself received SIGTERM or SIGINT. */
  signal: "triad:signal",
} as const;
export const TO_WORKER = {
  /** `{ signal }`: shut down gracefully. */
  shutdown: "triad:shutdown",
  /** `{ status }`: the backup schedule's state, for /admin/backups. */
  backupStatus: "triad:backup-status",
} as const;

export type PrimarySettings = {
  workers: number;
  host: string;
  port: number;
  shutdownSeconds: number;
  timeZone: string;
  notifyEvery: number;
  backupSettings: BackupSettings;
  mailSettings: MailSettings;
  startedAt: number;
};

type Deferred<T> = { promise: Promise<T>; resolve: (value: T) => void };
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

type Tracked = { closed: Deferred<void>; requests: Deferred<boolean>; exited: Deferred<void> };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The workers' rate-limit file (app/utils/rate-limit.server.ts), in the temporary directory
 * and named after the database, so a restart after a crash reuses (and empties) it.
 */
function createRateLimitFile(): { file: string; remove: () => void } {
  const hash = createHash("sha256").update(path.resolve(databasePath())).digest("hex").slice(0, 16);
  const file = path.join(os.tmpdir(), `triad-rate-limits-${hash}.db`);
  const remove = () => {
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  };
  remove();
  const sqlite = new Database(file);
  try {
    sqlite.pragma("journal_mode = WAL");
    SharedHits.createTable(sqlite);
  } finally {
    sqlite.close();
  }
  return { file, remove };
}

export function runPrimary(settings: PrimarySettings): void {
  const { workers: count, shutdownSeconds } = settings;
  const log = (message: string) => console.log(`Shutdown: ${message}`);
  let state: "starting" | "running" | "stopping" = "starting";
  let firstSignalAt = 0;
  const tracked = new Map<Worker, Tracked>();
  const ready = new Set<Worker>();
  const liveWorkers = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
  const killAll = () => {
    for (const worker of liveWorkers()) worker.process.kill("SIGKILL");
  };

  getDb(); // the migrations, once, before any worker opens the database
  const rateLimits = createRateLimitFile();
  // The jobs start when the first worker answers (and never if none does).
  const firstListening = deferred<void>();
  const jobs = startJobs({ ...settings, when: firstListening.promise });
  serveClusterMetrics(() => [...ready]);

  // /admin/backups in the workers shows the schedule that runs here.
  let sentStatus = "";
  const sendStatus = (to: Iterable<Worker>) => {
    const status = backupStatus();
    for (const worker of to) if (worker.isConnected()) worker.send({ type: TO_WORKER.backupStatus, status });
    return JSON.stringify(status);
  };
  const relay = setInterval(() => {
    if (JSON.stringify(backupStatus()) !== sentStatus) sentStatus = sendStatus(ready);
  }, 1000);
  relay.unref();

  // One secret for every worker (the flash-message cookie, the API's paging cursors): without
  // SESSION_SECRET it is random at each start, as for one process, but the same in all workers,
  // so a cookie or cursor one worker signed is good in the others.
  const sessionSecret = process.env.SESSION_SECRET || randomBytes(32).toString("hex");

  /** Failures in a row: the pause before the next replacement doubles with each. */
  let failures = 0;
  const fork = () => {
    const worker = cluster.fork({ [SHARED_HITS_ENV]: rateLimits.file, SESSION_SECRET: sessionSecret });
    tracked.set(worker, { closed: deferred(), requests: deferred(), exited: deferred() });
  };

  const stopAfterFailedStart = (how: string) => {
    state = "stopping";
    console.error(`A worker stopped before the server was ready (${how}); see its error above. Stopping.`);
    killAll();
    void jobs.stop().finally(() => {
      try {
        closeDb();
      } finally {
        rateLimits.remove();
        process.exit(1);
      }
    });
  };

  cluster.on("message", (worker: Worker, message: { type?: string; done?: boolean; signal?: NodeJS.Signals }) => {
    switch (message?.type) {
      case TO_PRIMARY.listening: {
        if (state === "stopping") return;
        ready.add(worker);
        firstListening.resolve();
        sendStatus([worker]);
        if (state === "starting" && ready.size === count) {
          state = "running";
          const ms = Math.round(performance.now() - settings.startedAt);
          console.log(
            `Triad listening on http://${settings.host}:${settings.port} (${count} workers, database ${databasePath()}, time zone ${settings.timeZone}, ready in ${ms} ms)`,
          );
        } else if (state === "running") {
          // A replacement that stays up a while ends the run of failures.
          setTimeout(() => {
            if (worker.isConnected()) failures = 0;
          }, 30_000).unref();
        }
        return;
      }
      case TO_PRIMARY.closed:
        tracked.get(worker)?.closed.resolve();
        return;
      case TO_PRIMARY.requests:
        tracked.get(worker)?.requests.resolve(message.done === true);
        return;
      case TO_PRIMARY.signal:
        if (message.signal === "SIGTERM" || message.signal === "SIGINT") shutdown(message.signal);
        return;
    }
  });

  cluster.on("exit", (worker: Worker, code: number | null, signal: string | null) => {
    ready.delete(worker);
    const t = tracked.get(worker);
    tracked.delete(worker);
    t?.closed.resolve();
    t?.requests.resolve(code === 0);
    t?.exited.resolve();
    if (state === "stopping") return;
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    if (state === "starting") return stopAfterFailedStart(how);
    failures += 1;
    const pause = Math.min(30_000, 500 * 2 ** Math.min(failures - 1, 6));
    console.error(`Worker ${worker.process.pid} stopped (${how}); starting another in ${pause} ms`);
    setTimeout(() => {
      if (state === "running") fork();
    }, pause);
  });

  const shutdown = (signal: NodeJS.Signals) => {
    if (state === "stopping") {
      // A process group signalled at once, and start.mjs passing it on: a repeat within a
      // second is the same request.
      if (Date.now() - firstSignalAt < 1000) return;
      log(`${signal} again: exiting now without waiting (the database recovers its log at the next start)`);
      killAll();
      try {
        closeDb();
      } finally {
        rateLimits.remove();
        process.exit(1);
      }
    }
    state = "stopping";
    firstSignalAt = Date.now();
    clearInterval(relay);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), shutdownSeconds * 1000);
    });
    const serving: Tracked[] = [];
    for (const worker of liveWorkers()) {
      const t = tracked.get(worker);
      if (!t) continue;
      if (ready.has(worker) && worker.isConnected()) {
        worker.send({ type: TO_WORKER.shutdown, signal });
        serving.push(t);
      } else {
        worker.process.kill("SIGKILL"); // still starting: nothing in flight
      }
    }
    const all = [...tracked.values()];
    let jobsStopped = false;
    const jobsDone = jobs.stop().then(() => {
      jobsStopped = true;
    });
    void (async () => {
      await Promise.race([Promise.all(serving.map((t) => t.closed.promise)), sleep(2000)]);
      log(
        `${signal} received: /readyz answers 503, no new connections; waiting up to ${shutdownSeconds} s for requests in flight`,
      );
      // A worker that does not finish within the timeout and a grace is stopped hard.
      const hard = setTimeout(killAll, (shutdownSeconds + 5) * 1000);
      const answered = await Promise.all(serving.map((t) => t.requests.promise));
      if (answered.every(Boolean)) log("all requests answered, server closed");
      else log(`requests still open after ${shutdownSeconds} s: closing their connections`);
      await Promise.all(all.map((t) => t.exited.promise));
      clearTimeout(hard);
      await Promise.race([jobsDone, timedOut]);
      clearTimeout(timer);
      if (jobsStopped) log("background workers stopped");
      else log("a delivery still in flight: it stays pending and is sent again at the next start");
      if (!checkpointAtShutdown(log)) {
        rateLimits.remove();
        process.exit(1);
      }
      rateLimits.remove();
      log("done, exiting 0");
      process.exit(0);
    })();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));

  // Connections are accepted here and handed to the workers in turn (the default but on Windows).
  cluster.schedulingPolicy = cluster.SCHED_RR;
  cluster.setupPrimary({ silent: false }); // the workers write to this process's stdout and stderr
  for (let i = 0; i < count; i++) fork();
}
