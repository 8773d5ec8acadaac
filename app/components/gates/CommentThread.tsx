/**
 * The conversation on a gate review (docs/domain.md, "The review conversation"): plain-text
 * comments, shown with their author and time, the sign-off they answer, the people they
 * mention and every earlier wording. Links become clickable through `linkify` (rendered as
 * React children, never as HTML). Without `form` the thread is read-only (closed reviews).
 */
import { Form, Link } from "@remix-run/react";
import type { decisionLabel } from "~/domain/labels";
import { linkify } from "~/domain/comments";
import { SelectField, TextareaField, type Option } from "~/components/ui/Field";
import { formatDateTime } from "~/utils/format";
import { decisionNoun } from "./GateParts";

export type ThreadComment = {
  id: number;
  body: string;
  authorId: number;
  authorName: string;
  createdAt: number;
  editedAt: number | null;
  version: number;
  replyToSignOffId: number | null;
  replyToName: string | null;
  replyToDecision: keyof typeof decisionLabel | null;
  mentions: Array<{ id: number; name: string }>;
  revisions: Array<{ body: string; replacedAt: number }>;
};

/** A failed submission of one of the thread's forms, as the action returns it. */
type Failure = { intent: string; values: Record<string, string>; fieldErrors: Record<string, string> } | null;

/** Plain text with its links clickable; line breaks kept by the `prewrap` class. */
export function CommentBody({ body }: { body: string }) {
  return (
    <p className="prewrap comment-body">
      {linkify(body).map((segment, i) =>
        segment.kind === "link" ? (
          <a key={i} href={segment.href} rel="noopener noreferrer nofollow ugc">
            {segment.text}
          </a>
        ) : (
          <span key={i}>{segment.text}</span>
        ),
      )}
    </p>
  );
}

const isoOf = (ms: number) => new Date(ms).toISOString();

export function CommentThread({
  comments,
  form,
}: {
  comments: ThreadComment[];
  /** Present when the user may comment on this (open) review. */
  form?: {
    reviewId: number;
    userId: number;
    /** The review's current sign-offs, to reply to. */
    replyOptions: Option[];
    /** The sign-off a "Reply" link preselected (?reply=). */
    replyTo: string | null;
    /** The comment being edited (?edit=). */
    editing: number | null;
    /** Where "Cancel" goes. */
    base: string;
    failure: Failure;
  };
}) {
  const failed = (intent: string) => (form?.failure && form.failure.intent === intent ? form.failure : null);
  const commentFailure = failed("comment");
  const editFailure = failed("edit-comment");
  const editing = editFailure ? Number(editFailure.values.commentId) : (form?.editing ?? null);
  return (
    <section className="card comment-thread" aria-labelledby="discussion-title">
      <h3 id="discussion-title">Discussion</h3>
      {comments.length === 0 ? (
        <p className="muted">
          No comments yet.{form ? " Ask a question, explain a decision, or answer a sign-off below." : ""}
        </p>
      ) : (
        <ol className="list-plain comment-list">
          {comments.map((c) => {
            const mine = form && c.authorId === form.userId;
            return (
              <li key={c.id} id={`comment-${c.id}`} className="comment-item">
                <p className="small comment-meta">
                  <strong>{c.authorName}</strong> ·{" "}
                  <time dateTime={isoOf(c.createdAt)}>{formatDateTime(c.createdAt)}</time>
                  {c.editedAt ? (
                    <>
                      {" "}
                      · <span title={`Edited ${formatDateTime(c.editedAt)}`}>edited</span>
                    </>
                  ) : null}
                  {c.replyToSignOffId && c.replyToName && c.replyToDecision ? (
                    <>
                      {" "}
                      · in reply to{" "}
                      <a href={`#signoff-${c.replyToSignOffId}`}>
                        {c.replyToName}'s {decisionNoun[c.replyToDecision]}
                      </a>
                    </>
                  ) : null}
                </p>
                {mine && editing === c.id ? (
                  <Form method="post" noValidate className="comment-edit-form">
                    <input type="hidden" name="reviewId" value={form.reviewId} />
                    <input type="hidden" name="commentId" value={c.id} />
                    <input type="hidden" name="version" value={editFailure?.values.version ?? c.version} />
                    <TextareaField
                      label="New wording"
                      name="body"
                      required
                      rows={4}
                      defaultValue={editFailure?.values.body ?? c.body}
                      error={editFailure?.fieldErrors.body}
                      hint="The earlier wording stays visible to everyone."
                    />
                    <div className="form-actions">
                      <button type="submit" name="intent" value="edit-comment" className="btn btn-primary">
                        Save the new wording
                      </button>
                      <Link to={`${form.base}#comment-${c.id}`}>Cancel</Link>
                    </div>
                  </Form>
                ) : (
                  <CommentBody body={c.body} />
                )}
                {c.mentions.length ? (
                  <p className="small muted">Mentions: {c.mentions.map((m) => m.name).join(", ")}</p>
                ) : null}
                {c.revisions.length ? (
                  <details className="small">
                    <summary>Earlier wording{c.revisions.length > 1 ? `s (${c.revisions.length})` : ""}</summary>
                    <ol className="list-plain">
                      {c.revisions.map((r, i) => (
                        <li key={i}>
                          <span className="muted">until {formatDateTime(r.replacedAt)}:</span>
                          <CommentBody body={r.body} />
                        </li>
                      ))}
                    </ol>
                  </details>
                ) : null}
                {mine && editing !== c.id ? (
                  <p className="small">
                    <Link to={`?edit=${c.id}#comment-${c.id}`}>
                      Edit<span className="sr-only"> your comment of {formatDateTime(c.createdAt)}</span>
                    </Link>
                  </p>
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
      {form ? (
        // Keyed so that a new comment or another "Reply" link starts from a fresh form.
        <Form
          key={`${comments.length}:${form.replyTo ?? ""}`}
          method="post"
          noValidate
          id="comment-form"
          className="comment-form"
        >
          <input type="hidden" name="reviewId" value={form.reviewId} />
          <TextareaField
            label="Comment"
            name="body"
            required
            rows={4}
            defaultValue={commentFailure?.values.body ?? ""}
            error={commentFailure?.fieldErrors.body}
            hint="Plain text. Links become clickable; @name notifies a team member."
          />
          <SelectField
            label="In reply to"
            name="replyToSignOffId"
            placeholder="— not a reply to a sign-off —"
            options={form.replyOptions}
            defaultValue={commentFailure?.values.replyToSignOffId ?? form.replyTo ?? ""}
            error={commentFailure?.fieldErrors.replyToSignOffId}
            hint="Optional: the sign-off your comment answers."
          />
          <button type="submit" name="intent" value="comment" className="btn btn-primary">
            Add comment
          </button>
        </Form>
      ) : null}
    </section>
  );
}
