/**
 * Forms with Conform (docs/architecture.md, "Forms"): each form validates in the browser
 * with the same zod schema its action uses on the server, shows the server's refusal next to
 * the fields when it comes back (with or without JavaScript), focuses the first error and
 * says that it is working while the request is on its way.
 */
import { useForm, type DefaultValue, type FormMetadata } from "@conform-to/react";
import { useActionData, useNavigation, type FetcherWithComponents } from "@remix-run/react";
import type { ButtonHTMLAttributes } from "react";
import type { z } from "zod";
import { parseSubmission, resultFor, type FormResult } from "~/utils/forms";

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
 * Whether this submit is on its way: a navigation (or the given fetcher) is submitting with
 * this intent, or, with no intent given, any form of the page.
 */
export function useSubmitting(intent?: string, fetcher?: Pick<FetcherWithComponents<unknown>, "state" | "formData">) {
  const navigation = useNavigation();
  const source = fetcher ?? navigation;
  if (source.state === "idle" || !source.formData) return false;
  return intent === undefined || source.formData.get("intent") === intent;
}

/** Nothing on its way: what a row's buttons read when another row was pressed. */
const NOT_SENT = { state: "idle", formData: undefined } as const;

/**
 * SubmitButton's `fetcher` for one of several forms of an intent on a page (one per row): the
 * navigation when it sends this row's form (`key` = `value`), else nothing, so only the
 * pressed row says that it is working.
 */
export function useRowSubmission(key: string, value: string | number) {
  const navigation = useNavigation();
  return navigation.formData?.get(key) === String(value) ? navigation : NOT_SENT;
}

type Variant = "primary" | "secondary" | "danger" | "link";

/**
 * A submit button that says it is working (`pendingLabel`, aria-busy) and cannot be pressed
 * twice while its form is on its way. With `intent`, it also sends that intent.
 */
export function SubmitButton({
  intent,
  pendingLabel = "Saving…",
  variant = "primary",
  fetcher,
  className,
  children,
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & {
  intent?: string;
  pendingLabel?: string;
  variant?: Variant;
  fetcher?: Pick<FetcherWithComponents<unknown>, "state" | "formData">;
}) {
  const pending = useSubmitting(intent ?? (props.name === "intent" ? String(props.value) : undefined), fetcher);
  return (
    <button
      type="submit"
      {...(intent !== undefined ? { name: "intent", value: intent } : {})}
      {...props}
      className={`btn btn-${variant} ${className ?? ""}`}
      disabled={pending || props.disabled}
      aria-busy={pending || undefined}
    >
      {pending ? pendingLabel : children}
    </button>
  );
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
