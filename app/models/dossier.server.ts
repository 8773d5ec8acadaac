/**
 * What an auditor asks for about one gate review (the dossier, as a printable page and as
 * JSON) and a project's stage history from the activity log.
 *
 * A closed review reads the closing snapshot gates.server.ts stored when it closed: the
 * criteria, the validity of each panel, the requirements and the open debt exactly as they
 * stood then, whatever changed afterwards. An open review is evaluated live and says so
 * (`content: "live"`). A review closed without a snapshot (withdrawn because the project was
 * stopped or retired) falls back to live content and says that too (`content: "live_no_snapshot"`).
 *
 * Format 2 (docs/domain.md, "Sign-off rules"): every sign-off carries its own standing and what
 * changed since it was given, a dismissed "changes requested" says by whom and why, requirements
 * carry both feasibility verdicts, the review carries its opening statement, the approvals each
 * discipline needed and the conversation, and the content fingerprint is one per discipline.
 * Snapshots taken before migration 0003 are read as they are: their one fingerprint appears as
 * `contentFingerprints: { all }`, their single feasibility verdict under `verdicts.legacy`, and a
 * current sign-off's standing is its panel's status, as format 1 had it.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { db } from "../../db/client.server";
import { activity, users } from "../../db/schema";
import { type Discipline, type ProjectState, type Stage } from "~/domain/vocabulary";
import { DISCIPLINES } from "~/domain/vocabulary";
import { stageIntervals, type ProjectHistory } from "~/domain/stats";
import type { SignOffStatus } from "~/domain/gates";
import { conditionItemsForReview, gateDebtFacts } from "./debt.server";
import { gateRequirements } from "./gate-reviews-read.server";
import { getReview, reviewSnapshot, type PanelStatus } from "./gates.server";
import { getProject } from "./project-access.server";
import { listComments } from "./review-comments.server";

export const DOSSIER_FORMAT = "triad.gate-dossier/2";

/** How the content of a dossier was obtained. */
export type DossierContent = "closing_snapshot" | "live" | "live_no_snapshot";

/**
 * What a sign-off counted for when the review closed (or now, for an open review): a current
 * sign-off's own standing (approved, approved with conditions, changes requested, dismissed,
 * stale, invalid; for a snapshot from before migration 0003 its panel's status), `superseded`
 * / `withdrawn` for earlier ones, or `not_recorded` when a closed review kept no snapshot.
 */
export type SignOffStanding = SignOffStatus | PanelStatus | "superseded" | "withdrawn" | "not_recorded";

/** One discipline's feasibility verdict on a requirement. */
export type DossierVerdict = {
  feasibility: "unassessed" | "feasible" | "feasible_with_conditions" | "infeasible";
  conditions: string | null;
  note: string | null;
};

/**
 * Per discipline (`data_science`, `it`); a snapshot from before per-discipline verdicts holds
 * the one verdict it had under `legacy`.
 */
export type DossierVerdicts = Partial<Record<"data_science" | "it" | "legacy", DossierVerdict>>;

/** A requirement row as a snapshot or the live query holds it, old format or new. */
type StoredRequirement = {
  id: number;
  title: string;
  description: string;
  target: string;
  priority: "must" | "should" | "could";
  status: "active" | "withdrawn";
  feasibility: DossierVerdict["feasibility"];
  dsFeasibility?: DossierVerdict["feasibility"];
  dsConditions?: string | null;
  dsNote?: string | null;
  itFeasibility?: DossierVerdict["feasibility"];
  itConditions?: string | null;
  itNote?: string | null;
  /** Before migration 0003: the one verdict's conditions and note. */
  conditions?: string | null;
  feasibilityNote?: string | null;
};

const orNull = (text: string | null | undefined) => (text == null || text === "" ? null : text);

function dossierRequirement(r: StoredRequirement) {
  const verdicts: DossierVerdicts =
    r.dsFeasibility !== undefined || r.itFeasibility !== undefined
      ? {
          data_science: {
            feasibility: r.dsFeasibility ?? "unassessed",
            conditions: orNull(r.dsConditions),
            note: orNull(r.dsNote),
          },
          it: {
            feasibility: r.itFeasibility ?? "unassessed",
            conditions: orNull(r.itConditions),
            note: orNull(r.itNote),
          },
        }
      : { legacy: { feasibility: r.feasibility, conditions: orNull(r.conditions), note: orNull(r.feasibilityNote) } };
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    target: r.target,
    priority: r.priority,
    status: r.status,
    /** The combined verdict (app/domain/feasibility.ts). */
    feasibility: r.feasibility,
    verdicts,
  };
}

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
export function getGateDossier({
  projectId,
  reviewId,
  now = Date.now(),
}: {
  projectId: number;
  reviewId: number;
  now?: number;
}) {
  if (!Number.isSafeInteger(reviewId) || reviewId <= 0) return null;
  const view = getReview(reviewId, projectId);
  const project = getProject(projectId);
  if (!view || !project) return null;
  const { review } = view;
  const snapshot = review.status === "open" ? null : reviewSnapshot(review);
  const content: DossierContent =
    review.status === "open" ? "live" : snapshot ? "closing_snapshot" : "live_no_snapshot";

  const liveCriteria = new Map(view.criteria.map((c) => [c.key, c]));
  const criteria = (snapshot?.criteria ?? view.criteria).map((c) => ({
    key: c.key,
    label: c.label,
    kind: c.kind,
    discipline: liveCriteria.get(c.key)?.discipline ?? null,
    met: c.met,
    detail: c.detail,
    attestation: c.attestedAt
      ? {
          byName: c.attestedByName ?? null,
          at: c.attestedAt,
          note: c.attestationNote ?? "",
          evidenceUrl: c.evidenceUrl ?? null,
        }
      : null,
  }));

  const snapshotPanels = snapshot?.panels ?? [];
  const panelStatus = new Map<Discipline, PanelStatus>(
    (snapshot ? snapshotPanels : view.panels).map((p) => [p.discipline, p.status as PanelStatus]),
  );
  // Each sign-off's own standing at closing; snapshots from before migration 0003 kept the
  // panels' status only.
  const closingStanding = new Map(
    snapshotPanels.flatMap((p) =>
      (p.signOffs ?? []).map((s) => [s.id, { standing: s.standing, changes: s.changes ?? [] }] as const),
    ),
  );
  // Each sign-off is compared with its own discipline's fingerprint (one for the whole gate
  // in snapshots from before migration 0003).
  const contentFingerprint = (d: Discipline): string | null =>
    snapshot
      ? (snapshot.fingerprints?.[d] ?? snapshot.fingerprint ?? null)
      : content === "live"
        ? view.fingerprints[d]
        : null;
  const contentFingerprints: Partial<Record<Discipline | "all", string>> | null = snapshot
    ? (snapshot.fingerprints ?? (snapshot.fingerprint ? { all: snapshot.fingerprint } : null))
    : content === "live"
      ? view.fingerprints
      : null;
  const signOffs = view.panels.flatMap((panel) =>
    [...panel.signOffs, ...panel.earlier].map((s) => {
      let standing: SignOffStanding;
      let changes: string[] = [];
      if (s.status !== "current") standing = s.status;
      else if (content === "live_no_snapshot") standing = "not_recorded";
      else if (content === "live") {
        standing = s.standing ?? panelStatus.get(s.discipline) ?? "missing";
        changes = s.changes;
      } else {
        const atClosing = closingStanding.get(s.id);
        standing = atClosing?.standing ?? panelStatus.get(s.discipline) ?? "missing";
        changes = atClosing?.changes ?? [];
      }
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
        /** For a stale sign-off: what changed in its discipline's concerns since it was given. */
        changes,
        /** Set when the project owner dismissed this "changes requested". */
        dismissal: s.dismissedAt
          ? { at: s.dismissedAt, byName: s.dismissedByName ?? null, reason: s.dismissReason ?? "" }
          : null,
        matchesContentFingerprint: contentFingerprint(s.discipline)
          ? s.fingerprint === contentFingerprint(s.discipline)
          : null,
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
      /** Why the review was opened then, in the opener's words. */
      statement: review.statement,
      /** Counting approvals each discipline needed (copied from the gate policy when opened). */
      requiredApprovals: review.requiredApprovals,
      /**
       * Fingerprint of each discipline's view of the gate content at closing (live for an open
       * review; null without a snapshot). A snapshot from before migration 0003 holds one
       * fingerprint for the whole gate: `{ all: fingerprint }`.
       */
      contentFingerprints,
      /** What stood in the way of promotion at closing (live for an open review). */
      blockers: snapshot?.blockers ?? (content === "live" ? view.blockers : []),
    },
    criteria,
    panels: DISCIPLINES.map((discipline) => {
      const p = (snapshot ? snapshotPanels : view.panels).find((x) => x.discipline === discipline);
      return {
        discipline,
        status: content === "live_no_snapshot" ? null : (panelStatus.get(discipline) ?? "missing"),
        /** Counting approvals at closing (now, for an open review); null when not recorded. */
        approvals: content === "live_no_snapshot" ? null : (p?.approvals ?? null),
      };
    }),
    signOffs,
    /** The review's conversation, oldest first; `editedAt` is set when the author reworded it. */
    comments: listComments(review.id).map((c) => ({
      id: c.id,
      author: { id: c.authorId, name: c.authorName },
      at: c.createdAt,
      body: c.body,
      replyToSignOffId: c.replyToSignOffId,
      editedAt: c.editedAt,
      mentions: c.mentions.map((m) => m.name),
      earlierWordings: c.revisions.map((r) => ({ body: r.body, replacedAt: r.replacedAt })),
    })),
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
    requirements: ((snapshot?.requirements ?? gateRequirements(db, projectId)) as StoredRequirement[]).map(
      dossierRequirement,
    ),
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
      toStage: isState
        ? null
        : ((str(after.stage) ?? (row.action === "project.created" ? "poc" : null)) as Stage | null),
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
export function historyOf(
  projectId: number,
  events: StageEvent[],
): ProjectHistory & { endedAs: "stopped" | "retired" | null } {
  const changes = events.flatMap((e) =>
    e.action !== "project.state_changed" && e.toStage ? [{ at: e.at, stage: e.toStage }] : [],
  );
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
