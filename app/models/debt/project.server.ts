/**
 * A project's debt registers (the project's debt tab and overview) and one item with its steps
 * and history.
 */
import { and, asc, desc, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { db } from "../../../db/client.server";
import { activity, debtItems, projects, repaymentSteps, signOffs, users } from "../../../db/schema";
import { type Stage } from "~/domain/vocabulary";
import {
  accruedInterest,
  categoryLabel,
  isDueBeforeNextStage,
  isOverdue,
  overdueReason,
  summarize,
  type DebtStatus,
  type DebtSummary,
  type Register,
} from "~/domain/debt";
import { memoUntilWrite } from "../data-version.server";
import { stepsOfProject } from "./shared.server";

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
  writtenOffAt: debtItems.writtenOffAt,
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
      overdueReason: overdueReason({ ...row, steps: own }, today),
      dueBeforeNextStage: isDueBeforeNextStage(row, projectStage),
    };
  });
}

const STATUS_ORDER: Record<DebtStatus, number> = { open: 0, repaying: 0, accepted: 1, repaid: 2, written_off: 3 };
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

const totalsCache = new Map<string, { version: string; value: ProjectDebtTotals }>();

/** Both registers' totals for the project overview and the board (remembered until the next write). */
export function debtTotalsForProject(projectId: number, today: string, projectStage?: Stage): ProjectDebtTotals {
  return memoUntilWrite(
    totalsCache,
    `${projectId}|${today}|${projectStage ?? ""}`,
    () => computeTotals(projectId, today, projectStage),
    2000,
  );
}

function computeTotals(projectId: number, today: string, projectStage?: Stage): ProjectDebtTotals {
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
  // A condition of an "approve with conditions" sign-off: whose, and on which review.
  const signer = alias(users, "signer");
  const condition =
    item.signOffId == null
      ? null
      : (db
          .select({
            reviewId: signOffs.reviewId,
            discipline: signOffs.discipline,
            signerName: signer.name,
            signedAt: signOffs.signedAt,
          })
          .from(signOffs)
          .innerJoin(signer, eq(signer.id, signOffs.userId))
          .where(eq(signOffs.id, item.signOffId))
          .get() ?? null);
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
  return { ...item, condition, steps, history };
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
    writtenOffAt: debtItems.writtenOffAt,
    createdAt: debtItems.createdAt,
    updatedAt: debtItems.updatedAt,
    version: debtItems.version,
  };
}
