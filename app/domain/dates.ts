/**
 * Calendar helpers. A calendar date is a `YYYY-MM-DD` string (due dates, target dates);
 * an instant is integer milliseconds UTC. Nothing here reads the clock: callers pass
 * `now` or `today` so tests control time.
 *
 * Valid `YYYY-MM-DD` strings compare correctly as plain strings, so `a < b` is the
 * chronological order once both are validated.
 *
 * A calendar date is never shifted by a time zone. Which date an instant falls on depends on
 * the zone (`dateInZone`): "today" for overdue and due-soon is the organisation's date
 * (TRIAD_TIME_ZONE, `orgToday` in app/lib/org-time-zone.server.ts); what a person sees is in
 * their own zone (app/utils/format.ts). See docs/domain.md, "Dates and times".
 */

import { isTimeZone } from "./notifications";

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 24 * 60 * 60 * 1000;

export type CalendarDate = { year: number; month: number; day: number };

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in `month` (1-12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** True for a real calendar date written as `YYYY-MM-DD` (2025-02-29 is not one). */
export function isValidDate(value: unknown): value is string {
  if (typeof value !== "string") return false;
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * The dates a person may enter anywhere (due, target, review and expiry dates, API query
 * dates, the CLI): nothing before the app's time, and an upper bound far enough for "valid
 * until 2999-12-31", the usual way to say "practically never". Outside these, a date is a
 * typo or a probe, not a plan.
 */
export const MIN_INPUT_DATE = "2000-01-01";
export const MAX_INPUT_DATE = "2999-12-31";

/** The one hint for a date field: what to type. */
export const DATE_FORMAT_MESSAGE = "Enter a date as YYYY-MM-DD, for example 2027-03-01.";

/**
 * The one check of a date someone entered (forms, API bodies and queries, the CLI): why it is
 * not acceptable, in words, or null when it is a real calendar day written `YYYY-MM-DD`
 * within MIN_INPUT_DATE..MAX_INPUT_DATE. 2027-02-30 is refused (never rolled into March) with
 * the same hint as a malformed date.
 */
export function dateInputError(value: unknown): string | null {
  if (typeof value !== "string" || !DATE_PATTERN.test(value)) return DATE_FORMAT_MESSAGE;
  if (!isValidDate(value)) return DATE_FORMAT_MESSAGE;
  if (value < MIN_INPUT_DATE || value > MAX_INPUT_DATE) {
    return `Choose a date between ${MIN_INPUT_DATE} and ${MAX_INPUT_DATE}.`;
  }
  return null;
}

/** True for a date a person may enter (see dateInputError). */
export function isInputDate(value: unknown): value is string {
  return dateInputError(value) === null;
}

/** Splits a valid `YYYY-MM-DD` date; throws a RangeError for anything else. */
export function parseDate(value: string): CalendarDate {
  if (!isValidDate(value)) throw new RangeError(`Not a YYYY-MM-DD date: ${JSON.stringify(value)}`);
  const [year, month, day] = value.split("-").map(Number);
  return { year, month, day };
}

export function formatDate({ year, month, day }: CalendarDate): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/**
 * The UTC calendar date of an instant: `utcDate(Date.UTC(2025, 0, 31, 23, 59))` is "2025-01-31".
 * Date arithmetic on calendar dates only; "today" is `orgToday`, never `utcDate(Date.now())`.
 */
export function utcDate(instant: number): string {
  const d = new Date(instant);
  return formatDate({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
}

/** Milliseconds UTC at midnight starting `date`. */
export function startOfDateUtc(date: string): number {
  const { year, month, day } = parseDate(date);
  return Date.UTC(year, month - 1, day);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((startOfDateUtc(to) - startOfDateUtc(from)) / DAY_MS);
}

export function addDays(date: string, days: number): string {
  return utcDate(startOfDateUtc(date) + days * DAY_MS);
}

/**
 * `months` calendar months after `date`, clamped to the end of a shorter month:
 * 2025-01-31 + 1 = 2025-02-28, 2024-01-31 + 1 = 2024-02-29, 2024-02-29 + 12 = 2025-02-28.
 */
export function addMonths(date: string, months: number): string {
  const { year, month, day } = parseDate(date);
  const zeroBased = month - 1 + months;
  const targetYear = year + Math.floor(zeroBased / 12);
  const targetMonth = (((zeroBased % 12) + 12) % 12) + 1;
  return formatDate({
    year: targetYear,
    month: targetMonth,
    day: Math.min(day, daysInMonth(targetYear, targetMonth)),
  });
}

/**
 * Calendar months from `from` to `to` as a decimal; 0 when `to` is not after `from`.
 *
 * Whole months are counted by the calendar, always from `from` itself (so month ends stay
 * month ends): the whole count is the largest n with addMonths(from, n) <= to. The days left
 * over are a fraction of the span from addMonths(from, n) to addMonths(from, n + 1).
 *
 *   2025-01-31 -> 2025-02-28  = 1        (Feb 28 is Jan 31 + 1 month in a non-leap year)
 *   2024-01-31 -> 2024-02-29  = 1
 *   2024-02-29 -> 2025-02-28  = 12
 *   2024-12-15 -> 2025-01-15  = 1
 *   2025-04-01 -> 2025-04-16  = 15 / 30 = 0.5
 *
 * Not rounded: round only for display.
 */
export function monthsBetween(from: string, to: string): number {
  if (to <= from) return 0;
  // Pure and asked for the same few thousand date pairs over and over (a register of
  // 100k items opened on ~1,000 days): remember the answers, boundedly.
  const key = from + to;
  const known = monthsMemo.get(key);
  if (known !== undefined) return known;
  const value = computeMonthsBetween(from, to);
  if (monthsMemo.size >= 100_000) monthsMemo.clear();
  monthsMemo.set(key, value);
  return value;
}

const monthsMemo = new Map<string, number>();

function computeMonthsBetween(from: string, to: string): number {
  const start = parseDate(from);
  const end = parseDate(to);
  // A first guess by month numbers is never too small and at most one too large
  // (when the day of `to` is before the day of `from`).
  let whole = (end.year - start.year) * 12 + (end.month - start.month);
  if (addMonths(from, whole) > to) whole -= 1;
  const anchor = addMonths(from, whole);
  const next = addMonths(from, whole + 1);
  const remainder = daysBetween(anchor, to);
  return whole + remainder / daysBetween(anchor, next);
}

/**
 * `monthsBetween` for day numbers (days since 1970-01-01 UTC), without building strings:
 * the same calendar rule, for loops over many items (the dashboard's debt series).
 */
export function monthsBetweenDays(fromDay: number, toDay: number): number {
  if (toDay <= fromDay) return 0;
  const from = new Date(fromDay * DAY_MS);
  const to = new Date(toDay * DAY_MS);
  const y = from.getUTCFullYear();
  const m = from.getUTCMonth();
  const d = from.getUTCDate();
  // Day number of `from` plus n months, clamped to the month's last day (as addMonths does).
  const plusMonths = (n: number) => {
    const last = new Date(Date.UTC(y, m + n + 1, 0)).getUTCDate();
    return Date.UTC(y, m + n, Math.min(d, last)) / DAY_MS;
  };
  let whole = (to.getUTCFullYear() - y) * 12 + (to.getUTCMonth() - m);
  if (plusMonths(whole) > toDay) whole -= 1;
  const anchor = plusMonths(whole);
  return whole + (toDay - anchor) / (plusMonths(whole + 1) - anchor);
}

// ---------- time zones (docs/domain.md, "Dates and times") ----------

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

/** One numeric formatter per zone (making one costs far more than using it); null for a zone Intl does not know. */
function zoneFormatter(zone: string): Intl.DateTimeFormat | null {
  let formatter = zoneFormatters.get(zone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat("en-US", {
        timeZone: zone,
        numberingSystem: "latn",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      });
    } catch {
      return null;
    }
    if (zoneFormatters.size >= 1000) zoneFormatters.clear();
    zoneFormatters.set(zone, formatter);
  }
  return formatter;
}

/** An instant's wall-clock reading in a zone: `date` "2026-09-22" and `time` "09:02". */
export type WallClock = { date: string; time: string };

/**
 * What a clock in `zone` showed at `instant` (an unknown zone counts as UTC). Built from the
 * numeric parts, never from a locale's pattern, so the server and every browser print the same
 * characters (no hydration mismatch, no narrow spaces).
 *
 * A page of a hundred times, or a download of 100,000 rows, asks for many: Intl's
 * formatToParts costs microseconds a call, so the zone's offset is looked up once per hour
 * of UTC time and the clock read from the instant moved by it (docs/domain.md, "Dates and
 * times": from 1973 on, offsets are whole minutes and change at most once within an hour).
 */
export function wallClock(instant: number, zone: string): WallClock {
  if (instant >= OFFSETS_FROM && instant < OFFSETS_UNTIL) {
    const offset = zone === "UTC" ? 0 : zoneOffsetInHour(instant, zone);
    if (offset !== null) {
      const iso = new Date(instant + offset).toISOString();
      return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
    }
  }
  return intlWallClock(instant, zone);
}

/** wallClock from Intl's parts, for any instant. */
function intlWallClock(instant: number, zone: string): WallClock {
  const formatter = zoneFormatter(zone) ?? zoneFormatter("UTC")!;
  let year = "";
  let month = "";
  let day = "";
  let hour = "";
  let minute = "";
  for (const part of formatter.formatToParts(instant)) {
    if (part.type === "year") year = part.value;
    else if (part.type === "month") month = part.value;
    else if (part.type === "day") day = part.value;
    else if (part.type === "hour") hour = part.value;
    else if (part.type === "minute") minute = part.value;
  }
  return {
    date: `${year.padStart(4, "0")}-${month}-${day}`,
    // Some engines said "24" for midnight under hour12: false; h23 should not, but be sure.
    time: `${String(Number(hour) % 24).padStart(2, "0")}:${minute}`,
  };
}

/** The calendar date of an instant in a zone: 2026-03-08T04:30Z is "2026-03-07" in America/New_York. */
export function dateInZone(instant: number, zone: string): string {
  return wallClock(instant, zone).date;
}

const HOUR_MS = 60 * 60 * 1000;
/**
 * 1973-01-01 to 9000-01-01 UTC: from 1973 on every zone's offset is whole minutes (Liberia's
 * -0:44:30, the last with seconds, ended in January 1972).
 */
const OFFSETS_FROM = Date.UTC(1973, 0, 1);
const OFFSETS_UNTIL = Date.UTC(9000, 0, 1);
/** By zone, the offset (wall clock minus UTC) through each UTC hour, null for an hour with a change. */
const hourOffsets = new Map<string, Map<number, number | null>>();
const HOUR_OFFSETS_MAX = 50_000;

/** The wall clock's offset from UTC in ms at a whole minute, from Intl. */
function offsetAtMinute(minute: number, zone: string): number {
  const { date, time } = intlWallClock(minute, zone);
  return startOfDateUtc(date) + (Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))) * 60_000 - minute;
}

/**
 * The zone's offset through the whole UTC hour that holds `instant`, or null when it differs
 * at the hour's first and last minute (a clock change within that hour: ask Intl).
 */
function zoneOffsetInHour(instant: number, zone: string): number | null {
  let byHour = hourOffsets.get(zone);
  if (!byHour) hourOffsets.set(zone, (byHour = new Map()));
  const hour = Math.floor(instant / HOUR_MS);
  let offset = byHour.get(hour);
  if (offset === undefined) {
    const first = offsetAtMinute(hour * HOUR_MS, zone);
    const last = offsetAtMinute(hour * HOUR_MS + HOUR_MS - 60_000, zone);
    offset = first === last ? first : null;
    if (byHour.size >= HOUR_OFFSETS_MAX) byHour.clear();
    byHour.set(hour, offset);
  }
  return offset;
}

const MINUTE_MS = 60 * 1000;

/**
 * The first instant of `date` in `zone`: "2026-03-08" in America/New_York begins at
 * 2026-03-08T05:00Z. A day whose midnight a clock change skips begins when the clock jumps.
 * Minute precision (every zone's offset is whole minutes since 1973).
 */
export function startOfDateInZone(date: string, zone: string): number {
  // Offsets lie within ±14 h: the day starts within 15 h of its UTC midnight. Find the first
  // minute whose local date is `date` or later.
  const utcMidnight = startOfDateUtc(date);
  let low = (utcMidnight - 15 * 60 * MINUTE_MS) / MINUTE_MS;
  let high = (utcMidnight + 15 * 60 * MINUTE_MS) / MINUTE_MS;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (dateInZone(middle * MINUTE_MS, zone) >= date) high = middle;
    else low = middle + 1;
  }
  return low * MINUTE_MS;
}

/**
 * The zone of the list a person may choose (app/domain/notifications.ts `timeZones`) that
 * names `value`, or null. A browser may call a zone by another of its names (Asia/Kolkata for
 * Asia/Calcutta, Etc/UTC for UTC): those are matched through Intl's own resolution. Anything
 * else (not a string, too long, unknown) is null.
 */
export function listedTimeZone(value: unknown): string | null {
  if (typeof value !== "string" || value.length === 0 || value.length > 64) return null;
  if (isTimeZone(value)) return value;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en-US", { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  return isTimeZone(resolved) ? resolved : null;
}

/**
 * The earliest date it is anywhere at `now` (the date at UTC−12). A check that cannot know the
 * organisation's zone, a form's schema in the browser, compares with it so that it refuses only
 * dates past everywhere; the model decides with the organisation's today.
 */
export function earliestToday(now: number): string {
  return utcDate(now - 12 * 60 * 60 * 1000);
}
