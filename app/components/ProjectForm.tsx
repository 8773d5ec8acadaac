import { getFormProps, type FormMetadata } from "@conform-to/react";
import { formMessage } from "~/components/ui/Form";
import { Form, Link } from "@remix-run/react";
import type { ComponentProps } from "react";
import { Field, SelectField, TextareaField } from "./ui/Field";
import { SubmitButton } from "./ui/Form";
import { FormError } from "./ui/FormError";
import { disciplineLabel } from "~/domain/labels";
import type { Discipline } from "~/domain/vocabulary";

type Person = { id: number; name: string; discipline: Discipline };
type FieldMeta = NonNullable<ComponentProps<typeof Field>["meta"]>;

/** The fields a project form shows; the page's Conform form (useIntentForm) gives them. */
export type ProjectFields = Record<"name" | "summary" | "businessCase" | "ownerId", FieldMeta>;

/**
 * A new project's form and the edit form: the page owns the Conform form (its schema is the
 * one its action parses with) and hands its metadata here.
 */
export function ProjectForm({
  form,
  fields,
  people,
  submitLabel,
  pendingLabel,
  cancelTo,
  version,
  ownerHint,
}: {
  form: FormMetadata;
  fields: ProjectFields;
  people: Person[];
  submitLabel: string;
  pendingLabel: string;
  cancelTo: string;
  version?: number;
  ownerHint?: string;
}) {
  return (
    <Form method="post" className="form-card" {...getFormProps(form)}>
      {/* A conflict, or a refused version (a hidden field), shows above the fields. */}
      <FormError id={form.errorId} message={formMessage(form, ["version"])} />
      {version !== undefined ? <input type="hidden" name="version" value={version} /> : null}
      <Field label="Name" meta={fields.name} required />
      <Field label="Summary" meta={fields.summary} hint="One line: what the data product does." />
      <TextareaField
        label="Business case"
        meta={fields.businessCase}
        rows={5}
        hint="Why it is worth doing, in the business owner's words."
      />
      <SelectField
        label="Owner"
        meta={fields.ownerId}
        options={people.map((p) => ({ value: String(p.id), label: `${p.name} (${disciplineLabel[p.discipline]})` }))}
        hint={ownerHint}
      />
      <div className="form-actions">
        <SubmitButton pendingLabel={pendingLabel}>{submitLabel}</SubmitButton>
        <Link to={cancelTo}>Cancel</Link>
      </div>
    </Form>
  );
}
