/** POST /api/v1/projects/:slug/requirements/:requirementId/assessment {feasibility, note, conditions?}. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { assessRequirement } from "~/models/requirements.server";
import { apiResource, endpoint, requirementParam } from "~/utils/api.server";
import { apiRoutes } from "~/utils/api-routes.server";

const api = apiResource(
  endpoint(apiRoutes.assessRequirement, ({ actor, params, body }) => {
    const current = requirementParam(params);
    const { version, ...assessment } = body;
    return { requirement: assessRequirement({ actor, requirementId: current.id, version: version ?? current.version, ...assessment }) };
  }),
);

export const loader = (args: LoaderFunctionArgs) => api(args);
export const action = (args: ActionFunctionArgs) => api(args);
