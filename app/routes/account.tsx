/**
 * A person's own name and password (Triad has no e-mail change).
 * Changing the password needs the current one: that check is rate limited per person and
 * counts as the re-authentication of sudo mode (app/utils/sudo.server.ts). It ends the other
 * sessions and, unless unticked, revokes all the person's API tokens.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { DisciplineBadge } from "~/components/ui/Badge";
import { Field } from "~/components/ui/Field";
import { FormError } from "~/components/ui/FormError";
import { PageHeader } from "~/components/ui/PageHeader";
import { roleLabel } from "~/domain/labels";
import { changePassword, updateProfile } from "~/models/users.server";
import { requireUser, toActor } from "~/utils/auth.server";
import { formFailure, parseForm, readForm } from "~/utils/forms";
import { actionError, retryAfterHeaders } from "~/utils/http.server";
import { proofFailure, provePassword } from "~/utils/sudo.server";
import { redirectWithToast } from "~/utils/toast.server";
import { changePasswordSchema, profileSchema } from "~/utils/validation";
import { PASSWORD_MIN } from "~/domain/limits";

/** Forwards the 429's Retry-After of the password check. */
export const headers = retryAfterHeaders;

export const meta: MetaFunction = () => [{ title: "Your account · Triad" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  return { user: { name: user.name, email: user.email, role: user.role, discipline: user.discipline } };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = requireUser(request);
  const formData = await readForm(request);
  const intent = formData.get("intent");
  try {
    if (intent === "profile") {
      const parsed = parseForm(profileSchema, formData);
      if (!parsed.ok) return data({ ...parsed, intent }, { status: 400 });
      updateProfile({ actor: toActor(user), name: parsed.data.name });
      return redirectWithToast(request, "/account", { kind: "success", message: "Your name was saved." });
    }
    if (intent === "password") {
      const parsed = parseForm(changePasswordSchema, formData);
      if (!parsed.ok) return data({ ...parsed, intent }, { status: 400 });
      // The current password, checked under the rate limit before anything else.
      const proof = await provePassword(user, parsed.data.currentPassword);
      if (!proof.ok) {
        const failure = proofFailure(formData, proof);
        const formError = proof.status === 429 ? proof.message : undefined;
        return data(
          { ok: false as const, fieldErrors: failure.fieldErrors, values: failure.values, formError, intent },
          { status: failure.status, headers: failure.headers },
        );
      }
      const { revokedTokens } = await changePassword({
        actor: toActor(user),
        currentPassword: parsed.data.currentPassword,
        newPassword: parsed.data.newPassword,
        keepSessionId: user.sessionId,
        revokeTokens: formData.get("revokeAll") === "yes",
      });
      const tokens = revokedTokens
        ? ` ${revokedTokens === 1 ? "Your API token was" : `Your ${revokedTokens} API tokens were`} revoked.`
        : "";
      return redirectWithToast(request, "/account", {
        kind: "success",
        message: `Your password was changed. Your other sessions were signed out.${tokens}`,
      });
    }
  } catch (error) {
    return actionError(error, formData);
  }
  return data(formFailure(formData, {}, "Unknown action."), { status: 400 });
}

export default function Account() {
  const { user } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const intent = actionData && "intent" in actionData ? actionData.intent : null;
  const errors = actionData?.fieldErrors ?? {};
  const values = actionData?.values ?? {};
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
      <FormError message={actionData?.formError} />
      <Form method="post" noValidate className="form-card" aria-labelledby="profile-title">
        <h2 id="profile-title">Name</h2>
        <Field
          label="Name"
          name="name"
          required
          defaultValue={intent === "profile" ? values.name : user.name}
          error={intent === "profile" ? errors.name : undefined}
        />
        <button type="submit" name="intent" value="profile" className="btn btn-primary">
          Save name
        </button>
      </Form>
      <Form method="post" noValidate className="form-card" aria-labelledby="password-title">
        <h2 id="password-title">Password</h2>
        <Field
          label="Current password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          error={errors.currentPassword}
        />
        <Field
          label="New password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          minLength={PASSWORD_MIN}
          required
          hint={`At least ${PASSWORD_MIN} characters.`}
          error={errors.newPassword}
        />
        <Field
          label="Repeat the new password"
          name="confirmPassword"
          type="password"
          autoComplete="new-password"
          required
          error={errors.confirmPassword}
        />
        <div className="field checkbox-field">
          <label>
            <input
              type="checkbox"
              name="revokeAll"
              value="yes"
              defaultChecked={intent === "password" ? values.revokeAll === "yes" : true}
            />{" "}
            Also revoke all my API tokens (recommended if your password may have leaked)
          </label>
        </div>
        <button type="submit" name="intent" value="password" className="btn btn-primary">
          Change password
        </button>
      </Form>
    </>
  );
}
