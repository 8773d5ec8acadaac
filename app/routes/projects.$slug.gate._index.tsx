/**
 * The open gate review of a project: why it was opened, each discipline's sign-offs (every
 * member's, with what it is worth now), the criteria and their attestations, the conversation,
 * and promotion. The rules are in docs/domain.md ("Sign-off rules"). Everything works without
 * JavaScript: small forms with an `intent` each, confirmations through `?dismiss=` / `?attest=`
 * / `?confirm=` links.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { CommentThread } from "~/components/gates/CommentThread";
import { CriteriaList, SignOffPanel, type SignOffCard } from "~/components/gates/GateParts";
import { SignOffForm } from "~/components/gates/SignOffForm";
import { Badge } from "~/components/ui/Badge";
import { EmptyState } from "~/components/ui/EmptyState";
import { Field, TextareaField } from "~/components/ui/Field";
import { FormError } from "~/components/ui/FormError";
import { ConflictError, ForbiddenError, ValidationError } from "~/domain/errors";
import { debtStatusLabel, decisionLabel, disciplineLabel, registerLabel, stageShortLabel } from "~/domain/labels";
import { can } from "~/domain/permissions";
import { nextStage } from "~/domain/stages";
import { conditionItemsForReview } from "~/models/debt.server";
import {
  attest,
  dismissChangesRequest,
  getOpenReview,
  openReview,
  promote,
  reviewBelongsTo,
  signOff,
  withdrawReview,
} from "~/models/gates.server";
import type { ProjectWithOwner } from "~/models/projects.server";
import { addComment, editComment, listComments } from "~/models/review-comments.server";
import { getUser, type Actor } from "~/models/users.server";
import { toActor } from "~/utils/auth.server";
import { formatDateTime } from "~/utils/format";
import { formFailure, parseForm, type FormFailure, readForm } from "~/utils/forms";
import { actionError, invariantResponse } from "~/utils/http.server";
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
  const view = getOpenReview(project.id);
  const target = nextStage(project.stage);
  const current = view ? view.panels.flatMap((p) => p.signOffs) : [];
  return {
    slug: project.slug,
    stage: project.stage,
    target,
    userId: user.id,
    review: view
      ? {
          id: view.review.id,
          targetStage: view.review.targetStage,
          openedAt: view.review.openedAt,
          openedByName: getUser(view.review.openedById)?.name ?? "—",
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
          conditions: conditionItemsForReview(view.review.id),
          comments: listComments(view.review.id),
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

// ---------- the action: one handler per intent ----------

type Ctx = {
  request: Request;
  formData: FormData;
  intent: string;
  actor: Actor;
  project: ProjectWithOwner;
  back: string;
};

/** A refused form: its messages go next to the fields of the form that was sent (found by `intent`). */
const refused = (ctx: Ctx, failure: FormFailure, status = 400) => data({ ...failure, intent: ctx.intent }, { status });

const reviewIdSchema = z.object({ reviewId: idField("Choose a gate review.") });

/** Runs `handler` with the posted review's id, once it is known to be this project's. */
function withReview(ctx: Ctx, handler: (ctx: Ctx, reviewId: number) => Response | ReturnType<typeof refused>) {
  const parsed = reviewIdSchema.safeParse({ reviewId: ctx.formData.get("reviewId") });
  if (!parsed.success) return refused(ctx, formFailure(ctx.formData, {}, "Choose a gate review."));
  invariantResponse(
    reviewBelongsTo(parsed.data.reviewId, ctx.project.id),
    "This project has no gate review with that number.",
  );
  return handler(ctx, parsed.data.reviewId);
}

function handleOpen(ctx: Ctx) {
  const parsed = parseForm(openReviewSchema, ctx.formData);
  if (!parsed.ok) return refused(ctx, parsed);
  const review = openReview({ actor: ctx.actor, projectId: ctx.project.id, statement: parsed.data.statement });
  return redirectWithToast(ctx.request, ctx.back, {
    kind: "success",
    message: `Gate review to ${stageShortLabel[review.targetStage]} opened. Each discipline now signs off.`,
  });
}

function handleSign(ctx: Ctx, reviewId: number) {
  const parsed = parseForm(signOffFormSchema, ctx.formData);
  if (!parsed.ok) return refused(ctx, parsed);
  signOff({ actor: ctx.actor, reviewId, ...parsed.data });
  return redirectWithToast(ctx.request, ctx.back, { kind: "success", message: "Your sign-off was recorded." });
}

function handleAttest(ctx: Ctx, reviewId: number) {
  const parsed = parseForm(attestSchema, ctx.formData);
  if (!parsed.ok) return refused(ctx, parsed);
  attest({
    actor: ctx.actor,
    reviewId,
    key: parsed.data.key,
    note: parsed.data.note,
    evidenceUrl: parsed.data.evidenceUrl,
  });
  return redirectWithToast(ctx.request, ctx.back, {
    kind: "success",
    message: "Attestation recorded. Sign-offs of the disciplines it concerns, given before it, are now stale.",
  });
}

function handleClearAttestation(ctx: Ctx, reviewId: number) {
  const parsed = parseForm(attestSchema.pick({ key: true }), ctx.formData);
  if (!parsed.ok) return refused(ctx, parsed);
  try {
    attest({ actor: ctx.actor, reviewId, key: parsed.data.key, note: "", clear: true });
  } catch (error) {
    // Only its author or a member of its discipline clears an attestation: say so on the page.
    if (error instanceof ForbiddenError) return refused(ctx, formFailure(ctx.formData, {}, error.message), 403);
    throw error;
  }
  return redirectWithToast(ctx.request, ctx.back, { kind: "success", message: "Attestation cleared." });
}

function handleDismiss(ctx: Ctx, reviewId: number) {
  const parsed = parseForm(dismissSchema, ctx.formData);
  if (!parsed.ok) return refused(ctx, parsed);
  dismissChangesRequest({ actor: ctx.actor, reviewId, signOffId: parsed.data.signOffId, reason: parsed.data.reason });
  return redirectWithToast(ctx.request, ctx.back, {
    kind: "success",
    message: "The request for changes was dismissed. It stays on the review with your reason.",
  });
}

function handleComment(ctx: Ctx, reviewId: number) {
  const parsed = parseForm(commentSchema, ctx.formData);
  if (!parsed.ok) return refused(ctx, parsed);
  const comment = addComment({
    actor: ctx.actor,
    reviewId,
    body: parsed.data.body,
    replyToSignOffId: parsed.data.replyToSignOffId,
  });
  const mentioned = comment.mentionedUserIds.length;
  return redirectWithToast(ctx.request, ctx.back, {
    kind: "success",
    message: mentioned
      ? `Comment added; ${mentioned === 1 ? "the person" : `the ${mentioned} people`} you mentioned will be notified.`
      : "Comment added.",
  });
}

function handleEditComment(ctx: Ctx, reviewId: number) {
  const parsed = parseForm(editCommentSchema, ctx.formData);
  if (!parsed.ok) return refused(ctx, parsed);
  invariantResponse(
    listComments(reviewId).some((c) => c.id === parsed.data.commentId),
    "This review has no such comment.",
  );
  editComment({ actor: ctx.actor, ...parsed.data });
  return redirectWithToast(ctx.request, ctx.back, {
    kind: "success",
    message: "Comment updated; the earlier wording is kept.",
  });
}

function handlePromote(ctx: Ctx, reviewId: number) {
  const result = promote({ actor: ctx.actor, reviewId });
  return redirectWithToast(ctx.request, `/projects/${ctx.project.slug}`, {
    kind: "success",
    message: `${ctx.project.name} is now in ${stageShortLabel[result.stage]}.`,
  });
}

function handleWithdraw(ctx: Ctx, reviewId: number) {
  const parsed = parseForm(withdrawReviewSchema, ctx.formData);
  if (!parsed.ok) return refused(ctx, parsed);
  withdrawReview({ actor: ctx.actor, reviewId, note: parsed.data.note });
  return redirectWithToast(ctx.request, ctx.back, {
    kind: "info",
    message: "The gate review was withdrawn. It stays in the history.",
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await readForm(request);
  const { user, project } = requireProject(request, params);
  const ctx: Ctx = {
    request,
    formData,
    intent: String(formData.get("intent") ?? ""),
    actor: toActor(user),
    project,
    back: `/projects/${project.slug}/gate`,
  };
  try {
    switch (ctx.intent) {
      case "open":
        return handleOpen(ctx);
      case "sign":
        return withReview(ctx, handleSign);
      case "attest":
        return withReview(ctx, handleAttest);
      case "clear-attestation":
        return withReview(ctx, handleClearAttestation);
      case "dismiss":
        return withReview(ctx, handleDismiss);
      case "comment":
        return withReview(ctx, handleComment);
      case "edit-comment":
        return withReview(ctx, handleEditComment);
      case "promote":
        return withReview(ctx, handlePromote);
      case "withdraw":
        return withReview(ctx, handleWithdraw);
      default:
        return refused(ctx, formFailure(formData, {}, "Unknown action."));
    }
  } catch (error) {
    if (error instanceof ConflictError && error.details.length) {
      return data(
        { ...formFailure(formData, {}, error.message), intent: ctx.intent, blockers: error.details },
        { status: 409 },
      );
    }
    if (error instanceof ValidationError) {
      // keep the intent, so the page shows the messages next to the fields of the form that was sent
      return refused(ctx, formFailure(formData, error.fields, error.message));
    }
    if (error instanceof ConflictError) return refused(ctx, formFailure(formData, {}, error.message), 409);
    return actionError(error, formData);
  }
}

// ---------- the page ----------

export default function GateReview() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const failed = actionData && !actionData.ok ? actionData : null;
  const failedIntent = failed && "intent" in failed ? failed.intent : null;
  const failure = (intent: string) => (failed && failedIntent === intent ? failed : null);
  const base = `/projects/${d.slug}/gate`;
  if (!d.review) {
    const openFailure = failure("open");
    return (
      <>
        <h2>Gate review</h2>
        <FormError message={failed?.formError} />
        {d.target ? (
          <EmptyState
            title={`No gate review is open. Next gate: ${stageShortLabel[d.stage]} → ${stageShortLabel[d.target]}.`}
          >
            {d.mayOpen ? (
              <Form method="post" noValidate className="open-review-form">
                <p>Opening a review asks business, data science and IT to sign off, and checks the gate criteria.</p>
                <TextareaField
                  label="Why now?"
                  name="statement"
                  required
                  rows={3}
                  maxLength={1000}
                  defaultValue={openFailure?.values.statement ?? ""}
                  error={openFailure?.fieldErrors.statement}
                  hint="A sentence or two for the people who sign: what is ready, and why this gate is due."
                />
                <button type="submit" name="intent" value="open" className="btn btn-primary">
                  Open gate review to {stageShortLabel[d.target]}
                </button>
              </Form>
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
  const attestFailure = failure("attest");
  const attestKey = attestFailure ? attestFailure.values.key : searchParams.get("attest");
  const dismissFailure = failure("dismiss");
  const dismissing = dismissFailure ? dismissFailure.values.signOffId : searchParams.get("dismiss");
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
          <Form method="post" noValidate className="confirm-box">
            <input type="hidden" name="reviewId" value={r.id} />
            <input type="hidden" name="signOffId" value={s.id} />
            <p className="small">
              Dismissing lifts {s.userName}'s request for changes so it no longer blocks promotion. It stays on the
              review with your reason; only {s.userName} can renew it.
            </p>
            <TextareaField
              label="Why are these changes not needed?"
              name="reason"
              required
              rows={3}
              defaultValue={dismissFailure?.values.reason ?? ""}
              error={dismissFailure?.fieldErrors.reason}
            />
            <div className="form-actions">
              <button type="submit" name="intent" value="dismiss" className="btn btn-danger">
                Dismiss this request for changes
              </button>
              <Link to={base}>Cancel</Link>
            </div>
          </Form>
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
          Opened by {r.openedByName} on {formatDateTime(r.openedAt)}.
        </p>
      </section>
      <FormError message={failed?.formError} />
      {r.canPromote ? (
        <div className="promote-ready" role="status">
          <p>Everything is in place: every discipline has its approvals and every criterion is met.</p>
          {d.mayPromote ? (
            <Form method="post">
              <input type="hidden" name="reviewId" value={r.id} />
              <button type="submit" name="intent" value="promote" className="btn btn-primary">
                Promote to {stageShortLabel[r.targetStage]}
              </button>
            </Form>
          ) : null}
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
                values={failure("sign")?.values ?? {}}
                errors={failure("sign")?.fieldErrors ?? {}}
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
                failure: failure("comment") ?? failure("edit-comment"),
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
            return (
              <Form method="post" className="inline-form">
                <input type="hidden" name="reviewId" value={r.id} />
                <input type="hidden" name="key" value={c.key} />
                <button type="submit" name="intent" value="clear-attestation" className="btn btn-link small">
                  Clear attestation<span className="sr-only">: {c.label}</span>
                </button>
              </Form>
            );
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
            <Form method="post" noValidate className="attest-form">
              <input type="hidden" name="reviewId" value={r.id} />
              <input type="hidden" name="key" value={c.key} />
              <Field
                label={`Note for “${c.label}”`}
                name="note"
                required
                defaultValue={attestFailure?.values.note ?? ""}
                error={attestFailure?.fieldErrors.note}
                hint="What you checked, and where the evidence is."
              />
              <Field
                label="Link to evidence"
                name="evidenceUrl"
                type="url"
                inputMode="url"
                defaultValue={attestFailure?.values.evidenceUrl ?? ""}
                error={attestFailure?.fieldErrors.evidenceUrl}
                hint="Optional. http:// or https://"
              />
              <div className="form-actions">
                <button type="submit" name="intent" value="attest" className="btn btn-primary">
                  Attest
                </button>
                <Link to={base}>Cancel</Link>
              </div>
            </Form>
          );
        }}
      />
      {d.mayWithdraw ? (
        searchParams.get("confirm") === "withdraw" ? (
          <Form method="post" className="confirm-box">
            <input type="hidden" name="reviewId" value={r.id} />
            <Field label="Why withdraw it? (optional)" name="note" />
            <div className="form-actions">
              <button type="submit" name="intent" value="withdraw" className="btn btn-danger">
                Yes, withdraw this review
              </button>
              <Link to={base}>Cancel</Link>
            </div>
          </Form>
        ) : (
          <p>
            <Link to="?confirm=withdraw">Withdraw this review…</Link>
          </p>
        )
      ) : null}
    </>
  );
}
