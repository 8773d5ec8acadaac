/** GET /api/v1/debt: the organisation-wide register with the /debt page's filters and sort. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { utcDate } from "~/domain/dates";
import { listOrgDebt } from "~/models/debt.server";
import { apiResource, decodeCursor, encodeCursor, endpoint } from "~/utils/api.server";
import { apiRoutes } from "~/utils/api-routes.server";

const api = apiResource(
  endpoint(apiRoutes.listDebt, ({ query }) => {
    const { cursor, limit, ...filters } = query;
    const at = decodeCursor(cursor, ["page", "size"]) ?? { page: 1, size: limit };
    const { rows, totals, page, pages } = listOrgDebt({
      filters: { ...filters, page: at.page },
      today: utcDate(Date.now()),
      pageSize: at.size,
    });
    return {
      debtItems: page === at.page ? rows : [],
      totals,
      nextCursor: at.page < pages ? encodeCursor({ page: at.page + 1, size: at.size }) : null,
    };
  }),
);

export const loader = (args: LoaderFunctionArgs) => api(args);
export const action = (args: ActionFunctionArgs) => api(args);
