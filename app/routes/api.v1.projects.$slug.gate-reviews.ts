/** POST /api/v1/projects/:slug/gate-reviews: opens the review for the next stage (201). */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { openReview } from "~/models/gates.server";
import { apiResource, endpoint, projectParam } from "~/utils/api.server";
import { apiRoutes } from "~/utils/api-routes.server";
import { reviewView } from "~/utils/api-views.server";

const api = apiResource(
  endpoint(apiRoutes.openGateReview, ({ actor, params }) => {
    const project = projectParam(params);
    const review = openReview({ actor, projectId: project.id });
    return { review: reviewView(review.id, project) };
  }),
);

export const loader = (args: LoaderFunctionArgs) => api(args);
export const action = (args: ActionFunctionArgs) => api(args);
