/**
 * A labelled form control with its hint and error: the label is a real <label>, the error
 * is tied to the control with aria-describedby and aria-invalid, so screen readers read it.
 */
import type { FieldMetadata } from "@conform-to/react";
import { useId, type ReactNode } from "react";

/**
 * Conform's metadata of the field (app/components/ui/Form.tsx): it gives the name, the error
 * and the value to show (the one sent, after a refusal); explicit props still win.
 */
type Meta = FieldMetadata<unknown, Record<string, unknown>, string[]>;

type Common = {
  label: string;
  name?: string;
  meta?: Meta;
  error?: string;
  hint?: ReactNode;
  className?: string;
};

/** The props a control takes from its Conform field, where the caller gave none. */
function fromMeta<P extends { name?: string; error?: string; defaultValue?: unknown }>(
  meta: Meta | undefined,
  props: P,
): P {
  if (!meta) return props;
  const initial = meta.initialValue;
  return {
    ...props,
    name: props.name ?? meta.name,
    error: props.error ?? meta.errors?.[0],
    defaultValue: props.defaultValue ?? (typeof initial === "string" ? initial : undefined),
  };
}

function describedBy(id: string, error?: string, hint?: ReactNode) {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

function Frame({
  id,
  label,
  error,
  hint,
  className,
  children,
}: Omit<Common, "name"> & { id: string; children: ReactNode }) {
  return (
    <div className={`field ${className ?? ""}`}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {children}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * `type="date"` is a text field for a calendar date written as the pages write it, YYYY-MM-DD
 * (docs/domain.md, "Dates and times"), never the browser's locale picker: the hint says the
 * format, the placeholder shows it, and the form's date schema (app/utils/validation.ts
 * `dateField`, the domain's dateInputError) checks it in the browser and in the action.
 */
const DATE_INPUT = {
  type: "text",
  placeholder: "YYYY-MM-DD",
  maxLength: 10,
  autoComplete: "off",
  spellCheck: false,
  "data-date-input": "",
} as const;
const DATE_HINT = "Format: YYYY-MM-DD, for example 2027-03-01.";

export function Field({ meta, ...props }: Common & React.InputHTMLAttributes<HTMLInputElement>) {
  const { label, name, error, hint: givenHint, className, ...given } = fromMeta(meta, props);
  const isDate = given.type === "date";
  const input = isDate ? { ...given, ...DATE_INPUT } : given;
  const hint = isDate ? (
    givenHint ? (
      <>
        {givenHint} {DATE_HINT}
      </>
    ) : (
      DATE_HINT
    )
  ) : (
    givenHint
  );
  const id = useId();
  return (
    <Frame id={id} label={label} error={error} hint={hint} className={className}>
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        {...input}
      />
    </Frame>
  );
}

export function TextareaField({ meta, ...props }: Common & React.TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const { label, name, error, hint, className, ...input } = fromMeta(meta, props);
  const id = useId();
  return (
    <Frame id={id} label={label} error={error} hint={hint} className={className}>
      <textarea
        id={id}
        name={name}
        rows={3}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        {...input}
      />
    </Frame>
  );
}

export type Option = { value: string; label: string };

export function SelectField({
  meta,
  ...props
}: Common & React.SelectHTMLAttributes<HTMLSelectElement> & { options: Option[]; placeholder?: string }) {
  const { label, name, error, hint, className, options, placeholder, ...select } = fromMeta(meta, props);
  const id = useId();
  return (
    <Frame id={id} label={label} error={error} hint={hint} className={className}>
      <select
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        {...select}
      >
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Frame>
  );
}

/** Turns a label map ({ poc: "PoC" }) into select options. */
export function optionsOf<K extends string>(labels: Record<K, string>): Option[] {
  return (Object.keys(labels) as K[]).map((value) => ({ value, label: labels[value] }));
}
