/** DELETE /api/v1/projects/:slug/members/:userId (?confirm=true withdraws a live sign-off). */
import { removeMember } from "~/models/team.server";
import { apiResource, endpoint, idParam, projectParam } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";

const api = apiResource(
  endpoint(apiRoutes.removeMember, ({ actor, params, query }) => {
    const project = projectParam(params);
    const userId = idParam(params, "userId", "person");
    const { withdrawnSignOffs } = removeMember({
      actor,
      projectId: project.id,
      userId,
      confirmed: query.confirm === "true",
    });
    return { removed: userId, withdrawnSignOffs };
  }),
);

export const loader = api;
export const action = api;
