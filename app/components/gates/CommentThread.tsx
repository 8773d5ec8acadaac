/**
 * The conversation on a gate review (docs/domain.md, "The review conversation"): plain-text
 * comments, shown with their author and time, the sign-off they answer, the people they
 * mention and every earlier wording. Links become clickable through `linkify` (rendered as
 * React children, never as HTML). Without `form` the thread is read-only (closed reviews).
 */
import { getFormProps } from "@conform-to/react";
import { Form, Link, useActionData } from "@remix-run/react";
import type { decisionLabel } from "~/domain/labels";
import { linkify } from "~/domain/comments";
import { SelectField, TextareaField, type Option } from "~/components/ui/Field";
import { SubmitButton, useIntentForm } from "~/components/ui/Form";
import { DateTime, useDateFormat } from "~/components/ui/DateTime";
import { resultFor, type FormResult } from "~/utils/forms";
import { commentSchema, editCommentSchema } from "~/utils/validation";
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
  };
}) {
  // A refused edit comes back open on the comment it was about.
  const editResult = resultFor(useActionData<FormResult>(), "edit-comment");
  const refusedEdit = Number((editResult?.initialValue as Record<string, unknown> | undefined)?.commentId) || null;
  const editing = refusedEdit ?? form?.editing ?? null;
  const format = useDateFormat();
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
                  <strong>{c.authorName}</strong> · <DateTime at={c.createdAt} />
                  {c.editedAt ? (
                    <>
                      {" "}
                      · <span title={`Edited ${format.dateTimeInZone(c.editedAt)}`}>edited</span>
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
                  <EditCommentForm
                    reviewId={form.reviewId}
                    comment={c}
                    lastResult={refusedEdit === c.id ? (editResult ?? null) : null}
                    cancelTo={`${form.base}#comment-${c.id}`}
                  />
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
                          <span className="muted">
                            until <DateTime at={r.replacedAt} />:
                          </span>
                          <CommentBody body={r.body} />
                        </li>
                      ))}
                    </ol>
                  </details>
                ) : null}
                {mine && editing !== c.id ? (
                  <p className="small">
                    <Link to={`?edit=${c.id}#comment-${c.id}`}>
                      Edit<span className="sr-only"> your comment of {format.dateTime(c.createdAt)}</span>
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
        <NewCommentForm
          key={`${comments.length}:${form.replyTo ?? ""}`}
          reviewId={form.reviewId}
          replyOptions={form.replyOptions}
          replyTo={form.replyTo}
        />
      ) : null}
    </section>
  );
}

function NewCommentForm({
  reviewId,
  replyOptions,
  replyTo,
}: {
  reviewId: number;
  replyOptions: Option[];
  replyTo: string | null;
}) {
  const [form, fields] = useIntentForm({
    intent: "comment",
    schema: commentSchema,
    // the "Reply" links lead to #comment-form
    id: "comment-form",
    defaultValue: { replyToSignOffId: replyTo ?? "" },
  });
  return (
    <Form method="post" className="comment-form" {...getFormProps(form)}>
      <input type="hidden" name="reviewId" value={reviewId} />
      <TextareaField
        label="Comment"
        meta={fields.body}
        required
        rows={4}
        hint="Plain text. Links become clickable; @name notifies a team member."
      />
      <SelectField
        label="In reply to"
        meta={fields.replyToSignOffId}
        placeholder="— not a reply to a sign-off —"
        options={replyOptions}
        hint="Optional: the sign-off your comment answers."
      />
      <SubmitButton intent="comment" pendingLabel="Adding…">
        Add comment
      </SubmitButton>
    </Form>
  );
}

/** The author's new wording of one comment; the earlier one stays visible. */
function EditCommentForm({
  reviewId,
  comment: c,
  lastResult,
  cancelTo,
}: {
  reviewId: number;
  comment: ThreadComment;
  lastResult: FormResult | null;
  cancelTo: string;
}) {
  const [form, fields] = useIntentForm({
    intent: "edit-comment",
    schema: editCommentSchema,
    id: `form-edit-comment-${c.id}`,
    lastResult,
    defaultValue: { body: c.body, version: String(c.version) },
  });
  return (
    <Form method="post" className="comment-edit-form" {...getFormProps(form)}>
      <input type="hidden" name="reviewId" value={reviewId} />
      <input type="hidden" name="commentId" value={c.id} />
      {/* After a refusal, the version the author started from: a conflict is not overwritten by a retry. */}
      <input type="hidden" name="version" value={String(fields.version.initialValue ?? c.version)} />
      <TextareaField
        label="New wording"
        meta={fields.body}
        required
        rows={4}
        hint="The earlier wording stays visible to everyone."
      />
      <div className="form-actions">
        <SubmitButton intent="edit-comment" pendingLabel="Saving…">
          Save the new wording
        </SubmitButton>
        <Link to={cancelTo}>Cancel</Link>
      </div>
    </Form>
  );
}
