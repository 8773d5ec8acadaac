/**
 * /admin/activity.csv: the audit log's filtered rows (the same query string as /admin/activity,
 * every page, newest first) as a CSV a spreadsheet opens correctly, streamed row by row. Admins
 * only. A malformed filter is refused with 400 and says why: an export never silently holds
 * more than was asked for.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { dateInZone } from "~/domain/dates";
import { csvFilename, csvHeaders, csvStream } from "~/lib/csv.server";
import { orgTimeZone } from "~/lib/org-time-zone.server";
import {
  ACTIVITY_CSV_HEADER,
  activityCsvCells,
  iterateActivityLog,
  resolveLogFilters,
} from "~/models/activity-log.server";
import { parseActivityFilters } from "~/utils/admin-validation";
import { requireAdmin } from "~/utils/auth.server";

const FIELD_NAMES: Record<string, string> = {
  actor: "Who",
  actorName: "Who",
  action: "Action",
  project: "Project",
  projectName: "Project",
  from: "From",
  to: "To",
};

function refused(problems: Record<string, string | undefined>): Response {
  const lines = Object.entries(problems)
    .filter(([, message]) => message)
    .map(([field, message]) => `${FIELD_NAMES[field] ?? field}: ${message}`);
  return new Response(`The activity log was not exported. ${lines.join(" ")}`, {
    status: 400,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}

export async function loader({ request }: LoaderFunctionArgs) {
  const admin = requireAdmin(request);
  // Paging (before/after) means nothing here: the export is every page.
  const { filters, problems } = parseActivityFilters(new URL(request.url).searchParams);
  const { page: _page, ...filterProblems } = problems;
  if (Object.keys(filterProblems).length) return refused(filterProblems);
  const zone = admin.timeZone ?? orgTimeZone();
  const resolved = resolveLogFilters(filters, zone);
  if (resolved.ignored.length) return refused(resolved.problems);
  const { rows, close } = iterateActivityLog(resolved.query);
  const body = csvStream({ header: ACTIVITY_CSV_HEADER, rows, toCells: activityCsvCells, close });
  return new Response(body, {
    headers: csvHeaders(csvFilename("triad-activity", dateInZone(Date.now(), zone))),
  });
}
