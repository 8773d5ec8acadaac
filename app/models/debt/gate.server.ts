/**
 * What the gates model needs of debt: a sign-off's conditions written as debt items, the open
 * debt a gate looks at, and the conditions attached to a review.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { db, type Tx } from "../../../db/client.server";
import { debtItems, signOffs, users, type DebtItem } from "../../../db/schema";
import { type Stage } from "~/domain/vocabulary";
import type { DebtStatus, Register } from "~/domain/debt";
import { stepsOfProject, UNSETTLED } from "./shared.server";

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
    principalDays?: number;
    interestDays?: number;
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
      // The condition is its own plan (meet it before the stage it is due), so it does not
      // fail "every open debt item has a repayment plan" by itself.
      strategy: "Meet this condition of the gate sign-off.",
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
  /** Set for a condition of an approval with conditions. */
  signOffId: number | null;
  stepCount: number;
  steps: Array<{ id: number; title: string; ownerId: number | null; dueDate: string | null; done: boolean }>;
};

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
      signOffId: debtItems.signOffId,
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
