/**
 * Webhooks (admins): where Triad announces gate decisions and debt changes, and how each
 * delivery went. Webhooks are deactivated, never deleted, so their history stays readable.
 * Each hook has a format: the signed Triad JSON event, or a Slack-compatible `{"text": ...}`
 * (one sentence and a deep link) a team channel shows as it is.
 */
import { randomBytes } from "node:crypto";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { Badge } from "~/components/ui/Badge";
import { EmptyState } from "~/components/ui/EmptyState";
import { Field } from "~/components/ui/Field";
import { FormError } from "~/components/ui/FormError";
import { PageHeader } from "~/components/ui/PageHeader";
import { ValidationError } from "~/domain/errors";
import {
  createWebhook,
  type DELIVERY_FAILURES,
  listRecentDeliveries,
  listWebhooks,
  setWebhookActive,
} from "~/models/webhooks.server";
import { WEBHOOK_EVENTS, WEBHOOK_FORMATS, webhookEventDescription } from "~/domain/vocabulary";
import { requireAdmin, toActor } from "~/utils/auth.server";
import { formatDateTime } from "~/utils/format";
import { formFailure, parseForm, readForm } from "~/utils/forms";
import { actionError } from "~/utils/http.server";
import { redirectWithToast } from "~/utils/toast.server";
import { idField, versionField, webhookSchema } from "~/utils/validation";

export const meta: MetaFunction = () => [{ title: "Webhooks · Triad" }];

export async function loader({ request }: LoaderFunctionArgs) {
  requireAdmin(request);
  return {
    webhooks: listWebhooks(),
    deliveries: listRecentDeliveries({ limit: 50 }),
    events: WEBHOOK_EVENTS.map((event) => ({ event, description: webhookEventDescription[event] })),
    // A fresh random secret to start from; the admin may replace it with their own.
    suggestedSecret: randomBytes(24).toString("base64url"),
  };
}

/** The form posts one `events[]` per ticked checkbox, and a format (Triad JSON when none is sent). */
const webhookFormSchema = webhookSchema.omit({ events: true }).extend({
  "events[]": webhookSchema.shape.events,
  format: z.enum(WEBHOOK_FORMATS, { error: "Choose Triad JSON or Slack-compatible." }).default("triad"),
});
const hookAction = z.object({ webhookId: idField("Choose a webhook."), version: versionField });

export async function action({ request }: ActionFunctionArgs) {
  const admin = requireAdmin(request);
  const actor = toActor(admin);
  const formData = await readForm(request);
  const intent = formData.get("intent");
  const checked = formData.getAll("events[]").map(String);
  try {
    if (intent === "add") {
      const parsed = parseForm(webhookFormSchema, formData);
      if (!parsed.ok) return data({ ...parsed, checked }, { status: 400 });
      const { "events[]": events, ...hook } = parsed.data;
      createWebhook({ actor, ...hook, events });
      return redirectWithToast(request, "/admin/webhooks", {
        kind: "success",
        message: `Webhook added. Triad now sends ${events.join(", ")} to ${hook.url}${hook.format === "slack" ? " as Slack-compatible messages" : ""}.`,
      });
    }
    if (intent === "deactivate" || intent === "reactivate") {
      const parsed = parseForm(hookAction, formData);
      if (!parsed.ok) return data({ ...parsed, checked }, { status: 400 });
      const hook = setWebhookActive({ actor, ...parsed.data, active: intent === "reactivate" });
      return redirectWithToast(request, "/admin/webhooks", {
        kind: "success",
        message:
          intent === "reactivate"
            ? `The webhook to ${hook.url} is active again.`
            : `The webhook to ${hook.url} was deactivated; nothing more is sent to it.`,
      });
    }
  } catch (error) {
    // A refused address keeps the ticked events, like a schema failure.
    if (error instanceof ValidationError) {
      return data({ ...formFailure(formData, error.fields, error.message), checked }, { status: 400 });
    }
    return actionError(error, formData);
  }
  return data({ ...formFailure(formData, {}, "Unknown action."), checked }, { status: 400 });
}

/** How each format is named on the page (the model stores "triad" or "slack"). */
const webhookFormatLabel: Record<(typeof WEBHOOK_FORMATS)[number], string> = {
  triad: "Triad JSON (signed)",
  slack: "Slack-compatible",
};

const deliveryStatus = {
  pending: { tone: "info", label: "Pending" },
  delivered: { tone: "ok", label: "Delivered" },
  failed: { tone: "danger", label: "Failed" },
} as const;

/** How each failure class reads; HTTP answers show as their status code. */
const failureLabel: Record<(typeof DELIVERY_FAILURES)[number], string> = {
  "refused address": "Refused: not a public address",
  "connection failed": "Connection failed",
  timeout: "No answer in time",
  "invalid response": "Invalid response",
  deactivated: "Dropped: webhook deactivated",
};

export default function Webhooks() {
  const { webhooks, deliveries, events, suggestedSecret } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const confirmId = Number(searchParams.get("deactivate"));
  const failure = actionData && !actionData.ok ? actionData : null;
  const errors = failure?.fieldErrors ?? {};
  const values = failure?.values ?? {};
  const checked = failure && "checked" in failure ? (failure.checked as string[]) : null;
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Triad posts gate decisions and debt changes to these addresses, as signed Triad JSON or as Slack-compatible messages for a team channel, and retries failures with backoff."
      />
      <FormError message={failure?.formError} />
      {webhooks.length === 0 ? (
        <EmptyState title="No webhooks yet.">
          <p>Add one below to let chat, ticketing or CI tools hear about gate reviews and debt.</p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Webhooks</caption>
            <thead>
              <tr>
                <th scope="col">Address</th>
                <th scope="col">Events</th>
                <th scope="col">Format</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Pending
                </th>
                <th scope="col" className="num">
                  Failed
                </th>
                <th scope="col">Added</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {webhooks.map((hook) => (
                <tr key={hook.id}>
                  <td>{hook.url}</td>
                  <td>{hook.events.join(", ")}</td>
                  <td>{webhookFormatLabel[hook.format]}</td>
                  <td>{hook.active ? <Badge tone="ok">Active</Badge> : <Badge tone="muted">Deactivated</Badge>}</td>
                  <td className="num">{hook.pending}</td>
                  <td className="num">{hook.failed}</td>
                  <td>
                    {formatDateTime(hook.createdAt)} by {hook.createdByName}
                  </td>
                  <td>
                    {hook.active ? (
                      confirmId === hook.id ? (
                        <Form method="post" className="confirm-box">
                          <input type="hidden" name="webhookId" value={hook.id} />
                          <input type="hidden" name="version" value={hook.version} />
                          <p>Stop sending to {hook.url}? Its pending deliveries are dropped; its history stays.</p>
                          <div className="form-actions">
                            <button type="submit" name="intent" value="deactivate" className="btn btn-danger">
                              Yes, deactivate
                            </button>
                            <Link to="/admin/webhooks">Cancel</Link>
                          </div>
                        </Form>
                      ) : (
                        <Link to={`?deactivate=${hook.id}`}>
                          Deactivate…<span className="sr-only"> the webhook to {hook.url}</span>
                        </Link>
                      )
                    ) : (
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="webhookId" value={hook.id} />
                        <input type="hidden" name="version" value={hook.version} />
                        <button type="submit" name="intent" value="reactivate" className="btn btn-link">
                          Reactivate<span className="sr-only"> the webhook to {hook.url}</span>
                        </button>
                      </Form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Form method="post" noValidate className="form-card" aria-labelledby="add-webhook-title">
        <h2 id="add-webhook-title">Add a webhook</h2>
        <Field
          label="Address (URL)"
          name="url"
          type="url"
          placeholder="https://hooks.example.com/triad"
          hint="A public address: Triad refuses loopback, private, link-local and reserved IP addresses (checked again at each delivery)."
          defaultValue={values.url ?? ""}
          error={errors.url}
        />
        <fieldset aria-describedby={errors.format ? "format-error" : "format-hint"}>
          <legend>Format</legend>
          <p className="field-hint" id="format-hint">
            Triad JSON carries the whole event, signed with the secret below. Slack-compatible sends{" "}
            <code>{'{"text": "…"}'}</code>: one sentence and a link into Triad, for a Slack, Mattermost or Teams
            incoming webhook (the address the channel gives you, e.g. https://hooks.slack.com/services/…); it is not
            signed.
          </p>
          {WEBHOOK_FORMATS.map((format) => (
            <div key={format} className="checkbox-field">
              <label>
                <input
                  type="radio"
                  name="format"
                  value={format}
                  defaultChecked={(values.format ?? "triad") === format}
                />{" "}
                {webhookFormatLabel[format]}
              </label>
            </div>
          ))}
          {errors.format ? (
            <p className="field-error" id="format-error">
              {errors.format}
            </p>
          ) : null}
        </fieldset>
        <Field
          label="Secret"
          name="secret"
          hint="For Triad JSON: the receiver checks X-Triad-Signature: sha256=HMAC-SHA256 of the raw body with this secret. Keep a copy. Slack-compatible messages are not signed."
          defaultValue={suggestedSecret}
          autoComplete="off"
          spellCheck={false}
          error={errors.secret}
        />
        <fieldset aria-describedby={errors["events[]"] ? "events-error" : undefined}>
          <legend>Events</legend>
          {events.map(({ event, description }) => (
            <div key={event} className="checkbox-field">
              <label>
                <input
                  type="checkbox"
                  name="events[]"
                  value={event}
                  defaultChecked={checked ? checked.includes(event) : true}
                />
                <span>
                  <code>{event}</code>: {description}
                </span>
              </label>
            </div>
          ))}
          {errors["events[]"] ? (
            <p className="field-error" id="events-error">
              {errors["events[]"]}
            </p>
          ) : null}
        </fieldset>
        <div className="form-actions">
          <button type="submit" name="intent" value="add" className="btn btn-primary">
            Add webhook
          </button>
        </div>
      </Form>
      <section aria-labelledby="deliveries-title">
        <h2 id="deliveries-title" className="section-title">
          Recent deliveries
        </h2>
        {deliveries.length === 0 ? (
          <EmptyState title="Nothing was sent yet." />
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="sr-only">The latest 50 deliveries, newest first</caption>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    Delivery
                  </th>
                  <th scope="col">Event</th>
                  <th scope="col">Address</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Attempts
                  </th>
                  <th scope="col">Last answer</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {deliveries.map((d) => (
                  <tr key={d.id}>
                    <td className="num">{d.id}</td>
                    <td>
                      <code>{d.event}</code>
                    </td>
                    <td>{d.url}</td>
                    <td>
                      <Badge tone={deliveryStatus[d.status].tone}>{deliveryStatus[d.status].label}</Badge>
                      {d.status === "pending" && d.attempts > 0 ? (
                        <span className="small muted"> next try {formatDateTime(d.nextAttemptAt)}</span>
                      ) : null}
                    </td>
                    <td className="num">{d.attempts}</td>
                    <td>
                      {/* Only the status code and a generic class: never the receiver's reply. */}
                      {d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : null}
                      {d.failure && d.failure in failureLabel
                        ? failureLabel[d.failure as keyof typeof failureLabel]
                        : null}
                      {!d.lastStatusCode && !d.failure ? "—" : null}
                    </td>
                    <td>{formatDateTime(d.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
