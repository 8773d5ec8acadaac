/**
 * Reading and parsing submitted forms (docs/architecture.md, "Forms"). A form is parsed with
 * the zod schema of its intent, in the browser and in the action alike; a refusal is Conform's
 * result with the messages per field and what the user typed (never secrets), status 400.
 *
 * Triad's forms take no files, and each field once (a list field's name ends in `[]`): a file
 * part, or a field sent twice, is refused before any value is read, so no check can look at
 * one value while the action uses another.
 */
import type { Submission, SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { z } from "zod";
import type { FieldErrors } from "~/domain/errors";

const SECRET_FIELDS = /password|secret|token/i;

export const NO_FILES_MESSAGE = "This form takes no files.";
export const duplicateFieldMessage = (name: string) => `The field “${name}” was sent more than once; send it once.`;

/**
 * Conform's own control fields (`__intent__`, `__state__`): our forms never send them, and
 * Conform would parse them as JSON, so a crafted one is refused before any parsing.
 */
const CONFORM_INTERNAL = /^__.*__$/;
export const INTERNAL_FIELD_MESSAGE = "This form was not sent by Triad's page. Send it again from the page.";

/** A field that may be sent several times: its name ends in `[]` (`events[]`). */
const isListField = (name: string) => name.endsWith("[]");

/**
 * What is wrong with the shape of a submitted form, or null: a file part anywhere, or a
 * single-value field sent more than once.
 */
export function formShapeError(formData: FormData): { field: string; message: string } | null {
  const seen = new Set<string>();
  for (const [key, value] of formData.entries()) {
    if (typeof value !== "string") return { field: "form", message: NO_FILES_MESSAGE };
    if (CONFORM_INTERNAL.test(key)) return { field: "form", message: INTERNAL_FIELD_MESSAGE };
    if (seen.has(key) && !isListField(key)) return { field: key, message: duplicateFieldMessage(key) };
    seen.add(key);
  }
  return null;
}

/**
 * The request's form, refused with a 400 (thrown) when it carries a file or a single-value
 * field twice. Actions read their form with this rather than `request.formData()`.
 */
export async function readForm(request: Request): Promise<FormData> {
  let formData: FormData;
  try {
    formData = await request.formData();
  } catch {
    throw new Response("The form could not be read. Send it again from the page.", { status: 400 });
  }
  const problem = formShapeError(formData);
  if (problem) throw new Response(problem.message, { status: 400 });
  return formData;
}

/** Longer than any field a schema accepts: such a value is refused, never sent back. */
export const MAX_ECHO = 10_000;

// ---------- Conform: one schema per intent, in the browser and on the server ----------

/**
 * Parses a submitted form with the schema of its intent. The same call validates in the
 * browser (the form's `onValidate`) and in the action, so both give the same messages. Values
 * reach the schema as the strings that were sent (no coercion): our field builders
 * (app/utils/validation.ts) say what is wrong with an empty or malformed value in words.
 * A list field is named `name[]` in the markup and arrives as the array `name`.
 */
export function parseSubmission<S extends z.ZodType>(formData: FormData, schema: S) {
  return parseWithZod(formData, { schema, disableAutoCoercion: true });
}

/** What an action answers when a form is refused: Conform's result, safe to send back. */
export type FormResult = SubmissionResult<string[]>;

/**
 * The values worth refilling the form with: no secrets and nothing longer than a field
 * accepts, so an oversized request is never echoed back (docs/security.md).
 */
function echoable(value: unknown, key = ""): unknown {
  if (SECRET_FIELDS.test(key)) return undefined;
  if (typeof value === "string") return value.length <= MAX_ECHO ? value : undefined;
  if (Array.isArray(value)) return value.map((v) => echoable(v)).filter((v) => v !== undefined);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const kept = k.length <= 200 ? echoable(v, k) : undefined;
      if (kept !== undefined) out[k] = kept;
    }
    return out;
  }
  return undefined;
}

/**
 * The refusal of a submission: its own errors (or those given, from a model's
 * ValidationError), a form-level message, and the values to refill the form with.
 */
export function refusal(
  submission: Submission<unknown>,
  { fieldErrors, formError }: { fieldErrors?: FieldErrors; formError?: string } = {},
): FormResult {
  const result =
    fieldErrors || formError
      ? submission.reply({
          formErrors: formError ? [formError] : undefined,
          fieldErrors: fieldErrors ? Object.fromEntries(Object.entries(fieldErrors).map(([k, m]) => [k, [m]])) : {},
        })
      : submission.reply();
  return { ...result, initialValue: echoable(result.initialValue) as FormResult["initialValue"] };
}

/**
 * The action's last result if it answered the form of `intent`: every refusal carries the
 * submitted `intent`, so each form on a page shows only its own errors.
 */
export function resultFor(actionData: unknown, intent: string): FormResult | undefined {
  if (!actionData || typeof actionData !== "object" || !("status" in actionData)) return undefined;
  const result = actionData as FormResult;
  const sent = (result.initialValue as Record<string, unknown> | undefined)?.intent;
  return sent === intent || (sent === undefined && intent === "") ? result : undefined;
}

/** The first message of each field of a result (and `form` for the form-level one). */
export function errorsOf(result: FormResult | undefined | null): FieldErrors {
  const errors: FieldErrors = {};
  for (const [key, messages] of Object.entries(result?.error ?? {})) {
    if (messages?.length) errors[key === "" ? "form" : key] = messages[0];
  }
  return errors;
}

/** A value the refused form sent, as a string, or null (which row a refusal was about). */
export function sentValue(result: FormResult | null | undefined, key: string): string | null {
  const value = (result?.initialValue as Record<string, unknown> | null | undefined)?.[key];
  return typeof value === "string" ? value : null;
}

/**
 * The action's refusal for one of `intents` when its form sent `key` = `value`, else null:
 * several forms of one intent share a page (a row per step, per criterion, per webhook), and
 * only the row that was sent shows the refusal. For useIntentForm's `lastResult`.
 */
export function rowResult(
  actionData: unknown,
  intents: string | readonly string[],
  key: string,
  value: string | number,
): FormResult | null {
  for (const intent of typeof intents === "string" ? [intents] : intents) {
    const result = resultFor(actionData, intent);
    if (result) return sentValue(result, key) === String(value) ? result : null;
  }
  return null;
}
