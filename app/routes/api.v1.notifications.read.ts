/**
 * POST /api/v1/notifications/read: marks some (`ids`) or all (`all: true`) of the token
 * user's own notifications read. Another person's id is a 404 and nothing is marked.
 */
import { markAllRead, markRead, unreadCount } from "~/models/notifications-read.server";
import { apiResource, endpoint } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";

const api = apiResource(
  endpoint(apiRoutes.markNotificationsRead, ({ actor, body }) => {
    const marked = body.all ? markAllRead({ userId: actor.id }) : markRead({ userId: actor.id, ids: body.ids ?? [] });
    return { marked, unreadCount: unreadCount(actor.id) };
  }),
);

export const loader = api;
export const action = api;
