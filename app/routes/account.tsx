/**
 * A person's own name, time zone and password (Triad has no e-mail change). The time zone is the
 * one every instant is shown in (docs/domain.md, "Dates and times"); the same setting as on
 * /account/notifications, where it also times the digest.
 * Changing the password needs the current one: that check is rate limited per person and
 * counts as the re-authentication of sudo mode (app/utils/sudo.server.ts). It ends the other
 * sessions and, unless unticked, revokes all the person's API tokens.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useMemo } from "react";
import { z } from "zod";
import { DisciplineBadge } from "~/components/ui/Badge";
import { DateTime } from "~/components/ui/DateTime";
import { Field, SelectField } from "~/components/ui/Field";
import { SubmitButton, useIntentForm } from "~/components/ui/Form";
import { FormError } from "~/components/ui/FormError";
import { PageHeader } from "~/components/ui/PageHeader";
import { roleLabel } from "~/domain/labels";
import { PASSWORD_MIN } from "~/domain/limits";
import { TIME_ZONE_MESSAGE } from "~/domain/notifications";
import { saveNotificationSettings, timeZones } from "~/models/notifications-read.server";
import { changePassword, updateProfile } from "~/models/users.server";
import { changePasswordFormSchema } from "~/utils/admin-validation";
import { requireUser, toActor } from "~/utils/auth.server";
import { parseSubmission, readForm } from "~/utils/forms";
import { refuse, retryAfterHeaders, submissionError, unknownIntent } from "~/utils/http.server";
import { proofRefusal, provePassword } from "~/utils/sudo.server";
import { redirectWithToast } from "~/utils/toast.server";
import { zoneLabel } from "~/utils/format";
import { profileSchema, text } from "~/utils/validation";

/** Forwards the 429's Retry-After of the password check. */
export const headers = retryAfterHeaders;

export const meta: MetaFunction = () => [{ title: "Your account · Triad" }];

/**
 * The time zone form: a zone of the server's list, which the loader sends (as on
 * /account/notifications): the browser checks the list the action checks.
 */
export function timeZoneFormSchema(zones: readonly string[]) {
  return z.object({
    timeZone: text(64, "time zone", TIME_ZONE_MESSAGE).refine((zone) => zones.includes(zone), TIME_ZONE_MESSAGE),
  });
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  return {
    user: { name: user.name, email: user.email, role: user.role, discipline: user.discipline },
    timeZone: user.timeZone,
    timeZones: timeZones(),
    now: Date.now(),
  };
}

type Ctx = { request: Request; user: ReturnType<typeof requireUser> };

async function profile(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, profileSchema);
  if (submission.status !== "success") return refuse(submission);
  try {
    updateProfile({ actor: toActor(ctx.user), name: submission.value.name });
  } catch (error) {
    return submissionError(error, submission);
  }
  return redirectWithToast(ctx.request, "/account", { kind: "success", message: "Your name was saved." });
}

async function timeZone(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, timeZoneFormSchema(timeZones()));
  if (submission.status !== "success") return refuse(submission);
  let changed: boolean;
  try {
    // The same setting (and activity row) as /account/notifications.
    ({ changed } = saveNotificationSettings({ actor: toActor(ctx.user), timeZone: submission.value.timeZone }));
  } catch (error) {
    return submissionError(error, submission);
  }
  return redirectWithToast(ctx.request, "/account", {
    kind: changed ? "success" : "info",
    message: changed
      ? `Times are now shown in ${zoneLabel(submission.value.timeZone)}.`
      : `Your time zone was already ${zoneLabel(submission.value.timeZone)}.`,
  });
}

async function password(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, changePasswordFormSchema);
  if (submission.status !== "success") return refuse(submission);
  const { currentPassword, newPassword, revokeAll } = submission.value;
  // The current password, checked under the rate limit before anything else.
  const proof = await provePassword(ctx.user, currentPassword);
  if (!proof.ok) {
    const { result, init } = proofRefusal(submission, proof, { formError: proof.status === 429 });
    return data(result, init);
  }
  let revokedTokens: number;
  try {
    ({ revokedTokens } = await changePassword({
      actor: toActor(ctx.user),
      currentPassword,
      newPassword,
      keepSessionId: ctx.user.sessionId,
      revokeTokens: revokeAll === "yes",
    }));
  } catch (error) {
    return submissionError(error, submission);
  }
  const tokens = revokedTokens
    ? ` ${revokedTokens === 1 ? "Your API token was" : `Your ${revokedTokens} API tokens were`} revoked.`
    : "";
  return redirectWithToast(ctx.request, "/account", {
    kind: "success",
    message: `Your password was changed. Your other sessions were signed out.${tokens}`,
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = requireUser(request);
  const formData = await readForm(request);
  const ctx: Ctx = { request, user };
  const intent = formData.get("intent");
  switch (intent) {
    case "profile":
      return profile(ctx, formData);
    case "time-zone":
      return timeZone(ctx, formData);
    case "password":
      return password(ctx, formData);
    default:
      throw unknownIntent(intent);
  }
}

export default function Account() {
  const { user, timeZone, timeZones, now } = useLoaderData<typeof loader>();
  const zoneSchema = useMemo(() => timeZoneFormSchema(timeZones), [timeZones]);
  const [zoneForm, zoneFields] = useIntentForm({
    intent: "time-zone",
    schema: zoneSchema,
    defaultValue: { timeZone },
  });
  const [profileForm, profileFields] = useIntentForm({
    intent: "profile",
    schema: profileSchema,
    defaultValue: { name: user.name },
  });
  const [passwordForm, passwordFields] = useIntentForm({
    intent: "password",
    schema: changePasswordFormSchema,
    defaultValue: { revokeAll: "yes" },
  });
  return (
    <>
      <PageHeader
        title="Your account"
        description={
          <>
            {user.email} · <DisciplineBadge discipline={user.discipline} /> · {roleLabel[user.role]}. An admin changes
            your discipline and role.
          </>
        }
      />
      <p>
        <Link to="/account/notifications">Notification settings</Link>: what comes by e-mail at once, what waits for the
        daily digest, and when the digest arrives.
      </p>
      <Form method="post" className="form-card" aria-labelledby="profile-title" {...getFormProps(profileForm)}>
        <h2 id="profile-title">Name</h2>
        <FormError id={profileForm.errorId} message={profileForm.errors?.[0]} />
        <Field label="Name" meta={profileFields.name} required />
        <SubmitButton intent="profile" pendingLabel="Saving…">
          Save name
        </SubmitButton>
      </Form>
      <Form method="post" className="form-card" aria-labelledby="time-zone-title" {...getFormProps(zoneForm)}>
        <h2 id="time-zone-title">Time zone</h2>
        <FormError id={zoneForm.errorId} message={zoneForm.errors?.[0]} />
        <SelectField
          label="Your time zone"
          meta={zoneFields.timeZone}
          hint={
            <>
              Every time in Triad is shown in it; it is <DateTime at={now} /> there now. Your daily digest goes out in
              it too. Due and target dates are calendar dates and never shift.
            </>
          }
          options={timeZones.map((z) => ({ value: z, label: zoneLabel(z) }))}
        />
        <SubmitButton intent="time-zone" pendingLabel="Saving…">
          Save time zone
        </SubmitButton>
      </Form>
      <Form method="post" className="form-card" aria-labelledby="password-title" {...getFormProps(passwordForm)}>
        <h2 id="password-title">Password</h2>
        <FormError id={passwordForm.errorId} message={passwordForm.errors?.[0]} />
        <Field
          label="Current password"
          meta={passwordFields.currentPassword}
          type="password"
          autoComplete="current-password"
          required
        />
        <Field
          label="New password"
          meta={passwordFields.newPassword}
          type="password"
          autoComplete="new-password"
          minLength={PASSWORD_MIN}
          required
          hint={`At least ${PASSWORD_MIN} characters.`}
        />
        <Field
          label="Repeat the new password"
          meta={passwordFields.confirmPassword}
          type="password"
          autoComplete="new-password"
          required
        />
        <div className="field checkbox-field">
          <label>
            <input
              type="checkbox"
              name={passwordFields.revokeAll.name}
              value="yes"
              defaultChecked={passwordFields.revokeAll.initialValue === "yes"}
            />{" "}
            Also revoke all my API tokens (recommended if your password may have leaked)
          </label>
        </div>
        <SubmitButton intent="password" pendingLabel="Changing…">
          Change password
        </SubmitButton>
      </Form>
    </>
  );
}
