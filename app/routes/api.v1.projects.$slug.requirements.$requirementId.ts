/** PATCH /api/v1/projects/:slug/requirements/:requirementId (needs version). */
import { updateRequirement } from "~/models/requirements.server";
import { apiResource, endpoint, requirementParam, sentFields } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { requirementView } from "~/api/views.server";

const api = apiResource(
  endpoint(apiRoutes.updateRequirement, ({ actor, params, body, sent }) => {
    const current = requirementParam(params);
    const { title, description, target, priority } = current;
    updateRequirement({
      actor,
      requirementId: current.id,
      version: body.version,
      ...{ title, description, target, priority },
      ...sentFields(body, sent, ["title", "description", "target", "priority"]),
    });
    return { requirement: requirementView(current.id) };
  }),
);

export const loader = api;
export const action = api;
