/**
 * Managing a webhook on /admin/webhooks: editing its address, events and format (at the version
 * shown, with the same address checks as adding one), rotating its secret (shown once; the
 * worker signs with the new one), sending it a test event through the outbox to a real
 * receiver, reading a delivery's payload, and sending a delivery again. Every change is in the
 * audit log; a refused one writes nothing.
 *
 * The receivers listen on loopback, so these tests set TRIAD_WEBHOOK_ALLOW_PRIVATE=1 like
 * tests/integration/webhooks.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { WEBHOOK_EVENTS } from "~/domain/vocabulary";
import { runWebhookDeliveries } from "~/jobs/webhook-worker.server";
import * as adminWebhooks from "~/routes/admin.webhooks";
import * as deliveryPage from "~/routes/admin.webhooks_.deliveries.$deliveryId";
import { activitySince, countRows, lastActivityId, resetDatabase, sqlite } from "../support/database";
import { callAction, callLoader, refusalOf } from "../support/requests";
import { createAdmin, createTestUser, signInAs, type TestUser } from "../support/users";
import {
  addWebhook,
  allowPrivateAddresses,
  deliveriesOf,
  RECEIVER_REPLY,
  refusePrivateAddresses,
  silenceEarlierWebhooks,
  startWebhookReceiver,
  webhookSignature,
} from "../support/webhooks";

/** A receiver on a free loopback port that answers every request, even a 200, with RECEIVER_REPLY. */
const receiver = (script: number[]) => startWebhookReceiver(script, { reply: () => RECEIVER_REPLY });

type HookRow = {
  id: number;
  url: string;
  secret: string;
  events: string;
  format: string;
  active: number;
  version: number;
};
const hookRow = (id: number) => sqlite().prepare("select * from webhooks where id = ?").get(id) as HookRow;

const SECRET = "the-first-secret-of-this-hook";
let admin: TestUser;
let member: TestUser;
let cookie: string;

const post = (form: Record<string, string | string[]>, as = cookie) =>
  callAction(adminWebhooks.action, "/admin/webhooks", { cookie: as, form });

async function addHook(url: string, { events = ["debt.created"], format = "triad" } = {}): Promise<number> {
  return addWebhook(cookie, { url, secret: SECRET, format, events });
}

/** Sends every due delivery now (the worker's pass, on the test's clock). */
const deliverNow = () => runWebhookDeliveries({ now: () => Date.now() + 1000 });

beforeAll(async () => {
  resetDatabase();
  admin = await createAdmin({ name: "Ada Admin" });
  member = await createTestUser({ name: "Mo Member" });
  cookie = signInAs(admin);
});

beforeEach(() => {
  allowPrivateAddresses();
  // Earlier tests' hooks and deliveries must not reach this test's receivers.
  silenceEarlierWebhooks();
});

afterAll(() => {
  refusePrivateAddresses();
});

describe("editing a webhook", () => {
  it("changes the address, events and format at the version shown, and says so in the audit log", async () => {
    const hookId = await addHook("https://hooks.example.com/old");
    const page = await callLoader(adminWebhooks.loader, "/admin/webhooks?edit=" + hookId, { cookie });
    const shown = page.data.webhooks.find((h: { id: number }) => h.id === hookId);
    const since = lastActivityId();
    const saved = await post({
      intent: "edit",
      webhookId: String(hookId),
      version: String(shown.version),
      url: "https://hooks.example.com/new",
      format: "triad",
      "events[]": ["gate.signoff", "debt.repaid"],
    });
    expect(saved).toMatchObject({ status: 302, location: "/admin/webhooks" });
    expect(hookRow(hookId)).toMatchObject({
      url: "https://hooks.example.com/new",
      events: JSON.stringify(["gate.signoff", "debt.repaid"]),
      format: "triad",
      secret: SECRET, // editing never touches the secret
      version: shown.version + 1,
    });
    const [row] = activitySince(since);
    expect(row).toMatchObject({
      action: "webhook.updated",
      entity_type: "webhook",
      entity_id: hookId,
      actor_id: admin.id,
    });
    expect(row.summary).toBe(
      "Ada Admin changed the webhook to https://hooks.example.com/old: address now https://hooks.example.com/new; events now gate.signoff, debt.repaid",
    );
    expect(JSON.parse(row.before!)).toEqual({ url: "https://hooks.example.com/old", events: ["debt.created"] });

    // The same form again, at the version it was read at: someone changed it since.
    const stale = await post({
      intent: "edit",
      webhookId: String(hookId),
      version: String(shown.version),
      url: "https://hooks.example.com/third",
      format: "slack",
      "events[]": ["debt.created"],
    });
    expect(stale.status).toBe(409);
    expect(refusalOf(stale.data).formError).toMatch(/Someone else changed this webhook/);
    expect(hookRow(hookId).url).toBe("https://hooks.example.com/new");
    expect(activitySince(since)).toHaveLength(1);
  });

  it("writes nothing when nothing changed, and refuses what the add form refuses", async () => {
    const hookId = await addHook("https://hooks.example.com/same", { events: ["debt.created", "debt.repaid"] });
    const { version } = hookRow(hookId);
    const since = lastActivityId();
    const unchanged = await post({
      intent: "edit",
      webhookId: String(hookId),
      version: String(version),
      url: "https://hooks.example.com/same",
      format: "triad",
      "events[]": ["debt.repaid", "debt.created"], // the same set, in another order
    });
    expect(unchanged.status).toBe(302);
    expect(hookRow(hookId).version).toBe(version);
    expect(activitySince(since)).toEqual([]);

    const invalid = await post({
      intent: "edit",
      webhookId: String(hookId),
      version: String(version),
      url: "ftp://files.example.com",
      format: "fax",
    });
    expect(invalid.status).toBe(400);
    expect(refusalOf(invalid.data).fieldErrors).toMatchObject({
      url: expect.stringMatching(/https:\/\//),
      format: expect.stringMatching(/Triad JSON or Slack-compatible/),
      events: expect.stringMatching(/at least one event/),
    });
    // A test event is not an event a hook subscribes to.
    const subscribed = await post({
      intent: "edit",
      webhookId: String(hookId),
      version: String(version),
      url: "https://hooks.example.com/same",
      format: "triad",
      "events[]": ["webhook.test"],
    });
    expect(subscribed.status).toBe(400);
    expect(refusalOf(subscribed.data).fieldErrors["events[0]"]).toMatch(/Choose events from the list/);
    const unknown = await post({
      intent: "edit",
      webhookId: "999999",
      version: "1",
      url: "https://hooks.example.com/x",
      format: "triad",
      "events[]": ["debt.created"],
    });
    expect(unknown.status).toBe(404);
    expect(hookRow(hookId).version).toBe(version);
    expect(activitySince(since)).toEqual([]);
  });

  it("refuses an internal or reserved address on edit as on creation (SSRF)", async () => {
    const hookId = await addHook("https://hooks.example.com/ssrf");
    const { version } = hookRow(hookId);
    const since = lastActivityId();
    const edit = (url: string) =>
      post({
        intent: "edit",
        webhookId: String(hookId),
        version: String(version),
        url,
        format: "triad",
        "events[]": ["debt.created"],
      });
    refusePrivateAddresses();
    for (const url of ["http://127.0.0.1:8080/hook", "http://[::ffff:10.0.0.1]/", "http://192.168.1.20/"]) {
      const refused = await edit(url);
      expect(refused.status, url).toBe(400);
      expect(refusalOf(refused.data).fieldErrors.url).toMatch(/^Triad does not send webhooks to .+ addresses\.$/);
    }
    // Link-local (cloud metadata) stays refused even when private addresses are allowed.
    allowPrivateAddresses();
    const metadata = await edit("http://169.254.169.254/latest/meta-data");
    expect(metadata.status).toBe(400);
    expect(refusalOf(metadata.data).fieldErrors.url).toMatch(/link-local/);
    expect(hookRow(hookId)).toMatchObject({ url: "https://hooks.example.com/ssrf", version });
    expect(activitySince(since)).toEqual([]);
  });

  it("drops pending deliveries written in the old format when the format changes", async () => {
    const target = await receiver([200]);
    try {
      const hookId = await addHook(target.url);
      expect((await post({ intent: "test", webhookId: String(hookId) })).status).toBe(302);
      expect(deliveriesOf(hookId)).toMatchObject([{ status: "pending", event: "webhook.test" }]);
      const saved = await post({
        intent: "edit",
        webhookId: String(hookId),
        version: String(hookRow(hookId).version),
        url: target.url,
        format: "slack",
        "events[]": ["debt.created"],
      });
      expect(saved.status).toBe(302);
      expect(deliveriesOf(hookId)).toMatchObject([{ status: "failed", last_error: "format changed" }]);
      const page = await callLoader(adminWebhooks.loader, "/admin/webhooks", { cookie });
      const shown = page.data.deliveries.find((d: { webhookId: number }) => d.webhookId === hookId);
      expect(shown.failureLabel).toBe("Dropped: the webhook's format changed");
      await deliverNow();
      expect(target.received).toEqual([]);
    } finally {
      await target.close();
    }
  });
});

describe("rotating the secret", () => {
  it("shows the new secret once, records that it changed, and the worker signs with it from then on", async () => {
    const target = await receiver([200]);
    try {
      const hookId = await addHook(target.url);
      await post({ intent: "test", webhookId: String(hookId) });
      await deliverNow();
      expect(target.received[0].headers["x-triad-signature"]).toBe(webhookSignature(SECRET, target.received[0].body));

      const since = lastActivityId();
      const rotated = await post({
        intent: "rotate",
        webhookId: String(hookId),
        version: String(hookRow(hookId).version),
      });
      expect(rotated.status).toBe(200);
      expect(rotated.headers.get("Cache-Control")).toBe("no-store");
      const secret: string = rotated.data.rotated.secret;
      expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(rotated.data.rotated).toMatchObject({ webhookId: hookId, url: target.url });
      expect(hookRow(hookId).secret).toBe(secret);
      const [row] = activitySince(since);
      expect(row).toMatchObject({
        action: "webhook.secret_rotated",
        summary: `Ada Admin rotated the signing secret of the webhook to ${target.url}`,
      });
      // Neither secret is ever in the audit log, and the page never shows one again.
      const log = JSON.stringify(sqlite().prepare("select * from activity").all());
      expect(log).not.toContain(secret);
      expect(log).not.toContain(SECRET);
      const page = await callLoader(adminWebhooks.loader, "/admin/webhooks", { cookie });
      expect(JSON.stringify(page.data)).not.toContain(secret);

      await post({ intent: "test", webhookId: String(hookId) });
      await deliverNow();
      expect(target.received).toHaveLength(2);
      const second = target.received[1];
      expect(second.headers["x-triad-signature"]).toBe(webhookSignature(secret, second.body));
      expect(second.headers["x-triad-signature"]).not.toBe(webhookSignature(SECRET, second.body));

      // A stale version is refused and changes nothing.
      const stale = await post({
        intent: "rotate",
        webhookId: String(hookId),
        version: String(hookRow(hookId).version - 1),
      });
      expect(stale.status).toBe(409);
      expect(hookRow(hookId).secret).toBe(secret);
    } finally {
      await target.close();
    }
  });

  it("has nothing to rotate on a Slack-compatible hook", async () => {
    const hookId = await addHook("https://hooks.slack.example.com/services/T0/B0/x", { format: "slack" });
    const since = lastActivityId();
    const refused = await post({
      intent: "rotate",
      webhookId: String(hookId),
      version: String(hookRow(hookId).version),
    });
    expect(refused.status).toBe(409);
    expect(refusalOf(refused.data).formError).toMatch(/not signed: it has no secret to rotate/);
    expect(hookRow(hookId).secret).toBe(SECRET);
    expect(activitySince(since)).toEqual([]);
  });
});

describe("a test event", () => {
  it("goes through the outbox to a real receiver, signed, whatever the hook's events", async () => {
    const target = await receiver([200]);
    try {
      const hookId = await addHook(target.url, { events: ["debt.overdue"] });
      const since = lastActivityId();
      const sent = await post({ intent: "test", webhookId: String(hookId) });
      expect(sent).toMatchObject({ status: 302, location: "/admin/webhooks" });
      // Queued, not sent during the request.
      const [queued] = deliveriesOf(hookId);
      expect(queued).toMatchObject({ event: "webhook.test", status: "pending", attempts: 0 });
      expect(target.received).toEqual([]);
      expect(activitySince(since)).toMatchObject([
        { action: "webhook.test_sent", summary: `Ada Admin sent a test event to the webhook to ${target.url}` },
      ]);

      expect(await deliverNow()).toMatchObject({ delivered: 1 });
      const [{ headers, body }] = target.received;
      expect(headers["x-triad-event"]).toBe("webhook.test");
      expect(headers["x-triad-delivery"]).toBe(String(queued.id));
      expect(headers["x-triad-signature"]).toBe(webhookSignature(SECRET, body));
      expect(JSON.parse(body)).toMatchObject({
        event: "webhook.test",
        occurredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        data: { test: true, webhook: { id: hookId, url: target.url }, sentBy: { id: admin.id, name: "Ada Admin" } },
      });
      expect(deliveriesOf(hookId)[0]).toMatchObject({ status: "delivered", attempts: 1, last_status_code: 200 });
      expect(WEBHOOK_EVENTS as readonly string[]).not.toContain("webhook.test");
    } finally {
      await target.close();
    }
  });

  it("obeys the same address rules: without TRIAD_WEBHOOK_ALLOW_PRIVATE a loopback receiver gets nothing", async () => {
    const target = await receiver([200]);
    try {
      const hookId = await addHook(target.url.replace("127.0.0.1", "localhost"));
      await post({ intent: "test", webhookId: String(hookId) });
      refusePrivateAddresses();
      await runWebhookDeliveries({ now: () => Date.now() + 1000, maxAttempts: 1 });
      expect(target.received).toEqual([]);
      expect(deliveriesOf(hookId)[0]).toMatchObject({ status: "failed", last_error: "refused address" });
    } finally {
      await target.close();
    }
  });

  it("is a Slack-compatible message for a Slack-compatible hook, and refused for a deactivated hook", async () => {
    const target = await receiver([200]);
    try {
      const hookId = await addHook(target.url, { format: "slack" });
      await post({ intent: "test", webhookId: String(hookId) });
      await deliverNow();
      const [{ headers, body }] = target.received;
      expect(headers["x-triad-signature"]).toBeUndefined();
      expect(JSON.parse(body)).toEqual({
        text: expect.stringMatching(/^A test message from Triad, sent by Ada Admin/),
      });

      sqlite().prepare("update webhooks set active = 0 where id = ?").run(hookId);
      const since = lastActivityId();
      const before = countRows("webhook_deliveries");
      const refused = await post({ intent: "test", webhookId: String(hookId) });
      expect(refused.status).toBe(409);
      expect(refusalOf(refused.data).formError).toMatch(/deactivated: reactivate it to send a test event/);
      expect(countRows("webhook_deliveries")).toBe(before);
      expect(activitySince(since)).toEqual([]);
    } finally {
      await target.close();
    }
  });
});

describe("a delivery's page", () => {
  it("shows the payload as indented text, the attempts and a class, never the receiver's reply", async () => {
    const target = await receiver([500]);
    try {
      const hookId = await addHook(target.url);
      await post({ intent: "test", webhookId: String(hookId) });
      await runWebhookDeliveries({ now: () => Date.now() + 1000, maxAttempts: 1 });
      const [delivery] = deliveriesOf(hookId);
      expect(delivery).toMatchObject({ status: "failed", attempts: 1, last_status_code: 500 });
      const page = await callLoader(deliveryPage.loader, `/admin/webhooks/deliveries/${delivery.id}`, {
        cookie,
        params: { deliveryId: String(delivery.id) },
      });
      expect(page.status).toBe(200);
      expect(page.data.delivery).toMatchObject({
        id: delivery.id,
        event: "webhook.test",
        status: "failed",
        attempts: 1,
        lastStatusCode: 500,
        failureLabel: "HTTP 500",
        url: target.url,
        redeliverable: true,
      });
      expect(page.data.delivery.payloadText).toBe(JSON.stringify(JSON.parse(delivery.payload), null, 2));
      expect(JSON.stringify(page.data)).not.toContain("hunter2");
      expect(JSON.stringify(page.data)).not.toContain(SECRET);
    } finally {
      await target.close();
    }
  });

  it("is for admins only, and answers an unknown or malformed id with 404", async () => {
    const hookId = await addHook("https://hooks.example.com/page");
    await post({ intent: "test", webhookId: String(hookId) });
    const [delivery] = deliveriesOf(hookId);
    const open = (id: string, as = cookie) =>
      callLoader(deliveryPage.loader, `/admin/webhooks/deliveries/${id}`, { cookie: as, params: { deliveryId: id } });
    expect((await open(String(delivery.id), signInAs(member))).status).toBe(403);
    for (const id of ["999999", "abc", "1e3", "-1", "0", "99999999999999999999"]) {
      const answer = await open(id);
      expect(answer, id).toMatchObject({ status: 404, data: "No such delivery." });
    }
    const redeliver = await callAction(deliveryPage.action, `/admin/webhooks/deliveries/${delivery.id}`, {
      cookie: signInAs(member),
      params: { deliveryId: String(delivery.id) },
      form: { intent: "redeliver", deliveryId: String(delivery.id) },
    });
    expect(redeliver.status).toBe(403);
  });
});

describe("sending a delivery again", () => {
  const redeliver = (id: number, form: Record<string, string> = {}) =>
    callAction(deliveryPage.action, `/admin/webhooks/deliveries/${id}`, {
      cookie,
      params: { deliveryId: String(id) },
      form: { intent: "redeliver", deliveryId: String(id), ...form },
    });

  it("queues a new delivery with the same body to the same hook, recorded, and the worker sends it", async () => {
    const target = await receiver([200]);
    try {
      const hookId = await addHook(target.url);
      await post({ intent: "test", webhookId: String(hookId) });
      const [original] = deliveriesOf(hookId);

      // Still pending: Triad is trying it already.
      const pending = await redeliver(original.id);
      expect(pending.status).toBe(409);
      expect(refusalOf(pending.data).formError).toMatch(/still pending/);
      await deliverNow();

      const since = lastActivityId();
      const answer = await redeliver(original.id);
      const [, copy] = deliveriesOf(hookId);
      expect(answer).toMatchObject({ status: 302, location: `/admin/webhooks/deliveries/${copy.id}` });
      expect(copy).toMatchObject({
        webhook_id: hookId,
        event: original.event,
        payload: original.payload,
        status: "pending",
        attempts: 0,
        last_error: null,
      });
      const [row] = activitySince(since);
      expect(row).toMatchObject({
        action: "webhook.redelivered",
        entity_id: hookId,
        summary: `Ada Admin sent delivery ${original.id} (webhook.test) to the webhook to ${target.url} again, as delivery ${copy.id}`,
      });
      expect(JSON.parse(row.after!)).toEqual({ deliveryId: copy.id, redeliveryOf: original.id, event: "webhook.test" });

      await deliverNow();
      expect(target.received).toHaveLength(2);
      expect(target.received[1].body).toBe(target.received[0].body);
      expect(target.received[1].headers["x-triad-delivery"]).toBe(String(copy.id));
      expect(target.received[1].headers["x-triad-signature"]).toBe(webhookSignature(SECRET, original.payload));
    } finally {
      await target.close();
    }
  });

  it("refuses another delivery's form, a deactivated hook and a body of the other format, writing nothing", async () => {
    const hookId = await addHook("https://hooks.example.com/again");
    await post({ intent: "test", webhookId: String(hookId) });
    const [original] = deliveriesOf(hookId);
    sqlite().prepare("update webhook_deliveries set status = 'delivered' where id = ?").run(original.id);
    const since = lastActivityId();
    const before = countRows("webhook_deliveries");

    const forged = await redeliver(original.id, { deliveryId: String(original.id + 1000) });
    expect(forged.status).toBe(400);
    expect(refusalOf(forged.data).formError).toMatch(/another delivery/);
    const unknownIntent = await callAction(deliveryPage.action, `/admin/webhooks/deliveries/${original.id}`, {
      cookie,
      params: { deliveryId: String(original.id) },
      form: { intent: "delete", deliveryId: String(original.id) },
    });
    expect(unknownIntent.status).toBe(400);

    sqlite().prepare("update webhooks set format = 'slack' where id = ?").run(hookId);
    const otherFormat = await redeliver(original.id);
    expect(otherFormat.status).toBe(409);
    expect(refusalOf(otherFormat.data).formError).toMatch(/written as Triad JSON.*Slack-compatible messages/);
    sqlite().prepare("update webhooks set format = 'triad', active = 0 where id = ?").run(hookId);
    const inactive = await redeliver(original.id);
    expect(inactive.status).toBe(409);
    expect(refusalOf(inactive.data).formError).toMatch(/deactivated/);

    expect(countRows("webhook_deliveries")).toBe(before);
    expect(activitySince(since)).toEqual([]);
  });
});

describe("permissions", () => {
  it("refuses every management intent to a member with 403, writing nothing", async () => {
    const hookId = await addHook("https://hooks.example.com/perm");
    const { version } = hookRow(hookId);
    const since = lastActivityId();
    const as = signInAs(member);
    const forms: Array<Record<string, string | string[]>> = [
      {
        intent: "edit",
        webhookId: String(hookId),
        version: String(version),
        url: "https://x.example.com",
        format: "triad",
        "events[]": ["debt.created"],
      },
      { intent: "rotate", webhookId: String(hookId), version: String(version) },
      { intent: "test", webhookId: String(hookId) },
    ];
    for (const form of forms) {
      expect((await post(form, as)).status, String(form.intent)).toBe(403);
    }
    expect(hookRow(hookId)).toMatchObject({ version, secret: SECRET });
    expect(activitySince(since)).toEqual([]);
  });
});
