/**
 * Formatting for display only: instants are stored as UTC milliseconds and shown here in the
 * viewer's time zone, in one style (docs/domain.md, "Dates and times"):
 *
 * - a date-time is `2026-09-22 09:02` (24-hour clock), `2026-09-22 09:02 America/New York`
 *   where the zone must be named on the line itself (documents, schedules);
 * - the date of an instant is `2026-09-22`, the same style as calendar dates (due and target
 *   dates), which are shown as stored and never shifted by a zone.
 *
 * Components take the zone from app/components/ui/DateTime.tsx (`<DateTime>`, `useDateFormat`),
 * which the root loader feeds, so the server and the browser print the same characters.
 */
import { wallClock } from "~/domain/dates";

/** A zone as people read it: "America/New York", "UTC". */
export const zoneLabel = (zone: string) => zone.replace(/_/g, " ");

/** `2026-09-22 09:02` in `zone`. */
export function formatDateTime(ms: number, zone: string): string {
  const { date, time } = wallClock(ms, zone);
  return `${date} ${time}`;
}

/** `2026-09-22 09:02 America/New York`: the date-time with its zone named. */
export function formatDateTimeInZone(ms: number, zone: string): string {
  return `${formatDateTime(ms, zone)} ${zoneLabel(zone)}`;
}

/** The date an instant falls on in `zone`: `2026-09-22`. */
export function formatDate(ms: number, zone: string): string {
  return wallClock(ms, zone).date;
}

/** The machine-readable instant for `<time dateTime>` and data attributes: ISO 8601 in UTC. */
export const isoInstant = (ms: number) => new Date(ms).toISOString();

export function daysSince(ms: number, now = Date.now()): number {
  return Math.max(0, Math.floor((now - ms) / 86_400_000));
}

export function formatDays(days: number): string {
  const rounded = Math.round(days * 10) / 10;
  return `${rounded.toLocaleString("en-GB")} d`;
}
