/**
 * The notification settings' input: the form on /account/notifications and the API's PATCH
 * /api/v1/me/notification-preferences (docs/domain.md, "Notifications"). No server module
 * here: the settings page checks its form in the browser with the same schema.
 */
import { z } from "zod";
import {
  DIGEST_HOUR_MESSAGE,
  isTimeZone,
  MODE_MESSAGE,
  NOTIFICATION_CATEGORIES,
  NOTIFICATION_MODES,
  TIME_ZONE_MESSAGE,
  type NotificationCategory,
} from "~/domain/notifications";
import { idField, text, wholeNumber } from "./validation";

export const modeField = z.enum(NOTIFICATION_MODES, { error: MODE_MESSAGE });
/** A zone of this runtime's list (the API, on the server). */
export const timeZoneField = text(64, "time zone", TIME_ZONE_MESSAGE).refine(isTimeZone, TIME_ZONE_MESSAGE);
export const digestHourField = wholeNumber(DIGEST_HOUR_MESSAGE, 0, 23);

/**
 * The settings form: every category's mode (the field is named after the category), the zone
 * and the hour. The zones are those the page offers, the server's list (its loader sends it):
 * a browser's own list may name a zone differently, and must not refuse a choice the server takes.
 */
export function preferencesFormSchema(zones: readonly string[]) {
  return z.object({
    ...(Object.fromEntries(NOTIFICATION_CATEGORIES.map((c) => [c, modeField])) as Record<
      NotificationCategory,
      typeof modeField
    >),
    timeZone: text(64, "time zone", TIME_ZONE_MESSAGE).refine((zone) => zones.includes(zone), TIME_ZONE_MESSAGE),
    digestHour: digestHourField,
  });
}

/** The API's PATCH body: only what it names changes (at least one of the three). */
export const preferencesBody = z
  .object({
    preferences: z
      .partialRecord(z.enum(NOTIFICATION_CATEGORIES, { error: "Unknown category." }), modeField, {
        error: "Give an object of category: mode.",
      })
      .optional(),
    timeZone: timeZoneField.optional(),
    digestHour: digestHourField.optional(),
  })
  .refine((b) => b.preferences !== undefined || b.timeZone !== undefined || b.digestHour !== undefined, {
    message: "Send preferences, timeZone or digestHour.",
  });

/** "Mark read" on one notification of /notifications. */
export const markReadSchema = z.object({ id: idField("Choose a notification from the list.") });

/** "Mark all read": no field. */
export const markAllReadSchema = z.object({});
