/**
 * /notifications: what Triad told the signed-in person (docs/domain.md, "Notifications"),
 * newest first, unread first or unread only, 25 a page. Each item opens through
 * /notifications/<id>/open, which marks it read and goes to its page in Triad. "Mark read"
 * and "Mark all read" are plain forms; reading is not an audited change.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { EmptyState } from "~/components/ui/EmptyState";
import { SelectField, optionsOf } from "~/components/ui/Field";
import { formMessage, SubmitButton, useIntentForm, useRowSubmission } from "~/components/ui/Form";
import { FormError } from "~/components/ui/FormError";
import { PageHeader } from "~/components/ui/PageHeader";
import { Pager } from "~/components/ui/Pager";
import { categoryLabel } from "~/domain/notifications";
import {
  listNotifications,
  markAllRead,
  markRead,
  parseViewParam,
  VIEW_MESSAGE,
  type NotificationView,
} from "~/models/notifications-read.server";
import { requireUser } from "~/utils/auth.server";
import { DateTime } from "~/components/ui/DateTime";
import { parseSubmission, readForm, rowResult } from "~/utils/forms";
import { refuse, safeRedirect, submissionError, unknownIntent } from "~/utils/http.server";
import { redirectWithToast } from "~/utils/toast.server";
import { markAllReadSchema, markReadSchema } from "~/utils/notification-validation";
import { PAGE_MESSAGE, parsePageParam } from "~/utils/validation";

export const meta: MetaFunction = () => [{ title: "Notifications · Triad" }];

const PAGE_SIZE = 25;

/** The `show` choices (the model's NOTIFICATION_VIEWS), labelled here: the page's bundle takes no server module. */
const viewLabel: Record<NotificationView, string> = {
  all: "Newest first",
  "unread-first": "Unread first",
  unread: "Unread only",
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const params = new URL(request.url).searchParams;
  // A hand-edited address gets a 400 page saying what is wrong, never a 500.
  const page = parsePageParam(params.get("page"));
  if (page === null) throw new Response(PAGE_MESSAGE, { status: 400 });
  const view = parseViewParam(params.get("show"));
  if (view === null) throw new Response(VIEW_MESSAGE, { status: 400 });
  const list = listNotifications({ userId: user.id, view, page, pageSize: PAGE_SIZE });
  return { ...list, view };
}

type Ctx = { request: Request; userId: number; back: string };

async function read(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, markReadSchema);
  if (submission.status !== "success") return refuse(submission);
  try {
    markRead({ userId: ctx.userId, ids: [submission.value.id] });
  } catch (error) {
    return submissionError(error, submission);
  }
  return redirect(ctx.back);
}

async function readAll(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, markAllReadSchema);
  if (submission.status !== "success") return refuse(submission);
  const marked = markAllRead({ userId: ctx.userId });
  return redirectWithToast(ctx.request, ctx.back, {
    kind: "success",
    message: marked
      ? `${marked === 1 ? "1 notification" : `${marked} notifications`} marked read.`
      : "Nothing was unread.",
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = requireUser(request);
  const formData = await readForm(request);
  const url = new URL(request.url);
  // Back to the same list (filter and page) after the change.
  const ctx: Ctx = { request, userId: user.id, back: safeRedirect(url.pathname + url.search, "/notifications") };
  const intent = formData.get("intent");
  switch (intent) {
    case "read":
      return read(ctx, formData);
    case "read-all":
      return readAll(ctx, formData);
    default:
      throw unknownIntent(intent);
  }
}

/** "Mark read" on one row: only the row that was sent shows a refusal. */
function MarkReadForm({ id, title }: { id: number; title: string }) {
  const [form] = useIntentForm({
    intent: "read",
    id: `form-read-${id}`,
    schema: markReadSchema,
    lastResult: rowResult(useActionData(), "read", "id", id),
  });
  const sending = useRowSubmission("id", id);
  return (
    <Form method="post" className="notification-actions" {...getFormProps(form)}>
      <FormError id={form.errorId} message={formMessage(form, ["id"])} />
      <input type="hidden" name="id" value={id} />
      <SubmitButton intent="read" variant="link" pendingLabel="Marking…" fetcher={sending}>
        Mark read<span className="sr-only">: {title}</span>
      </SubmitButton>
    </Form>
  );
}

export default function Notifications() {
  const { rows, total, unread, page, pages, view } = useLoaderData<typeof loader>();
  const location = useLocation();
  const [readAllForm] = useIntentForm({ intent: "read-all", schema: markAllReadSchema });
  return (
    <>
      <PageHeader
        title="Notifications"
        description={
          <>
            What happened in Triad that concerns you: {unread === 0 ? "nothing unread" : `${unread} unread`}.{" "}
            <Link to="/account/notifications">Choose how you are told</Link>.
          </>
        }
        actions={
          unread > 0 ? (
            <Form method="post" {...getFormProps(readAllForm)}>
              <FormError id={readAllForm.errorId} message={readAllForm.errors?.[0]} />
              <SubmitButton intent="read-all" variant="secondary" pendingLabel="Marking…">
                Mark all read
              </SubmitButton>
            </Form>
          ) : null
        }
      />
      <Form method="get" className="filters" role="search" aria-label="Filter notifications">
        <SelectField label="Show" name="show" options={optionsOf(viewLabel)} defaultValue={view} />
        <button type="submit" className="btn btn-secondary">
          Apply
        </button>
      </Form>
      {rows.length === 0 ? (
        total > 0 ? (
          <EmptyState title={`There is no page ${page}.`}>
            <p>
              <Link to={view === "all" ? "/notifications" : `/notifications?show=${view}`}>Go to the first page</Link>.
            </p>
          </EmptyState>
        ) : view === "unread" ? (
          <EmptyState title="Nothing unread.">
            <p>
              You have read everything. <Link to="/notifications">Show all notifications</Link>.
            </p>
          </EmptyState>
        ) : (
          <EmptyState title="No notifications yet.">
            <p>
              When a gate review waits for your discipline, your sign-off goes stale, someone replies to you or
              @mentions you, or debt is assigned to you or comes due, it appears here. In{" "}
              <Link to="/account/notifications">notification settings</Link> you choose what also comes by e-mail.
            </p>
          </EmptyState>
        )
      ) : (
        <>
          <p className="muted">
            {total} {total === 1 ? "notification" : "notifications"}
          </p>
          <ol className="notification-list">
            {rows.map((n) => {
              const isUnread = n.readAt == null;
              return (
                <li key={n.id} className={isUnread ? "notification is-unread" : "notification"}>
                  <div className="notification-main">
                    <p className="notification-title">
                      {isUnread ? <span className="badge badge-info">Unread</span> : null}{" "}
                      {/* A plain link: the open route marks it read and redirects (works without JavaScript). */}
                      <a href={`/notifications/${n.id}/open`}>{n.title}</a>
                    </p>
                    {n.body ? <p className="notification-body">{n.body}</p> : null}
                    <p className="muted small">
                      <DateTime at={n.createdAt} />
                      {n.project ? (
                        <>
                          {" · "}
                          <Link to={`/projects/${n.project.slug}`}>{n.project.name}</Link>
                        </>
                      ) : null}
                      {" · "}
                      {categoryLabel[n.category]}
                    </p>
                  </div>
                  {isUnread ? <MarkReadForm id={n.id} title={n.title} /> : null}
                </li>
              );
            })}
          </ol>
          <Pager page={page} pages={pages} search={location.search} label="Notification pages" />
        </>
      )}
    </>
  );
}
