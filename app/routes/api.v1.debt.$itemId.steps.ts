/** POST /api/v1/debt/:itemId/steps {version, title, ownerId?, dueDate?}: adds a repayment step (201). */
import { addRepaymentStep } from "~/models/debt.server";
import { apiResource, debtItemParam, endpoint } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { debtItemView, stepOf } from "~/api/views.server";

const api = apiResource(
  endpoint(apiRoutes.addRepaymentStep, ({ actor, params, body }) => {
    const item = debtItemParam(params);
    const { version, ...step } = body;
    const created = addRepaymentStep({ actor, itemId: item.id, version, step });
    const debtItem = debtItemView(item.id);
    return { step: stepOf(debtItem, created.id), debtItem };
  }),
);

export const loader = api;
export const action = api;
