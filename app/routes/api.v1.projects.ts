/** GET /api/v1/projects (stage, state, q; cursor paging) and POST /api/v1/projects. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { createProject, listProjects } from "~/models/projects.server";
import { apiResource, decodeCursor, encodeCursor, endpoint } from "~/utils/api.server";
import { apiRoutes } from "~/utils/api-routes.server";
import { projectView } from "~/utils/api-views.server";

const api = apiResource(
  endpoint(apiRoutes.listProjects, ({ query }) => {
    const at = decodeCursor(query.cursor, ["page", "size"]) ?? { page: 1, size: query.limit };
    const result = listProjects({ q: query.q, stage: query.stage, state: query.state, page: at.page, pageSize: at.size });
    return {
      projects: result.rows,
      nextCursor: at.page < result.pages ? encodeCursor({ page: at.page + 1, size: at.size }) : null,
    };
  }),
  endpoint(apiRoutes.createProject, ({ actor, body }) => {
    const project = createProject({ actor, ...body, ownerId: body.ownerId ?? actor.id });
    return { project: projectView(project.id) };
  }),
);

export const loader = (args: LoaderFunctionArgs) => api(args);
export const action = (args: ActionFunctionArgs) => api(args);
