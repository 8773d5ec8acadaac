/**
 * Every instant on a page, in the viewer's time zone and one style (app/utils/format.ts,
 * docs/domain.md "Dates and times"). The zone comes from the root loader (the signed-in
 * person's zone, else the organisation's), never from the browser, so the server's HTML and
 * the hydrated page agree.
 */
import { createContext, useContext, useEffect, useMemo, useRef, type ReactNode } from "react";
import { formatDate, formatDateTime, formatDateTimeInZone, isoInstant, zoneLabel } from "~/utils/format";
import { useNonce } from "~/utils/nonce";

const TimeZoneContext = createContext("UTC");

/** Gives the page its viewer's zone (app/root.tsx). */
export function TimeZoneProvider({ zone, children }: { zone: string; children: ReactNode }) {
  return <TimeZoneContext.Provider value={zone}>{children}</TimeZoneContext.Provider>;
}

/** The viewer's IANA zone, "Europe/Berlin". */
export const useTimeZone = () => useContext(TimeZoneContext);

export type DateFormat = {
  zone: string;
  /** "America/New York". */
  zoneLabel: string;
  /** `2026-09-22 09:02`. */
  dateTime: (ms: number) => string;
  /** `2026-09-22 09:02 America/New York`. */
  dateTimeInZone: (ms: number) => string;
  /** `2026-09-22`, the date the instant falls on in the viewer's zone. */
  date: (ms: number) => string;
};

/** The formatter as strings, for attributes (title, aria-label) and text built in code. */
export function useDateFormat(): DateFormat {
  const zone = useTimeZone();
  return useMemo(
    () => ({
      zone,
      zoneLabel: zoneLabel(zone),
      dateTime: (ms: number) => formatDateTime(ms, zone),
      dateTimeInZone: (ms: number) => formatDateTimeInZone(ms, zone),
      date: (ms: number) => formatDate(ms, zone),
    }),
    [zone],
  );
}

/**
 * An instant as a `<time>` element: `2026-09-22 09:02` (or only the date with `dateOnly`; with
 * `withZone`, the zone named after it). Its `dateTime` is the ISO instant; its title names the
 * zone, so hovering any time says which clock it is on.
 */
export function DateTime({
  at,
  dateOnly = false,
  withZone = false,
  className,
}: {
  at: number;
  dateOnly?: boolean;
  withZone?: boolean;
  className?: string;
}) {
  const format = useDateFormat();
  const text = dateOnly ? format.date(at) : withZone ? format.dateTimeInZone(at) : format.dateTime(at);
  return (
    <time dateTime={isoInstant(at)} title={format.dateTimeInZone(at)} className={className}>
      {text}
    </time>
  );
}

/** Sets the hidden field before React loads (the CSP allows it by nonce); React's effect covers client-side navigation. */
const FILL_ZONE = `try{document.currentScript.previousElementSibling.value=Intl.DateTimeFormat().resolvedOptions().timeZone||""}catch(e){}`;

/**
 * A hidden `timeZone` field carrying the browser's zone, for the sign-in and set-up forms: on a
 * person's first sign-in the server keeps it as their zone (app/utils/auth.server.ts). Without
 * JavaScript it stays empty and nothing changes.
 */
export function BrowserTimeZoneField() {
  const nonce = useNonce();
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    try {
      if (ref.current) ref.current.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch {
      // An old browser without Intl time zones: the field stays empty.
    }
  }, []);
  return (
    <>
      {/* No value prop: React must not reset what the script wrote when it hydrates. */}
      <input ref={ref} type="hidden" name="timeZone" suppressHydrationWarning />
      <script nonce={nonce} suppressHydrationWarning dangerouslySetInnerHTML={{ __html: FILL_ZONE }} />
    </>
  );
}
