/**
 * The one date rule for everything a person enters (app/domain/dates.ts dateInputError):
 * a real calendar day written YYYY-MM-DD, within MIN_INPUT_DATE..MAX_INPUT_DATE. Date.parse
 * rolled 2027-02-30 into March; this check never does.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DATE_FORMAT_MESSAGE,
  dateInputError,
  dateInZone,
  earliestToday,
  isInputDate,
  listedTimeZone,
  MAX_INPUT_DATE,
  MIN_INPUT_DATE,
  startOfDateInZone,
  utcDate,
  wallClock,
} from "~/domain/dates";

describe("dateInputError", () => {
  it.each(["2027-03-31", "2024-02-29", "2000-02-29", MIN_INPUT_DATE, MAX_INPUT_DATE, "2099-12-31"])(
    "accepts %s",
    (value) => {
      expect(dateInputError(value)).toBeNull();
      expect(isInputDate(value)).toBe(true);
    },
  );

  it.each([
    "2027-02-30", // what Date.parse rolled into March
    "2099-02-30",
    "2027-02-29", // not a leap year
    "2100-02-29", // divisible by 100, not by 400
    "2027-04-31",
    "2027-13-01",
    "2027-00-10",
    "2027-01-00",
  ])("refuses the day that does not exist, %s", (value) => {
    expect(dateInputError(value)).toBe(DATE_FORMAT_MESSAGE);
  });

  it.each([
    "2027-3-1",
    "27-03-01",
    "2027/03/01",
    "2027-03-01T00:00:00Z",
    " 2027-03-01",
    "２０２７-03-01",
    "",
    "next year",
  ])("refuses the malformed %j", (value) => {
    expect(dateInputError(value)).toBe(DATE_FORMAT_MESSAGE);
  });

  it.each([null, undefined, 20270301, new Date("2027-03-01"), ["2027-03-01"]])("refuses the non-string %j", (value) => {
    expect(dateInputError(value)).toBe(DATE_FORMAT_MESSAGE);
  });

  it.each(["1999-12-31", "0000-01-01", "3000-01-01", "9999-12-31"])("refuses %s, outside the app's range", (value) => {
    expect(dateInputError(value)).toBe(`Choose a date between ${MIN_INPUT_DATE} and ${MAX_INPUT_DATE}.`);
  });
});

/**
 * Which calendar date an instant falls on depends on the zone (docs/domain.md, "Dates and
 * times"): the organisation's zone decides "today" for overdue, a person's zone what they see.
 */
describe("dates in a time zone", () => {
  const at = (iso: string) => Date.parse(iso);

  it("gives the wall clock of an instant in a zone", () => {
    expect(wallClock(at("2026-09-22T13:02:00Z"), "America/New_York")).toEqual({ date: "2026-09-22", time: "09:02" });
    expect(wallClock(at("2026-09-22T13:02:00Z"), "Europe/Berlin")).toEqual({ date: "2026-09-22", time: "15:02" });
    expect(wallClock(at("2026-09-22T13:02:00Z"), "Asia/Kolkata")).toEqual({ date: "2026-09-22", time: "18:32" });
    expect(wallClock(at("2026-09-22T13:02:59.999Z"), "UTC")).toEqual({ date: "2026-09-22", time: "13:02" });
  });

  it("writes midnight as 00:00, never 24:00", () => {
    expect(wallClock(at("2026-09-22T04:00:00Z"), "America/New_York")).toEqual({ date: "2026-09-22", time: "00:00" });
    expect(wallClock(at("2026-09-22T00:00:00Z"), "UTC")).toEqual({ date: "2026-09-22", time: "00:00" });
  });

  it("counts an unknown zone as UTC rather than failing", () => {
    expect(wallClock(at("2026-09-22T23:30:00Z"), "Mars/Olympus_Mons")).toEqual({ date: "2026-09-22", time: "23:30" });
  });

  it("puts the org's 'today' on the right side of its midnight", () => {
    // One minute either side of midnight in New York (UTC-4 in September).
    expect(dateInZone(at("2026-09-22T03:59:00Z"), "America/New_York")).toBe("2026-09-21");
    expect(dateInZone(at("2026-09-22T04:00:00Z"), "America/New_York")).toBe("2026-09-22");
    // Tokyo is already on the next day while UTC is still on the last one.
    expect(dateInZone(at("2026-12-31T15:00:00Z"), "Asia/Tokyo")).toBe("2027-01-01");
    expect(dateInZone(at("2026-12-31T14:59:59.999Z"), "Asia/Tokyo")).toBe("2026-12-31");
    expect(utcDate(at("2026-12-31T15:00:00Z"))).toBe("2026-12-31");
  });

  it("follows daylight saving time on both changes", () => {
    // New York springs forward on 2026-03-08 at 02:00 (UTC-5 -> UTC-4).
    expect(wallClock(at("2026-03-08T06:59:00Z"), "America/New_York").time).toBe("01:59");
    expect(wallClock(at("2026-03-08T07:00:00Z"), "America/New_York").time).toBe("03:00");
    // ... and falls back on 2026-11-01 at 02:00: 01:30 happens twice.
    expect(wallClock(at("2026-11-01T05:30:00Z"), "America/New_York").time).toBe("01:30");
    expect(wallClock(at("2026-11-01T06:30:00Z"), "America/New_York").time).toBe("01:30");
    // Berlin springs forward on 2026-03-29 at 02:00 (UTC+1 -> UTC+2).
    expect(wallClock(at("2026-03-29T00:59:00Z"), "Europe/Berlin").time).toBe("01:59");
    expect(wallClock(at("2026-03-29T01:00:00Z"), "Europe/Berlin").time).toBe("03:00");
  });

  it("finds when a day starts in a zone, DST days included", () => {
    const iso = (ms: number) => new Date(ms).toISOString();
    expect(iso(startOfDateInZone("2026-09-22", "UTC"))).toBe("2026-09-22T00:00:00.000Z");
    expect(iso(startOfDateInZone("2026-09-22", "America/New_York"))).toBe("2026-09-22T04:00:00.000Z");
    expect(iso(startOfDateInZone("2026-03-08", "America/New_York"))).toBe("2026-03-08T05:00:00.000Z");
    expect(iso(startOfDateInZone("2026-03-09", "America/New_York"))).toBe("2026-03-09T04:00:00.000Z");
    expect(iso(startOfDateInZone("2026-11-02", "America/New_York"))).toBe("2026-11-02T05:00:00.000Z");
    expect(iso(startOfDateInZone("2026-03-29", "Europe/Berlin"))).toBe("2026-03-28T23:00:00.000Z");
    expect(iso(startOfDateInZone("2026-09-22", "Asia/Kolkata"))).toBe("2026-09-21T18:30:00.000Z");
    expect(iso(startOfDateInZone("2026-09-22", "Pacific/Kiritimati"))).toBe("2026-09-21T10:00:00.000Z");
    // Santiago skipped midnight on 2024-09-08: the day began at 01:00 local.
    const santiago = startOfDateInZone("2024-09-08", "America/Santiago");
    expect(wallClock(santiago, "America/Santiago")).toEqual({ date: "2024-09-08", time: "01:00" });
    expect(dateInZone(santiago - 1, "America/Santiago")).toBe("2024-09-07");
  });

  it("reads every instant's clock in a zone as Intl does, across clock changes (once-an-hour offsets)", () => {
    // wallClock and dateInZone look a zone's offset up once per UTC hour; here Intl is asked
    // for every instant. Lord Howe changes by 30 minutes at half past a UTC hour, Tehran
    // (UTC+3:30) turned its clocks back at midnight until 2022, Kathmandu and Chatham are off
    // by 45 minutes, Apia skipped 2011-12-30 altogether; Monrovia's offset had seconds until 1972.
    const formatters = new Map<string, Intl.DateTimeFormat>();
    const formatter = (timeZone: string): Intl.DateTimeFormat => {
      if (!formatters.has(timeZone)) {
        try {
          const options: Intl.DateTimeFormatOptions = { year: "numeric", month: "2-digit", day: "2-digit" };
          formatters.set(
            timeZone,
            new Intl.DateTimeFormat("en-CA", {
              ...options,
              hour: "2-digit",
              minute: "2-digit",
              hourCycle: "h23",
              timeZone,
            }),
          );
        } catch {
          return formatter("UTC"); // an unknown zone counts as UTC
        }
      }
      return formatters.get(timeZone)!;
    };
    const intl = (instant: number, zone: string) => {
      const part = Object.fromEntries(
        formatter(zone)
          .formatToParts(instant)
          .map((p) => [p.type, p.value]),
      );
      return { date: `${part.year.padStart(4, "0")}-${part.month}-${part.day}`, time: `${part.hour}:${part.minute}` };
    };
    const agrees = (instant: number, zone: string) => {
      const expected = intl(instant, zone);
      const where = `${zone} ${new Date(instant).toISOString()}`;
      expect(wallClock(instant, zone), where).toEqual(expected);
      expect(dateInZone(instant, zone), where).toBe(expected.date);
    };
    const zones = [
      "UTC",
      "America/New_York",
      "Europe/Berlin",
      "Australia/Lord_Howe",
      "Asia/Kathmandu",
      "Pacific/Chatham",
      "Pacific/Apia",
      "America/Santiago",
      "Asia/Tehran",
      "Mars/Olympus_Mons",
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(1960, 0, 1), max: Date.UTC(2100, 0, 1) }),
        (zone, instant) => agrees(instant, zone),
      ),
      { numRuns: 3000 },
    );
    // Every minute (and the last millisecond of every other one) around the hours where an
    // offset changes mid-hour or the date turns.
    const around = (iso: string, zone: string) => {
      for (let minute = -90; minute <= 90; minute++)
        agrees(at(iso) + minute * 60_000 + (minute % 2 ? 59_999 : 0), zone);
    };
    around("2026-04-04T15:00:00Z", "Australia/Lord_Howe"); // 02:00 daylight -> 01:30 standard, at 15:00 UTC
    around("2026-10-03T15:30:00Z", "Australia/Lord_Howe"); // 02:00 -> 02:30, at 15:30 UTC
    around("2026-04-04T13:30:00Z", "Australia/Lord_Howe"); // local midnight, UTC+11
    around("2026-09-22T18:15:00Z", "Asia/Kathmandu"); // local midnight, UTC+5:45
    around("2011-12-30T10:00:00Z", "Pacific/Apia"); // the day Samoa skipped
    around("2021-09-21T19:30:00Z", "Asia/Tehran"); // 24:00 (UTC+4:30) -> 23:00 (UTC+3:30), mid-hour in UTC
    around("2026-11-01T06:00:00Z", "America/New_York"); // 01:30 happens twice
    around("1972-01-07T00:44:30Z", "Africa/Monrovia"); // -0:44:30 until 1972-01-07: Intl for each instant
    around("1973-01-01T00:00:00Z", "Africa/Monrovia");
  });

  it("gives the earliest date anywhere, for checks that cannot know the org's zone", () => {
    expect(earliestToday(at("2026-01-01T11:59:00Z"))).toBe("2025-12-31");
    expect(earliestToday(at("2026-01-01T12:00:00Z"))).toBe("2026-01-01");
  });

  it("matches a browser's zone to the list, under any of its names", () => {
    expect(listedTimeZone("America/New_York")).toBe("America/New_York");
    expect(listedTimeZone("UTC")).toBe("UTC");
    expect(listedTimeZone("Etc/UTC")).toBe("UTC");
    const kolkata = listedTimeZone("Asia/Kolkata");
    expect(kolkata === "Asia/Kolkata" || kolkata === "Asia/Calcutta").toBe(true);
    for (const bad of ["", "Nowhere/Special", "America/New_York\n", "x".repeat(65), null, 5, ["UTC"]]) {
      expect(listedTimeZone(bad)).toBeNull();
    }
  });
});
