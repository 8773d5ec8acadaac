/** POST /api/v1/projects/:slug/requirements {title, target, priority, description?}. */
import { createRequirement } from "~/models/requirements.server";
import { apiResource, endpoint, projectParam } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { requirementView } from "~/api/views.server";

const api = apiResource(
  endpoint(apiRoutes.createRequirement, ({ actor, params, body }) => {
    const project = projectParam(params);
    const created = createRequirement({ actor, projectId: project.id, ...body });
    return { requirement: requirementView(created.id) };
  }),
);

export const loader = api;
export const action = api;
