/**
 * One debt item: what it is and costs, its repayment plan and steps, its status, and its
 * whole history. Members change it through several small forms (an `intent` each). Ticking
 * the last step never settles the item: the page comes back with `?propose=repaid` and asks
 * for the note that marking it repaid takes (docs/domain.md, "Debt item").
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import type { z } from "zod";
import { STAGES } from "~/domain/vocabulary";
import { DebtItemFields } from "~/components/debt/DebtItemFields";
import { DebtHistory } from "~/components/debt/DebtHistory";
import { DebtStatusPanel, type Confirming } from "~/components/debt/DebtStatusPanel";
import { OverdueFlag, SeverityBadge } from "~/components/debt/DebtBadges";
import { formatDay, formatDays, formatRate } from "~/components/debt/format";
import { RepaymentPlan } from "~/components/debt/RepaymentPlan";
import { TextareaField } from "~/components/ui/Field";
import { FormError } from "~/components/ui/FormError";
import { PageHeader } from "~/components/ui/PageHeader";
import {
  accruedInterest,
  categoriesFor,
  categoryLabel,
  isDueBeforeNextStage,
  isOpenDebt,
  isOverdue,
  isSettledDebt,
  proposeRepaid,
} from "~/domain/debt";
import { utcDate } from "~/domain/dates";
import { hasRepaymentPlan } from "~/domain/gates";
import { disciplineLabel, registerLabel, stageLabel } from "~/domain/labels";
import { isBefore, nextStage, stageIndex } from "~/domain/stages";
import {
  addRepaymentStep,
  getDebtItem,
  moveRepaymentStep,
  removeRepaymentStep,
  setDebtStatus,
  setRepaymentStepDone,
  updateDebtItem,
  updateRepaymentStep,
} from "~/models/debt.server";
import { listTeam } from "~/models/team.server";
import { toActor } from "~/utils/auth.server";
import {
  debtDetailsSchema,
  debtPlanSchema,
  debtStatusChangeSchema,
  repaymentStepSchema,
  stepActionSchema,
} from "~/utils/debt-validation";
import { formFailure, parseForm, readForm } from "~/utils/forms";
import { actionError, invariantResponse } from "~/utils/http.server";
import { requireProject, requireProjectWith } from "~/utils/project.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.item.title ?? "Debt item"} · Debt · Triad` },
];

function itemIdOf(params: { itemId?: string }) {
  const id = Number(params.itemId);
  invariantResponse(Number.isInteger(id) && id > 0, "No such debt item.");
  return id;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project, may } = requireProject(request, params);
  const found = getDebtItem(itemIdOf(params));
  invariantResponse(found, "This project has no such debt item.");
  invariantResponse(found.projectId === project.id, "This project has no such debt item.");
  const { steps, history, ...item } = found;
  const today = utcDate(Date.now());
  const canWrite = may("debt:write");
  const stepFacts = steps.map((s) => ({ dueDate: s.dueDate, done: s.doneAt != null }));
  const next = nextStage(project.stage);
  const allStepsDone = proposeRepaid(item.status, stepFacts);
  return {
    project: { slug: project.slug, name: project.name, stage: project.stage },
    item: {
      ...item,
      categoryLabel: categoryLabel(item.register, item.category),
      accruedInterestDays: accruedInterest(item, today),
      overdue: isOverdue({ ...item, steps: stepFacts }, today),
      dueBeforeNextStage: isDueBeforeNextStage(item, project.stage),
      hasPlan: hasRepaymentPlan(item),
    },
    /** Every step is done while the item is open or repaying: "mark it repaid?" */
    allStepsDone,
    proposing: allStepsDone && canWrite && new URL(request.url).searchParams.get("propose") === "repaid",
    steps: steps.map((s) => ({
      ...s,
      overdue: s.doneAt == null && s.dueDate != null && s.dueDate < today && isOpenDebt(item.status),
    })),
    history,
    nextStageLabel: next ? stageLabel[next] : null,
    canWrite,
    members: canWrite
      ? listTeam(project.id)
          .filter((m) => m.active)
          .map((m) => ({ value: String(m.userId), label: m.name }))
      : [],
    categories: canWrite ? categoriesFor(item.register).map((c) => ({ value: c.value, label: c.label })) : [],
    stages: STAGES.slice(0, stageIndex(project.stage) + 1),
    repayStages: (["pilot", "production"] as const).filter((s) => isBefore(project.stage, s)),
  };
}

const STEP_INTENTS = ["step-done", "step-undone", "step-up", "step-down", "step-remove"] as const;

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, project } = requireProjectWith(request, params, "debt:write");
  const itemId = itemIdOf(params);
  const found = getDebtItem(itemId);
  invariantResponse(found, "This project has no such debt item.");
  invariantResponse(found.projectId === project.id, "This project has no such debt item.");
  const formData = await readForm(request);
  const intent = String(formData.get("intent") ?? "");
  const actor = toActor(user);
  const here = `/projects/${project.slug}/debt/${itemId}`;
  const done = (message: string) => redirectWithToast(request, here, { kind: "success", message });
  const parse = <S extends z.ZodType>(schema: S) => parseForm(schema, formData);
  try {
    if (intent === "details") {
      const parsed = parse(debtDetailsSchema);
      if (!parsed.ok) return data(parsed, { status: 400 });
      const { version, register: _register, ...details } = parsed.data;
      updateDebtItem({ actor, itemId, version, details });
      return done("The details were saved.");
    }
    if (intent === "plan") {
      const parsed = parse(debtPlanSchema);
      if (!parsed.ok) return data(parsed, { status: 400 });
      const { version, ...plan } = parsed.data;
      updateDebtItem({ actor, itemId, version, plan });
      return done("The repayment plan was saved.");
    }
    if (intent === "add-step" || intent === "edit-step") {
      const parsed = parse(repaymentStepSchema);
      if (!parsed.ok) return data(parsed, { status: 400 });
      const { version, ...step } = parsed.data;
      if (intent === "add-step") {
        addRepaymentStep({ actor, itemId, version, step });
        return done(`Step “${step.title}” was added.`);
      }
      const target = parse(stepActionSchema);
      invariantResponse(target.ok, "No such step.");
      updateRepaymentStep({ actor, itemId, version, stepId: target.data.stepId, step });
      return done(`Step “${step.title}” was saved.`);
    }
    if ((STEP_INTENTS as readonly string[]).includes(intent)) {
      const parsed = parse(stepActionSchema);
      invariantResponse(parsed.ok, "No such step.");
      const { version, stepId } = parsed.data;
      if (intent === "step-done" || intent === "step-undone") {
        const ticking = intent === "step-done";
        const after = setRepaymentStepDone({ actor, itemId, version, stepId, done: ticking });
        const stepsNow = found.steps.map((s) => ({ done: s.id === stepId ? ticking : s.doneAt != null }));
        if (ticking && proposeRepaid(after.status, stepsNow)) {
          // Nothing is settled by the last step: ask for the note "repaid" needs.
          return redirectWithToast(request, `${here}?propose=repaid`, {
            kind: "success",
            message: "Step marked done. That was the last one.",
          });
        }
        return done(ticking ? "Step marked done." : "Step marked not done.");
      }
      if (intent === "step-remove") {
        removeRepaymentStep({ actor, itemId, version, stepId });
        return done("The step was removed.");
      }
      moveRepaymentStep({ actor, itemId, version, stepId, direction: intent === "step-up" ? "up" : "down" });
      return done("The steps were reordered.");
    }
    if (intent === "status") {
      const parsed = parse(debtStatusChangeSchema);
      if (!parsed.ok) return data(parsed, { status: 400 });
      const { version, ...change } = parsed.data;
      const after = setDebtStatus({ actor, itemId, version, change, today: utcDate(Date.now()) });
      const messages: Record<typeof after.status, string> = {
        open: "The item was reopened.",
        repaying: "Repayment has started.",
        repaid: "The item is repaid. Its history stays here.",
        accepted: `The debt is accepted until ${after.acceptedReviewDate}.`,
        written_off: "The item is written off.",
      };
      return done(messages[change.to === "open" ? "open" : after.status]);
    }
  } catch (error) {
    return actionError(error, formData);
  }
  return data(formFailure(formData, {}, "Unknown action."), { status: 400 });
}

const CONFIRMS = ["repaid", "accept", "reopen"] as const;

export default function DebtItemPage() {
  const {
    project,
    item,
    steps,
    history,
    nextStageLabel,
    canWrite,
    members,
    categories,
    stages,
    repayStages,
    allStepsDone,
    proposing,
  } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const failed = actionData && !actionData.ok ? actionData : null;
  const intent = failed?.values.intent ?? null;
  const errors = failed?.fieldErrors ?? {};
  const values = failed?.values ?? {};
  const asked = searchParams.get("confirm");
  const statusTo = intent === "status" ? values.to : null;
  // The "all steps are done" box holds its own repaid form; its errors show there.
  const proposalFailed = proposing && statusTo === "repaid";
  const confirming: Confirming = proposalFailed
    ? null
    : statusTo === "repaid"
      ? "repaid"
      : statusTo === "accepted"
        ? "accept"
        : statusTo === "open"
          ? "reopen"
          : (CONFIRMS.find((c) => c === asked) ?? null);
  const settled = isSettledDebt(item.status);
  const condition = item.condition;
  const estimated = (days: number, text: string) =>
    condition && days === 0 ? <span className="muted">Not estimated</span> : text;
  return (
    <>
      <PageHeader
        title={item.title}
        description={
          <>
            {registerLabel[item.register]} debt · {item.categoryLabel} · <SeverityBadge severity={item.severity} /> ·
            logged {formatDay(item.createdAt)} by {item.createdByName}
          </>
        }
        actions={<Link to={`/projects/${project.slug}/debt?register=${item.register}`}>Back to the register</Link>}
      />
      <FormError message={failed?.formError} />
      {proposing ? (
        <RepaidProposal item={item} errors={proposalFailed ? errors : {}} values={proposalFailed ? values : {}} />
      ) : allStepsDone && canWrite ? (
        <p className="debt-callout" role="note">
          Every repayment step is done. <Link to="?propose=repaid">Mark the item repaid…</Link>
        </p>
      ) : null}
      {!item.hasPlan && !settled ? (
        <p className="debt-callout" role="note">
          This item has no repayment plan yet: a gate review needs a strategy and a target date or a “repay before”
          stage.
        </p>
      ) : null}
      <div className="grid-2 debt-item-grid">
        <section className="card" aria-labelledby="cost-title">
          <h2 id="cost-title">Cost</h2>
          <dl className="dl debt-numbers">
            <dt>Principal</dt>
            <dd className="num">{estimated(item.principalDays, formatDays(item.principalDays))}</dd>
            <dt>Interest</dt>
            <dd className="num">{estimated(item.interestDays, formatRate(item.interestDays))}</dd>
            <dt>Accrued interest</dt>
            <dd className="num">{formatDays(item.accruedInterestDays)}</dd>
            <dt>Overdue</dt>
            <dd>
              <OverdueFlag overdue={item.overdue} status={item.status} />
            </dd>
            {item.dueBeforeNextStage && nextStageLabel ? (
              <>
                <dt>Due</dt>
                <dd>before {nextStageLabel}</dd>
              </>
            ) : null}
          </dl>
        </section>
        <section className="card" aria-labelledby="about-title">
          <h2 id="about-title">About</h2>
          <dl className="dl">
            <dt>Owner</dt>
            <dd>{item.ownerName ?? <span className="muted">No owner yet</span>}</dd>
            <dt>Stage incurred</dt>
            <dd>{stageLabel[item.stageIncurred]}</dd>
            <dt>Why it was taken on</dt>
            <dd>{item.benefit || <span className="muted">Not stated</span>}</dd>
            <dt>Description</dt>
            <dd className="debt-prose">{item.description || <span className="muted">None</span>}</dd>
            {condition ? (
              <>
                <dt>Origin</dt>
                <dd>
                  A condition of {condition.signerName}’s approval for {disciplineLabel[condition.discipline]} (
                  <Link to={`/projects/${project.slug}/gate/${condition.reviewId}`}>the gate review</Link>)
                </dd>
              </>
            ) : item.signOffId ? (
              <>
                <dt>Origin</dt>
                <dd>A condition of a gate sign-off</dd>
              </>
            ) : null}
          </dl>
        </section>
      </div>
      <DebtStatusPanel
        item={item}
        canWrite={canWrite}
        confirming={confirming}
        errors={intent === "status" ? errors : {}}
        values={intent === "status" ? values : {}}
      />
      <RepaymentPlan
        plan={item}
        steps={steps}
        version={item.version}
        members={members}
        canWrite={canWrite}
        editable={!settled}
        repayStages={[...repayStages]}
        state={{ intent, stepId: values.stepId ?? null, values, errors }}
      />
      {canWrite ? (
        <details className="card debt-edit-details" open={intent === "details"}>
          <summary>Edit details</summary>
          <Form method="post" noValidate aria-label="Edit details">
            <input type="hidden" name="version" value={item.version} />
            <input type="hidden" name="register" value={item.register} />
            <DebtItemFields
              categories={categories}
              members={members}
              stages={stages}
              defaults={item}
              values={intent === "details" ? values : {}}
              errors={intent === "details" ? errors : {}}
            />
            <button type="submit" name="intent" value="details" className="btn btn-primary">
              Save details
            </button>
          </Form>
        </details>
      ) : (
        <p className="muted">Only members of {project.name} change its debt.</p>
      )}
      <DebtHistory history={history} />
    </>
  );
}

/**
 * The last step was ticked: the item is not repaid until someone says how. The same status
 * change as "Mark repaid…" (intent `status`, to `repaid`, a note), shown first on the page.
 */
function RepaidProposal({
  item,
  errors,
  values,
}: {
  item: { title: string; version: number };
  errors: Record<string, string>;
  values: Record<string, string>;
}) {
  return (
    <section className="card confirm-box debt-confirm" aria-labelledby="propose-title">
      <h2 id="propose-title">All steps are done. Mark the item repaid?</h2>
      <p>“{item.title}” stays open until you mark it repaid. Nothing else changes.</p>
      <Form method="post" noValidate aria-label="Mark repaid">
        <input type="hidden" name="version" value={item.version} />
        <input type="hidden" name="to" value="repaid" />
        <TextareaField
          label="How was it repaid?"
          name="note"
          required
          defaultValue={values.note ?? ""}
          error={errors.note}
        />
        <div className="form-actions">
          <button type="submit" name="intent" value="status" className="btn btn-primary">
            Yes, mark repaid
          </button>
          <Link to=".">Not yet</Link>
        </div>
      </Form>
    </section>
  );
}
