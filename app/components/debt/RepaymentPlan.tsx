/**
 * The repayment plan of one item: strategy, target date, "repay before" stage, and the ordered
 * steps with owner, due date and done flag. Members see the forms; everyone sees the plan.
 */
import { Form } from "@remix-run/react";
import { Field, SelectField, TextareaField, type Option } from "~/components/ui/Field";
import { stageLabel } from "~/domain/labels";
import { formatDay } from "./format";

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

type FormState = {
  intent: string | null;
  stepId: string | null;
  values: Record<string, string>;
  errors: Record<string, string>;
};

function StepForm({
  version,
  members,
  step,
  state,
}: {
  version: number;
  members: Option[];
  step?: PlanStep;
  state: FormState;
}) {
  const intent = step ? "edit-step" : "add-step";
  const mine = state.intent === intent && (!step || state.stepId === String(step.id));
  const errors = mine ? state.errors : {};
  const value = (name: string, stored: string) => (mine ? (state.values[name] ?? stored) : stored);
  return (
    <Form
      method="post"
      noValidate
      className="debt-step-form"
      aria-label={step ? `Edit step ${step.title}` : "Add step"}
    >
      <input type="hidden" name="version" value={version} />
      {step ? <input type="hidden" name="stepId" value={step.id} /> : null}
      <Field
        label="Title"
        name="title"
        required
        defaultValue={value("title", step?.title ?? "")}
        error={errors.title}
      />
      <div className="grid-2">
        <SelectField
          label="Owner"
          name="ownerId"
          options={members}
          placeholder="No owner yet"
          defaultValue={value("ownerId", step?.ownerId ? String(step.ownerId) : "")}
          error={errors.ownerId}
        />
        <Field
          label="Due date"
          name="dueDate"
          type="date"
          defaultValue={value("dueDate", step?.dueDate ?? "")}
          error={errors.dueDate}
        />
      </div>
      <button type="submit" name="intent" value={intent} className="btn btn-secondary">
        {step ? "Save step" : "Add step"}
      </button>
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
  state,
}: {
  plan: { strategy: string | null; targetDate: string | null; repayBeforeStage: "poc" | "pilot" | "production" | null };
  steps: PlanStep[];
  version: number;
  members: Option[];
  canWrite: boolean;
  /** False once the item is repaid or accepted: reopen it to change the plan. */
  editable: boolean;
  repayStages: ("pilot" | "production")[];
  state: FormState;
}) {
  const planErrors = state.intent === "plan" ? state.errors : {};
  const planValue = (name: string, stored: string) =>
    state.intent === "plan" ? (state.values[name] ?? stored) : stored;
  const writable = canWrite && editable;
  return (
    <section className="card" aria-labelledby="plan-title">
      <h2 id="plan-title">Repayment plan</h2>
      {writable ? (
        <Form method="post" noValidate aria-label="Repayment plan">
          <input type="hidden" name="version" value={version} />
          <TextareaField
            label="Strategy"
            name="strategy"
            defaultValue={planValue("strategy", plan.strategy ?? "")}
            error={planErrors.strategy}
            hint="How the debt will be paid back."
          />
          <div className="grid-2">
            <Field
              label="Target date"
              name="targetDate"
              type="date"
              defaultValue={planValue("targetDate", plan.targetDate ?? "")}
              error={planErrors.targetDate}
            />
            <SelectField
              label="Repay before stage"
              name="repayBeforeStage"
              placeholder="No stage"
              options={repayStages.map((s) => ({ value: s, label: stageLabel[s] }))}
              defaultValue={planValue("repayBeforeStage", plan.repayBeforeStage ?? "")}
              error={planErrors.repayBeforeStage}
            />
          </div>
          <button type="submit" name="intent" value="plan" className="btn btn-primary">
            Save plan
          </button>
        </Form>
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
                  {step.doneAt
                    ? ` · done ${formatDay(step.doneAt)}${step.doneByName ? ` by ${step.doneByName}` : ""}`
                    : ""}
                </span>
              </div>
              {writable ? (
                <div className="debt-step-actions">
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="version" value={version} />
                    <input type="hidden" name="stepId" value={step.id} />
                    <button
                      type="submit"
                      name="intent"
                      value={step.doneAt ? "step-undone" : "step-done"}
                      className="btn btn-secondary"
                      aria-label={`${step.doneAt ? "Mark not done" : "Mark done"}: ${step.title}`}
                    >
                      {step.doneAt ? "Mark not done" : "Mark done"}
                    </button>
                    {index > 0 ? (
                      <button
                        type="submit"
                        name="intent"
                        value="step-up"
                        className="btn btn-link"
                        aria-label={`Move up: ${step.title}`}
                      >
                        Move up
                      </button>
                    ) : null}
                    {index < steps.length - 1 ? (
                      <button
                        type="submit"
                        name="intent"
                        value="step-down"
                        className="btn btn-link"
                        aria-label={`Move down: ${step.title}`}
                      >
                        Move down
                      </button>
                    ) : null}
                    <button
                      type="submit"
                      name="intent"
                      value="step-remove"
                      className="btn btn-link"
                      aria-label={`Remove: ${step.title}`}
                    >
                      Remove
                    </button>
                  </Form>
                  <details
                    className="debt-step-edit"
                    open={state.intent === "edit-step" && state.stepId === String(step.id)}
                  >
                    <summary>
                      Edit step<span className="sr-only">: {step.title}</span>
                    </summary>
                    <StepForm version={version} members={members} step={step} state={state} />
                  </details>
                </div>
              ) : null}
            </li>
          ))}
        </ol>
      )}
      {writable ? (
        <div className="debt-add-step">
          <h3>Add step</h3>
          <StepForm version={version} members={members} state={state} />
        </div>
      ) : canWrite ? (
        <p className="muted">This item is settled; reopen it to change its plan.</p>
      ) : null}
    </section>
  );
}
