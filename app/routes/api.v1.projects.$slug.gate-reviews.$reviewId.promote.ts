/** POST .../gate-reviews/:reviewId/promote: 200 with the new stage, or 409 with the blockers. */
import { promote } from "~/models/gates.server";
import { apiResource, endpoint, reviewParam } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { projectView } from "~/api/views.server";

const api = apiResource(
  endpoint(apiRoutes.promote, ({ actor, params }) => {
    const { project, reviewId } = reviewParam(params);
    const { stage } = promote({ actor, reviewId });
    return { stage, project: projectView(project.id) };
  }),
);

export const loader = api;
export const action = api;
