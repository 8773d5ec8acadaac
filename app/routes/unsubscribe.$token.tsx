/**
 * Stopping one category of e-mail from the link in a mail (docs/domain.md, "Notifications").
 * No sign-in: the signed token in the address stands for one person and one category
 * (app/models/mail-content.server.ts). GET only shows what would stop, with a button, because
 * mail scanners open links; POST stops it: the button here, or the RFC 8058 one-click POST a
 * mail client sends (`List-Unsubscribe=One-Click`, no cookie, no Origin — scripts/server.ts
 * lets exactly this path through its same-origin check). The body is not read: the token is
 * the whole request, and a session cookie, if any, plays no part. So the form has no field
 * and no schema to check (docs/architecture.md, "Forms"): only its button's pending state.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { SubmitButton } from "~/components/ui/Form";
import { modeLabel } from "~/domain/notifications";
import { unsubscribe, unsubscribeTarget } from "~/models/mail-outbox.server";

export const meta: MetaFunction = () => [{ title: "Stop e-mails · Triad" }, { name: "robots", content: "noindex" }];

const INVALID =
  "This link to stop e-mails is not valid: it may have been cut off when it was copied. Sign in to Triad and choose what it e-mails you under Account → Notifications.";

export async function loader({ params }: LoaderFunctionArgs) {
  const target = unsubscribeTarget(params.token ?? "");
  if (!target) throw new Response(INVALID, { status: 404 });
  return {
    name: target.name,
    categoryLabel: target.categoryLabel,
    mode: target.mode,
    modeLabel: modeLabel[target.mode],
  };
}

export async function action({ params }: ActionFunctionArgs) {
  const done = unsubscribe({ token: params.token ?? "" });
  if (!done) throw new Response(INVALID, { status: 404 });
  return data(
    { done: true as const, name: done.name, categoryLabel: done.categoryLabel, changed: done.changed },
    { status: 200 },
  );
}

export default function Unsubscribe() {
  const target = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  if (result?.done) {
    return (
      <section className="card" aria-labelledby="unsubscribe-title">
        <h1 id="unsubscribe-title">{result.changed ? "E-mails stopped" : "Already stopped"}</h1>
        <p role="status">
          Triad no longer e-mails {result.name} about “{result.categoryLabel}”. These notifications still show in Triad.
        </p>
        <p>
          To get them by e-mail again, or to stop others, sign in and open{" "}
          <Link to="/account/notifications">your notification settings</Link>.
        </p>
      </section>
    );
  }
  const stopped = target.mode === "in_app";
  return (
    <section className="card" aria-labelledby="unsubscribe-title">
      <h1 id="unsubscribe-title">Stop these e-mails?</h1>
      <p>
        {stopped ? (
          <>
            {target.name} already gets no e-mail about “{target.categoryLabel}”: these notifications only show in Triad.
          </>
        ) : (
          <>
            {target.name} gets e-mail about “{target.categoryLabel}” ({target.modeLabel.toLowerCase()}). Stopping keeps
            these notifications in Triad, without e-mail. Nothing else changes.
          </>
        )}
      </p>
      {stopped ? null : (
        <Form method="post">
          <div className="form-actions">
            <SubmitButton pendingLabel="Stopping…">Stop e-mails about this</SubmitButton>
          </div>
        </Form>
      )}
      <p className="small muted">
        Signed in? You can choose what comes by e-mail in{" "}
        <Link to="/account/notifications">your notification settings</Link>.
      </p>
    </section>
  );
}
