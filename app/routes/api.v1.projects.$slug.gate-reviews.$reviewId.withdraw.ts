/** POST .../gate-reviews/:reviewId/withdraw {note?}: closes an open review as it stands. */
import { withdrawReview } from "~/models/gates.server";
import { apiResource, endpoint, reviewParam } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { reviewView } from "~/api/views.server";

const api = apiResource(
  endpoint(apiRoutes.withdrawGateReview, ({ actor, params, body }) => {
    const { project, reviewId } = reviewParam(params);
    withdrawReview({ actor, reviewId, note: body.note });
    return { review: reviewView(reviewId, project) };
  }),
);

export const loader = api;
export const action = api;
