/**
 * Forms with Conform (docs/architecture.md, "Forms"): each form validates in the browser
 * with the same zod schema its action uses on the server, shows the server's refusal next to
 * the fields when it comes back (with or without JavaScript), focuses the first error and
 * says that it is working while the request is on its way.
 */
import { useForm, type DefaultValue, type FormMetadata } from "@conform-to/react";
import { useActionData } from "@remix-run/react";
import type { z } from "zod";
import { parseSubmission, resultFor, type FormResult } from "~/utils/forms";

// The submit button lives apart, so a page with no Conform form (the layout's sign-out button)
// loads neither Conform nor zod; every form imports it from here.
export { SubmitButton, useRowSubmission, useSubmitting } from "./SubmitButton";

type FormSchema = z.ZodType<unknown, Record<string, unknown>>;

type IntentFormOptions<S extends FormSchema> = {
  /** The action's handler this form reaches (its hidden `intent` field); "" for a page with one form. */
  intent: string;
  schema: S;
  defaultValue?: DefaultValue<z.input<S>>;
  /** The result to show, when it does not come from the page's action (a fetcher's data). */
  lastResult?: FormResult | null;
  /** Distinguishes two forms of one intent on a page (one per row). */
  id?: string;
};

/**
 * Conform's form and fields for one intent. Errors from the action reach only the form that
 * sent them: every refusal carries its `intent` (app/utils/forms.ts, `resultFor`).
 */
export function useIntentForm<S extends FormSchema>({
  intent,
  schema,
  defaultValue,
  lastResult,
  id,
}: IntentFormOptions<S>) {
  const actionData = useActionData();
  const result = lastResult === undefined ? resultFor(actionData, intent) : lastResult;
  return useForm<z.input<S>, z.output<S>, string[]>({
    id: id ?? `form-${intent || "main"}`,
    lastResult: result,
    defaultValue,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseSubmission(formData, schema),
  });
}

/**
 * The message to show above a form: its own (a conflict), else the first error of a field the
 * form does not show to type into (a hidden id or version of a tampered page).
 */
export function formMessage(
  form: Pick<FormMetadata<Record<string, unknown>, string[]>, "errors" | "allErrors">,
  hidden: readonly string[] = [],
): string | undefined {
  return form.errors?.[0] ?? hidden.map((name) => form.allErrors[name]?.[0]).find(Boolean);
}
