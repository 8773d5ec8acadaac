/**
 * A person's time zone (docs/domain.md, "Dates and times"): the browser's zone is kept at their
 * first sign-in ever (set once, never overwritten by later sign-ins, an invalid zone ignored),
 * they change it on /account (the same setting as /account/notifications), and every page gets
 * it from the root loader.
 */
import { afterEach, describe, expect, it } from "vitest";
import { addDays, dateInZone, utcDate } from "~/domain/dates";
import { resetOrgTimeZone } from "~/lib/org-time-zone.server";
import { updateDebtItem } from "~/models/debt.server";
import { loader as rootLoader } from "~/root";
import * as account from "~/routes/account";
import * as debtIndex from "~/routes/debt._index";
import * as login from "~/routes/login";
import * as notificationSettings from "~/routes/account_.notifications";
import * as setup from "~/routes/setup";
import { saveNotificationSettings } from "~/models/notifications-read.server";
import { activitySince, lastActivityId, sqlite } from "../support/database";
import { callAction, callLoader, cookieHeader, refusalOf } from "../support/requests";
import { createTestUser, signInAs, type TestUser } from "../support/users";
import { actorOf, createDebtWorld, logItem } from "./debt-support";

const zoneOf = (userId: number) =>
  (sqlite().prepare("select time_zone as zone from users where id = ?").get(userId) as { zone: string }).zone;

/** Signs in through the login form, with the hidden field as the browser's script fills it (or without it). */
async function signInWithZone(user: TestUser, timeZone?: string, password = user.password) {
  const form: Record<string, string> = { email: user.email, password, redirectTo: "/" };
  if (timeZone !== undefined) form.timeZone = timeZone;
  return callAction(login.action, "/login", { form });
}

describe("the first admin (setup)", () => {
  it("gets the browser's zone when setting Triad up", async () => {
    const result = await callAction(setup.action, "/setup", {
      form: {
        name: "Ada Admin",
        email: "ada@example.com",
        discipline: "it",
        password: "correct horse battery staple",
        timeZone: "Europe/Berlin",
      },
    });
    expect(result).toMatchObject({ status: 302, location: "/" });
    const cookie = cookieHeader(result.headers.getSetCookie());
    const root = await callLoader(rootLoader, "/", { cookie });
    expect(root.data.timeZone).toBe("Europe/Berlin");
  });
});

describe("the browser's zone at the first sign-in", () => {
  it("is kept at the first sign-in and recorded in its activity row", async () => {
    const user = await createTestUser();
    expect(zoneOf(user.id)).toBe("UTC");
    const since = lastActivityId();
    const result = await signInWithZone(user, "America/New_York");
    expect(result).toMatchObject({ status: 302, location: "/" });
    expect(zoneOf(user.id)).toBe("America/New_York");
    const rows = activitySince(since);
    expect(rows.map((r) => r.action)).toEqual(["session.signed_in"]);
    expect(JSON.parse(String(rows[0].after))).toMatchObject({ timeZone: "America/New_York" });

    // Every page now shows times in it: the root loader gives it to the pages.
    const cookie = cookieHeader(result.headers.getSetCookie());
    const root = await callLoader(rootLoader, "/", { cookie });
    expect(root.data.timeZone).toBe("America/New_York");
  });

  it("is set once: a later sign-in from another zone changes nothing", async () => {
    const user = await createTestUser();
    await signInWithZone(user, "Asia/Tokyo");
    expect(zoneOf(user.id)).toBe("Asia/Tokyo");
    const since = lastActivityId();
    expect((await signInWithZone(user, "Europe/Berlin")).status).toBe(302);
    expect(zoneOf(user.id)).toBe("Asia/Tokyo");
    const rows = activitySince(since);
    expect(rows.map((r) => r.action)).toEqual(["session.signed_in"]);
    expect(JSON.parse(String(rows[0].after))).not.toHaveProperty("timeZone");
  });

  it("is not kept after the first sign-in, even if that one had no zone (no JavaScript)", async () => {
    const user = await createTestUser();
    expect((await signInWithZone(user)).status).toBe(302);
    expect(zoneOf(user.id)).toBe("UTC");
    await signInWithZone(user, "Europe/Berlin");
    expect(zoneOf(user.id)).toBe("UTC");
  });

  it.each(["Mars/Olympus_Mons", "", "<script>alert(1)</script>", "Europe/Berlin\n", "x".repeat(500)])(
    "ignores the invalid zone %j: the sign-in works and the zone stays UTC",
    async (zone) => {
      const user = await createTestUser();
      const result = await signInWithZone(user, zone);
      expect(result).toMatchObject({ status: 302, location: "/" });
      expect(zoneOf(user.id)).toBe("UTC");
    },
  );

  it("ignores the zone of a failed sign-in, and keeps the one of the first that works", async () => {
    const user = await createTestUser();
    expect((await signInWithZone(user, "Asia/Tokyo", "not the right password")).status).toBe(401);
    expect(zoneOf(user.id)).toBe("UTC");
    expect((await signInWithZone(user, "Europe/Berlin")).status).toBe(302);
    expect(zoneOf(user.id)).toBe("Europe/Berlin");
  });

  it("takes a zone the browser calls by another name, as the list names it", async () => {
    const user = await createTestUser();
    await signInWithZone(user, "Etc/UTC");
    expect(zoneOf(user.id)).toBe("UTC");
    const other = await createTestUser();
    await signInWithZone(other, "Asia/Kolkata");
    expect(["Asia/Kolkata", "Asia/Calcutta"]).toContain(zoneOf(other.id));
  });

  it("never overwrites a zone the person already chose", async () => {
    const user = await createTestUser();
    saveNotificationSettings({
      actor: { id: user.id, name: user.name, role: user.role, discipline: user.discipline, via: "api" },
      timeZone: "Australia/Sydney",
    });
    await signInWithZone(user, "Europe/Berlin");
    expect(zoneOf(user.id)).toBe("Australia/Sydney");
  });
});

describe("the time zone on /account", () => {
  it("shows the zone and the list to choose from", async () => {
    const user = await createTestUser();
    const page = await callLoader(account.loader, "/account", { cookie: signInAs(user) });
    expect(page.data.timeZone).toBe("UTC");
    expect(page.data.timeZones).toEqual(expect.arrayContaining(["UTC", "Europe/Berlin", "America/New_York"]));
  });

  it("changes it with one activity row, and /account/notifications shows the same zone", async () => {
    const user = await createTestUser();
    const cookie = signInAs(user);
    const since = lastActivityId();
    const result = await callAction(account.action, "/account", {
      cookie,
      form: { intent: "time-zone", timeZone: "America/New_York" },
    });
    expect(result).toMatchObject({ status: 302, location: "/account" });
    expect(zoneOf(user.id)).toBe("America/New_York");
    expect(activitySince(since).map((r) => r.action)).toEqual(["notification_preferences.updated"]);
    expect((await callLoader(rootLoader, "/", { cookie })).data.timeZone).toBe("America/New_York");
    const settings = await callLoader(notificationSettings.loader, "/account/notifications", { cookie });
    expect(settings.data.settings.timeZone).toBe("America/New_York");
  });

  it.each(["Atlantis/Capital", "", "America/New_York; drop table users"])(
    "refuses %j next to the field and changes nothing",
    async (zone) => {
      const user = await createTestUser();
      const cookie = signInAs(user);
      const since = lastActivityId();
      const result = await callAction(account.action, "/account", {
        cookie,
        form: { intent: "time-zone", timeZone: zone },
      });
      expect(result.status).toBe(400);
      expect(refusalOf(result.data).fieldErrors.timeZone).toBe(
        "Choose a time zone from the list, such as Europe/Berlin or UTC.",
      );
      expect(zoneOf(user.id)).toBe("UTC");
      expect(activitySince(since)).toEqual([]);
    },
  );
});

describe("the zone of anonymous pages", () => {
  it("is the organisation's (UTC unless TRIAD_TIME_ZONE says otherwise)", async () => {
    const root = await callLoader(rootLoader, "/login");
    expect(root.data).toMatchObject({ user: null, timeZone: "UTC" });
  });
});

describe("overdue in the organisation's zone (TRIAD_TIME_ZONE)", () => {
  afterEach(() => {
    delete process.env.TRIAD_TIME_ZONE;
    resetOrgTimeZone();
  });

  it("counts an item overdue once the organisation's date, not UTC's, is past its target", async () => {
    const world = await createDebtWorld("Zone press line");
    const now = Date.now();
    // A zone whose date differs from UTC's right now: Kiritimati (UTC+14) is on the next day from
    // 10:00 UTC on, Pago Pago (UTC-11) still on the day before until 11:00 UTC.
    const zone = new Date(now).getUTCHours() >= 10 ? "Pacific/Kiritimati" : "Pacific/Pago_Pago";
    process.env.TRIAD_TIME_ZONE = zone;
    resetOrgTimeZone();
    const orgDate = dateInZone(now, zone);
    expect(orgDate).not.toBe(utcDate(now));

    const due = (title: string, targetDate: string) => {
      const item = logItem(world, { title });
      updateDebtItem({
        actor: actorOf(world.scientist),
        itemId: item.id,
        version: item.version,
        plan: { strategy: "Rewrite the join", targetDate, repayBeforeStage: null },
      });
    };
    due("Due the organisation's yesterday", addDays(orgDate, -1));
    due("Due the organisation's today", orgDate);

    const overdue = await callLoader(debtIndex.loader, "/debt?overdue=yes", { cookie: world.cookies.owner });
    const titles = overdue.data.rows.map((r: { title: string }) => r.title);
    expect(titles).toContain("Due the organisation's yesterday");
    expect(titles).not.toContain("Due the organisation's today");
  });
});
