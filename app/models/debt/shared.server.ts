/**
 * What the debt modules share: loading an item for a write (its project checked, its `version`
 * the optimistic lock), the one activity row of a mutation, the owner check, and the steps of a
 * project's items. (How fields read in a history line: app/domain/activity-sentences.ts.)
 */
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { type db, type Tx } from "../../../db/client.server";
import { debtItems, memberships, repaymentSteps, users, type DebtItem, type RepaymentStep } from "../../../db/schema";
import { isSettledDebt } from "~/domain/debt";
import { ConflictError, NotFoundError, ValidationError } from "~/domain/errors";
import { debtStatusLabel } from "~/domain/labels";
import { quote } from "~/domain/activity-sentences";
import { recordActivity } from "../activity.server";
import { projectForWrite } from "../project-access.server";
import type { Actor } from "../users.server";

export { quote } from "~/domain/activity-sentences";

/** Why a settled item's plan cannot change, in words. */
export function settledMessage(item: Pick<DebtItem, "title" | "status">): string {
  return item.status === "written_off"
    ? `${quote(item.title)} was written off when its project stopped; its repayment plan no longer changes.`
    : `${quote(item.title)} is ${debtStatusLabel[item.status].toLowerCase()}; reopen it before changing its repayment plan.`;
}

// ---------- helpers shared by the mutations ----------

function loadItem(tx: Tx, itemId: number): DebtItem {
  const item = tx.select().from(debtItems).where(eq(debtItems.id, itemId)).get();
  if (!item) throw new NotFoundError("No such debt item.");
  return item;
}

export function loadSteps(tx: Tx, itemId: number): RepaymentStep[] {
  return tx
    .select()
    .from(repaymentSteps)
    .where(eq(repaymentSteps.debtItemId, itemId))
    .orderBy(asc(repaymentSteps.position), asc(repaymentSteps.id))
    .all();
}

export function staleItem(title: string) {
  return new ConflictError(
    `${quote(title)} was changed by someone else since you opened the page. Reload to see their changes, then make yours again.`,
  );
}

/** Null is fine (no owner yet); anyone else must be on the project's team. */
export function requireMemberOwner(tx: Tx, projectId: number, ownerId: number | null, field: string): string | null {
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

/** Bumps the item's version (the optimistic lock) together with any field changes. */
export function writeItem(tx: Tx, item: DebtItem, version: number, set: Partial<DebtItem>, now: number): DebtItem {
  const after = tx
    .update(debtItems)
    .set({ ...set, updatedAt: now, version: sql`${debtItems.version} + 1` })
    .where(and(eq(debtItems.id, item.id), eq(debtItems.version, version)))
    .returning()
    .get();
  if (!after) throw staleItem(item.title);
  return after;
}

export function pick<T extends object, K extends keyof T>(row: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, row[k]])) as Pick<T, K>;
}

/** `now` here is kept for existing callers; the options' `now` (transaction.server.ts) wins. */
export type ItemMutation = { actor: Actor; itemId: number; version: number; now?: number };

/** Loads the item and checks the actor may write its project; steps need an unsettled item. */
export function beginItemWrite(tx: Tx, { actor, itemId }: ItemMutation, forSteps = false) {
  const item = loadItem(tx, itemId);
  const project = projectForWrite(tx, actor, item.projectId, "debt:write");
  if (forSteps && isSettledDebt(item.status)) throw new ConflictError(settledMessage(item));
  return { item, project };
}

export function record(
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

// ---------- helpers shared by the reads ----------

/** Open debt: what still needs repaying. Repaid, accepted and written-off items are settled. */
export const UNSETTLED = ["open", "repaying"] as const;

/** Steps of a project's items, by item id, in plan order. */
export function stepsOfProject(database: Tx | typeof db, projectId: number, unsettledOnly = false) {
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
