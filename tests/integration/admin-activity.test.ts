/**
 * The admins' audit log (/admin/activity) and its CSV (/admin/activity.csv): sign-ins and failed
 * sign-ins, token and webhook changes and project changes are all there, newest first; the
 * filters (who, action, project, days) select exactly the matching rows; the CSV holds exactly
 * the filtered rows in the page's order; hostile filter values are left out with a message on
 * the page and refused with 400 by the CSV; members get 403. Last, on a generated organisation,
 * every filter reads the log through one of its indexes (no scan of the whole log).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db/client.server";
import { generateOrganisation } from "../../bench/generate";
import { recordActivity } from "~/models/activity.server";
import { listActivityLog, type ActivityLogQuery } from "~/models/activity-log.server";
import { createProject } from "~/models/projects.server";
import { createToken, revokeToken } from "~/models/tokens.server";
import { createWebhook, setWebhookActive } from "~/models/webhooks.server";
import * as loginRoute from "~/routes/login";
import * as logPage from "~/routes/admin.activity";
import * as logCsv from "~/routes/admin.activity[.]csv";
import { loginLimiter } from "~/utils/rate-limit.server";
import { parseCsv } from "../support/csv";
import { resetDatabase, sqlite } from "../support/database";
import { callAction, callLoader } from "../support/requests";
import { createAdmin, createTestUser, signInAs, TEST_PASSWORD, type TestUser } from "../support/users";
import { actorOf } from "./debt-support";

type PageRow = { id: number; at: number; actorName: string | null; action: string; projectName: string | null };

let admin: TestUser;
let member: TestUser;
let adminCookie: string;

const T = (iso: string) => Date.parse(iso);
/** Every row the way the log orders it: newest first. */
const allIds = () =>
  (sqlite().prepare("select id from activity order by at desc, id desc").all() as { id: number }[]).map((r) => r.id);
const idsWhere = (where: string, ...params: unknown[]) =>
  (
    sqlite()
      .prepare(`select id from activity where ${where} order by at desc, id desc`)
      .all(...params) as { id: number }[]
  ).map((r) => r.id);

const page = (query = "", cookie = adminCookie) => callLoader(logPage.loader, `/admin/activity${query}`, { cookie });
const csv = (query = "", cookie = adminCookie) => callLoader(logCsv.loader, `/admin/activity.csv${query}`, { cookie });
/** The ids of a CSV download (its first column), after checking its header. */
function csvIds(text: string): number[] {
  const [header, ...rows] = parseCsv(text, { unterminated: "keep" });
  expect(header.slice(0, 6)).toEqual(["ID", "When (UTC)", "Actor ID", "Actor", "Action", "Action code"]);
  return rows.map((r) => Number(r[0]));
}

let projectA: { id: number; slug: string };
let projectB: { id: number; slug: string };

beforeAll(async () => {
  resetDatabase();
  loginLimiter.reset();
  admin = await createAdmin({ name: "Ada Admin" });
  member = await createTestUser({ name: "Mo Member", discipline: "data_science" });
  adminCookie = signInAs(admin);
  const actor = actorOf(admin);
  // Project changes on known days (UTC): 1 March, late on 5 March, early on 6 March.
  projectA = createProject(
    { actor, name: "Churn model", summary: "", businessCase: "", ownerId: admin.id },
    { now: T("2026-03-01T10:00:00Z") },
  );
  projectB = createProject(
    { actor, name: "Fraud radar", summary: "", businessCase: "", ownerId: admin.id },
    { now: T("2026-03-05T23:30:00Z") },
  );
  createProject(
    { actor, name: "Churn model v2", summary: "", businessCase: "", ownerId: admin.id },
    { now: T("2026-03-06T02:00:00Z") },
  );
  // Tokens and webhooks.
  const { row: token } = createToken(
    { actor: actorOf(member), userId: member.id, name: "Notebook", expiresOn: null },
    { now: T("2026-03-07T09:00:00Z") },
  );
  revokeToken({ actor: actorOf(member), tokenId: token.id }, { now: T("2026-03-07T09:05:00Z") });
  const hook = createWebhook(
    { actor, url: "https://hooks.example.com/log", secret: "a-secret-of-enough-length", events: ["debt.created"] },
    { now: T("2026-03-08T12:00:00Z") },
  );
  setWebhookActive({ actor, webhookId: hook.id, version: 1, active: false }, { now: T("2026-03-08T12:30:00Z") });
  // Real sign-ins through the sign-in page: one that works, a wrong password, an unknown e-mail.
  const login = (email: string, password: string) =>
    callAction(loginRoute.action, "/login", { form: { email, password, redirectTo: "/" } });
  expect((await login(member.email, TEST_PASSWORD)).status).toBe(302);
  expect((await login(member.email, "not the password at all")).status).toBe(401);
  expect((await login("nobody-here@example.com", "whatever password")).status).toBe(401);
});

describe("/admin/activity", () => {
  it("is for admins only, like the other admin pages", async () => {
    const cookie = signInAs(member);
    expect(await page("", cookie)).toMatchObject({
      status: 403,
      thrown: true,
      data: "Only admins can open this page.",
    });
    expect(await csv("", cookie)).toMatchObject({ status: 403, thrown: true });
    const anonymous = await page("", null as unknown as string);
    expect(anonymous.status).toBe(302);
  });

  it("shows sign-ins, failed sign-ins, token, webhook and project changes, newest first", async () => {
    const { status, data } = await page();
    expect(status).toBe(200);
    const rows: PageRow[] = data.rows;
    expect(rows.map((r) => r.id)).toEqual(allIds().slice(0, 50));
    const actions = rows.map((r) => r.action);
    for (const action of [
      "session.signed_in",
      "session.sign_in_failed",
      "token.created",
      "token.revoked",
      "webhook.created",
      "webhook.deactivated",
      "project.created",
      "user.created",
    ]) {
      expect(actions, action).toContain(action);
    }
    const failed = rows.filter((r) => r.action === "session.sign_in_failed");
    expect(failed.map((r) => r.actorName).sort()).toEqual(["Mo Member", null].sort());
    expect(rows.find((r) => r.action === "session.sign_in_failed")).toMatchObject({ actionLabel: "Failed sign-in" });
    // The action filter offers what the log holds, by label.
    expect(data.options.actions).toContainEqual({ value: "webhook.deactivated", label: "Webhook deactivated" });
    expect(data.options.people).toContainEqual({ value: String(member.id), label: "Mo Member" });
    expect(data.csvHref).toBe("/admin/activity.csv");
  });

  it("filters by actor (a person, no one, or a name), by action and by project", async () => {
    const byMember: PageRow[] = (await page(`?actor=${member.id}`)).data.rows;
    expect(byMember.map((r) => r.id)).toEqual(idsWhere("actor_id = ?", member.id));
    expect(new Set(byMember.map((r) => r.action))).toEqual(
      new Set(["user.created", "session.signed_in", "session.sign_in_failed", "token.created", "token.revoked"]),
    );
    const nobody: PageRow[] = (await page("?actor=none")).data.rows;
    expect(nobody.map((r) => r.id)).toEqual(idsWhere("actor_id is null"));
    expect(nobody.some((r) => r.action === "session.sign_in_failed")).toBe(true);
    const byName = await page("?actorName=mo%20mem");
    expect(byName.data.rows.map((r: PageRow) => r.id)).toEqual(idsWhere("actor_id = ?", member.id));
    expect(byName.data.matched.people).toEqual(["Mo Member"]);
    const noName = await page("?actorName=Zed");
    expect(noName.data.rows).toEqual([]);
    expect(noName.data.problems.actorName).toBe("No one's name contains “Zed”.");

    const webhooks: PageRow[] = (await page("?action=webhook.deactivated")).data.rows;
    expect(webhooks).toHaveLength(1);
    expect(webhooks[0]).toMatchObject({ actorName: "Ada Admin", action: "webhook.deactivated" });
    const signIns: PageRow[] = (await page(`?action=session.sign_in_failed&actor=${member.id}`)).data.rows;
    expect(signIns.map((r) => r.id)).toEqual(idsWhere("action = 'session.sign_in_failed' and actor_id = ?", member.id));

    const onA: PageRow[] = (await page(`?project=${projectA.id}`)).data.rows;
    expect(onA.map((r) => r.id)).toEqual(idsWhere("project_id = ?", projectA.id));
    expect(onA.every((r) => r.projectName === "Churn model")).toBe(true);
    const churn: PageRow[] = (await page("?projectName=churn")).data.rows;
    expect(new Set(churn.map((r) => r.projectName))).toEqual(new Set(["Churn model", "Churn model v2"]));
  });

  it("filters by days, in the admin's time zone, both days included", async () => {
    const inMarch = (await page("?from=2026-03-01&to=2026-03-05")).data.rows as PageRow[];
    expect(inMarch.map((r) => r.projectName)).toEqual(["Fraud radar", "Churn model"]);
    expect(inMarch.map((r) => r.id)).toEqual(
      idsWhere("at >= ? and at < ?", T("2026-03-01T00:00:00Z"), T("2026-03-06T00:00:00Z")),
    );
    const oneDay = (await page("?from=2026-03-07&to=2026-03-07")).data.rows as PageRow[];
    expect(oneDay.map((r) => r.action)).toEqual(["token.revoked", "token.created"]);
    const fromOnly = (await page("?from=2026-03-08&action=webhook.created")).data.rows as PageRow[];
    expect(fromOnly).toHaveLength(1);
    // 6 March 02:00 UTC is still 5 March in New York.
    sqlite().prepare("update users set time_zone = 'America/New_York' where id = ?").run(admin.id);
    try {
      const newYork = (await page("?from=2026-03-05&to=2026-03-05", signInAs(admin))).data.rows as PageRow[];
      expect(newYork.map((r) => r.projectName)).toEqual(["Churn model v2", "Fraud radar"]);
    } finally {
      sqlite().prepare("update users set time_zone = 'UTC' where id = ?").run(admin.id);
    }
  });

  it("leaves hostile or malformed filters out with a message next to the field, never a 500", async () => {
    const cases: Array<[string, string, RegExp]> = [
      ["actor=abc", "actor", /Choose a person from the list/],
      ["actor=-1", "actor", /Choose a person from the list/],
      ["actor=1e3", "actor", /Choose a person from the list/],
      ["project=99999999999999999999", "project", /Choose a project from the list/],
      ["action=DROP%20TABLE%20activity", "action", /Choose an action from the list/],
      [`action=${"a".repeat(5000)}`, "action", /Choose an action from the list/],
      ["from=2026-02-30", "from", /YYYY-MM-DD/],
      ["from=30.06.2026", "from", /YYYY-MM-DD/],
      ["to=1999-12-31", "to", /between 2000-01-01 and 2999-12-31/],
      ["from=2026-03-08&to=2026-03-01", "to", /end date is before the start date/],
      ["from=2026-03-01&from=2026-03-02", "from", /Give this filter once/],
      ["actorName=%00null", "actorName", /one line of plain text/],
      [`actorName=${"x".repeat(500)}`, "actorName", /under 120 characters/],
      ["before=1' or 1=1", "page", /page link is not valid/],
      ["before=1-1&after=2-2", "page", /page link is not valid/],
      ["after=99999999999999999-1", "page", /page link is not valid/],
    ];
    const everything = allIds().slice(0, 50);
    for (const [query, field, message] of cases) {
      const answer = await page(`?${query}`);
      expect(answer.status, query).toBe(200);
      expect(answer.data.problems[field], query).toMatch(message);
      // The bad value is left out: the rest of the log shows.
      expect(
        answer.data.rows.map((r: PageRow) => r.id),
        query,
      ).toEqual(everything);
      if (field !== "page") {
        const refused = await csv(`?${query}`);
        expect(refused.status, query).toBe(400);
        expect(refused.data, query).toMatch(/^The activity log was not exported\. /);
        expect(refused.data, query).toMatch(message);
      }
    }
    // A well-formed action the log does not hold is a filter that matches nothing.
    const none = await page("?action=rocket.launched");
    expect(none.data.rows).toEqual([]);
    expect(none.data.problems).toEqual({});
  });

  it("pages by position (newer and older links), never repeating or skipping a row", async () => {
    // 70 failed sign-ins at one instant: ties are ordered by id.
    const at = T("2026-04-01T08:00:00Z");
    for (let i = 0; i < 70; i++) {
      recordActivity(db, {
        actorId: null,
        entityType: "session",
        action: "session.sign_in_failed",
        summary: `Failed sign-in for probe${i}@example.com (unknown e-mail)`,
        at,
      });
    }
    const expected = idsWhere("action = 'session.sign_in_failed'");
    const first = await page("?action=session.sign_in_failed");
    expect(first.data.rows.map((r: PageRow) => r.id)).toEqual(expected.slice(0, 50));
    expect(first.data.newerHref).toBeNull();
    expect(first.data.newestHref).toBeNull();
    const older = await page(first.data.olderHref.replace("/admin/activity", ""));
    expect(older.data.rows.map((r: PageRow) => r.id)).toEqual(expected.slice(50, 100));
    expect(older.data.newestHref).toBe("/admin/activity?action=session.sign_in_failed");
    const back = await page(older.data.newerHref.replace("/admin/activity", ""));
    expect(back.data.rows.map((r: PageRow) => r.id)).toEqual(expected.slice(0, 50));
    // The CSV is every page.
    const download = await csv("?action=session.sign_in_failed");
    expect(csvIds(download.data)).toEqual(expected);
  });
});

describe("/admin/activity.csv", () => {
  it("holds exactly the filtered rows, in the page's order, as a download", async () => {
    for (const query of [
      "",
      `?actor=${member.id}`,
      "?actor=none",
      "?action=project.created",
      `?project=${projectB.id}`,
      "?from=2026-03-01&to=2026-03-07",
      `?actorName=ada&action=project.created&from=2026-03-02`,
    ]) {
      const download = await csv(query);
      expect(download.status, query).toBe(200);
      expect(download.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
      expect(download.headers.get("Content-Disposition")).toMatch(
        /^attachment; filename="triad-activity-\d{4}-\d{2}-\d{2}\.csv"$/,
      );
      const shown = await page(query);
      const ids = csvIds(download.data);
      expect(ids.length, query).toBeGreaterThan(0);
      if (!shown.data.olderHref) expect(ids, query).toEqual(shown.data.rows.map((r: PageRow) => r.id));
      else expect(ids.slice(0, 50), query).toEqual(shown.data.rows.map((r: PageRow) => r.id));
    }
    expect(csvIds((await csv()).data)).toEqual(allIds());
    const [, row] = parseCsv((await csv("?action=webhook.created")).data, { unterminated: "keep" });
    expect(row).toEqual([
      expect.stringMatching(/^\d+$/),
      "2026-03-08T12:00:00.000Z",
      String(admin.id),
      "Ada Admin",
      "Webhook added",
      "webhook.created",
      "",
      "",
      "webhook",
      expect.stringMatching(/^\d+$/),
      "Ada Admin added a webhook to https://hooks.example.com/log (debt.created)",
      "web",
      "",
      JSON.stringify({ url: "https://hooks.example.com/log", events: ["debt.created"], format: "triad" }),
    ]);
  });

  it("keeps a summary that looks like a formula as text", async () => {
    recordActivity(db, {
      actorId: null,
      entityType: "session",
      action: "session.sign_in_failed",
      summary: '=HYPERLINK("http://evil.example")',
      at: T("2026-05-01T00:00:00Z"),
    });
    const [, row] = parseCsv((await csv("?from=2026-05-01&to=2026-05-01")).data, { unterminated: "keep" });
    expect(row[10]).toBe('\'=HYPERLINK("http://evil.example")');
  });
});

describe("the log's queries at scale", () => {
  /** The query plan of every statement `run` executes (as tests/integration/query-plans.test.ts captures them). */
  function plans(run: () => unknown): string[][] {
    const client = db.$client;
    const original = client.prepare;
    const seen: Array<{ sql: string; params: unknown[] }> = [];
    client.prepare = function (this: typeof client, sql: string) {
      const statement = original.call(this, sql);
      return new Proxy(statement, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, target);
          if (typeof value !== "function") return value;
          if (["all", "get", "run", "iterate"].includes(String(property))) {
            return (...params: unknown[]) => {
              seen.push({ sql, params });
              return value.apply(target, params);
            };
          }
          return (...args: unknown[]) => {
            const result = value.apply(target, args);
            return result === target ? receiver : result;
          };
        },
      });
    } as typeof client.prepare;
    try {
      run();
    } finally {
      client.prepare = original;
    }
    return seen
      .filter((s) => /^\s*(with|select)/i.test(s.sql))
      .map((s) =>
        (db.$client.prepare(`EXPLAIN QUERY PLAN ${s.sql}`).all(...s.params) as { detail: string }[]).map(
          (r) => r.detail,
        ),
      );
  }

  beforeAll(() => {
    resetDatabase();
    generateOrganisation(db, { projects: 40, seed: 7 });
  }, 60_000);

  it("reads every filter through an index of the log, never the whole log", () => {
    const someone = (
      sqlite().prepare("select actor_id from activity where actor_id is not null limit 1").get() as { actor_id: number }
    ).actor_id;
    const project = (
      sqlite().prepare("select project_id from activity where project_id is not null limit 1").get() as {
        project_id: number;
      }
    ).project_id;
    const newest = sqlite()
      .prepare("select at, id from activity order by at desc, id desc limit 1 offset 60")
      .get() as {
      at: number;
      id: number;
    };
    const day = 24 * 60 * 60 * 1000;
    const queries: ActivityLogQuery[] = [
      {},
      { from: newest.at - 30 * day, until: newest.at },
      { actor: [someone] },
      { actor: "nobody" },
      { action: "session.signed_in" },
      { action: "debt.created", from: newest.at - 365 * day },
      { projects: [project] },
      { actor: [someone], action: "project.created" },
    ];
    for (const query of queries) {
      for (const paging of [{}, { before: newest }, { after: newest }]) {
        const found = plans(() => listActivityLog({ query, ...paging }));
        expect(found.length).toBeGreaterThan(0);
        for (const plan of found) {
          for (const line of plan.filter((l) => /\bactivity\b/.test(l))) {
            expect(line, JSON.stringify(query)).toMatch(
              /^SEARCH activity USING ((COVERING )?INDEX activity_(actor|action|project)_idx( \(|$)|INTEGER PRIMARY KEY \(rowid=\?\))/,
            );
          }
        }
      }
    }
    // And the page is right: the same rows as a plain sort of the whole log.
    const first = listActivityLog({ query: {} });
    expect(first.rows.map((r) => r.id)).toEqual(allIds().slice(0, 50));
    const second = listActivityLog({ query: {}, before: first.older! });
    expect(second.rows.map((r) => r.id)).toEqual(allIds().slice(50, 100));
  });
});
