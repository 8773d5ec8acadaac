/**
 * The organisation's time zone, TRIAD_TIME_ZONE (README.md, "Configuration"): the zone whose
 * calendar decides "today" for everyone, so an item is overdue at the same moment for every
 * viewer, page, API answer, notice and webhook (docs/domain.md, "Dates and times"). A person's
 * own zone only changes how instants are shown to them.
 */
import { dateInZone } from "~/domain/dates";
import { isTimeZone } from "~/domain/notifications";

/** TRIAD_TIME_ZONE, checked: an IANA zone such as Europe/Berlin, or UTC (the default). Throws a sentence for anything else. */
export function readOrgTimeZone(env: Record<string, string | undefined> = process.env): string {
  const value = env.TRIAD_TIME_ZONE?.trim() || "UTC";
  if (!isTimeZone(value)) {
    throw new Error(
      `TRIAD_TIME_ZONE="${value.slice(0, 64)}" is not a time zone: set an IANA zone such as Europe/Berlin or America/New_York, or UTC (the default).`,
    );
  }
  return value;
}

let zone: string | undefined;

/** The organisation's zone, read once (scripts/server.ts reads it at start, so a bad value stops the server). */
export function orgTimeZone(): string {
  zone ??= readOrgTimeZone();
  return zone;
}

/** Today's date in the organisation's zone, `YYYY-MM-DD`: what overdue and due-soon compare with. */
export function orgToday(now: number = Date.now()): string {
  return dateInZone(now, orgTimeZone());
}

/** For tests: forget the zone read, so the next call reads TRIAD_TIME_ZONE again. */
export function resetOrgTimeZone(): void {
  zone = undefined;
}
