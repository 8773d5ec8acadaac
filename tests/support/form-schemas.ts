/**
 * A form schema's answer as the page shows it, for the tests that check the browser and the
 * server give the same message (tests/unit/form-schemas-*.test.ts).
 */
import type { z } from "zod";
import { parseSubmission } from "../../app/utils/forms";

/** Field values as a page posts them; a list field repeats its name. */
export type Form = Record<string, string | string[]>;

export function formDataOf(form: Form): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(form)) {
    for (const v of Array.isArray(value) ? value : [value]) data.append(key, v);
  }
  return data;
}

/** The first message of each field ("" is the form's own), as the page shows them. */
export function messagesOf(schema: z.ZodType, form: Form): Record<string, string> {
  const submission = parseSubmission(formDataOf(form), schema);
  if (submission.status === "success") return {};
  return Object.fromEntries(
    Object.entries(submission.error ?? {}).flatMap(([field, messages]) =>
      messages?.length ? [[field, messages[0]]] : [],
    ),
  );
}
