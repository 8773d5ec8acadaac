/**
 * POST /api/v1/projects/:slug/members {email, discipline?}: a seat in the person's own discipline.
 * The model checks the permission before it looks the e-mail up, so a caller who may not manage
 * the team gets the same 403 for any address.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { addMember, listTeam } from "~/models/team.server";
import { apiResource, endpoint, projectParam } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";

const api = apiResource(
  endpoint(apiRoutes.addMember, ({ actor, params, body }) => {
    const project = projectParam(params);
    const { userId } = addMember({ actor, projectId: project.id, email: body.email, discipline: body.discipline });
    return { member: listTeam(project.id).find((m) => m.userId === userId) };
  }),
);

export const loader = (args: LoaderFunctionArgs) => api(args);
export const action = (args: ActionFunctionArgs) => api(args);
