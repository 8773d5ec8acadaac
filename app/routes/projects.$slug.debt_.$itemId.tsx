/**
 * One debt item: what it is and costs, its repayment plan and steps, its status, and its
 * whole history. Members change it through several small forms (an `intent` each). Ticking
 * the last step never settles the item: the page comes back with `?propose=repaid` and asks
 * for the note that marking it repaid takes (docs/domain.md, "Debt item").
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { STAGES } from "~/domain/vocabulary";
import { DebtItemFields, debtFieldValues, type DebtFieldDefaults } from "~/components/debt/DebtItemFields";
import { DebtHistory } from "~/components/debt/DebtHistory";
import { DebtStatusPanel, RepaidProposal, statusFormsShown, type Confirming } from "~/components/debt/DebtStatusPanel";
import { OverdueFlag, SeverityBadge } from "~/components/debt/DebtBadges";
import { formatDays, formatRate } from "~/components/debt/format";
import { DateTime } from "~/components/ui/DateTime";
import { RepaymentPlan } from "~/components/debt/RepaymentPlan";
import { anyResult, sentValue } from "~/components/debt/results";
import type { Option } from "~/components/ui/Field";
import { formMessage, SubmitButton, useIntentForm } from "~/components/ui/Form";
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
  overdueReason,
  proposeRepaid,
} from "~/domain/debt";
import { orgToday } from "~/lib/org-time-zone.server";
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
  debtStatusFormSchema,
  editStepSchema,
  repaymentStepSchema,
  stepActionSchema,
} from "~/utils/debt-validation";
import { errorsOf, parseSubmission, readForm, resultFor } from "~/utils/forms";
import { invariantResponse, refuse, submissionError, unknownIntent } from "~/utils/http.server";
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
  const today = orgToday(Date.now());
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
      overdueReason: overdueReason({ ...item, steps: stepFacts }, today),
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

type Ctx = {
  request: Request;
  actor: ReturnType<typeof toActor>;
  itemId: number;
  /** The item as the action found it (its steps, to tell whether a tick was the last one). */
  found: NonNullable<ReturnType<typeof getDebtItem>>;
  here: string;
};

/** Back to the item with a success toast. */
const done = (ctx: Ctx, message: string) => redirectWithToast(ctx.request, ctx.here, { kind: "success", message });

/** "Edit details": the register is fixed once logged (the model checks the category against the stored one). */
async function saveDetails(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, debtDetailsSchema);
  if (submission.status !== "success") return refuse(submission);
  const { version, register: _register, ...details } = submission.value;
  try {
    updateDebtItem({ actor: ctx.actor, itemId: ctx.itemId, version, details });
  } catch (error) {
    return submissionError(error, submission);
  }
  return done(ctx, "The details were saved.");
}

async function savePlan(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, debtPlanSchema);
  if (submission.status !== "success") return refuse(submission);
  const { version, ...plan } = submission.value;
  try {
    updateDebtItem({ actor: ctx.actor, itemId: ctx.itemId, version, plan });
  } catch (error) {
    return submissionError(error, submission);
  }
  return done(ctx, "The repayment plan was saved.");
}

async function addStep(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, repaymentStepSchema);
  if (submission.status !== "success") return refuse(submission);
  const { version, ...step } = submission.value;
  try {
    addRepaymentStep({ actor: ctx.actor, itemId: ctx.itemId, version, step });
  } catch (error) {
    return submissionError(error, submission);
  }
  return done(ctx, `Step “${step.title}” was added.`);
}

async function editStep(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, editStepSchema);
  if (submission.status !== "success") return refuse(submission);
  const { version, stepId, ...step } = submission.value;
  try {
    updateRepaymentStep({ actor: ctx.actor, itemId: ctx.itemId, version, stepId, step });
  } catch (error) {
    return submissionError(error, submission);
  }
  return done(ctx, `Step “${step.title}” was saved.`);
}

/**
 * "Mark done" / "Mark not done". Ticking the last step settles nothing: the page comes back
 * asking for the note that marking the item repaid takes.
 */
async function tickStep(ctx: Ctx, formData: FormData, ticking: boolean) {
  const submission = parseSubmission(formData, stepActionSchema);
  if (submission.status !== "success") return refuse(submission);
  const { version, stepId } = submission.value;
  let after;
  try {
    after = setRepaymentStepDone({ actor: ctx.actor, itemId: ctx.itemId, version, stepId, done: ticking });
  } catch (error) {
    return submissionError(error, submission);
  }
  const stepsNow = ctx.found.steps.map((s) => ({ done: s.id === stepId ? ticking : s.doneAt != null }));
  if (ticking && proposeRepaid(after.status, stepsNow)) {
    return redirectWithToast(ctx.request, `${ctx.here}?propose=repaid`, {
      kind: "success",
      message: "Step marked done. That was the last one.",
    });
  }
  return done(ctx, ticking ? "Step marked done." : "Step marked not done.");
}

async function moveStep(ctx: Ctx, formData: FormData, direction: "up" | "down") {
  const submission = parseSubmission(formData, stepActionSchema);
  if (submission.status !== "success") return refuse(submission);
  const { version, stepId } = submission.value;
  try {
    moveRepaymentStep({ actor: ctx.actor, itemId: ctx.itemId, version, stepId, direction });
  } catch (error) {
    return submissionError(error, submission);
  }
  return done(ctx, "The steps were reordered.");
}

async function removeStep(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, stepActionSchema);
  if (submission.status !== "success") return refuse(submission);
  const { version, stepId } = submission.value;
  try {
    removeRepaymentStep({ actor: ctx.actor, itemId: ctx.itemId, version, stepId });
  } catch (error) {
    return submissionError(error, submission);
  }
  return done(ctx, "The step was removed.");
}

/** Every status form of the page (and the "all steps are done" proposal) sends intent `status`. */
async function changeStatus(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, debtStatusFormSchema);
  if (submission.status !== "success") return refuse(submission);
  const { version, ...change } = submission.value;
  let after;
  try {
    after = setDebtStatus({ actor: ctx.actor, itemId: ctx.itemId, version, change, today: orgToday(Date.now()) });
  } catch (error) {
    return submissionError(error, submission);
  }
  const messages: Record<typeof after.status, string> = {
    open: "The item was reopened.",
    repaying: "Repayment has started.",
    repaid: "The item is repaid. Its history stays here.",
    accepted: `The debt is accepted until ${after.acceptedReviewDate}.`,
    written_off: "The item is written off.",
  };
  return done(ctx, messages[change.to === "open" ? "open" : after.status]);
}

export async function action({ request, params }: ActionFunctionArgs) {
  // The permission and the item first: someone who may not write gets the same 403 whatever they post.
  const { user, project } = requireProjectWith(request, params, "debt:write");
  const itemId = itemIdOf(params);
  const found = getDebtItem(itemId);
  invariantResponse(found, "This project has no such debt item.");
  invariantResponse(found.projectId === project.id, "This project has no such debt item.");
  const formData = await readForm(request);
  const ctx: Ctx = { request, actor: toActor(user), itemId, found, here: `/projects/${project.slug}/debt/${itemId}` };
  const intent = formData.get("intent");
  switch (intent) {
    case "details":
      return saveDetails(ctx, formData);
    case "plan":
      return savePlan(ctx, formData);
    case "add-step":
      return addStep(ctx, formData);
    case "edit-step":
      return editStep(ctx, formData);
    case "step-done":
    case "step-undone":
      return tickStep(ctx, formData, intent === "step-done");
    case "step-up":
    case "step-down":
      return moveStep(ctx, formData, intent === "step-up" ? "up" : "down");
    case "step-remove":
      return removeStep(ctx, formData);
    case "status":
      return changeStatus(ctx, formData);
    default:
      throw unknownIntent(intent);
  }
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
  const actionData = useActionData();
  const [searchParams] = useSearchParams();
  const statusResult = resultFor(actionData, "status") ?? null;
  const statusTo = sentValue(statusResult, "to");
  // The "all steps are done" box holds its own repaid form; its errors show there.
  const proposalFailed = proposing && statusTo === "repaid";
  const asked = searchParams.get("confirm");
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
  const writable = canWrite && !settled;
  // A refusal whose form is no longer on the page (someone settled the item or removed the
  // step meanwhile) is said above everything rather than lost.
  const failed = anyResult(actionData);
  const failedIntent = sentValue(failed, "intent");
  const hasForm = (() => {
    switch (failedIntent) {
      case "details":
        return canWrite;
      case "plan":
      case "add-step":
        return writable;
      case "status":
        return proposalFailed || statusFormsShown(item.status, canWrite, confirming).some((to) => to === statusTo);
      default: // "edit-step" and a step's buttons: the step's row
        return writable && steps.some((s) => String(s.id) === sentValue(failed, "stepId"));
    }
  })();
  const failedErrors = errorsOf(failed);
  const orphan = failed && !hasForm ? (failedErrors.form ?? Object.values(failedErrors)[0]) : undefined;
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
            logged <DateTime at={item.createdAt} dateOnly /> by {item.createdByName}
          </>
        }
        actions={<Link to={`/projects/${project.slug}/debt?register=${item.register}`}>Back to the register</Link>}
      />
      <FormError message={orphan} />
      {proposing ? (
        <RepaidProposal item={item} result={proposalFailed ? statusResult : null} />
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
              <OverdueFlag reason={item.overdueReason} status={item.status} />
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
        result={proposalFailed ? null : statusResult}
      />
      <RepaymentPlan
        plan={item}
        steps={steps}
        version={item.version}
        members={members}
        canWrite={canWrite}
        editable={!settled}
        repayStages={[...repayStages]}
      />
      {canWrite ? (
        <EditDetails item={item} categories={categories} members={members} stages={stages} />
      ) : (
        <p className="muted">Only members of {project.name} change its debt.</p>
      )}
      <DebtHistory history={history} />
    </>
  );
}

/** "Edit details", folded away until opened, or until its last save was refused. */
function EditDetails({
  item,
  categories,
  members,
  stages,
}: {
  item: DebtFieldDefaults & { register: string; version: number };
  categories: Option[];
  members: Option[];
  stages: string[];
}) {
  const actionData = useActionData();
  const [form, fields] = useIntentForm({
    intent: "details",
    schema: debtDetailsSchema,
    defaultValue: { register: item.register, ...debtFieldValues(item) },
  });
  return (
    <details className="card debt-edit-details" open={resultFor(actionData, "details") != null}>
      <summary>Edit details</summary>
      <Form method="post" aria-label="Edit details" {...getFormProps(form)}>
        <FormError id={form.errorId} message={formMessage(form, ["version", "register"])} />
        <input type="hidden" name="version" value={item.version} />
        <input type="hidden" name="register" value={item.register} />
        <DebtItemFields categories={categories} members={members} stages={stages} fields={fields} />
        <SubmitButton intent="details" pendingLabel="Saving…">
          Save details
        </SubmitButton>
      </Form>
    </details>
  );
}
