/** POST .../gate-reviews/:reviewId/signoffs {decision, comment, conditions?, discipline?}: the token user's own discipline. */
import { signOff } from "~/models/gates.server";
import { apiResource, endpoint, reviewParam } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { reviewView, signOffRecordJson } from "~/api/views.server";

const api = apiResource(
  endpoint(apiRoutes.signOff, ({ actor, params, body }) => {
    const { project, reviewId } = reviewParam(params);
    const { discipline, ...decision } = body;
    const created = signOff({ actor, reviewId, panel: discipline, ...decision });
    return {
      signoff: signOffRecordJson(created, actor),
      review: reviewView(reviewId, project),
    };
  }),
);

export const loader = api;
export const action = api;
