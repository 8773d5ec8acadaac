import { Form, Link } from "@remix-run/react";
import { Field, SelectField, TextareaField, optionsOf } from "~/components/ui/Field";
import { feasibilityLabel, priorityLabel } from "~/domain/labels";

type Values = Record<string, string | undefined>;

export function RequirementForm({
  intent,
  values,
  errors,
  version,
  requirementId,
  submitLabel,
  cancelTo,
}: {
  intent: "create" | "update";
  values: Values;
  errors: Record<string, string>;
  version?: number;
  requirementId?: number;
  submitLabel: string;
  cancelTo?: string;
}) {
  return (
    <Form method="post" noValidate className="form-card">
      <input type="hidden" name="intent" value={intent} />
      {requirementId ? <input type="hidden" name="requirementId" value={requirementId} /> : null}
      {version ? <input type="hidden" name="version" value={version} /> : null}
      <Field label="Title" name="title" required defaultValue={values.title} error={errors.title} />
      <Field
        label="Measurable target"
        name="target"
        required
        defaultValue={values.target}
        error={errors.target}
        hint="How you will know it works, e.g. “warn at least 48 h before a failure, precision ≥ 0.8”."
      />
      <SelectField
        label="Priority"
        name="priority"
        options={optionsOf(priorityLabel)}
        defaultValue={values.priority ?? "must"}
        error={errors.priority}
      />
      <TextareaField label="Description" name="description" defaultValue={values.description} error={errors.description} />
      {intent === "update" ? (
        <p className="field-hint">
          Changing the title, target or priority of an assessed requirement resets its assessment.
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary">
          {submitLabel}
        </button>
        {cancelTo ? <Link to={cancelTo}>Cancel</Link> : null}
      </div>
    </Form>
  );
}

const assessOptions = optionsOf(feasibilityLabel).filter((o) => o.value !== "unassessed");

export function AssessmentForm({
  requirementId,
  version,
  values,
  errors,
  cancelTo,
}: {
  requirementId: number;
  version: number;
  values: Values;
  errors: Record<string, string>;
  cancelTo: string;
}) {
  return (
    <Form method="post" noValidate className="form-card">
      <input type="hidden" name="intent" value="assess" />
      <input type="hidden" name="requirementId" value={requirementId} />
      <input type="hidden" name="version" value={version} />
      <SelectField
        label="Feasibility"
        name="feasibility"
        options={assessOptions}
        defaultValue={values.feasibility ?? "feasible"}
        error={errors.feasibility}
      />
      <TextareaField
        label="Conditions or reason"
        name="conditions"
        defaultValue={values.conditions}
        error={errors.conditions}
        hint="Required for “feasible with conditions” (the conditions) and “infeasible” (why)."
      />
      <TextareaField label="Note" name="note" defaultValue={values.note} error={errors.note} hint="Data granularity, compute, target environment, tools…" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary">
          Save assessment
        </button>
        <Link to={cancelTo}>Cancel</Link>
      </div>
    </Form>
  );
}
