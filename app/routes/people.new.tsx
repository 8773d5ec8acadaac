import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, Link } from "@remix-run/react";
import { Field, SelectField, optionsOf } from "~/components/ui/Field";
import { SubmitButton, useIntentForm } from "~/components/ui/Form";
import { FormError } from "~/components/ui/FormError";
import { PageHeader } from "~/components/ui/PageHeader";
import { disciplineLabel, roleLabel } from "~/domain/labels";
import { PASSWORD_MIN } from "~/domain/limits";
import { createUser } from "~/models/users.server";
import { requireAdmin, toActor } from "~/utils/auth.server";
import { parseSubmission, readForm } from "~/utils/forms";
import { refuse, submissionError } from "~/utils/http.server";
import { redirectWithToast } from "~/utils/toast.server";
import { newUserSchema } from "~/utils/validation";

export const meta: MetaFunction = () => [{ title: "Add person · Triad" }];

export async function loader({ request }: LoaderFunctionArgs) {
  requireAdmin(request);
  return null;
}

/** The one form of the page (no intent). */
export async function action({ request }: ActionFunctionArgs) {
  const admin = requireAdmin(request);
  const formData = await readForm(request);
  const submission = parseSubmission(formData, newUserSchema);
  if (submission.status !== "success") return refuse(submission);
  try {
    const user = await createUser({ actor: toActor(admin), ...submission.value });
    return redirectWithToast(request, "/people", {
      kind: "success",
      message: `${user.name} was added. Give them their initial password in person.`,
    });
  } catch (error) {
    return submissionError(error, submission);
  }
}

export default function NewPerson() {
  const [form, fields] = useIntentForm({
    intent: "",
    schema: newUserSchema,
    defaultValue: { discipline: "business", role: "member" },
  });
  return (
    <>
      <PageHeader
        title="Add a person"
        description="They sign in with this e-mail and initial password, and can change the password afterwards."
      />
      <Form method="post" className="form-card" {...getFormProps(form)}>
        <FormError id={form.errorId} message={form.errors?.[0]} />
        <Field label="Name" meta={fields.name} required />
        <Field label="E-mail" meta={fields.email} type="email" required />
        <SelectField
          label="Discipline"
          meta={fields.discipline}
          options={optionsOf(disciplineLabel)}
          hint="The panel this person signs in at stage gates."
        />
        <SelectField
          label="Role"
          meta={fields.role}
          options={optionsOf(roleLabel)}
          hint="Admins manage people and gate checklists; they cannot sign for others."
        />
        <Field
          label="Initial password"
          meta={fields.password}
          type="password"
          autoComplete="new-password"
          required
          minLength={PASSWORD_MIN}
          hint={`At least ${PASSWORD_MIN} characters.`}
        />
        <div className="form-actions">
          <SubmitButton pendingLabel="Adding…">Add person</SubmitButton>
          <Link to="/people">Cancel</Link>
        </div>
      </Form>
    </>
  );
}
