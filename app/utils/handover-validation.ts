/**
 * The hand-over form (docs/domain.md, "Hand-over on departure"): per project, who takes the
 * departing person's debt items, their repayment steps and the project itself. Fields are
 * named `items.<projectId>`, `steps.<projectId>`, `ownership.<projectId>` (the model's field
 * names, so its refusals land next to the right select); an empty value keeps it with them.
 */
import { z } from "zod";

const MESSAGE = "Choose a member of the project, or keep it with them.";

/** At most this many projects in one hand-over (a person on more is handed over in parts). */
export const MAX_HANDOVER_PROJECTS = 500;

const choices = z
  .record(
    z.string().regex(/^\d{1,16}$/, "No such project."),
    z.string({ error: MESSAGE }).regex(/^(\d{1,16})?$/, MESSAGE),
  )
  .optional()
  .transform((v) => v ?? {})
  .refine((v) => Object.keys(v).length <= MAX_HANDOVER_PROJECTS, "Hand over fewer projects at a time.");

export const handoverSchema = z.object({ items: choices, steps: choices, ownership: choices });

export type HandoverForm = z.output<typeof handoverSchema>;

/** The form's choices, project by project, for the model (null keeps it with the person). */
export function handoverChoicesOf(form: HandoverForm) {
  const ids = new Set([...Object.keys(form.items), ...Object.keys(form.steps), ...Object.keys(form.ownership)]);
  const id = (value: string | undefined) => (value ? Number(value) : null);
  return [...ids].map((projectId) => ({
    projectId: Number(projectId),
    items: id(form.items[projectId]),
    steps: id(form.steps[projectId]),
    ownership: id(form.ownership[projectId]),
  }));
}
