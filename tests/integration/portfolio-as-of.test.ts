/**
 * The portfolio on a date (docs/domain.md, "Portfolio on a date"): the demo organisation
 * (app/demo/, replayed on a deterministic clock) shown as it stood at the end of past days
 * equals tables written by hand from the demo's story; the board, the projects list, its CSV
 * and the API agree; wrong dates are refused in words; and the dashboard's figures explain
 * themselves with the projects behind them.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "../../db/client.server";
import { seedDemo, type DemoSeed } from "../../app/demo/demo";
import { addDays, DATE_FORMAT_MESSAGE, utcDate } from "~/domain/dates";
import { resetOrgTimeZone } from "~/lib/org-time-zone.server";
import { clearFigureCache } from "~/models/dashboard.server";
import { boardOn, parseAsOf, portfolioOn } from "~/models/portfolio.server";
import { createToken } from "~/models/tokens.server";
import { apiLimiter } from "~/api/handler.server";
import * as dashboardRoute from "~/routes/_index";
import * as projectsRoute from "~/routes/projects._index";
import * as projectsCsv from "~/routes/projects[.]csv";
import { parseCsv } from "../support/csv";
import { resetDatabase, sqlite } from "../support/database";
import { callLoader, makeRequest, testContext } from "../support/requests";
import { signInAs } from "../support/users";
import { api } from "./api-support";

const DAY = 86_400_000;
/**
 * The demo's "now": noon UTC. Every demo person, project, promotion and state change happens
 * "n days ago" at a time of day between 05:00 and noon UTC (app/demo/story.ts, `daysAgo` with
 * a jitter under 7 h), so it falls on the calendar day n days before this one.
 */
const NOW = Date.UTC(2026, 5, 15, 12);
/** The test's clock: an hour after the demo was seeded, the same day. */
const CLOCK = NOW + 60 * 60 * 1000;
const TODAY = utcDate(NOW);
const daysAgo = (n: number) => addDays(TODAY, -n);

let seed: DemoSeed;
let cookie: string;
let token: string;

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(CLOCK);
  delete process.env.TRIAD_TIME_ZONE;
  resetOrgTimeZone();
  resetDatabase();
  seed = await seedDemo(db, { now: NOW, passwordHash: "not-a-real-hash" });
  cookie = signInAs(seed.users.ada);
  token = createToken({ actor: null, userId: seed.users.ada.id, name: "portfolio tests", expiresOn: null }).token;
  clearFigureCache();
});

afterAll(() => {
  vi.useRealTimers();
});

// ---------- the expectations, by hand from app/demo/cast.ts and app/demo/demo-gates.ts ----------

type Expected = { stage: "poc" | "pilot" | "production"; state: string; review: string | null };

/**
 * 130 days ago (cast.ts, demo-gates.ts):
 * - press line 3 (created 420 days ago) reaches pilot only 120 days ago; its review to pilot
 *   opened 16 days before that promotion, so it was open;
 * - spare parts (pilot 560, production 300) and invoice OCR (pilot 500, production 330) run in
 *   production; churn reached pilot 200 days ago (its review to production opens 24 days ago);
 * - weld inspection reached pilot 330 days ago and was stopped 210 days ago (technology
 *   landscape); the OEE dashboard (created 260) went on hold 150 days ago;
 * - energy price (created 75 days ago) and call volume (40) did not exist yet.
 */
const ON_DAY_130: Record<string, Expected> = {
  "Predictive maintenance for press line 3": { stage: "poc", state: "active", review: "pilot" },
  "Spare-parts demand forecast": { stage: "production", state: "active", review: null },
  "Customer churn early warning": { stage: "pilot", state: "active", review: null },
  "Invoice OCR and account coding": { stage: "production", state: "active", review: null },
  "Visual quality inspection of weld seams": { stage: "pilot", state: "stopped", review: null },
  "Shop-floor OEE dashboard": { stage: "poc", state: "on_hold", review: null },
};

/**
 * 340 days ago: invoice OCR was in pilot with its review to production open (opened 22 days
 * before its promotion 330 days ago); weld inspection was in its PoC with the review to pilot
 * open (16 days before its promotion 330 days ago); spare parts was in pilot, its review to
 * production not yet opened (22 days before 300); press line 3 and churn were PoCs; the OEE
 * dashboard (260), energy price and call volume did not exist.
 */
const ON_DAY_340: Record<string, Expected> = {
  "Predictive maintenance for press line 3": { stage: "poc", state: "active", review: null },
  "Spare-parts demand forecast": { stage: "pilot", state: "active", review: null },
  "Customer churn early warning": { stage: "poc", state: "active", review: null },
  "Invoice OCR and account coding": { stage: "pilot", state: "active", review: "production" },
  "Visual quality inspection of weld seams": { stage: "poc", state: "active", review: "pilot" },
};

type BoardCard = { name: string; state: string; review: { targetStage: string } | null };
type Board = { columns: Array<{ stage: Expected["stage"]; total: number; cards: BoardCard[] }> };

/** The board as a table like the expectations: project -> stage, state, open review's target. */
function boardTable(board: Board): Record<string, Expected> {
  const table: Record<string, Expected> = {};
  for (const column of board.columns) {
    expect(column.cards.length).toBe(column.total);
    for (const card of column.cards) {
      table[card.name] = { stage: column.stage, state: card.state, review: card.review?.targetStage ?? null };
    }
  }
  return table;
}

async function dashboard(query: string) {
  const result = await callLoader(dashboardRoute.loader, `/${query}`, { cookie });
  expect(result.status).toBe(200);
  return result.data;
}

async function projectsPage(query: string) {
  const result = await callLoader(projectsRoute.loader, `/projects${query}`, { cookie });
  expect(result.status).toBe(200);
  return result.data;
}

async function downloadCsv(query: string) {
  const response = (await projectsCsv
    .loader({ request: makeRequest(`/projects.csv${query}`, { cookie }), params: {}, context: testContext })
    .catch((thrown: unknown) => thrown)) as Response;
  const text = await response.text();
  return { response, text, rows: response.ok ? parseCsv(text, { unterminated: "drop" }) : [] };
}

const STAGE_LABELS: Record<string, Expected["stage"]> = {
  "Proof of concept": "poc",
  Pilot: "pilot",
  Production: "production",
};
const STATE_LABELS: Record<string, string> = {
  Active: "active",
  "On hold": "on_hold",
  Stopped: "stopped",
  Retired: "retired",
};

// ---------- the board on a date ----------

describe("the board as of a past date", () => {
  it("equals the hand-built table for 130 days ago, on the page's board", async () => {
    const data = await dashboard(`?asOf=${daysAgo(130)}`);
    expect(data.asOf).toMatchObject({ date: daysAgo(130), timeZone: "UTC", projects: 6, openReviews: 1 });
    expect(data.asOfField.error).toBeNull();
    expect(boardTable(data.asOf)).toEqual(ON_DAY_130);
    // today's board is not shown meanwhile
    expect(data.board).toEqual([]);
  });

  it("equals the hand-built table for 340 days ago", async () => {
    const data = await dashboard(`?asOf=${daysAgo(340)}`);
    expect(boardTable(data.asOf)).toEqual(ON_DAY_340);
    expect(data.asOf.openReviews).toBe(2);
  });

  it("gives each card its stop cause, its time in stage then and when its review opened", () => {
    const at = parseAsOf(daysAgo(130), Date.now());
    if (!at.ok || !at.asOf) throw new Error("a valid date was refused");
    const cards = boardOn(at.asOf.at).columns.flatMap((c) => c.cards);
    const weld = cards.find((c) => c.name === "Visual quality inspection of weld seams")!;
    expect(weld).toMatchObject({
      state: "stopped",
      stopCause: "technology_landscape",
      stageEnteredAt: seed.projects.weldInspection.promotions[0].at,
      closedAt: seed.projects.weldInspection.stateChange!.at,
    });
    const press = cards.find((c) => c.name === "Predictive maintenance for press line 3")!;
    expect(press.stageEnteredAt).toBe(seed.projects.pressLine3.createdAt);
    expect(press.review!.openedAt).toBeLessThan(at.asOf.at);
    expect(press.review!.openedAt).toBeGreaterThan(NOW - 140 * DAY);
    // in the column, running projects come before paused and stopped ones
    const poc = boardOn(at.asOf.at).columns[0].cards.map((c) => c.state);
    expect(poc).toEqual(["active", "on_hold"]);
  });

  it("counts a day's events to its end: the day of a promotion shows the new stage", async () => {
    // Press line 3 was promoted to pilot 120 days ago (in the morning): the day before it was a
    // PoC with its review open, at the end of that day a pilot without one.
    const before = boardTable((await dashboard(`?asOf=${daysAgo(121)}`)).asOf);
    const that = boardTable((await dashboard(`?asOf=${daysAgo(120)}`)).asOf);
    expect(before["Predictive maintenance for press line 3"]).toEqual({
      stage: "poc",
      state: "active",
      review: "pilot",
    });
    expect(that["Predictive maintenance for press line 3"]).toEqual({ stage: "pilot", state: "active", review: null });
    // Call volume exists from the day it was created, not the day before.
    expect((await dashboard(`?asOf=${daysAgo(41)}`)).asOf.projects).toBe(7);
    expect((await dashboard(`?asOf=${daysAgo(40)}`)).asOf.projects).toBe(8);
  });

  it("as of today equals the projects as they are now", () => {
    const now = Date.now();
    const result = parseAsOf(TODAY, now);
    if (!result.ok || !result.asOf) throw new Error("today was refused");
    expect(result.asOf.at).toBe(now);
    const then = portfolioOn(result.asOf.at);
    const live = portfolioOn(null);
    const shape = (rows: typeof live) =>
      rows.map((r) => ({
        id: r.id,
        stage: r.stage,
        state: r.state,
        stopCause: r.stopCause,
        stageEnteredAt: r.stageEnteredAt,
        closedAt: r.closedAt,
        review: r.review,
      }));
    expect(shape(then)).toEqual(shape(live));
    expect(live).toHaveLength(8);
    expect(live.filter((r) => r.review).map((r) => r.name)).toEqual([
      "Customer churn early warning",
      "Predictive maintenance for press line 3",
    ]);
  });

  it("reads the date as the end of that day in the organisation's time zone", () => {
    process.env.TRIAD_TIME_ZONE = "America/New_York";
    resetOrgTimeZone();
    try {
      const result = parseAsOf("2026-03-07", Date.now());
      // New York's 2026-03-08 begins at 05:00 UTC (still standard time at midnight).
      expect(result).toEqual({
        ok: true,
        asOf: { date: "2026-03-07", at: Date.UTC(2026, 2, 8, 5) - 1, timeZone: "America/New_York" },
      });
    } finally {
      delete process.env.TRIAD_TIME_ZONE;
      resetOrgTimeZone();
    }
  });
});

// ---------- the list, its CSV and the API agree ----------

describe("the projects list, its CSV and the API on a date", () => {
  it("list the same projects with the same stage, state and review as the board", async () => {
    const date = daysAgo(130);
    const page = await projectsPage(`?asOf=${date}`);
    expect(page.asOf.date).toBe(date);
    expect(page.total).toBe(6);
    const pageTable = Object.fromEntries(
      page.rows.map(
        (r: { name: string; stage: Expected["stage"]; state: string; review: { targetStage: string } | null }) => [
          r.name,
          { stage: r.stage, state: r.state, review: r.review?.targetStage ?? null },
        ],
      ),
    );
    expect(pageTable).toEqual(ON_DAY_130);
    // by name, as the live list
    expect(page.rows.map((r: { name: string }) => r.name)).toEqual(Object.keys(ON_DAY_130).sort());

    const csv = await downloadCsv(`?asOf=${date}`);
    expect(csv.response.status).toBe(200);
    expect(csv.response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(csv.response.headers.get("Content-Disposition")).toContain(`triad-projects-${date}.csv`);
    const [header, ...records] = csv.rows;
    expect(header.slice(0, 5)).toEqual(["ID", "Project", "Stage", "State", "Stop cause"]);
    const column = (name: string) => header.indexOf(name);
    const csvTable = Object.fromEntries(
      records.map((r) => [
        r[column("Project")],
        {
          stage: STAGE_LABELS[r[column("Stage")]],
          state: STATE_LABELS[r[column("State")]],
          review: r[column("Gate review open")] ? r[column("Gate review open")].replace("To ", "").toLowerCase() : null,
        },
      ]),
    );
    expect(csvTable).toEqual(ON_DAY_130);
    const weld = records.find((r) => r[column("Project")] === "Visual quality inspection of weld seams")!;
    expect(weld[column("Stop cause")]).toBe("Technology landscape");
    expect(weld[column("Stopped or retired on")]).toBe(daysAgo(210));

    apiLimiter.reset();
    const answer = await api("GET", `/api/v1/projects?asOf=${date}&limit=100`, { token });
    expect(answer.status).toBe(200);
    expect(answer.body.asOf).toBe(date);
    const apiTable = Object.fromEntries(
      answer.body.projects.map(
        (p: { name: string; stage: Expected["stage"]; state: string; openReview: { targetStage: string } | null }) => [
          p.name,
          { stage: p.stage, state: p.state, review: p.openReview?.targetStage ?? null },
        ],
      ),
    );
    expect(apiTable).toEqual(ON_DAY_130);
    const press = answer.body.projects.find(
      (p: { name: string }) => p.name === "Predictive maintenance for press line 3",
    );
    expect(press.stageEnteredAt).toBe(new Date(seed.projects.pressLine3.createdAt).toISOString());
  });

  it("filter by the stage and state the projects had then", async () => {
    const date = daysAgo(130);
    const pilots = await projectsPage(`?asOf=${date}&stage=pilot`);
    expect(pilots.rows.map((r: { name: string }) => r.name)).toEqual([
      "Customer churn early warning",
      "Visual quality inspection of weld seams",
    ]);
    const onHold = await api("GET", `/api/v1/projects?asOf=${date}&state=on_hold`, { token });
    expect(onHold.body.projects.map((p: { name: string }) => p.name)).toEqual(["Shop-floor OEE dashboard"]);
    const csv = await downloadCsv(`?asOf=${date}&stage=production`);
    expect(csv.rows.slice(1).map((r) => r[1])).toEqual([
      "Invoice OCR and account coding",
      "Spare-parts demand forecast",
    ]);
    // today the OEE dashboard is still on hold, and weld inspection is stopped in pilot
    const live = await projectsPage("?state=on_hold");
    expect(live.asOf).toBeNull();
    expect(live.rows.map((r: { name: string }) => r.name)).toEqual(["Shop-floor OEE dashboard"]);
  });

  it("without a date, the API lists today's projects with their open review", async () => {
    const answer = await api("GET", "/api/v1/projects?limit=100", { token });
    expect(answer.status).toBe(200);
    expect(answer.body).not.toHaveProperty("asOf");
    const churn = answer.body.projects.find((p: { name: string }) => p.name === "Customer churn early warning");
    expect(churn).toMatchObject({ stage: "pilot", state: "active", openReview: { targetStage: "production" } });
    const weld = answer.body.projects.find(
      (p: { name: string }) => p.name === "Visual quality inspection of weld seams",
    );
    expect(weld).toMatchObject({ state: "stopped", stopCause: "technology_landscape", openReview: null });
  });
});

// ---------- wrong dates ----------

describe("a date the portfolio cannot be shown on", () => {
  const firstDay = () => daysAgo(760); // Ada set Triad up 760 days before the demo's now
  const cases = () => [
    { value: "2026-02-30", message: DATE_FORMAT_MESSAGE },
    { value: "garbage", message: DATE_FORMAT_MESSAGE },
    { value: "30/06/2026", message: DATE_FORMAT_MESSAGE },
    {
      value: addDays(TODAY, 1),
      message: `${addDays(TODAY, 1)} is in the future: choose today (${TODAY}) or an earlier date.`,
    },
    {
      value: addDays(firstDay(), -1),
      message: `Triad has no history before ${firstDay()}, the day the organisation started using it: choose that day or a later one.`,
    },
  ];

  it("is said next to the board's date field, and today's board stays", async () => {
    for (const { value, message } of cases()) {
      const data = await dashboard(`?asOf=${encodeURIComponent(value)}`);
      expect(data.asOf).toBeNull();
      expect(data.asOfField).toMatchObject({ value, error: message, firstDay: firstDay(), today: TODAY });
      expect(data.board.flatMap((c: { cards: unknown[] }) => c.cards).length).toBeGreaterThan(0);
    }
    // the organisation's first day itself is fine (Ada alone, no project yet)
    const first = await dashboard(`?asOf=${firstDay()}`);
    expect(first.asOfField.error).toBeNull();
    expect(first.asOf).toMatchObject({ projects: 0, openReviews: 0 });
  });

  it("is said next to the list's date field, and the list stays today's", async () => {
    for (const { value, message } of cases()) {
      const page = await projectsPage(`?asOf=${encodeURIComponent(value)}`);
      expect(page.asOf).toBeNull();
      expect(page.asOfField.error).toBe(message);
      expect(page.total).toBe(8);
    }
  });

  it("is a 400 with the sentence from the CSV and the API, which write nothing", async () => {
    const activity = (sqlite().prepare("select count(*) as n from activity").get() as { n: number }).n;
    for (const { value, message } of cases()) {
      const csv = await downloadCsv(`?asOf=${encodeURIComponent(value)}`);
      expect(csv.response.status).toBe(400);
      expect(csv.text).toBe(message);
      apiLimiter.reset();
      const answer = await api("GET", `/api/v1/projects?asOf=${encodeURIComponent(value)}`, { token });
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe("invalid_request");
      expect(answer.body.error.fields.asOf).toBe(message);
    }
    expect((sqlite().prepare("select count(*) as n from activity").get() as { n: number }).n).toBe(activity);
  });
});

// ---------- the dashboard's figures ----------

describe("the dashboard's figures", () => {
  type List = { total: number; shown: Array<{ slug: string; name: string }> };
  const names = (list: List) => list.shown.map((p) => p.name);
  /** The list behind a figure, as its link (`?behind=<key>`) opens it; the page carries no other. */
  const behind = async (key: string) => {
    const data = await dashboard(`?months=12&behind=${key}`);
    expect(data.behind.key).toBe(key);
    expect(data.behindTotals[key]).toBe(data.behind.total);
    return data.behind;
  };

  it("explain conversion as a cohort: reached, stopped and still in stage add up", async () => {
    const { figures } = await dashboard("?months=12");
    // In the last 12 months three projects entered pilot (press line 3, churn, weld inspection):
    // none reached production yet, one stopped, two are still in pilot.
    expect(figures.entered).toEqual({ poc: 3, pilot: 3, production: 2 });
    const [pocToPilot, pilotToProduction, pocToProduction] = figures.conversion;
    expect(pilotToProduction).toEqual({
      from: "pilot",
      to: "production",
      cohort: 3,
      converted: 0,
      stopped: 1,
      stillInStage: 2,
      rate: 0,
    });
    expect(pocToPilot).toMatchObject({ cohort: 3, converted: 0, stopped: 0, stillInStage: 3 });
    expect(pocToProduction).toMatchObject({ cohort: 3, converted: 0, stopped: 0, stillInStage: 3 });
    for (const row of figures.conversion) expect(row.converted + row.stopped + row.stillInStage).toBe(row.cohort);
    expect(names(await behind("conversion-1-stopped"))).toEqual(["Visual quality inspection of weld seams"]);
    expect(names(await behind("conversion-1-still"))).toEqual([
      "Customer churn early warning",
      "Predictive maintenance for press line 3",
    ]);
    expect(await behind("conversion-1-reached")).toEqual({
      key: "conversion-1-reached",
      kind: "projects",
      total: 0,
      shown: [],
    });
    // the OEE dashboard is on hold in its PoC: still in stage
    expect(names(await behind("conversion-0-still"))).toContain("Shop-floor OEE dashboard");
    // No list is on the page until its link is followed.
    expect((await dashboard("?months=12")).behind).toBeNull();
  });

  it("count promotions in the period plainly, latest first, with links", async () => {
    const { figures } = await dashboard("?months=12");
    expect(figures.promoted).toMatchObject({ total: 5, toPilot: 3, toProduction: 2 });
    const promoted = await behind("promoted");
    const latest = promoted.latest.map((p: { name: string; to: string }) => `${p.name} → ${p.to}`);
    expect(latest.slice(0, 3)).toEqual([
      "Predictive maintenance for press line 3 → pilot", // 120 days ago
      "Customer churn early warning → pilot", // 200
      "Spare-parts demand forecast → production", // 300
    ]);
    // both 330 days ago: their order is the demo's time of day
    expect(latest.slice(3).sort()).toEqual([
      "Invoice OCR and account coding → production",
      "Visual quality inspection of weld seams → pilot",
    ]);
    expect(promoted.latest[0].slug).toBe(seed.projects.pressLine3.slug);
  });

  it("name the projects behind every other figure, with their slugs to link to", async () => {
    const { figures, gateWait, behindTotals } = await dashboard("?months=12");
    expect(names(await behind("entered-poc"))).toEqual([
      "Energy-price forecast for procurement",
      "Service-desk call-volume forecast",
      "Shop-floor OEE dashboard",
    ]);
    expect(behindTotals["entered-pilot"]).toBe(figures.entered.pilot);
    expect(names(await behind("stopped-technology_landscape"))).toEqual(["Visual quality inspection of weld seams"]);
    expect(figures.stops).toEqual({ technology_landscape: 1 });
    for (const stage of ["poc", "pilot", "production"] as const) {
      expect(behindTotals[`stay-${stage}`]).toBe(figures.timeInStage[stage].count);
    }
    expect(names(await behind("gate-production"))).toEqual([
      "Invoice OCR and account coding",
      "Spare-parts demand forecast",
    ]);
    const slugs = new Set(Object.values(seed.projects).map((p) => p.slug));
    for (const list of [await behind("entered-poc"), await behind("gate-pilot")]) {
      for (const p of list.shown) expect(slugs).toContain(p.slug);
    }
    // "waiting at the gate now" lists its reviews, the longest waiting first
    expect(gateWait.count).toBe(2);
    expect((await behind("waiting")).waiting.map((r: { name: string }) => r.name)).toEqual([
      "Customer churn early warning",
      "Predictive maintenance for press line 3",
    ]);
  });
});
