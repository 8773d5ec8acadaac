/** POST /api/v1/projects/:slug/debt {register, title, category, ..., plan?}: logs a debt item, with its plan if given (201). */
import { createDebtItem } from "~/models/debt.server";
import { apiResource, endpoint, projectParam } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { debtItemView } from "~/api/views.server";

const api = apiResource(
  endpoint(apiRoutes.createDebtItem, ({ actor, params, body }) => {
    const project = projectParam(params);
    const item = createDebtItem({ actor, projectId: project.id, ...body });
    return { debtItem: debtItemView(item.id) };
  }),
);

export const loader = api;
export const action = api;
