/**
 * Webhooks end to end: an admin adds a hook on /admin/webhooks; API writes put deliveries in
 * the outbox in their own transaction (a refused write puts none); the worker posts them to a
 * real receiver on a local port with an HMAC-SHA256 signature, retries after a 500 with
 * backoff (an injected clock, so no waiting), gives up after the last attempt, survives dead
 * and slow receivers; debt.overdue is announced once per item.
 *
 * The receivers listen on loopback, so these tests set TRIAD_WEBHOOK_ALLOW_PRIVATE=1; the
 * "internal addresses" tests show what happens without it (docs/decisions/002-json-api-tokens-webhooks.md).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setWebhookActive } from "~/models/webhooks.server";
import * as adminWebhooks from "~/routes/admin.webhooks";
import { apiLimiter } from "~/api/handler.server";
import { safePost } from "~/lib/safe-fetch.server";
import { runWebhookDeliveries, scanOverdueDebt, signBody, startWebhookWorker } from "~/jobs/webhook-worker.server";
import { countRows, resetDatabase, sqlite } from "../support/database";
import { callAction, callLoader, refusalOf } from "../support/requests";
import { createAdmin, signInAs, type TestUser } from "../support/users";
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
import { actorOf } from "./debt-support";
import { api, userWithToken, type TokenUser } from "./api-support";

let admin: TestUser;
let owner: TokenUser;
let scientist: TokenUser;
const SECRET = "s3cret-for-the-webhook-test";

/** Adds a hook as the admin; without `format` the form sends none (Triad JSON). */
const addHook = (url: string, events: string[], format?: string) =>
  addWebhook(signInAs(admin), { url, secret: SECRET, events, format });

async function newProject(name: string) {
  const created = await api("POST", "/api/v1/projects", { token: owner.token, body: { name } });
  const slug: string = created.body.project.slug;
  await api("POST", `/api/v1/projects/${slug}/members`, {
    token: owner.token,
    body: { email: scientist.email, discipline: "data_science" },
  });
  return slug;
}

beforeAll(async () => {
  resetDatabase();
  admin = await createAdmin({ name: "Ada Admin" });
  owner = await userWithToken({ name: "Bo Business", discipline: "business" });
  scientist = await userWithToken({ name: "Di Data", discipline: "data_science" });
});

beforeEach(() => {
  apiLimiter.reset();
  allowPrivateAddresses(); // the receivers listen on loopback

  // Earlier tests' hooks must not receive this test's events.
  silenceEarlierWebhooks();
});

describe("/admin/webhooks", () => {
  it("is for admins only, and checks the address, the secret and the events", async () => {
    const member = await userWithToken();
    const refused = await callLoader(adminWebhooks.loader, "/admin/webhooks", { cookie: signInAs(member) });
    expect(refused.status).toBe(403);
    const invalid = await callAction(adminWebhooks.action, "/admin/webhooks", {
      cookie: signInAs(admin),
      form: { intent: "add", url: "ftp://files.example.com", secret: "short" },
    });
    expect(invalid.status).toBe(400);
    expect(refusalOf(invalid.data).fieldErrors).toMatchObject({
      url: expect.stringMatching(/https:\/\//),
      secret: expect.stringMatching(/16 characters/),
      events: expect.stringMatching(/at least one event/),
    });
    const page = await callLoader(adminWebhooks.loader, "/admin/webhooks", { cookie: signInAs(admin) });
    expect(page.data.events.map((e: { event: string }) => e.event)).toContain("debt.overdue");
    expect(page.data.suggestedSecret.length).toBeGreaterThanOrEqual(16);
  });
});

describe("delivery", () => {
  it("signs the body, retries after a 500 with backoff, then delivers", async () => {
    const target = await startWebhookReceiver([500, 200]);
    try {
      const hookId = await addHook(target.url, ["gate.review_opened", "gate.signoff"]);
      const slug = await newProject("Webhook journey");
      const opened = await api("POST", `/api/v1/projects/${slug}/gate-reviews`, {
        token: owner.token,
        body: { statement: "Ready for the pilot." },
      });
      expect(opened.status).toBe(201);
      // The outbox row was written with the change; nothing was sent during the request.
      const [pending] = deliveriesOf(hookId);
      expect(pending).toMatchObject({ event: "gate.review_opened", status: "pending", attempts: 0 });
      expect(target.received).toHaveLength(0);

      let clock = pending.next_attempt_at;
      const options = { now: () => clock, backoff: (attempt: number) => attempt * 10_000 };
      expect(await runWebhookDeliveries(options)).toMatchObject({ sent: 1, retrying: 1 });
      expect(deliveriesOf(hookId)[0]).toMatchObject({
        status: "pending",
        attempts: 1,
        last_status_code: 500,
        next_attempt_at: clock + 10_000,
      });
      expect(deliveriesOf(hookId)[0].last_error).toBe("http 500");

      clock += 9_999;
      expect(await runWebhookDeliveries(options)).toMatchObject({ sent: 0 });
      clock += 1;
      expect(await runWebhookDeliveries(options)).toMatchObject({ sent: 1, delivered: 1 });
      expect(deliveriesOf(hookId)[0]).toMatchObject({
        status: "delivered",
        attempts: 2,
        last_status_code: 200,
        last_error: null,
      });

      expect(target.received).toHaveLength(2);
      for (const { headers, body } of target.received) {
        const expected = webhookSignature(SECRET, body);
        expect(headers["x-triad-signature"]).toBe(expected);
        expect(headers["x-triad-event"]).toBe("gate.review_opened");
        expect(headers["x-triad-delivery"]).toBe(String(pending.id));
        expect(headers["content-type"]).toBe("application/json");
      }
      expect(target.received[0].body).toBe(target.received[1].body);
      const payload = JSON.parse(target.received[0].body);
      expect(payload).toMatchObject({
        event: "gate.review_opened",
        data: { project: { slug, stage: "poc" }, review: { id: opened.body.review.id, targetStage: "pilot" } },
      });
      expect(payload.occurredAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(signBody(SECRET, target.received[0].body)).toBe(target.received[0].headers["x-triad-signature"]);

      // A sign-off with conditions: gate.signoff (subscribed); debt.created is not subscribed.
      const signed = await api("POST", `/api/v1/projects/${slug}/gate-reviews/${opened.body.review.id}/signoffs`, {
        token: scientist.token,
        body: { decision: "approve_with_conditions", comment: "", conditions: [{ title: "Automate the data export" }] },
      });
      expect(signed.status).toBe(201);
      expect(deliveriesOf(hookId).map((d) => d.event)).toEqual(["gate.review_opened", "gate.signoff"]);
      expect(JSON.parse(deliveriesOf(hookId)[1].payload).data.signoff).toMatchObject({
        discipline: "data_science",
        decision: "approve_with_conditions",
        conditionDebtItemIds: signed.body.signoff.conditionDebtItemIds,
      });
    } finally {
      await target.close();
    }
  });

  it("writes no delivery when the change is refused", async () => {
    const target = await startWebhookReceiver([200]);
    try {
      const hookId = await addHook(target.url, ["gate.signoff", "project.promoted", "debt.created"]);
      const slug = await newProject("Refused writes");
      const opened = await api("POST", `/api/v1/projects/${slug}/gate-reviews`, {
        token: owner.token,
        body: { statement: "Ready for the pilot." },
      });
      const refusedSignOff = await api(
        "POST",
        `/api/v1/projects/${slug}/gate-reviews/${opened.body.review.id}/signoffs`,
        {
          token: scientist.token,
          body: { decision: "changes_requested", comment: "" },
        },
      );
      expect(refusedSignOff.status).toBe(400);
      const refusedPromotion = await api(
        "POST",
        `/api/v1/projects/${slug}/gate-reviews/${opened.body.review.id}/promote`,
        {
          token: owner.token,
        },
      );
      expect(refusedPromotion.status).toBe(409);
      expect(deliveriesOf(hookId)).toEqual([]);
      // An accepted sign-off with a condition announces both the sign-off and the new debt item.
      const signed = await api("POST", `/api/v1/projects/${slug}/gate-reviews/${opened.body.review.id}/signoffs`, {
        token: scientist.token,
        body: {
          decision: "approve_with_conditions",
          conditions: [{ title: "Write the missing tests", register: "technical" }],
        },
      });
      expect(signed.status).toBe(201);
      expect(deliveriesOf(hookId).map((d) => d.event)).toEqual(["gate.signoff", "debt.created"]);
      expect(JSON.parse(deliveriesOf(hookId)[1].payload).data.debtItem).toMatchObject({
        id: signed.body.signoff.conditionDebtItemIds[0],
        title: "Write the missing tests",
      });
    } finally {
      await target.close();
    }
  });

  it("gives up after the last attempt, and records dead and silent receivers", async () => {
    const down = await startWebhookReceiver([500]);
    const silent = await startWebhookReceiver([200], { hang: true });
    const dead = await startWebhookReceiver([200]);
    await dead.close(); // nothing listens there any more
    try {
      const hooks = [
        await addHook(down.url, ["gate.review_opened"]),
        await addHook(silent.url, ["gate.review_opened"]),
        await addHook(dead.url, ["gate.review_opened"]),
      ];
      const slug = await newProject("Unreachable receivers");
      const started = Date.now();
      expect(
        (
          await api("POST", `/api/v1/projects/${slug}/gate-reviews`, {
            token: owner.token,
            body: { statement: "Ready for the pilot." },
          })
        ).status,
      ).toBe(201);
      expect(Date.now() - started).toBeLessThan(2000); // the request never waits for receivers
      let clock = Date.now();
      const options = { now: () => clock, backoff: () => 1, maxAttempts: 2, timeoutMs: 300 };
      await runWebhookDeliveries(options);
      clock += 1;
      await runWebhookDeliveries(options);
      const [toDown, toSilent, toDead] = hooks.map((id) => deliveriesOf(id)[0]);
      // Only generic classes: no reply text, no error code that tells a closed port from a filtered one.
      expect(toDown).toMatchObject({ status: "failed", attempts: 2, last_status_code: 500, last_error: "http 500" });
      expect(toSilent).toMatchObject({ status: "failed", attempts: 2, last_status_code: null, last_error: "timeout" });
      expect(toDead).toMatchObject({
        status: "failed",
        attempts: 2,
        last_status_code: null,
        last_error: "connection failed",
      });
      expect(await runWebhookDeliveries({ ...options, now: () => clock + 3_600_000 })).toMatchObject({ sent: 0 });
    } finally {
      await Promise.all([down.close(), silent.close()]);
    }
  });

  it("drops pending deliveries when a hook is deactivated", async () => {
    const target = await startWebhookReceiver([200]);
    try {
      const hookId = await addHook(target.url, ["gate.review_opened"]);
      const slug = await newProject("Deactivated hook");
      await api("POST", `/api/v1/projects/${slug}/gate-reviews`, {
        token: owner.token,
        body: { statement: "Ready for the pilot." },
      });
      const version = (sqlite().prepare("select version from webhooks where id = ?").get(hookId) as { version: number })
        .version;
      setWebhookActive({ actor: actorOf(admin), webhookId: hookId, version, active: false });
      expect(deliveriesOf(hookId)[0]).toMatchObject({ status: "failed", attempts: 0 });
      expect(await runWebhookDeliveries({ now: () => Date.now() + 1000 })).toMatchObject({ sent: 0 });
      expect(target.received).toHaveLength(0);
    } finally {
      await target.close();
    }
  });

  it("runs in the background on a timer and stops cleanly", async () => {
    const target = await startWebhookReceiver([200]);
    try {
      const hookId = await addHook(target.url, ["project.promoted", "gate.review_opened"]);
      const slug = await newProject("Background worker");
      await api("POST", `/api/v1/projects/${slug}/gate-reviews`, {
        token: owner.token,
        body: { statement: "Ready for the pilot." },
      });
      const worker = startWebhookWorker({ intervalMs: 10 });
      try {
        for (let i = 0; i < 200 && deliveriesOf(hookId)[0]?.status !== "delivered"; i++)
          await new Promise((r) => setTimeout(r, 10));
      } finally {
        await worker.stop();
      }
      expect(deliveriesOf(hookId)[0]).toMatchObject({ status: "delivered", attempts: 1 });
      expect(target.received).toHaveLength(1);
    } finally {
      await target.close();
    }
  });
});

describe("debt.created and debt.repaid", () => {
  it("are announced when an item is logged and when it is repaid, after its last step too", async () => {
    const target = await startWebhookReceiver([200]);
    try {
      const hookId = await addHook(target.url, ["debt.created", "debt.repaid"]);
      const slug = await newProject("Debt events");
      const body = {
        register: "technical",
        category: "missing_tests",
        stageIncurred: "poc",
        severity: "low",
        principalDays: 1,
        interestDays: 0,
      };
      const first = await api("POST", `/api/v1/projects/${slug}/debt`, {
        token: scientist.token,
        body: { ...body, title: "No tests for the loader" },
      });
      const second = await api("POST", `/api/v1/projects/${slug}/debt`, {
        token: scientist.token,
        body: { ...body, title: "No tests for the scorer" },
      });
      expect([first.status, second.status]).toEqual([201, 201]);
      const byHand = await api("PATCH", `/api/v1/debt/${first.body.debtItem.id}`, {
        token: scientist.token,
        body: { version: first.body.debtItem.version, status: "repaid", note: "Tests written." },
      });
      expect(byHand.status).toBe(200);
      const step = await api("POST", `/api/v1/debt/${second.body.debtItem.id}/steps`, {
        token: scientist.token,
        body: { version: second.body.debtItem.version, title: "Write the scorer tests" },
      });
      const done = await api("PATCH", `/api/v1/debt/${second.body.debtItem.id}/steps/${step.body.step.id}`, {
        token: scientist.token,
        body: { version: step.body.debtItem.version, done: true },
      });
      // The last step only proposes "repaid": repaying it takes the explicit action with a note.
      expect(done.body.debtItem.status).toBe("repaying");
      const repaid = await api("PATCH", `/api/v1/debt/${second.body.debtItem.id}`, {
        token: scientist.token,
        body: { version: done.body.debtItem.version, status: "repaid", note: "All steps done." },
      });
      expect(repaid.body.debtItem.status).toBe("repaid");
      const events = deliveriesOf(hookId).map((d) => [d.event, JSON.parse(d.payload).data.debtItem.title]);
      expect(events).toEqual([
        ["debt.created", "No tests for the loader"],
        ["debt.created", "No tests for the scorer"],
        ["debt.repaid", "No tests for the loader"],
        ["debt.repaid", "No tests for the scorer"],
      ]);
      expect(JSON.parse(deliveriesOf(hookId)[2].payload).data.debtItem.repaidAt).toMatch(/^\d{4}-/);
    } finally {
      await target.close();
    }
  });
});

describe("debt.overdue", () => {
  it("is announced once per item by the periodic scan", async () => {
    const target = await startWebhookReceiver([200]);
    try {
      const slug = await newProject("Overdue debt");
      const logged = await api("POST", `/api/v1/projects/${slug}/debt`, {
        token: scientist.token,
        body: {
          register: "technical",
          title: "Manual data export",
          category: "manual_steps",
          stageIncurred: "poc",
          severity: "high",
          principalDays: 3,
          interestDays: 1,
        },
      });
      expect(logged.status).toBe(201);
      const item = logged.body.debtItem;
      const planned = await api("PATCH", `/api/v1/debt/${item.id}`, {
        token: scientist.token,
        body: { version: item.version, strategy: "Script the export.", targetDate: "2001-01-31" },
      });
      expect(planned.status).toBe(200);
      expect(planned.body.debtItem.overdue).toBe(true);

      expect(scanOverdueDebt()).toBe(0); // nobody listens yet: nothing remembered
      const hookId = await addHook(target.url, ["debt.overdue"]);
      const announced = scanOverdueDebt();
      expect(announced).toBeGreaterThanOrEqual(1);
      expect(scanOverdueDebt()).toBe(0);
      const rows = deliveriesOf(hookId).filter((d) => JSON.parse(d.payload).data.debtItem.id === item.id);
      expect(rows).toHaveLength(1);
      expect(JSON.parse(rows[0].payload).data).toMatchObject({
        project: { slug },
        debtItem: { title: "Manual data export", targetDate: "2001-01-31" },
      });
      expect(sqlite().prepare("select key from notices where key = ?").get(`debt.overdue:${item.id}`)).toBeTruthy();
    } finally {
      await target.close();
    }
  });
});

describe("Slack-compatible format", () => {
  const addSlackHook = (url: string, events: string[]) => addHook(url, events, "slack");

  it("posts one sentence and an absolute deep link as {text}, unsigned, next to a signed Triad hook", async () => {
    const channel = await startWebhookReceiver([200]);
    const service = await startWebhookReceiver([200]);
    const before = process.env.TRIAD_PUBLIC_URL;
    process.env.TRIAD_PUBLIC_URL = "https://triad.example.com/";
    try {
      const slackId = await addSlackHook(channel.url, ["gate.review_opened", "gate.signoff"]);
      const triadId = await addHook(service.url, ["gate.review_opened"]);
      expect(
        sqlite().prepare("select id, format from webhooks where id in (?, ?) order by id").all(slackId, triadId),
      ).toEqual([
        { id: slackId, format: "slack" },
        { id: triadId, format: "triad" },
      ]);
      const page = await callLoader(adminWebhooks.loader, "/admin/webhooks", { cookie: signInAs(admin) });
      expect(page.data.webhooks.find((h: { id: number }) => h.id === slackId)).toMatchObject({ format: "slack" });

      const slug = await newProject("Slack <!channel> & co");
      const opened = await api("POST", `/api/v1/projects/${slug}/gate-reviews`, {
        token: owner.token,
        body: { statement: "Ready for the pilot." },
      });
      expect(opened.status).toBe(201);
      const signed = await api("POST", `/api/v1/projects/${slug}/gate-reviews/${opened.body.review.id}/signoffs`, {
        token: scientist.token,
        body: { decision: "approve", comment: "" },
      });
      expect(signed.status).toBe(201);
      const clock = Date.now();
      expect(await runWebhookDeliveries({ now: () => clock })).toMatchObject({ sent: 3, delivered: 3 });

      expect(channel.received.map((r) => JSON.parse(r.body))).toEqual([
        // The project's name cannot ping the channel: &, < and > are escaped as Slack asks.
        {
          text: `Bo Business opened the gate review to Pilot of Slack &lt;!channel&gt; &amp; co. https://triad.example.com/projects/${slug}/gate`,
        },
        {
          text: `Di Data signed for Data science on the gate review to Pilot of Slack &lt;!channel&gt; &amp; co: approved. https://triad.example.com/projects/${slug}/gate`,
        },
      ]);
      for (const { headers } of channel.received) {
        expect(headers["content-type"]).toBe("application/json");
        expect(headers["x-triad-signature"]).toBeUndefined();
      }
      // The Triad hook got the same event as signed JSON.
      expect(service.received).toHaveLength(1);
      expect(JSON.parse(service.received[0].body)).toMatchObject({
        event: "gate.review_opened",
        data: { project: { slug } },
      });
      expect(service.received[0].headers["x-triad-signature"]).toBe(signBody(SECRET, service.received[0].body));
    } finally {
      if (before === undefined) delete process.env.TRIAD_PUBLIC_URL;
      else process.env.TRIAD_PUBLIC_URL = before;
      await Promise.all([channel.close(), service.close()]);
    }
  });

  it("announces debt with a link to the item, and refuses an unknown format", async () => {
    const channel = await startWebhookReceiver([200]);
    try {
      const hookId = await addSlackHook(channel.url, ["debt.created"]);
      const slug = await newProject("Slack debt");
      const logged = await api("POST", `/api/v1/projects/${slug}/debt`, {
        token: scientist.token,
        body: {
          register: "technical",
          title: "Manual data export",
          category: "manual_steps",
          stageIncurred: "poc",
          severity: "high",
          principalDays: 3,
          interestDays: 1,
        },
      });
      expect(logged.status).toBe(201);
      const [row] = deliveriesOf(hookId);
      expect(JSON.parse(row.payload)).toEqual({
        text: expect.stringMatching(
          new RegExp(
            `^Debt item “Manual data export” was logged on Slack debt\\. https?://[^ ]+/projects/${slug}/debt/${logged.body.debtItem.id}$`,
          ),
        ),
      });
      await runWebhookDeliveries({ now: () => row.next_attempt_at });
      expect(channel.received).toHaveLength(1);

      const refused = await callAction(adminWebhooks.action, "/admin/webhooks", {
        cookie: signInAs(admin),
        form: { intent: "add", url: channel.url, secret: SECRET, format: "teams", "events[]": ["debt.created"] },
      });
      expect(refused.status).toBe(400);
      expect(refusalOf(refused.data).fieldErrors.format).toBe("Choose Triad JSON or Slack-compatible.");
    } finally {
      await channel.close();
    }
  });
});

describe("internal addresses", () => {
  const hookCount = () => countRows("webhooks");

  it("refuses an IP literal in an internal range when the webhook is added, unless allowed", async () => {
    refusePrivateAddresses();
    const before = hookCount();
    for (const url of [
      "http://127.0.0.1:8080/hook",
      "http://[::ffff:127.0.0.1]/",
      "http://169.254.169.254/latest/meta-data",
      "http://10.0.0.7/",
    ]) {
      const refused = await callAction(adminWebhooks.action, "/admin/webhooks", {
        cookie: signInAs(admin),
        form: { intent: "add", url, secret: SECRET, "events[]": ["debt.created"] },
      });
      expect(refused.status).toBe(400);
      expect(refusalOf(refused.data).fieldErrors.url).toMatch(/^Triad does not send webhooks to .+ addresses\.$/);
      expect(refused.data.initialValue.events).toEqual(["debt.created"]);
    }
    expect(hookCount()).toBe(before);
    // Host names are judged at each delivery: their DNS answer can change.
    await addHook("http://localhost:9/hook", ["debt.created"]);
    expect(hookCount()).toBe(before + 1);
    allowPrivateAddresses();
    await addHook("http://127.0.0.1:9/hook", ["debt.created"]);
    expect(hookCount()).toBe(before + 2);
  });

  it("sends nothing to a loopback receiver without TRIAD_WEBHOOK_ALLOW_PRIVATE, and shows only a class", async () => {
    const target = await startWebhookReceiver([500]);
    try {
      // One hook by IP literal (added while allowed, or before this check existed), one by host name.
      const byLiteral = await addHook(target.url, ["gate.review_opened"]);
      const byName = await addHook(target.url.replace("127.0.0.1", "localhost"), ["gate.review_opened"]);
      refusePrivateAddresses();
      const slug = await newProject("Internal receiver");
      expect(
        (
          await api("POST", `/api/v1/projects/${slug}/gate-reviews`, {
            token: owner.token,
            body: { statement: "Ready." },
          })
        ).status,
      ).toBe(201);
      const clock = Date.now();
      expect(await runWebhookDeliveries({ now: () => clock, maxAttempts: 1 })).toMatchObject({ sent: 2, failed: 2 });
      expect(target.received).toHaveLength(0);
      for (const hookId of [byLiteral, byName]) {
        expect(deliveriesOf(hookId)).toEqual([
          expect.objectContaining({
            status: "failed",
            attempts: 1,
            last_status_code: null,
            last_error: "refused address",
          }),
        ]);
      }
      const page = await callLoader(adminWebhooks.loader, "/admin/webhooks", { cookie: signInAs(admin) });
      const shown = page.data.deliveries.filter((d: { webhookId: number }) =>
        [byLiteral, byName].includes(d.webhookId),
      );
      expect(shown.map((d: { failure: string }) => d.failure)).toEqual(["refused address", "refused address"]);
      expect(JSON.stringify(page.data)).not.toContain("db_password");
    } finally {
      await target.close();
    }
  });

  it("never keeps or shows a receiver's reply, even a 500 with text, nor old rows' text", async () => {
    const target = await startWebhookReceiver([500]);
    try {
      const hookId = await addHook(target.url, ["gate.review_opened"]);
      const slug = await newProject("Chatty receiver");
      await api("POST", `/api/v1/projects/${slug}/gate-reviews`, { token: owner.token, body: { statement: "Ready." } });
      const clock = Date.now();
      await runWebhookDeliveries({ now: () => clock, maxAttempts: 1 });
      expect(target.received).toHaveLength(1);
      const [row] = deliveriesOf(hookId);
      expect(row).toMatchObject({ status: "failed", last_status_code: 500, last_error: "http 500" });
      // A row written before this fix, with part of the reply in last_error.
      sqlite()
        .prepare("update webhook_deliveries set last_error = ? where id = ?")
        .run(`The receiver answered 500: ${RECEIVER_REPLY}`, row.id);
      const page = await callLoader(adminWebhooks.loader, "/admin/webhooks", { cookie: signInAs(admin) });
      expect(page.data.deliveries.find((d: { id: number }) => d.id === row.id)).toMatchObject({
        lastStatusCode: 500,
        failure: "http 500",
      });
      expect(JSON.stringify(page.data)).not.toContain("db_password");
    } finally {
      await target.close();
    }
  });

  it("does not follow redirects", async () => {
    const inside = await startWebhookReceiver([200]);
    const target = await startWebhookReceiver([302], { headers: { Location: inside.url } });
    try {
      const hookId = await addHook(target.url, ["gate.review_opened"]);
      const slug = await newProject("Redirecting receiver");
      await api("POST", `/api/v1/projects/${slug}/gate-reviews`, { token: owner.token, body: { statement: "Ready." } });
      const clock = Date.now();
      await runWebhookDeliveries({ now: () => clock, maxAttempts: 1 });
      expect(target.received).toHaveLength(1);
      expect(inside.received).toHaveLength(0);
      expect(deliveriesOf(hookId)[0]).toMatchObject({
        status: "failed",
        last_status_code: 302,
        last_error: "http 302",
      });
    } finally {
      await Promise.all([inside.close(), target.close()]);
    }
  });

  it("checks every resolved address, resolves once, and connects to the checked one (no DNS rebinding)", async () => {
    const target = await startWebhookReceiver([200]);
    try {
      const port = new URL(target.url).port;
      const hookId = await addHook(`http://rebind.test:${port}/hook`, ["gate.review_opened"]);
      const slug = await newProject("Rebinding receiver");
      await api("POST", `/api/v1/projects/${slug}/gate-reviews`, { token: owner.token, body: { statement: "Ready." } });
      const clock = Date.now();

      // One public and one internal answer: refused, nothing sent.
      refusePrivateAddresses();
      const mixed = async () => [
        { address: "93.184.215.14", family: 4 },
        { address: "127.0.0.1", family: 4 },
      ];
      await runWebhookDeliveries({ now: () => clock, resolve: mixed, backoff: () => 0 });
      expect(deliveriesOf(hookId)[0]).toMatchObject({ status: "pending", last_error: "refused address" });
      expect(target.received).toHaveLength(0);

      // The name is resolved once; a second answer (rebinding) is never asked for, and the
      // connection goes to the checked address with the host name kept in Host.
      allowPrivateAddresses();
      const asked: string[] = [];
      const rebinding = async (hostname: string) => {
        asked.push(hostname);
        return asked.length === 1 ? [{ address: "127.0.0.1", family: 4 }] : [{ address: "10.255.255.1", family: 4 }];
      };
      await runWebhookDeliveries({ now: () => clock, resolve: rebinding });
      expect(asked).toEqual(["rebind.test"]);
      expect(deliveriesOf(hookId)[0]).toMatchObject({ status: "delivered", last_status_code: 200, last_error: null });
      expect(target.received).toHaveLength(1);
      expect(target.received[0].headers.host).toBe(`rebind.test:${port}`);
    } finally {
      await target.close();
    }
  });

  it("tells a timeout only after the full timeout, and one class for every connection failure", async () => {
    const silent = await startWebhookReceiver([200], { hang: true });
    const dead = await startWebhookReceiver([200]);
    await dead.close();
    try {
      const post = { headers: {}, body: "{}", timeoutMs: 400, allowPrivate: true };
      const started = Date.now();
      expect(await safePost(silent.url, post)).toEqual({ statusCode: null, failure: "timeout" });
      expect(Date.now() - started).toBeGreaterThanOrEqual(390);
      expect(await safePost(dead.url, post)).toEqual({ statusCode: null, failure: "connection failed" });
      const unknownHost = async () => {
        throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
      };
      expect(await safePost("http://no-such-host.invalid/", { ...post, resolve: unknownHost })).toEqual({
        statusCode: null,
        failure: "connection failed",
      });
      // Without the variable, a closed and an open internal port look the same.
      const strict = { ...post, allowPrivate: false };
      expect(await safePost(dead.url, strict)).toEqual({ statusCode: null, failure: "refused address" });
      expect(await safePost(silent.url, strict)).toEqual({ statusCode: null, failure: "refused address" });
      expect(silent.received).toHaveLength(1);
    } finally {
      await silent.close();
    }
  });
});

afterAll(() => {
  apiLimiter.reset();
  refusePrivateAddresses();
});
