/** POST /api/v1/projects/:slug/state {to, version, stopCause?, stopNote?, openDebt?, writeOffReason?}: hold, resume, stop or retire. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
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

export const loader = (args: LoaderFunctionArgs) => api(args);
export const action = (args: ActionFunctionArgs) => api(args);
