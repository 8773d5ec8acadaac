/**
 * What an auditor asks for about one gate review (the dossier, as a printable page and as
 * JSON) and a project's stage history from the activity log.
 *
 * A closed review reads the closing snapshot gates.server.ts stored when it closed: the
 * criteria, the validity of each panel, the requirements and the open debt exactly as they
 * stood then, whatever changed afterwards. An open review is evaluated live and says so
 * (`content: "live"`). A review closed without a snapshot (withdrawn because the project was
 * stopped or retired) falls back to live content and says that too (`content: "live_no_snapshot"`).
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { db } from "../../db/client.server";
import {
  activity,
  users,
  type Discipline,
  type ProjectState,
  type Stage,
} from "../../db/schema";
import { DISCIPLINES } from "../../db/schema";
import { stageIntervals, type ProjectHistory } from "~/domain/stats";
import { conditionItemsForReview, gateDebtFacts } from "./debt.server";
import { gateRequirements } from "./gate-reviews-read.server";
import { getReview, reviewSnapshot, type PanelStatus } from "./gates.server";
import { getProject } from "./projects.server";

export const DOSSIER_FORMAT = "triad.gate-dossier/1";

/** How the content of a dossier was obtained. */
export type DossierContent = "closing_snapshot" | "live" | "live_no_snapshot";

/**
 * What a sign-off counted for when the review closed (or now, for an open review):
 * the panel status of a current sign-off, or `superseded` / `withdrawn` for earlier ones,
 * or `not_recorded` when a closed review kept no snapshot.
 */
export type SignOffStanding = PanelStatus | "superseded" | "withdrawn" | "not_recorded";

const person = alias(users, "person");

function namesOf(ids: Array<number | null | undefined>): Map<number, string> {
  const wanted = [...new Set(ids.filter((id): id is number => typeof id === "number"))];
  if (!wanted.length) return new Map();
  const rows = db.select({ id: person.id, name: person.name }).from(person).where(inArray(person.id, wanted)).all();
  return new Map(rows.map((r) => [r.id, r.name]));
}


/**
 * The dossier of review `reviewId` of project `projectId`; null when the project has no such
 * review (a review of another project is "not found", never shown).
 */
export function getGateDossier({ projectId, reviewId, now = Date.now() }: { projectId: number; reviewId: number; now?: number }) {
  if (!Number.isSafeInteger(reviewId) || reviewId <= 0) return null;
  const view = getReview(reviewId, projectId);
  const project = getProject(projectId);
  if (!view || !project) return null;
  const { review } = view;
  const snapshot = review.status === "open" ? null : reviewSnapshot(review);
  const content: DossierContent = review.status === "open" ? "live" : snapshot ? "closing_snapshot" : "live_no_snapshot";

  const liveCriteria = new Map(view.criteria.map((c) => [c.key, c]));
  const criteria = (snapshot?.criteria ?? view.criteria).map((c) => ({
    key: c.key,
    label: c.label,
    kind: c.kind,
    discipline: liveCriteria.get(c.key)?.discipline ?? null,
    met: c.met,
    detail: c.detail,
    attestation: c.attestedAt
      ? { byName: c.attestedByName ?? null, at: c.attestedAt, note: c.attestationNote ?? "" }
      : null,
  }));

  const panelStatus = new Map<Discipline, PanelStatus>(
    (snapshot?.panels ?? view.panels).map((p) => [p.discipline, p.status as PanelStatus]),
  );
  const contentFingerprint = snapshot?.fingerprint ?? (content === "live" ? view.fingerprint : null);
  const signOffs = view.panels.flatMap((panel) =>
    [...(panel.signOff ? [panel.signOff] : []), ...panel.earlier].map((s) => {
      let standing: SignOffStanding;
      if (s.status !== "current") standing = s.status;
      else if (content === "live_no_snapshot") standing = "not_recorded";
      else standing = panelStatus.get(s.discipline) ?? "missing";
      return {
        id: s.id,
        discipline: s.discipline,
        signer: { id: s.userId, name: s.userName },
        signedAt: s.signedAt,
        decision: s.decision,
        comment: s.comment,
        fingerprint: s.fingerprint,
        status: s.status,
        endedAt: s.endedAt,
        standing,
        matchesContentFingerprint: contentFingerprint ? s.fingerprint === contentFingerprint : null,
      };
    }),
  );

  const debtFacts = snapshot?.debtItems ?? gateDebtFacts(projectId);
  const conditionRows = conditionItemsForReview(review.id);
  const names = namesOf([
    review.openedById,
    review.closedById,
    ...debtFacts.flatMap((d) => [d.ownerId, ...d.steps.map((s) => s.ownerId)]),
  ]);
  const nameOf = (id: number | null) => (id == null ? null : (names.get(id) ?? `#${id}`));

  const stageAfterClosing: Stage | null =
    review.status === "promoted" ? review.targetStage : review.status === "withdrawn" ? review.fromStage : null;

  return {
    format: DOSSIER_FORMAT,
    /** All instants are integer milliseconds since 1970-01-01 UTC; calendar dates are YYYY-MM-DD. */
    generatedAt: now,
    content,
    project: {
      id: project.id,
      name: project.name,
      slug: project.slug,
      summary: project.summary,
      businessCase: project.businessCase,
      owner: { id: project.ownerId, name: project.ownerName },
      stageWhenOpened: review.fromStage,
      stageAfterClosing,
      stageNow: project.stage,
      stateNow: project.state as ProjectState,
    },
    review: {
      id: review.id,
      fromStage: review.fromStage,
      targetStage: review.targetStage,
      status: review.status,
      openedAt: review.openedAt,
      openedBy: { id: review.openedById, name: nameOf(review.openedById) },
      closedAt: review.closedAt,
      closedBy: review.closedById ? { id: review.closedById, name: nameOf(review.closedById) } : null,
      closeNote: review.closeNote,
      /** Fingerprint of the gate content at closing (live for an open review). */
      contentFingerprint,
      /** What stood in the way of promotion at closing (live for an open review). */
      blockers: snapshot?.blockers ?? (content === "live" ? view.blockers : []),
    },
    criteria,
    panels: DISCIPLINES.map((discipline) => ({ discipline, status: content === "live_no_snapshot" ? null : (panelStatus.get(discipline) ?? "missing") })),
    signOffs,
    conditions: conditionRows.map((c) => ({
      id: c.id,
      signOffId: c.signOffId,
      discipline: c.discipline,
      register: c.register,
      title: c.title,
      owner: c.ownerId ? { id: c.ownerId, name: c.ownerName } : null,
      targetDate: c.targetDate,
      repayBeforeStage: c.repayBeforeStage,
      /** The item's status today (the debt register follows it after the review). */
      statusNow: c.status,
    })),
    requirements: snapshot?.requirements ?? gateRequirements(db, projectId),
    debtItems: debtFacts.map((d) => ({
      id: d.id,
      register: d.register,
      title: d.title,
      status: d.status,
      severity: d.severity,
      owner: d.ownerId ? { id: d.ownerId, name: nameOf(d.ownerId) } : null,
      strategy: d.strategy,
      targetDate: d.targetDate,
      repayBeforeStage: d.repayBeforeStage,
      principalDays: d.principalDays,
      interestDays: d.interestDays,
      steps: d.steps.map((s) => ({ title: s.title, owner: nameOf(s.ownerId), dueDate: s.dueDate, done: s.done })),
    })),
  };
}

export type GateDossier = NonNullable<ReturnType<typeof getGateDossier>>;

// ---------- stage history ----------

export type StageEvent = {
  id: number;
  at: number;
  action: "project.created" | "project.stage_changed" | "project.state_changed";
  actorName: string | null;
  summary: string;
  fromStage: Stage | null;
  toStage: Stage | null;
  fromState: ProjectState | null;
  toState: ProjectState | null;
  stopCause: string | null;
  stopNote: string | null;
  reviewId: number | null;
};

const STAGE_ACTIONS = ["project.created", "project.stage_changed", "project.state_changed"] as const;

function parseJson(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const value = JSON.parse(text);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const str = (value: unknown) => (typeof value === "string" ? value : null);

/** A project's stage and state events from the activity log, oldest first: plain rows. */
export function projectStageTimeline(projectId: number): StageEvent[] {
  const rows = db
    .select({
      id: activity.id,
      at: activity.at,
      action: activity.action,
      summary: activity.summary,
      before: activity.before,
      after: activity.after,
      actorName: users.name,
    })
    .from(activity)
    .leftJoin(users, eq(users.id, activity.actorId))
    .where(and(eq(activity.projectId, projectId), inArray(activity.action, [...STAGE_ACTIONS])))
    .orderBy(asc(activity.at), asc(activity.id))
    .all();
  return rows.map((row) => {
    const before = parseJson(row.before);
    const after = parseJson(row.after);
    const isState = row.action === "project.state_changed";
    return {
      id: row.id,
      at: row.at,
      action: row.action as StageEvent["action"],
      actorName: row.actorName,
      summary: row.summary,
      fromStage: isState ? null : (str(before.stage) as Stage | null),
      toStage: isState ? null : ((str(after.stage) ?? (row.action === "project.created" ? "poc" : null)) as Stage | null),
      fromState: isState ? (str(before.state) as ProjectState | null) : null,
      toState: isState ? (str(after.state) as ProjectState | null) : null,
      stopCause: isState ? str(after.stopCause) : null,
      stopNote: isState ? str(after.stopNote) : null,
      reviewId: typeof after.reviewId === "number" ? after.reviewId : null,
    };
  });
}

/** One stay in a stage, as the history page shows it. */
export type StageStay = {
  stage: Stage;
  enteredAt: number;
  /** When the project left the stage: promoted, or stopped/retired in it; null while it is there. */
  leftAt: number | null;
  /** Why it left: the next stage, or the final state it ended in. */
  leftFor: Stage | "stopped" | "retired" | null;
  days: number;
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** The events as the shared stage-history rule (app/domain/stats.ts) reads them. */
export function historyOf(projectId: number, events: StageEvent[]): ProjectHistory & { endedAs: "stopped" | "retired" | null } {
  const changes = events.flatMap((e) => (e.action !== "project.state_changed" && e.toStage ? [{ at: e.at, stage: e.toStage }] : []));
  const ended = events.findLast((e) => e.toState === "stopped" || e.toState === "retired");
  return {
    projectId,
    changes,
    endedAt: ended?.at ?? null,
    endedAs: (ended?.toState as "stopped" | "retired" | undefined) ?? null,
  };
}

/**
 * The stages a project went through with dates and days (time on hold counts as time in the
 * stage; a stopped or retired project's last stay ends then), from stats.ts's `stageIntervals`.
 */
export function stageHistory(projectId: number, events: StageEvent[], now: number): StageStay[] {
  const history = historyOf(projectId, events);
  const intervals = stageIntervals(history);
  return intervals.map((interval, i) => {
    const next = intervals[i + 1];
    return {
      stage: interval.stage,
      enteredAt: interval.start,
      leftAt: interval.end,
      leftFor: next ? next.stage : interval.end !== null ? history.endedAs : null,
      days: Math.max(0, ((interval.end ?? now) - interval.start) / DAY_MS),
    };
  });
}
