/** GET /api/v1/debt: the organisation-wide register with the /debt page's filters and sort. */
import { orgToday } from "~/lib/org-time-zone.server";
import { listOrgDebt } from "~/models/debt.server";
import { apiResource, endpoint, nextPageCursor, pageFromCursor } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { debtListItemJson, debtListTotalsJson } from "~/api/views.server";

const api = apiResource(
  endpoint(apiRoutes.listDebt, ({ query }) => {
    const { cursor, limit, ...filters } = query;
    // The cursor carries the page only; the page size is always the validated `limit`.
    const asked = pageFromCursor(cursor);
    const { rows, totals, page, pages } = listOrgDebt({
      filters: { ...filters, page: asked },
      today: orgToday(Date.now()),
      pageSize: limit,
    });
    return {
      debtItems: page === asked ? rows.map(debtListItemJson) : [],
      totals: debtListTotalsJson(totals),
      nextCursor: nextPageCursor(asked, pages),
    };
  }),
);

export const loader = api;
export const action = api;
