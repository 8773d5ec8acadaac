/**
 * The notification settings' input: the form on /account/notifications and the API's PATCH
 * /api/v1/me/notification-preferences (docs/domain.md, "Notifications").
 */
import { z } from "zod";
import { DIGEST_HOUR_MESSAGE, isTimeZone, MODE_MESSAGE, TIME_ZONE_MESSAGE } from "~/models/notifications-read.server";
import { NOTIFICATION_CATEGORIES, type NotificationCategory } from "~/domain/vocabulary";
import { NOTIFICATION_MODES } from "~/domain/vocabulary";
import { text, wholeNumber } from "./validation";

export const modeField = z.enum(NOTIFICATION_MODES, { error: MODE_MESSAGE });
export const timeZoneField = text(64, "time zone", TIME_ZONE_MESSAGE).refine(isTimeZone, TIME_ZONE_MESSAGE);
export const digestHourField = wholeNumber(DIGEST_HOUR_MESSAGE, 0, 23);

/** The settings form: every category's mode (the field is named after the category), the zone and the hour. */
export const preferencesFormSchema = z.object({
  ...(Object.fromEntries(NOTIFICATION_CATEGORIES.map((c) => [c, modeField])) as Record<
    NotificationCategory,
    typeof modeField
  >),
  timeZone: timeZoneField,
  digestHour: digestHourField,
});

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
