/**
 * Which form of the item page a refusal belongs to. Every refusal carries what was sent
 * (app/utils/forms.ts): its `intent`, and for a step's forms its `stepId`, so each row shows
 * only its own errors.
 */
import { useRowSubmission } from "~/components/ui/Form";
import { rowResult, type FormResult } from "~/utils/forms";

export { sentValue } from "~/utils/forms";

/** The intents of a step's row of buttons ("Mark done", "Move up", …, "Remove"). */
export const STEP_ROW_INTENTS = ["step-done", "step-undone", "step-up", "step-down", "step-remove"] as const;

/** The action's result, whatever form sent it, or undefined. */
export function anyResult(actionData: unknown): FormResult | undefined {
  return actionData && typeof actionData === "object" && "status" in actionData
    ? (actionData as FormResult)
    : undefined;
}

/** The result of one of `intents` sent by the row of step `stepId`, or null (for useIntentForm's lastResult). */
export const resultForStep = (actionData: unknown, intents: readonly string[], stepId: number): FormResult | null =>
  rowResult(actionData, intents, "stepId", stepId);

/**
 * Whether the submission on its way sent `key` = `value`: several forms of one intent share a
 * page (a row per step, a status form per status), and only the one that was pressed says
 * that it is working. The others are disabled meanwhile (SubmitButton), as they would send the
 * same version.
 */
export function useSentBy(key: string, value: string | number): boolean {
  return useRowSubmission(key, value).state !== "idle";
}
