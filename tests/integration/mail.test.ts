/**
 * E-mail end to end against a REAL SMTP server in this process (tests/support/smtp.ts):
 * `notify` writes mail_outbox rows inside the change's transaction; the mail worker's single
 * pass (`sendDueMail`) sends them through nodemailer with the deep link, text and HTML parts,
 * List-Unsubscribe (+ one-click Post) and X-Triad-Delivery; the one-click POST from the link
 * (no cookie, no Origin) stops the category; a 5xx receiver is retried with backoff (an
 * injected clock, no waiting) and then shown as failed on /admin/mail, where "Retry now" puts
 * it back; with the server down, writes still succeed and mail waits with the error recorded;
 * and the timer-driven worker starts and stops cleanly. See docs/domain.md, "Notifications".
 */
import type { Transporter } from "nodemailer";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "../../db/client.server";
import type { NotificationDraft } from "~/domain/notifications";
import {
  createMailTransport,
  DEFAULT_MAIL_BACKOFF_MS,
  DEFAULT_MAIL_MAX_ATTEMPTS,
  describeMailFailure,
  readMailSettings,
  sendDueMail,
  startMailWorker,
} from "~/jobs/mail-worker.server";
import { notify } from "~/models/notifications.server";
import { setUserActive } from "~/models/users.server";
import * as adminMail from "~/routes/admin.mail";
import * as unsubscribeRoute from "~/routes/unsubscribe.$token";
import { activitySince, lastActivityId, sqlite } from "../support/database";
import { callAction, callLoader } from "../support/requests";
import { closedPort, startSmtpReceiver, type SmtpReceiver } from "../support/smtp";
import { createAdmin, createTestUser, signInAs, type TestUser } from "../support/users";

const PUBLIC_URL = "https://triad.example.test";

type MailRow = {
  id: number;
  user_id: number;
  notification_id: number | null;
  category: string | null;
  subject: string;
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  sent_at: number | null;
};

const mailsTo = (userId: number) =>
  sqlite().prepare("select * from mail_outbox where user_id = ? order by id").all(userId) as MailRow[];
const mailById = (id: number) => sqlite().prepare("select * from mail_outbox where id = ?").get(id) as MailRow;

let admin: TestUser;
let actor: TestUser;
let reader: TestUser;
let receiver: SmtpReceiver;
let transport: Transporter;
const transports: Transporter[] = [];

function transportTo(url: string): Transporter {
  const settings = readMailSettings({ TRIAD_SMTP_URL: url });
  if (settings.state !== "on") throw new Error("bad test URL");
  const made = createMailTransport(settings);
  transports.push(made);
  return made;
}

let seq = 0;
/** One notification of `category` for each of `userIds`, written by `actor` in a transaction. */
function tell(userIds: number[], category: NotificationDraft["category"] = "review_opened", now = Date.now()) {
  const n = ++seq;
  const drafts: NotificationDraft[] = userIds.map((userId) => ({
    userId,
    category,
    title: `Bo opened the gate review to Pilot of Press line ${n}`,
    body: "Business, data science and IT each sign off.",
    link: `/projects/press-line-${n}/gate`,
  }));
  return {
    ids: db.transaction((tx) => notify(tx, { actorId: actor.id, drafts, now })),
    link: `/projects/press-line-${n}/gate`,
    n,
  };
}

beforeAll(async () => {
  process.env.TRIAD_PUBLIC_URL = PUBLIC_URL;
  delete process.env.TRIAD_SMTP_URL;
  admin = await createAdmin({ name: "Ada Admin" });
  actor = await createTestUser({ name: "Bo Business", discipline: "business" });
  reader = await createTestUser({ name: "Di Data", discipline: "data_science" });
  receiver = await startSmtpReceiver();
  transport = transportTo(receiver.url);
});

beforeEach(() => {
  receiver.refuseWith(null);
  receiver.refuseAuthWith(null);
  delete process.env.TRIAD_SMTP_URL;
  // An earlier test's mail must not be sent by this test's pass.
  sqlite().prepare("update mail_outbox set status = 'failed' where status = 'pending'").run();
});

afterAll(async () => {
  for (const t of transports) t.close();
  await receiver?.close();
  delete process.env.TRIAD_PUBLIC_URL;
});

describe("sending a notification by e-mail", () => {
  it("sends exactly one mail to the person, with the deep link, both parts and the headers; the actor gets none", async () => {
    const before = receiver.received.length;
    const { link } = tell([reader.id, actor.id]);
    expect(mailsTo(actor.id)).toHaveLength(0);
    const [row] = mailsTo(reader.id);
    expect(row.status).toBe("pending");

    const pass = await sendDueMail({ transport, now: Date.now() });
    expect(pass).toEqual({ sent: 1, retrying: 0, failed: 0 });
    expect(receiver.received).toHaveLength(before + 1);
    const mail = receiver.received.at(-1)!;
    expect(mail.to).toEqual([reader.email]);
    expect(mail.from).toBe("triad@localhost");
    expect(mail.parsed.subject).toMatch(/^\[Triad\] Bo opened the gate review to Pilot of Press line \d+$/);
    const deepLink = `${PUBLIC_URL}${link}`;
    expect(mail.parsed.text).toContain(deepLink);
    expect(mail.parsed.html).toContain(`href="${deepLink}"`);
    expect(mail.header("x-triad-delivery")).toBe(String(row.id));
    expect(mail.header("auto-submitted")).toBe("auto-generated");
    expect(mail.header("list-unsubscribe")).toMatch(
      new RegExp(`^<${PUBLIC_URL}/unsubscribe/${reader.id}\\.review_opened\\.[\\w-]+>$`),
    );
    expect(mail.header("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");

    const sent = mailById(row.id);
    expect(sent.status).toBe("sent");
    expect(sent.attempts).toBe(1);
    expect(sent.sent_at).toEqual(expect.any(Number));
    expect(sent.last_error).toBeNull();

    // Nothing is sent twice.
    expect(await sendDueMail({ transport, now: Date.now() })).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(receiver.received).toHaveLength(before + 1);
  });

  it("fails the mail of a person deactivated since, without sending it", async () => {
    const other = await createTestUser({ name: "Gone Person" });
    tell([other.id]);
    setUserActive({
      actor: { id: admin.id, name: admin.name, role: "admin", discipline: admin.discipline },
      userId: other.id,
      active: false,
    });
    const before = receiver.received.length;
    expect(await sendDueMail({ transport, now: Date.now() })).toEqual({ sent: 0, retrying: 0, failed: 1 });
    expect(receiver.received).toHaveLength(before);
    expect(mailsTo(other.id)[0]).toMatchObject({ status: "failed", last_error: "recipient deactivated" });
  });
});

describe("one-click unsubscribe", () => {
  it("stops the category from the mail's link without a cookie or Origin; the next one of that category sends nothing", async () => {
    const person = await createTestUser({ name: "Ulla Unsub", discipline: "it" });
    tell([person.id], "signoff_stale");
    await sendDueMail({ transport, now: Date.now() });
    const mail = receiver.received.at(-1)!;
    expect(mail.to).toEqual([person.email]);
    const url = new URL(mail.header("list-unsubscribe")!.slice(1, -1));
    expect(url.origin).toBe(PUBLIC_URL);
    const token = decodeURIComponent(url.pathname.split("/")[2]);
    // The same link is in both parts of the mail.
    expect(mail.parsed.text).toContain(url.href);

    // The page (GET) says what stops, and changes nothing.
    const since = lastActivityId();
    const page = await callLoader(unsubscribeRoute.loader, url.pathname, { params: { token } });
    expect(page.status).toBe(200);
    expect(page.data).toMatchObject({
      name: "Ulla Unsub",
      categoryLabel: "Your sign-off went stale",
      mode: "immediate",
    });
    expect(activitySince(since)).toHaveLength(0);

    // RFC 8058: the mail client POSTs `List-Unsubscribe=One-Click`, no cookie, no Origin.
    const done = await callAction(unsubscribeRoute.action, url.pathname, {
      params: { token },
      origin: null,
      form: { "List-Unsubscribe": "One-Click" },
    });
    expect(done.status).toBe(200);
    expect(done.data).toMatchObject({ done: true, changed: true, name: "Ulla Unsub" });
    const pref = sqlite()
      .prepare("select mode from notification_preferences where user_id = ? and category = 'signoff_stale'")
      .get(person.id) as { mode: string };
    expect(pref.mode).toBe("in_app");
    const rows = activitySince(since);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor_id: person.id,
      entity_type: "user",
      entity_id: person.id,
      action: "notification.unsubscribed",
    });

    // Again: nothing more to stop, nothing written.
    const again = await callAction(unsubscribeRoute.action, url.pathname, {
      params: { token },
      origin: null,
      form: {},
    });
    expect(again.status).toBe(200);
    expect(again.data).toMatchObject({ done: true, changed: false });
    expect(activitySince(since)).toHaveLength(1);

    // The next notification of that category shows in Triad but sends nothing.
    const count = receiver.received.length;
    const mailsBefore = mailsTo(person.id).length;
    const next = tell([person.id], "signoff_stale");
    expect(next.ids).toHaveLength(1);
    expect(mailsTo(person.id)).toHaveLength(mailsBefore);
    expect(await sendDueMail({ transport, now: Date.now() })).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(receiver.received).toHaveLength(count);

    // Other categories still come.
    tell([person.id], "review_opened");
    expect((await sendDueMail({ transport, now: Date.now() })).sent).toBe(1);
    expect(receiver.received.at(-1)!.to).toEqual([person.email]);
  });

  it("answers a token Triad did not sign with 404 and writes nothing", async () => {
    const since = lastActivityId();
    const prefs = () =>
      (sqlite().prepare("select count(*) as n from notification_preferences").get() as { n: number }).n;
    const before = prefs();
    const genuine = `${reader.id}.comment.`;
    for (const token of [
      "nonsense",
      `${reader.id}.comment.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`,
      `${reader.id}.no_such_category.x`,
      `${genuine}${"x".repeat(500)}`,
      "",
    ]) {
      const page = await callLoader(unsubscribeRoute.loader, `/unsubscribe/${encodeURIComponent(token)}`, {
        params: { token },
      });
      expect(page.status, token).toBe(404);
      const post = await callAction(unsubscribeRoute.action, `/unsubscribe/${encodeURIComponent(token)}`, {
        params: { token },
        origin: null,
        form: { "List-Unsubscribe": "One-Click" },
      });
      expect(post.status, token).toBe(404);
      expect(String(post.data)).toMatch(/not valid/);
    }
    expect(prefs()).toBe(before);
    expect(activitySince(since)).toHaveLength(0);
  });

  it("accepts a token for one category only: changing the category in it is refused", async () => {
    tell([reader.id], "comment");
    await sendDueMail({ transport, now: Date.now() });
    const link = receiver.received.at(-1)!.header("list-unsubscribe")!.slice(1, -1);
    const token = decodeURIComponent(new URL(link).pathname.split("/")[2]);
    expect(token.split(".")[1]).toBe("comment");
    const forged = token.replace(".comment.", ".mention.");
    const post = await callAction(unsubscribeRoute.action, `/unsubscribe/${forged}`, {
      params: { token: forged },
      origin: null,
    });
    expect(post.status).toBe(404);
  });
});

describe("a receiver that refuses", () => {
  it("retries a 5xx with backoff, then shows the mail as failed on /admin/mail, where Retry now sends it again", async () => {
    receiver.refuseWith({ code: 550, text: "5.7.1 Relaying denied for this sender" });
    const t0 = Date.now();
    tell([reader.id], "mention", t0);
    const id = mailsTo(reader.id).at(-1)!.id;

    let at = t0;
    const refusedBefore = receiver.refused;
    for (let attempt = 1; attempt <= DEFAULT_MAIL_MAX_ATTEMPTS; attempt++) {
      const pass = await sendDueMail({ transport, now: at });
      const row = mailById(id);
      expect(row.attempts).toBe(attempt);
      expect(row.last_error).toBe("message refused: 550 5.7.1 Relaying denied for this sender");
      if (attempt < DEFAULT_MAIL_MAX_ATTEMPTS) {
        expect(pass).toEqual({ sent: 0, retrying: 1, failed: 0 });
        expect(row.status).toBe("pending");
        const wait = DEFAULT_MAIL_BACKOFF_MS[attempt - 1];
        expect(row.next_attempt_at).toBe(at + wait);
        // Not due a moment before its time.
        expect(await sendDueMail({ transport, now: at + wait - 1 })).toEqual({ sent: 0, retrying: 0, failed: 0 });
        at += wait;
      } else {
        expect(pass).toEqual({ sent: 0, retrying: 0, failed: 1 });
        expect(row.status).toBe("failed");
      }
    }
    expect(receiver.refused - refusedBefore).toBe(DEFAULT_MAIL_MAX_ATTEMPTS);
    // 1 min, 5 min, 30 min, 2 h, 12 h.
    expect(at - t0).toBe(60_000 + 300_000 + 1_800_000 + 7_200_000 + 43_200_000);

    // Admins only.
    const member = await callLoader(adminMail.loader, "/admin/mail", { cookie: signInAs(reader) });
    expect(member.status).toBe(403);
    const memberRetry = await callAction(adminMail.action, "/admin/mail", {
      cookie: signInAs(reader),
      form: { intent: "retry", mailId: id },
    });
    expect(memberRetry.status).toBe(403);

    const cookie = signInAs(admin);
    const page = await callLoader(adminMail.loader, "/admin/mail", { cookie });
    expect(page.status).toBe(200);
    expect(page.data.counts.failed).toBeGreaterThanOrEqual(1);
    const shown = page.data.rows.find((r: { id: number }) => r.id === id);
    expect(shown).toMatchObject({
      toAddress: reader.email,
      status: "failed",
      attempts: DEFAULT_MAIL_MAX_ATTEMPTS,
      lastError: "message refused: 550 5.7.1 Relaying denied for this sender",
      sentAt: null,
    });
    expect(page.data.rows[0].id).toBeGreaterThanOrEqual(id); // newest first

    // Retry now: pending again, due now, one activity row.
    receiver.refuseWith(null);
    const since = lastActivityId();
    const retried = await callAction(adminMail.action, "/admin/mail", {
      cookie,
      form: { intent: "retry", mailId: id },
    });
    expect(retried.status).toBe(302);
    expect(mailById(id)).toMatchObject({ status: "pending", attempts: 0 });
    expect(activitySince(since)).toMatchObject([
      { action: "mail.retried", entity_type: "mail", entity_id: id, actor_id: admin.id },
    ]);
    const twice = await callAction(adminMail.action, "/admin/mail", { cookie, form: { intent: "retry", mailId: id } });
    expect(twice.status).toBe(409);
    const unknown = await callAction(adminMail.action, "/admin/mail", {
      cookie,
      form: { intent: "retry", mailId: 999_999 },
    });
    expect(unknown.status).toBe(404);
    const bad = await callAction(adminMail.action, "/admin/mail", { cookie, form: { intent: "retry", mailId: "1e3" } });
    expect(bad.status).toBe(400);
    expect(activitySince(since)).toHaveLength(1);

    expect((await sendDueMail({ transport, now: Date.now() })).sent).toBe(1);
    expect(mailById(id).status).toBe("sent");
    expect(receiver.received.at(-1)!.header("x-triad-delivery")).toBe(String(id));
  });

  it("never records the SMTP password, even when the server repeats it", async () => {
    receiver.refuseAuthWith(`Login for ${receiver.username} with ${receiver.password} refused`);
    tell([reader.id], "mention");
    const id = mailsTo(reader.id).at(-1)!.id;
    const settings = readMailSettings({ TRIAD_SMTP_URL: receiver.url });
    const secrets = settings.state === "on" ? settings.secrets : [];
    expect(secrets).toContain(receiver.password);
    const pass = await sendDueMail({ transport, now: Date.now(), secrets });
    expect(pass.retrying).toBe(1);
    const row = mailById(id);
    expect(row.last_error).toMatch(/^authentication failed: 535 /);
    expect(row.last_error).not.toContain(receiver.password);
    expect(row.last_error).not.toContain(receiver.username);
    expect(row.last_error).toContain("***");
  });
});

describe("without a working mail server", () => {
  it("with the server down, writes succeed and mail waits as pending with the error recorded", async () => {
    const down = transportTo(`smtp://user:pw-of-down@127.0.0.1:${await closedPort()}`);
    const started = performance.now();
    const { ids } = tell([reader.id], "debt_assigned");
    expect(performance.now() - started).toBeLessThan(1000); // the write never talks to SMTP
    expect(ids).toHaveLength(1);
    const id = mailsTo(reader.id).at(-1)!.id;
    const now = Date.now();
    expect(await sendDueMail({ transport: down, now })).toEqual({ sent: 0, retrying: 1, failed: 0 });
    const row = mailById(id);
    expect(row).toMatchObject({ status: "pending", attempts: 1, next_attempt_at: now + 60_000 });
    expect(row.last_error).toBe("connection failed: ECONNREFUSED");
  });

  it("without TRIAD_SMTP_URL, /admin/mail says mail is not configured and shows the waiting mail", async () => {
    tell([reader.id], "escalation");
    const id = mailsTo(reader.id).at(-1)!.id;
    const page = await callLoader(adminMail.loader, "/admin/mail", { cookie: signInAs(admin) });
    expect(page.status).toBe(200);
    expect(page.data.mail).toEqual({ state: "off" });
    expect(page.data.counts.pending).toBeGreaterThanOrEqual(1);
    expect(page.data.rows.find((r: { id: number }) => r.id === id)).toMatchObject({ status: "pending", attempts: 0 });
    expect(startMailWorker({ env: {} })).toBeNull();
  });

  it("shows the server's host and port, never the credentials; a bad page number is a 400", async () => {
    process.env.TRIAD_SMTP_URL = "smtp://mailer:Sup3r-Secret@mail.example.test:2525";
    const page = await callLoader(adminMail.loader, "/admin/mail", { cookie: signInAs(admin) });
    expect(page.data.mail).toEqual({
      state: "on",
      server: "smtp://mail.example.test:2525",
      from: "Triad <triad@localhost>",
    });
    expect(JSON.stringify(page.data)).not.toContain("Sup3r-Secret");
    expect(JSON.stringify(page.data)).not.toContain("mailer");
    const bad = await callLoader(adminMail.loader, "/admin/mail?page=1e9", { cookie: signInAs(admin) });
    expect(bad.status).toBe(400);

    process.env.TRIAD_SMTP_URL = "http://mailer:Sup3r-Secret@mail.example.test";
    const invalid = await callLoader(adminMail.loader, "/admin/mail", { cookie: signInAs(admin) });
    expect(invalid.data.mail.state).toBe("invalid");
    expect(JSON.stringify(invalid.data)).not.toContain("Sup3r-Secret");
    expect(() => startMailWorker({ env: { TRIAD_SMTP_URL: "http://mailer:Sup3r-Secret@x" } })).toThrow(/smtp:\/\//);
    expect(() =>
      startMailWorker({ env: { TRIAD_SMTP_URL: "smtp://mailer:Sup3r-Secret@x", TRIAD_MAIL_INTERVAL: "0" } }),
    ).toThrow(/TRIAD_MAIL_INTERVAL/);
    try {
      startMailWorker({ env: { TRIAD_SMTP_URL: "not a url Sup3r-Secret" } });
    } catch (error) {
      expect(String(error)).not.toContain("Sup3r-Secret");
    }
  });

  it("describes failures by class and code only", () => {
    expect(describeMailFailure(Object.assign(new Error("connect ETIMEDOUT 10.0.0.1:25"), { code: "ETIMEDOUT" }))).toBe(
      "timeout: ETIMEDOUT",
    );
    expect(describeMailFailure(new Error("something odd"))).toBe("send failed");
    expect(
      describeMailFailure(
        { code: "EENVELOPE", responseCode: 550, response: "550-5.1.1 No such user pw123\r\n550 more" },
        ["pw123"],
      ),
    ).toBe("recipient refused: 550 5.1.1 No such user ***");
  });
});

describe("the timer-driven worker", () => {
  it("sends on its own timer, and sends nothing after it stopped", async () => {
    const worker = startMailWorker({
      env: { TRIAD_SMTP_URL: receiver.url, TRIAD_MAIL_FROM: "Triad Test <triad@example.test>" },
      intervalMs: 20,
    });
    expect(worker).not.toBeNull();
    expect(worker!.server).toBe(`smtp://127.0.0.1:${receiver.port}`);
    const count = receiver.received.length;
    tell([reader.id], "changes_requested");
    await receiver.waitFor(count + 1, 5000);
    expect(receiver.received.at(-1)!.from).toBe("triad@example.test");
    await worker!.stop();

    tell([reader.id], "changes_requested");
    const id = mailsTo(reader.id).at(-1)!.id;
    await new Promise((r) => setTimeout(r, 150));
    expect(mailById(id).status).toBe("pending");
    expect(receiver.received).toHaveLength(count + 1);
  });
});
