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
  type GateReview,
} from "../../db/schema";
import { DISCIPLINES, type Discipline } from "~/domain/vocabulary";
import { describeChanges, gateContentFrom, type DisciplineView } from "~/domain/concerns";
import { ConflictError, NotFoundError } from "~/domain/errors";
import { disciplineViews } from "~/domain/fingerprint";
import {
  disciplinePanel,
  evaluateCriteria,
  promotionBlockers,
  type CriterionState,
  type GateFacts,
  type PanelStatus,
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
      dsFeasibility: requirements.dsFeasibility,
      dsConditions: requirements.dsConditions,
      dsNote: requirements.dsNote,
      itFeasibility: requirements.itFeasibility,
      itConditions: requirements.itConditions,
      itNote: requirements.itNote,
    })
    .from(requirements)
    .where(eq(requirements.projectId, projectId))
    .orderBy(asc(requirements.id))
    .all();
}

export type GateRequirementRow = ReturnType<typeof gateRequirements>[number];

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
      evidenceUrl: gateCriteria.evidenceUrl,
      attestedByName: attester.name,
      attesterDiscipline: gateCriteria.attesterDiscipline,
    })
    .from(gateCriteria)
    .leftJoin(attester, eq(attester.id, gateCriteria.attestedById))
    .where(eq(gateCriteria.reviewId, reviewId))
    .orderBy(asc(gateCriteria.position))
    .all();
}

/** Each discipline's live view of a review's gate content, and its fingerprint. */
export function currentViews(reviewId: number, database: Database = db) {
  const review = database.select().from(gateReviews).where(eq(gateReviews.id, reviewId)).get();
  if (!review) throw new NotFoundError("No such gate review.");
  const { reqs, debt } = loadFacts(database, review.projectId);
  return disciplineViews(
    gateContentFrom({ requirements: reqs, criteria: loadCriteria(database, reviewId), debtItems: debt }),
  );
}

export type DisciplineViews = Record<Discipline, DisciplineView>;

const signer = alias(users, "signer");
const dismisser = alias(users, "dismisser");

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
      snapshot: signOffs.snapshot,
      signedAt: signOffs.signedAt,
      status: signOffs.status,
      endedAt: signOffs.endedAt,
      dismissedAt: signOffs.dismissedAt,
      dismissReason: signOffs.dismissReason,
      dismissedById: signOffs.dismissedById,
      dismissedByName: dismisser.name,
    })
    .from(signOffs)
    .innerJoin(signer, eq(signer.id, signOffs.userId))
    .leftJoin(dismisser, eq(dismisser.id, signOffs.dismissedById))
    .where(eq(signOffs.reviewId, reviewId))
    .orderBy(desc(signOffs.signedAt), desc(signOffs.id))
    .all();
}

type SignOffRow = ReturnType<typeof loadSignOffs>[number];

/**
 * What changed in the signer's discipline's concerns since they signed, in sentences. A
 * sign-off from before per-discipline snapshots (migration 0003) has none to compare with.
 */
function changesSince(s: SignOffRow, views: DisciplineViews): string[] {
  if (!s.snapshot)
    return [
      "This sign-off was given before Triad kept what each discipline signed for; renew it to compare from now on.",
    ];
  return describeChanges(JSON.parse(s.snapshot) as DisciplineView, views[s.discipline]);
}

// ---------- the review as a page or API shows it ----------

export type { PanelStatus };

export type ReviewView = ReturnType<typeof evaluateReview>;

export type EvaluatedSignOff = Omit<SignOffRow, "snapshot" | "status"> & {
  /** current, superseded or withdrawn (the row's life). */
  status: SignOffRow["status"];
  /** What the current sign-off is worth now; null for superseded and withdrawn ones. */
  standing: SignOffStatus | null;
  /** For a stale sign-off: what changed in its discipline's concerns since it was given. */
  changes: string[];
};

function evaluateReview(database: Database, review: GateReview) {
  const { facts, reqs, debt } = loadFacts(database, review.projectId);
  const criteriaRows = loadCriteria(database, review.id);
  const { views, fingerprints } = disciplineViews(
    gateContentFrom({ requirements: reqs, criteria: criteriaRows, debtItems: debt }),
  );
  const criteria = evaluateCriteria(criteriaRows as Array<(typeof criteriaRows)[number] & CriterionState>, facts);
  const allSignOffs = loadSignOffs(database, review.id);
  const current = allSignOffs.filter((s) => s.status === "current");
  const required = review.requiredApprovals;
  const panels = DISCIPLINES.map((discipline) => {
    const panel = disciplinePanel<SignOffRow>(discipline, current, fingerprints, facts.members, required);
    const signOffsNow: EvaluatedSignOff[] = panel.signOffs.map((evaluated) => {
      const row = current.find((c) => c.id === evaluated.id)!;
      const { snapshot: _snapshot, ...rest } = row;
      return {
        ...rest,
        standing: evaluated.standing,
        changes: evaluated.standing === "stale" ? changesSince(row, views) : [],
      };
    });
    // The sign-off a summary names: an objection first, else the latest.
    const lead = signOffsNow.find((s) => s.standing === "changes_requested") ?? signOffsNow[0] ?? null;
    return {
      discipline,
      status: panel.status as PanelStatus,
      approvals: panel.approvals,
      required,
      signOff: lead,
      signOffs: signOffsNow,
      earlier: allSignOffs
        .filter((s) => s.discipline === discipline && s.status !== "current")
        .map(({ snapshot: _snapshot, ...s }) => ({ ...s, standing: null, changes: [] as string[] })),
    };
  });
  const blockers =
    review.status === "open"
      ? promotionBlockers({
          criteria,
          signOffs: current,
          fingerprints,
          members: facts.members,
          requiredApprovals: required,
        })
      : [];
  return {
    review,
    criteria,
    panels,
    blockers,
    fingerprints,
    views,
    canPromote: review.status === "open" && blockers.length === 0,
  };
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
    panels: view.panels.map((p) => ({
      discipline: p.discipline,
      status: p.status,
      signer: p.signOff?.userName ?? null,
      approvals: p.approvals,
      required: p.required,
    })),
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
      statement: gateReviews.statement,
      openedById: gateReviews.openedById,
      openedByName: opener.name,
      closedById: gateReviews.closedById,
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
    fingerprints: view.fingerprints,
    criteria: view.criteria.map((c) => ({
      key: c.key,
      label: c.label,
      kind: c.kind,
      met: c.met,
      detail: c.detail,
      attestedByName: c.attestedByName,
      attestedAt: c.attestedAt,
      attestationNote: c.attestationNote,
      evidenceUrl: c.evidenceUrl,
    })),
    panels: view.panels.map((p) => ({
      discipline: p.discipline,
      status: p.status,
      approvals: p.approvals,
      required: p.required,
      signOffs: p.signOffs.map((s) => ({
        id: s.id,
        userName: s.userName,
        decision: s.decision,
        standing: s.standing,
        changes: s.changes,
      })),
    })),
    blockers: view.blockers,
    requirements: gateRequirements(tx, review.projectId),
    debtItems: debt,
  };
}

// ---------- closed reviews and lists ----------

/**
 * Closed reviews' stored snapshot (dossier, history). Snapshots from before migration 0003
 * hold one `fingerprint` for the whole gate instead of `fingerprints` per discipline.
 */
export function reviewSnapshot(review: Pick<GateReview, "closingSnapshot">) {
  return review.closingSnapshot
    ? (JSON.parse(review.closingSnapshot) as Partial<ReturnType<typeof closingSnapshot>> &
        Omit<ReturnType<typeof closingSnapshot>, "fingerprints"> & { fingerprint?: string })
    : null;
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
