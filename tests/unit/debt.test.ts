import { describe, expect, it } from "vitest";
import { addDays, addMonths, daysBetween, isValidDate, utcDate } from "../../app/domain/dates";
import {
  ORGANIZATIONAL_CATEGORIES,
  TECHNICAL_CATEGORIES,
  accruedInterest,
  categoriesFor,
  categoryLabel,
  isDueBeforeNextStage,
  isOverdue,
  isPastRepayStage,
  isValidCategory,
  monthsBetween,
  proposeRepaid,
  statusAfterStepChange,
  summarize,
  validatePlan,
  validateStatusChange,
  writeOffReasonError,
  type DebtStatus,
} from "../../app/domain/debt";
import type { Stage } from "../../app/domain/vocabulary";

/** Milliseconds UTC for a date and an optional UTC time. */
const at = (date: string, time = "12:00") => Date.parse(`${date}T${time}:00Z`);

describe("dates", () => {
  it.each([
    ["2025-01-31", true],
    ["2024-02-29", true], // leap year
    ["2025-02-29", false], // not a leap year
    ["1900-02-29", false], // divisible by 100, not by 400
    ["2000-02-29", true], // divisible by 400
    ["2025-13-01", false],
    ["2025-04-31", false],
    ["2025-4-1", false],
    ["2025-04-01T00:00", false],
    ["", false],
  ])("isValidDate(%j) is %s", (value, expected) => {
    expect(isValidDate(value)).toBe(expected);
  });

  it.each([
    ["2025-01-31", 1, "2025-02-28"],
    ["2024-01-31", 1, "2024-02-29"],
    ["2025-01-31", 2, "2025-03-31"],
    ["2024-02-29", 12, "2025-02-28"],
    ["2024-12-15", 1, "2025-01-15"],
    ["2025-03-31", -1, "2025-02-28"],
    ["2025-01-15", -13, "2023-12-15"],
  ])("addMonths(%s, %i) = %s", (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });

  it("converts instants to their UTC date and counts days", () => {
    expect(utcDate(at("2025-01-31", "23:59"))).toBe("2025-01-31");
    expect(utcDate(at("2025-02-01", "00:00"))).toBe("2025-02-01");
    expect(daysBetween("2024-02-28", "2024-03-01")).toBe(2);
    expect(daysBetween("2025-03-01", "2025-02-28")).toBe(-1);
    expect(addDays("2024-12-31", 1)).toBe("2025-01-01");
  });
});

describe("monthsBetween", () => {
  it.each([
    // same day and backwards
    ["2025-03-10", "2025-03-10", 0],
    ["2025-03-10", "2025-03-01", 0],
    // whole months by the calendar
    ["2024-12-15", "2025-01-15", 1], // across the year end
    ["2023-06-10", "2025-06-10", 24],
    ["2025-01-31", "2025-02-28", 1], // Jan 31 + 1 month is Feb 28 in a non-leap year
    ["2024-01-31", "2024-02-29", 1], // ... and Feb 29 in a leap year
    ["2024-02-29", "2025-02-28", 12], // a leap day + 12 months is Feb 28
    ["2024-02-29", "2028-02-29", 48],
    ["2024-11-30", "2025-02-28", 3], // Nov 30 + 3 months clamps to Feb 28
    // half months: the remaining days over the length of the month span they fall in
    ["2025-04-01", "2025-04-16", 0.5], // 15 of April 1 -> May 1 (30 days)
    ["2025-02-01", "2025-02-15", 0.5], // 14 of Feb 1 -> Mar 1 (28 days)
    ["2024-02-01", "2024-02-15", 14 / 29], // 14 of Feb 1 -> Mar 1 (29 days, leap year)
    ["2025-01-15", "2025-03-01", 1.5], // 1 whole (to Feb 15), then 14 of Feb 15 -> Mar 15 (28)
    ["2024-12-20", "2025-01-04", 15 / 31], // 15 of Dec 20 -> Jan 20 (31 days)
    ["2024-01-31", "2024-02-28", 28 / 29], // 0 whole: Jan 31 + 1 month is Feb 29; span 29 days
    ["2025-01-31", "2025-03-01", 1 + 1 / 31], // 1 whole to Feb 28, then 1 of Feb 28 -> Mar 31
  ])("%s -> %s = %d", (from, to, expected) => {
    expect(monthsBetween(from, to)).toBeCloseTo(expected, 10);
  });

  it("never decreases as the end date moves on", () => {
    let previous = 0;
    for (let day = 0; day < 800; day++) {
      const value = monthsBetween("2024-01-31", addDays("2024-01-31", day));
      expect(value).toBeGreaterThanOrEqual(previous);
      previous = value;
    }
  });

  it("refuses dates that are not YYYY-MM-DD", () => {
    expect(() => monthsBetween("2025-02-30", "2025-04-01")).toThrow(RangeError);
  });
});

describe("accruedInterest", () => {
  const item = (over: Partial<Parameters<typeof accruedInterest>[0]> = {}) => ({
    interestDays: 2,
    openedAt: at("2025-01-15"),
    repaidAt: null,
    status: "open",
    ...over,
  });

  it.each([
    // 2 person-days/month x 1.5 months (Jan 15 -> Mar 1, see monthsBetween)
    ["open", item(), "2025-03-01", 3],
    ["repaying", item({ status: "repaying" }), "2025-03-01", 3],
    // accepted debt keeps costing
    ["accepted", item({ status: "accepted" }), "2025-03-01", 3],
    // repaid: counted to the repaid date (Feb 15 = 1 month), not to today
    ["repaid", item({ status: "repaid", repaidAt: at("2025-02-15", "23:00") }), "2025-12-01", 2],
    // repaid without a repaid date: falls back to today
    ["repaid, no date", item({ status: "repaid" }), "2025-03-01", 3],
    // written off when the project stopped (Feb 15 = 1 month): it stops costing there
    ["written off", item({ status: "written_off", writtenOffAt: at("2025-02-15") }), "2025-12-01", 2],
    // opened late in the evening UTC: its UTC date is Jan 31 -> Feb 28 = 1 month
    ["UTC date", item({ openedAt: at("2025-01-31", "23:30") }), "2025-02-28", 2],
    ["opened today", item(), "2025-01-15", 0],
    ["no interest", item({ interestDays: 0 }), "2026-01-15", 0],
    // 0.5 x 12 months
    ["fractional rate", item({ interestDays: 0.5 }), "2026-01-15", 6],
  ])("%s", (_name, input, today, expected) => {
    expect(accruedInterest(input, today)).toBeCloseTo(expected, 10);
  });
});

describe("isOverdue", () => {
  const today = "2025-06-10";
  const base = {
    status: "open",
    targetDate: null as string | null,
    steps: [] as Array<{ dueDate: string | null; done: boolean }>,
  };
  it.each([
    ["no dates", base, false],
    ["target in the past", { ...base, targetDate: "2025-06-09" }, true],
    ["target today is not late yet", { ...base, targetDate: "2025-06-10" }, false],
    ["target in the future", { ...base, targetDate: "2025-07-01" }, false],
    ["repaying and late", { ...base, status: "repaying", targetDate: "2025-01-01" }, true],
    ["repaid items are never overdue", { ...base, status: "repaid", targetDate: "2025-01-01" }, false],
    ["accepted items are never overdue", { ...base, status: "accepted", targetDate: "2025-01-01" }, false],
    [
      "written-off items are never overdue",
      { ...base, status: "written_off", targetDate: "2025-01-01", steps: [{ dueDate: "2025-06-01", done: false }] },
      false,
    ],
    [
      "an undone step is late",
      { ...base, targetDate: "2025-12-01", steps: [{ dueDate: "2025-06-01", done: false }] },
      true,
    ],
    [
      "a late step that is done does not count",
      { ...base, targetDate: "2025-12-01", steps: [{ dueDate: "2025-06-01", done: true }] },
      false,
    ],
    ["steps without due dates", { ...base, steps: [{ dueDate: null, done: false }] }, false],
  ])("%s", (_name, item, expected) => {
    expect(isOverdue(item, today)).toBe(expected);
  });
});

describe("isDueBeforeNextStage / isPastRepayStage", () => {
  it.each<[string, Stage | null, Stage, boolean, boolean]>([
    // status, repayBeforeStage, project stage, due before next stage, already late
    ["open", "pilot", "poc", true, false],
    ["open", "production", "poc", false, false],
    ["repaying", "production", "pilot", true, false],
    ["open", "pilot", "pilot", true, true], // should have been repaid already
    ["open", "poc", "pilot", true, true],
    ["open", "production", "production", true, true],
    ["open", null, "pilot", false, false],
    ["repaid", "pilot", "poc", false, false],
    ["accepted", "pilot", "pilot", false, false],
    ["written_off", "pilot", "poc", false, false],
  ])("%s, repay before %s, project in %s -> %s / %s", (status, repayBeforeStage, stage, due, late) => {
    expect(isDueBeforeNextStage({ status, repayBeforeStage }, stage)).toBe(due);
    expect(isPastRepayStage({ status, repayBeforeStage }, stage)).toBe(late);
  });
});

describe("statusAfterStepChange", () => {
  const steps = (...done: boolean[]) => done.map((d) => ({ done: d }));
  it.each<[DebtStatus, boolean[], DebtStatus]>([
    ["open", [false, false], "open"],
    ["open", [true, false], "repaying"], // first step done
    ["open", [true], "repaying"], // the only step done: proposed repaid, not settled
    ["open", [], "open"],
    ["repaying", [true, true], "repaying"], // last step done: still needs "repaid" with a note
    ["repaying", [true, false, false], "repaying"],
    ["repaying", [false, false], "open"], // no step done any more
    ["repaying", [], "open"],
    ["repaid", [false, true], "repaid"], // steps do not move settled items
    ["accepted", [true, true], "accepted"],
    ["written_off", [true, false], "written_off"],
  ])("%s with steps %j -> %s", (current, done, expected) => {
    expect(statusAfterStepChange(current, steps(...done))).toBe(expected);
  });
});

describe("proposeRepaid", () => {
  const steps = (...done: boolean[]) => done.map((d) => ({ done: d }));
  it.each<[DebtStatus, boolean[], boolean]>([
    ["repaying", [true, true], true],
    ["open", [true], true],
    ["repaying", [true, false], false],
    ["open", [], false], // no plan of steps, nothing to propose
    ["repaid", [true, true], false],
    ["accepted", [true], false],
    ["written_off", [true], false],
  ])("%s with steps %j -> %s", (status, done, expected) => {
    expect(proposeRepaid(status, steps(...done))).toBe(expected);
  });
});

describe("writeOffReasonError", () => {
  it.each([
    ["", "Say in a sentence why the open debt is written off."],
    ["  ab ", "Say in a sentence why the open debt is written off."],
    ["Project stopped, the code is archived.", null],
    ["x".repeat(1001), "Keep the reason under 1000 characters."],
  ])("%j -> %s", (reason, expected) => {
    expect(writeOffReasonError(reason)).toBe(expected);
  });
});

describe("validatePlan", () => {
  const step = (title: string, dueDate: string | null = null) => ({ title, dueDate });

  it("accepts a complete, consistent plan", () => {
    expect(
      validatePlan(
        {
          strategy: "Replace the hand-written SQL with the shared feature pipeline.",
          targetDate: "2027-02-01",
          repayBeforeStage: "production",
          steps: [step("Port the joins", "2027-01-10"), step("Delete the script", "2027-02-01")],
        },
        "pilot",
      ),
    ).toEqual({});
  });

  it("accepts an incomplete plan (no strategy, no dates yet)", () => {
    expect(validatePlan({ steps: [] }, "poc")).toEqual({});
  });

  it("names the step that is due after the target date", () => {
    const errors = validatePlan(
      {
        targetDate: "2027-02-01",
        steps: [step("Port the joins", "2027-01-10"), step("Delete the script", "2027-03-01")],
      },
      "poc",
    );
    expect(errors).toEqual({
      "steps.1.dueDate":
        "Step 2 is due on 2027-03-01, after the plan's target date 2027-02-01. Move the step or the target.",
    });
  });

  it.each<[Stage, Stage, string | null]>([
    ["poc", "pilot", null],
    ["poc", "production", null],
    ["pilot", "production", null],
    ["pilot", "pilot", "The project is already in Pilot; choose Production or leave it empty."],
    ["pilot", "poc", "The project is already in Pilot; choose Production or leave it empty."],
    ["production", "production", "The project is already in Production; there is no later stage to repay before."],
  ])("project in %s, repay before %s", (projectStage, repayBeforeStage, message) => {
    const errors = validatePlan({ repayBeforeStage, steps: [] }, projectStage);
    expect(errors.repayBeforeStage).toBe(message ?? undefined);
  });

  it("checks date formats and step titles", () => {
    const errors = validatePlan(
      {
        targetDate: "01/02/2027",
        steps: [step("", "2027-02-30"), step("Fine", "")],
      },
      "poc",
    );
    expect(errors).toEqual({
      targetDate: "Enter a date as YYYY-MM-DD, for example 2027-03-01.",
      "steps.0.title": "Step 1 needs a title.",
      "steps.0.dueDate": "Step 1: Enter a date as YYYY-MM-DD, for example 2027-03-01.",
    });
  });

  it("does not compare steps with an invalid target date", () => {
    const errors = validatePlan({ targetDate: "soon", steps: [step("A", "2030-01-01")] }, "poc");
    expect(Object.keys(errors)).toEqual(["targetDate"]);
  });
});

describe("validateStatusChange", () => {
  const today = "2025-06-10";
  it.each([
    ["repaid with a note", { to: "repaid" as const, note: "Pipeline replaced in PR 42." }, {}],
    ["repaid without a note", { to: "repaid" as const, note: "  " }, { note: "Say how the debt was repaid." }],
    [
      "accepted, complete",
      { to: "accepted" as const, justification: "Runs twice a year.", reviewDate: "2025-12-01" },
      {},
    ],
    [
      "accepted, nothing given",
      { to: "accepted" as const },
      {
        justification: "Explain why this debt is kept on purpose.",
        reviewDate: "Choose a date to review this decision.",
      },
    ],
    [
      "accepted, review today",
      { to: "accepted" as const, justification: "x", reviewDate: "2025-06-10" },
      { reviewDate: "The review date must be after today (2025-06-10)." },
    ],
    [
      "accepted, review in the past",
      { to: "accepted" as const, justification: "x", reviewDate: "2024-01-01" },
      { reviewDate: "The review date must be after today (2025-06-10)." },
    ],
    [
      "accepted, review not a date",
      { to: "accepted" as const, justification: "x", reviewDate: "next year" },
      { reviewDate: "Enter a date as YYYY-MM-DD, for example 2027-03-01." },
    ],
    ["reopened", { to: "open" as const }, {}],
    ["repaying", { to: "repaying" as const }, {}],
  ])("%s", (_name, input, expected) => {
    expect(validateStatusChange(input, today)).toEqual(expected);
  });
});

describe("categories", () => {
  it("offers each register its own categories, ending with Other", () => {
    expect(TECHNICAL_CATEGORIES.map((c) => c.value)).toEqual([
      "hard_coded_logic",
      "manual_steps",
      "missing_tests",
      "missing_documentation",
      "tool_unfit_for_production",
      "performance",
      "infrastructure",
      "other",
    ]);
    expect(ORGANIZATIONAL_CATEGORIES.map((c) => c.value)).toEqual([
      "tool_stack_incompatible",
      "data_access",
      "data_quality",
      "privacy_security",
      "missing_skills",
      "unclear_ownership",
      "other",
    ]);
    expect(categoriesFor("technical")).toBe(TECHNICAL_CATEGORIES);
    expect(categoriesFor("organizational")).toBe(ORGANIZATIONAL_CATEGORIES);
    expect(categoriesFor("financial")).toEqual([]);
  });

  it.each([
    ["technical", "hard_coded_logic", "Hard-coded logic", true],
    ["organizational", "tool_stack_incompatible", "Tool stack incompatible with core IT", true],
    ["organizational", "missing_skills", "Missing engineers or skills", true],
    ["organizational", "unclear_ownership", "Unclear ownership or process", true],
    ["technical", "other", "Other", true],
    ["technical", "data_access", "data_access", false], // organizational, not technical
    ["organizational", "missing_tests", "missing_tests", false],
  ])("%s / %s -> %s (valid: %s)", (register, value, label, valid) => {
    expect(categoryLabel(register, value)).toBe(label);
    expect(isValidCategory(register, value)).toBe(valid);
  });
});

describe("summarize", () => {
  const today = "2025-07-15";
  const opened = at("2025-01-15"); // 6 months before today
  const item = (over: Partial<Parameters<typeof summarize>[0][number]>) => ({
    register: "technical",
    status: "open",
    principalDays: 0,
    interestDays: 0,
    openedAt: opened,
    repaidAt: null,
    targetDate: null,
    steps: [],
    ...over,
  });

  it("sums per register and in total", () => {
    const summary = summarize(
      [
        // technical, open, overdue: principal 5, interest 1 x 6 = 6
        item({ principalDays: 5, interestDays: 1, targetDate: "2025-07-01" }),
        // technical, repaid on Mar 15 (2 months): principal not counted, interest 2 x 2 = 4
        item({ status: "repaid", principalDays: 8, interestDays: 2, repaidAt: at("2025-03-15") }),
        // organizational, repaying, a late step: principal 3, interest 0.5 x 6 = 3
        item({
          register: "organizational",
          status: "repaying",
          principalDays: 3,
          interestDays: 0.5,
          steps: [{ dueDate: "2025-07-14", done: false }],
        }),
        // organizational, accepted: principal not counted, interest still accrues 1 x 6 = 6,
        // not overdue even past its target date
        item({
          register: "organizational",
          status: "accepted",
          principalDays: 10,
          interestDays: 1,
          targetDate: "2025-02-01",
        }),
        // technical, written off on Apr 15 (3 months) when its project stopped: principal not
        // counted, interest 1 x 3 = 3 until then, not overdue although long past its target
        item({
          status: "written_off",
          principalDays: 20,
          interestDays: 1,
          writtenOffAt: at("2025-04-15"),
          targetDate: "2025-02-01",
        }),
      ],
      today,
    );
    expect(summary.technical).toEqual({
      count: 3,
      openCount: 1,
      principalDays: 5,
      accruedInterestDays: 13,
      overdueCount: 1,
    });
    expect(summary.organizational).toEqual({
      count: 2,
      openCount: 1,
      principalDays: 3,
      accruedInterestDays: 9,
      overdueCount: 1,
    });
    expect(summary.total).toEqual({
      count: 5,
      openCount: 2,
      principalDays: 8,
      accruedInterestDays: 22,
      overdueCount: 2,
    });
  });

  it("is all zeros for no debt", () => {
    const zero = {
      count: 0,
      openCount: 0,
      principalDays: 0,
      accruedInterestDays: 0,
      overdueCount: 0,
    };
    expect(summarize([], today)).toEqual({ technical: zero, organizational: zero, total: zero });
  });
});
