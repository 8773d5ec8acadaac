/**
 * Gate reviews: open a review for the next stage, sign off per discipline, attest criteria,
 * promote or withdraw. The rules (criteria, staleness, blockers) live in app/domain/gates.ts
 * and fingerprint.ts; this module loads the facts, applies the rules and writes the result
 * with its one activity row.
 */
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { db, type Tx } from "../../db/client.server";
import {
  criterionTemplates,
  gateCriteria,
  gateReviews,
  memberships,
  projects,
  requirements,
  signOffs,
  users,
  DISCIPLINES,
  type Discipline,
  type GateReview,
  type Register,
  type Stage,
} from "../../db/schema";
import { ConflictError, NotFoundError, ValidationError } from "~/domain/errors";
import { gateFingerprint, type FingerprintInput } from "~/domain/fingerprint";
import {
  evaluateCriteria,
  promotionBlockers,
  signOffStatus,
  type CriterionState,
  type GateFacts,
  type SignOffState,
  type SignOffStatus,
} from "~/domain/gates";
import { decisionLabel, disciplineLabel, stageShortLabel } from "~/domain/labels";
import { nextStage } from "~/domain/stages";
import { recordActivity } from "./activity.server";
import { gateDebtFacts, insertConditionDebtItem } from "./debt.server";
import { projectForWrite } from "./projects.server";
import type { Actor } from "./users.server";
import { enqueueDebtEventsById, enqueueWebhookEvent, webhookProject } from "./webhooks.server";

type Database = Tx | typeof db;

// ---------- facts ----------

function loadFacts(database: Database, projectId: number) {
  const reqs = database
    .select({
      id: requirements.id,
      title: requirements.title,
      description: requirements.description,
      target: requirements.target,
      priority: requirements.priority,
      status: requirements.status,
      feasibility: requirements.feasibility,
      conditions: requirements.conditions,
      feasibilityNote: requirements.feasibilityNote,
    })
    .from(requirements)
    .where(eq(requirements.projectId, projectId))
    .all();
  const members = database
    .select({ userId: memberships.userId, discipline: memberships.discipline })
    .from(memberships)
    .where(eq(memberships.projectId, projectId))
    .all();
  const debt = gateDebtFacts(projectId, database);
  const facts: GateFacts = { requirements: reqs, members, debtItems: debt };
  return { facts, reqs, debt };
}

const attester = alias(users, "attester");

function loadCriteria(database: Database, reviewId: number) {
  return database
    .select({
      id: gateCriteria.id,
      key: gateCriteria.key,
      label: gateCriteria.label,
      kind: gateCriteria.kind,
      discipline: gateCriteria.discipline,
      position: gateCriteria.position,
      attestedById: gateCriteria.attestedById,
      attestedAt: gateCriteria.attestedAt,
      attestationNote: gateCriteria.attestationNote,
      attestedByName: attester.name,
    })
    .from(gateCriteria)
    .leftJoin(attester, eq(attester.id, gateCriteria.attestedById))
    .where(eq(gateCriteria.reviewId, reviewId))
    .orderBy(asc(gateCriteria.position))
    .all();
}

function fingerprintOf(
  reqs: ReturnType<typeof loadFacts>["reqs"],
  debt: ReturnType<typeof loadFacts>["debt"],
  criteria: ReturnType<typeof loadCriteria>,
): string {
  const input: FingerprintInput = {
    requirements: reqs,
    attestations: criteria
      .filter((c) => c.kind === "attestation")
      .map((c) => ({ key: c.key, attestedById: c.attestedById, note: c.attestationNote })),
    debtItems: debt,
  };
  return gateFingerprint(input);
}

/** The live fingerprint of a review's gate-relevant content. */
export function currentFingerprint(reviewId: number, database: Database = db): string {
  const review = database.select().from(gateReviews).where(eq(gateReviews.id, reviewId)).get();
  if (!review) throw new NotFoundError("No such gate review.");
  const { reqs, debt } = loadFacts(database, review.projectId);
  return fingerprintOf(reqs, debt, loadCriteria(database, reviewId));
}

const signer = alias(users, "signer");

function loadSignOffs(database: Database, reviewId: number) {
  return database
    .select({
      id: signOffs.id,
      discipline: signOffs.discipline,
      userId: signOffs.userId,
      userName: signer.name,
      decision: signOffs.decision,
      comment: signOffs.comment,
      fingerprint: signOffs.fingerprint,
      signedAt: signOffs.signedAt,
      status: signOffs.status,
      endedAt: signOffs.endedAt,
    })
    .from(signOffs)
    .innerJoin(signer, eq(signer.id, signOffs.userId))
    .where(eq(signOffs.reviewId, reviewId))
    .orderBy(desc(signOffs.signedAt), desc(signOffs.id))
    .all();
}

// ---------- the review as a page or API shows it ----------

export type PanelStatus = SignOffStatus | "missing";

export type ReviewView = ReturnType<typeof evaluateReview>;

function evaluateReview(database: Database, review: GateReview) {
  const { facts, reqs, debt } = loadFacts(database, review.projectId);
  const criteriaRows = loadCriteria(database, review.id);
  const fingerprint = fingerprintOf(reqs, debt, criteriaRows);
  const criteria = evaluateCriteria(criteriaRows as Array<(typeof criteriaRows)[number] & CriterionState>, facts);
  const allSignOffs = loadSignOffs(database, review.id);
  const current = allSignOffs.filter((s) => s.status === "current");
  const panels = DISCIPLINES.map((discipline) => {
    const signOff = current.find((s) => s.discipline === discipline) ?? null;
    const status: PanelStatus = signOff ? signOffStatus(signOff as SignOffState, fingerprint, facts.members) : "missing";
    return {
      discipline,
      signOff,
      status,
      earlier: allSignOffs.filter((s) => s.discipline === discipline && s.status !== "current"),
    };
  });
  const blockers =
    review.status === "open"
      ? promotionBlockers({ criteria, signOffs: current as SignOffState[], currentFingerprint: fingerprint, members: facts.members })
      : [];
  return { review, criteria, panels, blockers, fingerprint, canPromote: review.status === "open" && blockers.length === 0 };
}

export function getReview(reviewId: number, projectId?: number) {
  const review = db.select().from(gateReviews).where(eq(gateReviews.id, reviewId)).get();
  if (!review || (projectId !== undefined && review.projectId !== projectId)) return null;
  return evaluateReview(db, review);
}

export function getOpenReview(projectId: number) {
  const review = db
    .select()
    .from(gateReviews)
    .where(and(eq(gateReviews.projectId, projectId), eq(gateReviews.status, "open")))
    .get();
  return review ? evaluateReview(db, review) : null;
}

/** For the overview and the pipeline board: the open review's panels only. */
export function openReviewSummary(projectId: number) {
  const view = getOpenReview(projectId);
  if (!view) return null;
  return {
    id: view.review.id,
    targetStage: view.review.targetStage,
    openedAt: view.review.openedAt,
    panels: view.panels.map((p) => ({ discipline: p.discipline, status: p.status, signer: p.signOff?.userName ?? null })),
    blockerCount: view.blockers.length,
  };
}

const opener = alias(users, "opener");
const closer = alias(users, "closer");

export function listReviews(projectId: number) {
  return db
    .select({
      id: gateReviews.id,
      fromStage: gateReviews.fromStage,
      targetStage: gateReviews.targetStage,
      status: gateReviews.status,
      openedAt: gateReviews.openedAt,
      closedAt: gateReviews.closedAt,
      closeNote: gateReviews.closeNote,
      openedByName: opener.name,
      closedByName: closer.name,
    })
    .from(gateReviews)
    .innerJoin(opener, eq(opener.id, gateReviews.openedById))
    .leftJoin(closer, eq(closer.id, gateReviews.closedById))
    .where(eq(gateReviews.projectId, projectId))
    .orderBy(desc(gateReviews.openedAt), desc(gateReviews.id))
    .all();
}

// ---------- mutations ----------

function loadOpenReview(tx: Tx, reviewId: number): GateReview {
  const review = tx.select().from(gateReviews).where(eq(gateReviews.id, reviewId)).get();
  if (!review) throw new NotFoundError("No such gate review.");
  if (review.status !== "open") {
    throw new ConflictError(`This review is closed (${review.status}); open a new one to continue.`);
  }
  return review;
}

export function openReview({ actor, projectId }: { actor: Actor; projectId: number }): GateReview {
  const now = Date.now();
  return db.transaction((tx) => {
    const project = projectForWrite(tx, actor, projectId, "gate:open");
    const target = nextStage(project.stage);
    if (!target) throw new ConflictError("The project is in production: there is no further gate.");
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
      .values({ projectId, fromStage: project.stage, targetStage: target, openedById: actor.id, openedAt: now })
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
      summary: `${actor.name} opened a gate review: ${stageShortLabel[project.stage]} → ${stageShortLabel[target]}`,
      after: { reviewId: review.id, fromStage: project.stage, targetStage: target, criteria: templates.map((t) => t.key) },
      via: actor.via,
      at: now,
    });
    enqueueWebhookEvent(tx, "gate.review_opened", {
      project: webhookProject(project),
      review: { id: review.id, fromStage: project.stage, targetStage: target, openedAt: now, openedBy: { id: actor.id, name: actor.name } },
    }, now);
    return review;
  });
}

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

/** What the dossier keeps: the content as it stood when the review closed. */
function closingSnapshot(tx: Tx, review: GateReview) {
  const view = evaluateReview(tx, review);
  const reqs = tx.select().from(requirements).where(eq(requirements.projectId, review.projectId)).all();
  const debt = gateDebtFacts(review.projectId, tx);
  return {
    fingerprint: view.fingerprint,
    criteria: view.criteria.map((c) => ({ key: c.key, label: c.label, kind: c.kind, met: c.met, detail: c.detail, attestedByName: c.attestedByName, attestedAt: c.attestedAt, attestationNote: c.attestationNote })),
    panels: view.panels.map((p) => ({ discipline: p.discipline, status: p.status })),
    blockers: view.blockers,
    requirements: reqs.map((r) => ({ id: r.id, title: r.title, description: r.description, target: r.target, priority: r.priority, status: r.status, feasibility: r.feasibility, conditions: r.conditions, feasibilityNote: r.feasibilityNote })),
    debtItems: debt,
  };
}

export function promote({ actor, reviewId }: { actor: Actor; reviewId: number }) {
  const now = Date.now();
  return db.transaction((tx) => {
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
      .set({ status: "promoted", closedAt: now, closedById: actor.id, closingSnapshot: JSON.stringify(snapshot), version: review.version + 1 })
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
      summary: `${actor.name} promoted ${project.name} to ${stageShortLabel[review.targetStage]} (gate review #${reviewId})`,
      before: { stage: project.stage },
      after: { stage: review.targetStage, reviewId },
      via: actor.via,
      at: now,
    });
    enqueueWebhookEvent(tx, "project.promoted", {
      project: { ...webhookProject(project), stage: review.targetStage },
      fromStage: project.stage,
      reviewId,
      promotedBy: { id: actor.id, name: actor.name },
      promotedAt: now,
    }, now);
    return { stage: review.targetStage, reviewId };
  });
}

export function withdrawReview({ actor, reviewId, note }: { actor: Actor; reviewId: number; note: string }) {
  const now = Date.now();
  db.transaction((tx) => {
    const review = loadOpenReview(tx, reviewId);
    projectForWrite(tx, actor, review.projectId, "gate:withdraw");
    const snapshot = closingSnapshot(tx, review);
    tx.update(gateReviews)
      .set({ status: "withdrawn", closedAt: now, closedById: actor.id, closeNote: note.trim() || null, closingSnapshot: JSON.stringify(snapshot), version: review.version + 1 })
      .where(eq(gateReviews.id, reviewId))
      .run();
    recordActivity(tx, {
      actorId: actor.id,
      projectId: review.projectId,
      entityType: "gate_review",
      entityId: reviewId,
      action: "gate.review_withdrawn",
      summary: `${actor.name} withdrew the gate review to ${stageShortLabel[review.targetStage]}${note.trim() ? `: ${note.trim()}` : ""}`,
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
export function withdrawOpenReviewOf(tx: Tx, projectId: number, actorId: number, note: string, now: number): number | null {
  const review = tx
    .select()
    .from(gateReviews)
    .where(and(eq(gateReviews.projectId, projectId), eq(gateReviews.status, "open")))
    .get();
  if (!review) return null;
  const snapshot = closingSnapshot(tx, review);
  tx.update(gateReviews)
    .set({ status: "withdrawn", closedAt: now, closedById: actorId, closeNote: note, closingSnapshot: JSON.stringify(snapshot), version: review.version + 1 })
    .where(eq(gateReviews.id, review.id))
    .run();
  return review.id;
}

/** Closed reviews' stored snapshot (dossier, history). */
export function reviewSnapshot(review: Pick<GateReview, "closingSnapshot">) {
  return review.closingSnapshot ? (JSON.parse(review.closingSnapshot) as ReturnType<typeof closingSnapshot>) : null;
}

/** Open reviews of many projects at once: for lists and the dashboard (no N+1). */
export function openReviewIds(projectIds: number[]): Map<number, number> {
  if (!projectIds.length) return new Map();
  const rows = db
    .select({ projectId: gateReviews.projectId, id: gateReviews.id })
    .from(gateReviews)
    .where(and(inArray(gateReviews.projectId, projectIds), eq(gateReviews.status, "open")))
    .all();
  return new Map(rows.map((r) => [r.projectId, r.id]));
}
