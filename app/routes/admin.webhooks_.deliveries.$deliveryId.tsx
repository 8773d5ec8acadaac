/**
 * One webhook delivery (admins): its event, the exact body sent (indented for reading), its
 * attempts and result. The result is only a status code or a generic class, never the
 * receiver's reply, which Triad does not keep (docs/security.md). "Send it again" queues a new
 * delivery with the same body to the same hook (webhooks.server.ts `redeliverWebhookDelivery`),
 * recorded in the audit log.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Badge } from "~/components/ui/Badge";
import { DateTime } from "~/components/ui/DateTime";
import { formMessage, SubmitButton, useIntentForm } from "~/components/ui/Form";
import { FormError } from "~/components/ui/FormError";
import { PageHeader } from "~/components/ui/PageHeader";
import { getWebhookDelivery, redeliverWebhookDelivery } from "~/models/webhooks.server";
import { redeliverSchema } from "~/utils/admin-validation";
import { requireAdmin, toActor } from "~/utils/auth.server";
import { parseSubmission, readForm } from "~/utils/forms";
import { refuse, submissionError, unknownIntent } from "~/utils/http.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Delivery ${data.delivery.id} · Webhooks · Triad` : "Delivery · Triad" },
];

/** The delivery of the URL: digits only, else the same 404 as an unknown one. */
function deliveryIdOf(params: { deliveryId?: string }): number {
  const parsed = redeliverSchema.shape.deliveryId.safeParse(params.deliveryId ?? "");
  if (!parsed.success) throw new Response("No such delivery.", { status: 404 });
  return parsed.data;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  requireAdmin(request);
  const delivery = getWebhookDelivery(deliveryIdOf(params));
  if (!delivery) throw new Response("No such delivery.", { status: 404 });
  return { delivery };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const admin = requireAdmin(request);
  const deliveryId = deliveryIdOf(params);
  const formData = await readForm(request);
  const intent = formData.get("intent");
  if (intent !== "redeliver") throw unknownIntent(intent);
  const submission = parseSubmission(formData, redeliverSchema);
  if (submission.status !== "success") return refuse(submission);
  if (submission.value.deliveryId !== deliveryId) {
    return refuse(submission, { formError: "This form was about another delivery. Reload the page and try again." });
  }
  try {
    const sent = redeliverWebhookDelivery({ actor: toActor(admin), deliveryId });
    return redirectWithToast(request, `/admin/webhooks/deliveries/${sent.deliveryId}`, {
      kind: "success",
      message: `Delivery ${deliveryId} is on its way to ${sent.url} again, as delivery ${sent.deliveryId} with the same body.`,
    });
  } catch (error) {
    return submissionError(error, submission);
  }
}

const statusBadge = {
  pending: { tone: "info", label: "Pending" },
  delivered: { tone: "ok", label: "Delivered" },
  failed: { tone: "danger", label: "Failed" },
} as const;

/** Why "Send it again" is not offered, in words. */
function notRedeliverable(d: { status: string; webhookActive: boolean }) {
  if (d.status === "pending") return "It is still pending: Triad tries it again by itself.";
  if (!d.webhookActive) return "Its webhook is deactivated: reactivate it on the webhooks page to send this again.";
  return "Its webhook now takes another format than this body's, so it cannot be sent again.";
}

export default function Delivery() {
  const { delivery: d } = useLoaderData<typeof loader>();
  const [form] = useIntentForm({ intent: "redeliver", schema: redeliverSchema });
  const status = statusBadge[d.status];
  return (
    <>
      <PageHeader
        title={`Delivery ${d.id}`}
        description={
          <>
            <code>{d.event}</code> to {d.url}
          </>
        }
        actions={<Link to="/admin/webhooks">All webhooks and deliveries</Link>}
      />
      <section className="card" aria-labelledby="delivery-result-title">
        <h2 id="delivery-result-title">Result</h2>
        <dl className="dl">
          <dt>Status</dt>
          <dd>
            <Badge tone={status.tone}>{status.label}</Badge>
            {d.status === "pending" ? (
              <>
                {" "}
                next try <DateTime at={d.nextAttemptAt} />
              </>
            ) : null}
          </dd>
          <dt>Attempts</dt>
          <dd>{d.attempts}</dd>
          <dt>Last answer</dt>
          {/* Only the status code and a generic class: never the receiver's reply. */}
          <dd>{d.failure ? d.failureLabel : d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : "None yet"}</dd>
          <dt>Created</dt>
          <dd>
            <DateTime at={d.createdAt} />
          </dd>
          {d.deliveredAt ? (
            <>
              <dt>Delivered</dt>
              <dd>
                <DateTime at={d.deliveredAt} />
              </dd>
            </>
          ) : null}
          <dt>Webhook</dt>
          <dd>
            {d.url} ({d.format === "slack" ? "Slack-compatible" : "Triad JSON, signed"}){" "}
            {d.webhookActive ? null : <Badge tone="muted">Deactivated</Badge>}
          </dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="delivery-payload-title">
        <h2 id="delivery-payload-title">Payload</h2>
        <p className="field-hint">
          The body posted on every attempt, indented here for reading. It went with{" "}
          <code>X-Triad-Event: {d.event}</code> and <code>X-Triad-Delivery: {d.id}</code>
          {d.format === "triad" ? (
            <>
              {" "}
              and <code>X-Triad-Signature</code> (HMAC-SHA256 of the exact body with the webhook&apos;s secret)
            </>
          ) : null}
          .
        </p>
        <pre className="payload" tabIndex={0} aria-label={`Payload of delivery ${d.id}`}>
          <code>{d.payloadText}</code>
        </pre>
      </section>
      <section className="card" aria-labelledby="redeliver-title">
        <h2 id="redeliver-title">Send it again</h2>
        {d.redeliverable ? (
          <Form method="post" {...getFormProps(form)}>
            <FormError id={form.errorId} message={formMessage(form, ["deliveryId"])} />
            <input type="hidden" name="deliveryId" value={d.id} />
            <p>
              Queues a new delivery with exactly this body (the same <code>occurredAt</code>) and a new delivery id, to{" "}
              {d.url}. A receiver that already handled it may handle it twice.
            </p>
            <div className="form-actions">
              <SubmitButton intent="redeliver" pendingLabel="Queuing…">
                Send it again
              </SubmitButton>
            </div>
          </Form>
        ) : (
          <>
            <FormError id={form.errorId} message={formMessage(form, ["deliveryId"])} />
            <p>{notRedeliverable(d)}</p>
          </>
        )}
      </section>
    </>
  );
}
