/**
 * The submit button of every form (docs/architecture.md, "Forms"): it says that it is working
 * while its form is on its way. Apart from app/components/ui/Form.tsx (which re-exports it) so
 * that a page whose only form is the layout's sign-out button loads no Conform or zod.
 */
import { useNavigation, type FetcherWithComponents } from "@remix-run/react";
import type { ButtonHTMLAttributes } from "react";

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
