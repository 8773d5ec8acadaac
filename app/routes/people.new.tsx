import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { Field, SelectField, optionsOf } from "~/components/ui/Field";
import { FormError } from "~/components/ui/FormError";
import { PageHeader } from "~/components/ui/PageHeader";
import { disciplineLabel, roleLabel } from "~/domain/labels";
import { createUser } from "~/models/users.server";
import { requireAdmin, toActor } from "~/utils/auth.server";
import { parseForm, readForm } from "~/utils/forms";
import { actionError } from "~/utils/http.server";
import { redirectWithToast } from "~/utils/toast.server";
import { newUserSchema } from "~/utils/validation";
import { PASSWORD_MIN } from "~/domain/limits";

export const meta: MetaFunction = () => [{ title: "Add person · Triad" }];

export async function loader({ request }: LoaderFunctionArgs) {
  requireAdmin(request);
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const admin = requireAdmin(request);
  const formData = await readForm(request);
  const parsed = parseForm(newUserSchema, formData);
  if (!parsed.ok) return data(parsed, { status: 400 });
  try {
    const user = await createUser({ actor: toActor(admin), ...parsed.data });
    return redirectWithToast(request, "/people", {
      kind: "success",
      message: `${user.name} was added. Give them their initial password in person.`,
    });
  } catch (error) {
    return actionError(error, formData);
  }
}

export default function NewPerson() {
  const actionData = useActionData<typeof action>();
  const errors = actionData?.fieldErrors ?? {};
  const values = actionData?.values ?? {};
  return (
    <>
      <PageHeader
        title="Add a person"
        description="They sign in with this e-mail and initial password, and can change the password afterwards."
      />
      <Form method="post" noValidate className="form-card">
        <FormError message={actionData?.formError} />
        <Field label="Name" name="name" required defaultValue={values.name} error={errors.name} />
        <Field label="E-mail" name="email" type="email" required defaultValue={values.email} error={errors.email} />
        <SelectField
          label="Discipline"
          name="discipline"
          options={optionsOf(disciplineLabel)}
          defaultValue={values.discipline ?? "business"}
          error={errors.discipline}
          hint="The panel this person signs in at stage gates."
        />
        <SelectField
          label="Role"
          name="role"
          options={optionsOf(roleLabel)}
          defaultValue={values.role ?? "member"}
          error={errors.role}
          hint="Admins manage people and gate checklists; they cannot sign for others."
        />
        <Field
          label="Initial password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={PASSWORD_MIN}
          hint={`At least ${PASSWORD_MIN} characters.`}
          error={errors.password}
        />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary">
            Add person
          </button>
          <Link to="/people">Cancel</Link>
        </div>
      </Form>
    </>
  );
}
