/**
 * Prometheus metrics for `GET /metrics` (README.md, "Metrics"; docs/operations.md).
 *
 * - Request count and duration by route PATTERN (`/projects/:slug/gate`, never the raw URL),
 *   method and status class, so the number of series stays bounded whatever clients request.
 *   Patterns come from the Remix route manifest, and for the JSON API (one resource route) from
 *   its route table (setApiRoutePatterns); a path no pattern matches but a catch-all splat
 *   (a 404, a probe) is counted as `other`.
 * - Gauges computed when scraped (cheap indexed queries, fs.stat): outbox depths and the age
 *   of their oldest pending entry, the newest verified backup's age, the database and WAL file sizes.
 * - prom-client's default process metrics (event-loop lag, heap, CPU, file descriptors).
 *
 * Under TRIAD_WORKERS each worker counts the requests it answers; the worker that is scraped
 * asks the primary process, which gathers every worker's registry and adds them up
 * (prom-client's AggregatorRegistry): counts and durations are summed, the database gauges are
 * read once ("first"), process metrics are summed or averaged as prom-client defines them.
 *
 * Access: with TRIAD_METRICS_TOKEN set, `Authorization: Bearer <token>` (compared in constant
 * time) or 401; unset, loopback clients only (the socket's address, never X-Forwarded-For) or 403,
 * and 403 too to a request that came through a proxy (see wasForwarded).
 */
import cluster, { type Worker } from "node:cluster";
import { createHash, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import type { NextFunction, Request, Response } from "express";
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { databasePath, getDb } from "../../db/client.server";
import { lastBackupAgeSeconds } from "../jobs/backups.server";

// ---------- route patterns ----------

type ManifestRoute = { id: string; parentId?: string; path?: string; index?: boolean };
type Pattern = { label: string; segments: string[]; score: number };

const SPLAT = "*";
let patterns: Pattern[] = [];

/** Scores as React Router ranks routes: static segments beat dynamic ones beat a splat. */
function scorePattern(segments: string[]): number {
  let score = segments.length;
  for (const segment of segments) {
    if (segment === SPLAT) score -= 2;
    else if (segment.startsWith(":")) score += 3;
    else score += 10;
  }
  return score;
}

/**
 * Takes the route patterns from the Remix build's manifest (`build.routes`): each route's full
 * path, its parents' paths joined. Called once the build is loaded; until then every request is
 * `other`.
 */
export function setRoutePatterns(routes: Record<string, ManifestRoute | undefined>): void {
  const fullPath = (route: ManifestRoute): string[] => {
    const parent = route.parentId ? routes[route.parentId] : undefined;
    const own = (route.path ?? "").split("/").filter(Boolean);
    return parent ? [...fullPath(parent), ...own] : own;
  };
  const byLabel = new Map<string, Pattern>();
  for (const route of Object.values(routes)) {
    if (!route) continue;
    const segments = fullPath(route);
    const label = `/${segments.join("/")}`;
    byLabel.set(label, { label, segments, score: scorePattern(segments) });
  }
  patterns = [...byLabel.values()].sort((a, b) => b.score - a.score);
}

/**
 * The JSON API's paths ("/api/v1/projects/:slug"): the API is one splat resource route
 * dispatching through its route table (app/api/dispatch.server.ts), which registers them when
 * the build loads. Kept on globalThis: the server imports this module from source while the
 * build bundles its own copy.
 */
const globalForPatterns = globalThis as unknown as { __triadApiPatterns?: Pattern[] };

export function setApiRoutePatterns(paths: string[]): void {
  globalForPatterns.__triadApiPatterns = paths
    .map((label) => {
      const segments = label.split("/").filter(Boolean);
      return { label, segments, score: scorePattern(segments) };
    })
    .sort((a, b) => b.score - a.score);
}

function matches(pattern: Pattern, parts: string[]): boolean {
  const { segments } = pattern;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (segment === SPLAT) return true;
    if (i >= parts.length) return false;
    if (segment.startsWith(":")) continue;
    if (segment.toLowerCase() !== parts[i].toLowerCase()) return false;
  }
  return segments.length === parts.length;
}

/** The bounded label for a request path: its route pattern, `/assets/*`, `/metrics` or `other`. */
export function routeLabel(requestPath: string): string {
  if (requestPath === "/metrics") return "/metrics";
  if (requestPath.startsWith("/assets/")) return "/assets/*";
  const parts = requestPath.split("/").filter(Boolean);
  const pattern = patterns.find((p) => matches(p, parts));
  if (pattern && !pattern.segments.includes(SPLAT)) return pattern.label;
  // The API's operations; only the catch-all splat routes ($.tsx, api.v1.$.ts) match an unknown path.
  const api = requestPath.startsWith("/api/")
    ? globalForPatterns.__triadApiPatterns?.find((p) => matches(p, parts))
    : undefined;
  return api?.label ?? "other";
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

export function statusClass(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : "other";
}

// ---------- the registry ----------

type Metrics = { registry: Registry; requests: Counter; duration: Histogram };
const globalForMetrics = globalThis as unknown as { __triadMetrics?: Metrics };

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0; // no WAL file (yet, or after a clean close) is a WAL of 0 bytes
  }
}

const OUTBOXES = { webhooks: "webhook_deliveries", mail: "mail_outbox" } as const;

function outboxState(table: string): { pending: number; oldest: number | null } {
  // Both tables have an index on (status, next_attempt_at), so this reads pending rows only.
  const row = getDb()
    .$client.prepare(`SELECT count(*) AS pending, min(created_at) AS oldest FROM ${table} WHERE status = 'pending'`)
    .get() as { pending: number; oldest: number | null };
  return row;
}

function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: "triad_http_requests_total",
    help: "HTTP requests answered, by route pattern, method and status class.",
    labelNames: ["route", "method", "status_class"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "triad_http_request_duration_seconds",
    help: "Time from receiving a request to finishing its answer, by route pattern.",
    labelNames: ["route", "method", "status_class"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  new Gauge({
    name: "triad_outbox_pending",
    aggregator: "first", // the same reading in every worker
    help: "Entries waiting to be sent, by outbox (webhooks: webhook_deliveries, mail: mail_outbox).",
    labelNames: ["outbox"] as const,
    registers: [registry],
    collect() {
      for (const [outbox, table] of Object.entries(OUTBOXES)) this.set({ outbox }, outboxState(table).pending);
    },
  });
  new Gauge({
    name: "triad_outbox_oldest_pending_age_seconds",
    aggregator: "first", // the same reading in every worker
    help: "Age of the oldest pending entry, by outbox; 0 when nothing is pending.",
    labelNames: ["outbox"] as const,
    registers: [registry],
    collect() {
      const now = Date.now();
      for (const [outbox, table] of Object.entries(OUTBOXES)) {
        const { oldest } = outboxState(table);
        this.set({ outbox }, oldest === null ? 0 : Math.max(0, (now - oldest) / 1000));
      }
    },
  });
  new Gauge({
    name: "triad_backup_last_age_seconds",
    aggregator: "first", // the same reading in every worker
    help: "Seconds since the newest verified backup in TRIAD_BACKUP_DIR; NaN when backups are off or none exists yet.",
    registers: [registry],
    collect() {
      // The same reading /healthz reports (app/jobs/backups.server.ts, docs/operations.md).
      this.set(lastBackupAgeSeconds() ?? Number.NaN);
    },
  });
  new Gauge({
    name: "triad_db_size_bytes",
    aggregator: "first", // the same reading in every worker
    help: "Size of the SQLite database file (DATABASE_URL).",
    registers: [registry],
    collect() {
      this.set(fileSize(databasePath()));
    },
  });
  new Gauge({
    name: "triad_db_wal_size_bytes",
    aggregator: "first", // the same reading in every worker
    help: "Size of the SQLite write-ahead log (DATABASE_URL-wal); 0 when there is none.",
    registers: [registry],
    collect() {
      this.set(fileSize(`${databasePath()}-wal`));
    },
  });

  return { registry, requests, duration };
}

function metrics(): Metrics {
  globalForMetrics.__triadMetrics ??= createMetrics();
  return globalForMetrics.__triadMetrics;
}

// ---------- across workers ----------

/** A worker scraped asks the primary (SCRAPE); the primary asks every worker (COLLECT) and adds up. */
const SCRAPE = "triad:metrics-scrape";
const SCRAPED = "triad:metrics-scraped";
const COLLECT = "triad:metrics-collect";
const COLLECTED = "triad:metrics-collected";
type Answer = { type: string; id: number; text?: string; metrics?: unknown[]; error?: string };

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

type MetricJson = { values?: Array<{ value: unknown }> };
/**
 * IPC carries JSON, where NaN and Infinity become null (NaN is what the backup gauge reads
 * without backups): a worker sends them as text and the primary reads them back.
 */
function nonFiniteAsText(list: MetricJson[]): MetricJson[] {
  return list.map((metric) => ({
    ...metric,
    values: metric.values?.map((v) =>
      typeof v.value === "number" && !Number.isFinite(v.value) ? { ...v, value: String(v.value) } : v,
    ),
  }));
}
function nonFiniteFromText(list: MetricJson[]): MetricJson[] {
  return list.map((metric) => ({
    ...metric,
    values: metric.values?.map((v) => (typeof v.value === "string" ? { ...v, value: Number(v.value) } : v)),
  }));
}

/** Answers over IPC, by request id; each waits at most `ms`. */
function requests<T>(ms: number) {
  let next = 0;
  const waiting = new Map<number, { settle: (value: T | Error) => void }>();
  return {
    ask(send: (id: number) => void): Promise<T> {
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => settle(new Error(`no answer within ${ms / 1000} s`)), ms);
        const settle = (value: T | Error) => {
          clearTimeout(timer);
          waiting.delete(id);
          if (value instanceof Error) reject(value);
          else resolve(value);
        };
        waiting.set(id, { settle });
        send(id);
      });
    },
    answer(id: number, value: T | Error) {
      waiting.get(id)?.settle(value);
    },
  };
}

/**
 * In a worker, at start: makes the registry and answers the primary's requests for it, and
 * receives the sums the primary sends back when this worker is scraped.
 */
export function prepareWorkerMetrics(): void {
  const { registry } = metrics();
  process.on("message", (message: Answer) => {
    if (message?.type === COLLECT) {
      registry.getMetricsAsJSON().then(
        (list) => process.send?.({ type: COLLECTED, id: message.id, metrics: nonFiniteAsText(list) }),
        (error: unknown) => process.send?.({ type: COLLECTED, id: message.id, error: errorText(error) }),
      );
    } else if (message?.type === SCRAPED) {
      scrapes.answer(message.id, message.text ?? new Error(message.error ?? "no metrics"));
    }
  });
}

const scrapes = requests<string>(10_000);

/** In a worker: every worker's metrics, added up by the primary. */
function clusterMetrics(): Promise<string> {
  return scrapes.ask((id) => process.send!({ type: SCRAPE, id }));
}

/**
 * In the primary, before the workers start: answers a worker's scrape with the sum over
 * `workers()` (those listening; one that is starting or gone is left out).
 */
export function serveClusterMetrics(workers: () => Worker[]): void {
  const collects = requests<unknown[]>(5_000);
  cluster.on("message", (worker: Worker, message: Answer) => {
    if (message?.type === COLLECTED) {
      collects.answer(message.id, message.metrics ?? new Error(message.error ?? "no metrics"));
      return;
    }
    if (message?.type !== SCRAPE) return;
    const reply = (answer: { text?: string; error?: string }) => {
      if (worker.isConnected()) worker.send({ type: SCRAPED, id: message.id, ...answer });
    };
    Promise.all(
      workers()
        .filter((w) => w.isConnected())
        .map((w) => collects.ask((id) => w.send({ type: COLLECT, id }))),
    )
      .then((all) =>
        AggregatorRegistry.aggregate(
          all.map((list) => nonFiniteFromText(list as MetricJson[])) as Parameters<
            typeof AggregatorRegistry.aggregate
          >[0],
        ).metrics(),
      )
      .then(
        (text) => reply({ text }),
        (error: unknown) => reply({ error: errorText(error) }),
      );
  });
}

// ---------- Express ----------

/** Counts and times every request, labelled when its answer is finished. */
export function recordRequestMetrics(req: Request, res: Response, next: NextFunction): void {
  const start = process.hrtime.bigint();
  res.on("finish", () => {
    const labels = {
      route: routeLabel(req.path),
      method: METHODS.has(req.method) ? req.method : "other",
      status_class: statusClass(res.statusCode),
    };
    const { requests, duration } = metrics();
    requests.inc(labels);
    duration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
  });
  next();
}

function sameSecret(given: string, expected: string): boolean {
  // Hashing first makes both sides the same length, so timingSafeEqual never leaks the length.
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
  return address === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/**
 * A request a proxy passed on. A reverse proxy on the same machine connects from loopback, so
 * without a token such a request is refused rather than letting the proxy's clients in. The
 * headers can only refuse, never admit: admission is the socket's address alone.
 */
function wasForwarded(req: Request): boolean {
  return ["forwarded", "x-forwarded-for", "x-real-ip"].some((name) => req.headers[name] !== undefined);
}

/** `GET /metrics`: the guard described at the top of this file, then the text format. */
export async function metricsHandler(req: Request, res: Response, next: NextFunction): Promise<void> {
  try {
    res.setHeader("Cache-Control", "no-store");
    const token = process.env.TRIAD_METRICS_TOKEN?.trim();
    if (token) {
      const match = /^Bearer\s+(.+)$/i.exec(req.get("authorization") ?? "");
      if (!match || !sameSecret(match[1].trim(), token)) {
        res.setHeader("WWW-Authenticate", 'Bearer realm="metrics"');
        res.status(401).type("text/plain").send("Send Authorization: Bearer <TRIAD_METRICS_TOKEN>.\n");
        return;
      }
    } else if (!isLoopback(req.socket.remoteAddress) || wasForwarded(req)) {
      res
        .status(403)
        .type("text/plain")
        .send("Without TRIAD_METRICS_TOKEN, metrics answer only direct requests from loopback.\n");
      return;
    }
    const { registry } = metrics();
    const body = cluster.isWorker && process.connected ? await clusterMetrics() : await registry.metrics();
    res.status(200).setHeader("Content-Type", registry.contentType);
    res.send(body);
  } catch (error) {
    next(error);
  }
}
