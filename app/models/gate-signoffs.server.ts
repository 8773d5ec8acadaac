/**
 * What the members of an open gate review do: sign off for their own discipline (conditions
 * become debt items), attest criteria, and — for the project owner — dismiss a "changes
 * requested" with a reason. Each writes one activity row; a sign-off also announces itself to
 * webhooks. The rules are in docs/domain.md ("Sign-off rules"). Re-exported by gates.server.ts.
 */
import { and, eq } from "drizzle-orm";
import { gateCriteria, memberships, signOffs, users } from "../../db/schema";
import { type Discipline, type Register, type Stage } from "~/domain/vocabulary";
import { canonicalView } from "~/domain/concerns";
import { ConflictError, NotFoundError, ValidationError } from "~/domain/errors";
import { viewFingerprint } from "~/domain/fingerprint";
import { attestationCleared, attested, changesRequestDismissed, signedOff } from "~/domain/activity-sentences";
import { changesDismissedDraft, changesRequestedDraft } from "~/domain/notify-rules";
import { nextStage } from "~/domain/stages";
import { recordActivity } from "./activity.server";
import { insertConditionDebtItem } from "./debt/gate.server";
import { currentViews, loadOpenReview } from "./gate-reviews-read.server";
import { notify } from "./notifications.server";
import { projectRef, staleDrafts, watchSignOffs } from "./notify-events.server";
import { projectForWrite } from "./project-access.server";
import { withTx, type WriteOptions } from "./transaction.server";
import type { Actor } from "./users.server";
import { enqueueDebtEventsById, enqueueWebhookEvent, webhookProject } from "./webhook-outbox.server";

export type ConditionInput = {
  title: string;
  register: Register;
  targetDate: string | null;
  /** Estimated effort to meet it, person-days. */
  principalDays?: number;
  /** What leaving it unmet costs, person-days per month. */
  interestDays?: number;
};

export function signOff(
  {
    actor,
    reviewId,
    decision,
    comment,
    conditions = [],
    panel,
  }: {
    actor: Actor;
    reviewId: number;
    /** The panel the signer used; refused unless it is their own discipline. */
    panel?: Discipline;
    decision: "approve" | "approve_with_conditions" | "changes_requested";
    comment: string;
    conditions?: ConditionInput[];
  },
  options?: WriteOptions,
) {
  return withTx(options, (tx, now) => {
    const review = loadOpenReview(tx, reviewId);
    const membership = tx
      .select({ d: memberships.discipline })
      .from(memberships)
      .where(and(eq(memberships.projectId, review.projectId), eq(memberships.userId, actor.id)))
      .get();
    const seat: Discipline | null = membership?.d ?? null;
    // Who signs comes from the person: their profile's discipline, seated as such.
    const project = projectForWrite(tx, actor, review.projectId, "gate:sign", panel ?? actor.discipline);
    const discipline = seat!;
    const errors: Record<string, string> = {};
    if (decision === "changes_requested" && !comment.trim()) {
      errors.comment = "Say which changes you need: a comment is required when requesting changes.";
    }
    if (decision === "approve_with_conditions" && conditions.length === 0) {
      errors.conditions = "Write at least one condition, one per line.";
    }
    if (decision !== "approve_with_conditions" && conditions.length > 0) {
      errors.conditions = "Conditions go with “Approve with conditions” only.";
    }
    // After production there is no later stage to repay before, so a date must say when.
    if (review.targetStage === "production" && conditions.some((c) => !c.targetDate)) {
      errors.conditionTargetDate = "At the gate to production, give the conditions a target date.";
    }
    if (Object.keys(errors).length) throw new ValidationError("The sign-off is incomplete.", errors);
    const previous = tx
      .select({ id: signOffs.id, decision: signOffs.decision, discipline: signOffs.discipline })
      .from(signOffs)
      .where(and(eq(signOffs.reviewId, reviewId), eq(signOffs.userId, actor.id), eq(signOffs.status, "current")))
      .get();
    if (previous) {
      tx.update(signOffs).set({ status: "superseded", endedAt: now }).where(eq(signOffs.id, previous.id)).run();
    }
    const created = tx
      .insert(signOffs)
      .values({
        reviewId,
        discipline,
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
        principalDays: c.principalDays ?? 0,
        interestDays: c.interestDays ?? 0,
        repayBeforeStage: review.targetStage === "production" ? null : nextStage(review.targetStage as Stage),
        signOffId: created.id,
        createdById: actor.id,
        stageIncurred: project.stage,
        now,
      }),
    );
    // What the signer signs for: their discipline's view, after the conditions exist.
    const view = currentViews(reviewId, tx).views[discipline];
    const fingerprint = viewFingerprint(view);
    tx.update(signOffs)
      .set({ fingerprint, snapshot: canonicalView(view) })
      .where(eq(signOffs.id, created.id))
      .run();
    recordActivity(tx, {
      actorId: actor.id,
      projectId: review.projectId,
      entityType: "sign_off",
      entityId: created.id,
      action: "gate.signed_off",
      summary: signedOff(actor.name, discipline, decision, conditions.length),
      before: previous ? { signOffId: previous.id, decision: previous.decision } : undefined,
      after: {
        reviewId,
        discipline,
        decision,
        comment: comment.trim(),
        fingerprint,
        conditionDebtItemIds: conditionIds,
      },
      via: actor.via,
      at: now,
    });
    enqueueWebhookEvent(
      tx,
      "gate.signoff",
      {
        project: webhookProject(project),
        review: { id: reviewId, targetStage: review.targetStage },
        signoff: {
          id: created.id,
          discipline,
          decision,
          comment: comment.trim(),
          user: { id: actor.id, name: actor.name },
          signedAt: now,
          conditionDebtItemIds: conditionIds,
        },
      },
      now,
    );
    enqueueDebtEventsById(tx, "debt.created", conditionIds, now);
    // Conditions concern nobody (docs/domain.md, "What makes a sign-off stale"), so a sign-off
    // stales no one; a request for changes is news for the project owner.
    if (decision === "changes_requested") {
      notify(tx, {
        actorId: actor.id,
        drafts: [
          changesRequestedDraft({
            project,
            ownerId: project.ownerId,
            actorName: actor.name,
            discipline,
            targetStage: review.targetStage,
            signOffId: created.id,
            comment: comment.trim(),
          }),
        ],
        now,
      });
    }
    return { ...created, fingerprint, conditionIds };
  });
}

/**
 * The project owner lifts a member's "changes requested" with a reason: it stays on the
 * review (shown with the reason) but no longer blocks promotion. Only its author can renew it.
 */
export function dismissChangesRequest(
  {
    actor,
    reviewId,
    signOffId,
    reason,
  }: {
    actor: Actor;
    reviewId: number;
    signOffId: number;
    reason: string;
  },
  options?: WriteOptions,
) {
  return withTx(options, (tx, now) => {
    const review = loadOpenReview(tx, reviewId);
    projectForWrite(tx, actor, review.projectId, "gate:dismiss");
    const target = tx
      .select({
        id: signOffs.id,
        reviewId: signOffs.reviewId,
        decision: signOffs.decision,
        status: signOffs.status,
        dismissedAt: signOffs.dismissedAt,
        discipline: signOffs.discipline,
        userId: signOffs.userId,
        userName: users.name,
      })
      .from(signOffs)
      .innerJoin(users, eq(users.id, signOffs.userId))
      .where(eq(signOffs.id, signOffId))
      .get();
    if (!target || target.reviewId !== reviewId) throw new NotFoundError("This review has no such sign-off.");
    if (target.decision !== "changes_requested" || target.status !== "current") {
      throw new ConflictError("Only a current “changes requested” can be dismissed.");
    }
    if (target.dismissedAt != null) throw new ConflictError("This request for changes was already dismissed.");
    const why = reason.trim();
    if (!why) {
      throw new ValidationError("Give a reason.", {
        reason: "Say why the requested changes are not needed: a reason is required.",
      });
    }
    tx.update(signOffs)
      .set({ dismissedById: actor.id, dismissedAt: now, dismissReason: why })
      .where(eq(signOffs.id, signOffId))
      .run();
    recordActivity(tx, {
      actorId: actor.id,
      projectId: review.projectId,
      entityType: "sign_off",
      entityId: signOffId,
      action: "gate.changes_request_dismissed",
      summary: changesRequestDismissed(actor.name, target.userName, target.discipline, why),
      before: { dismissed: false },
      after: { dismissed: true, reason: why },
      via: actor.via,
      at: now,
    });
    notify(tx, {
      actorId: actor.id,
      drafts: [
        changesDismissedDraft({
          project: projectRef(tx, review.projectId),
          authorId: target.userId,
          actorName: actor.name,
          signOffId,
          reason: why,
        }),
      ],
      now,
    });
  });
}

const EVIDENCE_PROTOCOLS = new Set(["http:", "https:"]);

export function attest(
  {
    actor,
    reviewId,
    key,
    note,
    evidenceUrl = null,
    clear = false,
  }: {
    actor: Actor;
    reviewId: number;
    key: string;
    note: string;
    evidenceUrl?: string | null;
    clear?: boolean;
  },
  options?: WriteOptions,
) {
  withTx(options, (tx, now) => {
    const review = loadOpenReview(tx, reviewId);
    const criterion = tx
      .select({
        id: gateCriteria.id,
        kind: gateCriteria.kind,
        label: gateCriteria.label,
        discipline: gateCriteria.discipline,
        attestedById: gateCriteria.attestedById,
        attestedAt: gateCriteria.attestedAt,
        attestationNote: gateCriteria.attestationNote,
        evidenceUrl: gateCriteria.evidenceUrl,
        attesterDiscipline: gateCriteria.attesterDiscipline,
      })
      .from(gateCriteria)
      .where(and(eq(gateCriteria.reviewId, reviewId), eq(gateCriteria.key, key)))
      .get();
    if (!criterion) throw new NotFoundError("This review has no such criterion.");
    if (criterion.kind !== "attestation") {
      throw new ValidationError("Automatic criteria are computed, not attested.", {
        note: "This criterion is computed from the data; it cannot be ticked by hand.",
      });
    }
    if (clear) {
      if (!criterion.attestedAt) throw new ConflictError("This criterion is not attested.");
      // Cleared only by its author or a member of the discipline it belongs to.
      const owner = criterion.discipline ?? criterion.attesterDiscipline;
      projectForWrite(tx, actor, review.projectId, "gate:clear-attestation", owner, criterion.attestedById);
    } else {
      projectForWrite(tx, actor, review.projectId, "gate:attest", criterion.discipline);
      const errors: Record<string, string> = {};
      if (!note.trim()) errors.note = "Say what you checked: a note is required.";
      if (evidenceUrl) {
        let ok: boolean;
        try {
          ok = EVIDENCE_PROTOCOLS.has(new URL(evidenceUrl).protocol);
        } catch {
          ok = false;
        }
        if (!ok) errors.evidenceUrl = "Give a link starting with http:// or https://, or leave it empty.";
      }
      if (Object.keys(errors).length) throw new ValidationError("The attestation is incomplete.", errors);
    }
    const watch = watchSignOffs(tx, review.projectId);
    tx.update(gateCriteria)
      .set(
        clear
          ? { attestedById: null, attestedAt: null, attestationNote: null, evidenceUrl: null, attesterDiscipline: null }
          : {
              attestedById: actor.id,
              attestedAt: now,
              attestationNote: note.trim(),
              evidenceUrl: evidenceUrl || null,
              attesterDiscipline: actor.discipline,
            },
      )
      .where(eq(gateCriteria.id, criterion.id))
      .run();
    recordActivity(tx, {
      actorId: actor.id,
      projectId: review.projectId,
      entityType: "gate_criterion",
      entityId: criterion.id,
      action: clear ? "gate.attestation_cleared" : "gate.attested",
      summary: clear ? attestationCleared(actor.name, criterion.label) : attested(actor.name, criterion.label),
      before: {
        attestedById: criterion.attestedById,
        note: criterion.attestationNote,
        evidenceUrl: criterion.evidenceUrl,
      },
      after: clear
        ? { attestedById: null }
        : { attestedById: actor.id, note: note.trim(), evidenceUrl: evidenceUrl || null },
      via: actor.via,
      at: now,
    });
    notify(tx, { actorId: actor.id, drafts: staleDrafts(tx, watch, { actorId: actor.id, now }), now });
  });
}
