import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, useSearchParams } from "@remix-run/react";
import { BrowserTimeZoneField } from "~/components/ui/DateTime";
import { Field } from "~/components/ui/Field";
import { SubmitButton, useIntentForm } from "~/components/ui/Form";
import { FormError } from "~/components/ui/FormError";
import { countUsers } from "~/models/users.server";
import { getOptionalUser, signIn } from "~/utils/auth.server";
import { parseSubmission, readForm, refusal } from "~/utils/forms";
import { refuse, retryAfterHeaders, safeRedirect } from "~/utils/http.server";
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

/**
 * The one form of the page (no intent): the e-mail and password, where to go next, and the
 * browser's time zone (kept as the person's zone at their first sign-in, docs/domain.md).
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readForm(request);
  const submission = parseSubmission(formData, loginSchema);
  if (submission.status !== "success") return refuse(submission);
  const result = await signIn({
    request,
    email: submission.value.email,
    password: submission.value.password,
    clientAddress: context?.clientAddress ?? "unknown",
    // The browser's zone (hidden field): becomes the person's zone at their first sign-in only.
    timeZone: formData.get("timeZone"),
  });
  if (!result.ok) {
    // The same message for an unknown e-mail and a wrong password, above the form.
    return data(refusal(submission, { formError: result.message }), {
      status: result.status,
      headers: result.retryAfterSeconds ? { "Retry-After": String(result.retryAfterSeconds) } : undefined,
    });
  }
  return redirect(safeRedirect(formData.get("redirectTo")), {
    headers: { "Set-Cookie": result.cookie },
  });
}

export default function Login() {
  const [searchParams] = useSearchParams();
  const [form, fields] = useIntentForm({ intent: "", schema: loginSchema });
  return (
    <section className="auth-card" aria-labelledby="login-title">
      <h1 id="login-title">Sign in to Triad</h1>
      <p className="page-description">Business, data science and IT, taking data products to production together.</p>
      <Form method="post" {...getFormProps(form)}>
        <FormError id={form.errorId} message={form.errors?.[0]} />
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? "/"} />
        <BrowserTimeZoneField />
        <Field label="E-mail" meta={fields.email} type="email" autoComplete="username" required autoFocus />
        <Field label="Password" meta={fields.password} type="password" autoComplete="current-password" required />
        <SubmitButton pendingLabel="Signing in…">Sign in</SubmitButton>
      </Form>
    </section>
  );
}
