/**
 * The one formatter for instants (app/utils/format.ts, docs/domain.md "Dates and times"): the
 * viewer's zone, `2026-09-22 09:02` for a date-time and `2026-09-22` for a date, the zone named
 * when asked; the same characters in every runtime (built from numeric parts).
 */
import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatDateTimeInZone, isoInstant, zoneLabel } from "~/utils/format";

const at = (iso: string) => Date.parse(iso);
const KNOWN = at("2026-09-22T13:02:00Z");

describe("formatDateTime", () => {
  it.each([
    ["UTC", "2026-09-22 13:02"],
    ["America/New_York", "2026-09-22 09:02"],
    ["Europe/Berlin", "2026-09-22 15:02"],
    ["Asia/Kolkata", "2026-09-22 18:32"],
    ["Pacific/Auckland", "2026-09-23 01:02"],
    ["America/Los_Angeles", "2026-09-22 06:02"],
  ])("shows the instant in %s as %s", (zone, expected) => {
    expect(formatDateTime(KNOWN, zone)).toBe(expected);
  });

  it("uses the offset in force on the day (DST)", () => {
    // 12:00 UTC is 07:00 in New York in January (EST) and 08:00 in July (EDT).
    expect(formatDateTime(at("2026-01-15T12:00:00Z"), "America/New_York")).toBe("2026-01-15 07:00");
    expect(formatDateTime(at("2026-07-15T12:00:00Z"), "America/New_York")).toBe("2026-07-15 08:00");
    // Around Berlin's autumn change (2026-10-25, 03:00 CEST -> 02:00 CET), 02:30 happens twice.
    expect(formatDateTime(at("2026-10-25T00:30:00Z"), "Europe/Berlin")).toBe("2026-10-25 02:30");
    expect(formatDateTime(at("2026-10-25T01:30:00Z"), "Europe/Berlin")).toBe("2026-10-25 02:30");
  });

  it("uses only ASCII digits, a space and a colon, whatever the runtime's locale", () => {
    for (const zone of ["UTC", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu"]) {
      expect(formatDateTime(KNOWN, zone)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    }
  });

  it("names the zone when asked, readable", () => {
    expect(formatDateTimeInZone(KNOWN, "America/New_York")).toBe("2026-09-22 09:02 America/New York");
    expect(formatDateTimeInZone(KNOWN, "UTC")).toBe("2026-09-22 13:02 UTC");
    expect(zoneLabel("America/Argentina/Buenos_Aires")).toBe("America/Argentina/Buenos Aires");
  });
});

describe("formatDate", () => {
  it("gives the date the instant falls on in the viewer's zone", () => {
    const lateEvening = at("2026-09-23T02:30:00Z");
    expect(formatDate(lateEvening, "UTC")).toBe("2026-09-23");
    expect(formatDate(lateEvening, "America/New_York")).toBe("2026-09-22");
    expect(formatDate(at("2026-09-22T23:30:00Z"), "Asia/Tokyo")).toBe("2026-09-23");
  });
});

describe("isoInstant", () => {
  it("is the machine-readable UTC instant for <time dateTime>", () => {
    expect(isoInstant(KNOWN)).toBe("2026-09-22T13:02:00.000Z");
  });
});
