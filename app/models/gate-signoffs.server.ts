/**
 * What the members of an open gate review do: sign off for their discipline (conditions become
 * debt items) and attest criteria. Each writes one activity row; a sign-off also announces
 * itself to webhooks. Re-exported by gates.server.ts.
 */
import { and, eq } from "drizzle-orm";
import { db } from "../../db/client.server";
import { gateCriteria, memberships, signOffs, type Discipline, type Register, type Stage } from "../../db/schema";
import { ConflictError, NotFoundError, ValidationError } from "~/domain/errors";
import { decisionLabel, disciplineLabel } from "~/domain/labels";
import { nextStage } from "~/domain/stages";
import { recordActivity } from "./activity.server";
import { insertConditionDebtItem } from "./debt/gate.server";
import { currentFingerprint, loadOpenReview } from "./gate-reviews-read.server";
import { projectForWrite } from "./projects.server";
import type { Actor } from "./users.server";
import { enqueueDebtEventsById, enqueueWebhookEvent, webhookProject } from "./webhook-outbox.server";

export type ConditionInput = { title: string; register: Register; targetDate: string | null };

export function signOff({
  actor,
  reviewId,
  decision,
  comment,
  conditions = [],
  panel,
}: {
  actor: Actor;
  reviewId: number;
  /** The panel the signer used; refused unless it is their own discipline on the project. */
  panel?: Discipline;
  decision: "approve" | "approve_with_conditions" | "changes_requested";
  comment: string;
  conditions?: ConditionInput[];
}) {
  const now = Date.now();
  return db.transaction((tx) => {
    const review = loadOpenReview(tx, reviewId);
    const membership = tx
      .select({ d: memberships.discipline })
      .from(memberships)
      .where(and(eq(memberships.projectId, review.projectId), eq(memberships.userId, actor.id)))
      .get();
    const discipline: Discipline | null = membership?.d ?? null;
    const project = projectForWrite(tx, actor, review.projectId, "gate:sign", panel ?? discipline);
    const errors: Record<string, string> = {};
    if (decision === "changes_requested" && !comment.trim()) {
      errors.comment = "Say which changes you need: a comment is required when requesting changes.";
    }
    if (decision === "approve_with_conditions" && conditions.length === 0) {
      errors.conditions = "Write at least one condition, one per line.";
    }
    // After production there is no later stage to repay before, so a date must say when.
    if (review.targetStage === "production" && conditions.some((c) => !c.targetDate)) {
      errors.conditionTargetDate = "At the gate to production, give the conditions a target date.";
    }
    if (Object.keys(errors).length) throw new ValidationError("The sign-off is incomplete.", errors);
    const previous = tx
      .select({ id: signOffs.id, decision: signOffs.decision, userId: signOffs.userId })
      .from(signOffs)
      .where(and(eq(signOffs.reviewId, reviewId), eq(signOffs.discipline, discipline!), eq(signOffs.status, "current")))
      .get();
    if (previous) {
      tx.update(signOffs).set({ status: "superseded", endedAt: now }).where(eq(signOffs.id, previous.id)).run();
    }
    const created = tx
      .insert(signOffs)
      .values({
        reviewId,
        discipline: discipline!,
        userId: actor.id,
        decision,
        comment: comment.trim(),
        fingerprint: "pending",
        signedAt: now,
      })
      .returning()
      .get();
    const conditionIds = conditions.map((c) =>
      insertConditionDebtItem(tx, {
        projectId: review.projectId,
        register: c.register,
        title: c.title,
        ownerId: actor.id,
        targetDate: c.targetDate,
        repayBeforeStage: review.targetStage === "production" ? null : nextStage(review.targetStage as Stage),
        signOffId: created.id,
        createdById: actor.id,
        stageIncurred: project.stage,
        now,
      }),
    );
    // The fingerprint is taken after the conditions exist: the signer signs for them too.
    const fingerprint = currentFingerprint(reviewId, tx);
    tx.update(signOffs).set({ fingerprint }).where(eq(signOffs.id, created.id)).run();
    recordActivity(tx, {
      actorId: actor.id,
      projectId: review.projectId,
      entityType: "sign_off",
      entityId: created.id,
      action: "gate.signed_off",
      summary:
        `${actor.name} signed for ${disciplineLabel[discipline!]}: ${decisionLabel[decision].toLowerCase()}` +
        (conditions.length ? ` (${conditions.length} condition${conditions.length > 1 ? "s" : ""} logged as debt)` : ""),
      before: previous ? { signOffId: previous.id, decision: previous.decision, userId: previous.userId } : undefined,
      after: { reviewId, discipline, decision, comment: comment.trim(), fingerprint, conditionDebtItemIds: conditionIds },
      via: actor.via,
      at: now,
    });
    enqueueWebhookEvent(tx, "gate.signoff", {
      project: webhookProject(project),
      review: { id: reviewId, targetStage: review.targetStage },
      signoff: { id: created.id, discipline, decision, comment: comment.trim(), user: { id: actor.id, name: actor.name }, signedAt: now, conditionDebtItemIds: conditionIds },
    }, now);
    enqueueDebtEventsById(tx, "debt.created", conditionIds, now);
    return { ...created, fingerprint, conditionIds };
  });
}

export function attest({
  actor,
  reviewId,
  key,
  note,
  clear = false,
}: {
  actor: Actor;
  reviewId: number;
  key: string;
  note: string;
  clear?: boolean;
}) {
  const now = Date.now();
  db.transaction((tx) => {
    const review = loadOpenReview(tx, reviewId);
    const criterion = tx
      .select()
      .from(gateCriteria)
      .where(and(eq(gateCriteria.reviewId, reviewId), eq(gateCriteria.key, key)))
      .get();
    if (!criterion) throw new NotFoundError("This review has no such criterion.");
    if (criterion.kind !== "attestation") {
      throw new ValidationError("Automatic criteria are computed, not attested.", {
        note: "This criterion is computed from the data; it cannot be ticked by hand.",
      });
    }
    projectForWrite(tx, actor, review.projectId, "gate:attest", criterion.discipline);
    if (!clear && !note.trim()) {
      throw new ValidationError("Add a note.", { note: "Say what you checked: a note is required." });
    }
    if (clear && !criterion.attestedAt) throw new ConflictError("This criterion is not attested.");
    tx.update(gateCriteria)
      .set(
        clear
          ? { attestedById: null, attestedAt: null, attestationNote: null }
          : { attestedById: actor.id, attestedAt: now, attestationNote: note.trim() },
      )
      .where(eq(gateCriteria.id, criterion.id))
      .run();
    recordActivity(tx, {
      actorId: actor.id,
      projectId: review.projectId,
      entityType: "gate_criterion",
      entityId: criterion.id,
      action: clear ? "gate.attestation_cleared" : "gate.attested",
      summary: clear ? `${actor.name} cleared “${criterion.label}”` : `${actor.name} attested “${criterion.label}”`,
      before: { attestedById: criterion.attestedById, note: criterion.attestationNote },
      after: clear ? { attestedById: null } : { attestedById: actor.id, note: note.trim() },
      via: actor.via,
      at: now,
    });
  });
}
