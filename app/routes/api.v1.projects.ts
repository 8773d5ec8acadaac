/** GET /api/v1/projects (stage, state, q, asOf; cursor paging) and POST /api/v1/projects. */
import { createProject, listProjects } from "~/models/projects.server";
import { listProjectsOn, openReviewsOf, requireAsOf } from "~/models/portfolio.server";
import { apiResource, endpoint, nextPageCursor, pageFromCursor } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { projectSummaryJson, projectView } from "~/api/views.server";

const api = apiResource(
  endpoint(apiRoutes.listProjects, ({ query }) => {
    // The cursor carries the page only; the page size is always the validated `limit`.
    const page = pageFromCursor(query.cursor);
    const filters = { q: query.q, stage: query.stage, state: query.state, page, pageSize: query.limit };
    // A date in the future or before the organisation's first day: 400 with fields.asOf.
    const asOf = requireAsOf(query.asOf, Date.now());
    // With asOf, as it stood at the end of that day (docs/domain.md, "Portfolio on a date").
    let projects: ReturnType<typeof projectSummaryJson>[];
    let pages: number;
    if (asOf) {
      const result = listProjectsOn({ ...filters, at: asOf.at });
      projects = result.rows.map(projectSummaryJson);
      pages = result.pages;
    } else {
      const result = listProjects(filters);
      const reviews = openReviewsOf(result.rows.map((row) => row.id));
      projects = result.rows.map((row) => projectSummaryJson({ ...row, review: reviews.get(row.id) ?? null }));
      pages = result.pages;
    }
    return { projects, ...(asOf ? { asOf: asOf.date } : {}), nextCursor: nextPageCursor(page, pages) };
  }),
  endpoint(apiRoutes.createProject, ({ actor, body }) => {
    const project = createProject({ actor, ...body, ownerId: body.ownerId ?? actor.id });
    return { project: projectView(project.id) };
  }),
);

export const loader = api;
export const action = api;
