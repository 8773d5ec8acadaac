/** A person's own name and password. */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { DisciplineBadge } from "~/components/ui/Badge";
import { Field } from "~/components/ui/Field";
import { FormError } from "~/components/ui/FormError";
import { PageHeader } from "~/components/ui/PageHeader";
import { roleLabel } from "~/domain/labels";
import { changePassword, updateProfile } from "~/models/users.server";
import { requireUser, toActor } from "~/utils/auth.server";
import { formFailure, parseForm } from "~/utils/forms";
import { actionError } from "~/utils/http.server";
import { redirectWithToast } from "~/utils/toast.server";
import { changePasswordSchema, profileSchema } from "~/utils/validation";
import { PASSWORD_MIN } from "~/utils/limits";

export const meta: MetaFunction = () => [{ title: "Your account · Triad" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  return { user: { name: user.name, email: user.email, role: user.role, discipline: user.discipline } };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = requireUser(request);
  const formData = await request.formData();
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
      await changePassword({
        actor: toActor(user),
        currentPassword: parsed.data.currentPassword,
        newPassword: parsed.data.newPassword,
        keepSessionId: user.sessionId,
      });
      return redirectWithToast(request, "/account", {
        kind: "success",
        message: "Your password was changed. Your other sessions were signed out.",
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
            {user.email} · <DisciplineBadge discipline={user.discipline} /> · {roleLabel[user.role]}. An
            admin changes your discipline and role.
          </>
        }
      />
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
        <button type="submit" name="intent" value="password" className="btn btn-primary">
          Change password
        </button>
      </Form>
    </>
  );
}
