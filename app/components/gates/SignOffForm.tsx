import { Form } from "@remix-run/react";
import { useId } from "react";
import type { Discipline } from "~/domain/vocabulary";
import { Field, SelectField, TextareaField, optionsOf } from "~/components/ui/Field";
import { type decisionLabel, registerLabel } from "~/domain/labels";

const DECISION_TEXT = {
  approve: "Approve",
  approve_with_conditions: "Approve with conditions",
  changes_requested: "Request changes",
} as const satisfies Record<keyof typeof decisionLabel, string>;

const CONDITION_FIELDS = [
  "conditions",
  "conditionRegister",
  "conditionTargetDate",
  "conditionPrincipalDays",
  "conditionInterestDays",
];

/** A member's sign-off in their own discipline's panel. */
export function SignOffForm({
  reviewId,
  discipline,
  renewing,
  values,
  errors,
}: {
  reviewId: number;
  discipline: Discipline;
  renewing: boolean;
  values: Record<string, string>;
  errors: Record<string, string>;
}) {
  const id = useId();
  const decision = values.decision ?? "approve";
  // The condition fields stay folded away unless they are wanted or one of them was refused.
  const conditionsOpen =
    decision === "approve_with_conditions" ||
    Boolean(values.conditions) ||
    CONDITION_FIELDS.some((field) => errors[field]);
  return (
    <Form method="post" noValidate className="signoff-form">
      <input type="hidden" name="reviewId" value={reviewId} />
      <input type="hidden" name="discipline" value={discipline} />
      <fieldset aria-describedby={errors.decision ? `${id}-decision-error` : undefined}>
        <legend>{renewing ? "Change or renew your sign-off" : "Your sign-off"}</legend>
        <div className="radio-col">
          {(Object.keys(DECISION_TEXT) as Array<keyof typeof DECISION_TEXT>).map((d) => (
            <label key={d}>
              <input type="radio" name="decision" value={d} defaultChecked={decision === d} /> {DECISION_TEXT[d]}
            </label>
          ))}
        </div>
        {errors.decision ? (
          <p className="field-error" id={`${id}-decision-error`}>
            {errors.decision}
          </p>
        ) : null}
      </fieldset>
      <TextareaField
        label="Comment"
        name="comment"
        defaultValue={values.comment}
        error={errors.comment}
        hint="Required when requesting changes."
      />
      <details className="signoff-conditions" open={conditionsOpen}>
        <summary>Conditions (with “Approve with conditions”)</summary>
        <TextareaField
          label="Conditions (one per line)"
          name="conditions"
          defaultValue={values.conditions}
          error={errors.conditions}
          hint="Each line (3 to 200 characters, at most 20 lines) becomes a debt item you own, due before the next stage."
        />
        <SelectField
          label="Register for the conditions"
          name="conditionRegister"
          options={optionsOf(registerLabel)}
          defaultValue={values.conditionRegister ?? "technical"}
          error={errors.conditionRegister}
        />
        <Field
          label="Conditions' target date (optional)"
          name="conditionTargetDate"
          type="date"
          defaultValue={values.conditionTargetDate}
          error={errors.conditionTargetDate}
        />
        <Field
          label="Effort to meet each condition (person-days)"
          name="conditionPrincipalDays"
          type="number"
          min={0}
          max={10000}
          step="any"
          inputMode="decimal"
          defaultValue={values.conditionPrincipalDays}
          error={errors.conditionPrincipalDays}
          hint="Optional: your estimate, recorded on each condition's debt item."
        />
        <Field
          label="Cost per month while unmet (person-days)"
          name="conditionInterestDays"
          type="number"
          min={0}
          max={10000}
          step="any"
          inputMode="decimal"
          defaultValue={values.conditionInterestDays}
          error={errors.conditionInterestDays}
          hint="Optional: what leaving each condition unmet costs, per month."
        />
      </details>
      <button type="submit" name="intent" value="sign" className="btn btn-primary">
        {renewing ? "Sign again" : "Sign off"}
      </button>
    </Form>
  );
}
