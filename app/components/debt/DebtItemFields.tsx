/**
 * The fields of a debt item, shared by "Log debt item" and "Edit details". Each takes its
 * Conform field (app/components/ui/Form.tsx): its name, its error, and the value to show, the
 * stored (or initial) one or, after a refusal, the one that was sent.
 */
import { DEBT_DETAIL_FIELDS } from "~/domain/debt";
import type { FieldMetadata } from "@conform-to/react";
import { Field, SelectField, TextareaField, optionsOf, type Option } from "~/components/ui/Field";
import { severityLabel, stageLabel } from "~/domain/labels";

export type DebtFieldDefaults = {
  title?: string;
  description?: string;
  category?: string;
  benefit?: string;
  stageIncurred?: string;
  severity?: string;
  principalDays?: number | string;
  interestDays?: number | string;
  ownerId?: number | string | null;
};

type DebtFieldName = keyof DebtFieldDefaults;
const DEBT_FIELD_NAMES: readonly DebtFieldName[] = DEBT_DETAIL_FIELDS;

/** The stored (or initial) values as the form shows them: strings, "" for none; severity medium by default. */
export function debtFieldValues(defaults: DebtFieldDefaults): Record<DebtFieldName, string> {
  const values = Object.fromEntries(
    DEBT_FIELD_NAMES.map((name) => [name, defaults[name] == null ? "" : String(defaults[name])]),
  ) as Record<DebtFieldName, string>;
  return { ...values, severity: values.severity || "medium" };
}

type Meta = FieldMetadata<unknown, Record<string, unknown>, string[]>;

export function DebtItemFields({
  categories,
  members,
  stages,
  fields,
}: {
  categories: Option[];
  members: Option[];
  /** The stages an item can have been incurred in (up to the current one). */
  stages: string[];
  fields: Record<DebtFieldName, Meta>;
}) {
  const stageOptions = optionsOf(stageLabel).filter((o) => stages.includes(o.value));
  return (
    <>
      <Field label="Title" meta={fields.title} required maxLength={200} />
      <TextareaField label="Description" meta={fields.description} hint="What was done the quick way, and where." />
      <div className="grid-2">
        <SelectField label="Category" meta={fields.category} options={categories} placeholder="Choose a category" />
        <SelectField label="Severity" meta={fields.severity} options={optionsOf(severityLabel)} />
      </div>
      <TextareaField
        label="Why it was taken on"
        meta={fields.benefit}
        hint="The short-term benefit, e.g. “show results to the business tomorrow”."
      />
      <div className="grid-2">
        <SelectField label="Stage incurred" meta={fields.stageIncurred} options={stageOptions} />
        <SelectField
          label="Owner"
          meta={fields.ownerId}
          options={members}
          placeholder="No owner yet"
          hint="A member of this project."
        />
      </div>
      <div className="grid-2">
        <Field
          label="Principal (person-days)"
          meta={fields.principalDays}
          inputMode="decimal"
          className="debt-number-field"
          hint="Effort to repay it."
        />
        <Field
          label="Interest (person-days per month)"
          meta={fields.interestDays}
          inputMode="decimal"
          className="debt-number-field"
          hint="What it costs each month it stays."
        />
      </div>
    </>
  );
}
