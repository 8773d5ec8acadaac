/**
 * The portfolio on a date, the pure part (app/domain/portfolio.ts), and what the dashboard's
 * cohort figures say about each project (app/domain/stats.ts).
 */
import { describe, expect, it } from "vitest";
import { DATE_FORMAT_MESSAGE } from "../../app/domain/dates";
import { asOfError, projectEventOf, projectOn, reviewOpenAt, type ProjectEvent } from "../../app/domain/portfolio";
import { periodStats, type ProjectHistory } from "../../app/domain/stats";

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const row = (at: string, action: string, after: unknown) => ({
  at: day(at),
  action,
  after: after === null ? null : JSON.stringify(after),
});

describe("reading the history", () => {
  it("turns activity rows into events, and ignores what says nothing about stage or state", () => {
    expect(projectEventOf(row("2025-01-01", "project.created", { stage: "poc", state: "active" }))).toEqual({
      at: day("2025-01-01"),
      kind: "created",
      stage: "poc",
    });
    expect(projectEventOf(row("2025-02-01", "project.stage_changed", { stage: "pilot", reviewId: 3 }))).toMatchObject({
      kind: "stage",
      stage: "pilot",
    });
    expect(
      projectEventOf(row("2025-03-01", "project.state_changed", { state: "stopped", stopCause: "too_few_engineers" })),
    ).toMatchObject({ kind: "state", state: "stopped", stopCause: "too_few_engineers" });
    // an unknown cause is "other"; a hold has no cause
    expect(projectEventOf(row("2025-03-01", "project.state_changed", { state: "stopped" }))).toMatchObject({
      stopCause: "other",
    });
    expect(projectEventOf(row("2025-03-01", "project.state_changed", { state: "on_hold" }))).toMatchObject({
      stopCause: null,
    });
    expect(projectEventOf(row("2025-04-01", "project.reopened", { state: "active", reason: "x" }))).toMatchObject({
      kind: "reopened",
    });
    expect(projectEventOf(row("2025-01-01", "project.stage_changed", { stage: "moon" }))).toBeNull();
    expect(projectEventOf(row("2025-01-01", "project.state_changed", {}))).toBeNull();
    expect(projectEventOf({ at: 1, action: "project.created", after: "{not json" })).toBeNull();
    expect(projectEventOf(row("2025-01-01", "project.updated", { name: "x" }))).toBeNull();
  });
});

describe("a project on a date", () => {
  const created = day("2025-01-01");
  const events: ProjectEvent[] = [
    { at: day("2025-01-01"), kind: "created", stage: "poc" },
    { at: day("2025-03-01"), kind: "stage", stage: "pilot" },
    { at: day("2025-04-01"), kind: "state", state: "on_hold", stopCause: null },
    { at: day("2025-05-01"), kind: "state", state: "active", stopCause: null },
    { at: day("2025-06-01"), kind: "state", state: "stopped", stopCause: "privacy_security" },
    { at: day("2025-07-01"), kind: "reopened" },
    { at: day("2025-08-01"), kind: "stage", stage: "production" },
    { at: day("2025-09-01"), kind: "state", state: "retired", stopCause: null },
  ];
  const on = (iso: string) => projectOn(created, [...events].reverse(), day(iso));

  it("did not exist before it was created", () => {
    expect(on("2024-12-31")).toBeNull();
  });

  it("replays promotions, holds, stops, reopenings and retirement in time order", () => {
    expect(on("2025-01-01")).toMatchObject({ stage: "poc", state: "active", stageEnteredAt: created });
    expect(on("2025-03-15")).toMatchObject({ stage: "pilot", state: "active", stageEnteredAt: day("2025-03-01") });
    expect(on("2025-04-15")).toMatchObject({ stage: "pilot", state: "on_hold", closedAt: null });
    expect(on("2025-05-15")).toMatchObject({ stage: "pilot", state: "active" });
    expect(on("2025-06-15")).toEqual({
      stage: "pilot",
      state: "stopped",
      stopCause: "privacy_security",
      stageEnteredAt: day("2025-03-01"),
      closedAt: day("2025-06-01"),
      lastChangeAt: day("2025-06-01"),
    });
    expect(on("2025-07-15")).toMatchObject({ stage: "pilot", state: "active", stopCause: null, closedAt: null });
    expect(on("2025-08-15")).toMatchObject({ stage: "production", state: "active" });
    expect(on("2025-09-15")).toMatchObject({ stage: "production", state: "retired", closedAt: day("2025-09-01") });
  });

  it("counts an event at the instant itself", () => {
    expect(projectOn(created, events, day("2025-03-01"))?.stage).toBe("pilot");
    expect(projectOn(created, events, day("2025-03-01") - 1)?.stage).toBe("poc");
  });

  it("starts an imported project without its creation row in the PoC, active", () => {
    expect(projectOn(created, [], day("2025-02-01"))).toMatchObject({ stage: "poc", state: "active" });
  });
});

describe("a review open on a date", () => {
  it("is open from its opening until it closes", () => {
    const review = { openedAt: day("2025-02-01"), closedAt: day("2025-03-01") };
    expect(reviewOpenAt(review, day("2025-01-31"))).toBe(false);
    expect(reviewOpenAt(review, day("2025-02-01"))).toBe(true);
    expect(reviewOpenAt(review, day("2025-03-01") - 1)).toBe(true);
    expect(reviewOpenAt(review, day("2025-03-01"))).toBe(false);
    expect(reviewOpenAt({ openedAt: day("2025-02-01"), closedAt: null }, day("2030-01-01"))).toBe(true);
  });
});

describe("which dates the portfolio can be shown on", () => {
  const bounds = { today: "2026-06-15", firstDay: "2024-05-16" };

  it.each([
    ["2026-02-30", DATE_FORMAT_MESSAGE],
    ["garbage", DATE_FORMAT_MESSAGE],
    ["2026-6-1", DATE_FORMAT_MESSAGE],
    ["", DATE_FORMAT_MESSAGE],
    ["2026-06-16", "2026-06-16 is in the future: choose today (2026-06-15) or an earlier date."],
    [
      "2024-05-15",
      "Triad has no history before 2024-05-16, the day the organisation started using it: choose that day or a later one.",
    ],
  ])("refuses %j in words", (value, message) => {
    expect(asOfError(value, bounds)).toBe(message);
  });

  it("accepts every day from the first to today", () => {
    for (const value of ["2024-05-16", "2025-02-28", "2026-06-15"]) expect(asOfError(value, bounds)).toBeNull();
    expect(asOfError("2001-01-01", { today: "2026-06-15", firstDay: null })).toBeNull();
  });
});

describe("cohort figures", () => {
  // A: PoC then pilot in the period; B: PoC in the period, stopped; C: PoC in the period, still there;
  // D: PoC before the period, promoted in it.
  const histories: ProjectHistory[] = [
    {
      projectId: 1,
      changes: [
        { at: day("2025-02-01"), stage: "poc" },
        { at: day("2025-04-01"), stage: "pilot" },
      ],
    },
    { projectId: 2, changes: [{ at: day("2025-02-01"), stage: "poc" }], endedAt: day("2025-05-01") },
    { projectId: 3, changes: [{ at: day("2025-03-01"), stage: "poc" }] },
    {
      projectId: 4,
      changes: [
        { at: day("2024-06-01"), stage: "poc" },
        { at: day("2025-06-01"), stage: "pilot" },
      ],
    },
  ];
  const stats = periodStats({
    histories,
    reviews: [
      {
        projectId: 1,
        targetStage: "pilot",
        openedAt: day("2025-03-20"),
        closedAt: day("2025-04-01"),
        status: "promoted",
      },
    ],
    stops: [{ at: day("2025-05-01"), cause: "other", projectId: 2 }],
    period: { from: day("2025-01-01"), to: day("2026-01-01") },
  });

  it("splits each cohort into reached, stopped and still in stage, with the projects", () => {
    expect(stats.conversion[0]).toMatchObject({
      from: "poc",
      to: "pilot",
      cohort: 3,
      converted: 1,
      stopped: 1,
      stillInStage: 1,
      projects: { reached: [1], stopped: [2], stillInStage: [3] },
    });
  });

  it("counts promotions in the period whenever the project started", () => {
    expect(stats.promotions.map((p) => [p.projectId, p.to])).toEqual([
      [1, "pilot"],
      [4, "pilot"],
    ]);
  });

  it("names the projects behind the other figures", () => {
    expect(stats.projects.entered).toEqual({ poc: [1, 2, 3], pilot: [1, 4], production: [] });
    expect(stats.projects.timeInStage.poc).toEqual([1, 2, 4]);
    expect(stats.projects.gateWait.pilot).toEqual([1]);
    expect(stats.projects.stops).toEqual({ other: [2] });
  });
});
