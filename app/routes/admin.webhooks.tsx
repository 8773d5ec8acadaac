/**
 * Webhooks (admins): where Triad announces gate decisions and debt changes, and how each
 * delivery went. Webhooks are deactivated, never deleted, so their history stays readable.
 * Each hook has a format: the signed Triad JSON event, or a Slack-compatible `{"text": ...}`
 * (one sentence and a deep link) a team channel shows as it is.
 *
 * Managing a hook: edit its address, events and format (`?edit=<id>`, at the version shown;
 * the address is checked as on creation), rotate its signing secret (`?rotate=<id>`, after a
 * confirmation; the new one is shown once, in the answer), send it a `webhook.test` event
 * through the outbox, deactivate or reactivate it. Each delivery's payload, attempts and result
 * are on its own page (admin.webhooks_.deliveries.$deliveryId.tsx), which sends it again.
 * Like adding a hook, none of these asks for the password again (sudo mode is for a person's
 * own tokens and password; docs/security.md); every one is in the audit log.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import type { ReactNode } from "react";
import type { z } from "zod";
import { Badge } from "~/components/ui/Badge";
import { EmptyState } from "~/components/ui/EmptyState";
import { Field } from "~/components/ui/Field";
import { formMessage, SubmitButton, useIntentForm, useRowSubmission } from "~/components/ui/Form";
import { FormError } from "~/components/ui/FormError";
import { PageHeader } from "~/components/ui/PageHeader";
import {
  createWebhook,
  listRecentDeliveries,
  listWebhooks,
  newWebhookSecret,
  rotateWebhookSecret,
  sendWebhookTest,
  setWebhookActive,
  updateWebhook,
} from "~/models/webhooks.server";
import { WEBHOOK_EVENTS, WEBHOOK_FORMATS, webhookEventDescription } from "~/domain/vocabulary";
import {
  addWebhookSchema,
  editWebhookSchema,
  rotateWebhookSecretSchema,
  testWebhookSchema,
  webhookStatusSchema,
} from "~/utils/admin-validation";
import { requireAdmin, toActor } from "~/utils/auth.server";
import { DateTime } from "~/components/ui/DateTime";
import { parseSubmission, readForm, resultFor, type FormResult } from "~/utils/forms";
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
    suggestedSecret: newWebhookSecret(),
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

/** Editing a hook's address, events and format (the secret is rotated, not edited). */
async function edit(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, editWebhookSchema);
  if (submission.status !== "success") return refuse(submission);
  const { webhookId, version, url, events, format } = submission.value;
  try {
    const saved = updateWebhook({ actor: ctx.actor, webhookId, version, url, events, format });
    return redirectWithToast(
      ctx.request,
      "/admin/webhooks",
      saved
        ? {
            kind: "success",
            message:
              `The webhook to ${saved.url} was saved: it now gets ${events.join(", ")}${format === "slack" ? " as Slack-compatible messages" : ""}.` +
              (saved.dropped
                ? ` ${saved.dropped} pending ${saved.dropped === 1 ? "delivery was" : "deliveries were"} dropped: written in the old format.`
                : ""),
          }
        : { kind: "info", message: `Nothing changed: the webhook to ${url} is as it was.` },
    );
  } catch (error) {
    return submissionError(error, submission);
  }
}

/** A new secret, shown in this answer only (not a redirect: it is stored nowhere else in clear). */
async function rotate(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, rotateWebhookSecretSchema);
  if (submission.status !== "success") return refuse(submission);
  try {
    const rotated = rotateWebhookSecret({ actor: ctx.actor, ...submission.value });
    return data(
      { ok: true as const, rotated: { webhookId: rotated.id, url: rotated.url, secret: rotated.secret } },
      { headers: { "Cache-Control": "no-store" } },
    );
  } catch (error) {
    return submissionError(error, submission);
  }
}

async function test(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, testWebhookSchema);
  if (submission.status !== "success") return refuse(submission);
  try {
    const sent = sendWebhookTest({ actor: ctx.actor, ...submission.value });
    return redirectWithToast(ctx.request, "/admin/webhooks", {
      kind: "success",
      message: `A test event is on its way to ${sent.url} (delivery ${sent.deliveryId}): its result shows under Recent deliveries in a few seconds.`,
    });
  } catch (error) {
    return submissionError(error, submission);
  }
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
    case "edit":
      return edit(ctx, formData);
    case "rotate":
      return rotate(ctx, formData);
    case "test":
      return test(ctx, formData);
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

/** The intents of a hook's row: each row's form shows only its own refusal. */
type RowIntent = "deactivate" | "reactivate" | "test" | "rotate";
const ROW_INTENTS: readonly RowIntent[] = ["deactivate", "reactivate", "test", "rotate"];

/** The last refusal of a row's form, and the webhook it was about. */
function rowRefusal(actionData: unknown) {
  for (const intent of ROW_INTENTS) {
    const result = resultFor(actionData, intent);
    if (result) return { intent, result, webhookId: String(result.initialValue?.webhookId ?? "") };
  }
  return null;
}

const rowSchemas = {
  deactivate: webhookStatusSchema,
  reactivate: webhookStatusSchema,
  test: testWebhookSchema,
  rotate: rotateWebhookSecretSchema,
} satisfies Record<RowIntent, z.ZodType>;

/** One of a webhook's forms that send only its id and version (a confirmation, a button): only its row shows a refusal. */
function HookRowForm({
  hook,
  intent,
  className,
  children,
}: {
  hook: { id: number; version: number };
  intent: RowIntent;
  className: string;
  children: (sending: ReturnType<typeof useRowSubmission>) => ReactNode;
}) {
  const sending = useRowSubmission("webhookId", hook.id);
  const refused = rowRefusal(useActionData());
  const mine = refused && refused.intent === intent && refused.webhookId === String(hook.id);
  const [form] = useIntentForm({
    intent,
    id: `form-${intent}-${hook.id}`,
    schema: rowSchemas[intent],
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

/** What FormatAndEvents reads of a form's Conform fields (the add and the edit form's). */
type FieldView = { name: string; initialValue?: unknown; errors?: string[]; allErrors?: Record<string, string[]> };

/** The format radios and event boxes of the add and edit forms (`idPrefix` keeps their ids apart). */
function FormatAndEvents({
  fields,
  events,
  idPrefix,
}: {
  fields: { format: FieldView; events: FieldView };
  events: Array<{ event: string; description: string }>;
  idPrefix: string;
}) {
  const ticked = fields.events.initialValue;
  const checked = Array.isArray(ticked) ? ticked : [];
  const format = typeof fields.format.initialValue === "string" ? fields.format.initialValue : "triad";
  const formatError = fields.format.errors?.[0];
  // An event not from the list is refused as `events[n]`: shown with the list.
  const eventsError = fields.events.errors?.[0] ?? Object.values(fields.events.allErrors ?? {})[0]?.[0];
  return (
    <>
      <fieldset aria-describedby={formatError ? `${idPrefix}-format-error` : `${idPrefix}-format-hint`}>
        <legend>Format</legend>
        <p className="field-hint" id={`${idPrefix}-format-hint`}>
          Triad JSON carries the whole event, signed with the hook&apos;s secret. Slack-compatible sends{" "}
          <code>{'{"text": "…"}'}</code>: one sentence and a link into Triad, for a Slack, Mattermost or Teams incoming
          webhook (the address the channel gives you, e.g. https://hooks.slack.com/services/…); it is not signed.
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
          <p className="field-error" id={`${idPrefix}-format-error`}>
            {formatError}
          </p>
        ) : null}
      </fieldset>
      <fieldset aria-describedby={eventsError ? `${idPrefix}-events-error` : undefined}>
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
          <p className="field-error" id={`${idPrefix}-events-error`}>
            {eventsError}
          </p>
        ) : null}
      </fieldset>
    </>
  );
}

type Hook = ReturnType<typeof useLoaderData<typeof loader>>["webhooks"][number];

/** "Edit the webhook to …": address, format and events at the version shown. */
function EditHook({ hook, events }: { hook: Hook; events: Array<{ event: string; description: string }> }) {
  const [form, fields] = useIntentForm({
    intent: "edit",
    schema: editWebhookSchema,
    defaultValue: {
      webhookId: String(hook.id),
      version: String(hook.version),
      url: hook.url,
      format: hook.format,
      events: hook.events,
    },
  });
  return (
    <Form method="post" className="form-card" aria-labelledby="edit-webhook-title" {...getFormProps(form)}>
      <h2 id="edit-webhook-title">Edit the webhook to {hook.url}</h2>
      <FormError id={form.errorId} message={formMessage(form, ["webhookId", "version"])} />
      <input type="hidden" name="webhookId" value={hook.id} />
      <input type="hidden" name="version" value={hook.version} />
      <Field
        label="Address (URL)"
        meta={fields.url}
        type="url"
        hint="A public address, checked as when the webhook was added. Pending deliveries go to the new address."
      />
      <FormatAndEvents fields={fields} events={events} idPrefix="edit" />
      <p className="field-hint">
        Changing the format drops the deliveries still pending in the old format. The secret stays: rotate it from the
        list.
      </p>
      <div className="form-actions">
        <SubmitButton intent="edit" pendingLabel="Saving…">
          Save the webhook
        </SubmitButton>
        <Link to="/admin/webhooks">Cancel</Link>
      </div>
    </Form>
  );
}

export default function Webhooks() {
  const { webhooks, deliveries, events, suggestedSecret } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const confirmId = Number(searchParams.get("deactivate"));
  const rotateId = Number(searchParams.get("rotate"));
  const editing = webhooks.find((h) => h.id === Number(searchParams.get("edit"))) ?? null;
  const rotated = actionData && "rotated" in actionData ? actionData.rotated : null;
  const [form, fields] = useIntentForm({
    intent: "add",
    schema: addWebhookSchema,
    defaultValue: { format: "triad", events: [...WEBHOOK_EVENTS] },
  });
  // A refused row form shows in its row; above the list when the row no longer offers it
  // (someone else changed the webhook first).
  const refused = rowRefusal(actionData);
  const refusedRow = refused && webhooks.find((h) => String(h.id) === refused.webhookId);
  const rowShows =
    refusedRow &&
    (refused.intent === "reactivate"
      ? !refusedRow.active
      : refused.intent === "deactivate"
        ? refusedRow.active && confirmId === refusedRow.id
        : refused.intent === "rotate"
          ? refusedRow.format === "triad" && rotateId === refusedRow.id
          : refusedRow.active);
  const rowError = refused && !rowShows ? (refused.result as FormResult).error?.[""]?.[0] : undefined;
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Triad posts gate decisions and debt changes to these addresses, as signed Triad JSON or as Slack-compatible messages for a team channel, and retries failures with backoff."
      />
      <FormError message={rowError} />
      {rotated ? (
        <section className="card panel-ok" aria-labelledby="new-secret-title">
          <h2 id="new-secret-title">The new secret of the webhook to {rotated.url}</h2>
          <p>
            Copy it now and give it to the receiver: Triad shows it only this once. From now on every delivery to this
            address, pending ones included, is signed with it.
          </p>
          <Field
            label="New secret"
            name="new-secret"
            readOnly
            value={rotated.secret}
            autoComplete="off"
            spellCheck={false}
          />
        </section>
      ) : null}
      {editing ? <EditHook key={`${editing.id}-${editing.version}`} hook={editing} events={events} /> : null}
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
                    <DateTime at={hook.createdAt} /> by {hook.createdByName}
                  </td>
                  <td>
                    <ul className="list-plain">
                      <li>
                        <Link to={`?edit=${hook.id}`}>
                          Edit…<span className="sr-only"> the webhook to {hook.url}</span>
                        </Link>
                      </li>
                      {hook.active ? (
                        <li>
                          <HookRowForm hook={hook} intent="test" className="inline-form">
                            {(sending) => (
                              <SubmitButton intent="test" variant="link" pendingLabel="Sending…" fetcher={sending}>
                                Send a test event<span className="sr-only"> to {hook.url}</span>
                              </SubmitButton>
                            )}
                          </HookRowForm>
                        </li>
                      ) : null}
                      {hook.format === "triad" ? (
                        <li>
                          {rotateId === hook.id && rotated?.webhookId !== hook.id ? (
                            <HookRowForm hook={hook} intent="rotate" className="confirm-box">
                              {(sending) => (
                                <>
                                  <p>
                                    Rotate the secret of {hook.url}? Triad makes a new one and shows it once; from then
                                    on every delivery is signed with it, so the receiver must switch to it at once.
                                  </p>
                                  <div className="form-actions">
                                    <SubmitButton
                                      intent="rotate"
                                      variant="danger"
                                      pendingLabel="Rotating…"
                                      fetcher={sending}
                                    >
                                      Yes, rotate the secret
                                    </SubmitButton>
                                    <Link to="/admin/webhooks">Cancel</Link>
                                  </div>
                                </>
                              )}
                            </HookRowForm>
                          ) : (
                            <Link to={`?rotate=${hook.id}`}>
                              Rotate the secret…<span className="sr-only"> of the webhook to {hook.url}</span>
                            </Link>
                          )}
                        </li>
                      ) : null}
                      <li>
                        {hook.active ? (
                          confirmId === hook.id ? (
                            <HookRowForm hook={hook} intent="deactivate" className="confirm-box">
                              {(sending) => (
                                <>
                                  <p>
                                    Stop sending to {hook.url}? Its pending deliveries are dropped; its history stays.
                                  </p>
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
                            </HookRowForm>
                          ) : (
                            <Link to={`?deactivate=${hook.id}`}>
                              Deactivate…<span className="sr-only"> the webhook to {hook.url}</span>
                            </Link>
                          )
                        ) : (
                          <HookRowForm hook={hook} intent="reactivate" className="inline-form">
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
                          </HookRowForm>
                        )}
                      </li>
                    </ul>
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
        {/* Never refilled from a refusal (a secret is not sent back): a fresh suggestion instead. */}
        <Field
          label="Secret"
          meta={fields.secret}
          hint="For Triad JSON: the receiver checks X-Triad-Signature: sha256=HMAC-SHA256 of the raw body with this secret. Keep a copy. Slack-compatible messages are not signed."
          defaultValue={suggestedSecret}
          autoComplete="off"
          spellCheck={false}
        />
        <FormatAndEvents fields={fields} events={events} idPrefix="add" />
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
          <EmptyState title="Nothing was sent yet.">
            <p>Deliveries appear here when a subscribed event happens, or when you send a hook a test event.</p>
          </EmptyState>
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
                    <td className="num">
                      <Link to={`/admin/webhooks/deliveries/${d.id}`}>
                        {d.id}
                        <span className="sr-only">: payload and attempts</span>
                      </Link>
                    </td>
                    <td>
                      <code>{d.event}</code>
                    </td>
                    <td>{d.url}</td>
                    <td>
                      <Badge tone={deliveryStatus[d.status].tone}>{deliveryStatus[d.status].label}</Badge>
                      {d.status === "pending" && d.attempts > 0 ? (
                        <span className="small muted">
                          {" "}
                          next try <DateTime at={d.nextAttemptAt} />
                        </span>
                      ) : null}
                    </td>
                    <td className="num">{d.attempts}</td>
                    <td>
                      {/* Only the status code and a generic class: never the receiver's reply. */}
                      {d.failure ? d.failureLabel : d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : "—"}
                    </td>
                    <td>
                      <DateTime at={d.createdAt} />
                    </td>
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
