/**
 * zod schemas of a project's life cycle forms: hold, resume, stop (with what happens to the open
 * debt) and retire, and an admin's reopen (docs/domain.md, "Stopping and reopening a project").
 * Shape and messages only; whether the project has open debt is the model's question.
 */
import { z } from "zod";
import { STOP_CAUSES } from "~/domain/vocabulary";
import { writeOffReasonError } from "~/domain/debt";
import { longText, versionField } from "./validation";

/** Empty or missing -> undefined. */
const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

export const openDebtChoiceField = z.preprocess(
  blankToUndefined,
  z.enum(["write_off", "keep"], { error: "Choose to write the open debt off or to keep it open." }).optional(),
);

/** What a stop says: why, what happened, and what becomes of the open debt. */
const stopFields = {
  version: versionField,
  stopCause: z.enum(STOP_CAUSES, { error: "Choose why the project stopped." }),
  stopNote: longText(2000, "note", "Say in a sentence what happened.").min(3, "Say in a sentence what happened."),
  openDebt: openDebtChoiceField,
  /** 3 to 1000 characters when writing off: writeOffReasonError (app/domain/debt.ts) says so. */
  writeOffReason: z.preprocess(blankToUndefined, longText(1000, "reason").optional()),
};

/** Writing the open debt off needs a reason, next to its field. */
function writeOffNeedsReason(
  value: { openDebt?: "write_off" | "keep"; writeOffReason?: string },
  ctx: z.RefinementCtx,
): void {
  if (value.openDebt !== "write_off") return;
  const problem = writeOffReasonError(value.writeOffReason);
  if (problem) ctx.addIssue({ code: "custom", path: ["writeOffReason"], message: problem });
}

const stopSchema = z.object({ to: z.literal("stopped"), ...stopFields }).superRefine(writeOffNeedsReason);

/**
 * A state change as the API takes it (app/api/route-table.server.ts): hold, resume, retire, and
 * stop with the open-debt choice. The overview's forms send the same fields without `to`.
 */
export const lifecycleChangeSchema = z.discriminatedUnion("to", [
  z.object({ to: z.literal("on_hold"), version: versionField }),
  z.object({ to: z.literal("active"), version: versionField }),
  z.object({ to: z.literal("retired"), version: versionField }),
  stopSchema,
]);

/** An admin's "Reopen…" of a stopped project, in the overview's form and the API. */
export const reopenSchema = z.object({
  version: versionField,
  reason: longText(1000, "reason", "Say in a sentence why the project is reopened.").min(
    3,
    "Say in a sentence why the project is reopened.",
  ),
});

// ---------- the project overview's forms, one schema per intent ----------
//
// The overview's buttons say what they do by their `intent` (hold, resume, retire, stop,
// reopen), so these forms carry no `to`: the action turns the intent into the change above.

/** "Put on hold", "Resume" and "Yes, retire it": the version the page was read at, nothing else. */
export const stateChangeFormSchema = z.object({ version: versionField });

/** "Stop the project": the stop variant of lifecycleChangeSchema, without `to`. */
export const stopFormSchema = z.object(stopFields).superRefine(writeOffNeedsReason);
