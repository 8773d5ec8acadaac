/**
 * POST /api/v1/projects/:slug/members {email, discipline?}: a seat in the person's own discipline.
 * The model checks the permission before it looks the e-mail up, so a caller who may not manage
 * the team gets the same 403 for any address.
 */
import { addMember } from "~/models/team.server";
import { apiResource, endpoint, projectParam } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { memberView } from "~/api/views.server";

const api = apiResource(
  endpoint(apiRoutes.addMember, ({ actor, params, body }) => {
    const project = projectParam(params);
    const { userId } = addMember({ actor, projectId: project.id, email: body.email, discipline: body.discipline });
    return { member: memberView(project.id, userId) };
  }),
);

export const loader = api;
export const action = api;
