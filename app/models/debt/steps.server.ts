/**
 * Repayment steps of a debt item's plan. Steps are part of the item: every change bumps the
 * item's `version` and writes one activity row on the item; ticking or removing a step moves
 * the item between open and repaying (domain `statusAfterStepChange`). Steps never settle an
 * item: with every step done the item page proposes "repaid", which still needs a note.
 */
import { eq, sql } from "drizzle-orm";
import { repaymentSteps, type DebtItem, type RepaymentStep } from "../../../db/schema";
import { type Stage } from "~/domain/vocabulary";
import { statusAfterStepChange, validatePlan } from "~/domain/debt";
import { ConflictError, NotFoundError, ValidationError, type FieldErrors } from "~/domain/errors";
import { quote, stepAdded, stepDone, stepEdited, stepMoved, stepRemoved } from "~/domain/activity-sentences";
import { debtStepAssignedDraft, newOwner } from "~/domain/notify-rules";
import { notify } from "../notifications.server";
import { staleDrafts, watchSignOffs } from "../notify-events.server";
import { withInputNow, withTx, type WriteOptions } from "../transaction.server";
import {
  beginItemWrite,
  loadSteps,
  pick,
  record,
  requireMemberOwner,
  staleItem,
  writeItem,
  type ItemMutation,
} from "./shared.server";

export type StepInput = { title: string; ownerId: number | null; dueDate: string | null };

/** The status after the steps changed (open or repaying; never settled by steps). */
function statusSet(item: DebtItem, steps: Array<{ done: boolean }>): Partial<DebtItem> {
  const status = statusAfterStepChange(item.status, steps);
  return status === item.status ? {} : { status };
}

const stepView = (s: RepaymentStep) => ({
  id: s.id,
  title: s.title,
  ownerId: s.ownerId,
  dueDate: s.dueDate,
  done: s.doneAt != null,
});

/** The plan's rules for one step (title, due date not after the target date). */
function checkStep(item: DebtItem, steps: RepaymentStep[], index: number, step: StepInput, stage: Stage) {
  const planned = steps.map((s) => ({ title: s.title, dueDate: s.dueDate }));
  planned[index] = { title: step.title, dueDate: step.dueDate };
  const errors = validatePlan({ targetDate: item.targetDate, repayBeforeStage: null, steps: planned }, stage);
  const fields: FieldErrors = {};
  for (const field of ["title", "dueDate"] as const) {
    const message = errors[`steps.${index}.${field}`];
    if (message) fields[field] = message;
  }
  if (Object.keys(fields).length) throw new ValidationError("Check the step.", fields);
}

export function addRepaymentStep(
  { step, ...mutation }: ItemMutation & { step: StepInput },
  options?: WriteOptions,
): RepaymentStep {
  return withTx(withInputNow(options, mutation.now), (tx, now) => {
    const { item, project } = beginItemWrite(tx, mutation, true);
    const steps = loadSteps(tx, item.id);
    checkStep(item, steps, steps.length, step, project.stage);
    requireMemberOwner(tx, item.projectId, step.ownerId, "ownerId");
    const watch = watchSignOffs(tx, item.projectId);
    const created = tx
      .insert(repaymentSteps)
      .values({
        debtItemId: item.id,
        position: steps.reduce((max, s) => Math.max(max, s.position), 0) + 1,
        title: step.title,
        ownerId: step.ownerId,
        dueDate: step.dueDate,
        createdAt: now,
      })
      .returning()
      .get();
    // An undone step cannot settle the item, and must not undo a "repaying" set by hand.
    writeItem(tx, item, mutation.version, {}, now);
    record(
      tx,
      mutation.actor,
      item,
      "debt.step_added",
      stepAdded(mutation.actor.name, steps.length + 1, created.title, item.title, created.dueDate),
      undefined,
      { step: stepView(created) },
      now,
    );
    const actor = mutation.actor;
    notify(tx, {
      actorId: actor.id,
      drafts: [
        ...(created.ownerId != null
          ? [debtStepAssignedDraft({ project, ownerId: created.ownerId, actorName: actor.name, item, step: created })]
          : []),
        ...staleDrafts(tx, watch, { actorId: actor.id, now }),
      ],
      now,
    });
    return created;
  });
}

function findStep(steps: RepaymentStep[], stepId: number) {
  const index = steps.findIndex((s) => s.id === stepId);
  if (index < 0) throw new NotFoundError("That step is not part of this repayment plan.");
  return { step: steps[index], index };
}

export function updateRepaymentStep(
  { stepId, step: input, ...mutation }: ItemMutation & { stepId: number; step: StepInput },
  options?: WriteOptions,
): RepaymentStep {
  return withTx(withInputNow(options, mutation.now), (tx, now) => {
    const { item, project } = beginItemWrite(tx, mutation, true);
    const steps = loadSteps(tx, item.id);
    const { step, index } = findStep(steps, stepId);
    checkStep(item, steps, index, input, project.stage);
    requireMemberOwner(tx, item.projectId, input.ownerId, "ownerId");
    const keys = (["title", "ownerId", "dueDate"] as const).filter((k) => input[k] !== step[k]);
    if (keys.length === 0) {
      if (item.version !== mutation.version) throw staleItem(item.title);
      return step;
    }
    const watch = keys.some((k) => k !== "ownerId") ? watchSignOffs(tx, item.projectId) : null;
    writeItem(tx, item, mutation.version, {}, now);
    const after = tx
      .update(repaymentSteps)
      .set({ ...pick(input, keys), version: sql`${repaymentSteps.version} + 1` })
      .where(eq(repaymentSteps.id, step.id))
      .returning()
      .get()!;
    record(
      tx,
      mutation.actor,
      item,
      "debt.step_updated",
      stepEdited(mutation.actor.name, index + 1, after.title, item.title, keys),
      { stepId: step.id, ...pick(step, keys) },
      { stepId: step.id, ...pick(after, keys) },
      now,
    );
    const owner = newOwner(step.ownerId, after.ownerId);
    const actor = mutation.actor;
    notify(tx, {
      actorId: actor.id,
      drafts: [
        ...(owner != null
          ? [debtStepAssignedDraft({ project, ownerId: owner, actorName: actor.name, item, step: after })]
          : []),
        ...staleDrafts(tx, watch, { actorId: actor.id, now }),
      ],
      now,
    });
    return after;
  });
}

/** Ticks or unticks a step; the item's status follows (statusAfterStepChange). */
export function setRepaymentStepDone(
  { stepId, done, ...mutation }: ItemMutation & { stepId: number; done: boolean },
  options?: WriteOptions,
): DebtItem {
  return withTx(withInputNow(options, mutation.now), (tx, now) => {
    const { item } = beginItemWrite(tx, mutation, true);
    const steps = loadSteps(tx, item.id);
    const { step, index } = findStep(steps, stepId);
    if ((step.doneAt != null) === done) {
      throw new ConflictError(`Step ${index + 1} ${quote(step.title)} is already ${done ? "done" : "not done"}.`);
    }
    tx.update(repaymentSteps)
      .set({
        doneAt: done ? now : null,
        doneById: done ? mutation.actor.id : null,
        version: sql`${repaymentSteps.version} + 1`,
      })
      .where(eq(repaymentSteps.id, step.id))
      .run();
    const views = steps.map((s) => (s.id === step.id ? { ...stepView(s), done } : stepView(s)));
    const set = statusSet(item, views);
    // Ticking a step is not in anyone's view; the item's status moving is.
    const watch = set.status ? watchSignOffs(tx, item.projectId) : null;
    const after = writeItem(tx, item, mutation.version, set, now);
    record(
      tx,
      mutation.actor,
      item,
      done ? "debt.step_done" : "debt.step_undone",
      stepDone(mutation.actor.name, index + 1, step.title, item.title, done, set.status),
      { stepId: step.id, done: !done, status: item.status },
      { stepId: step.id, done, status: after.status },
      now,
    );
    notify(tx, {
      actorId: mutation.actor.id,
      drafts: staleDrafts(tx, watch, { actorId: mutation.actor.id, now }),
      now,
    });
    return after;
  });
}

export function moveRepaymentStep(
  { stepId, direction, ...mutation }: ItemMutation & { stepId: number; direction: "up" | "down" },
  options?: WriteOptions,
): void {
  withTx(withInputNow(options, mutation.now), (tx, now) => {
    const { item } = beginItemWrite(tx, mutation, true);
    const steps = loadSteps(tx, item.id);
    const { step, index } = findStep(steps, stepId);
    const otherIndex = direction === "up" ? index - 1 : index + 1;
    const other = steps[otherIndex];
    if (!other) {
      throw new ConflictError(`Step ${quote(step.title)} is already ${direction === "up" ? "first" : "last"}.`);
    }
    writeItem(tx, item, mutation.version, {}, now);
    // Positions are rewritten 1..n so gaps or ties from older data cannot stick.
    const order = steps.map((s) => s.id);
    [order[index], order[otherIndex]] = [order[otherIndex], order[index]];
    order.forEach((id, i) => {
      tx.update(repaymentSteps)
        .set({ position: i + 1 })
        .where(eq(repaymentSteps.id, id))
        .run();
    });
    record(
      tx,
      mutation.actor,
      item,
      "debt.step_moved",
      stepMoved(mutation.actor.name, step.title, item.title, direction, otherIndex + 1),
      { stepIds: steps.map((s) => s.id) },
      { stepIds: order },
      now,
    );
  });
}

export function removeRepaymentStep(
  { stepId, ...mutation }: ItemMutation & { stepId: number },
  options?: WriteOptions,
): DebtItem {
  return withTx(withInputNow(options, mutation.now), (tx, now) => {
    const { item } = beginItemWrite(tx, mutation, true);
    const steps = loadSteps(tx, item.id);
    const { step, index } = findStep(steps, stepId);
    const watch = watchSignOffs(tx, item.projectId);
    tx.delete(repaymentSteps).where(eq(repaymentSteps.id, step.id)).run();
    const set = statusSet(item, steps.filter((s) => s.id !== step.id).map(stepView));
    const after = writeItem(tx, item, mutation.version, set, now);
    record(
      tx,
      mutation.actor,
      item,
      "debt.step_removed",
      stepRemoved(mutation.actor.name, index + 1, step.title, item.title, set.status),
      { step: stepView(step), status: item.status },
      set.status ? { status: after.status } : undefined,
      now,
    );
    notify(tx, {
      actorId: mutation.actor.id,
      drafts: staleDrafts(tx, watch, { actorId: mutation.actor.id, now }),
      now,
    });
    return after;
  });
}
