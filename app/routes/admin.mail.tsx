/**
 * E-mail (admins): whether Triad can send mail (TRIAD_SMTP_URL; only scheme, host and port are
 * shown, never credentials), how many mails wait, went out or failed, and the latest mails
 * with their attempts and last error. Failed mail can be sent again ("Retry now"). See
 * docs/domain.md, "Notifications", and app/jobs/mail-worker.server.ts for the retry schedule.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { Badge } from "~/components/ui/Badge";
import { EmptyState } from "~/components/ui/EmptyState";
import { formMessage, SubmitButton, useIntentForm, useRowSubmission } from "~/components/ui/Form";
import { FormError } from "~/components/ui/FormError";
import { PageHeader } from "~/components/ui/PageHeader";
import { Pager } from "~/components/ui/Pager";
import { categoryLabel } from "~/domain/notifications";
import { DEFAULT_MAIL_MAX_ATTEMPTS, readMailSettings } from "~/jobs/mail-worker.server";
import { listRecentMail, mailCounts, retryMail } from "~/models/mail-outbox.server";
import { retryMailSchema } from "~/utils/admin-validation";
import { requireAdmin, toActor } from "~/utils/auth.server";
import { DateTime } from "~/components/ui/DateTime";
import { errorsOf, parseSubmission, readForm, resultFor, rowResult } from "~/utils/forms";
import { refuse, submissionError, unknownIntent } from "~/utils/http.server";
import { redirectWithToast } from "~/utils/toast.server";
import { PAGE_MESSAGE, parsePageParam } from "~/utils/validation";

export const meta: MetaFunction = () => [{ title: "E-mail · Triad" }];

const PAGE_SIZE = 50;

export async function loader({ request }: LoaderFunctionArgs) {
  requireAdmin(request);
  const page = parsePageParam(new URL(request.url).searchParams.get("page"));
  if (page === null) throw new Response(PAGE_MESSAGE, { status: 400 });
  const settings = readMailSettings();
  const { rows, total } = listRecentMail({ page, limit: PAGE_SIZE });
  return {
    // Never the URL itself: it may carry the SMTP password.
    mail:
      settings.state === "on"
        ? { state: "on" as const, server: settings.server, from: settings.from }
        : settings.state === "invalid"
          ? { state: "invalid" as const, problem: settings.problem }
          : { state: "off" as const },
    counts: mailCounts(),
    rows,
    page,
    pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    maxAttempts: DEFAULT_MAIL_MAX_ATTEMPTS,
  };
}

async function retry(request: Request, actor: ReturnType<typeof toActor>, formData: FormData) {
  const submission = parseSubmission(formData, retryMailSchema);
  if (submission.status !== "success") return refuse(submission);
  try {
    const mail = retryMail({ actor, mailId: submission.value.mailId });
    return redirectWithToast(request, "/admin/mail", {
      kind: "success",
      message: `The mail to ${mail.toAddress} waits to be sent again.`,
    });
  } catch (error) {
    return submissionError(error, submission);
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const admin = requireAdmin(request);
  const formData = await readForm(request);
  const intent = formData.get("intent");
  switch (intent) {
    case "retry":
      return retry(request, toActor(admin), formData);
    default:
      throw unknownIntent(intent);
  }
}

/** "Retry now" on one failed mail: only the row that was sent shows a refusal. */
function RetryForm({ mailId, toAddress }: { mailId: number; toAddress: string }) {
  const [form] = useIntentForm({
    intent: "retry",
    id: `form-retry-${mailId}`,
    schema: retryMailSchema,
    lastResult: rowResult(useActionData(), "retry", "mailId", mailId),
  });
  const sending = useRowSubmission("mailId", mailId);
  return (
    <Form method="post" className="inline-form" {...getFormProps(form)}>
      <FormError id={form.errorId} message={formMessage(form, ["mailId"])} />
      <input type="hidden" name="mailId" value={mailId} />
      <SubmitButton intent="retry" variant="link" pendingLabel="Retrying…" fetcher={sending}>
        Retry now
        <span className="sr-only">
          {" "}
          the mail {mailId} to {toAddress}
        </span>
      </SubmitButton>
    </Form>
  );
}

const statusBadge = {
  pending: { tone: "info", label: "Pending" },
  sent: { tone: "ok", label: "Sent" },
  failed: { tone: "danger", label: "Failed" },
} as const;

export default function AdminMail() {
  const { mail, counts, rows, page, pages, maxAttempts } = useLoaderData<typeof loader>();
  const location = useLocation();
  // A refused retry shows in its row; when that row no longer offers "Retry now" (someone else
  // retried it first), above the list.
  const retried = resultFor(useActionData(), "retry");
  const rowShown = rows.some((m) => m.status === "failed" && String(m.id) === retried?.initialValue?.mailId);
  const retryError = rowShown ? undefined : (errorsOf(retried).form ?? errorsOf(retried).mailId);
  return (
    <>
      <PageHeader
        title="E-mail"
        description={`Notifications people chose to get by e-mail, and their daily digests. Triad retries a failed mail with growing pauses (1 minute up to 12 hours) and gives up after ${maxAttempts} attempts.`}
      />
      <FormError message={retryError} />
      <section className="card" aria-labelledby="mail-server-title">
        <h2 id="mail-server-title">Mail server</h2>
        {mail.state === "on" ? (
          <dl className="dl">
            <dt>Sending through</dt>
            <dd>
              <code>{mail.server}</code>
            </dd>
            <dt>From</dt>
            <dd>{mail.from}</dd>
          </dl>
        ) : mail.state === "invalid" ? (
          <p role="alert">
            <Badge tone="danger">Not understood</Badge> {mail.problem} Mail waits here until it is fixed and Triad
            restarted.
          </p>
        ) : (
          <p>
            <Badge tone="warn">Not configured</Badge> E-mail is not configured, so nothing is sent: mail waits here as
            pending. Set <code>TRIAD_SMTP_URL</code> (for example <code>smtp://user:password@mail.example.com:587</code>
            ) and <code>TRIAD_MAIL_FROM</code>, then restart Triad; waiting mail goes out then.
          </p>
        )}
        <ul className="debt-stats" aria-label="Mail by status">
          <li>
            <strong>{counts.pending}</strong> pending
          </li>
          <li>
            <strong>{counts.sent}</strong> sent
          </li>
          <li>
            <strong>{counts.failed}</strong> failed
          </li>
        </ul>
      </section>
      <section aria-labelledby="recent-mail-title">
        <h2 id="recent-mail-title" className="section-title">
          Recent mail
        </h2>
        {rows.length === 0 ? (
          <EmptyState title={page > 1 ? "There is no mail on this page." : "No mail yet."}>
            <p>
              Mail appears here when someone is notified of a category they get by e-mail (people choose that in their
              notification settings).
            </p>
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="sr-only">Mail, newest first</caption>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    Mail
                  </th>
                  <th scope="col">To</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Attempts
                  </th>
                  <th scope="col">Last error</th>
                  <th scope="col">Created</th>
                  <th scope="col">Sent</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((m) => (
                  <tr key={m.id}>
                    <td className="num">{m.id}</td>
                    <td>
                      {m.personName}
                      <br />
                      <span className="small muted">{m.toAddress}</span>
                    </td>
                    <td>
                      {m.subject}
                      <br />
                      <span className="small muted">{m.category ? categoryLabel[m.category] : "Daily digest"}</span>
                    </td>
                    <td>
                      <Badge tone={statusBadge[m.status].tone}>{statusBadge[m.status].label}</Badge>
                      {m.status === "pending" && m.attempts > 0 ? (
                        <span className="small muted">
                          {" "}
                          next try <DateTime at={m.nextAttemptAt} />
                        </span>
                      ) : null}
                    </td>
                    <td className="num">{m.attempts}</td>
                    <td>{m.lastError ?? "—"}</td>
                    <td>
                      <DateTime at={m.createdAt} />
                    </td>
                    <td>{m.sentAt ? <DateTime at={m.sentAt} /> : "—"}</td>
                    <td>{m.status === "failed" ? <RetryForm mailId={m.id} toAddress={m.toAddress} /> : null}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager page={page} pages={pages} search={location.search} label="Pages of mail" />
      </section>
    </>
  );
}
