/**
 * TRIAD_TIME_ZONE: the organisation's zone decides "today" for overdue and due-soon (docs/domain.md,
 * "Dates and times"); a bad value stops the server at start with a sentence saying what to set.
 */
import { afterEach, describe, expect, it } from "vitest";
import { orgTimeZone, orgToday, readOrgTimeZone, resetOrgTimeZone } from "~/lib/org-time-zone.server";

const saved = process.env.TRIAD_TIME_ZONE;
afterEach(() => {
  if (saved === undefined) delete process.env.TRIAD_TIME_ZONE;
  else process.env.TRIAD_TIME_ZONE = saved;
  resetOrgTimeZone();
});

describe("readOrgTimeZone", () => {
  it("defaults to UTC", () => {
    expect(readOrgTimeZone({})).toBe("UTC");
    expect(readOrgTimeZone({ TRIAD_TIME_ZONE: "  " })).toBe("UTC");
  });

  it("takes an IANA zone", () => {
    expect(readOrgTimeZone({ TRIAD_TIME_ZONE: "Europe/Berlin" })).toBe("Europe/Berlin");
    expect(readOrgTimeZone({ TRIAD_TIME_ZONE: " America/New_York " })).toBe("America/New_York");
  });

  it.each(["Berlin", "Europe/Atlantis", "UTC+2", "europe/berlin"])(
    "refuses %j with a sentence naming the setting",
    (v) => {
      expect(() => readOrgTimeZone({ TRIAD_TIME_ZONE: v })).toThrow(
        `TRIAD_TIME_ZONE="${v}" is not a time zone: set an IANA zone such as Europe/Berlin or America/New_York, or UTC (the default).`,
      );
    },
  );
});

describe("orgToday", () => {
  it("is the organisation's date, switching at its midnight", () => {
    process.env.TRIAD_TIME_ZONE = "America/New_York";
    resetOrgTimeZone();
    expect(orgTimeZone()).toBe("America/New_York");
    // 23:59 and 00:00 in New York (UTC-4 in September).
    expect(orgToday(Date.parse("2026-09-23T03:59:00Z"))).toBe("2026-09-22");
    expect(orgToday(Date.parse("2026-09-23T04:00:00Z"))).toBe("2026-09-23");
  });

  it("is the UTC date by default", () => {
    delete process.env.TRIAD_TIME_ZONE;
    resetOrgTimeZone();
    expect(orgToday(Date.parse("2026-09-23T03:59:00Z"))).toBe("2026-09-23");
  });
});
