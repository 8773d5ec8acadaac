/** GET /api/v1/projects/:slug/gate-reviews/:reviewId: sign-offs, criteria and blockers. */
import { apiResource, endpoint, idParam, projectParam } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { reviewView } from "~/api/views.server";

const api = apiResource(
  endpoint(apiRoutes.getGateReview, ({ params }) => ({
    review: reviewView(idParam(params, "reviewId", "gate review"), projectParam(params)),
  })),
);

export const loader = api;
export const action = api;
