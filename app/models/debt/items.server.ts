/**
 * Debt items: logging one, editing its details or its plan, and its status by hand. Every
 * mutation: one transaction, `projectForWrite(..., "debt:write")`, the item's `version` checked,
 * exactly one activity row (entity_type "debt_item"). Rules come from app/domain/debt.ts.
 */
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { db, type Tx } from "../../../db/client.server";
import { debtItems, repaymentSteps, type DebtItem } from "../../../db/schema";
import { type Stage } from "~/domain/vocabulary";
import {
  isSettledDebt,
  isValidCategory,
  validatePlan,
  validateStatusChange,
  type DebtStatus,
  type Register,
} from "~/domain/debt";
import { ConflictError, ValidationError, type FieldErrors } from "~/domain/errors";
import { debtStatusLabel, stageLabel } from "~/domain/labels";
import { debtEdited, debtLogged, debtStatusChanged, debtWrittenOff } from "~/domain/activity-sentences";
import { debtItemAssignedDraft, debtStepAssignedDraft, newOwner } from "~/domain/notify-rules";
import type { NotificationDraft } from "~/domain/notifications";
import { stageIndex } from "~/domain/stages";
import { DEBT_DETAIL_FIELDS, DEBT_PLAN_FIELDS, MAX_PLAN_STEPS } from "~/domain/debt";
import { notify } from "../notifications.server";
import { staleDrafts, watchSignOffs } from "../notify-events.server";
import { projectForWrite } from "../project-access.server";
import { withInputNow, withTx, type WriteOptions } from "../transaction.server";
import type { Actor } from "../users.server";
import { enqueueDebtEvent, enqueueIfRepaid } from "../webhook-outbox.server";
import {
  beginItemWrite,
  loadSteps,
  pick,
  quote,
  record,
  requireMemberOwner,
  settledMessage,
  staleItem,
  UNSETTLED,
  writeItem,
  type ItemMutation,
} from "./shared.server";

export type DebtDetails = {
  title: string;
  description: string;
  category: string;
  benefit: string;
  stageIncurred: Stage;
  severity: DebtItem["severity"];
  principalDays: number;
  interestDays: number;
  ownerId: number | null;
};

export type DebtPlan = {
  strategy: string;
  targetDate: string | null;
  repayBeforeStage: Stage | null;
};

/** A plan given when the item is logged: the plan fields and its steps, in order (at most MAX_PLAN_STEPS). */
export type NewDebtPlan = DebtPlan & {
  steps: Array<{ title: string; ownerId?: number | null; dueDate?: string | null }>;
};

const DETAIL_KEYS = DEBT_DETAIL_FIELDS satisfies readonly (keyof DebtDetails)[];
const PLAN_KEYS = DEBT_PLAN_FIELDS satisfies readonly (keyof DebtPlan)[];
/** The fields of an item a discipline's view holds (docs/domain.md, "What makes a sign-off stale"). */
const VIEW_KEYS = ["title", "severity", "ownerId", "strategy", "targetDate", "repayBeforeStage"] as const;

function checkDetails(
  tx: Tx,
  projectId: number,
  projectStage: Stage,
  register: string,
  details: DebtDetails,
  previousOwnerId?: number | null,
  moreErrors: FieldErrors = {},
) {
  const errors: FieldErrors = {};
  if (!isValidCategory(register, details.category)) {
    errors.category = `Choose one of the ${register} register's categories.`;
  }
  if (stageIndex(details.stageIncurred) > stageIndex(projectStage)) {
    errors.stageIncurred = `The project is in ${stageLabel[projectStage]}; debt cannot be incurred in a later stage.`;
  }
  Object.assign(errors, moreErrors);
  if (Object.keys(errors).length) throw new ValidationError("Check the highlighted fields.", errors);
  // An owner who has since left the team stays until someone changes the owner.
  if (details.ownerId !== previousOwnerId) requireMemberOwner(tx, projectId, details.ownerId, "ownerId");
}

function changedKeys<T extends object, K extends keyof T>(before: T, after: Partial<T>, keys: readonly K[]): K[] {
  return keys.filter((k) => k in after && after[k] !== before[k]);
}

type StepRow = { title: string; ownerId: number | null; dueDate: string | null };

/**
 * A new item's plan, checked with the rules of a plan update (domain validatePlan: dates, the
 * repay-before stage against the project's stage, each step's title and due date not after the
 * target). Field names carry the `plan.` prefix: `plan.targetDate`, `plan.steps.0.title`.
 */
function checkNewPlan(plan: NewDebtPlan, projectStage: Stage): { errors: FieldErrors; steps: StepRow[] } {
  const steps = plan.steps.map((s) => ({
    title: s.title.trim(),
    ownerId: s.ownerId ?? null,
    dueDate: s.dueDate?.trim() || null,
  }));
  const errors: FieldErrors = {};
  for (const [key, message] of Object.entries(validatePlan({ ...plan, steps }, projectStage)))
    errors[`plan.${key}`] = message;
  if (steps.length > MAX_PLAN_STEPS)
    errors["plan.steps"] = `Plan at most ${MAX_PLAN_STEPS} steps; add more on the item later.`;
  return { errors, steps };
}

/**
 * Logs an item, optionally with its repayment plan and steps (the API logs both in one call).
 * One transaction and one "debt.created" activity row, which holds the plan and its steps too;
 * anything invalid refuses the whole item.
 */
export function createDebtItem(
  {
    actor,
    projectId,
    register,
    plan,
    now: inputNow,
    tellOwners = true,
    ...details
  }: DebtDetails & {
    actor: Actor;
    projectId: number;
    register: Register;
    plan?: NewDebtPlan;
    now?: number;
    /** False when the caller tells the owners itself, once for many items (debt/import.server.ts). */
    tellOwners?: boolean;
  },
  options?: WriteOptions,
): DebtItem {
  return withTx(withInputNow(options, inputNow), (tx, now) => {
    const project = projectForWrite(tx, actor, projectId, "debt:write");
    const planned = plan ? checkNewPlan(plan, project.stage) : null;
    checkDetails(tx, projectId, project.stage, register, details, undefined, planned?.errors);
    planned?.steps.forEach((step, i) => requireMemberOwner(tx, projectId, step.ownerId, `plan.steps.${i}.ownerId`));
    const watch = watchSignOffs(tx, projectId);
    const created = tx
      .insert(debtItems)
      .values({
        ...details,
        ...(plan
          ? {
              strategy: plan.strategy.trim() || null,
              targetDate: plan.targetDate?.trim() || null,
              repayBeforeStage: plan.repayBeforeStage ?? null,
            }
          : {}),
        projectId,
        register,
        status: "open",
        openedAt: now,
        createdById: actor.id,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    const steps = (planned?.steps ?? []).map((step, i) =>
      tx
        .insert(repaymentSteps)
        .values({ debtItemId: created.id, position: i + 1, ...step, createdAt: now })
        .returning()
        .get(),
    );
    record(
      tx,
      actor,
      created,
      "debt.created",
      debtLogged(actor.name, created, plan ? { steps: steps.length, targetDate: created.targetDate } : null),
      undefined,
      {
        register,
        ...pick(created, DETAIL_KEYS),
        status: created.status,
        ...(plan
          ? {
              ...pick(created, PLAN_KEYS),
              steps: steps.map((s) => ({
                id: s.id,
                position: s.position,
                title: s.title,
                ownerId: s.ownerId,
                dueDate: s.dueDate,
              })),
            }
          : {}),
      },
      now,
    );
    enqueueDebtEvent(tx, "debt.created", created, now);
    // The item's owner, then each step's (one notice per person: the item's link is shared).
    const assigned: NotificationDraft[] = [];
    if (tellOwners && created.ownerId != null) {
      assigned.push(debtItemAssignedDraft({ project, ownerId: created.ownerId, actorName: actor.name, item: created }));
    }
    for (const step of steps) {
      if (tellOwners && step.ownerId != null) {
        assigned.push(
          debtStepAssignedDraft({ project, ownerId: step.ownerId, actorName: actor.name, item: created, step }),
        );
      }
    }
    notify(tx, {
      actorId: actor.id,
      drafts: [...assigned, ...staleDrafts(tx, watch, { actorId: actor.id, now })],
      now,
    });
    return created;
  });
}

/**
 * Edits an item's details and/or its plan (strategy, target date, repay-before stage).
 * Nothing changed = nothing written. The plan is checked against the existing steps.
 */
export function updateDebtItem(
  { details, plan, ...mutation }: ItemMutation & { details?: DebtDetails; plan?: DebtPlan },
  options?: WriteOptions,
): DebtItem {
  return withTx(withInputNow(options, mutation.now), (tx, now) => {
    const { item, project } = beginItemWrite(tx, mutation);
    if (details) checkDetails(tx, item.projectId, project.stage, item.register, details, item.ownerId);
    if (plan) {
      if (isSettledDebt(item.status)) throw new ConflictError(settledMessage(item));
      const steps = loadSteps(tx, item.id);
      const errors = validatePlan(
        { ...plan, steps: steps.map((s) => ({ title: s.title, dueDate: s.dueDate })) },
        project.stage,
      );
      // A stage the project has since reached is flagged on the page, not a reason to refuse
      // an unrelated edit of the plan.
      if (plan.repayBeforeStage === item.repayBeforeStage) delete errors.repayBeforeStage;
      const fields: FieldErrors = {};
      for (const [key, message] of Object.entries(errors)) {
        if (key.startsWith("steps.")) fields.targetDate ??= message;
        else fields[key] = message;
      }
      if (Object.keys(fields).length) throw new ValidationError("Check the repayment plan.", fields);
    }
    const set: Partial<DebtItem> = { ...details, ...(plan ? { ...plan, strategy: plan.strategy || null } : {}) };
    const changed = changedKeys(item, set, [...DETAIL_KEYS, ...PLAN_KEYS]);
    if (changed.length === 0) {
      if (item.version !== mutation.version) throw staleItem(item.title);
      return item;
    }
    // Only these fields are in a discipline's view (app/domain/concerns.ts): the rest stales nobody.
    const watch = changed.some((k) => (VIEW_KEYS as readonly string[]).includes(k))
      ? watchSignOffs(tx, item.projectId)
      : null;
    const after = writeItem(tx, item, mutation.version, Object.fromEntries(changed.map((k) => [k, set[k]])), now);
    const detailsChanged = changed.some((k) => (DETAIL_KEYS as readonly string[]).includes(k));
    record(
      tx,
      mutation.actor,
      item,
      detailsChanged ? "debt.updated" : "debt.plan_updated",
      debtEdited(mutation.actor.name, after.title, changed, detailsChanged),
      pick(item, changed),
      pick(after, changed),
      now,
    );
    const owner = newOwner(item.ownerId, after.ownerId);
    notify(tx, {
      actorId: mutation.actor.id,
      drafts: [
        ...(owner != null
          ? [debtItemAssignedDraft({ project, ownerId: owner, actorName: mutation.actor.name, item: after })]
          : []),
        ...staleDrafts(tx, watch, { actorId: mutation.actor.id, now }),
      ],
      now,
    });
    return after;
  });
}

export type StatusChange = {
  to: DebtStatus;
  note?: string;
  justification?: string;
  reviewDate?: string;
};

const ALLOWED_BY_HAND: Record<DebtStatus, DebtStatus[]> = {
  open: ["repaying", "repaid", "accepted"],
  repaying: ["repaid", "accepted"],
  repaid: ["open"],
  accepted: ["open"],
  // Only stopping the project writes debt off, and written off is final (writeOffOpenDebt).
  written_off: [],
};

/**
 * Status by hand: repaying; repaid (with a note); accepted (justification and a review date
 * after `today`); or `open` to reopen a repaid or accepted item (it becomes repaying when
 * some steps are done). The history stays in the activity log.
 */
export function setDebtStatus(
  { change, today, ...mutation }: ItemMutation & { change: StatusChange; today: string },
  options?: WriteOptions,
): DebtItem {
  return withTx(withInputNow(options, mutation.now), (tx, now) => {
    const { item } = beginItemWrite(tx, mutation);
    if (item.status === "written_off") {
      throw new ConflictError(
        `${quote(item.title)} was written off when its project stopped; its status no longer changes. Log a new item if the debt is still there.`,
      );
    }
    if (change.to === "written_off") {
      throw new ConflictError("Debt is written off only when its project is stopped, from the project's page.");
    }
    if (!ALLOWED_BY_HAND[item.status].includes(change.to)) {
      throw new ConflictError(
        `${quote(item.title)} is ${debtStatusLabel[item.status].toLowerCase()}; it cannot be marked ${debtStatusLabel[change.to].toLowerCase()}.`,
      );
    }
    const errors = validateStatusChange(change, today);
    if (Object.keys(errors).length) throw new ValidationError("Check the highlighted fields.", errors);
    const note = change.note?.trim() || null;
    let set: Partial<DebtItem>;
    if (change.to === "open") {
      const steps = loadSteps(tx, item.id);
      set = {
        status: steps.some((s) => s.doneAt != null) ? "repaying" : "open",
        statusNote: note,
        repaidAt: null,
        acceptedJustification: null,
        acceptedReviewDate: null,
      };
    } else if (change.to === "accepted") {
      set = {
        status: "accepted",
        statusNote: note,
        acceptedJustification: change.justification!.trim(),
        acceptedReviewDate: change.reviewDate!,
      };
    } else {
      set = { status: change.to, statusNote: note, repaidAt: change.to === "repaid" ? now : null };
    }
    const watch = watchSignOffs(tx, item.projectId);
    const after = writeItem(tx, item, mutation.version, set, now);
    const keys = ["status", "statusNote", "repaidAt", "acceptedJustification", "acceptedReviewDate"] as const;
    record(
      tx,
      mutation.actor,
      item,
      "debt.status_changed",
      debtStatusChanged(
        mutation.actor.name,
        item.title,
        change.to === "open"
          ? { to: "open", now: after.status }
          : change.to === "accepted"
            ? { to: "accepted", reviewDate: after.acceptedReviewDate, justification: after.acceptedJustification }
            : { to: change.to, note },
      ),
      pick(item, keys),
      pick(after, keys),
      now,
    );
    enqueueIfRepaid(tx, item, after, now);
    notify(tx, {
      actorId: mutation.actor.id,
      drafts: staleDrafts(tx, watch, { actorId: mutation.actor.id, now }),
      now,
    });
    return after;
  });
}

// ---------- writing off a stopped project's open debt ----------

/** The open (open or repaying) items of a project, oldest first. */
export function openDebtOf(projectId: number, database: Tx | typeof db = db): DebtItem[] {
  return database
    .select()
    .from(debtItems)
    .where(and(eq(debtItems.projectId, projectId), inArray(debtItems.status, UNSETTLED)))
    .orderBy(asc(debtItems.id))
    .all();
}

/**
 * Writes off every open item of a project that is being stopped (docs/domain.md, "Stopping and
 * reopening a project"): status `written_off`, the reason as its status note, interest ends
 * today. Each item gets its own activity row ("debt.written_off"). The caller (changeProjectState)
 * holds the transaction, checked the permission and the reason. Returns the ids written off.
 */
export function writeOffOpenDebt(
  tx: Tx,
  {
    actor,
    projectId,
    projectName,
    reason,
    now,
  }: { actor: Actor; projectId: number; projectName: string; reason: string; now: number },
): number[] {
  const keys = ["status", "statusNote", "writtenOffAt"] as const;
  const ids: number[] = [];
  for (const item of openDebtOf(projectId, tx)) {
    const after = tx
      .update(debtItems)
      .set({
        status: "written_off",
        statusNote: reason,
        writtenOffAt: now,
        updatedAt: now,
        version: sql`${debtItems.version} + 1`,
      })
      .where(eq(debtItems.id, item.id))
      .returning()
      .get()!;
    record(
      tx,
      actor,
      item,
      "debt.written_off",
      debtWrittenOff(actor.name, item.title, projectName, reason),
      pick(item, keys),
      pick(after, keys),
      now,
    );
    ids.push(item.id);
  }
  return ids;
}
