/**
 * The read side of gate reviews: the facts a gate looks at, the live fingerprint, a review as
 * a page or the API shows it (criteria, panels, blockers), the history of reviews, and the
 * snapshot a closed review keeps. Importers use gates.server.ts, which re-exports these.
 */
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { db, type Tx } from "../../db/client.server";
import {
  gateCriteria,
  gateReviews,
  memberships,
  requirements,
  signOffs,
  users,
  DISCIPLINES,
  type GateReview,
} from "../../db/schema";
import { ConflictError, NotFoundError } from "~/domain/errors";
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
import { memoUntilWrite } from "./data-version.server";
import { gateDebtFacts } from "./debt/gate.server";

type Database = Tx | typeof db;

// ---------- facts ----------

/** A project's requirements with exactly the fields that matter at a gate, by id. */
export function gateRequirements(database: Database, projectId: number) {
  return database
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
    .orderBy(asc(requirements.id))
    .all();
}

function loadFacts(database: Database, projectId: number) {
  const reqs = gateRequirements(database, projectId);
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

/** Whether review `reviewId` is one of this project's (forms post ids; the URL names the project). */
export function reviewBelongsTo(reviewId: number, projectId: number): boolean {
  return Boolean(
    db
      .select({ id: gateReviews.id })
      .from(gateReviews)
      .where(and(eq(gateReviews.id, reviewId), eq(gateReviews.projectId, projectId)))
      .get(),
  );
}

export function getOpenReview(projectId: number) {
  const review = db
    .select()
    .from(gateReviews)
    .where(and(eq(gateReviews.projectId, projectId), eq(gateReviews.status, "open")))
    .get();
  return review ? evaluateReview(db, review) : null;
}

const summaryCache = new Map<string, { version: string; value: ReturnType<typeof computeSummary> }>();

/** For the overview and the pipeline board: the open review's panels only (remembered until the next write). */
export function openReviewSummary(projectId: number) {
  return memoUntilWrite(summaryCache, String(projectId), () => computeSummary(projectId), 2000);
}

function computeSummary(projectId: number) {
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

// ---------- for the mutations ----------

export function loadOpenReview(tx: Tx, reviewId: number): GateReview {
  const review = tx.select().from(gateReviews).where(eq(gateReviews.id, reviewId)).get();
  if (!review) throw new NotFoundError("No such gate review.");
  if (review.status !== "open") {
    throw new ConflictError(`This review is closed (${review.status}); open a new one to continue.`);
  }
  return review;
}

/** What the dossier keeps: the content as it stood when the review closed. */
export function closingSnapshot(tx: Tx, review: GateReview) {
  const view = evaluateReview(tx, review);
  const debt = gateDebtFacts(review.projectId, tx);
  return {
    fingerprint: view.fingerprint,
    criteria: view.criteria.map((c) => ({ key: c.key, label: c.label, kind: c.kind, met: c.met, detail: c.detail, attestedByName: c.attestedByName, attestedAt: c.attestedAt, attestationNote: c.attestationNote })),
    panels: view.panels.map((p) => ({ discipline: p.discipline, status: p.status })),
    blockers: view.blockers,
    requirements: gateRequirements(tx, review.projectId),
    debtItems: debt,
  };
}

// ---------- closed reviews and lists ----------

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
