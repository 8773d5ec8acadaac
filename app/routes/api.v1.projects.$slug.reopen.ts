/** POST /api/v1/projects/:slug/reopen {version, reason}: an admin reopens a stopped project. */
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

export const loader = api;
export const action = api;
