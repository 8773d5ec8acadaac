/** POST .../gate-reviews/:reviewId/signoffs/:signOffId/dismiss {reason}: the owner lifts a "changes requested". */
import { dismissChangesRequest } from "~/models/gates.server";
import { apiResource, endpoint, idParam, reviewParam } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { reviewView } from "~/api/views.server";

const api = apiResource(
  endpoint(apiRoutes.dismissChangesRequest, ({ actor, params, body }) => {
    const { project, reviewId } = reviewParam(params);
    const signOffId = idParam(params, "signOffId", "sign-off");
    dismissChangesRequest({ actor, reviewId, signOffId, reason: body.reason });
    return { review: reviewView(reviewId, project) };
  }),
);

export const loader = api;
export const action = api;
