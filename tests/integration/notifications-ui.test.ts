/**
 * Notifications in the app (docs/domain.md, "Notifications"): the bell's count in the root
 * loader, /notifications (order, filter, paging, marking read, only one's own), opening one
 * through /notifications/<id>/open (never to another site), and /account/notifications
 * (modes per category, time zone and digest hour, validated; one activity row per save).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db/client.server";
import { DEFAULT_MODE, NOTIFICATION_CATEGORIES, type NotificationDraft } from "~/domain/notifications";
import { notify } from "~/models/notifications.server";
import { createProject } from "~/models/projects.server";
import { loader as rootLoader } from "~/root";
import { action as settingsAction, loader as settingsLoader } from "~/routes/account_.notifications";
import { action as listAction, loader as listLoader } from "~/routes/notifications";
import { action as openAction, loader as openLoader } from "~/routes/notifications_.$notificationId.open";
import { activitySince, countRows, lastActivityId, sqlite } from "../support/database";
import { callAction, callLoader, refusalOf } from "../support/requests";
import { createTestUser, signInAs, type TestUser } from "../support/users";

let ada: TestUser;
let bob: TestUser;
let carla: TestUser;
let adaCookie: string;
let bobCookie: string;
let projectId: number;
let projectSlug: string;

const actorOf = (u: TestUser) => ({
  id: u.id,
  name: u.name,
  role: u.role,
  discipline: u.discipline,
  via: "web" as const,
});

/** Writes notifications as the models do (inside a transaction, never to the actor). */
function tell(actor: TestUser | null, drafts: NotificationDraft[], now = Date.now()): number[] {
  return db.transaction((tx) => notify(tx, { actorId: actor?.id ?? null, drafts, now }));
}

function draft(userId: number, title: string, extra: Partial<NotificationDraft> = {}): NotificationDraft {
  return { userId, category: "comment", title, body: "", link: `/projects/${projectSlug}/gate`, projectId, ...extra };
}

const readAtOf = (id: number) =>
  (sqlite().prepare("select read_at from notifications where id = ?").get(id) as { read_at: number | null }).read_at;

/** A notification stored with whatever link, as a broken or hostile writer might leave it. */
function storeRaw(userId: number, link: string): number {
  return Number(
    sqlite()
      .prepare(
        "insert into notifications (user_id, category, title, body, link, created_at) values (?, 'comment', 'Raw', '', ?, ?)",
      )
      .run(userId, link, Date.now()).lastInsertRowid,
  );
}

beforeAll(async () => {
  ada = await createTestUser({ name: "Ada Business", discipline: "business" });
  bob = await createTestUser({ name: "Bob Operations", discipline: "it" });
  carla = await createTestUser({ name: "Carla Science", discipline: "data_science" });
  adaCookie = signInAs(ada);
  bobCookie = signInAs(bob);
  const project = createProject({
    actor: actorOf(ada),
    name: "Press line 3",
    summary: "",
    businessCase: "",
    ownerId: ada.id,
  });
  projectId = project.id;
  projectSlug = project.slug;
});

describe("the bell", () => {
  it("shows the signed-in person's own unread count, and nothing for visitors", async () => {
    const before = (await callLoader(rootLoader, "/", { cookie: bobCookie })).data.unread;
    tell(ada, [
      draft(bob.id, "Ada replied to you"),
      draft(bob.id, "Ada mentioned you", { category: "mention", link: "/projects" }),
      draft(carla.id, "For Carla"),
    ]);
    const bell = await callLoader(rootLoader, "/", { cookie: bobCookie });
    expect(bell.data.unread).toBe(before + 2);
    expect(bell.data.user.id).toBe(bob.id);
    const anonymous = await callLoader(rootLoader, "/");
    expect(anonymous.data).toMatchObject({ user: null, unread: 0 });
  });

  it("counts with one query on the notifications index", () => {
    const plan = sqlite()
      .prepare("explain query plan select count(*) from notifications where user_id = ? and read_at is null")
      .all(bob.id) as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join("\n")).toMatch(/USING COVERING INDEX notifications_user_idx/);
  });
});

describe("/notifications", () => {
  it("lists newest first, unread first or unread only, with project and a deep link; only the person's own", async () => {
    const person = await createTestUser({ discipline: "it" });
    const cookie = signInAs(person);
    const t0 = Date.now();
    const [first] = tell(ada, [draft(person.id, "First", { body: "Line one\nLine two" })], t0);
    const [second] = tell(ada, [draft(person.id, "Second")], t0 + 1000);
    const [third] = tell(null, [draft(person.id, "Third, from Triad", { projectId: null })], t0 + 2000);
    tell(ada, [draft(carla.id, "Not theirs")], t0 + 3000);
    sqlite()
      .prepare("update notifications set read_at = ? where id = ?")
      .run(t0 + 5000, third);

    const all = await callLoader(listLoader, "/notifications", { cookie });
    expect(all.status).toBe(200);
    expect(all.data.rows.map((r: { title: string }) => r.title)).toEqual(["Third, from Triad", "Second", "First"]);
    expect(all.data).toMatchObject({ total: 3, unread: 2, page: 1, pages: 1, view: "all" });
    expect(all.data.rows[2]).toMatchObject({
      id: first,
      body: "Line one\nLine two",
      link: `/projects/${projectSlug}/gate`,
      project: { id: projectId, slug: projectSlug, name: "Press line 3" },
      actor: { id: ada.id, name: "Ada Business" },
      readAt: null,
    });
    expect(all.data.rows[0]).toMatchObject({ project: null, actor: null, readAt: t0 + 5000 });

    const unreadFirst = await callLoader(listLoader, "/notifications?show=unread-first", { cookie });
    expect(unreadFirst.data.rows.map((r: { id: number }) => r.id)).toEqual([second, first, third]);
    const unreadOnly = await callLoader(listLoader, "/notifications?show=unread", { cookie });
    expect(unreadOnly.data.rows.map((r: { id: number }) => r.id)).toEqual([second, first]);
    expect(unreadOnly.data.total).toBe(2);
  });

  it("pages 25 at a time and refuses a bad page or filter with a 400 that says why", async () => {
    const person = await createTestUser();
    const cookie = signInAs(person);
    const t0 = Date.now();
    for (let i = 1; i <= 30; i++) tell(ada, [draft(person.id, `Item ${i}`)], t0 + i);
    const page1 = await callLoader(listLoader, "/notifications", { cookie });
    expect(page1.data.rows).toHaveLength(25);
    expect(page1.data.pages).toBe(2);
    const page2 = await callLoader(listLoader, "/notifications?page=2", { cookie });
    expect(page2.data.rows.map((r: { title: string }) => r.title)).toEqual([
      "Item 5",
      "Item 4",
      "Item 3",
      "Item 2",
      "Item 1",
    ]);
    const beyond = await callLoader(listLoader, "/notifications?page=9", { cookie });
    expect(beyond.data).toMatchObject({ rows: [], total: 30 });

    for (const bad of ["page=0", "page=-1", "page=1e3", "page=100001", "page=abc", "show=everything", "show=UNREAD"]) {
      const answer = await callLoader(listLoader, `/notifications?${bad}`, { cookie });
      expect(answer.status, bad).toBe(400);
      expect(answer.thrown).toBe(true);
      expect(String(answer.data)).toMatch(/Pages are numbered|Show “all”/);
    }
  });

  it("sends visitors to sign in", async () => {
    const answer = await callLoader(listLoader, "/notifications");
    expect(answer.status).toBe(302);
    expect(answer.location).toBe("/login?redirectTo=%2Fnotifications");
  });

  it("marks one read and goes back to the same list, with no activity row", async () => {
    const person = await createTestUser();
    const cookie = signInAs(person);
    const [id, other] = tell(ada, [draft(person.id, "One"), draft(person.id, "Two", { link: "/debt" })]);
    const since = lastActivityId();
    const answer = await callAction(listAction, "/notifications?show=unread&page=1", {
      cookie,
      form: { intent: "read", id },
    });
    expect(answer.status).toBe(302);
    expect(answer.location).toBe("/notifications?show=unread&page=1");
    expect(readAtOf(id)).not.toBeNull();
    expect(readAtOf(other)).toBeNull();
    expect(activitySince(since)).toEqual([]);
    // Marking it again keeps the first time.
    const firstRead = readAtOf(id);
    await callAction(listAction, "/notifications", { cookie, form: { intent: "read", id } });
    expect(readAtOf(id)).toBe(firstRead);
  });

  it("answers someone else's notification with 404 and changes nothing", async () => {
    const [carlas] = tell(ada, [draft(carla.id, "Carla's")]);
    const [bobs] = tell(ada, [draft(bob.id, "Bob's")]);
    const answer = await callAction(listAction, "/notifications", {
      cookie: bobCookie,
      form: { intent: "read", id: carlas },
    });
    expect(answer.status).toBe(404);
    expect(answer.thrown).toBe(true);
    expect(readAtOf(carlas)).toBeNull();
    expect(readAtOf(bobs)).toBeNull();
    const missing = await callAction(listAction, "/notifications", {
      cookie: bobCookie,
      form: { intent: "read", id: 99_999_999 },
    });
    expect(missing.status).toBe(404);
    // the same answer for someone else's and for none at all: nothing to learn from it
    expect(String(missing.data).replace(/\d+/g, "N")).toBe(String(answer.data).replace(/\d+/g, "N"));
  });

  it("refuses a missing or malformed id, or an unknown intent, with 400", async () => {
    for (const form of [
      { intent: "read" } as Record<string, string>,
      { intent: "read", id: "0" },
      { intent: "read", id: "1.5" },
      { intent: "read", id: "x" },
      { intent: "delete", id: "1" },
    ]) {
      const answer = await callAction(listAction, "/notifications", { cookie: bobCookie, form });
      expect(answer.status, JSON.stringify(form)).toBe(400);
    }
  });

  it("marks all of the person's own read, and only theirs", async () => {
    const person = await createTestUser();
    const cookie = signInAs(person);
    const mine = tell(ada, [draft(person.id, "A"), draft(person.id, "B", { link: "/debt" })]);
    const [carlas] = tell(ada, [draft(carla.id, "C")]);
    const answer = await callAction(listAction, "/notifications", { cookie, form: { intent: "read-all" } });
    expect(answer.status).toBe(302);
    expect(answer.location).toBe("/notifications");
    for (const id of mine) expect(readAtOf(id)).not.toBeNull();
    expect(readAtOf(carlas)).toBeNull();
    expect((await callLoader(rootLoader, "/", { cookie })).data.unread).toBe(0);
  });
});

describe("/notifications/<id>/open", () => {
  it("marks it read and redirects to its page in Triad", async () => {
    const [id] = tell(ada, [draft(bob.id, "Open me", { link: `/projects/${projectSlug}/gate?tab=comments#c12` })]);
    const before = (await callLoader(rootLoader, "/", { cookie: bobCookie })).data.unread;
    const answer = await callLoader(openLoader, `/notifications/${id}/open`, {
      cookie: bobCookie,
      params: { notificationId: String(id) },
    });
    expect(answer.status).toBe(302);
    expect(answer.location).toBe(`/projects/${projectSlug}/gate?tab=comments#c12`);
    expect(readAtOf(id)).not.toBeNull();
    expect((await callLoader(rootLoader, "/", { cookie: bobCookie })).data.unread).toBe(before - 1);
    // a POST does the same
    const [viaPost] = tell(ada, [draft(bob.id, "Post me", { link: "/debt" })]);
    const posted = await callAction(openAction, `/notifications/${viaPost}/open`, {
      cookie: bobCookie,
      params: { notificationId: String(viaPost) },
      form: {},
    });
    expect(posted.location).toBe("/debt");
    expect(readAtOf(viaPost)).not.toBeNull();
  });

  it("never redirects to another site: an outside link is refused and the notification stays unread", async () => {
    for (const link of [
      "https://evil.example/x",
      "//evil.example/x",
      "/\\evil.example",
      "javascript:alert(1)",
      "/projects\r\nSet-Cookie: x=1",
      " /projects",
      "http:/evil.example",
      "",
      "/a\u0000b",
    ]) {
      const id = storeRaw(bob.id, link);
      const answer = await callLoader(openLoader, `/notifications/${id}/open`, {
        cookie: bobCookie,
        params: { notificationId: String(id) },
      });
      expect(answer.status, link).toBe(302);
      expect(answer.location, link).toBe("/notifications");
      expect(answer.headers.get("Set-Cookie"), link).toMatch(/triad_toast=/);
      expect(readAtOf(id), link).toBeNull();
    }
  });

  it("answers someone else's, a missing or a malformed id with 404, and changes nothing", async () => {
    const [carlas] = tell(ada, [draft(carla.id, "Carla's to open")]);
    for (const raw of [String(carlas), "99999999", "0", "-1", "abc", "1e3", "9".repeat(40)]) {
      const answer = await callLoader(openLoader, `/notifications/${raw}/open`, {
        cookie: bobCookie,
        params: { notificationId: raw },
      });
      expect(answer.status, raw).toBe(404);
    }
    expect(readAtOf(carlas)).toBeNull();
  });

  it("sends visitors to sign in first, then back to the notification", async () => {
    const answer = await callLoader(openLoader, "/notifications/5/open", { params: { notificationId: "5" } });
    expect(answer.status).toBe(302);
    expect(answer.location).toBe("/login?redirectTo=%2Fnotifications%2F5%2Fopen");
  });
});

describe("/account/notifications", () => {
  const allModes = (overrides: Record<string, string> = {}): Record<string, string> => ({
    ...Object.fromEntries(NOTIFICATION_CATEGORIES.map((c) => [c, DEFAULT_MODE[c]])),
    timeZone: "UTC",
    digestHour: "8",
    ...overrides,
  });
  const storedPreferences = (userId: number) =>
    sqlite()
      .prepare("select category, mode from notification_preferences where user_id = ? order by category")
      .all(userId);
  const person = (userId: number) =>
    sqlite().prepare("select time_zone as timeZone, digest_hour as digestHour from users where id = ?").get(userId);

  it("shows every category with its default, the zones of this server, and says when e-mail is not configured", async () => {
    const previous = process.env.TRIAD_SMTP_URL;
    delete process.env.TRIAD_SMTP_URL;
    try {
      const answer = await callLoader(settingsLoader, "/account/notifications", { cookie: adaCookie });
      expect(answer.status).toBe(200);
      expect(answer.data.settings.categories).toHaveLength(NOTIFICATION_CATEGORIES.length);
      expect(answer.data.settings.categories[0]).toEqual({
        category: "review_opened",
        mode: DEFAULT_MODE.review_opened,
        defaultMode: DEFAULT_MODE.review_opened,
        isDefault: true,
      });
      expect(answer.data.settings).toMatchObject({ timeZone: "UTC", digestHour: 8 });
      expect(answer.data.timeZones).toEqual(expect.arrayContaining(["UTC", "Europe/Berlin", "America/New_York"]));
      expect(answer.data.mailConfigured).toBe(false);
      process.env.TRIAD_SMTP_URL = "smtp://mail.example.com:25";
      expect(
        (await callLoader(settingsLoader, "/account/notifications", { cookie: adaCookie })).data.mailConfigured,
      ).toBe(true);
    } finally {
      if (previous === undefined) delete process.env.TRIAD_SMTP_URL;
      else process.env.TRIAD_SMTP_URL = previous;
    }
  });

  it("saves modes, zone and hour with one activity row; a default choice follows the default", async () => {
    const someone = await createTestUser({ name: "Dora Digest" });
    const cookie = signInAs(someone);
    const since = lastActivityId();
    const answer = await callAction(settingsAction, "/account/notifications", {
      cookie,
      form: allModes({ comment: "digest", escalation: "in_app", timeZone: "Europe/Berlin", digestHour: "7" }),
    });
    expect(answer.status).toBe(302);
    expect(answer.location).toBe("/account/notifications");
    expect(storedPreferences(someone.id)).toEqual([
      { category: "comment", mode: "digest" },
      { category: "escalation", mode: "in_app" },
    ]);
    expect(person(someone.id)).toEqual({ timeZone: "Europe/Berlin", digestHour: 7 });
    const rows = activitySince(since);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor_id: someone.id,
      entity_type: "user",
      entity_id: someone.id,
      action: "notification_preferences.updated",
      via: "web",
    });
    expect(JSON.parse(rows[0].after!)).toEqual({
      preferences: { comment: "digest", escalation: "in_app" },
      timeZone: "Europe/Berlin",
      digestHour: 7,
    });
    expect(JSON.parse(rows[0].before!)).toEqual({
      preferences: { comment: "immediate", escalation: "immediate" },
      timeZone: "UTC",
      digestHour: 8,
    });

    const shown = await callLoader(settingsLoader, "/account/notifications", { cookie });
    expect(shown.data.settings.categories.find((c: { category: string }) => c.category === "comment")).toMatchObject({
      mode: "digest",
      isDefault: false,
    });

    // Back to the default: the choice is removed, one more activity row.
    const back = lastActivityId();
    await callAction(settingsAction, "/account/notifications", {
      cookie,
      form: allModes({ escalation: "in_app", timeZone: "Europe/Berlin", digestHour: "7" }),
    });
    expect(storedPreferences(someone.id)).toEqual([{ category: "escalation", mode: "in_app" }]);
    expect(activitySince(back)).toHaveLength(1);

    // The same again: nothing changed, nothing written.
    const same = lastActivityId();
    const again = await callAction(settingsAction, "/account/notifications", {
      cookie,
      form: allModes({ escalation: "in_app", timeZone: "Europe/Berlin", digestHour: "7" }),
    });
    expect(again.status).toBe(302);
    expect(activitySince(same)).toEqual([]);
  });

  it("refuses a bad zone, hour or mode with 400 next to the field, and changes nothing", async () => {
    const someone = await createTestUser();
    const cookie = signInAs(someone);
    const since = lastActivityId();
    const rowsBefore = countRows("notification_preferences");
    const cases: Array<[Record<string, string>, string]> = [
      [{ timeZone: "Mars/Olympus_Mons" }, "timeZone"],
      [{ timeZone: "Europe/Berlin\u0000" }, "timeZone"],
      [{ timeZone: "x".repeat(500) }, "timeZone"],
      [{ digestHour: "24" }, "digestHour"],
      [{ digestHour: "-1" }, "digestHour"],
      [{ digestHour: "7.5" }, "digestHour"],
      [{ digestHour: "" }, "digestHour"],
      [{ comment: "sms" }, "comment"],
      [{ review_opened: "" }, "review_opened"],
    ];
    for (const [override, field] of cases) {
      const answer = await callAction(settingsAction, "/account/notifications", {
        cookie,
        form: allModes({ comment: "digest", ...override }),
      });
      expect(answer.status, JSON.stringify(override)).toBe(400);
      expect(Object.keys(refusalOf(answer.data).fieldErrors), JSON.stringify(override)).toEqual([field]);
      expect(refusalOf(answer.data).formError).toBeTruthy();
    }
    // A category left out of the form is refused too.
    const withoutMention = allModes();
    delete withoutMention.mention;
    const partial = await callAction(settingsAction, "/account/notifications", { cookie, form: withoutMention });
    expect(partial.status).toBe(400);
    expect(refusalOf(partial.data).fieldErrors.mention).toBeTruthy();

    expect(activitySince(since)).toEqual([]);
    expect(countRows("notification_preferences")).toBe(rowsBefore);
    expect(person(someone.id)).toEqual({ timeZone: "UTC", digestHour: 8 });
  });

  it("refuses a field sent twice (forms send each field once)", async () => {
    const answer = await callAction(settingsAction, "/account/notifications", {
      cookie: adaCookie,
      form: { ...allModes(), timeZone: ["UTC", "Europe/Berlin"] },
    });
    expect(answer.status).toBe(400);
  });
});
