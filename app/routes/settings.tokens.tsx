/**
 * Personal access tokens for the JSON API: create one (shown once, right here, never again),
 * see when each was last used and when it expires, revoke one after a confirmation. A new
 * token is valid for 90 days unless the person picks another day or, explicitly, no expiry.
 * Creating and revoking need the password proved in the last 10 minutes (sudo mode,
 * app/utils/sudo.server.ts): otherwise the page asks for it and then carries on.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Badge } from "~/components/ui/Badge";
import { EmptyState } from "~/components/ui/EmptyState";
import { Field } from "~/components/ui/Field";
import { formMessage, SubmitButton, useIntentForm } from "~/components/ui/Form";
import { FormError } from "~/components/ui/FormError";
import { PageHeader } from "~/components/ui/PageHeader";
import { utcDate } from "~/domain/dates";
import { createToken, listTokens, revokeToken } from "~/models/tokens.server";
import { confirmPasswordSchema, createTokenSchema, revokeTokenSchema } from "~/utils/admin-validation";
import { requireUser, toActor } from "~/utils/auth.server";
import { DateTime } from "~/components/ui/DateTime";
import { parseSubmission, readForm, type FormResult } from "~/utils/forms";
import { refuse, retryAfterHeaders, submissionError, unknownIntent } from "~/utils/http.server";
import { requireSudo, type SudoPrompt } from "~/utils/sudo.server";
import { redirectWithToast } from "~/utils/toast.server";

/** Forwards the 429's Retry-After of the password check. */
export const headers = retryAfterHeaders;

export const meta: MetaFunction = () => [{ title: "API tokens · Triad" }];

/** A token made here is valid for this many days unless the person chooses otherwise. */
const DEFAULT_TOKEN_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The default "valid through" day (UTC) of a token created at `now`. */
function defaultExpiresOn(now: number): string {
  return utcDate(now + DEFAULT_TOKEN_DAYS * DAY_MS);
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const now = Date.now();
  return { tokens: listTokens(user.id), now, defaultExpiresOn: defaultExpiresOn(now) };
}

type Ctx = { request: Request; user: ReturnType<typeof requireUser> };

async function create(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, createTokenSchema);
  if (submission.status !== "success") return refuse(submission);
  const sudo = await requireSudo(ctx.user, submission, ["intent", "name", "expiresOn", "noExpiry"]);
  if (sudo) return sudo;
  const { name, expiresOn, noExpiry } = submission.value;
  try {
    // No expiry only when asked for in so many words; an empty date means the default.
    const { token, row } = createToken({
      actor: toActor(ctx.user),
      userId: ctx.user.id,
      name,
      expiresOn: noExpiry === "yes" ? null : (expiresOn ?? defaultExpiresOn(Date.now())),
    });
    // Not a redirect: the token is shown once, in this response, and stored nowhere in clear.
    return data(
      { ok: true as const, created: { name: row.name, token } },
      { headers: { "Cache-Control": "no-store" } },
    );
  } catch (error) {
    return submissionError(error, submission);
  }
}

async function revoke(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, revokeTokenSchema);
  if (submission.status !== "success") return refuse(submission);
  const sudo = await requireSudo(ctx.user, submission, ["intent", "tokenId"]);
  if (sudo) return sudo;
  try {
    const revoked = revokeToken({ actor: toActor(ctx.user), tokenId: submission.value.tokenId });
    return redirectWithToast(ctx.request, "/settings/tokens", {
      kind: "success",
      message: `The token “${revoked.name}” was revoked. Programs using it can no longer call the API.`,
    });
  } catch (error) {
    return submissionError(error, submission);
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const user = requireUser(request);
  const formData = await readForm(request);
  const ctx: Ctx = { request, user };
  const intent = formData.get("intent");
  switch (intent) {
    case "create":
      return create(ctx, formData);
    case "revoke":
      return revoke(ctx, formData);
    default:
      throw unknownIntent(intent);
  }
}

function status(token: { revokedAt: number | null; expiresAt: number | null }, now: number) {
  if (token.revokedAt)
    return (
      <Badge tone="muted">
        Revoked <DateTime at={token.revokedAt} dateOnly />
      </Badge>
    );
  if (token.expiresAt && token.expiresAt <= now) return <Badge tone="warn">Expired</Badge>;
  return <Badge tone="ok">Active</Badge>;
}

export default function Tokens() {
  const { tokens, now, defaultExpiresOn } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const revokeId = Number(searchParams.get("revoke"));
  const revoking = tokens.find((t) => t.id === revokeId && !t.revokedAt) ?? null;
  const created = actionData && "created" in actionData ? actionData.created : null;
  // The "Confirm your password" answer: the refusal of the create or revoke form, with what to post again.
  const sudo = actionData && "sudo" in actionData ? (actionData as SudoPrompt) : null;
  const [createForm, createFields] = useIntentForm({
    intent: "create",
    schema: createTokenSchema,
    defaultValue: { expiresOn: defaultExpiresOn },
    lastResult: sudo ? null : undefined,
  });
  const [revokeForm] = useIntentForm({
    intent: "revoke",
    schema: revokeTokenSchema,
    lastResult: sudo ? null : undefined,
  });
  const [sudoForm, sudoFields] = useIntentForm({
    intent: sudo?.sudo.intent ?? "",
    id: "form-confirm-password",
    schema: confirmPasswordSchema,
    lastResult: sudo ? (sudo as FormResult) : null,
  });
  return (
    <>
      <PageHeader
        title="API tokens"
        description={
          <>
            Personal access tokens let scripts and pipelines use the <a href="/api/v1/openapi.json">JSON API</a> as you,
            with your permissions. Send one as <code>Authorization: Bearer &lt;token&gt;</code>.
          </>
        }
        actions={<Link to="/account">Account</Link>}
      />
      {created ? (
        <section className="card panel-ok" aria-labelledby="new-token-title">
          <h2 id="new-token-title">Your new token “{created.name}”</h2>
          <p>Copy it now: Triad stores only a fingerprint of it and cannot show it again.</p>
          <Field label="Token" name="new-token" readOnly value={created.token} autoComplete="off" spellCheck={false} />
        </section>
      ) : null}
      {sudo ? (
        <Form method="post" className="form-card" aria-labelledby="confirm-password-title" {...getFormProps(sudoForm)}>
          <h2 id="confirm-password-title">Confirm your password</h2>
          <FormError id={sudoForm.errorId} message={sudoForm.errors?.[0]} />
          <p>
            {sudo.sudo.intent === "revoke" ? "Revoking" : "Creating"} a token needs your password, entered in the last
            10 minutes. Enter it to go on; Triad will not ask again for 10 minutes.
          </p>
          {sudo.sudo.pending.map(({ name, value }) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <Field
            label="Your password"
            meta={sudoFields.currentPassword}
            type="password"
            autoComplete="current-password"
            required
            autoFocus
          />
          <div className="form-actions">
            <SubmitButton pendingLabel="Confirming…">
              {sudo.sudo.intent === "revoke" ? "Confirm and revoke the token" : "Confirm and create the token"}
            </SubmitButton>
            <Link to="/settings/tokens">Cancel</Link>
          </div>
        </Form>
      ) : null}
      {revoking && !sudo ? (
        <Form method="post" className="confirm-box" {...getFormProps(revokeForm)}>
          <FormError id={revokeForm.errorId} message={formMessage(revokeForm, ["tokenId"])} />
          <input type="hidden" name="tokenId" value={revoking.id} />
          <p>
            Revoke “{revoking.name}” ({revoking.prefix}…)? Every program using it loses access at once. This cannot be
            undone; create a new token if you need one.
          </p>
          <div className="form-actions">
            <SubmitButton intent="revoke" variant="danger" pendingLabel="Revoking…">
              Yes, revoke “{revoking.name}”
            </SubmitButton>
            <Link to="/settings/tokens">Cancel</Link>
          </div>
        </Form>
      ) : null}
      {tokens.length === 0 ? (
        <EmptyState title="You have no API tokens yet.">
          <p>Create one below for each program that should call the API, so you can revoke them one by one.</p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Your API tokens, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Starts with</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires after</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((token) => (
                <tr key={token.id}>
                  <td>{token.name}</td>
                  <td>
                    <code>{token.prefix}…</code>
                  </td>
                  <td>
                    <DateTime at={token.createdAt} dateOnly />
                  </td>
                  <td>{token.lastUsedAt ? <DateTime at={token.lastUsedAt} /> : "Never"}</td>
                  <td>{token.expiresAt ? <DateTime at={token.expiresAt} /> : "Never"}</td>
                  <td>{status(token, now)}</td>
                  <td>
                    {token.revokedAt ? null : (
                      <Link to={`?revoke=${token.id}`}>
                        Revoke…<span className="sr-only"> the token {token.name}</span>
                      </Link>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Form method="post" className="form-card" aria-labelledby="create-token-title" {...getFormProps(createForm)}>
        <h2 id="create-token-title">Create a token</h2>
        <FormError id={createForm.errorId} message={createForm.errors?.[0]} />
        <Field
          label="Name"
          meta={createFields.name}
          hint="What will use it, for example “Nightly training pipeline”."
          maxLength={80}
        />
        <Field
          label="Valid through"
          meta={createFields.expiresOn}
          type="date"
          hint={`The token stops working after this day (UTC): ${DEFAULT_TOKEN_DAYS} days from today unless you choose another day.`}
        />
        <div className="field checkbox-field">
          <label>
            <input
              type="checkbox"
              name={createFields.noExpiry.name}
              value="yes"
              defaultChecked={createFields.noExpiry.initialValue === "yes"}
            />{" "}
            No expiry (not recommended: the token works until you revoke it)
          </label>
          {createFields.noExpiry.errors?.[0] ? <p className="field-error">{createFields.noExpiry.errors[0]}</p> : null}
        </div>
        <div className="form-actions">
          <SubmitButton intent="create" pendingLabel="Creating…">
            Create token
          </SubmitButton>
        </div>
      </Form>
    </>
  );
}
