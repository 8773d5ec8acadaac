/** POST /api/v1/projects/:slug/state {to, version, stopCause?, stopNote?, openDebt?, writeOffReason?}: hold, resume, stop or retire. */
import { changeProjectState } from "~/models/projects.server";
import { apiResource, endpoint, projectParam } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { projectView } from "~/api/views.server";

const api = apiResource(
  endpoint(apiRoutes.changeProjectState, ({ actor, params, body }) => {
    const project = projectParam(params);
    const { version, ...change } = body;
    changeProjectState({ actor, projectId: project.id, version, change });
    return { project: projectView(project.id) };
  }),
);

export const loader = api;
export const action = api;
