import { describe, expect, it } from "vitest";
import { monthsBetween, monthsBetweenDays } from "../../app/domain/dates";
import {
  debtSeries,
  monthEnds,
  periodStats,
  quantile,
  stageIntervals,
  stageOn,
  type ProjectHistory,
} from "../../app/domain/stats";

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

describe("quantile", () => {
  it.each([
    // [values, q, expected] — worked by hand with the R-7 rule: position = (n-1)·q
    [[1, 2, 3, 4], 0.5, 2.5], // position 1.5 -> between 2 and 3
    [[5, 1, 3], 0.5, 3], // sorted 1,3,5; position 1 -> 3
    [[10], 0.9, 10],
    [[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9, 90], // position 9 -> 90
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9.1], // position 8.1 -> 9 + 0.1·(10-9)
  ])("quantile(%j, %s) = %s", (values, q, expected) => {
    expect(quantile(values, q)).toBeCloseTo(expected, 10);
  });

  it("has no answer for no values", () => {
    expect(quantile([], 0.5)).toBeNull();
  });
});

// Three hand-made projects:
// A: PoC 2025-01-01, Pilot 2025-03-02 (60 days in PoC), Production 2025-05-01 (60 days in pilot)
// B: PoC 2025-02-01, Pilot 2025-02-21 (20 days in PoC), still in pilot
// C: PoC 2025-03-01, stopped 2025-04-10 (40 days in PoC)
const A: ProjectHistory = {
  projectId: 1,
  changes: [
    { at: day("2025-01-01"), stage: "poc" },
    { at: day("2025-03-02"), stage: "pilot" },
    { at: day("2025-05-01"), stage: "production" },
  ],
};
const B: ProjectHistory = {
  projectId: 2,
  changes: [
    { at: day("2025-02-01"), stage: "poc" },
    { at: day("2025-02-21"), stage: "pilot" },
  ],
};
const C: ProjectHistory = {
  projectId: 3,
  changes: [{ at: day("2025-03-01"), stage: "poc" }],
  endedAt: day("2025-04-10"),
};

describe("stage on a date", () => {
  it("answers from the history, not the current state", () => {
    expect(stageOn(A, day("2024-12-31"))).toBeNull();
    expect(stageOn(A, day("2025-01-01"))).toBe("poc");
    expect(stageOn(A, day("2025-03-01"))).toBe("poc");
    expect(stageOn(A, day("2025-03-02"))).toBe("pilot");
    expect(stageOn(A, day("2026-01-01"))).toBe("production");
    expect(stageOn(C, day("2025-04-09"))).toBe("poc");
    expect(stageOn(C, day("2025-04-10"))).toBeNull();
  });

  it("orders unsorted changes", () => {
    const shuffled = { ...A, changes: [A.changes[2], A.changes[0], A.changes[1]] };
    expect(stageIntervals(shuffled).map((i) => i.stage)).toEqual(["poc", "pilot", "production"]);
  });
});

describe("period statistics", () => {
  const period = { from: day("2025-01-01"), to: day("2026-01-01") };
  const stats = periodStats({
    histories: [A, B, C],
    reviews: [
      // gate to pilot for A: opened 2025-02-20, promoted 2025-03-02 -> 10 days
      { targetStage: "pilot", openedAt: day("2025-02-20"), closedAt: day("2025-03-02"), status: "promoted" },
      // gate to pilot for B: opened 2025-02-17, promoted 2025-02-21 -> 4 days
      { targetStage: "pilot", openedAt: day("2025-02-17"), closedAt: day("2025-02-21"), status: "promoted" },
      // withdrawn reviews do not count as waiting to promotion
      { targetStage: "production", openedAt: day("2025-04-01"), closedAt: day("2025-04-02"), status: "withdrawn" },
      { targetStage: "production", openedAt: day("2025-04-11"), closedAt: day("2025-05-01"), status: "promoted" },
    ],
    stops: [{ at: day("2025-04-10"), cause: "data_access_quality" }],
    period,
  });

  it("counts projects entering each stage", () => {
    expect(stats.entered).toEqual({ poc: 3, pilot: 2, production: 1 });
  });

  it("computes cohort conversion", () => {
    // 3 entered PoC; A and B reached pilot -> 2/3. 2 entered pilot; A reached production -> 1/2.
    expect(stats.conversion[0]).toMatchObject({ from: "poc", to: "pilot", cohort: 3, converted: 2 });
    expect(stats.conversion[0].rate).toBeCloseTo(2 / 3);
    expect(stats.conversion[1]).toMatchObject({ from: "pilot", to: "production", cohort: 2, converted: 1, rate: 0.5 });
    expect(stats.conversion[2]).toMatchObject({ from: "poc", to: "production", cohort: 3, converted: 1 });
  });

  it("computes median and p90 of completed stays", () => {
    // PoC stays that ended: A 60, B 20, C 40 -> sorted 20,40,60: median 40, p90 at position 1.8 -> 40 + 0.8·20 = 56
    expect(stats.timeInStage.poc).toEqual({ count: 3, medianDays: 40, p90Days: 56 });
    // Pilot: only A ended (60 days); B is still there and does not count
    expect(stats.timeInStage.pilot).toEqual({ count: 1, medianDays: 60, p90Days: 60 });
    expect(stats.timeInStage.production.count).toBe(0);
  });

  it("computes waits at each gate from promoted reviews", () => {
    // pilot: 10 and 4 days -> median 7, p90 at position 0.9 -> 4 + 0.9·6 = 9.4
    expect(stats.gateWait.pilot.medianDays).toBeCloseTo(7);
    expect(stats.gateWait.pilot.p90Days).toBeCloseTo(9.4);
    expect(stats.gateWait.production).toEqual({ count: 1, medianDays: 20, p90Days: 20 });
  });

  it("counts stops by cause inside the period only", () => {
    expect(stats.stops).toEqual({ data_access_quality: 1 });
    const later = periodStats({
      histories: [C],
      reviews: [],
      stops: [{ at: day("2025-04-10"), cause: "other" }],
      period: { from: day("2025-05-01"), to: day("2026-01-01") },
    });
    expect(later.stops).toEqual({});
    expect(later.entered.poc).toBe(0);
  });
});

describe("month ends and debt over time", () => {
  it("lists each month's last instant, ending at `to`", () => {
    const ends = monthEnds(day("2024-11-15"), day("2025-02-10"));
    expect(ends.map((e) => new Date(e).toISOString().slice(0, 10))).toEqual([
      "2024-11-30",
      "2024-12-31",
      "2025-01-31",
      "2025-02-10",
    ]);
  });

  it("sums principal of open items and interest accrued until repayment", () => {
    const items = [
      // 10 d principal, 2 d/month, opened 2025-01-01, still open
      {
        register: "technical" as const,
        principalDays: 10,
        interestDays: 2,
        openedAt: day("2025-01-01"),
        repaidAt: null,
      },
      // 4 d, 1 d/month, opened 2025-01-01, repaid 2025-02-01 -> 1 month of interest, then none
      {
        register: "organizational" as const,
        principalDays: 4,
        interestDays: 1,
        openedAt: day("2025-01-01"),
        repaidAt: day("2025-02-01"),
      },
    ];
    const [march] = debtSeries(items, [day("2025-03-01")]);
    // technical: 2 months open -> 4 d interest; principal 10
    expect(march.technical).toEqual({ principalDays: 10, accruedInterestDays: 4 });
    // organizational: repaid -> no principal left; interest stopped at 1 month
    expect(march.organizational).toEqual({ principalDays: 0, accruedInterestDays: 1 });
    const [before] = debtSeries(items, [day("2024-12-31")]);
    expect(before.technical.principalDays + before.organizational.principalDays).toBe(0);
  });

  it("stops counting a written-off item at its write-off, like a repaid one", () => {
    // 6 d, 3 d/month, opened 2025-01-01, written off 2025-02-01 when its project stopped
    const items = [
      {
        register: "technical" as const,
        principalDays: 6,
        interestDays: 3,
        openedAt: day("2025-01-01"),
        repaidAt: null,
        writtenOffAt: day("2025-02-01"),
      },
    ];
    const [january, march] = debtSeries(items, [day("2025-01-31"), day("2025-03-01")]);
    // still open on Jan 31: its principal counts
    expect(january.technical.principalDays).toBe(6);
    // written off by March: no principal left; interest stopped at 1 month (3 d)
    expect(march.technical).toEqual({ principalDays: 0, accruedInterestDays: 3 });
  });
});

describe("monthsBetweenDays", () => {
  it("agrees with the string calendar rule, month ends and leap years included", () => {
    const dayNumber = (iso: string) => day(iso) / 86_400_000;
    const dates = [
      "2023-01-31",
      "2023-02-28",
      "2024-01-31",
      "2024-02-29",
      "2024-03-31",
      "2024-12-15",
      "2025-01-15",
      "2025-02-28",
      "2025-04-01",
      "2025-04-16",
      "2026-11-29",
    ];
    for (const from of dates) {
      for (const to of dates) {
        expect(monthsBetweenDays(dayNumber(from), dayNumber(to)), `${from} -> ${to}`).toBeCloseTo(
          monthsBetween(from, to),
          12,
        );
      }
    }
  });
});
