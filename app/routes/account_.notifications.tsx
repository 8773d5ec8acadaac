/**
 * /account/notifications: how the signed-in person is told of each category (docs/domain.md,
 * "Notifications"): by e-mail at once, in the daily digest, or in Triad only, with the time
 * zone and hour the digest goes out at. Saving writes one activity row
 * ("notification_preferences.updated"); a category set back to its default follows the default.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useMemo } from "react";
import { SubmitButton, useIntentForm } from "~/components/ui/Form";
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
import { parseSubmission, readForm } from "~/utils/forms";
import { preferencesFormSchema } from "~/utils/notification-validation";
import { refuse, submissionError } from "~/utils/http.server";
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

/** The one form of the page (no intent): every category's mode, the zone and the hour. */
export async function action({ request }: ActionFunctionArgs) {
  const user = requireUser(request);
  const formData = await readForm(request);
  const submission = parseSubmission(formData, preferencesFormSchema(timeZones()));
  if (submission.status !== "success") return refuse(submission, { formError: "Check the fields marked below." });
  const { timeZone, digestHour, ...preferences } = submission.value;
  try {
    const { changed } = saveNotificationSettings({ actor: toActor(user), preferences, timeZone, digestHour });
    return redirectWithToast(request, "/account/notifications", {
      kind: changed ? "success" : "info",
      message: changed ? "Your notification settings were saved." : "Nothing changed.",
    });
  } catch (error) {
    return submissionError(error, submission);
  }
}

const hour = (h: number) => `${String(h).padStart(2, "0")}:00`;

export default function NotificationSettings() {
  const { settings, timeZones, mailConfigured } = useLoaderData<typeof loader>();
  // The server's zones, from the loader: the browser checks the same list the action does.
  const schema = useMemo(() => preferencesFormSchema(timeZones), [timeZones]);
  const [form, fields] = useIntentForm({
    intent: "",
    schema,
    defaultValue: {
      ...Object.fromEntries(settings.categories.map((c) => [c.category, c.mode])),
      timeZone: settings.timeZone,
      digestHour: String(settings.digestHour),
    },
  });
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
      <FormError id={form.errorId} message={form.errors?.[0]} />
      <Form method="post" className="form-card wide" aria-labelledby="categories-title" {...getFormProps(form)}>
        <h2 id="categories-title">What you are told, and how</h2>
        <div className="preference-grid">
          {settings.categories.map((c) => (
            <SelectField
              key={c.category}
              label={categoryLabel[c.category]}
              meta={fields[c.category]}
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
            meta={fields.timeZone}
            options={timeZones.map((z) => ({ value: z, label: z.replace(/_/g, " ") }))}
          />
          <SelectField
            label="Send the digest at"
            meta={fields.digestHour}
            hint="Your local time, in the time zone you chose. The digest collects what you set to “In the daily digest”."
            options={Array.from({ length: 24 }, (_, h) => ({ value: String(h), label: hour(h) }))}
          />
        </div>
        <SubmitButton pendingLabel="Saving…">Save notification settings</SubmitButton>
      </Form>
    </>
  );
}
