/** POST .../gate-reviews/:reviewId/signoffs {decision, comment, conditions?, discipline?}: the token user's own discipline. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { signOff } from "~/models/gates.server";
import { apiResource, endpoint, reviewParam } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { reviewView } from "~/api/views.server";

const api = apiResource(
  endpoint(apiRoutes.signOff, ({ actor, params, body }) => {
    const { project, reviewId } = reviewParam(params);
    const { discipline, ...decision } = body;
    const created = signOff({ actor, reviewId, panel: discipline, ...decision });
    return {
      signoff: {
        id: created.id,
        discipline: created.discipline,
        decision: created.decision,
        comment: created.comment,
        user: { id: actor.id, name: actor.name },
        signedAt: created.signedAt,
        conditionDebtItemIds: created.conditionIds,
      },
      review: reviewView(reviewId, project),
    };
  }),
);

export const loader = (args: LoaderFunctionArgs) => api(args);
export const action = (args: ActionFunctionArgs) => api(args);
