/** GET /api/v1/projects/:slug/gate-reviews (newest first) and POST {statement}: opens the review for the next stage (201). */
import { openReview } from "~/models/gates.server";
import { apiResource, endpoint, projectParam } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { reviewListView, reviewView } from "~/api/views.server";

const api = apiResource(
  endpoint(apiRoutes.listGateReviews, ({ params }) => ({ reviews: reviewListView(projectParam(params).id) })),
  endpoint(apiRoutes.openGateReview, ({ actor, params, body }) => {
    const project = projectParam(params);
    const review = openReview({ actor, projectId: project.id, statement: body.statement });
    return { review: reviewView(review.id, project) };
  }),
);

export const loader = api;
export const action = api;
