/** GET /api/v1/projects (stage, state, q; cursor paging) and POST /api/v1/projects. */
import { createProject, listProjects } from "~/models/projects.server";
import { apiResource, endpoint, nextPageCursor, pageFromCursor } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { projectSummaryJson, projectView } from "~/api/views.server";

const api = apiResource(
  endpoint(apiRoutes.listProjects, ({ query }) => {
    // The cursor carries the page only; the page size is always the validated `limit`.
    const page = pageFromCursor(query.cursor);
    const result = listProjects({ q: query.q, stage: query.stage, state: query.state, page, pageSize: query.limit });
    return { projects: result.rows.map(projectSummaryJson), nextCursor: nextPageCursor(page, result.pages) };
  }),
  endpoint(apiRoutes.createProject, ({ actor, body }) => {
    const project = createProject({ actor, ...body, ownerId: body.ownerId ?? actor.id });
    return { project: projectView(project.id) };
  }),
);

export const loader = api;
export const action = api;
