/**
 * The e-mail path end to end through the real models (docs/domain.md, "Notifications"), with a
 * REAL SMTP receiver in this process (tests/support/smtp.ts) and a fresh database per test:
 * a gate review opened by a business member sends exactly one mail to each active team member
 * (not the opener, not a deactivated member), each with the absolute deep link; the link's path
 * opens that review for the signed-in recipient on the gate page; and a person whose
 * "A requirement needs your discipline's verdict" goes in the daily digest gets one mail
 * listing the day's notifications after their digest hour in their own time zone, and nothing
 * more that day. Every SMTP exchange is bounded: the tests have their own time limits.
 */
import type { Transporter } from "nodemailer";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMailTransport, readMailSettings, sendDueMail } from "~/jobs/mail-worker.server";
import { runNotificationPass } from "~/jobs/notify-pass.server";
import { openReview } from "~/models/gates.server";
import { saveNotificationSettings } from "~/models/notifications-read.server";
import { createProject } from "~/models/projects.server";
import { createRequirement } from "~/models/requirements.server";
import { addMember } from "~/models/team.server";
import { setUserActive, type Actor } from "~/models/users.server";
import * as gatePage from "~/routes/projects.$slug.gate._index";
import { resetDatabase, sqlite } from "../support/database";
import { callLoader } from "../support/requests";
import { startSmtpReceiver, type ReceivedMail, type SmtpReceiver } from "../support/smtp";
import { createAdmin, createTestUser, signInAs, type TestUser } from "../support/users";

const PUBLIC_URL = "https://triad.example.test";
/** Each test's own bound: SMTP on 127.0.0.1 takes milliseconds; a hang fails the test. */
const LIMIT_MS = 10_000;
const HOUR = 3_600_000;

const actorOf = (u: TestUser): Actor => ({
  id: u.id,
  name: u.name,
  role: u.role,
  discipline: u.discipline,
  via: "web",
});

let receiver: SmtpReceiver;
let transport: Transporter;
let previousPublicUrl: string | undefined;

beforeAll(async () => {
  previousPublicUrl = process.env.TRIAD_PUBLIC_URL;
  process.env.TRIAD_PUBLIC_URL = PUBLIC_URL;
  receiver = await startSmtpReceiver();
  const settings = readMailSettings({ TRIAD_SMTP_URL: receiver.url });
  if (settings.state !== "on") throw new Error("The receiver's URL was not understood.");
  transport = createMailTransport(settings);
});

beforeEach(() => {
  // A fresh database per test: nothing another test left pending can be sent here.
  resetDatabase();
});

afterAll(async () => {
  transport?.close();
  await receiver?.close();
  if (previousPublicUrl === undefined) delete process.env.TRIAD_PUBLIC_URL;
  else process.env.TRIAD_PUBLIC_URL = previousPublicUrl;
});

/** What the receiver accepted from now on. */
function inbox() {
  const from = receiver.received.length;
  return () => receiver.received.slice(from);
}

/** The mail worker's single pass, with a batch large enough that a duplicate could not hide. */
const mailPass = (now: number) => sendDueMail({ transport, now, batchSize: 50 });

const sorted = (values: string[]) => [...values].sort();

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/**
 * Bea (business) owns a project; her team: Bruno (business), Dora and Farid (data science),
 * Olga (IT operations) and Ina (IT operations, deactivated by an admin after joining). Bea
 * opens the gate review; one mail worker pass runs against the receiver.
 */
async function reviewOpenedAndMailed() {
  const admin = await createAdmin({ name: "Ada Admin", email: "ada@example.com", discipline: "data_science" });
  const bea = await createTestUser({ name: "Bea Business", email: "bea@example.com", discipline: "business" });
  const team = {
    bruno: await createTestUser({ name: "Bruno Business", email: "bruno@example.com", discipline: "business" }),
    dora: await createTestUser({ name: "Dora Data", email: "dora@example.com", discipline: "data_science" }),
    farid: await createTestUser({ name: "Farid Science", email: "farid@example.com", discipline: "data_science" }),
    olga: await createTestUser({ name: "Olga Operations", email: "olga@example.com", discipline: "it" }),
  };
  const ina = await createTestUser({ name: "Ina Inactive", email: "ina@example.com", discipline: "it" });
  const project = createProject({
    actor: actorOf(bea),
    name: "Press line 7",
    summary: "",
    businessCase: "",
    ownerId: bea.id,
  });
  for (const member of [...Object.values(team), ina])
    addMember({ actor: actorOf(bea), projectId: project.id, userId: member.id });
  setUserActive({ actor: actorOf(admin), userId: ina.id, active: false });

  const received = inbox();
  const statement = "A year of vibration data is in and the plant wants the pilot.";
  const review = openReview({ actor: actorOf(bea), projectId: project.id, statement });
  const pass = await mailPass(Date.now());
  return { admin, bea, ina, team, project, review, statement, pass, mails: received() };
}

describe("a gate review opened, by e-mail", () => {
  it(
    "a review opened produces exactly one e-mail to each eligible signer and none to the actor",
    async () => {
      const { bea, ina, admin, team, project, pass, mails } = await reviewOpenedAndMailed();
      const eligible = Object.values(team);

      expect(pass).toEqual({ sent: eligible.length, retrying: 0, failed: 0 });
      // One envelope recipient per mail, and exactly the active members other than Bea, once each.
      for (const mail of mails) expect(mail.to).toHaveLength(1);
      const addresses = mails.map((m) => m.to[0]);
      expect(sorted(addresses)).toEqual(sorted(eligible.map((p) => p.email)));
      expect(new Set(addresses).size).toBe(addresses.length);
      for (const nobody of [bea, ina, admin]) expect(addresses).not.toContain(nobody.email);
      // Nor was anything written for them to send later.
      const queuedFor = (u: TestUser) =>
        (sqlite().prepare("select count(*) as n from mail_outbox where user_id = ?").get(u.id) as { n: number }).n;
      expect(queuedFor(bea)).toBe(0);
      expect(queuedFor(ina)).toBe(0);

      const deepLink = `${PUBLIC_URL}/projects/${project.slug}/gate`;
      for (const mail of mails) {
        expect(mail.parsed.subject).toBe("[Triad] Bea Business opened the gate review PoC → Pilot of Press line 7");
        expect(mail.parsed.text).toContain(`Open it in Triad: ${deepLink}\n`);
        expect(mail.parsed.html).toContain(`href="${deepLink}"`);
        const person = eligible.find((p) => p.email === mail.to[0])!;
        expect(mail.parsed.text).toContain(`Hello ${person.name},`);
        // The header "To" agrees with the envelope.
        expect(
          mail.parsed.to && !Array.isArray(mail.parsed.to) ? mail.parsed.to.value.map((a) => a.address) : [],
        ).toEqual([person.email]);
      }

      // Each mail went once: the next pass sends nothing.
      const later = inbox();
      expect(await mailPass(Date.now())).toEqual({ sent: 0, retrying: 0, failed: 0 });
      expect(later()).toEqual([]);
    },
    LIMIT_MS,
  );

  it(
    "the link opens the review",
    async () => {
      const { team, project, review, statement, mails } = await reviewOpenedAndMailed();
      expect(mails.length).toBeGreaterThan(0);

      const linkIn = (mail: ReceivedMail) => {
        const found = mail.parsed.text?.match(/^Open it in Triad: (\S+)$/m)?.[1];
        if (!found) throw new Error(`No deep link in the mail to ${mail.to[0]}`);
        return new URL(found);
      };

      // Every recipient follows the link in their own mail, signed in as themselves.
      for (const mail of mails) {
        const url = linkIn(mail);
        expect(url.origin).toBe(PUBLIC_URL);
        const slug = url.pathname.match(/^\/projects\/([^/]+)\/gate$/)?.[1];
        expect(slug, url.pathname).toBe(project.slug);
        const recipient = Object.values(team).find((p) => p.email === mail.to[0])!;

        const page = await callLoader(gatePage.loader, url.pathname + url.search, {
          cookie: signInAs(recipient),
          params: { slug: slug! },
        });
        expect(page.thrown).toBe(false);
        expect(page.status).toBe(200);
        expect(page.location).toBeNull();
        expect(page.data.slug).toBe(project.slug);
        expect(page.data.userId).toBe(recipient.id);
        expect(page.data.myDiscipline).toBe(recipient.discipline);
        expect(page.data.review).toMatchObject({
          id: review.id,
          statement,
          targetStage: "pilot",
          openedByName: "Bea Business",
        });
        // Each of them may sign for their own discipline: that is what the mail asked for.
        expect(page.data.maySign).toBe(true);
      }

      // The same path without a session is the sign-in page, which brings the person back here.
      const path = linkIn(mails[0]).pathname;
      const anonymous = await callLoader(gatePage.loader, path, { params: { slug: project.slug } });
      expect(anonymous.status).toBe(302);
      expect(anonymous.location).toBe(`/login?redirectTo=${encodeURIComponent(path)}`);
    },
    LIMIT_MS,
  );
});

describe("the daily digest, by e-mail", () => {
  it(
    "a digest bundles the day",
    async () => {
      const bea = await createTestUser({ name: "Bea Business", email: "bea@example.com", discipline: "business" });
      const dora = await createTestUser({ name: "Dora Data", email: "dora@example.com", discipline: "data_science" });
      const olga = await createTestUser({ name: "Olga Operations", email: "olga@example.com", discipline: "it" });
      const project = createProject({
        actor: actorOf(bea),
        name: "Press line 9",
        summary: "",
        businessCase: "",
        ownerId: bea.id,
      });
      addMember({ actor: actorOf(bea), projectId: project.id, userId: dora.id });
      addMember({ actor: actorOf(bea), projectId: project.id, userId: olga.id });

      // Dora, on the settings page's model: verdicts in the digest, at 08:00 in Tokyo (UTC+9, no
      // summer time). Olga wants them in Triad only, so she gets no mail at all.
      const dorasSave = saveNotificationSettings({
        actor: actorOf(dora),
        preferences: { verdict_needed: "digest" },
        timeZone: "Asia/Tokyo",
        digestHour: 8,
      });
      expect(dorasSave.settings).toMatchObject({ timeZone: "Asia/Tokyo", digestHour: 8 });
      expect(dorasSave.settings.categories.find((c) => c.category === "verdict_needed")).toMatchObject({
        mode: "digest",
      });
      saveNotificationSettings({ actor: actorOf(olga), preferences: { verdict_needed: "in_app" } });

      const received = inbox();
      const requirement = (title: string) =>
        createRequirement({
          actor: actorOf(bea),
          projectId: project.id,
          title,
          description: "",
          target: "warn >= 48 h ahead",
          priority: "must",
        });
      requirement("Warn before a bearing fails");
      requirement("Explain each warning");
      const titles = [
        "“Warn before a bearing fails” on Press line 9 needs your discipline's verdict",
        "“Explain each warning” on Press line 9 needs your discipline's verdict",
      ];
      const doras = sqlite()
        .prepare("select title, mailed_at from notifications where user_id = ? order by id")
        .all(dora.id);
      expect(doras).toEqual(titles.map((title) => ({ title, mailed_at: null })));

      // Nothing goes at once: the mail worker has nothing to send.
      expect(await mailPass(Date.now())).toEqual({ sent: 0, retrying: 0, failed: 0 });

      // 08:30 in Tokyo is 23:30 UTC: the first such instant at least a minute from now (so after
      // the notifications were written), and 07:30 in Tokyo the hour before.
      const dayStart = new Date();
      dayStart.setUTCHours(23, 30, 0, 0);
      let digestTime = dayStart.getTime();
      while (digestTime < Date.now() + 60_000) digestTime += 24 * HOUR;
      expect(
        new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Tokyo", hour: "2-digit", minute: "2-digit" }).format(
          digestTime,
        ),
      ).toBe("08:30");

      expect(runNotificationPass({ now: digestTime - HOUR })).toMatchObject({ digests: 0 }); // 07:30 in Tokyo: not yet
      expect(await mailPass(digestTime - HOUR)).toEqual({ sent: 0, retrying: 0, failed: 0 });

      expect(runNotificationPass({ now: digestTime })).toMatchObject({ digests: 1 });
      expect(await mailPass(digestTime)).toEqual({ sent: 1, retrying: 0, failed: 0 });
      const mails = received();
      expect(mails).toHaveLength(1);
      const [digest] = mails;
      expect(digest.to).toEqual([dora.email]);
      expect(digest.parsed.subject).toBe("[Triad] Your daily digest: 2 notifications");
      const requirementsLink = `${PUBLIC_URL}/projects/${project.slug}/requirements`;
      for (const title of titles) {
        expect(digest.parsed.text).toContain(`- ${title}\n  ${requirementsLink}`);
        expect(digest.parsed.html).toContain(`<a href="${requirementsLink}">${escapeHtml(title)}</a>`);
      }
      // A digest is about no single category: no one-click unsubscribe header.
      expect(digest.header("list-unsubscribe")).toBeUndefined();
      expect(
        sqlite().prepare("select mailed_at from notifications where user_id = ? order by id").all(dora.id),
      ).toEqual([{ mailed_at: digestTime }, { mailed_at: digestTime }]);

      // Later the same day in Tokyo (18:30): the pass and the worker send nothing more.
      expect(runNotificationPass({ now: digestTime + 10 * HOUR })).toMatchObject({ digests: 0 });
      expect(await mailPass(digestTime + 10 * HOUR)).toEqual({ sent: 0, retrying: 0, failed: 0 });
      expect(received()).toHaveLength(1);
      expect(received().filter((m) => m.to.includes(olga.email) || m.to.includes(bea.email))).toEqual([]);
    },
    LIMIT_MS,
  );
});
