import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { CriteriaList, SignOffPanel } from "~/components/gates/GateParts";
import { SignOffForm } from "~/components/gates/SignOffForm";
import { Badge } from "~/components/ui/Badge";
import { EmptyState } from "~/components/ui/EmptyState";
import { Field } from "~/components/ui/Field";
import { FormError } from "~/components/ui/FormError";
import { ConflictError, ValidationError } from "~/domain/errors";
import { debtStatusLabel, registerLabel, stageShortLabel } from "~/domain/labels";
import { nextStage } from "~/domain/stages";
import { conditionItemsForReview } from "~/models/debt.server";
import { attest, getOpenReview, openReview, promote, reviewBelongsTo, signOff, withdrawReview } from "~/models/gates.server";
import { toActor } from "~/utils/auth.server";
import { formFailure, parseForm } from "~/utils/forms";
import { actionError, invariantResponse } from "~/utils/http.server";
import { requireProject } from "~/utils/project.server";
import { redirectWithToast } from "~/utils/toast.server";
import { attestSchema, signOffFormSchema } from "~/utils/validation";

export const meta: MetaFunction = () => [{ title: "Gate review · Triad" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project, context, may } = requireProject(request, params);
  const view = getOpenReview(project.id);
  const target = nextStage(project.stage);
  return {
    slug: project.slug,
    stage: project.stage,
    target,
    review: view
      ? {
          id: view.review.id,
          targetStage: view.review.targetStage,
          openedAt: view.review.openedAt,
          criteria: view.criteria.map((c) => ({ ...c, mayAttest: may("gate:attest", c.discipline) })),
          panels: view.panels,
          blockers: view.blockers,
          canPromote: view.canPromote,
          conditions: conditionItemsForReview(view.review.id),
        }
      : null,
    myDiscipline: context.memberDiscipline,
    mayOpen: may("gate:open"),
    maySign: context.memberDiscipline ? may("gate:sign", context.memberDiscipline) : false,
    mayPromote: may("gate:promote"),
    mayWithdraw: may("gate:withdraw"),
  };
}

const reviewIdSchema = z.object({ reviewId: z.coerce.number().int().positive() });

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  const { user, project } = requireProject(request, params);
  const actor = toActor(user);
  const back = `/projects/${project.slug}/gate`;
  const reviewId = reviewIdSchema.safeParse({ reviewId: formData.get("reviewId") });
  try {
    if (intent === "open") {
      const review = openReview({ actor, projectId: project.id });
      return redirectWithToast(request, back, {
        kind: "success",
        message: `Gate review to ${stageShortLabel[review.targetStage]} opened. Each discipline now signs off.`,
      });
    }
    if (!reviewId.success) return data(formFailure(formData, {}, "Choose a gate review."), { status: 400 });
    const id = reviewId.data.reviewId;
    invariantResponse(reviewBelongsTo(id, project.id), "This project has no gate review with that number.");
    if (intent === "sign") {
      const parsed = parseForm(signOffFormSchema, formData);
      if (!parsed.ok) return data({ ...parsed, intent }, { status: 400 });
      signOff({ actor, reviewId: id, ...parsed.data });
      return redirectWithToast(request, back, { kind: "success", message: "Your sign-off was recorded." });
    }
    if (intent === "attest" || intent === "clear-attestation") {
      const parsed = parseForm(attestSchema, formData);
      if (!parsed.ok) return data({ ...parsed, intent }, { status: 400 });
      attest({ actor, reviewId: id, key: parsed.data.key, note: parsed.data.note, clear: intent === "clear-attestation" });
      return redirectWithToast(request, back, {
        kind: "success",
        message: intent === "attest" ? "Attestation recorded. Sign-offs given before it are now stale." : "Attestation cleared.",
      });
    }
    if (intent === "promote") {
      const result = promote({ actor, reviewId: id });
      return redirectWithToast(request, `/projects/${project.slug}`, {
        kind: "success",
        message: `${project.name} is now in ${stageShortLabel[result.stage]}.`,
      });
    }
    if (intent === "withdraw") {
      withdrawReview({ actor, reviewId: id, note: String(formData.get("note") ?? "") });
      return redirectWithToast(request, back, { kind: "info", message: "The gate review was withdrawn. It stays in the history." });
    }
  } catch (error) {
    if (error instanceof ConflictError && error.details.length) {
      return data({ ...formFailure(formData, {}, error.message), blockers: error.details }, { status: 409 });
    }
    if (error instanceof ValidationError) {
      // keep the intent, so the page shows the messages next to the fields of the form that was sent
      return data({ ...formFailure(formData, error.fields, error.message), intent }, { status: 400 });
    }
    return actionError(error, formData);
  }
  return data(formFailure(formData, {}, "Unknown action."), { status: 400 });
}

export default function GateReview() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const failed = actionData && !actionData.ok ? actionData : null;
  const failedIntent = failed && "intent" in failed ? failed.intent : null;
  const base = `/projects/${d.slug}/gate`;
  if (!d.review) {
    return (
      <>
        <h2>Gate review</h2>
        <FormError message={failed?.formError} />
        {d.target ? (
          <EmptyState title={`No gate review is open. Next gate: ${stageShortLabel[d.stage]} → ${stageShortLabel[d.target]}.`}>
            {d.mayOpen ? (
              <Form method="post">
                <p>Opening a review asks business, data science and IT to sign off, and checks the gate criteria.</p>
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
  const attestKey = failedIntent === "attest" ? failed?.values.key : searchParams.get("attest");
  return (
    <>
      <div className="page-header">
        <div>
          <h2>
            Gate review: {stageShortLabel[d.stage]} → {stageShortLabel[r.targetStage]}
          </h2>
          <p className="page-description">
            All three disciplines must approve the current content, and every criterion must hold.{" "}
            <Link to={`${base}/history`}>Past reviews</Link> · <Link to={`${base}/${r.id}/dossier`}>Dossier</Link>
          </p>
        </div>
      </div>
      <FormError message={failed?.formError} />
      {r.canPromote ? (
        <div className="promote-ready" role="status">
          <p>Everything is in place: three current approvals and every criterion met.</p>
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
          <SignOffPanel key={panel.discipline} discipline={panel.discipline} status={panel.status} signOff={panel.signOff} earlier={panel.earlier}>
            {d.maySign && d.myDiscipline === panel.discipline ? (
              <SignOffForm
                reviewId={r.id}
                discipline={panel.discipline}
                renewing={Boolean(panel.signOff)}
                values={failedIntent === "sign" ? failed?.values ?? {} : {}}
                errors={failedIntent === "sign" ? failed?.fieldErrors ?? {} : {}}
              />
            ) : null}
          </SignOffPanel>
        ))}
      </div>
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
          if (!criterion || criterion.kind !== "attestation" || !criterion.mayAttest) return null;
          if (criterion.met) {
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
                defaultValue={failedIntent === "attest" ? failed?.values.note : ""}
                error={failedIntent === "attest" ? failed?.fieldErrors.note : undefined}
                hint="What you checked, and where the evidence is."
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
