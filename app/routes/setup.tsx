/** First run: on an empty database, create the first admin and sign them in. */
import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { Field, SelectField, optionsOf } from "~/components/ui/Field";
import { FormError } from "~/components/ui/FormError";
import { disciplineLabel } from "~/domain/labels";
import { countUsers, createFirstAdmin } from "~/models/users.server";
import { startSession } from "~/utils/auth.server";
import { parseForm, readForm } from "~/utils/forms";
import { actionError } from "~/utils/http.server";
import { setupSchema } from "~/utils/validation";
import { PASSWORD_MIN } from "~/domain/limits";

export const meta: MetaFunction = () => [{ title: "Set up Triad" }];

export async function loader() {
  if (countUsers() > 0) throw redirect("/login");
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  if (countUsers() > 0) {
    throw new Response("Triad is already set up. Sign in instead.", { status: 403 });
  }
  const formData = await readForm(request);
  const parsed = parseForm(setupSchema, formData);
  if (!parsed.ok) return data(parsed, { status: 400 });
  try {
    const admin = await createFirstAdmin(parsed.data);
    return redirect("/", { headers: { "Set-Cookie": startSession(request, admin) } });
  } catch (error) {
    return actionError(error, formData);
  }
}

export default function Setup() {
  const actionData = useActionData<typeof action>();
  const errors = actionData?.fieldErrors ?? {};
  return (
    <section className="auth-card" aria-labelledby="setup-title">
      <h1 id="setup-title">Welcome to Triad</h1>
      <p className="page-description">
        Create the first administrator. You can add the rest of your organisation afterwards.
      </p>
      <Form method="post" noValidate>
        <FormError message={actionData?.formError} />
        <Field
          label="Your name"
          name="name"
          autoComplete="name"
          required
          defaultValue={actionData?.values.name}
          error={errors.name}
        />
        <Field
          label="E-mail"
          name="email"
          type="email"
          autoComplete="username"
          required
          defaultValue={actionData?.values.email}
          error={errors.email}
        />
        <SelectField
          label="Your discipline"
          name="discipline"
          options={optionsOf(disciplineLabel)}
          defaultValue={actionData?.values.discipline ?? "business"}
          error={errors.discipline}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={PASSWORD_MIN}
          hint={`At least ${PASSWORD_MIN} characters.`}
          error={errors.password}
        />
        <button type="submit" className="btn btn-primary">
          Create admin and sign in
        </button>
      </Form>
    </section>
  );
}
