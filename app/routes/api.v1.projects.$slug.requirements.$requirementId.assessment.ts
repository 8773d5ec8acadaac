/**
 * POST /api/v1/projects/:slug/requirements/:requirementId/assessment {feasibility, note, conditions?, version?, discipline?}:
 * the verdict of the token user's own discipline; `version` is that verdict's version.
 */
import { assessRequirement } from "~/models/requirements.server";
import { apiResource, endpoint, requirementParam } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { requirementView } from "~/api/views.server";

const api = apiResource(
  endpoint(apiRoutes.assessRequirement, ({ actor, params, body }) => {
    const current = requirementParam(params);
    assessRequirement({ actor, requirementId: current.id, ...body });
    return { requirement: requirementView(current.id) };
  }),
);

export const loader = api;
export const action = api;
