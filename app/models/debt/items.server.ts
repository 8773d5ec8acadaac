/**
 * Debt items: logging one, editing its details or its plan, and its status by hand. Every
 * mutation: one transaction, `projectForWrite(..., "debt:write")`, the item's `version` checked,
 * exactly one activity row (entity_type "debt_item"). Rules come from app/domain/debt.ts.
 */
import { db, type Tx } from "../../../db/client.server";
import { debtItems, type DebtItem, type Stage } from "../../../db/schema";
import { isValidCategory, validatePlan, validateStatusChange, type DebtStatus, type Register } from "~/domain/debt";
import { ConflictError, ValidationError, type FieldErrors } from "~/domain/errors";
import { debtStatusLabel, registerLabel, severityLabel, stageLabel } from "~/domain/labels";
import { stageIndex } from "~/domain/stages";
import { projectForWrite } from "../projects.server";
import type { Actor } from "../users.server";
import { enqueueDebtEvent, enqueueIfRepaid } from "../webhook-outbox.server";
import {
  beginItemWrite,
  fieldWords,
  isClosed,
  loadSteps,
  pick,
  quote,
  record,
  requireMemberOwner,
  staleItem,
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

const DETAIL_KEYS = [
  "title",
  "description",
  "category",
  "benefit",
  "stageIncurred",
  "severity",
  "principalDays",
  "interestDays",
  "ownerId",
] as const satisfies readonly (keyof DebtDetails)[];
const PLAN_KEYS = ["strategy", "targetDate", "repayBeforeStage"] as const satisfies readonly (keyof DebtPlan)[];

function checkDetails(
  tx: Tx,
  projectId: number,
  projectStage: Stage,
  register: string,
  details: DebtDetails,
  previousOwnerId?: number | null,
) {
  const errors: FieldErrors = {};
  if (!isValidCategory(register, details.category)) {
    errors.category = `Choose one of the ${register} register's categories.`;
  }
  if (stageIndex(details.stageIncurred) > stageIndex(projectStage)) {
    errors.stageIncurred = `The project is in ${stageLabel[projectStage]}; debt cannot be incurred in a later stage.`;
  }
  if (Object.keys(errors).length) throw new ValidationError("Check the highlighted fields.", errors);
  // An owner who has since left the team stays until someone changes the owner.
  if (details.ownerId !== previousOwnerId) requireMemberOwner(tx, projectId, details.ownerId, "ownerId");
}

function changedKeys<T extends object, K extends keyof T>(before: T, after: Partial<T>, keys: readonly K[]): K[] {
  return keys.filter((k) => k in after && after[k] !== before[k]);
}

export function createDebtItem({
  actor,
  projectId,
  register,
  now = Date.now(),
  ...details
}: DebtDetails & { actor: Actor; projectId: number; register: Register; now?: number }): DebtItem {
  return db.transaction((tx) => {
    const project = projectForWrite(tx, actor, projectId, "debt:write");
    checkDetails(tx, projectId, project.stage, register, details);
    const created = tx
      .insert(debtItems)
      .values({
        ...details,
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
    record(
      tx,
      actor,
      created,
      "debt.created",
      `${actor.name} logged ${quote(created.title)} in the ${registerLabel[register].toLowerCase()} debt register (${severityLabel[created.severity]}, ${created.principalDays} person-days to repay)`,
      undefined,
      { register, ...pick(created, DETAIL_KEYS), status: created.status },
      now,
    );
    enqueueDebtEvent(tx, "debt.created", created, now);
    return created;
  });
}

/**
 * Edits an item's details and/or its plan (strategy, target date, repay-before stage).
 * Nothing changed = nothing written. The plan is checked against the existing steps.
 */
export function updateDebtItem({
  details,
  plan,
  ...mutation
}: ItemMutation & { details?: DebtDetails; plan?: DebtPlan }): DebtItem {
  const now = mutation.now ?? Date.now();
  return db.transaction((tx) => {
    const { item, project } = beginItemWrite(tx, mutation);
    if (details) checkDetails(tx, item.projectId, project.stage, item.register, details, item.ownerId);
    if (plan) {
      if (isClosed(item.status)) {
        throw new ConflictError(
          `${quote(item.title)} is ${debtStatusLabel[item.status].toLowerCase()}; reopen it before changing its repayment plan.`,
        );
      }
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
    const after = writeItem(tx, item, mutation.version, Object.fromEntries(changed.map((k) => [k, set[k]])), now);
    const detailsChanged = changed.some((k) => (DETAIL_KEYS as readonly string[]).includes(k));
    record(
      tx,
      mutation.actor,
      item,
      detailsChanged ? "debt.updated" : "debt.plan_updated",
      `${mutation.actor.name} ${detailsChanged ? "edited" : "changed the repayment plan of"} ${quote(after.title)} (${fieldWords(changed)})`,
      pick(item, changed),
      pick(after, changed),
      now,
    );
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
};

/**
 * Status by hand: repaying; repaid (with a note); accepted (justification and a review date
 * after `today`); or `open` to reopen a repaid or accepted item (it becomes repaying when
 * some steps are done). The history stays in the activity log.
 */
export function setDebtStatus({
  change,
  today,
  ...mutation
}: ItemMutation & { change: StatusChange; today: string }): DebtItem {
  const now = mutation.now ?? Date.now();
  return db.transaction((tx) => {
    const { item } = beginItemWrite(tx, mutation);
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
    const after = writeItem(tx, item, mutation.version, set, now);
    const what =
      change.to === "open"
        ? `reopened ${quote(item.title)} (now ${debtStatusLabel[after.status].toLowerCase()})`
        : change.to === "accepted"
          ? `accepted ${quote(item.title)} until a review on ${after.acceptedReviewDate}: ${after.acceptedJustification}`
          : `marked ${quote(item.title)} ${debtStatusLabel[change.to].toLowerCase()}${note ? `: ${note}` : ""}`;
    const keys = ["status", "statusNote", "repaidAt", "acceptedJustification", "acceptedReviewDate"] as const;
    record(tx, mutation.actor, item, "debt.status_changed", `${mutation.actor.name} ${what}`, pick(item, keys), pick(after, keys), now);
    enqueueIfRepaid(tx, item, after, now);
    return after;
  });
}
