/**
 * Webhooks in integration tests: a real receiver on a free loopback port that records what the
 * worker posts and answers with scripted statuses; the TRIAD_WEBHOOK_ALLOW_PRIVATE switch that
 * loopback receivers need; adding a hook the way an admin does (/admin/webhooks); and the
 * outbox rows (webhook_deliveries) read with raw SQL.
 */
import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import * as adminWebhooks from "~/routes/admin.webhooks";
import { sqlite } from "./database";
import { callAction } from "./requests";

/** What an internal service would never want to leave the network: no page may show it back. */
export const RECEIVER_REPLY = "internal-only: db_password=hunter2";

export type ReceivedRequest = { headers: http.IncomingHttpHeaders; body: string };

export type WebhookReceiver = {
  /** http://127.0.0.1:port/hook */
  url: string;
  /** Requests in the order they arrived (a hanging receiver records them too). */
  received: ReceivedRequest[];
  /** Stops listening and drops open connections (hanging ones included). */
  close: () => Promise<void>;
};

export type WebhookReceiverOptions = {
  /** Record each request and never answer it. */
  hang?: boolean;
  /** Extra response headers (a `Location` for a redirect). */
  headers?: Record<string, string>;
  /** The text/plain body for a status: by default RECEIVER_REPLY for 3xx and up, "ok" otherwise. */
  reply?: (status: number) => string;
};

/**
 * A receiver on a free loopback port answering with the next status of `script` (then the last
 * one). Close it in a `finally`.
 */
export async function startWebhookReceiver(
  script: number[],
  {
    hang = false,
    headers = {},
    reply = (status) => (status >= 300 ? RECEIVER_REPLY : "ok"),
  }: WebhookReceiverOptions = {},
): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      if (hang) return; // never answers
      const status = script[Math.min(received.length - 1, script.length - 1)];
      res.writeHead(status, { "Content-Type": "text/plain", ...headers }).end(reply(status));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { url, received, close };
}

/** Lets hooks point at private addresses such as the loopback receivers (TRIAD_WEBHOOK_ALLOW_PRIVATE=1). */
export function allowPrivateAddresses(): void {
  process.env.TRIAD_WEBHOOK_ALLOW_PRIVATE = "1";
}

/** Back to the default: no webhooks to private addresses. */
export function refusePrivateAddresses(): void {
  delete process.env.TRIAD_WEBHOOK_ALLOW_PRIVATE;
}

/** Deactivates every hook and fails every pending delivery, so earlier tests' hooks get nothing more. */
export function silenceEarlierWebhooks(): void {
  sqlite().prepare("update webhooks set active = 0").run();
  sqlite().prepare("update webhook_deliveries set status = 'failed' where status = 'pending'").run();
}

/**
 * Adds a hook on /admin/webhooks as the session in `cookie`, checks that it was saved (302) and
 * returns its id. Without `format`, the form sends none.
 */
export async function addWebhook(
  cookie: string,
  { url, secret, events, format }: { url: string; secret: string; events: string[]; format?: string },
): Promise<number> {
  const answer = await callAction(adminWebhooks.action, "/admin/webhooks", {
    cookie,
    form: { intent: "add", url, secret, ...(format === undefined ? {} : { format }), "events[]": events },
  });
  expect(answer.status).toBe(302);
  return (sqlite().prepare("select max(id) as id from webhooks").get() as { id: number }).id;
}

export type DeliveryRow = {
  id: number;
  webhook_id: number;
  event: string;
  payload: string;
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_status_code: number | null;
  last_error: string | null;
};

/** A hook's outbox rows, oldest first. */
export const deliveriesOf = (webhookId: number) =>
  sqlite().prepare("select * from webhook_deliveries where webhook_id = ? order by id").all(webhookId) as DeliveryRow[];

/** The X-Triad-Signature header a Triad hook with `secret` must carry for `body`. */
export const webhookSignature = (secret: string, body: string) =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
