/**
 * Reminders and escalation (docs/domain.md, "Notifications"): which reminder, escalation,
 * debt notice or digest is due at an instant, given what was already sent.
 */
import { describe, expect, it } from "vitest";
import {
  DAY_MS,
  daysWaited,
  digestDue,
  dueDebtNotices,
  dueReviewSteps,
  escalationKey,
  gateTimingsError,
  localTime,
  reminderKey,
  type ReviewWait,
} from "../../app/domain/reminders";

const OPENED = Date.UTC(2027, 0, 1, 9, 0);
const timings = { remindAfterDays: 3, escalateAfterDays: 10 };
const wait: ReviewWait = { reviewId: 7, discipline: "it", openedAt: OPENED, open: true, approved: false };
const day = (n: number, hours = 1) => OPENED + n * DAY_MS + hours * 3_600_000;

describe("review reminders and escalation", () => {
  // One pass per row, in order, each recording what it sent: what does each pass send?
  const passes: Array<{ day: number; sends: string[] }> = [
    { day: 2, sends: [] },
    { day: 3, sends: ["reminder 1"] },
    { day: 3.5, sends: [] },
    { day: 5, sends: [] },
    { day: 6, sends: ["reminder 2"] },
    { day: 9, sends: ["reminder 3"] },
    { day: 10, sends: ["escalation"] },
    { day: 11, sends: [] },
    { day: 12, sends: ["reminder 4"] },
  ];
  const describeStep = (s: ReturnType<typeof dueReviewSteps>[number]) =>
    s.kind === "reminder" ? `reminder ${s.step}` : "escalation";

  it.each(passes.map((p, i) => [p.day, p.sends, i] as const))("on day %s sends %j", (d, sends, index) => {
    const sent = new Set<string>();
    for (const earlier of passes.slice(0, index)) {
      for (const step of dueReviewSteps(wait, timings, day(earlier.day, 0), sent)) sent.add(step.key);
    }
    expect(dueReviewSteps(wait, timings, day(d, 0), sent).map(describeStep)).toEqual(sends);
  });

  it("counts whole days from the opening: 2 days 23 hours is still day 2", () => {
    expect(daysWaited(OPENED, OPENED + 3 * DAY_MS - 1)).toBe(2);
    expect(dueReviewSteps(wait, timings, OPENED + 3 * DAY_MS - 1, new Set())).toEqual([]);
    expect(dueReviewSteps(wait, timings, OPENED + 3 * DAY_MS, new Set()).map(describeStep)).toEqual(["reminder 1"]);
  });

  it("sends only the latest reminder when the pass runs late, once", () => {
    const sent = new Set<string>();
    const late = dueReviewSteps(wait, timings, day(8), sent);
    expect(late).toEqual([{ kind: "reminder", key: reminderKey(7, "it", 2), step: 2, days: 8 }]);
    sent.add(late[0].key);
    expect(dueReviewSteps(wait, timings, day(8, 5), sent)).toEqual([]);
    // Reminder 1 was skipped for good, not sent afterwards.
    expect(dueReviewSteps(wait, timings, day(8, 20), sent)).toEqual([]);
  });

  it("sends the due reminder and the escalation together when both are new", () => {
    const sent = new Set([reminderKey(7, "it", 1), reminderKey(7, "it", 2)]);
    expect(dueReviewSteps(wait, timings, day(10), sent).map(describeStep)).toEqual(["reminder 3", "escalation"]);
    sent.add(reminderKey(7, "it", 3));
    expect(dueReviewSteps(wait, timings, day(10), sent)).toEqual([
      { kind: "escalation", key: escalationKey(7, "it"), days: 10 },
    ]);
  });

  it("sends nothing for a closed review or a discipline that approves", () => {
    expect(dueReviewSteps({ ...wait, open: false }, timings, day(12), new Set())).toEqual([]);
    expect(dueReviewSteps({ ...wait, approved: true }, timings, day(12), new Set())).toEqual([]);
  });

  it("keys each reminder by review, discipline and step, and the escalation by review and discipline", () => {
    expect(reminderKey(7, "data_science", 2)).toBe("remind:7:data_science:2");
    expect(escalationKey(7, "business")).toBe("escalate:7:business");
    // Another discipline of the same review is reminded on its own.
    const sent = new Set([reminderKey(7, "it", 1)]);
    expect(dueReviewSteps({ ...wait, discipline: "business" }, timings, day(3), sent).map(describeStep)).toEqual([
      "reminder 1",
    ]);
  });

  it("follows the gate's timings", () => {
    const daily = { remindAfterDays: 1, escalateAfterDays: 2 };
    expect(dueReviewSteps(wait, daily, day(1), new Set()).map(describeStep)).toEqual(["reminder 1"]);
    expect(dueReviewSteps(wait, daily, day(2), new Set()).map(describeStep)).toEqual(["reminder 2", "escalation"]);
  });
});

describe("gate timings", () => {
  it.each([
    [{ remindAfterDays: 3, escalateAfterDays: 10 }, null],
    [{ remindAfterDays: 1, escalateAfterDays: 60 }, null],
    [{ remindAfterDays: 0, escalateAfterDays: 10 }, { remindAfterDays: expect.stringMatching(/1 to 60/) }],
    [{ remindAfterDays: 3, escalateAfterDays: 61 }, { escalateAfterDays: expect.stringMatching(/1 to 60/) }],
    [{ remindAfterDays: 2.5, escalateAfterDays: 10 }, { remindAfterDays: expect.stringMatching(/whole number/) }],
    [
      { remindAfterDays: 5, escalateAfterDays: 5 },
      { escalateAfterDays: expect.stringMatching(/later than the first reminder/) },
    ],
    [
      { remindAfterDays: 9, escalateAfterDays: 4 },
      { escalateAfterDays: expect.stringMatching(/later than the first reminder/) },
    ],
  ])("%j → %j", (input, expected) => {
    expect(gateTimingsError(input)).toEqual(expected);
  });
});

describe("debt notices", () => {
  const item = { kind: "item", id: 4 } as const;
  const step = { kind: "step", id: 9 } as const;
  const kinds = (list: ReturnType<typeof dueDebtNotices>) => list.map((n) => n.kind);

  it.each([
    ["2027-01-20", "2027-01-10", []],
    ["2027-01-14", "2027-01-10", []],
    ["2027-01-13", "2027-01-10", ["due_soon"]],
    ["2027-01-10", "2027-01-10", ["due_soon"]],
    ["2027-01-09", "2027-01-10", ["overdue"]],
    ["2027-01-03", "2027-01-10", ["overdue", "escalation"]],
    // A pass catches up on dates at most 30 days past, no further.
    ["2026-12-11", "2027-01-10", ["overdue", "escalation"]],
    ["2026-12-10", "2027-01-10", []],
  ] as const)("an item due %s on %s: %j", (date, today, expected) => {
    expect(kinds(dueDebtNotices(item, date, today, new Set()))).toEqual(expected);
  });

  it("tells each kind once per subject and date, and again for a new date", () => {
    const sent = new Set<string>();
    const first = dueDebtNotices(item, "2027-01-12", "2027-01-10", sent);
    expect(first).toEqual([{ kind: "due_soon", key: "debt-due:item:4:2027-01-12", date: "2027-01-12", daysLeft: 2 }]);
    sent.add(first[0].key);
    expect(dueDebtNotices(item, "2027-01-12", "2027-01-11", sent)).toEqual([]);
    const overdue = dueDebtNotices(item, "2027-01-12", "2027-01-13", sent);
    expect(overdue).toEqual([
      { kind: "overdue", key: "debt-overdue:item:4:2027-01-12", date: "2027-01-12", daysOverdue: 1 },
    ]);
    sent.add(overdue[0].key);
    expect(dueDebtNotices(item, "2027-01-12", "2027-01-15", sent)).toEqual([]);
    expect(kinds(dueDebtNotices(item, "2027-01-12", "2027-01-19", sent))).toEqual(["escalation"]);
    // The owner moved the date: the new one is announced.
    expect(kinds(dueDebtNotices(item, "2027-01-20", "2027-01-18", sent))).toEqual(["due_soon"]);
  });

  it("never escalates a step, and nothing without a date", () => {
    expect(kinds(dueDebtNotices(step, "2026-12-21", "2027-01-10", new Set()))).toEqual(["overdue"]);
    expect(dueDebtNotices(item, null, "2027-01-10", new Set())).toEqual([]);
  });
});

describe("the daily digest", () => {
  const at = Date.UTC(2027, 0, 10, 7, 30); // 07:30 UTC = 08:30 in Berlin, 02:30 in New York

  it("reads the person's local date and hour", () => {
    expect(localTime(at, "Europe/Berlin")).toEqual({ date: "2027-01-10", hour: 8 });
    expect(localTime(at, "America/New_York")).toEqual({ date: "2027-01-10", hour: 2 });
    expect(localTime(Date.UTC(2027, 0, 10, 23, 30), "Asia/Tokyo")).toEqual({ date: "2027-01-11", hour: 8 });
    expect(localTime(at, "Not/AZone")).toEqual({ date: "2027-01-10", hour: 7 });
  });

  it("is due once the digest hour has passed, once per local day", () => {
    const berlin = { userId: 3, timeZone: "Europe/Berlin", digestHour: 8 };
    expect(digestDue(berlin, at, new Set())).toEqual({ key: "digest:3:2027-01-10", localDate: "2027-01-10" });
    expect(digestDue(berlin, at, new Set(["digest:3:2027-01-10"]))).toBeNull();
    expect(digestDue({ ...berlin, timeZone: "America/New_York" }, at, new Set())).toBeNull();
    expect(digestDue({ ...berlin, digestHour: 9 }, at, new Set())).toBeNull();
    expect(digestDue(berlin, at + 24 * 3_600_000, new Set(["digest:3:2027-01-10"]))).toEqual({
      key: "digest:3:2027-01-11",
      localDate: "2027-01-11",
    });
  });
});
