/**
 * The notification endpoints of /api/v1 (docs/domain.md, "Notifications"), each through its
 * route file: the token user's own list with cursor paging and `unread=true`, marking read
 * (only one's own: another person's id is a 404 and nothing is marked), and the settings
 * (GET and PATCH, validated field by field, one activity row per change).
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "../../db/client.server";
import { DEFAULT_MODE, NOTIFICATION_CATEGORIES, type NotificationDraft } from "~/domain/notifications";
import { notify } from "~/models/notifications.server";
import { apiLimiter } from "~/api/handler.server";
import { activitySince, countRows, lastActivityId, sqlite } from "../support/database";
import { api, userWithToken, type TokenUser } from "./api-support";

let ada: TokenUser;
let bob: TokenUser;
let carla: TokenUser;

function tell(actor: TokenUser | null, drafts: NotificationDraft[], now = Date.now()): number[] {
  return db.transaction((tx) => notify(tx, { actorId: actor?.id ?? null, drafts, now }));
}
const draft = (userId: number, title: string, link = "/projects"): NotificationDraft => ({
  userId,
  category: "comment",
  title,
  link,
});
const readAtOf = (id: number) =>
  (sqlite().prepare("select read_at from notifications where id = ?").get(id) as { read_at: number | null }).read_at;
const unreadOf = (userId: number) =>
  (
    sqlite().prepare("select count(*) as n from notifications where user_id = ? and read_at is null").get(userId) as {
      n: number;
    }
  ).n;

beforeAll(async () => {
  ada = await userWithToken({ name: "Ada Business", discipline: "business" });
  bob = await userWithToken({ name: "Bob Operations", discipline: "it" });
  carla = await userWithToken({ name: "Carla Science", discipline: "data_science" });
});

beforeEach(() => apiLimiter.reset());

describe("GET /notifications", () => {
  it("lists only the token user's own, newest first, with an opaque cursor and instants as ISO strings", async () => {
    const t0 = Date.UTC(2027, 2, 1, 9, 0, 0);
    const ids = Array.from({ length: 5 }, (_, i) => tell(ada, [draft(bob.id, `For Bob ${i + 1}`)], t0 + i * 1000)[0]);
    tell(ada, [draft(carla.id, "For Carla")], t0 + 10_000);
    sqlite()
      .prepare("update notifications set read_at = ? where id = ?")
      .run(t0 + 20_000, ids[0]);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer: { status: number; body: any } = await api(
        "GET",
        `/api/v1/notifications?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
        { token: bob.token },
      );
      expect(answer.status).toBe(200);
      expect(answer.body.unreadCount).toBe(4);
      seen.push(...answer.body.notifications.map((n: { title: string }) => n.title));
      cursor = answer.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(["For Bob 5", "For Bob 4", "For Bob 3", "For Bob 2", "For Bob 1"]);

    const first = await api("GET", "/api/v1/notifications?limit=1", { token: bob.token });
    expect(first.body.notifications[0]).toEqual({
      id: ids[4],
      category: "comment",
      title: "For Bob 5",
      body: "",
      link: "/projects",
      project: null,
      actor: { id: ada.id, name: "Ada Business" },
      createdAt: new Date(t0 + 4000).toISOString(),
      readAt: null,
    });
    const unread = await api("GET", "/api/v1/notifications?unread=true", { token: bob.token });
    expect(unread.body.notifications.map((n: { id: number }) => n.id)).toEqual([ids[4], ids[3], ids[2], ids[1]]);
    expect(unread.body.nextCursor).toBeNull();

    const carlas = await api("GET", "/api/v1/notifications", { token: carla.token });
    expect(carlas.body.notifications.map((n: { title: string }) => n.title)).toEqual(["For Carla"]);
  });

  it("refuses a bad filter, limit or cursor with 400 and fields", async () => {
    for (const [query, field] of [
      ["unread=yes", "unread"],
      ["limit=0", "limit"],
      ["limit=101", "limit"],
      ["cursor=abc", "cursor"],
      ["cursor=eyJwYWdlIjoyfQ.AAAAAAAAAAAAAAAAAAAAAA", "cursor"],
    ]) {
      const answer = await api("GET", `/api/v1/notifications?${query}`, { token: bob.token });
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.code).toBe("invalid_request");
      expect(Object.keys(answer.body.error.fields), query).toEqual([field]);
    }
  });

  it("needs a token", async () => {
    const answer = await api("GET", "/api/v1/notifications");
    expect(answer.status).toBe(401);
  });
});

describe("POST /notifications/read", () => {
  it("marks the given ids of the token user's own read, without an activity row", async () => {
    const [one, two, three] = tell(ada, [
      draft(bob.id, "One"),
      draft(bob.id, "Two", "/debt"),
      draft(bob.id, "Three", "/people"),
    ]);
    const since = lastActivityId();
    const before = unreadOf(bob.id);
    const answer = await api("POST", "/api/v1/notifications/read", {
      token: bob.token,
      body: { ids: [one, two, two] },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ marked: 2, unreadCount: before - 2 });
    expect(readAtOf(one)).not.toBeNull();
    expect(readAtOf(three)).toBeNull();
    expect(activitySince(since)).toEqual([]);
    // Again: already read, nothing more marked, the first time kept.
    const firstRead = readAtOf(one);
    const again = await api("POST", "/api/v1/notifications/read", { token: bob.token, body: { ids: [one] } });
    expect(again.body.marked).toBe(0);
    expect(readAtOf(one)).toBe(firstRead);
  });

  it("answers 404 for someone else's id (or none) and marks nothing, not even the own ones sent with it", async () => {
    const [bobs] = tell(ada, [draft(bob.id, "Bob's own")]);
    const [carlas] = tell(ada, [draft(carla.id, "Carla's own")]);
    for (const ids of [[carlas], [bobs, carlas], [bobs, 99_999_999]]) {
      const answer = await api("POST", "/api/v1/notifications/read", { token: bob.token, body: { ids } });
      expect(answer.status, JSON.stringify(ids)).toBe(404);
      expect(answer.body.error.code).toBe("not_found");
    }
    expect(readAtOf(bobs)).toBeNull();
    expect(readAtOf(carlas)).toBeNull();
  });

  it("marks all of the token user's own with all: true, and only theirs", async () => {
    tell(ada, [draft(bob.id, "A"), draft(bob.id, "B", "/debt")]);
    const [carlas] = tell(ada, [draft(carla.id, "C")]);
    const before = unreadOf(bob.id);
    const answer = await api("POST", "/api/v1/notifications/read", { token: bob.token, body: { all: true } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ marked: before, unreadCount: 0 });
    expect(readAtOf(carlas)).toBeNull();
  });

  it("refuses a body without ids or all, with both, too many ids, or bad ids", async () => {
    const [bobs] = tell(ada, [draft(bob.id, "Still unread")]);
    const cases: Array<[unknown, string]> = [
      [{}, "body"],
      [{ ids: [bobs], all: true }, "body"],
      [{ all: false }, "all"],
      [{ ids: [] }, "ids"],
      [{ ids: Array.from({ length: 101 }, (_, i) => i + 1) }, "ids"],
      [{ ids: [0] }, "ids.0"],
      [{ ids: [1.5] }, "ids.0"],
      [{ ids: "1" }, "ids"],
      [{ ids: [bobs], extra: 1 }, "extra"],
    ];
    for (const [body, field] of cases) {
      const answer = await api("POST", "/api/v1/notifications/read", { token: bob.token, body });
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(Object.keys(answer.body.error.fields), JSON.stringify(body).slice(0, 80)).toContain(field);
    }
    expect(readAtOf(bobs)).toBeNull();
  });
});

describe("/me/notification-preferences", () => {
  it("GET shows every category's mode and default, the zone, the hour and whether e-mail is configured", async () => {
    const answer = await api("GET", "/api/v1/me/notification-preferences", { token: ada.token });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      preferences: DEFAULT_MODE,
      defaults: DEFAULT_MODE,
      timeZone: "UTC",
      digestHour: 8,
      emailConfigured: Boolean(process.env.TRIAD_SMTP_URL?.trim()),
    });
    expect(Object.keys(answer.body.preferences)).toEqual([...NOTIFICATION_CATEGORIES]);
  });

  it("PATCH changes only what it sends, with one activity row via api", async () => {
    const someone = await userWithToken({ name: "Dora Digest" });
    const since = lastActivityId();
    const answer = await api("PATCH", "/api/v1/me/notification-preferences", {
      token: someone.token,
      body: { preferences: { comment: "digest", debt_due: "in_app" } },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.preferences).toEqual({ ...DEFAULT_MODE, comment: "digest", debt_due: "in_app" });
    expect(answer.body).toMatchObject({ timeZone: "UTC", digestHour: 8 });
    const rows = activitySince(since);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: "notification_preferences.updated", actor_id: someone.id, via: "api" });

    const zone = await api("PATCH", "/api/v1/me/notification-preferences", {
      token: someone.token,
      body: { timeZone: "Asia/Tokyo", digestHour: 18 },
    });
    expect(zone.status).toBe(200);
    expect(zone.body).toMatchObject({
      timeZone: "Asia/Tokyo",
      digestHour: 18,
      preferences: { comment: "digest", debt_due: "in_app" },
    });
    expect(activitySince(since)).toHaveLength(2);

    // Nothing new: 200, no row.
    const same = await api("PATCH", "/api/v1/me/notification-preferences", {
      token: someone.token,
      body: { digestHour: 18 },
    });
    expect(same.status).toBe(200);
    expect(activitySince(since)).toHaveLength(2);

    // Only the token user's own settings, whoever else exists.
    const others = await api("GET", "/api/v1/me/notification-preferences", { token: bob.token });
    expect(others.body).toMatchObject({ timeZone: "UTC", digestHour: 8, preferences: DEFAULT_MODE });
  });

  it("refuses a bad category, mode, zone or hour with 400 fields, and changes nothing", async () => {
    const someone = await userWithToken();
    const since = lastActivityId();
    const prefsBefore = countRows("notification_preferences");
    const cases: Array<[unknown, string]> = [
      [{}, "body"],
      [{ preferences: { sms_blast: "digest" } }, "preferences.sms_blast"],
      [{ preferences: { comment: "sms" } }, "preferences.comment"],
      [{ preferences: { comment: "digest", mention: "never" } }, "preferences.mention"],
      [{ preferences: ["digest"] }, "preferences"],
      [{ timeZone: "Mars/Olympus_Mons" }, "timeZone"],
      [{ timeZone: "" }, "timeZone"],
      [{ timeZone: 1 }, "timeZone"],
      [{ digestHour: 24 }, "digestHour"],
      [{ digestHour: -1 }, "digestHour"],
      [{ digestHour: 7.5 }, "digestHour"],
      [{ digestHour: 7, colour: "blue" }, "colour"],
    ];
    for (const [body, field] of cases) {
      const answer = await api("PATCH", "/api/v1/me/notification-preferences", { token: someone.token, body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.code).toBe("invalid_request");
      expect(Object.keys(answer.body.error.fields), JSON.stringify(body)).toContain(field);
    }
    expect(activitySince(since)).toEqual([]);
    expect(countRows("notification_preferences")).toBe(prefsBefore);
    const after = await api("GET", "/api/v1/me/notification-preferences", { token: someone.token });
    expect(after.body).toMatchObject({ timeZone: "UTC", digestHour: 8, preferences: DEFAULT_MODE });
  });

  it("answers 405 for PUT and DELETE", async () => {
    for (const method of ["PUT", "DELETE"]) {
      const answer = await api(method, "/api/v1/me/notification-preferences", {
        token: ada.token,
        body: { digestHour: 9 },
      });
      expect(answer.status, method).toBe(405);
    }
  });
});
