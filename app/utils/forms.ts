/**
 * Parsing a submitted form with a zod schema. On failure the action returns
 * `{ fieldErrors, values }` with status 400, so the page shows each message next to its
 * field and keeps what the user typed (never the passwords).
 */
import type { z } from "zod";
import type { FieldErrors } from "~/domain/errors";

export type FormFailure = {
  ok: false;
  formError?: string;
  fieldErrors: FieldErrors;
  values: Record<string, string>;
};
export type FormSuccess<T> = { ok: true; data: T };

const SECRET_FIELDS = /password|secret|token/i;

/** The submitted text values, minus secrets, to refill the form after an error. */
export function formValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value === "string" && !SECRET_FIELDS.test(key)) values[key] = value;
  }
  return values;
}

export function parseForm<S extends z.ZodType>(
  schema: S,
  formData: FormData,
): FormSuccess<z.output<S>> | FormFailure {
  const raw: Record<string, unknown> = {};
  for (const key of new Set(formData.keys())) {
    const all = formData.getAll(key).filter((v): v is string => typeof v === "string");
    raw[key] = key.endsWith("[]") ? all : all[0];
  }
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, data: result.data };
  const fieldErrors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path.join(".") || "form";
    fieldErrors[field] ??= issue.message;
  }
  return { ok: false, fieldErrors, values: formValues(formData) };
}

export function formFailure(
  formData: FormData,
  fieldErrors: FieldErrors,
  formError?: string,
): FormFailure {
  return { ok: false, fieldErrors, formError, values: formValues(formData) };
}
