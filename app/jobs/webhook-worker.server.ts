/**
 * The webhook worker: runs inside the server process on a timer, never in a request. Each
 * tick sends a few due deliveries from the outbox (webhook_deliveries), signed with
 * HMAC-SHA256 of the hook's secret over the exact body (Slack-compatible hooks get their
 * `{"text": ...}` body unsigned), and records the outcome: delivered on
 * a 2xx answer, else retried with backoff (10 s, 30 s, 2 min, 10 min, 1 h) and given up after
 * six attempts. Every minute it also announces newly overdue debt items (debt.overdue, once
 * per item, remembered in the notices table). An admin's test event (`webhook.test`) and a
 * delivery sent again are outbox rows like any other: same signature (with the hook's secret at
 * the time of the attempt, so a rotated secret applies to pending rows too), checks and retries.
 *
 * Requests go through safePost (app/lib/safe-fetch.server.ts): only to public addresses (unless
 * TRIAD_WEBHOOK_ALLOW_PRIVATE=1), checked after DNS resolution and pinned for the connection,
 * without following redirects. Only the status code and a generic failure class are recorded,
 * never the receiver's reply (docs/decisions/002-json-api-tokens-webhooks.md).
 *
 * The clock, the backoff and the DNS resolver are injectable, so tests run a retry without
 * waiting.
 */
import { createHmac } from "node:crypto";
import { orgToday } from "~/lib/org-time-zone.server";
import { overdueSql } from "~/models/debt.server";
import {
  announceOverdueDebt,
  dueDeliveries,
  recordDeliveryAttempt,
  type DeliveryFailure,
  type DueDelivery,
} from "~/models/webhooks.server";
import { allowPrivateAddresses, safePost, type SafePostOptions } from "~/lib/safe-fetch.server";

export const DEFAULT_BACKOFF_MS = [10_000, 30_000, 120_000, 600_000, 3_600_000] as const;
export const DEFAULT_MAX_ATTEMPTS = 6;

export type WebhookWorkerOptions = {
  now?: () => number;
  /** Milliseconds to wait after the `attempt`-th failure (1-based). */
  backoff?: (attempt: number) => number;
  maxAttempts?: number;
  intervalMs?: number;
  batchSize?: number;
  timeoutMs?: number;
  overdueScanMs?: number;
  /** TRIAD_WEBHOOK_ALLOW_PRIVATE=1 by default (read at each pass). */
  allowPrivate?: boolean;
  /** DNS resolution (tests). */
  resolve?: SafePostOptions["resolve"];
  /** Where a failing tick is reported (never thrown into the timer). */
  onError?: (error: unknown) => void;
  /**
   * True once the worker is stopping (server shutdown): no further delivery is started. One
   * already sent is recorded; one cut off by the exit stays pending and is sent again at the
   * next start, with the same X-Triad-Delivery id (docs/operations.md).
   */
  shouldStop?: () => boolean;
};

export const defaultBackoff = (attempt: number) => DEFAULT_BACKOFF_MS[Math.min(attempt, DEFAULT_BACKOFF_MS.length) - 1];

/** The value of the X-Triad-Signature header for `body`. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

type AttemptSettings = Required<Pick<WebhookWorkerOptions, "timeoutMs" | "allowPrivate">> &
  Pick<WebhookWorkerOptions, "resolve">;

async function attempt(
  delivery: DueDelivery,
  settings: AttemptSettings,
): Promise<{ statusCode: number | null; error: DeliveryFailure | null }> {
  const result = await safePost(delivery.url, {
    timeoutMs: settings.timeoutMs,
    allowPrivate: settings.allowPrivate,
    resolve: settings.resolve,
    headers: {
      "Content-Type": "application/json",
      "User-Agent": "Triad-Webhooks/1",
      "X-Triad-Event": delivery.event,
      "X-Triad-Delivery": String(delivery.id),
      // A Slack-compatible hook gets `{"text": ...}` unsigned: its receiver checks no signature.
      ...(delivery.format === "slack" ? {} : { "X-Triad-Signature": signBody(delivery.secret, delivery.payload) }),
    },
    body: delivery.payload,
  });
  if (result.failure !== null) return { statusCode: null, error: result.failure };
  const ok = result.statusCode >= 200 && result.statusCode < 300;
  // A redirect (3xx) is not followed: it counts as a failed attempt like any other answer.
  return { statusCode: result.statusCode, error: ok ? null : `http ${result.statusCode}` };
}

/** One pass: sends up to `batchSize` due deliveries in parallel and records each outcome. */
export async function runWebhookDeliveries(options: WebhookWorkerOptions = {}) {
  const now = options.now ?? Date.now;
  const backoff = options.backoff ?? defaultBackoff;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const settings: AttemptSettings = {
    timeoutMs: options.timeoutMs ?? 5000,
    allowPrivate: options.allowPrivate ?? allowPrivateAddresses(),
    resolve: options.resolve,
  };
  const stopping = options.shouldStop ?? (() => false);
  const due = stopping() ? [] : dueDeliveries(now(), options.batchSize ?? 5);
  const outcomes = await Promise.all(
    due.map(async (delivery) => {
      if (stopping()) return "skipped" as const;
      const result = await attempt(delivery, settings);
      const delivered = result.error === null;
      const attempts = delivery.attempts + 1;
      const at = now();
      recordDeliveryAttempt({
        id: delivery.id,
        delivered,
        statusCode: result.statusCode,
        error: result.error,
        retryAt: delivered || attempts >= maxAttempts ? null : at + backoff(attempts),
        now: at,
      });
      return delivered ? "delivered" : attempts >= maxAttempts ? "failed" : "retrying";
    }),
  );
  return {
    sent: outcomes.filter((o) => o !== "skipped").length,
    delivered: outcomes.filter((o) => o === "delivered").length,
    retrying: outcomes.filter((o) => o === "retrying").length,
    failed: outcomes.filter((o) => o === "failed").length,
  };
}

/** Announces debt items that became overdue since the last scan (debt.overdue). */
export function scanOverdueDebt(now = Date.now()): number {
  return announceOverdueDebt({ overdue: overdueSql(orgToday(now)), now });
}

export type WebhookWorker = {
  /** One tick by hand (tests): the overdue scan when due, then one batch of deliveries. */
  runOnce: () => Promise<void>;
  /** Stops the timer, starts no further delivery and waits for those in flight. */
  stop: () => Promise<void>;
};

export function startWebhookWorker(options: WebhookWorkerOptions = {}): WebhookWorker {
  const now = options.now ?? Date.now;
  const overdueScanMs = options.overdueScanMs ?? 60_000;
  const onError = options.onError ?? ((error) => console.error("Webhook worker:", error));
  let lastScan = Number.NEGATIVE_INFINITY;
  let running: Promise<void> | null = null;
  let stopped = false;

  const tick = async () => {
    if (stopped) return;
    if (now() - lastScan >= overdueScanMs) {
      lastScan = now();
      scanOverdueDebt(now());
    }
    await runWebhookDeliveries({ ...options, shouldStop: () => stopped || (options.shouldStop?.() ?? false) });
  };

  const runOnce = () => {
    // Never two ticks at once: a slow receiver delays the next batch, nothing else.
    running ??= tick()
      .catch(onError)
      .finally(() => {
        running = null;
      });
    return running;
  };

  const timer = setInterval(() => {
    if (!stopped && !running) void runOnce();
  }, options.intervalMs ?? 1000);
  timer.unref();

  return {
    runOnce,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
