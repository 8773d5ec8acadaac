/**
 * Personal access tokens for the JSON API: create one (shown once, right here, never again),
 * see when each was last used, revoke one after a confirmation.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { Badge } from "~/components/ui/Badge";
import { EmptyState } from "~/components/ui/EmptyState";
import { Field } from "~/components/ui/Field";
import { FormError } from "~/components/ui/FormError";
import { PageHeader } from "~/components/ui/PageHeader";
import { createToken, listTokens, revokeToken } from "~/models/tokens.server";
import { requireUser, toActor } from "~/utils/auth.server";
import { formatDate, formatDateTime } from "~/utils/format";
import { formFailure, parseForm } from "~/utils/forms";
import { actionError } from "~/utils/http.server";
import { redirectWithToast } from "~/utils/toast.server";
import { idField, newTokenSchema } from "~/utils/validation";

export const meta: MetaFunction = () => [{ title: "API tokens · Triad" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  return { tokens: listTokens(user.id), now: Date.now() };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = requireUser(request);
  const formData = await request.formData();
  const intent = formData.get("intent");
  try {
    if (intent === "create") {
      const parsed = parseForm(newTokenSchema, formData);
      if (!parsed.ok) return data(parsed, { status: 400 });
      const { token, row } = createToken({ actor: toActor(user), userId: user.id, ...parsed.data });
      // Not a redirect: the token is shown once, in this response, and stored nowhere in clear.
      return data({ ok: true as const, created: { name: row.name, token } }, { headers: { "Cache-Control": "no-store" } });
    }
    if (intent === "revoke") {
      const parsed = parseForm(z.object({ tokenId: idField("Choose a token.") }), formData);
      if (!parsed.ok) return data(parsed, { status: 400 });
      const revoked = revokeToken({ actor: toActor(user), tokenId: parsed.data.tokenId });
      return redirectWithToast(request, "/settings/tokens", {
        kind: "success",
        message: `The token “${revoked.name}” was revoked. Programs using it can no longer call the API.`,
      });
    }
  } catch (error) {
    return actionError(error, formData);
  }
  return data(formFailure(formData, {}, "Unknown action."), { status: 400 });
}

function status(token: { revokedAt: number | null; expiresAt: number | null }, now: number) {
  if (token.revokedAt) return <Badge tone="muted">Revoked {formatDate(token.revokedAt)}</Badge>;
  if (token.expiresAt && token.expiresAt <= now) return <Badge tone="warn">Expired</Badge>;
  return <Badge tone="ok">Active</Badge>;
}

export default function Tokens() {
  const { tokens, now } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const revokeId = Number(searchParams.get("revoke"));
  const revoking = tokens.find((t) => t.id === revokeId && !t.revokedAt) ?? null;
  const created = actionData && actionData.ok ? actionData.created : null;
  const failure = actionData && !actionData.ok ? actionData : null;
  const errors = failure?.fieldErrors ?? {};
  const values = failure?.values ?? {};
  return (
    <>
      <PageHeader
        title="API tokens"
        description={
          <>
            Personal access tokens let scripts and pipelines use the <a href="/api/v1/openapi.json">JSON API</a> as
            you, with your permissions. Send one as <code>Authorization: Bearer &lt;token&gt;</code>.
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
      <FormError message={failure?.formError} />
      {revoking ? (
        <Form method="post" className="confirm-box">
          <input type="hidden" name="tokenId" value={revoking.id} />
          <p>
            Revoke “{revoking.name}” ({revoking.prefix}…)? Every program using it loses access at once. This cannot be
            undone; create a new token if you need one.
          </p>
          <div className="form-actions">
            <button type="submit" name="intent" value="revoke" className="btn btn-danger">
              Yes, revoke “{revoking.name}”
            </button>
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
                <th scope="col">Valid through</th>
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
                  <td>{formatDate(token.createdAt)}</td>
                  <td>{token.lastUsedAt ? formatDateTime(token.lastUsedAt) : "Never"}</td>
                  <td>{token.expiresAt ? formatDate(token.expiresAt - 1) : "No expiry"}</td>
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
      <Form method="post" noValidate className="form-card" aria-labelledby="create-token-title">
        <h2 id="create-token-title">Create a token</h2>
        <Field
          label="Name"
          name="name"
          hint="What will use it, for example “Nightly training pipeline”."
          defaultValue={values.name ?? ""}
          error={errors.name}
          maxLength={80}
        />
        <Field
          label="Valid through (optional)"
          name="expiresOn"
          type="date"
          hint="The token stops working after this day (UTC). Leave empty for no expiry."
          defaultValue={values.expiresOn ?? ""}
          error={errors.expiresOn}
        />
        <div className="form-actions">
          <button type="submit" name="intent" value="create" className="btn btn-primary">
            Create token
          </button>
        </div>
      </Form>
    </>
  );
}
