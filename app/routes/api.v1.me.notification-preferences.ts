/**
 * GET and PATCH /api/v1/me/notification-preferences: the token user's own notification
 * settings (docs/domain.md, "Notifications"). PATCH changes only what it sends and writes one
 * activity row "notification_preferences.updated" (via "api") when something changed.
 */
import { getNotificationSettings, saveNotificationSettings } from "~/models/notifications-read.server";
import { apiResource, endpoint } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { notificationSettingsView } from "~/api/views.server";

const api = apiResource(
  endpoint(apiRoutes.getNotificationPreferences, ({ actor }) =>
    notificationSettingsView(getNotificationSettings(actor.id)),
  ),
  endpoint(apiRoutes.updateNotificationPreferences, ({ actor, body }) => {
    const { settings } = saveNotificationSettings({
      actor,
      preferences: body.preferences,
      timeZone: body.timeZone,
      digestHour: body.digestHour,
    });
    return notificationSettingsView(settings);
  }),
);

export const loader = api;
export const action = api;
