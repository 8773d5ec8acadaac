/**
 * The repayment plan of one item: strategy, target date, "repay before" stage, and the ordered
 * steps with owner, due date and done flag. Members see the forms; everyone sees the plan.
 * A step's forms (its row of buttons, "Edit step") send its `stepId`, so a refusal comes back
 * to that step's row only.
 */
import { getFormProps } from "@conform-to/react";
import { Form, useActionData } from "@remix-run/react";
import { Field, SelectField, TextareaField, type Option } from "~/components/ui/Field";
import { formMessage, SubmitButton, useIntentForm } from "~/components/ui/Form";
import { FormError } from "~/components/ui/FormError";
import { stageLabel } from "~/domain/labels";
import { debtPlanSchema, editStepSchema, repaymentStepSchema, stepActionSchema } from "~/utils/debt-validation";
import { DateTime } from "~/components/ui/DateTime";
import { resultForStep, STEP_ROW_INTENTS, useSentBy } from "./results";

export type PlanStep = {
  id: number;
  title: string;
  ownerId: number | null;
  ownerName: string | null;
  dueDate: string | null;
  doneAt: number | null;
  doneByName: string | null;
  overdue: boolean;
};

type Plan = {
  strategy: string | null;
  targetDate: string | null;
  repayBeforeStage: "poc" | "pilot" | "production" | null;
};

/** The step's fields: title, owner, due date (shared by "Add step" and "Edit step"). */
function StepFields({
  fields,
  members,
}: {
  fields: ReturnType<typeof useIntentForm<typeof repaymentStepSchema>>[1];
  members: Option[];
}) {
  return (
    <>
      <Field label="Title" meta={fields.title} required />
      <div className="grid-2">
        <SelectField label="Owner" meta={fields.ownerId} options={members} placeholder="No owner yet" />
        <Field label="Due date" meta={fields.dueDate} type="date" />
      </div>
    </>
  );
}

function AddStepForm({ version, members }: { version: number; members: Option[] }) {
  const [form, fields] = useIntentForm({
    intent: "add-step",
    schema: repaymentStepSchema,
    defaultValue: { title: "", ownerId: "", dueDate: "" },
  });
  return (
    <Form method="post" className="debt-step-form" aria-label="Add step" {...getFormProps(form)}>
      <FormError id={form.errorId} message={formMessage(form, ["version"])} />
      <input type="hidden" name="version" value={version} />
      <StepFields fields={fields} members={members} />
      <SubmitButton intent="add-step" variant="secondary" pendingLabel="Adding…">
        Add step
      </SubmitButton>
    </Form>
  );
}

/** "Edit step" of one row, open when its last save was refused. */
function EditStepForm({ version, members, step }: { version: number; members: Option[]; step: PlanStep }) {
  const actionData = useActionData();
  const result = resultForStep(actionData, ["edit-step"], step.id);
  const [form, fields] = useIntentForm({
    intent: "edit-step",
    schema: editStepSchema,
    id: `edit-step-${step.id}`,
    lastResult: result,
    defaultValue: {
      title: step.title,
      ownerId: step.ownerId ? String(step.ownerId) : "",
      dueDate: step.dueDate ?? "",
    },
  });
  const sent = useSentBy("stepId", step.id);
  return (
    <details className="debt-step-edit" open={result != null}>
      <summary>
        Edit step<span className="sr-only">: {step.title}</span>
      </summary>
      <Form method="post" className="debt-step-form" aria-label={`Edit step ${step.title}`} {...getFormProps(form)}>
        <FormError id={form.errorId} message={formMessage(form, ["version", "stepId"])} />
        <input type="hidden" name="version" value={version} />
        <input type="hidden" name="stepId" value={step.id} />
        <StepFields fields={fields} members={members} />
        <SubmitButton intent="edit-step" variant="secondary" pendingLabel={sent ? "Saving…" : "Save step"}>
          Save step
        </SubmitButton>
      </Form>
    </details>
  );
}

/** A step's row of buttons: one form, an intent per button, the step's id and the item's version. */
function StepActions({
  version,
  step,
  first,
  last,
}: {
  version: number;
  step: PlanStep;
  first: boolean;
  last: boolean;
}) {
  const actionData = useActionData();
  const [form] = useIntentForm({
    intent: step.doneAt ? "step-undone" : "step-done",
    schema: stepActionSchema,
    id: `step-${step.id}`,
    lastResult: resultForStep(actionData, STEP_ROW_INTENTS, step.id),
  });
  const sent = useSentBy("stepId", step.id);
  const label = (idle: string, pending: string) => (sent ? pending : idle);
  const done = step.doneAt != null;
  return (
    <Form method="post" className="inline-form" {...getFormProps(form)}>
      <FormError id={form.errorId} message={formMessage(form, ["version", "stepId"])} />
      <input type="hidden" name="version" value={version} />
      <input type="hidden" name="stepId" value={step.id} />
      <SubmitButton
        intent={done ? "step-undone" : "step-done"}
        variant="secondary"
        aria-label={`${done ? "Mark not done" : "Mark done"}: ${step.title}`}
        pendingLabel={label(done ? "Mark not done" : "Mark done", "Saving…")}
      >
        {done ? "Mark not done" : "Mark done"}
      </SubmitButton>
      {first ? null : (
        <SubmitButton
          intent="step-up"
          variant="link"
          aria-label={`Move up: ${step.title}`}
          pendingLabel={label("Move up", "Moving…")}
        >
          Move up
        </SubmitButton>
      )}
      {last ? null : (
        <SubmitButton
          intent="step-down"
          variant="link"
          aria-label={`Move down: ${step.title}`}
          pendingLabel={label("Move down", "Moving…")}
        >
          Move down
        </SubmitButton>
      )}
      <SubmitButton
        intent="step-remove"
        variant="link"
        aria-label={`Remove: ${step.title}`}
        pendingLabel={label("Remove", "Removing…")}
      >
        Remove
      </SubmitButton>
    </Form>
  );
}

function PlanForm({
  plan,
  version,
  repayStages,
}: {
  plan: Plan;
  version: number;
  repayStages: ("pilot" | "production")[];
}) {
  const [form, fields] = useIntentForm({
    intent: "plan",
    schema: debtPlanSchema,
    defaultValue: {
      strategy: plan.strategy ?? "",
      targetDate: plan.targetDate ?? "",
      repayBeforeStage: plan.repayBeforeStage ?? "",
    },
  });
  return (
    <Form method="post" aria-label="Repayment plan" {...getFormProps(form)}>
      <FormError id={form.errorId} message={formMessage(form, ["version"])} />
      <input type="hidden" name="version" value={version} />
      <TextareaField label="Strategy" meta={fields.strategy} hint="How the debt will be paid back." />
      <div className="grid-2">
        <Field label="Target date" meta={fields.targetDate} type="date" />
        <SelectField
          label="Repay before stage"
          meta={fields.repayBeforeStage}
          placeholder="No stage"
          options={repayStages.map((s) => ({ value: s, label: stageLabel[s] }))}
        />
      </div>
      <SubmitButton intent="plan" pendingLabel="Saving…">
        Save plan
      </SubmitButton>
    </Form>
  );
}

export function RepaymentPlan({
  plan,
  steps,
  version,
  members,
  canWrite,
  editable,
  repayStages,
}: {
  plan: Plan;
  steps: PlanStep[];
  version: number;
  members: Option[];
  canWrite: boolean;
  /** False once the item is repaid or accepted: reopen it to change the plan. */
  editable: boolean;
  repayStages: ("pilot" | "production")[];
}) {
  const writable = canWrite && editable;
  return (
    <section className="card" aria-labelledby="plan-title">
      <h2 id="plan-title">Repayment plan</h2>
      {writable ? (
        <PlanForm plan={plan} version={version} repayStages={repayStages} />
      ) : (
        <dl className="dl">
          <dt>Strategy</dt>
          <dd>{plan.strategy || <span className="muted">None yet</span>}</dd>
          <dt>Target date</dt>
          <dd>{plan.targetDate ?? <span className="muted">None</span>}</dd>
          <dt>Repay before stage</dt>
          <dd>{plan.repayBeforeStage ? stageLabel[plan.repayBeforeStage] : <span className="muted">None</span>}</dd>
        </dl>
      )}
      <h3 className="debt-steps-title">Steps</h3>
      {steps.length === 0 ? (
        <p className="muted">No steps yet. Split the repayment into steps with an owner and a due date each.</p>
      ) : (
        <ol className="debt-steps">
          {steps.map((step, index) => (
            <li key={step.id} className={step.doneAt ? "debt-step debt-step-done" : "debt-step"}>
              <div className="debt-step-main">
                <span className="debt-step-state">
                  {step.doneAt ? <span aria-hidden="true">✓ </span> : <span aria-hidden="true">○ </span>}
                  <span className="sr-only">{step.doneAt ? "Done: " : "Not done: "}</span>
                </span>
                <span className="debt-step-title">{step.title}</span>
                <span className="debt-sub">
                  {step.ownerName ?? "No owner"} · {step.dueDate ? `due ${step.dueDate}` : "no due date"}
                  {step.overdue ? <span className="debt-overdue"> · ⚠ Overdue</span> : null}
                  {step.doneAt ? (
                    <>
                      {" "}
                      · done <DateTime at={step.doneAt} dateOnly />
                      {step.doneByName ? ` by ${step.doneByName}` : ""}
                    </>
                  ) : (
                    ""
                  )}
                </span>
              </div>
              {writable ? (
                <div className="debt-step-actions">
                  <StepActions version={version} step={step} first={index === 0} last={index === steps.length - 1} />
                  <EditStepForm version={version} members={members} step={step} />
                </div>
              ) : null}
            </li>
          ))}
        </ol>
      )}
      {writable ? (
        <div className="debt-add-step">
          <h3>Add step</h3>
          <AddStepForm version={version} members={members} />
        </div>
      ) : canWrite ? (
        <p className="muted">This item is settled; reopen it to change its plan.</p>
      ) : null}
    </section>
  );
}
