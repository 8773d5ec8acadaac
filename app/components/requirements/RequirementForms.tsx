import { getFormProps, type FormMetadata } from "@conform-to/react";
import { Form, Link } from "@remix-run/react";
import { useId, type ComponentProps, type ReactNode } from "react";
import { Badge } from "~/components/ui/Badge";
import { Field, SelectField, TextareaField, optionsOf } from "~/components/ui/Field";
import { formMessage, SubmitButton } from "~/components/ui/Form";
import { FormError } from "~/components/ui/FormError";
import type { Feasibility, VerdictDiscipline } from "~/domain/feasibility";
import { disciplineLabel, feasibilityLabel, priorityLabel } from "~/domain/labels";
import { DateTime } from "~/components/ui/DateTime";
import { feasibilityTone } from "./verdicts";

type FieldMeta = NonNullable<ComponentProps<typeof Field>["meta"]>;

/**
 * Stating a requirement (`intent` "create") or editing one ("update"): the page owns the Conform
 * form, whose schema is the one its action parses with, and hands its metadata here.
 */
export function RequirementForm({
  intent,
  form,
  fields,
  version,
  requirementId,
  submitLabel,
  cancelTo,
}: {
  intent: "create" | "update";
  form: FormMetadata;
  fields: Record<"title" | "target" | "priority" | "description", FieldMeta>;
  version?: number;
  requirementId?: number;
  submitLabel: string;
  cancelTo?: string;
}) {
  return (
    <Form method="post" className="form-card" {...getFormProps(form)}>
      <FormError id={form.errorId} message={formMessage(form, ["requirementId", "version"])} />
      {requirementId ? <input type="hidden" name="requirementId" value={requirementId} /> : null}
      {version ? <input type="hidden" name="version" value={version} /> : null}
      <Field label="Title" meta={fields.title} required />
      <Field
        label="Measurable target"
        meta={fields.target}
        required
        hint="How you will know it works, e.g. “warn at least 48 h before a failure, precision ≥ 0.8”."
      />
      <SelectField label="Priority" meta={fields.priority} options={optionsOf(priorityLabel)} />
      <TextareaField label="Description" meta={fields.description} />
      {intent === "update" ? (
        <p className="field-hint">
          Changing the title, target or priority of an assessed requirement resets both verdicts (data science and IT
          operations): they assessed what it said before.
        </p>
      ) : null}
      <div className="form-actions">
        <SubmitButton intent={intent} pendingLabel={intent === "create" ? "Adding…" : "Saving…"}>
          {submitLabel}
        </SubmitButton>
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
            {assessedAt ? (
              <>
                , <DateTime at={assessedAt} />
              </>
            ) : (
              ""
            )}
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
  form,
  fields,
  requirementId,
  title,
  discipline,
  version,
  changing,
  cancelTo,
}: {
  form: FormMetadata;
  fields: Record<"feasibility" | "conditions" | "note", FieldMeta>;
  requirementId: number;
  title: string;
  discipline: VerdictDiscipline;
  version: number;
  changing: boolean;
  cancelTo: string;
}) {
  const id = useId();
  const feasibilityError = fields.feasibility.errors?.[0];
  return (
    <Form
      method="post"
      className="form-card"
      aria-label={`Your ${disciplineLabel[discipline]} verdict on ${title}`}
      {...getFormProps(form)}
    >
      <input type="hidden" name="requirementId" value={requirementId} />
      <input type="hidden" name="discipline" value={discipline} />
      <input type="hidden" name="version" value={version} />
      <FormError id={form.errorId} message={formMessage(form, ["requirementId", "discipline", "version"])} />
      <fieldset aria-describedby={feasibilityError ? `${id}-feasibility-error` : undefined}>
        <legend>
          {changing ? "Change" : "Give"} the {disciplineLabel[discipline]} verdict
        </legend>
        <div className="radio-col">
          {VERDICT_CHOICES.map((f) => (
            <label key={f}>
              <input
                type="radio"
                name={fields.feasibility.name}
                value={f}
                defaultChecked={fields.feasibility.initialValue === f}
              />{" "}
              {feasibilityLabel[f]}
            </label>
          ))}
        </div>
        {feasibilityError ? (
          <p className="field-error" id={`${id}-feasibility-error`}>
            {feasibilityError}
          </p>
        ) : null}
      </fieldset>
      <TextareaField
        label="Conditions or reason"
        meta={fields.conditions}
        hint="Required for “feasible with conditions” (the conditions) and “infeasible” (why)."
      />
      <TextareaField
        label="Note"
        meta={fields.note}
        hint="Data granularity, compute, target environment, tools… A note alone never makes sign-offs stale."
      />
      <div className="form-actions">
        <SubmitButton intent="assess" pendingLabel="Saving…">
          Save your verdict
        </SubmitButton>
        <Link to={cancelTo}>Cancel</Link>
      </div>
    </Form>
  );
}
