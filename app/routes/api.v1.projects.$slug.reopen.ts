/** POST /api/v1/projects/:slug/reopen {version, reason}: an admin reopens a stopped project. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { reopenProject } from "~/models/projects.server";
import { apiResource, endpoint, projectParam } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { projectView } from "~/api/views.server";

const api = apiResource(
  endpoint(apiRoutes.reopenProject, ({ actor, params, body }) => {
    const project = projectParam(params);
    reopenProject({ actor, projectId: project.id, version: body.version, reason: body.reason });
    return { project: projectView(project.id) };
  }),
);

export const loader = (args: LoaderFunctionArgs) => api(args);
export const action = (args: ActionFunctionArgs) => api(args);
