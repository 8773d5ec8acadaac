/**
 * The fields of a debt item, shared by "Log debt item" and "Edit details". `values` refills
 * the form after an error; `defaults` are the stored (or initial) values.
 */
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

export function DebtItemFields({
  categories,
  members,
  stages,
  defaults,
  values,
  errors,
}: {
  categories: Option[];
  members: Option[];
  /** The stages an item can have been incurred in (up to the current one). */
  stages: string[];
  defaults: DebtFieldDefaults;
  values: Record<string, string>;
  errors: Record<string, string>;
}) {
  const value = (name: keyof DebtFieldDefaults) =>
    values[name] ?? (defaults[name] == null ? "" : String(defaults[name]));
  const stageOptions = optionsOf(stageLabel).filter((o) => stages.includes(o.value));
  return (
    <>
      <Field label="Title" name="title" required maxLength={200} defaultValue={value("title")} error={errors.title} />
      <TextareaField
        label="Description"
        name="description"
        defaultValue={value("description")}
        error={errors.description}
        hint="What was done the quick way, and where."
      />
      <div className="grid-2">
        <SelectField
          label="Category"
          name="category"
          options={categories}
          placeholder="Choose a category"
          defaultValue={value("category")}
          error={errors.category}
        />
        <SelectField
          label="Severity"
          name="severity"
          options={optionsOf(severityLabel)}
          defaultValue={value("severity") || "medium"}
          error={errors.severity}
        />
      </div>
      <TextareaField
        label="Why it was taken on"
        name="benefit"
        defaultValue={value("benefit")}
        error={errors.benefit}
        hint="The short-term benefit, e.g. “show results to the business tomorrow”."
      />
      <div className="grid-2">
        <SelectField
          label="Stage incurred"
          name="stageIncurred"
          options={stageOptions}
          defaultValue={value("stageIncurred")}
          error={errors.stageIncurred}
        />
        <SelectField
          label="Owner"
          name="ownerId"
          options={members}
          placeholder="No owner yet"
          defaultValue={value("ownerId")}
          error={errors.ownerId}
          hint="A member of this project."
        />
      </div>
      <div className="grid-2">
        <Field
          label="Principal (person-days)"
          name="principalDays"
          inputMode="decimal"
          className="debt-number-field"
          defaultValue={value("principalDays")}
          error={errors.principalDays}
          hint="Effort to repay it."
        />
        <Field
          label="Interest (person-days per month)"
          name="interestDays"
          inputMode="decimal"
          className="debt-number-field"
          defaultValue={value("interestDays")}
          error={errors.interestDays}
          hint="What it costs each month it stays."
        />
      </div>
    </>
  );
}
