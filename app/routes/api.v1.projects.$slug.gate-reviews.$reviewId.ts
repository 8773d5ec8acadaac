/** GET /api/v1/projects/:slug/gate-reviews/:reviewId: sign-offs, criteria and blockers. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiResource, endpoint, idParam, projectParam } from "~/utils/api.server";
import { apiRoutes } from "~/utils/api-routes.server";
import { reviewView } from "~/utils/api-views.server";

const api = apiResource(
  endpoint(apiRoutes.getGateReview, ({ params }) => ({
    review: reviewView(idParam(params, "reviewId", "gate review"), projectParam(params)),
  })),
);

export const loader = (args: LoaderFunctionArgs) => api(args);
export const action = (args: ActionFunctionArgs) => api(args);
