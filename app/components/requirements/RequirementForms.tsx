import { Form, Link } from "@remix-run/react";
import { useId, type ReactNode } from "react";
import { Badge } from "~/components/ui/Badge";
import { Field, SelectField, TextareaField, optionsOf } from "~/components/ui/Field";
import { FormError } from "~/components/ui/FormError";
import type { Feasibility, VerdictDiscipline } from "~/domain/feasibility";
import { disciplineLabel, feasibilityLabel, priorityLabel } from "~/domain/labels";
import { formatDateTime } from "~/utils/format";
import { feasibilityTone } from "./verdicts";

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
      <TextareaField
        label="Description"
        name="description"
        defaultValue={values.description}
        error={errors.description}
      />
      {intent === "update" ? (
        <p className="field-hint">
          Changing the title, target or priority of an assessed requirement resets both verdicts (data science and IT
          operations): they assessed what it said before.
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

const VERDICT_CHOICES = ["feasible", "feasible_with_conditions", "infeasible"] as const;

/** One discipline's verdict on a requirement, as shown side by side with the other. */
export function VerdictPanel({
  discipline,
  feasibility,
  conditions,
  note,
  assessedByName,
  assessedAt,
  action,
}: {
  discipline: VerdictDiscipline;
  feasibility: Feasibility;
  conditions: string | null;
  note: string | null;
  assessedByName: string | null;
  assessedAt: number | null;
  /** "Give your verdict" / "Change your verdict", for a member of this discipline. */
  action?: ReactNode;
}) {
  return (
    <section className="verdict" aria-label={`${disciplineLabel[discipline]} verdict`}>
      <h4 className="row">
        {disciplineLabel[discipline]} <Badge tone={feasibilityTone[feasibility]}>{feasibilityLabel[feasibility]}</Badge>
      </h4>
      {feasibility === "unassessed" ? (
        <p className="small muted">No verdict given yet.</p>
      ) : (
        <>
          {conditions ? (
            <p className="small">
              <strong>{feasibility === "infeasible" ? "Reason" : "Conditions"}:</strong> {conditions}
            </p>
          ) : null}
          {note ? <p className="small">Note: {note}</p> : null}
          <p className="small muted">
            {assessedByName ?? "Someone"}
            {assessedAt ? `, ${formatDateTime(assessedAt)}` : ""}
          </p>
        </>
      )}
      {action ? <p className="small">{action}</p> : null}
    </section>
  );
}

/**
 * A member's verdict for their own discipline. `version` is that verdict's own version, so a
 * colleague's save in between is reported instead of overwritten.
 */
export function VerdictForm({
  requirementId,
  title,
  discipline,
  version,
  values,
  errors,
  formError,
  changing,
  cancelTo,
}: {
  requirementId: number;
  title: string;
  discipline: VerdictDiscipline;
  version: number;
  values: Values;
  errors: Record<string, string>;
  formError?: string | null;
  changing: boolean;
  cancelTo: string;
}) {
  const id = useId();
  const chosen = values.feasibility ?? "feasible";
  return (
    <Form
      method="post"
      noValidate
      className="form-card"
      aria-label={`Your ${disciplineLabel[discipline]} verdict on ${title}`}
    >
      <input type="hidden" name="intent" value="assess" />
      <input type="hidden" name="requirementId" value={requirementId} />
      <input type="hidden" name="discipline" value={discipline} />
      <input type="hidden" name="version" value={version} />
      <FormError message={formError} />
      <fieldset aria-describedby={errors.feasibility ? `${id}-feasibility-error` : undefined}>
        <legend>
          {changing ? "Change" : "Give"} the {disciplineLabel[discipline]} verdict
        </legend>
        <div className="radio-col">
          {VERDICT_CHOICES.map((f) => (
            <label key={f}>
              <input type="radio" name="feasibility" value={f} defaultChecked={chosen === f} /> {feasibilityLabel[f]}
            </label>
          ))}
        </div>
        {errors.feasibility ? (
          <p className="field-error" id={`${id}-feasibility-error`}>
            {errors.feasibility}
          </p>
        ) : null}
      </fieldset>
      <TextareaField
        label="Conditions or reason"
        name="conditions"
        defaultValue={values.conditions}
        error={errors.conditions}
        hint="Required for “feasible with conditions” (the conditions) and “infeasible” (why)."
      />
      <TextareaField
        label="Note"
        name="note"
        defaultValue={values.note}
        error={errors.note}
        hint="Data granularity, compute, target environment, tools… A note alone never makes sign-offs stale."
      />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary">
          Save your verdict
        </button>
        <Link to={cancelTo}>Cancel</Link>
      </div>
    </Form>
  );
}
