import { getFormProps } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { useId } from "react";
import type { Discipline } from "~/domain/vocabulary";
import { Field, SelectField, TextareaField, optionsOf } from "~/components/ui/Field";
import { SubmitButton, useIntentForm } from "~/components/ui/Form";
import { type decisionLabel, registerLabel } from "~/domain/labels";
import { signOffFormSchema } from "~/utils/validation";

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
] as const;

/**
 * A member's sign-off in their own discipline's panel: one per page, so it takes the action's
 * "sign" result itself (app/components/ui/Form.tsx).
 */
export function SignOffForm({
  reviewId,
  discipline,
  renewing,
}: {
  reviewId: number;
  discipline: Discipline;
  renewing: boolean;
}) {
  const id = useId();
  const [form, fields] = useIntentForm({
    intent: "sign",
    schema: signOffFormSchema,
    defaultValue: { decision: "approve", conditionRegister: "technical" },
  });
  const decision = fields.decision.initialValue;
  const decisionError = fields.decision.errors?.[0];
  // The condition fields stay folded away unless they are wanted or one of them was refused.
  const conditionsOpen =
    decision === "approve_with_conditions" ||
    Boolean(fields.conditions.initialValue) ||
    CONDITION_FIELDS.some((field) => fields[field].errors?.length);
  return (
    <Form method="post" className="signoff-form" {...getFormProps(form)}>
      <input type="hidden" name="reviewId" value={reviewId} />
      <input type="hidden" name="discipline" value={discipline} />
      <fieldset aria-describedby={decisionError ? `${id}-decision-error` : undefined}>
        <legend>{renewing ? "Change or renew your sign-off" : "Your sign-off"}</legend>
        <div className="radio-col">
          {(Object.keys(DECISION_TEXT) as Array<keyof typeof DECISION_TEXT>).map((d) => (
            <label key={d}>
              <input type="radio" name={fields.decision.name} value={d} defaultChecked={decision === d} />{" "}
              {DECISION_TEXT[d]}
            </label>
          ))}
        </div>
        {decisionError ? (
          <p className="field-error" id={`${id}-decision-error`}>
            {decisionError}
          </p>
        ) : null}
      </fieldset>
      <TextareaField label="Comment" meta={fields.comment} hint="Required when requesting changes." />
      <details className="signoff-conditions" open={conditionsOpen}>
        <summary>Conditions (with “Approve with conditions”)</summary>
        <TextareaField
          label="Conditions (one per line)"
          meta={fields.conditions}
          hint="Each line (3 to 200 characters, at most 20 lines) becomes a debt item you own, due before the next stage."
        />
        <SelectField
          label="Register for the conditions"
          meta={fields.conditionRegister}
          options={optionsOf(registerLabel)}
        />
        <Field label="Conditions' target date (optional)" meta={fields.conditionTargetDate} type="date" />
        <Field
          label="Effort to meet each condition (person-days)"
          meta={fields.conditionPrincipalDays}
          type="number"
          min={0}
          max={10000}
          step="any"
          inputMode="decimal"
          hint="Optional: your estimate, recorded on each condition's debt item."
        />
        <Field
          label="Cost per month while unmet (person-days)"
          meta={fields.conditionInterestDays}
          type="number"
          min={0}
          max={10000}
          step="any"
          inputMode="decimal"
          hint="Optional: what leaving each condition unmet costs, per month."
        />
      </details>
      <SubmitButton intent="sign" pendingLabel="Signing…">
        {renewing ? "Sign again" : "Sign off"}
      </SubmitButton>
    </Form>
  );
}
