/**
 * The open gate review of a project: why it was opened, each discipline's sign-offs (every
 * member's, with what it is worth now), the criteria and their attestations, the conversation,
 * and promotion. The rules are in docs/domain.md ("Sign-off rules"). Everything works without
 * JavaScript: small forms with an `intent` each, confirmations through `?dismiss=` / `?attest=`
 * / `?confirm=` links.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { getFormProps, type Submission } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { CommentThread } from "~/components/gates/CommentThread";
import { CriteriaList, SignOffPanel, type SignOffCard } from "~/components/gates/GateParts";
import { SignOffForm } from "~/components/gates/SignOffForm";
import { Badge } from "~/components/ui/Badge";
import { EmptyState } from "~/components/ui/EmptyState";
import { Field, TextareaField } from "~/components/ui/Field";
import { SubmitButton, useIntentForm } from "~/components/ui/Form";
import { FormError } from "~/components/ui/FormError";
import { ConflictError, ForbiddenError } from "~/domain/errors";
import { debtStatusLabel, decisionLabel, disciplineLabel, registerLabel, stageShortLabel } from "~/domain/labels";
import { can } from "~/domain/permissions";
import { nextStage } from "~/domain/stages";
import type { Stage } from "~/domain/vocabulary";
import { openReviewPage } from "~/models/gate-page.server";
import {
  attest,
  dismissChangesRequest,
  openReview,
  promote,
  reviewBelongsTo,
  signOff,
  withdrawReview,
} from "~/models/gates.server";
import type { ProjectWithOwner } from "~/models/projects.server";
import { addComment, editComment, listComments } from "~/models/review-comments.server";
import type { Actor } from "~/models/users.server";
import { toActor } from "~/utils/auth.server";
import { DateTime } from "~/components/ui/DateTime";
import {
  errorsOf,
  parseSubmission,
  readForm,
  refusal,
  resultFor,
  rowResult,
  sentValue,
  type FormResult,
} from "~/utils/forms";
import { invariantResponse, refuse, submissionError, unknownIntent } from "~/utils/http.server";
import { requireProject } from "~/utils/project.server";
import { redirectWithToast } from "~/utils/toast.server";
import {
  attestSchema,
  commentSchema,
  dismissSchema,
  editCommentSchema,
  idField,
  openReviewSchema,
  signOffFormSchema,
  withdrawReviewSchema,
} from "~/utils/validation";

export const meta: MetaFunction = () => [{ title: "Gate review · Triad" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, project, context, may } = requireProject(request, params);
  const page = openReviewPage(project.id);
  const view = page?.view ?? null;
  const target = nextStage(project.stage);
  const current = view ? view.panels.flatMap((p) => p.signOffs) : [];
  return {
    slug: project.slug,
    stage: project.stage,
    target,
    userId: user.id,
    review:
      page && view
        ? {
            id: view.review.id,
            targetStage: view.review.targetStage,
            openedAt: view.review.openedAt,
            openedByName: page.openedByName,
            statement: view.review.statement,
            requiredApprovals: view.review.requiredApprovals,
            criteria: view.criteria.map((c) => ({
              ...c,
              mayAttest: may("gate:attest", c.discipline),
              // Its author or a member of the discipline it belongs to (the model checks the same).
              mayClear:
                c.attestedAt != null &&
                can(user, "gate:clear-attestation", {
                  project: context,
                  discipline: c.discipline ?? c.attesterDiscipline ?? null,
                  authorId: c.attestedById,
                }),
            })),
            panels: view.panels,
            blockers: view.blockers,
            canPromote: view.canPromote,
            conditions: page.conditions,
            comments: page.comments,
            replyOptions: current.map((s) => ({
              value: String(s.id),
              label: `${s.userName} — ${disciplineLabel[s.discipline]}: ${decisionLabel[s.decision]}`,
            })),
          }
        : null,
    myDiscipline: context.memberDiscipline,
    mayOpen: may("gate:open"),
    maySign: context.memberDiscipline ? may("gate:sign", context.memberDiscipline) : false,
    mayPromote: may("gate:promote"),
    mayWithdraw: may("gate:withdraw"),
    mayDismiss: may("gate:dismiss"),
    mayComment: may("gate:comment"),
  };
}

// ---------- the action: one schema and one handler per intent ----------

/** The review every intent but "open" names; withReview checks it is this project's. */
const reviewIdSchema = z.object({ reviewId: idField("Choose a gate review.") });

/** "Promote to …": nothing but the review. */
export const promoteSchema = reviewIdSchema;
/** "Clear attestation": which criterion. */
export const clearAttestationSchema = attestSchema.pick({ key: true });
// The other intents' schemas are the shared ones (app/utils/validation.ts), which the API uses too:
// open openReviewSchema, sign signOffFormSchema, attest attestSchema, dismiss dismissSchema,
// comment commentSchema, edit-comment editCommentSchema, withdraw withdrawReviewSchema.

type Ctx = { request: Request; actor: Actor; project: ProjectWithOwner; back: string };

/**
 * What a handler answers when the model refuses: a promotion that is not ready says what
 * still blocks it (409 with `blockers`); the rest as every form (submissionError).
 */
function refusedBy(error: unknown, submission: Submission<unknown>) {
  if (error instanceof ConflictError && error.details.length) {
    return data({ ...refusal(submission, { formError: error.message }), blockers: error.details }, { status: 409 });
  }
  return submissionError(error, submission);
}

/** Runs `handler` with the posted review's id, once it is known to be this project's. */
function withReview<R>(ctx: Ctx, formData: FormData, handler: (ctx: Ctx, formData: FormData, reviewId: number) => R) {
  const submission = parseSubmission(formData, reviewIdSchema);
  if (submission.status !== "success") return refuse(submission, { formError: "Choose a gate review." });
  invariantResponse(
    reviewBelongsTo(submission.value.reviewId, ctx.project.id),
    "This project has no gate review with that number.",
  );
  return handler(ctx, formData, submission.value.reviewId);
}

function open(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, openReviewSchema);
  if (submission.status !== "success") return refuse(submission);
  try {
    const review = openReview({ actor: ctx.actor, projectId: ctx.project.id, statement: submission.value.statement });
    return redirectWithToast(ctx.request, ctx.back, {
      kind: "success",
      message: `Gate review to ${stageShortLabel[review.targetStage]} opened. Each discipline now signs off.`,
    });
  } catch (error) {
    return refusedBy(error, submission);
  }
}

function sign(ctx: Ctx, formData: FormData, reviewId: number) {
  const submission = parseSubmission(formData, signOffFormSchema);
  if (submission.status !== "success") return refuse(submission);
  try {
    signOff({ actor: ctx.actor, reviewId, ...submission.value });
  } catch (error) {
    return refusedBy(error, submission);
  }
  return redirectWithToast(ctx.request, ctx.back, { kind: "success", message: "Your sign-off was recorded." });
}

function attestCriterion(ctx: Ctx, formData: FormData, reviewId: number) {
  const submission = parseSubmission(formData, attestSchema);
  if (submission.status !== "success") return refuse(submission);
  const { key, note, evidenceUrl } = submission.value;
  try {
    attest({ actor: ctx.actor, reviewId, key, note, evidenceUrl });
  } catch (error) {
    return refusedBy(error, submission);
  }
  return redirectWithToast(ctx.request, ctx.back, {
    kind: "success",
    message: "Attestation recorded. Sign-offs of the disciplines it concerns, given before it, are now stale.",
  });
}

function clearAttestation(ctx: Ctx, formData: FormData, reviewId: number) {
  const submission = parseSubmission(formData, clearAttestationSchema);
  if (submission.status !== "success") return refuse(submission);
  try {
    attest({ actor: ctx.actor, reviewId, key: submission.value.key, note: "", clear: true });
  } catch (error) {
    // Only its author or a member of its discipline clears an attestation: say so on the page.
    if (error instanceof ForbiddenError) return refuse(submission, { formError: error.message }, 403);
    return refusedBy(error, submission);
  }
  return redirectWithToast(ctx.request, ctx.back, { kind: "success", message: "Attestation cleared." });
}

function dismiss(ctx: Ctx, formData: FormData, reviewId: number) {
  const submission = parseSubmission(formData, dismissSchema);
  if (submission.status !== "success") return refuse(submission);
  const { signOffId, reason } = submission.value;
  try {
    dismissChangesRequest({ actor: ctx.actor, reviewId, signOffId, reason });
  } catch (error) {
    return refusedBy(error, submission);
  }
  return redirectWithToast(ctx.request, ctx.back, {
    kind: "success",
    message: "The request for changes was dismissed. It stays on the review with your reason.",
  });
}

function comment(ctx: Ctx, formData: FormData, reviewId: number) {
  const submission = parseSubmission(formData, commentSchema);
  if (submission.status !== "success") return refuse(submission);
  const { body, replyToSignOffId } = submission.value;
  try {
    const added = addComment({ actor: ctx.actor, reviewId, body, replyToSignOffId });
    const mentioned = added.mentionedUserIds.length;
    return redirectWithToast(ctx.request, ctx.back, {
      kind: "success",
      message: mentioned
        ? `Comment added; ${mentioned === 1 ? "the person" : `the ${mentioned} people`} you mentioned will be notified.`
        : "Comment added.",
    });
  } catch (error) {
    return refusedBy(error, submission);
  }
}

function editOwnComment(ctx: Ctx, formData: FormData, reviewId: number) {
  const submission = parseSubmission(formData, editCommentSchema);
  if (submission.status !== "success") return refuse(submission);
  invariantResponse(
    listComments(reviewId).some((c) => c.id === submission.value.commentId),
    "This review has no such comment.",
  );
  try {
    editComment({ actor: ctx.actor, ...submission.value });
  } catch (error) {
    return refusedBy(error, submission);
  }
  return redirectWithToast(ctx.request, ctx.back, {
    kind: "success",
    message: "Comment updated; the earlier wording is kept.",
  });
}

function promoteReview(ctx: Ctx, formData: FormData, reviewId: number) {
  const submission = parseSubmission(formData, promoteSchema);
  if (submission.status !== "success") return refuse(submission);
  try {
    const result = promote({ actor: ctx.actor, reviewId });
    return redirectWithToast(ctx.request, `/projects/${ctx.project.slug}`, {
      kind: "success",
      message: `${ctx.project.name} is now in ${stageShortLabel[result.stage]}.`,
    });
  } catch (error) {
    return refusedBy(error, submission);
  }
}

function withdraw(ctx: Ctx, formData: FormData, reviewId: number) {
  const submission = parseSubmission(formData, withdrawReviewSchema);
  if (submission.status !== "success") return refuse(submission);
  try {
    withdrawReview({ actor: ctx.actor, reviewId, note: submission.value.note });
  } catch (error) {
    return refusedBy(error, submission);
  }
  return redirectWithToast(ctx.request, ctx.back, {
    kind: "info",
    message: "The gate review was withdrawn. It stays in the history.",
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await readForm(request);
  // Who may do what is each model's question (gate:open, gate:sign for a discipline, …).
  const { user, project } = requireProject(request, params);
  const ctx: Ctx = { request, actor: toActor(user), project, back: `/projects/${project.slug}/gate` };
  const intent = formData.get("intent");
  switch (intent) {
    case "open":
      return open(ctx, formData);
    case "sign":
      return withReview(ctx, formData, sign);
    case "attest":
      return withReview(ctx, formData, attestCriterion);
    case "clear-attestation":
      return withReview(ctx, formData, clearAttestation);
    case "dismiss":
      return withReview(ctx, formData, dismiss);
    case "comment":
      return withReview(ctx, formData, comment);
    case "edit-comment":
      return withReview(ctx, formData, editOwnComment);
    case "promote":
      return withReview(ctx, formData, promoteReview);
    case "withdraw":
      return withReview(ctx, formData, withdraw);
    default:
      throw unknownIntent(intent);
  }
}

// ---------- the page ----------

/** Hidden fields a refusal may name (a tampered page): their message shows above the page's forms. */
const HIDDEN_FIELDS = ["reviewId", "signOffId", "key", "commentId", "version", "discipline"];

export default function GateReview() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<FormResult>();
  const [searchParams] = useSearchParams();
  const refused = errorsOf(actionData);
  // A form-level message (a conflict, a refused promotion, a tampered hidden field) shows at the
  // top of the page, where it stays visible whichever form was sent.
  const formError = refused.form ?? HIDDEN_FIELDS.map((name) => refused[name]).find(Boolean);
  const base = `/projects/${d.slug}/gate`;
  if (!d.review) {
    return (
      <>
        <h2>Gate review</h2>
        <FormError message={formError} />
        {d.target ? (
          <EmptyState
            title={`No gate review is open. Next gate: ${stageShortLabel[d.stage]} → ${stageShortLabel[d.target]}.`}
          >
            {d.mayOpen ? (
              <OpenReviewForm target={d.target} />
            ) : (
              <p>A member of the project opens it when the team is ready.</p>
            )}
          </EmptyState>
        ) : (
          <EmptyState title="This project is in production: there is no further gate." />
        )}
        <p>
          <Link to={`${base}/history`}>Past gate reviews</Link>
        </p>
      </>
    );
  }
  const r = d.review;
  // A refused attestation or dismissal comes back open, on the row it was about.
  const attestKey = sentValue(resultFor(actionData, "attest"), "key") ?? searchParams.get("attest");
  const dismissing = sentValue(resultFor(actionData, "dismiss"), "signOffId") ?? searchParams.get("dismiss");
  const editParam = Number(searchParams.get("edit"));

  const signOffActions = (s: SignOffCard) => {
    const links = [];
    if (d.mayComment) {
      links.push(
        <Link key="reply" to={`?reply=${s.id}#comment-form`}>
          Reply<span className="sr-only"> to {s.userName}</span>
        </Link>,
      );
    }
    const dismissable = d.mayDismiss && s.standing === "changes_requested";
    if (dismissable && dismissing !== String(s.id)) {
      links.push(
        <Link key="dismiss" to={`?dismiss=${s.id}#signoff-${s.id}`}>
          Dismiss…<span className="sr-only"> {s.userName}'s request for changes</span>
        </Link>,
      );
    }
    return (
      <>
        {links.length ? <p className="small row">{links}</p> : null}
        {dismissable && dismissing === String(s.id) ? (
          <DismissForm
            reviewId={r.id}
            signOff={s}
            lastResult={rowResult(actionData, "dismiss", "signOffId", s.id)}
            cancelTo={base}
          />
        ) : null}
      </>
    );
  };

  return (
    <>
      <div className="page-header">
        <div>
          <h2>
            Gate review: {stageShortLabel[d.stage]} → {stageShortLabel[r.targetStage]}
          </h2>
          <p className="page-description">
            Each discipline needs {r.requiredApprovals === 1 ? "an approval" : `${r.requiredApprovals} approvals`} of
            its current content and no open request for changes, and every criterion must hold.{" "}
            <Link to={`${base}/history`}>Past reviews</Link> · <Link to={`${base}/${r.id}/dossier`}>Dossier</Link>
          </p>
        </div>
      </div>
      <section className="card review-statement" aria-labelledby="statement-title">
        <h3 id="statement-title">Why now</h3>
        <p className="prewrap">{r.statement}</p>
        <p className="small muted">
          Opened by {r.openedByName} on <DateTime at={r.openedAt} />.
        </p>
      </section>
      <FormError message={formError} />
      {r.canPromote ? (
        <div className="promote-ready" role="status">
          <p>Everything is in place: every discipline has its approvals and every criterion is met.</p>
          {d.mayPromote ? <PromoteForm reviewId={r.id} targetStage={r.targetStage} /> : null}
        </div>
      ) : (
        <div className="blockers" aria-labelledby="blockers-title">
          <h3 id="blockers-title">What still blocks promotion</h3>
          <ul>
            {r.blockers.map((b) => (
              <li key={b}>{b}</li>
            ))}
          </ul>
          {d.mayPromote ? (
            <button type="button" className="btn btn-primary" disabled aria-describedby="blockers-title">
              Promote to {stageShortLabel[r.targetStage]}
            </button>
          ) : null}
        </div>
      )}
      <h3 className="section-title">Sign-offs</h3>
      <div className="grid-3">
        {r.panels.map((panel) => (
          <SignOffPanel
            key={panel.discipline}
            discipline={panel.discipline}
            status={panel.status}
            approvals={panel.approvals}
            required={panel.required}
            signOffs={panel.signOffs}
            earlier={panel.earlier}
            renderActions={signOffActions}
          >
            {d.maySign && d.myDiscipline === panel.discipline ? (
              <SignOffForm
                // a fresh form after each sign-off, rather than the words just sent
                key={panel.signOffs.find((s) => s.userId === d.userId)?.id ?? "first"}
                reviewId={r.id}
                discipline={panel.discipline}
                renewing={panel.signOffs.some((s) => s.userId === d.userId)}
              />
            ) : null}
          </SignOffPanel>
        ))}
      </div>
      <CommentThread
        comments={r.comments}
        form={
          d.mayComment
            ? {
                reviewId: r.id,
                userId: d.userId,
                replyOptions: r.replyOptions,
                replyTo: searchParams.get("reply"),
                editing: Number.isSafeInteger(editParam) && editParam > 0 ? editParam : null,
                base,
              }
            : undefined
        }
      />
      {r.conditions.length ? (
        <section aria-labelledby="conditions-title" className="card">
          <h3 id="conditions-title">Conditions of approval (tracked as debt)</h3>
          <ul className="list-plain">
            {r.conditions.map((c) => (
              <li key={c.id}>
                <Link to={`/projects/${d.slug}/debt/${c.id}`}>{c.title}</Link> · {registerLabel[c.register]} ·{" "}
                <Badge tone={c.status === "repaid" ? "ok" : "warn"}>{debtStatusLabel[c.status]}</Badge>
                {c.ownerName ? ` · ${c.ownerName}` : ""}
                {c.targetDate ? ` · due ${c.targetDate}` : ""}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <h3 className="section-title">Criteria for {stageShortLabel[r.targetStage]}</h3>
      <CriteriaList
        criteria={r.criteria}
        renderControls={(c) => {
          const criterion = r.criteria.find((x) => x.key === c.key);
          if (!criterion || criterion.kind !== "attestation") return null;
          if (criterion.met) {
            if (!criterion.mayClear) return null;
            return <ClearAttestationForm reviewId={r.id} criterion={c} />;
          }
          if (!criterion.mayAttest) return null;
          if (attestKey !== c.key) {
            return (
              <Link to={`?attest=${encodeURIComponent(c.key)}`} className="small">
                Attest<span className="sr-only">: {c.label}</span>
              </Link>
            );
          }
          return (
            <AttestForm
              reviewId={r.id}
              criterion={c}
              lastResult={rowResult(actionData, "attest", "key", c.key)}
              cancelTo={base}
            />
          );
        }}
      />
      {d.mayWithdraw ? (
        searchParams.get("confirm") === "withdraw" || resultFor(actionData, "withdraw") ? (
          <WithdrawForm reviewId={r.id} cancelTo={base} />
        ) : (
          <p>
            <Link to="?confirm=withdraw">Withdraw this review…</Link>
          </p>
        )
      ) : null}
    </>
  );
}

// ---------- the page's forms: each its own Conform form, with its intent's schema ----------

function OpenReviewForm({ target }: { target: Stage }) {
  const [form, fields] = useIntentForm({ intent: "open", schema: openReviewSchema });
  return (
    <Form method="post" className="open-review-form" {...getFormProps(form)}>
      <p>Opening a review asks business, data science and IT to sign off, and checks the gate criteria.</p>
      <TextareaField
        label="Why now?"
        meta={fields.statement}
        required
        rows={3}
        maxLength={1000}
        hint="A sentence or two for the people who sign: what is ready, and why this gate is due."
      />
      <SubmitButton intent="open" pendingLabel="Opening…">
        Open gate review to {stageShortLabel[target]}
      </SubmitButton>
    </Form>
  );
}

function PromoteForm({ reviewId, targetStage }: { reviewId: number; targetStage: Stage }) {
  const [form] = useIntentForm({ intent: "promote", schema: promoteSchema });
  return (
    <Form method="post" {...getFormProps(form)}>
      <input type="hidden" name="reviewId" value={reviewId} />
      <SubmitButton intent="promote" pendingLabel="Promoting…">
        Promote to {stageShortLabel[targetStage]}
      </SubmitButton>
    </Form>
  );
}

type LastResult = FormResult | null;

/** The owner lifts one "changes requested", with a reason. */
function DismissForm({
  reviewId,
  signOff: s,
  lastResult,
  cancelTo,
}: {
  reviewId: number;
  signOff: SignOffCard;
  lastResult: LastResult;
  cancelTo: string;
}) {
  const [form, fields] = useIntentForm({
    intent: "dismiss",
    schema: dismissSchema,
    id: `form-dismiss-${s.id}`,
    lastResult,
  });
  return (
    <Form method="post" className="confirm-box" {...getFormProps(form)}>
      <input type="hidden" name="reviewId" value={reviewId} />
      <input type="hidden" name="signOffId" value={s.id} />
      <p className="small">
        Dismissing lifts {s.userName}'s request for changes so it no longer blocks promotion. It stays on the review
        with your reason; only {s.userName} can renew it.
      </p>
      <TextareaField label="Why are these changes not needed?" meta={fields.reason} required rows={3} />
      <div className="form-actions">
        <SubmitButton intent="dismiss" variant="danger" pendingLabel="Dismissing…">
          Dismiss this request for changes
        </SubmitButton>
        <Link to={cancelTo}>Cancel</Link>
      </div>
    </Form>
  );
}

type Criterion = { key: string; label: string };

/** Attesting one criterion: a note and an optional link to the evidence. */
function AttestForm({
  reviewId,
  criterion: c,
  lastResult,
  cancelTo,
}: {
  reviewId: number;
  criterion: Criterion;
  lastResult: LastResult;
  cancelTo: string;
}) {
  const [form, fields] = useIntentForm({
    intent: "attest",
    schema: attestSchema,
    id: `form-attest-${c.key}`,
    lastResult,
  });
  return (
    <Form method="post" className="attest-form" {...getFormProps(form)}>
      <input type="hidden" name="reviewId" value={reviewId} />
      <input type="hidden" name="key" value={c.key} />
      <Field
        label={`Note for “${c.label}”`}
        meta={fields.note}
        required
        hint="What you checked, and where the evidence is."
      />
      <Field
        label="Link to evidence"
        meta={fields.evidenceUrl}
        type="url"
        inputMode="url"
        hint="Optional. http:// or https://"
      />
      <div className="form-actions">
        <SubmitButton intent="attest" pendingLabel="Attesting…">
          Attest
        </SubmitButton>
        <Link to={cancelTo}>Cancel</Link>
      </div>
    </Form>
  );
}

/** "Clear attestation" of one met criterion; its refusal (403) shows at the top of the page. */
function ClearAttestationForm({ reviewId, criterion: c }: { reviewId: number; criterion: Criterion }) {
  const [form] = useIntentForm({
    intent: "clear-attestation",
    schema: clearAttestationSchema,
    id: `form-clear-attestation-${c.key}`,
    lastResult: null,
  });
  return (
    <Form method="post" className="inline-form" {...getFormProps(form)}>
      <input type="hidden" name="reviewId" value={reviewId} />
      <input type="hidden" name="key" value={c.key} />
      <SubmitButton intent="clear-attestation" variant="link" className="small" pendingLabel="Clearing…">
        Clear attestation<span className="sr-only">: {c.label}</span>
      </SubmitButton>
    </Form>
  );
}

function WithdrawForm({ reviewId, cancelTo }: { reviewId: number; cancelTo: string }) {
  const [form, fields] = useIntentForm({ intent: "withdraw", schema: withdrawReviewSchema });
  return (
    <Form method="post" className="confirm-box" {...getFormProps(form)}>
      <input type="hidden" name="reviewId" value={reviewId} />
      <Field label="Why withdraw it? (optional)" meta={fields.note} />
      <div className="form-actions">
        <SubmitButton intent="withdraw" variant="danger" pendingLabel="Withdrawing…">
          Yes, withdraw this review
        </SubmitButton>
        <Link to={cancelTo}>Cancel</Link>
      </div>
    </Form>
  );
}
