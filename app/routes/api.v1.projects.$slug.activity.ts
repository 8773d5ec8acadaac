/** GET /api/v1/projects/:slug/activity: the project's audit log, newest first, cursor paged. */
import { listProjectActivity } from "~/models/activity.server";
import { apiResource, decodeCursor, encodeCursor, endpoint, projectParam } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { activityJson } from "~/api/views.server";

const api = apiResource(
  endpoint(apiRoutes.listActivity, ({ params, query }) => {
    const project = projectParam(params);
    const at = decodeCursor(query.cursor, ["before"]);
    const rows = listProjectActivity({ projectId: project.id, before: at?.before, limit: query.limit });
    const last = rows.at(-1);
    return {
      activity: rows.map(activityJson),
      nextCursor: rows.length === query.limit && last ? encodeCursor({ before: last.id }) : null,
    };
  }),
);

export const loader = api;
export const action = api;
