/** First run: on an empty database, create the first admin and sign them in. */
import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { BrowserTimeZoneField } from "~/components/ui/DateTime";
import { Field, SelectField, optionsOf } from "~/components/ui/Field";
import { SubmitButton, useIntentForm } from "~/components/ui/Form";
import { FormError } from "~/components/ui/FormError";
import { disciplineLabel } from "~/domain/labels";
import { PASSWORD_MIN } from "~/domain/limits";
import { countUsers, createFirstAdmin } from "~/models/users.server";
import { startSession } from "~/utils/auth.server";
import { parseSubmission, readForm } from "~/utils/forms";
import { refuse, submissionError } from "~/utils/http.server";
import { setupSchema } from "~/utils/validation";

export const meta: MetaFunction = () => [{ title: "Set up Triad" }];

export async function loader() {
  if (countUsers() > 0) throw redirect("/login");
  return null;
}

/** The one form of the page (no intent). Two setups at once: the model lets one through, the other gets 409. */
export async function action({ request }: ActionFunctionArgs) {
  if (countUsers() > 0) {
    throw new Response("Triad is already set up. Sign in instead.", { status: 403 });
  }
  const formData = await readForm(request);
  const submission = parseSubmission(formData, setupSchema);
  if (submission.status !== "success") return refuse(submission);
  try {
    const admin = await createFirstAdmin(submission.value);
    return redirect("/", {
      headers: { "Set-Cookie": startSession(request, admin, undefined, { browserTimeZone: formData.get("timeZone") }) },
    });
  } catch (error) {
    return submissionError(error, submission);
  }
}

export default function Setup() {
  const [form, fields] = useIntentForm({ intent: "", schema: setupSchema, defaultValue: { discipline: "business" } });
  return (
    <section className="auth-card" aria-labelledby="setup-title">
      <h1 id="setup-title">Welcome to Triad</h1>
      <p className="page-description">
        Create the first administrator. You can add the rest of your organisation afterwards.
      </p>
      <Form method="post" {...getFormProps(form)}>
        <FormError id={form.errorId} message={form.errors?.[0]} />
        <BrowserTimeZoneField />
        <Field label="Your name" meta={fields.name} autoComplete="name" required />
        <Field label="E-mail" meta={fields.email} type="email" autoComplete="username" required />
        <SelectField label="Your discipline" meta={fields.discipline} options={optionsOf(disciplineLabel)} />
        <Field
          label="Password"
          meta={fields.password}
          type="password"
          autoComplete="new-password"
          required
          minLength={PASSWORD_MIN}
          hint={`At least ${PASSWORD_MIN} characters.`}
        />
        <SubmitButton pendingLabel="Creating…">Create admin and sign in</SubmitButton>
      </Form>
    </section>
  );
}
