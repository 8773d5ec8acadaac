/**
 * /account/notifications: how the signed-in person is told of each category (docs/domain.md,
 * "Notifications"): by e-mail at once, in the daily digest, or in Triad only, with the time
 * zone and hour the digest goes out at. Saving writes one activity row
 * ("notification_preferences.updated"); a category set back to its default follows the default.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormError } from "~/components/ui/FormError";
import { PageHeader } from "~/components/ui/PageHeader";
import { SelectField } from "~/components/ui/Field";
import { categoryLabel, modeLabel, NOTIFICATION_MODES } from "~/domain/notifications";
import {
  getNotificationSettings,
  mailConfigured,
  saveNotificationSettings,
  timeZones,
} from "~/models/notifications-read.server";
import { requireUser, toActor } from "~/utils/auth.server";
import { parseForm, readForm } from "~/utils/forms";
import { preferencesFormSchema } from "~/utils/notification-validation";
import { actionError } from "~/utils/http.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Notification settings · Triad" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  return {
    settings: getNotificationSettings(user.id),
    timeZones: timeZones(),
    mailConfigured: mailConfigured(),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = requireUser(request);
  const formData = await readForm(request);
  const parsed = parseForm(preferencesFormSchema, formData);
  if (!parsed.ok) {
    return data({ ...parsed, formError: parsed.formError ?? "Check the fields marked below." }, { status: 400 });
  }
  const { timeZone, digestHour, ...preferences } = parsed.data;
  try {
    const { changed } = saveNotificationSettings({ actor: toActor(user), preferences, timeZone, digestHour });
    return redirectWithToast(request, "/account/notifications", {
      kind: changed ? "success" : "info",
      message: changed ? "Your notification settings were saved." : "Nothing changed.",
    });
  } catch (error) {
    return actionError(error, formData);
  }
}

const hour = (h: number) => `${String(h).padStart(2, "0")}:00`;

export default function NotificationSettings() {
  const { settings, timeZones, mailConfigured } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors = actionData?.fieldErrors ?? {};
  const values = actionData?.values ?? {};
  return (
    <>
      <PageHeader
        title="Notification settings"
        description={
          <>
            Everything shows under the bell and on <Link to="/notifications">your notifications</Link>. Choose, for each
            kind, whether it also comes by e-mail at once or in one daily digest.
          </>
        }
      />
      {mailConfigured ? null : (
        <div className="notice-box" role="note">
          E-mail is not configured on this server, so nothing is sent by e-mail: everything shows in Triad. Your choices
          are kept for when an admin sets it up.
        </div>
      )}
      <FormError message={actionData?.formError} />
      <Form method="post" noValidate className="form-card wide" aria-labelledby="categories-title">
        <h2 id="categories-title">What you are told, and how</h2>
        <div className="preference-grid">
          {settings.categories.map((c) => (
            <SelectField
              key={c.category}
              label={categoryLabel[c.category]}
              name={c.category}
              defaultValue={values[c.category] ?? c.mode}
              error={errors[c.category]}
              hint={c.isDefault ? undefined : `You changed this; the default is “${modeLabel[c.defaultMode]}”.`}
              options={NOTIFICATION_MODES.map((m) => ({
                value: m,
                label: m === c.defaultMode ? `${modeLabel[m]} (default)` : modeLabel[m],
              }))}
            />
          ))}
        </div>
        <h2 id="digest-title">Daily digest</h2>
        <div className="grid-2">
          <SelectField
            label="Your time zone"
            name="timeZone"
            defaultValue={values.timeZone ?? settings.timeZone}
            error={errors.timeZone}
            options={timeZones.map((z) => ({ value: z, label: z.replace(/_/g, " ") }))}
          />
          <SelectField
            label="Send the digest at"
            name="digestHour"
            defaultValue={values.digestHour ?? String(settings.digestHour)}
            error={errors.digestHour}
            hint="Your local time, in the time zone you chose. The digest collects what you set to “In the daily digest”."
            options={Array.from({ length: 24 }, (_, h) => ({ value: String(h), label: hour(h) }))}
          />
        </div>
        <button type="submit" className="btn btn-primary">
          Save notification settings
        </button>
      </Form>
    </>
  );
}
