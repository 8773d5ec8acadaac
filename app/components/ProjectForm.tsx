import { Form, Link } from "@remix-run/react";
import { Field, SelectField, TextareaField } from "./ui/Field";
import { FormError } from "./ui/FormError";
import { disciplineLabel } from "~/domain/labels";
import type { Discipline } from "~/domain/vocabulary";

type Person = { id: number; name: string; discipline: Discipline };

export function ProjectForm({
  people,
  defaults,
  errors,
  formError,
  submitLabel,
  cancelTo,
  version,
  ownerHint,
}: {
  people: Person[];
  defaults: { name?: string; summary?: string; businessCase?: string; ownerId?: string | number };
  errors: Record<string, string>;
  formError?: string | null;
  submitLabel: string;
  cancelTo: string;
  version?: number;
  ownerHint?: string;
}) {
  return (
    <Form method="post" noValidate className="form-card">
      <FormError message={formError} />
      {version !== undefined ? <input type="hidden" name="version" value={version} /> : null}
      <Field label="Name" name="name" required defaultValue={defaults.name} error={errors.name} />
      <Field
        label="Summary"
        name="summary"
        defaultValue={defaults.summary}
        error={errors.summary}
        hint="One line: what the data product does."
      />
      <TextareaField
        label="Business case"
        name="businessCase"
        rows={5}
        defaultValue={defaults.businessCase}
        error={errors.businessCase}
        hint="Why it is worth doing, in the business owner's words."
      />
      <SelectField
        label="Owner"
        name="ownerId"
        options={people.map((p) => ({ value: String(p.id), label: `${p.name} (${disciplineLabel[p.discipline]})` }))}
        defaultValue={defaults.ownerId !== undefined ? String(defaults.ownerId) : undefined}
        error={errors.ownerId}
        hint={ownerHint}
      />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary">
          {submitLabel}
        </button>
        <Link to={cancelTo}>Cancel</Link>
      </div>
    </Form>
  );
}
