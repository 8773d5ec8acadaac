/**
 * Webhooks (admins): where Triad announces gate decisions and debt changes, and how each
 * delivery went. Webhooks are deactivated, never deleted, so their history stays readable.
 * Each hook has a format: the signed Triad JSON event, or a Slack-compatible `{"text": ...}`
 * (one sentence and a deep link) a team channel shows as it is.
 */
import { randomBytes } from "node:crypto";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import type { ReactNode } from "react";
import { Badge } from "~/components/ui/Badge";
import { EmptyState } from "~/components/ui/EmptyState";
import { Field } from "~/components/ui/Field";
import { formMessage, SubmitButton, useIntentForm, useRowSubmission } from "~/components/ui/Form";
import { FormError } from "~/components/ui/FormError";
import { PageHeader } from "~/components/ui/PageHeader";
import {
  createWebhook,
  type DELIVERY_FAILURES,
  listRecentDeliveries,
  listWebhooks,
  setWebhookActive,
} from "~/models/webhooks.server";
import { WEBHOOK_EVENTS, WEBHOOK_FORMATS, webhookEventDescription } from "~/domain/vocabulary";
import { addWebhookSchema, webhookStatusSchema } from "~/utils/admin-validation";
import { requireAdmin, toActor } from "~/utils/auth.server";
import { formatDateTime } from "~/utils/format";
import { parseSubmission, readForm, resultFor } from "~/utils/forms";
import { refuse, submissionError, unknownIntent } from "~/utils/http.server";
import { redirectWithToast } from "~/utils/toast.server";

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

type Ctx = { request: Request; actor: ReturnType<typeof toActor> };

/** Adding a webhook: the form posts one `events[]` per ticked box, which arrives as `events`. */
async function add(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, addWebhookSchema);
  // A refusal keeps the ticked events (and never sends the secret back).
  if (submission.status !== "success") return refuse(submission);
  const hook = submission.value;
  try {
    createWebhook({ actor: ctx.actor, ...hook });
  } catch (error) {
    return submissionError(error, submission);
  }
  return redirectWithToast(ctx.request, "/admin/webhooks", {
    kind: "success",
    message: `Webhook added. Triad now sends ${hook.events.join(", ")} to ${hook.url}${hook.format === "slack" ? " as Slack-compatible messages" : ""}.`,
  });
}

async function setActive(ctx: Ctx, formData: FormData, active: boolean) {
  const submission = parseSubmission(formData, webhookStatusSchema);
  if (submission.status !== "success") return refuse(submission);
  try {
    const hook = setWebhookActive({ actor: ctx.actor, ...submission.value, active });
    return redirectWithToast(ctx.request, "/admin/webhooks", {
      kind: "success",
      message: active
        ? `The webhook to ${hook.url} is active again.`
        : `The webhook to ${hook.url} was deactivated; nothing more is sent to it.`,
    });
  } catch (error) {
    return submissionError(error, submission);
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const admin = requireAdmin(request);
  const formData = await readForm(request);
  const ctx: Ctx = { request, actor: toActor(admin) };
  const intent = formData.get("intent");
  switch (intent) {
    case "add":
      return add(ctx, formData);
    case "deactivate":
      return setActive(ctx, formData, false);
    case "reactivate":
      return setActive(ctx, formData, true);
    default:
      throw unknownIntent(intent);
  }
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

type StatusIntent = "deactivate" | "reactivate";

/** The last refusal of a deactivate or reactivate, and the webhook it was about. */
function statusRefusal(actionData: unknown) {
  for (const intent of ["deactivate", "reactivate"] as const) {
    const result = resultFor(actionData, intent);
    if (result) return { intent, result, webhookId: String(result.initialValue?.webhookId ?? "") };
  }
  return null;
}

/** Deactivating (after the confirmation) or reactivating one webhook: only its row shows a refusal. */
function HookStatusForm({
  hook,
  intent,
  className,
  children,
}: {
  hook: { id: number; version: number };
  intent: StatusIntent;
  className: string;
  children: (sending: ReturnType<typeof useRowSubmission>) => ReactNode;
}) {
  const sending = useRowSubmission("webhookId", hook.id);
  const refused = statusRefusal(useActionData());
  const mine = refused && refused.intent === intent && refused.webhookId === String(hook.id);
  const [form] = useIntentForm({
    intent,
    id: `form-${intent}-${hook.id}`,
    schema: webhookStatusSchema,
    lastResult: mine ? refused.result : null,
  });
  return (
    <Form method="post" className={className} {...getFormProps(form)}>
      <FormError id={form.errorId} message={formMessage(form, ["webhookId", "version"])} />
      <input type="hidden" name="webhookId" value={hook.id} />
      <input type="hidden" name="version" value={hook.version} />
      {children(sending)}
    </Form>
  );
}

export default function Webhooks() {
  const { webhooks, deliveries, events, suggestedSecret } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const confirmId = Number(searchParams.get("deactivate"));
  const [form, fields] = useIntentForm({
    intent: "add",
    schema: addWebhookSchema,
    defaultValue: { format: "triad", events: [...WEBHOOK_EVENTS] },
  });
  const ticked = fields.events.initialValue;
  const checked = Array.isArray(ticked) ? ticked : [];
  const format = typeof fields.format.initialValue === "string" ? fields.format.initialValue : "triad";
  const formatError = fields.format.errors?.[0];
  const eventsError = fields.events.errors?.[0];
  // A refused deactivate or reactivate shows in its row; above the list when the row no longer
  // offers it (someone else changed the webhook first).
  const refused = statusRefusal(useActionData());
  const refusedRow = refused && webhooks.find((h) => String(h.id) === refused.webhookId);
  const rowShows =
    refusedRow &&
    (refused.intent === "reactivate" ? !refusedRow.active : refusedRow.active && confirmId === refusedRow.id);
  const statusError = refused && !rowShows ? refused.result.error?.[""]?.[0] : undefined;
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Triad posts gate decisions and debt changes to these addresses, as signed Triad JSON or as Slack-compatible messages for a team channel, and retries failures with backoff."
      />
      <FormError message={statusError} />
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
                        <HookStatusForm hook={hook} intent="deactivate" className="confirm-box">
                          {(sending) => (
                            <>
                              <p>Stop sending to {hook.url}? Its pending deliveries are dropped; its history stays.</p>
                              <div className="form-actions">
                                <SubmitButton
                                  intent="deactivate"
                                  variant="danger"
                                  pendingLabel="Deactivating…"
                                  fetcher={sending}
                                >
                                  Yes, deactivate
                                </SubmitButton>
                                <Link to="/admin/webhooks">Cancel</Link>
                              </div>
                            </>
                          )}
                        </HookStatusForm>
                      ) : (
                        <Link to={`?deactivate=${hook.id}`}>
                          Deactivate…<span className="sr-only"> the webhook to {hook.url}</span>
                        </Link>
                      )
                    ) : (
                      <HookStatusForm hook={hook} intent="reactivate" className="inline-form">
                        {(sending) => (
                          <SubmitButton
                            intent="reactivate"
                            variant="link"
                            pendingLabel="Reactivating…"
                            fetcher={sending}
                          >
                            Reactivate<span className="sr-only"> the webhook to {hook.url}</span>
                          </SubmitButton>
                        )}
                      </HookStatusForm>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Form method="post" className="form-card" aria-labelledby="add-webhook-title" {...getFormProps(form)}>
        <h2 id="add-webhook-title">Add a webhook</h2>
        <FormError id={form.errorId} message={form.errors?.[0]} />
        <Field
          label="Address (URL)"
          meta={fields.url}
          type="url"
          placeholder="https://hooks.example.com/triad"
          hint="A public address: Triad refuses loopback, private, link-local and reserved IP addresses (checked again at each delivery)."
        />
        <fieldset aria-describedby={formatError ? "format-error" : "format-hint"}>
          <legend>Format</legend>
          <p className="field-hint" id="format-hint">
            Triad JSON carries the whole event, signed with the secret below. Slack-compatible sends{" "}
            <code>{'{"text": "…"}'}</code>: one sentence and a link into Triad, for a Slack, Mattermost or Teams
            incoming webhook (the address the channel gives you, e.g. https://hooks.slack.com/services/…); it is not
            signed.
          </p>
          {WEBHOOK_FORMATS.map((value) => (
            <div key={value} className="checkbox-field">
              <label>
                <input type="radio" name={fields.format.name} value={value} defaultChecked={format === value} />{" "}
                {webhookFormatLabel[value]}
              </label>
            </div>
          ))}
          {formatError ? (
            <p className="field-error" id="format-error">
              {formatError}
            </p>
          ) : null}
        </fieldset>
        {/* Never refilled from a refusal (a secret is not sent back): a fresh suggestion instead. */}
        <Field
          label="Secret"
          meta={fields.secret}
          hint="For Triad JSON: the receiver checks X-Triad-Signature: sha256=HMAC-SHA256 of the raw body with this secret. Keep a copy. Slack-compatible messages are not signed."
          defaultValue={suggestedSecret}
          autoComplete="off"
          spellCheck={false}
        />
        <fieldset aria-describedby={eventsError ? "events-error" : undefined}>
          <legend>Events</legend>
          {events.map(({ event, description }) => (
            <div key={event} className="checkbox-field">
              <label>
                {/* A list field: one `events[]` per ticked box (app/utils/forms.ts). */}
                <input type="checkbox" name="events[]" value={event} defaultChecked={checked.includes(event)} />
                <span>
                  <code>{event}</code>: {description}
                </span>
              </label>
            </div>
          ))}
          {eventsError ? (
            <p className="field-error" id="events-error">
              {eventsError}
            </p>
          ) : null}
        </fieldset>
        <div className="form-actions">
          <SubmitButton intent="add" pendingLabel="Adding…">
            Add webhook
          </SubmitButton>
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
