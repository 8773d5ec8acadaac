import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { Field } from "~/components/ui/Field";
import { FormError } from "~/components/ui/FormError";
import { countUsers } from "~/models/users.server";
import { getOptionalUser, signIn } from "~/utils/auth.server";
import { parseForm, formFailure, readForm } from "~/utils/forms";
import { safeRedirect, retryAfterHeaders } from "~/utils/http.server";
import { loginSchema } from "~/utils/validation";

/** Forwards the 429's Retry-After of the password check. */
export const headers = retryAfterHeaders;

export const meta: MetaFunction = () => [{ title: "Sign in · Triad" }];

export async function loader({ request }: LoaderFunctionArgs) {
  if (countUsers() === 0) throw redirect("/setup");
  if (getOptionalUser(request)) {
    throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")));
  }
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readForm(request);
  const parsed = parseForm(loginSchema, formData);
  if (!parsed.ok) return data(parsed, { status: 400 });
  const result = await signIn({
    request,
    email: parsed.data.email,
    password: parsed.data.password,
    clientAddress: context?.clientAddress ?? "unknown",
  });
  if (!result.ok) {
    return data(formFailure(formData, {}, result.message), {
      status: result.status,
      headers: result.retryAfterSeconds ? { "Retry-After": String(result.retryAfterSeconds) } : undefined,
    });
  }
  return redirect(safeRedirect(formData.get("redirectTo")), {
    headers: { "Set-Cookie": result.cookie },
  });
}

export default function Login() {
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const errors = actionData?.fieldErrors ?? {};
  return (
    <section className="auth-card" aria-labelledby="login-title">
      <h1 id="login-title">Sign in to Triad</h1>
      <p className="page-description">Business, data science and IT, taking data products to production together.</p>
      <Form method="post" noValidate>
        <FormError message={actionData?.formError} />
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? "/"} />
        <Field
          label="E-mail"
          name="email"
          type="email"
          autoComplete="username"
          required
          autoFocus
          defaultValue={actionData?.values.email}
          error={errors.email}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={errors.password}
        />
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </Form>
    </section>
  );
}
