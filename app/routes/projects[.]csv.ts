/**
 * /projects.csv: the projects list's filtered set (same query string as /projects, every
 * page) as a CSV, today's or as it stood at the end of `asOf` (docs/domain.md, "Portfolio on a
 * date"). A wrong date is a 400 with the sentence the page shows next to its field.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvFilename, csvHeaders, csvStream } from "~/lib/csv.server";
import { orgToday } from "~/lib/org-time-zone.server";
import { portfolioList, PORTFOLIO_CSV_HEADER, portfolioCsvCells, type PortfolioRow } from "~/models/portfolio.server";
import { requireUser } from "~/utils/auth.server";
import { parseProjectListQuery } from "~/utils/project-filters.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const now = Date.now();
  const { filters, asOf, asOfField } = parseProjectListQuery(new URL(request.url).searchParams, now);
  if (asOfField.error) throw new Response(asOfField.error, { status: 400 });
  const at = asOf?.at ?? null;
  const rows = portfolioList({
    ...filters,
    at,
    memberId: filters.mine || filters.discipline ? user.id : undefined,
    memberDiscipline: filters.discipline,
  });
  const body = csvStream({
    header: PORTFOLIO_CSV_HEADER,
    rows: rows[Symbol.iterator](),
    toCells: (row: PortfolioRow) => portfolioCsvCells(row, at ?? now),
  });
  return new Response(body, {
    headers: csvHeaders(csvFilename("triad-projects", asOf?.date ?? orgToday(now))),
  });
}
