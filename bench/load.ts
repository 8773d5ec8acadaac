/**
 * The benchmark's load generator: one measurement, in a process of its own (bench/run.ts starts
 * one per measurement, so the process that samples the servers' memory and CPU never competes
 * with autocannon's event loop, and autocannon's own CPU time is measured apart).
 *
 * Input: one JSON `LoadSpec` as the only argument. It waits until the server is idle, warms
 * up, waits again, prints `{"event":"measuring"}` on a line of its own, runs autocannon and
 * prints `{"event":"done","result":LoadResult}`.
 */
import { createRequire } from "node:module";

// ---------------------------------------------------------------- autocannon (no bundled types)

type Histogram = { average: number; mean: number; p50: number; p90: number; p99: number; max: number };
type AutocannonResult = {
  requests: Histogram & { total: number };
  latency: Histogram;
  throughput: Histogram & { total: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
  duration: number;
};
type RawRequest = { method?: string; path?: string; headers?: Record<string, string>; body?: string };
type AutocannonOptions = {
  url: string;
  connections: number;
  duration?: number;
  amount?: number;
  headers?: Record<string, string>;
  requests?: Array<
    RawRequest & {
      setupRequest?: (request: RawRequest, context: Record<string, unknown>) => RawRequest;
      onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
    }
  >;
};
const autocannon = createRequire(import.meta.url)("autocannon") as (
  options: AutocannonOptions,
) => Promise<AutocannonResult>;

// ---------------------------------------------------------------- the contract with bench/run.ts

/** A person of the write mix: a member of an active project with an open review, signed in. */
export type Writer = {
  userId: number;
  email: string;
  discipline: string;
  slug: string;
  reviewId: number;
  cookie?: string;
  items: { id: number; version: number; targetDate: string | null; repayBeforeStage: string | null }[];
};

export type LoadSpec = {
  origin: string;
  connections: number;
  /** Seconds of the measured run. */
  duration: number;
  headers?: Record<string, string>;
  /** GET paths; with more than one, every connection cycles through them (a page mix). */
  paths?: string[];
  /** The write mix instead of GETs: one connection per writer. */
  writers?: Writer[];
  /** Requests of the (unrecorded) warm-up, per path; 0 for none. */
  warmup?: number;
  /** Polled until it answers quickly twice in a row, before the warm-up and before the run. */
  settlePath?: string;
};

export type LoadResult = {
  reqPerSec: number;
  p50: number;
  p99: number;
  /** Responses that counted as success (2xx; 2xx/3xx for the write mix: a form post redirects). */
  ok: number;
  /** Other answers, connection errors and timeouts. */
  errors: number;
  requests: number;
  /** CPU seconds this process (autocannon) used during the run, and the run's wall seconds. */
  cpuSeconds: number;
  wallSeconds: number;
  signOffs?: number;
  debtUpdates?: number;
};

// ---------------------------------------------------------------- one measurement

function okCount(result: AutocannonResult, okStatus: (status: number) => boolean): number {
  return Object.entries(result.statusCodeStats ?? {}).reduce(
    (n, [status, { count }]) => n + (okStatus(Number(status)) ? count : 0),
    0,
  );
}

function errorsOf(result: AutocannonResult, okStatus: (status: number) => boolean): number {
  let errors = result.errors + result.timeouts;
  for (const [status, { count }] of Object.entries(result.statusCodeStats ?? {})) {
    if (!okStatus(Number(status))) errors += count;
  }
  return errors;
}

/**
 * Waits until the server answers quickly twice in a row: requests a timed-out run left behind
 * (synchronous loaders cannot be cancelled) must not be billed to the next measurement.
 */
async function settle(url: string, limitMs = 180_000) {
  const started = performance.now();
  let quick = 0;
  while (quick < 2 && performance.now() - started < limitMs) {
    const t = performance.now();
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(limitMs) });
      await response.arrayBuffer();
    } catch {
      // keep waiting
    }
    quick = performance.now() - t < 25 ? quick + 1 : 0;
    if (quick < 2) await new Promise((r) => setTimeout(r, 20));
  }
}

/** Sign-offs and repayment-plan edits through the real forms, alternating per writer. */
function writeMix(spec: LoadSpec, counters: { signOffs: number; debtUpdates: number }) {
  const writers = spec.writers!;
  const inFlight = new Set<number>();
  let job = 0;
  let revision = 0;
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const setupRequest = (request: RawRequest, context: Record<string, unknown>): RawRequest => {
    // A request rebuilt before it was sent gives its debt item back.
    const previous = context.job as { kind: string; item?: { id: number } } | undefined;
    if (previous?.item) inFlight.delete(previous.item.id);
    const k = job++;
    const writer = writers[k % writers.length];
    const headers = {
      Cookie: writer.cookie!,
      Origin: spec.origin,
      "Content-Type": "application/x-www-form-urlencoded",
    };
    const item = Math.floor(k / writers.length) % 2 === 1 ? writer.items.find((i) => !inFlight.has(i.id)) : undefined;
    if (!item) {
      context.job = { kind: "sign" };
      const decision = k % 5 === 0 ? "changes_requested" : "approve";
      const body = form({
        intent: "sign",
        reviewId: String(writer.reviewId),
        decision,
        comment: decision === "approve" ? "" : "Please add the monitoring plan.",
        discipline: writer.discipline,
      });
      return { ...request, method: "POST", path: `/projects/${writer.slug}/gate`, headers, body };
    }
    inFlight.add(item.id);
    context.job = { kind: "debt", item };
    const body = form({
      intent: "plan",
      version: String(item.version),
      strategy: `Repay in small steps (revision ${++revision}).`,
      targetDate: item.targetDate ?? "",
      repayBeforeStage: item.repayBeforeStage ?? "",
    });
    return { ...request, method: "POST", path: `/projects/${writer.slug}/debt/${item.id}`, headers, body };
  };
  const onResponse = (status: number, _body: string, context: Record<string, unknown>) => {
    const done = context.job as { kind: "sign" } | { kind: "debt"; item: Writer["items"][number] };
    context.job = undefined;
    if (done.kind === "sign") {
      if (status >= 300 && status < 400) counters.signOffs += 1;
      return;
    }
    inFlight.delete(done.item.id);
    if (status >= 300 && status < 400) {
      done.item.version += 1;
      counters.debtUpdates += 1;
    }
  };
  return [{ setupRequest, onResponse }];
}

async function main() {
  const spec = JSON.parse(process.argv[2] ?? "") as LoadSpec;
  const settleUrl = `${spec.origin}${spec.settlePath ?? "/healthz"}`;
  const paths = spec.paths ?? [];
  const getRequests = paths.map((p) => ({ method: "GET", path: p }));
  await settle(settleUrl);
  if (!spec.writers && spec.warmup) {
    await autocannon({
      url: spec.origin,
      connections: 4,
      amount: spec.warmup * paths.length,
      headers: spec.headers,
      requests: getRequests,
    });
    await settle(settleUrl);
  }
  const counters = { signOffs: 0, debtUpdates: 0 };
  const okStatus = spec.writers ? (s: number) => s >= 200 && s < 400 : (s: number) => s >= 200 && s < 300;
  process.stdout.write(`${JSON.stringify({ event: "measuring" })}\n`);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await autocannon({
    url: spec.origin,
    connections: spec.writers ? spec.writers.length : spec.connections,
    duration: spec.duration,
    headers: spec.headers,
    requests: spec.writers ? writeMix(spec, counters) : getRequests,
  });
  const wallSeconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const out: LoadResult = {
    reqPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: okCount(result, okStatus),
    errors: errorsOf(result, okStatus),
    requests: result.requests.total,
    cpuSeconds: (used.user + used.system) / 1e6,
    wallSeconds,
    ...(spec.writers ? counters : {}),
  };
  process.stdout.write(`${JSON.stringify({ event: "done", result: out })}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
