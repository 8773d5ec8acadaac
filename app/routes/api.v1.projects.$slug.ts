/** GET /api/v1/projects/:slug (with team, requirements, current review, debt totals) and PATCH. */
import { updateProject } from "~/models/projects.server";
import { apiResource, endpoint, projectParam, sentFields } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { projectDetailView, projectView } from "~/api/views.server";

const api = apiResource(
  endpoint(apiRoutes.getProject, ({ params }) => ({ project: projectDetailView(projectParam(params).id) })),
  endpoint(apiRoutes.updateProject, ({ actor, params, body, sent }) => {
    const project = projectParam(params);
    const { name, summary, businessCase, ownerId } = project;
    updateProject({
      actor,
      projectId: project.id,
      version: body.version,
      ...{ name, summary, businessCase, ownerId },
      ...sentFields(body, sent, ["name", "summary", "businessCase", "ownerId"]),
    });
    return { project: projectView(project.id) };
  }),
);

export const loader = api;
export const action = api;
