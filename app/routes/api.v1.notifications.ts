/**
 * GET /api/v1/notifications: the token user's own notifications, newest first, cursor paged;
 * `unread=true` for unread ones only (docs/domain.md, "Notifications").
 */
import { listNotifications } from "~/models/notifications-read.server";
import { apiResource, endpoint, nextPageCursor, pageFromCursor } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { notificationJson } from "~/api/views.server";

const api = apiResource(
  endpoint(apiRoutes.listNotifications, ({ actor, query }) => {
    // The cursor carries the page only; the page size is always the validated `limit`.
    const page = pageFromCursor(query.cursor);
    const result = listNotifications({
      userId: actor.id,
      view: query.unread === "true" ? "unread" : "all",
      page,
      pageSize: query.limit,
    });
    return {
      notifications: result.rows.map(notificationJson),
      unreadCount: result.unread,
      nextCursor: nextPageCursor(page, result.pages),
    };
  }),
);

export const loader = api;
export const action = api;
