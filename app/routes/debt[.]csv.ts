/**
 * /debt.csv: the org-wide register's filtered set (same query string as /debt, every page)
 * as a CSV a spreadsheet opens correctly, streamed row by row.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { orgToday } from "~/lib/org-time-zone.server";
import { DEBT_CSV_HEADER, debtCsvCells, iterateOrgDebt } from "~/models/debt.server";
import { requireUser } from "~/utils/auth.server";
import { csvFilename, csvHeaders, csvStream } from "~/lib/csv.server";
import { parseDebtFilters } from "~/utils/debt-validation";

export async function loader({ request }: LoaderFunctionArgs) {
  requireUser(request);
  const filters = parseDebtFilters(new URL(request.url).searchParams);
  const today = orgToday(Date.now());
  const { rows, close } = iterateOrgDebt(filters, today);
  const body = csvStream({ header: DEBT_CSV_HEADER, rows, toCells: debtCsvCells, close });
  return new Response(body, { headers: csvHeaders(csvFilename("triad-debt", today)) });
}
