/**
 * Prometheus metrics for `GET /metrics` (README.md, "Metrics"; docs/operations.md).
 *
 * - Request count and duration by route PATTERN (`/projects/:slug/gate`, never the raw URL),
 *   method and status class, so the number of series stays bounded whatever clients request.
 *   Patterns come from the Remix route manifest; a path only the catch-all splat routes match
 *   (a 404, a probe) is counted as `other`.
 * - Gauges computed when scraped (cheap indexed queries, fs.stat): outbox depths and the age
 *   of their oldest pending entry, the newest verified backup's age, the database and WAL file sizes.
 * - prom-client's default process metrics (event-loop lag, heap, CPU, file descriptors).
 *
 * Access: with TRIAD_METRICS_TOKEN set, `Authorization: Bearer <token>` (compared in constant
 * time) or 401; unset, loopback clients only (the socket's address, never X-Forwarded-For) or 403,
 * and 403 too to a request that came through a proxy (see wasForwarded).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import type { NextFunction, Request, Response } from "express";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
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
  // Only the catch-all splat routes ($.tsx, api.v1.$.ts) match an unknown path.
  if (!pattern || pattern.segments.includes(SPLAT)) return "other";
  return pattern.label;
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
    help: "Entries waiting to be sent, by outbox (webhooks: webhook_deliveries, mail: mail_outbox).",
    labelNames: ["outbox"] as const,
    registers: [registry],
    collect() {
      for (const [outbox, table] of Object.entries(OUTBOXES)) this.set({ outbox }, outboxState(table).pending);
    },
  });
  new Gauge({
    name: "triad_outbox_oldest_pending_age_seconds",
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
    help: "Seconds since the newest verified backup in TRIAD_BACKUP_DIR; NaN when backups are off or none exists yet.",
    registers: [registry],
    collect() {
      // The same reading /healthz reports (app/jobs/backups.server.ts, docs/operations.md).
      this.set(lastBackupAgeSeconds() ?? Number.NaN);
    },
  });
  new Gauge({
    name: "triad_db_size_bytes",
    help: "Size of the SQLite database file (DATABASE_URL).",
    registers: [registry],
    collect() {
      this.set(fileSize(databasePath()));
    },
  });
  new Gauge({
    name: "triad_db_wal_size_bytes",
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
    const body = await registry.metrics();
    res.status(200).setHeader("Content-Type", registry.contentType);
    res.send(body);
  } catch (error) {
    next(error);
  }
}
