/**
 * Gate reviews: open a review for the next stage, sign off per discipline, attest criteria,
 * promote or withdraw. The rules (criteria, staleness, blockers) live in app/domain/gates.ts
 * and fingerprint.ts; these modules load the facts, apply the rules and write the result
 * with its one activity row.
 *
 * This module holds a review's life (open, promote, withdraw) and is the one importers use:
 * the read side (gate-reviews-read.server.ts) and the sign-offs and attestations
 * (gate-signoffs.server.ts) are re-exported from here.
 */
import { and, asc, eq } from "drizzle-orm";
import type { Tx } from "../../db/client.server";
import { criterionTemplates, gateCriteria, gateReviews, projects, type GateReview } from "../../db/schema";
import { ConflictError, ValidationError } from "~/domain/errors";
import { promoted, reviewOpened, reviewWithdrawn } from "~/domain/activity-sentences";
import { nextStage } from "~/domain/stages";
import { reviewOpenedDrafts, projectChangedDrafts } from "~/domain/notify-rules";
import { recordActivity } from "./activity.server";
import { notify } from "./notifications.server";
import { teamOf } from "./notify-events.server";
import { closingSnapshot, loadOpenReview } from "./gate-reviews-read.server";
import { requiredApprovalsFor, type GateStage } from "./gate-templates.server";
import { projectForWrite } from "./project-access.server";
import { withTx, type WriteOptions } from "./transaction.server";
import type { Actor } from "./users.server";
import { enqueueWebhookEvent, webhookProject } from "./webhook-outbox.server";

export {
  currentViews,
  getOpenReview,
  getReview,
  listReviews,
  openReviewIds,
  openReviewSummary,
  reviewSnapshot,
  reviewBelongsTo,
  type PanelStatus,
  type ReviewView,
} from "./gate-reviews-read.server";
export { attest, dismissChangesRequest, signOff, type ConditionInput } from "./gate-signoffs.server";

// ---------- a review's life ----------

/** Opens the review for the next stage, with a short statement of why now. */
export function openReview(
  {
    actor,
    projectId,
    statement,
  }: {
    actor: Actor;
    projectId: number;
    statement: string;
  },
  options?: WriteOptions,
): GateReview {
  return withTx(options, (tx, now) => {
    const project = projectForWrite(tx, actor, projectId, "gate:open");
    const target = nextStage(project.stage);
    if (!target) throw new ConflictError("The project is in production: there is no further gate.");
    const why = statement.trim();
    if (why.length < 3) {
      throw new ValidationError("Say why now.", { statement: "Say why the project is ready for this gate now." });
    }
    const existing = tx
      .select({ id: gateReviews.id })
      .from(gateReviews)
      .where(and(eq(gateReviews.projectId, projectId), eq(gateReviews.status, "open")))
      .get();
    if (existing) throw new ConflictError("A gate review is already open for this project.");
    const templates = tx
      .select()
      .from(criterionTemplates)
      .where(and(eq(criterionTemplates.targetStage, target), eq(criterionTemplates.active, true)))
      .orderBy(asc(criterionTemplates.position), asc(criterionTemplates.id))
      .all();
    const review = tx
      .insert(gateReviews)
      .values({
        projectId,
        fromStage: project.stage,
        targetStage: target,
        openedById: actor.id,
        openedAt: now,
        statement: why,
        requiredApprovals: requiredApprovalsFor(target as GateStage, tx),
      })
      .returning()
      .get();
    templates.forEach((t, position) => {
      tx.insert(gateCriteria)
        .values({ reviewId: review.id, key: t.key, label: t.label, kind: t.kind, discipline: t.discipline, position })
        .run();
    });
    recordActivity(tx, {
      actorId: actor.id,
      projectId,
      entityType: "gate_review",
      entityId: review.id,
      action: "gate.review_opened",
      summary: reviewOpened(actor.name, project.stage, target),
      after: {
        reviewId: review.id,
        fromStage: project.stage,
        targetStage: target,
        statement: why,
        requiredApprovals: review.requiredApprovals,
        criteria: templates.map((t) => t.key),
      },
      via: actor.via,
      at: now,
    });
    enqueueWebhookEvent(
      tx,
      "gate.review_opened",
      {
        project: webhookProject(project),
        review: {
          id: review.id,
          fromStage: project.stage,
          targetStage: target,
          statement: why,
          openedAt: now,
          openedBy: { id: actor.id, name: actor.name },
        },
      },
      now,
    );
    // Every discipline must sign, so every member is told (docs/domain.md, "Notifications").
    notify(tx, {
      actorId: actor.id,
      drafts: reviewOpenedDrafts({
        project,
        team: teamOf(tx, projectId),
        actorName: actor.name,
        fromStage: project.stage,
        targetStage: target,
        statement: why,
        requiredApprovals: review.requiredApprovals,
      }),
      now,
    });
    return review;
  });
}

export function promote({ actor, reviewId }: { actor: Actor; reviewId: number }, options?: WriteOptions) {
  return withTx(options, (tx, now) => {
    const review = loadOpenReview(tx, reviewId);
    const project = projectForWrite(tx, actor, review.projectId, "gate:promote");
    if (project.stage !== review.fromStage) {
      throw new ConflictError("The project's stage changed since this review was opened.");
    }
    const snapshot = closingSnapshot(tx, review);
    if (snapshot.blockers.length) {
      throw new ConflictError("The project cannot be promoted yet.", snapshot.blockers);
    }
    tx.update(gateReviews)
      .set({
        status: "promoted",
        closedAt: now,
        closedById: actor.id,
        closingSnapshot: JSON.stringify(snapshot),
        version: review.version + 1,
      })
      .where(and(eq(gateReviews.id, reviewId), eq(gateReviews.version, review.version)))
      .run();
    tx.update(projects)
      .set({ stage: review.targetStage, stageEnteredAt: now, updatedAt: now, version: project.version + 1 })
      .where(eq(projects.id, project.id))
      .run();
    recordActivity(tx, {
      actorId: actor.id,
      projectId: project.id,
      entityType: "project",
      entityId: project.id,
      action: "project.stage_changed",
      summary: promoted(actor.name, project.name, review.targetStage, reviewId),
      before: { stage: project.stage },
      after: { stage: review.targetStage, reviewId },
      via: actor.via,
      at: now,
    });
    enqueueWebhookEvent(
      tx,
      "project.promoted",
      {
        project: { ...webhookProject(project), stage: review.targetStage },
        fromStage: project.stage,
        reviewId,
        promotedBy: { id: actor.id, name: actor.name },
        promotedAt: now,
      },
      now,
    );
    notify(tx, {
      actorId: actor.id,
      drafts: projectChangedDrafts({
        project,
        team: teamOf(tx, project.id),
        actorName: actor.name,
        change: { kind: "promoted", stage: review.targetStage },
      }),
      now,
    });
    return { stage: review.targetStage, reviewId };
  });
}

export function withdrawReview(
  { actor, reviewId, note }: { actor: Actor; reviewId: number; note: string },
  options?: WriteOptions,
) {
  withTx(options, (tx, now) => {
    const review = loadOpenReview(tx, reviewId);
    projectForWrite(tx, actor, review.projectId, "gate:withdraw");
    const snapshot = closingSnapshot(tx, review);
    tx.update(gateReviews)
      .set({
        status: "withdrawn",
        closedAt: now,
        closedById: actor.id,
        closeNote: note.trim() || null,
        closingSnapshot: JSON.stringify(snapshot),
        version: review.version + 1,
      })
      .where(eq(gateReviews.id, reviewId))
      .run();
    recordActivity(tx, {
      actorId: actor.id,
      projectId: review.projectId,
      entityType: "gate_review",
      entityId: reviewId,
      action: "gate.review_withdrawn",
      summary: reviewWithdrawn(actor.name, review.targetStage, note.trim()),
      before: { status: "open" },
      after: { status: "withdrawn", note: note.trim() || null },
      via: actor.via,
      at: now,
    });
  });
}

/**
 * Withdraws a project's open review, if any, keeping its closing snapshot: used when the
 * project stops or retires (the caller's transaction writes the one activity row).
 */
export function withdrawOpenReviewOf(
  tx: Tx,
  projectId: number,
  actorId: number,
  note: string,
  now: number,
): number | null {
  const review = tx
    .select()
    .from(gateReviews)
    .where(and(eq(gateReviews.projectId, projectId), eq(gateReviews.status, "open")))
    .get();
  if (!review) return null;
  const snapshot = closingSnapshot(tx, review);
  tx.update(gateReviews)
    .set({
      status: "withdrawn",
      closedAt: now,
      closedById: actorId,
      closeNote: note,
      closingSnapshot: JSON.stringify(snapshot),
      version: review.version + 1,
    })
    .where(eq(gateReviews.id, review.id))
    .run();
  return review.id;
}
