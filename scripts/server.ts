/**
 * The HTTP server: Express in front of the Remix build. It applies migrations before
 * listening, refuses cross-origin writes, sets security headers (an enforced CSP with a
 * per-request nonce, HSTS over HTTPS) on every response, reads request bodies within a byte
 * limit before any route sees them, and logs one JSON line per request.
 * `NODE_ENV=development` serves through Vite instead of the build.
 *
 * TRIAD_WORKERS (default: one per CPU) runs it as that many node:cluster workers on the same
 * port under a primary process that migrates, runs the background jobs and supervises
 * (scripts/server-primary.ts); a worker serves HTTP only. TRIAD_WORKERS=1 (and development) is
 * one process doing everything, with no cluster.
 */
import cluster from "node:cluster";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import { createRequestHandler, writeReadableStreamToWritable } from "@remix-run/node";
import { compressionSetting, responseCompression, staticFiles } from "../app/utils/serving.server";
import express from "express";
import { closeDb, databasePath, getDb } from "../db/client.server";
import { isAllowedOrigin, readBodyLimit, trustProxySetting } from "../app/utils/http.server";
import { notifyIntervalMs } from "../app/jobs/notify-pass.server";
import { readMailSettings } from "../app/jobs/mail-worker.server";
import { adoptBackupStatus, readBackupSettings, type BackupStatus } from "../app/jobs/backups.server";
import {
  metricsHandler,
  prepareWorkerMetrics,
  recordRequestMetrics,
  setRoutePatterns,
} from "../app/utils/metrics.server";
import { orgTimeZone } from "../app/lib/org-time-zone.server";
import { checkpointAtShutdown, type Jobs, startJobs } from "./server-jobs";
import { runPrimary, TO_PRIMARY, TO_WORKER } from "./server-primary";

const dev = process.env.NODE_ENV === "development";
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";
/** TRIAD_BODY_LIMIT, read in main(): a bad value stops the server instead of lifting the limit. */
let bodyLimitBytes = 1024 * 1024;
const trustedOrigins = (process.env.TRIAD_TRUSTED_ORIGINS ?? "")
  .split(",")
  .map((o) => o.trim())
  .filter(Boolean);
const logRequests = process.env.TRIAD_LOG_REQUESTS !== "0";
/** How long a refused oversized upload may go on being read (and thrown away) before hanging up. */
const LINGER_MS = 2_000;
const HSTS = "max-age=31536000; includeSubDomains";
/**
 * What /readyz answers (docs/operations.md, "Shutdown and readiness"): "ready" once migrations
 * are applied and the server listens, "shutting_down" from the first SIGTERM/SIGINT on.
 */
let readiness: "migrating" | "ready" | "shutting_down" = "migrating";

/** TRIAD_SHUTDOWN_TIMEOUT: seconds in-flight requests get after SIGTERM/SIGINT, 0–3600 (default 10). */
function shutdownTimeoutSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.TRIAD_SHUTDOWN_TIMEOUT?.trim() || "10";
  if (!/^\d{1,4}$/.test(text) || Number(text) > 3600) {
    throw new Error(
      "TRIAD_SHUTDOWN_TIMEOUT is the seconds in-flight requests get to finish at shutdown: a whole number from 0 to 3600.",
    );
  }
  return Number(text);
}

/**
 * TRIAD_WORKERS: how many processes serve HTTP, 1–64 (default: the CPUs this process may use,
 * os.availableParallelism()); 1 is a single process without node:cluster. Development is
 * always one process.
 */
export function workerCount(env: NodeJS.ProcessEnv = process.env): number {
  const cpus = os.availableParallelism();
  const text = env.TRIAD_WORKERS?.trim();
  if (!text) return cpus;
  if (!/^\d{1,2}$/.test(text) || Number(text) < 1 || Number(text) > 64) {
    throw new Error(
      `TRIAD_WORKERS is the number of server processes: a whole number from 1 to 64 (default: the number of CPUs, ${cpus} here); it is "${text}".`,
    );
  }
  return Number(text);
}

function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Bodies read within the limit, by request, for the Remix request. */
const bodies = new WeakMap<express.Request, Buffer>();

/**
 * 413, sent at once. Whatever the client still sends is read and thrown away (never kept), so
 * it sees the answer rather than a reset connection; if it is still sending LINGER_MS later,
 * the connection is closed.
 */
function refuseBody(req: express.Request, res: express.Response) {
  const message = `The request body is larger than ${bodyLimitBytes} bytes.`;
  if (req.path.startsWith("/api/")) {
    res.status(413).json({ error: { code: "payload_too_large", message } });
  } else {
    res.status(413).type("text/plain").send(message);
  }
  req.resume();
  const hangUp = setTimeout(() => req.socket.destroy(), LINGER_MS);
  hangUp.unref();
  const done = () => clearTimeout(hangUp);
  req.once("end", done);
  req.once("close", done);
}

/**
 * The Fetch Request Remix handles, built as @remix-run/express builds it, except that the body
 * is the one read within the limit above rather than the raw request stream (which is why this
 * server does not use that adapter).
 */
function remixRequest(req: express.Request, res: express.Response): Request {
  const trusted = (req.app.get("trust proxy fn") as (address: string, hop: number) => boolean)(
    req.socket.remoteAddress ?? "",
    0,
  );
  const forwardedHost = trusted ? req.get("x-forwarded-host")?.split(",")[0].trim() : undefined;
  const url = new URL(`${req.protocol}://${forwardedHost || req.get("host") || `${host}:${port}`}${req.originalUrl}`);
  const controller = new AbortController();
  // Stop loaders and actions when the answer can no longer be written (closed before finished).
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  const headers = new Headers();
  for (const [name, values] of Object.entries(req.headers)) {
    for (const value of values === undefined ? [] : Array.isArray(values) ? values : [values]) {
      headers.append(name, value);
    }
  }
  const body = bodies.get(req) ?? Buffer.alloc(0);
  const withBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(url.href, {
    method: req.method,
    headers,
    signal: controller.signal,
    body: withBody ? new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength) : undefined,
  });
}

/** Writes Remix's Response to Express's, as @remix-run/express does. */
async function sendResponse(res: express.Response, response: Response) {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [name, value] of response.headers.entries()) res.append(name, value);
  if (/text\/event-stream/i.test(response.headers.get("Content-Type") ?? "")) res.flushHeaders();
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}

async function main() {
  const startedAt = performance.now();
  const trustProxy = trustProxySetting(process.env.TRUST_PROXY); // refuses a bad value before anything starts
  bodyLimitBytes = readBodyLimit(); // TRIAD_BODY_LIMIT, likewise
  const notifyEvery = notifyIntervalMs(); // TRIAD_NOTIFY_INTERVAL, likewise
  const mailSettings = readMailSettings(); // TRIAD_SMTP_URL, TRIAD_MAIL_FROM, TRIAD_MAIL_INTERVAL, likewise
  if (mailSettings.state === "invalid") throw new Error(mailSettings.problem);
  const backupSettings = readBackupSettings(); // TRIAD_BACKUP_DIR, TRIAD_BACKUP_EVERY, TRIAD_BACKUP_KEEP, likewise
  if (backupSettings.state === "invalid") throw new Error(backupSettings.problem);
  const shutdownSeconds = shutdownTimeoutSeconds(); // TRIAD_SHUTDOWN_TIMEOUT, likewise
  const timeZone = orgTimeZone(); // TRIAD_TIME_ZONE (the organisation's "today"), likewise
  const compress = compressionSetting(); // TRIAD_COMPRESSION, likewise
  const workers = dev ? 1 : workerCount(); // TRIAD_WORKERS, likewise
  if (cluster.isPrimary && workers > 1) {
    // Migrations, background jobs and supervision; the workers run this file again and serve.
    runPrimary({
      workers,
      host,
      port,
      shutdownSeconds,
      timeZone,
      notifyEvery,
      backupSettings,
      mailSettings,
      startedAt,
    });
    return;
  }
  const worker = cluster.isWorker;
  if (worker) {
    // The primary decides when to stop: a signal that reaches a worker (a process group
    // signalled at once) is passed on to it.
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.on(signal, () => {
        if (process.connected) process.send!({ type: TO_PRIMARY.signal, signal });
      });
    }
    process.on("message", (message: { type?: string; status?: BackupStatus }) => {
      if (message?.type === TO_WORKER.backupStatus && message.status) adoptBackupStatus(message.status);
    });
    prepareWorkerMetrics();
  }
  getDb(); // open (and, in a single process, migrate) before the first request
  // The background jobs run in exactly one process: this one, or the primary under TRIAD_WORKERS.
  const jobs: Jobs | null = worker ? null : startJobs({ notifyEvery, backupSettings, mailSettings });
  const app = express();
  app.disable("x-powered-by");
  // A hop count or a list of proxy addresses, never `true`: see trustProxySetting.
  app.set("trust proxy", trustProxy);
  // Shutting down: every answer closes its connection, so none is left idle to wait for.
  app.use((_req, res, next) => {
    if (readiness === "shutting_down") res.setHeader("Connection", "close");
    next();
  });
  // Readiness for a load balancer or an orchestrator, answered here before anything else (no
  // log line, no database read): 503 while migrating or shutting down. /healthz stays the
  // liveness check (docs/operations.md, "Shutdown and readiness").
  app.get("/readyz", (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.status(readiness === "ready" ? 200 : 503).json({ status: readiness });
  });
  // Request counts and durations by route pattern, for /metrics (README.md, "Metrics").
  app.use(recordRequestMetrics);

  app.use((req, res, next) => {
    const start = performance.now();
    res.on("finish", () => {
      if (!logRequests) return;
      process.stdout.write(
        `${JSON.stringify({
          time: new Date().toISOString(),
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Math.round((performance.now() - start) * 10) / 10,
        })}\n`,
      );
    });
    const nonce = randomBytes(16).toString("base64");
    res.locals.nonce = nonce;
    if (!dev) res.setHeader("Content-Security-Policy", contentSecurityPolicy(nonce));
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    // req.secure believes X-Forwarded-Proto only from a trusted proxy; plain http never gets HSTS.
    if (req.secure) res.setHeader("Strict-Transport-Security", HSTS);
    next();
  });

  app.use((req, res, next) => {
    const url = `${req.protocol}://${req.get("host") ?? `${host}:${port}`}${req.originalUrl}`;
    const allowed = isAllowedOrigin({
      method: req.method,
      url,
      origin: req.get("origin") ?? null,
      referer: req.get("referer") ?? null,
      authorization: req.get("authorization") ?? null,
      cookie: req.get("cookie") ?? null,
      trustedOrigins,
    });
    if (!allowed) {
      const message = "This request came from another site, so Triad refused it.";
      if (req.path.startsWith("/api/")) {
        res.status(403).json({ error: { code: "forbidden", message } });
      } else {
        res.status(403).type("text/plain").send(message);
      }
      return;
    }
    next();
  });

  // The body limit, counted on the bytes as they arrive (a chunked request declares no
  // Content-Length): the whole body is read here, up to TRIAD_BODY_LIMIT, before any route runs,
  // so a form, a multipart upload, a JSON API call or anything else over it gets 413 and no
  // route (and no database write) ever sees it. Only GET and HEAD go without: Remix reads no
  // body for them.
  app.use((req, res, next) => {
    if (req.method === "GET" || req.method === "HEAD") return next();
    if (Number(req.get("content-length") ?? 0) > bodyLimitBytes) return refuseBody(req, res);
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", stop);
    };
    function onData(chunk: Buffer) {
      size += chunk.length;
      if (size > bodyLimitBytes) {
        stop();
        chunks.length = 0;
        refuseBody(req, res);
        return;
      }
      chunks.push(chunk);
    }
    function onEnd() {
      stop();
      bodies.set(req, Buffer.concat(chunks, size));
      next();
    }
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", stop); // the client went away: there is no one to answer
  });

  // Prometheus text format; bearer TRIAD_METRICS_TOKEN or loopback only (app/utils/metrics.server.ts).
  app.get("/metrics", metricsHandler);

  // TRIAD_COMPRESSION (app/utils/serving.server.ts): off leaves compressing to the proxy in front.
  const compressAnswers = responseCompression(compress);
  if (compressAnswers) app.use(compressAnswers);

  let build: ServerBuild | (() => Promise<ServerBuild>);
  if (dev) {
    const vite = await import("vite");
    const viteServer = await vite.createServer({ server: { middlewareMode: true } });
    app.use(viteServer.middlewares);
    build = () => viteServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
    // Route patterns for /metrics once Vite has compiled the app (until then: "other").
    void build().then(
      (b) => setRoutePatterns(b.routes),
      () => {},
    );
  } else {
    const buildDir = path.resolve(process.cwd(), "build");
    // /assets/* and the top-level public files by exact path: pages never reach express.static.
    app.use(staticFiles(path.join(buildDir, "client")));
    build = (await import(pathToFileURL(path.join(buildDir, "server/index.js")).href)) as ServerBuild;
    setRoutePatterns(build.routes);
  }

  const handleRemix = createRequestHandler(build, dev ? "development" : "production");
  app.all("*", async (req, res, next) => {
    try {
      const context: AppLoadContext = {
        clientAddress: req.ip ?? req.socket.remoteAddress ?? "unknown",
        nonce: res.locals.nonce as string,
      };
      await sendResponse(res, await handleRemix(remixRequest(req, res), context));
    } catch (error) {
      next(error);
    }
  });

  const server = app.listen(port, host, () => {
    const ms = Math.round(performance.now() - startedAt);
    readiness = "ready";
    // Under TRIAD_WORKERS the primary says it once every worker listens.
    if (worker) process.send?.({ type: TO_PRIMARY.listening });
    else
      console.log(
        `Triad listening on http://${host}:${port} (database ${databasePath()}, time zone ${timeZone}, ready in ${ms} ms)`,
      );
  });

  /**
   * Graceful shutdown on SIGTERM/SIGINT (docs/operations.md, "Shutdown and readiness"): stop
   * accepting connections, answer /readyz 503, give in-flight requests up to
   * TRIAD_SHUTDOWN_TIMEOUT seconds (then close what is left), stop the workers between
   * deliveries (a delivery cut off stays pending and is sent again at the next start, same
   * X-Triad-Delivery id), checkpoint the WAL, close the database, exit 0. A second signal (a
   * second or more after the first) exits at once, code 1. One log line per step.
   *
   * A worker under TRIAD_WORKERS does the HTTP part of this when the primary tells it to, and
   * reports each step to the primary instead of logging it; it closes its connection to the
   * database without a checkpoint and exits 0. The primary stops the jobs, checkpoints and logs
   * (scripts/server-primary.ts).
   */
  const log = (message: string) => console.log(`Shutdown: ${message}`);
  let firstSignalAt = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    if (readiness === "shutting_down") {
      // A terminal's Ctrl-C or a service manager signals the whole process group, and
      // scripts/start.mjs passes the same signal on: a repeat within a second is that one.
      if (Date.now() - firstSignalAt < 1000) return;
      log(`${signal} again: exiting now without waiting (the database recovers its log at the next start)`);
      try {
        closeDb();
      } finally {
        process.exit(1);
      }
    }
    readiness = "shutting_down";
    firstSignalAt = Date.now();
    if (!worker)
      log(
        `${signal} received: /readyz answers 503, no new connections; waiting up to ${shutdownSeconds} s for requests in flight`,
      );
    const requestsDone = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive connections that go idle from now on are closed too (close() did those idle now).
    server.closeIdleConnections();
    const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
    idleSweep.unref();
    // The primary hears this after node:cluster's own "closed" (same channel, in order), so by
    // then the port refuses new connections if this was the last worker listening.
    if (worker) process.send?.({ type: TO_PRIMARY.closed });
    let workersStopped = false;
    const workersDone = (jobs?.stop() ?? Promise.resolve()).then(() => {
      workersStopped = true;
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), shutdownSeconds * 1000);
    });
    void (async () => {
      const requests = await Promise.race([requestsDone.then(() => "done" as const), timedOut]);
      if (worker) {
        if (requests !== "done") server.closeAllConnections();
        clearTimeout(timer);
        clearInterval(idleSweep);
        closeDb();
        process.send!({ type: TO_PRIMARY.requests, done: requests === "done" }, () => process.exit(0));
        return;
      }
      if (requests === "done") log("all requests answered, server closed");
      else {
        log(`requests still open after ${shutdownSeconds} s: closing their connections`);
        server.closeAllConnections();
      }
      await Promise.race([workersDone, timedOut]);
      clearTimeout(timer);
      clearInterval(idleSweep);
      if (workersStopped) log("background workers stopped");
      else log("a delivery still in flight: it stays pending and is sent again at the next start");
      if (!checkpointAtShutdown(log)) process.exit(1);
      log("done, exiting 0");
      process.exit(0);
    })();
  };
  if (worker) {
    process.on("message", (message: { type?: string; signal?: NodeJS.Signals }) => {
      if (message?.type === TO_WORKER.shutdown) shutdown(message.signal ?? "SIGTERM");
    });
  } else {
    process.on("SIGTERM", () => shutdown("SIGTERM"));
    process.on("SIGINT", () => shutdown("SIGINT"));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
