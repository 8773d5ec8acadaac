/**
 * Debt items and their repayment plans (DESIGN.md "Debt item"). Every mutation: one
 * transaction, `projectForWrite(..., "debt:write")`, the item's `version` checked (steps are
 * part of the item, so a step change bumps the item's version too), exactly one activity row
 * (entity_type "debt_item"). Rules (categories, interest, overdue, status after steps, plan and
 * status validation) come from app/domain/debt.ts; this module loads, checks and writes.
 *
 * The read side for the org-wide register (/debt, /debt.csv) is in the second half: one
 * filter builder, so the page, its totals and the CSV always select the same rows.
 */
import { and, asc, desc, eq, inArray, isNull, not, sql, type SQL } from "drizzle-orm";
import { alias, type AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import Database from "better-sqlite3";
import { db, type Tx } from "../../db/client.server";
import {
  activity,
  debtItems,
  memberships,
  projects,
  repaymentSteps,
  signOffs,
  users,
  type DebtItem,
  type RepaymentStep,
  type Stage,
} from "../../db/schema";
import {
  accruedInterest,
  categoryLabel,
  isDueBeforeNextStage,
  isOverdue,
  isValidCategory,
  statusAfterStepChange,
  summarize,
  validatePlan,
  validateStatusChange,
  type DebtStatus,
  type DebtSummary,
  type Register,
} from "~/domain/debt";
import { utcDate } from "~/domain/dates";
import { ConflictError, NotFoundError, ValidationError, type FieldErrors } from "~/domain/errors";
import { debtStatusLabel, registerLabel, severityLabel, stageLabel } from "~/domain/labels";
import type { CsvValue } from "~/utils/csv.server";
import { stageIndex } from "~/domain/stages";
import type { DebtFilters, DebtSort } from "~/utils/debt-validation";
import { recordActivity } from "./activity.server";
import { projectForWrite } from "./projects.server";
import type { Actor } from "./users.server";
import { enqueueDebtEvent, enqueueIfRepaid } from "./webhooks.server";

export const DEBT_PAGE_SIZE = 50;

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

export type StepInput = { title: string; ownerId: number | null; dueDate: string | null };

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

/** How a changed field reads in a history line. */
const FIELD_WORDS: Record<string, string> = {
  title: "title",
  description: "description",
  category: "category",
  benefit: "why it was taken on",
  stageIncurred: "stage incurred",
  severity: "severity",
  principalDays: "principal",
  interestDays: "interest",
  ownerId: "owner",
  strategy: "strategy",
  targetDate: "target date",
  repayBeforeStage: "repay-before stage",
  dueDate: "due date",
};
const fieldWords = (keys: readonly string[]) => keys.map((k) => FIELD_WORDS[k] ?? k).join(", ");

const isClosed = (status: DebtStatus) => status === "repaid" || status === "accepted";
const quote = (text: string) => `“${text}”`;

// ---------- helpers shared by the mutations ----------

function loadItem(tx: Tx, itemId: number): DebtItem {
  const item = tx.select().from(debtItems).where(eq(debtItems.id, itemId)).get();
  if (!item) throw new NotFoundError("No such debt item.");
  return item;
}

function loadSteps(tx: Tx, itemId: number): RepaymentStep[] {
  return tx
    .select()
    .from(repaymentSteps)
    .where(eq(repaymentSteps.debtItemId, itemId))
    .orderBy(asc(repaymentSteps.position), asc(repaymentSteps.id))
    .all();
}

function staleItem(title: string) {
  return new ConflictError(
    `${quote(title)} was changed by someone else since you opened the page. Reload to see their changes, then make yours again.`,
  );
}

/** Null is fine (no owner yet); anyone else must be on the project's team. */
function requireMemberOwner(tx: Tx, projectId: number, ownerId: number | null, field: string): string | null {
  if (ownerId == null) return null;
  const member = tx
    .select({ name: users.name, active: users.active })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.projectId, projectId), eq(memberships.userId, ownerId)))
    .get();
  if (!member || !member.active) {
    throw new ValidationError("The owner must be a member of this project.", {
      [field]: "Choose an owner from the project's members (add them to the team first).",
    });
  }
  return member.name;
}

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

/** Bumps the item's version (the optimistic lock) together with any field changes. */
function writeItem(tx: Tx, item: DebtItem, version: number, set: Partial<DebtItem>, now: number): DebtItem {
  const after = tx
    .update(debtItems)
    .set({ ...set, updatedAt: now, version: sql`${debtItems.version} + 1` })
    .where(and(eq(debtItems.id, item.id), eq(debtItems.version, version)))
    .returning()
    .get();
  if (!after) throw staleItem(item.title);
  return after;
}

function pick<T extends object, K extends keyof T>(row: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, row[k]])) as Pick<T, K>;
}

function changedKeys<T extends object, K extends keyof T>(before: T, after: Partial<T>, keys: readonly K[]): K[] {
  return keys.filter((k) => k in after && after[k] !== before[k]);
}

type ItemMutation = { actor: Actor; itemId: number; version: number; now?: number };

/** Loads the item and checks the actor may write its project; steps need an unsettled item. */
function beginItemWrite(tx: Tx, { actor, itemId }: ItemMutation, forSteps = false) {
  const item = loadItem(tx, itemId);
  const project = projectForWrite(tx, actor, item.projectId, "debt:write");
  if (forSteps && isClosed(item.status)) {
    throw new ConflictError(
      `${quote(item.title)} is ${debtStatusLabel[item.status].toLowerCase()}; reopen it before changing its repayment plan.`,
    );
  }
  return { item, project };
}

function record(
  tx: Tx,
  actor: Actor,
  item: Pick<DebtItem, "id" | "projectId">,
  action: string,
  summary: string,
  before: unknown,
  after: unknown,
  now: number,
) {
  recordActivity(tx, {
    actorId: actor.id,
    projectId: item.projectId,
    entityType: "debt_item",
    entityId: item.id,
    action,
    summary,
    before,
    after,
    via: actor.via,
    at: now,
  });
}

/** Status and its dates after the steps changed. */
function statusSet(item: DebtItem, steps: Array<{ done: boolean }>, now: number): Partial<DebtItem> {
  const status = statusAfterStepChange(item.status, steps);
  if (status === item.status) return {};
  return status === "repaid"
    ? { status, repaidAt: now, statusNote: "All repayment steps are done." }
    : { status, repaidAt: null };
}

const statusWords = (set: Partial<DebtItem>) =>
  set.status ? `; the item is now ${debtStatusLabel[set.status].toLowerCase()}` : "";

// ---------- items ----------

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

// ---------- repayment steps ----------

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

export function addRepaymentStep({ step, ...mutation }: ItemMutation & { step: StepInput }): RepaymentStep {
  const now = mutation.now ?? Date.now();
  return db.transaction((tx) => {
    const { item, project } = beginItemWrite(tx, mutation, true);
    const steps = loadSteps(tx, item.id);
    checkStep(item, steps, steps.length, step, project.stage);
    requireMemberOwner(tx, item.projectId, step.ownerId, "ownerId");
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
      `${mutation.actor.name} added step ${steps.length + 1} ${quote(created.title)} to the plan of ${quote(item.title)}${created.dueDate ? `, due ${created.dueDate}` : ""}`,
      undefined,
      { step: stepView(created) },
      now,
    );
    return created;
  });
}

function findStep(steps: RepaymentStep[], stepId: number) {
  const index = steps.findIndex((s) => s.id === stepId);
  if (index < 0) throw new NotFoundError("That step is not part of this repayment plan.");
  return { step: steps[index], index };
}

export function updateRepaymentStep({
  stepId,
  step: input,
  ...mutation
}: ItemMutation & { stepId: number; step: StepInput }): RepaymentStep {
  const now = mutation.now ?? Date.now();
  return db.transaction((tx) => {
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
      `${mutation.actor.name} edited step ${index + 1} ${quote(after.title)} of ${quote(item.title)} (${fieldWords(keys)})`,
      { stepId: step.id, ...pick(step, keys) },
      { stepId: step.id, ...pick(after, keys) },
      now,
    );
    return after;
  });
}

/** Ticks or unticks a step; the item's status follows (statusAfterStepChange). */
export function setRepaymentStepDone({
  stepId,
  done,
  ...mutation
}: ItemMutation & { stepId: number; done: boolean }): DebtItem {
  const now = mutation.now ?? Date.now();
  return db.transaction((tx) => {
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
    const set = statusSet(item, views, now);
    const after = writeItem(tx, item, mutation.version, set, now);
    record(
      tx,
      mutation.actor,
      item,
      done ? "debt.step_done" : "debt.step_undone",
      `${mutation.actor.name} marked step ${index + 1} ${quote(step.title)} of ${quote(item.title)} ${done ? "done" : "not done"}${statusWords(set)}`,
      { stepId: step.id, done: !done, status: item.status },
      { stepId: step.id, done, status: after.status },
      now,
    );
    enqueueIfRepaid(tx, item, after, now);
    return after;
  });
}

export function moveRepaymentStep({
  stepId,
  direction,
  ...mutation
}: ItemMutation & { stepId: number; direction: "up" | "down" }): void {
  const now = mutation.now ?? Date.now();
  db.transaction((tx) => {
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
      tx.update(repaymentSteps).set({ position: i + 1 }).where(eq(repaymentSteps.id, id)).run();
    });
    record(
      tx,
      mutation.actor,
      item,
      "debt.step_moved",
      `${mutation.actor.name} moved step ${quote(step.title)} of ${quote(item.title)} ${direction} (now step ${otherIndex + 1})`,
      { stepIds: steps.map((s) => s.id) },
      { stepIds: order },
      now,
    );
  });
}

export function removeRepaymentStep({ stepId, ...mutation }: ItemMutation & { stepId: number }): DebtItem {
  const now = mutation.now ?? Date.now();
  return db.transaction((tx) => {
    const { item } = beginItemWrite(tx, mutation, true);
    const steps = loadSteps(tx, item.id);
    const { step, index } = findStep(steps, stepId);
    tx.delete(repaymentSteps).where(eq(repaymentSteps.id, step.id)).run();
    const set = statusSet(item, steps.filter((s) => s.id !== step.id).map(stepView), now);
    const after = writeItem(tx, item, mutation.version, set, now);
    record(
      tx,
      mutation.actor,
      item,
      "debt.step_removed",
      `${mutation.actor.name} removed step ${index + 1} ${quote(step.title)} from the plan of ${quote(item.title)}${statusWords(set)}`,
      { step: stepView(step), status: item.status },
      set.status ? { status: after.status } : undefined,
      now,
    );
    enqueueIfRepaid(tx, item, after, now);
    return after;
  });
}

// ---------- for the gates model ----------

/**
 * A condition of an "approve with conditions" sign-off as a debt item. No activity row of its
 * own: the sign-off's row covers it. The caller holds the transaction and checked the owner.
 */
export function insertConditionDebtItem(
  tx: Tx,
  input: {
    projectId: number;
    register: Register;
    title: string;
    ownerId: number | null;
    targetDate: string | null;
    repayBeforeStage: Stage | null;
    signOffId: number;
    createdById: number;
    stageIncurred: Stage;
    now: number;
  },
): number {
  const { now, ...values } = input;
  return tx
    .insert(debtItems)
    .values({
      ...values,
      category: "other",
      severity: "medium",
      description: "A condition of a gate sign-off.",
      status: "open",
      openedAt: now,
      createdAt: now,
      updatedAt: now,
    })
    .returning({ id: debtItems.id })
    .get().id;
}

export type GateDebtFact = {
  id: number;
  register: Register;
  title: string;
  status: DebtStatus;
  severity: DebtItem["severity"];
  ownerId: number | null;
  strategy: string | null;
  targetDate: string | null;
  repayBeforeStage: Stage | null;
  principalDays: number;
  interestDays: number;
  stepCount: number;
  steps: Array<{ id: number; title: string; ownerId: number | null; dueDate: string | null; done: boolean }>;
};

const UNSETTLED = ["open", "repaying"] as const;

/** The open (open or repaying) debt of a project with plans and steps: two queries. */
export function gateDebtFacts(projectId: number, database: Tx | typeof db = db): GateDebtFact[] {
  const items = database
    .select({
      id: debtItems.id,
      register: debtItems.register,
      title: debtItems.title,
      status: debtItems.status,
      severity: debtItems.severity,
      ownerId: debtItems.ownerId,
      strategy: debtItems.strategy,
      targetDate: debtItems.targetDate,
      repayBeforeStage: debtItems.repayBeforeStage,
      principalDays: debtItems.principalDays,
      interestDays: debtItems.interestDays,
    })
    .from(debtItems)
    .where(and(eq(debtItems.projectId, projectId), inArray(debtItems.status, UNSETTLED)))
    .orderBy(asc(debtItems.id))
    .all();
  const steps = stepsOfProject(database, projectId, true);
  return items.map((item) => {
    const own = (steps.get(item.id) ?? []).map(({ doneAt, ...s }) => ({ ...s, done: doneAt != null }));
    return { ...item, stepCount: own.length, steps: own };
  });
}

/** Steps of a project's items, by item id, in plan order. */
function stepsOfProject(database: Tx | typeof db, projectId: number, unsettledOnly = false) {
  const rows = database
    .select({
      itemId: repaymentSteps.debtItemId,
      id: repaymentSteps.id,
      title: repaymentSteps.title,
      ownerId: repaymentSteps.ownerId,
      dueDate: repaymentSteps.dueDate,
      doneAt: repaymentSteps.doneAt,
    })
    .from(repaymentSteps)
    .innerJoin(debtItems, eq(debtItems.id, repaymentSteps.debtItemId))
    .where(
      unsettledOnly
        ? and(eq(debtItems.projectId, projectId), inArray(debtItems.status, UNSETTLED))
        : eq(debtItems.projectId, projectId),
    )
    .orderBy(asc(repaymentSteps.debtItemId), asc(repaymentSteps.position), asc(repaymentSteps.id))
    .all();
  const byItem = new Map<number, Omit<(typeof rows)[number], "itemId">[]>();
  for (const { itemId, ...step } of rows) {
    const list = byItem.get(itemId) ?? [];
    list.push(step);
    byItem.set(itemId, list);
  }
  return byItem;
}

/** The conditions attached to a review's sign-offs, for the gate page. */
export function conditionItemsForReview(reviewId: number) {
  const owner = alias(users, "owner");
  return db
    .select({
      id: debtItems.id,
      register: debtItems.register,
      title: debtItems.title,
      status: debtItems.status,
      ownerId: debtItems.ownerId,
      ownerName: owner.name,
      targetDate: debtItems.targetDate,
      repayBeforeStage: debtItems.repayBeforeStage,
      signOffId: debtItems.signOffId,
      discipline: signOffs.discipline,
    })
    .from(debtItems)
    .innerJoin(signOffs, eq(signOffs.id, debtItems.signOffId))
    .leftJoin(owner, eq(owner.id, debtItems.ownerId))
    .where(eq(signOffs.reviewId, reviewId))
    .orderBy(asc(debtItems.id))
    .all();
}

// ---------- a project's registers ----------

const itemOwner = alias(users, "item_owner");

const projectItemColumns = {
  id: debtItems.id,
  register: debtItems.register,
  title: debtItems.title,
  category: debtItems.category,
  severity: debtItems.severity,
  status: debtItems.status,
  ownerId: debtItems.ownerId,
  ownerName: itemOwner.name,
  principalDays: debtItems.principalDays,
  interestDays: debtItems.interestDays,
  openedAt: debtItems.openedAt,
  repaidAt: debtItems.repaidAt,
  strategy: debtItems.strategy,
  targetDate: debtItems.targetDate,
  repayBeforeStage: debtItems.repayBeforeStage,
  signOffId: debtItems.signOffId,
};

function loadProjectItems(projectId: number, today: string, projectStage: Stage) {
  const rows = db
    .select(projectItemColumns)
    .from(debtItems)
    .leftJoin(itemOwner, eq(itemOwner.id, debtItems.ownerId))
    .where(eq(debtItems.projectId, projectId))
    .all();
  const steps = stepsOfProject(db, projectId);
  return rows.map((row) => {
    const own = (steps.get(row.id) ?? []).map((s) => ({ dueDate: s.dueDate, done: s.doneAt != null }));
    return {
      ...row,
      steps: own,
      stepCount: own.length,
      stepsDone: own.filter((s) => s.done).length,
      accruedInterestDays: accruedInterest(row, today),
      overdue: isOverdue({ ...row, steps: own }, today),
      dueBeforeNextStage: isDueBeforeNextStage(row, projectStage),
    };
  });
}

const STATUS_ORDER: Record<DebtStatus, number> = { open: 0, repaying: 0, accepted: 1, repaid: 2 };
const SEVERITY_ORDER = { critical: 0, high: 1, medium: 2, low: 3 } as const;

/**
 * One register of a project, unsettled and overdue items first, with the totals of both
 * registers (for the tabs) and "due before the next stage" counts.
 */
export function listProjectDebt({
  projectId,
  register,
  today,
  projectStage,
}: {
  projectId: number;
  register: Register;
  today: string;
  projectStage: Stage;
}) {
  const all = loadProjectItems(projectId, today, projectStage);
  const summary = summarize(all, today);
  const dueBeforeNextStage = { technical: 0, organizational: 0 };
  for (const item of all) if (item.dueBeforeNextStage) dueBeforeNextStage[item.register] += 1;
  const items = all
    .filter((item) => item.register === register)
    .sort(
      (a, b) =>
        STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
        Number(b.overdue) - Number(a.overdue) ||
        SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
        a.id - b.id,
    )
    .map(({ steps: _steps, ...item }) => ({ ...item, categoryLabel: categoryLabel(item.register, item.category) }));
  return { items, summary, dueBeforeNextStage };
}

export type ProjectDebtTotals = Record<Register, DebtSummary & { dueBeforeNextStageCount: number }>;

/** Both registers' totals for the project overview. */
export function debtTotalsForProject(projectId: number, today: string, projectStage?: Stage): ProjectDebtTotals {
  const stage =
    projectStage ??
    db.select({ stage: projects.stage }).from(projects).where(eq(projects.id, projectId)).get()?.stage ??
    "poc";
  const all = loadProjectItems(projectId, today, stage);
  const summary = summarize(all, today);
  const due = (register: Register) => all.filter((i) => i.register === register && i.dueBeforeNextStage).length;
  return {
    technical: { ...summary.technical, dueBeforeNextStageCount: due("technical") },
    organizational: { ...summary.organizational, dueBeforeNextStageCount: due("organizational") },
  };
}

/** One item with its steps and its history (newest first), or undefined. */
export function getDebtItem(itemId: number) {
  const creator = alias(users, "creator");
  const item = db
    .select({
      ...pickColumns(),
      ownerName: itemOwner.name,
      createdByName: creator.name,
    })
    .from(debtItems)
    .leftJoin(itemOwner, eq(itemOwner.id, debtItems.ownerId))
    .innerJoin(creator, eq(creator.id, debtItems.createdById))
    .where(eq(debtItems.id, itemId))
    .get();
  if (!item) return undefined;
  const stepOwner = alias(users, "step_owner");
  const doneBy = alias(users, "done_by");
  const steps = db
    .select({
      id: repaymentSteps.id,
      position: repaymentSteps.position,
      title: repaymentSteps.title,
      ownerId: repaymentSteps.ownerId,
      ownerName: stepOwner.name,
      dueDate: repaymentSteps.dueDate,
      doneAt: repaymentSteps.doneAt,
      doneByName: doneBy.name,
    })
    .from(repaymentSteps)
    .leftJoin(stepOwner, eq(stepOwner.id, repaymentSteps.ownerId))
    .leftJoin(doneBy, eq(doneBy.id, repaymentSteps.doneById))
    .where(eq(repaymentSteps.debtItemId, itemId))
    .orderBy(asc(repaymentSteps.position), asc(repaymentSteps.id))
    .all();
  const history = db
    .select({
      id: activity.id,
      at: activity.at,
      action: activity.action,
      summary: activity.summary,
      actorName: users.name,
    })
    .from(activity)
    .leftJoin(users, eq(users.id, activity.actorId))
    .where(and(eq(activity.entityType, "debt_item"), eq(activity.entityId, itemId)))
    .orderBy(desc(activity.id))
    .all();
  return { ...item, steps, history };
}

function pickColumns() {
  return {
    id: debtItems.id,
    projectId: debtItems.projectId,
    register: debtItems.register,
    title: debtItems.title,
    description: debtItems.description,
    category: debtItems.category,
    benefit: debtItems.benefit,
    stageIncurred: debtItems.stageIncurred,
    severity: debtItems.severity,
    principalDays: debtItems.principalDays,
    interestDays: debtItems.interestDays,
    ownerId: debtItems.ownerId,
    status: debtItems.status,
    statusNote: debtItems.statusNote,
    acceptedJustification: debtItems.acceptedJustification,
    acceptedReviewDate: debtItems.acceptedReviewDate,
    strategy: debtItems.strategy,
    targetDate: debtItems.targetDate,
    repayBeforeStage: debtItems.repayBeforeStage,
    signOffId: debtItems.signOffId,
    openedAt: debtItems.openedAt,
    repaidAt: debtItems.repaidAt,
    createdAt: debtItems.createdAt,
    updatedAt: debtItems.updatedAt,
    version: debtItems.version,
  };
}

// ---------- the organisation-wide register (/debt, /debt.csv) ----------

/**
 * Overdue, in SQL, exactly as domain `isOverdue`: open or repaying, and the target date or an
 * unfinished step's due date is before `today`.
 */
export function overdueSql(today: string): SQL {
  // Written with qualified names on purpose: drizzle leaves columns unqualified in the select
  // list of a single-table query, and inside the subquery "id" would then mean the step's id.
  const item = (column: string) => sql.raw(`"debt_items"."${column}"`);
  return sql`(${item("status")} in ('open', 'repaying') and ((${item("target_date")} is not null and ${item("target_date")} < ${today}) or exists (select 1 from "repayment_steps" as "rs" where "rs"."debt_item_id" = ${item("id")} and "rs"."done_at" is null and "rs"."due_date" is not null and "rs"."due_date" < ${today})))`;
}

function orgWhere(filters: DebtFilters, today: string): SQL | undefined {
  const where: SQL[] = [];
  if (filters.register) where.push(eq(debtItems.register, filters.register));
  if (filters.status === "unpaid") where.push(inArray(debtItems.status, UNSETTLED));
  else if (filters.status) where.push(eq(debtItems.status, filters.status));
  if (filters.severity) where.push(eq(debtItems.severity, filters.severity));
  if (filters.category) where.push(eq(debtItems.category, filters.category));
  if (filters.project) where.push(eq(debtItems.projectId, filters.project));
  if (filters.owner === "none") where.push(isNull(debtItems.ownerId));
  else if (filters.owner) where.push(eq(debtItems.ownerId, filters.owner));
  if (filters.overdue === "yes") where.push(overdueSql(today));
  if (filters.overdue === "no") where.push(not(overdueSql(today)));
  return where.length ? and(...where) : undefined;
}

const orgOwner = alias(users, "owner");

function orgColumns(today: string) {
  return {
    id: debtItems.id,
    projectId: debtItems.projectId,
    projectSlug: projects.slug,
    projectName: projects.name,
    register: debtItems.register,
    title: debtItems.title,
    description: debtItems.description,
    category: debtItems.category,
    benefit: debtItems.benefit,
    stageIncurred: debtItems.stageIncurred,
    severity: debtItems.severity,
    status: debtItems.status,
    statusNote: debtItems.statusNote,
    acceptedJustification: debtItems.acceptedJustification,
    acceptedReviewDate: debtItems.acceptedReviewDate,
    ownerId: debtItems.ownerId,
    ownerName: orgOwner.name,
    principalDays: debtItems.principalDays,
    interestDays: debtItems.interestDays,
    strategy: debtItems.strategy,
    targetDate: debtItems.targetDate,
    repayBeforeStage: debtItems.repayBeforeStage,
    openedAt: debtItems.openedAt,
    repaidAt: debtItems.repaidAt,
    overdue: sql<number>`${overdueSql(today)}`,
  };
}


function orgOrder(filters: DebtFilters, today: string): SQL[] {
  const dir = filters.dir === "asc" ? sql`asc` : sql`desc`;
  const rank = (column: AnySQLiteColumn, values: readonly string[]) =>
    sql`(case ${column} ${sql.join(values.map((v, i) => sql`when ${v} then ${i}`), sql` `)} else ${values.length} end)`;
  const end = sql`coalesce(case when ${debtItems.status} = 'repaid' then date(${debtItems.repaidAt} / 1000, 'unixepoch') end, ${today})`;
  // Sorting only: months approximated by days / 30.436875; displayed values are exact.
  const accrued = sql`(${debtItems.interestDays} * max(0, julianday(${end}) - julianday(date(${debtItems.openedAt} / 1000, 'unixepoch'))) / 30.436875)`;
  const expressions: Record<DebtSort, SQL> = {
    project: sql`lower(${projects.name})`,
    title: sql`lower(${debtItems.title})`,
    register: sql`${debtItems.register}`,
    category: sql`${debtItems.category}`,
    severity: rank(debtItems.severity, ["low", "medium", "high", "critical"]),
    status: rank(debtItems.status, ["open", "repaying", "accepted", "repaid"]),
    owner: sql`lower(${orgOwner.name})`,
    principal: sql`${debtItems.principalDays}`,
    interest: sql`${debtItems.interestDays}`,
    accrued,
    target: sql`${debtItems.targetDate}`,
    overdue: overdueSql(today),
    opened: sql`${debtItems.openedAt}`,
  };
  const nullable = filters.sort === "owner" || filters.sort === "target";
  return [
    sql`${expressions[filters.sort]} ${dir}${nullable ? sql` nulls last` : sql``}`,
    sql`${rank(debtItems.severity, ["low", "medium", "high", "critical"])} desc`,
    sql`${debtItems.targetDate} asc nulls last`,
    asc(debtItems.id),
  ];
}

type OrgRaw = ReturnType<ReturnType<typeof orgQuery>["all"]>[number];

function orgQuery(filters: DebtFilters, today: string) {
  return db
    .select(orgColumns(today))
    .from(debtItems)
    .innerJoin(projects, eq(projects.id, debtItems.projectId))
    .leftJoin(orgOwner, eq(orgOwner.id, debtItems.ownerId))
    .where(orgWhere(filters, today))
    .orderBy(...orgOrder(filters, today));
}

/** A row of the org-wide register, with the numbers the domain computes. */
function finishRow(row: OrgRaw, today: string) {
  return {
    ...row,
    overdue: Boolean(row.overdue),
    categoryLabel: categoryLabel(row.register, row.category),
    accruedInterestDays: accruedInterest(row, today),
  };
}

export type OrgDebtRow = ReturnType<typeof finishRow>;

export type OrgDebtTotals = {
  count: number;
  openCount: number;
  principalDays: number;
  accruedInterestDays: number;
  overdueCount: number;
};

/** Totals of the whole filtered set (not just the page). */
export function orgDebtTotals(filters: DebtFilters, today: string): OrgDebtTotals {
  const where = orgWhere(filters, today);
  const unsettled = sql`${debtItems.status} in ('open', 'repaying')`;
  const sums = db
    .select({
      count: sql<number>`count(*)`,
      openCount: sql<number>`coalesce(sum(case when ${unsettled} then 1 else 0 end), 0)`,
      principalDays: sql<number>`coalesce(sum(case when ${unsettled} then ${debtItems.principalDays} else 0 end), 0)`,
      overdueCount: sql<number>`coalesce(sum(case when ${overdueSql(today)} then 1 else 0 end), 0)`,
    })
    .from(debtItems)
    .where(where)
    .get()!;
  // Interest needs calendar months (domain monthsBetween), so it is summed here, row by row.
  const interestRows = db
    .select({
      interestDays: debtItems.interestDays,
      openedAt: debtItems.openedAt,
      repaidAt: debtItems.repaidAt,
      status: debtItems.status,
    })
    .from(debtItems)
    .where(and(where, sql`${debtItems.interestDays} > 0`))
    .all();
  const accruedInterestDays = interestRows.reduce((sum, row) => sum + accruedInterest(row, today), 0);
  return { ...sums, accruedInterestDays };
}

/** One page of the org-wide register, its totals and page count. */
export function listOrgDebt({
  filters,
  today,
  pageSize = DEBT_PAGE_SIZE,
}: {
  filters: DebtFilters;
  today: string;
  pageSize?: number;
}) {
  const totals = orgDebtTotals(filters, today);
  const pages = Math.max(1, Math.ceil(totals.count / pageSize));
  const page = Math.min(filters.page, pages);
  const rows = orgQuery(filters, today)
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .all()
    .map((row) => finishRow(row, today));
  return { rows, totals, page, pages, pageSize };
}

/**
 * Every row of the filtered set, in the page's order, one at a time, for the CSV download.
 *
 * It reads through its own read-only connection: a better-sqlite3 connection with an open
 * iterator refuses every write ("connection is busy"), and a download streams across many
 * event-loop turns. The separate connection also reads one consistent snapshot (WAL). Call
 * `close` when done (csvStream does, also when the client goes away).
 */
export function iterateOrgDebt(filters: DebtFilters, today: string): { rows: Iterator<OrgDebtRow>; close: () => void } {
  const query = orgQuery(filters, today);
  const file = db.$client.name;
  if (!file || file === ":memory:" || db.$client.memory) {
    const all = query.all().map((row) => finishRow(row, today));
    return { rows: all[Symbol.iterator](), close: () => {} };
  }
  const { sql: text, params } = query.toSQL();
  const keys = Object.keys(orgColumns(today)) as (keyof OrgRaw)[];
  const reader = new Database(file, { readonly: true, fileMustExist: true });
  reader.pragma("busy_timeout = 5000");
  const cursor = reader.prepare(text).raw(true).iterate(...params) as IterableIterator<unknown[]>;
  function* rows(): Generator<OrgDebtRow> {
    for (const values of cursor) {
      const row = Object.fromEntries(keys.map((key, i) => [key, values[i]])) as OrgRaw;
      yield finishRow(row, today);
    }
  }
  return {
    rows: rows(),
    close: () => {
      cursor.return?.();
      if (reader.open) reader.close();
    },
  };
}

/** Choices for the /debt filter form: projects, and people who own debt. */
export function orgDebtFilterOptions() {
  const projectOptions = db
    .select({ id: projects.id, name: projects.name })
    .from(projects)
    .orderBy(asc(projects.name))
    .all();
  const owners = db
    .selectDistinct({ id: users.id, name: users.name })
    .from(debtItems)
    .innerJoin(users, eq(users.id, debtItems.ownerId))
    .orderBy(asc(users.name))
    .all();
  return { projects: projectOptions, owners };
}

// ---------- the CSV columns of /debt.csv ----------

/** An instant as its UTC calendar date (ISO). */
const isoDate = (instant: number | null) => (instant == null ? null : utcDate(instant));

export const DEBT_CSV_HEADER = [
  "ID",
  "Project",
  "Register",
  "Title",
  "Category",
  "Severity",
  "Status",
  "Owner",
  "Principal (person-days)",
  "Interest (person-days per month)",
  "Accrued interest (person-days)",
  "Target date",
  "Repay before stage",
  "Overdue",
  "Stage incurred",
  "Opened",
  "Repaid",
  "Why it was taken on",
  "Description",
  "Strategy",
  "Status note",
  "Accepted because",
  "Review date",
] as const;

const round2 = (n: number) => Math.round(n * 100) / 100;

/** One CSV record: labels as on screen, numbers plain, dates ISO, overdue yes/no. */
export function debtCsvCells(row: OrgDebtRow): CsvValue[] {
  return [
    row.id,
    row.projectName,
    registerLabel[row.register],
    row.title,
    row.categoryLabel,
    severityLabel[row.severity],
    debtStatusLabel[row.status],
    row.ownerName,
    row.principalDays,
    row.interestDays,
    round2(row.accruedInterestDays),
    row.targetDate,
    row.repayBeforeStage ? stageLabel[row.repayBeforeStage] : null,
    row.overdue,
    stageLabel[row.stageIncurred],
    isoDate(row.openedAt),
    isoDate(row.repaidAt),
    row.benefit,
    row.description,
    row.strategy,
    row.statusNote,
    row.acceptedJustification,
    row.acceptedReviewDate,
  ];
}
