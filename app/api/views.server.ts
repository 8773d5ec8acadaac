/**
 * What the API answers with: the models' rows, shaped once per resource so every endpoint
 * that returns a project, a requirement, a gate review, a comment or a debt item returns the
 * same shape. Computed values
 * (overdue, accrued interest, sign-off staleness, blockers) come from the domain rules, as on
 * the pages.
 */
import type { Requirement } from "../../db/schema";
import { accruedInterest, categoryLabel, isOverdue } from "~/domain/debt";
import { utcDate } from "~/domain/dates";
import { NotFoundError } from "~/domain/errors";
import type { Feasibility } from "~/domain/feasibility";
import type { ActivityRow } from "~/models/activity.server";
import { debtTotalsForProject, getDebtItem } from "~/models/debt.server";
import { getReview, listReviews, openReviewSummary, reviewSnapshot, type ReviewView } from "~/models/gates.server";
import { getProject } from "~/models/projects.server";
import { getRequirement, listRequirements, type RequirementRow } from "~/models/requirements.server";
import { listComments, type CommentRow } from "~/models/review-comments.server";
import { listTeam } from "~/models/team.server";
import {
  mailConfigured,
  modesOf,
  type NotificationRow,
  type NotificationSettings,
} from "~/models/notifications-read.server";

export function projectView(projectId: number) {
  const project = getProject(projectId);
  if (!project) throw new NotFoundError("No such project.");
  const { ownerId, ownerName, ...rest } = project;
  return { ...rest, owner: { id: ownerId, name: ownerName } };
}

/** GET /projects/:slug: the project with its team, requirements, current review and debt totals. */
export function projectDetailView(projectId: number, now = Date.now()) {
  const project = projectView(projectId);
  return {
    ...project,
    members: listTeam(projectId).map(({ since, ...member }) => ({ ...member, joinedAt: since })),
    requirements: requirementsView(projectId),
    currentReview: openReviewSummary(projectId),
    debtTotals: debtTotalsForProject(projectId, utcDate(now), project.stage),
  };
}

type PanelView = ReviewView["panels"][number];

/** One current sign-off as the API shows it; `standing` and `changes` as of closing for a closed review. */
function memberJson(s: PanelView["signOffs"][number], atClosing?: { standing: string | null; changes?: string[] }) {
  return {
    id: s.id,
    user: { id: s.userId, name: s.userName },
    decision: s.decision,
    comment: s.comment,
    signedAt: s.signedAt,
    standing: atClosing ? atClosing.standing : s.standing,
    /** For a stale sign-off: what changed in its discipline's concerns since it was given. */
    changes: atClosing ? (atClosing.changes ?? []) : s.changes,
    dismissed: s.dismissedAt
      ? {
          at: s.dismissedAt,
          reason: s.dismissReason ?? "",
          by: { id: s.dismissedById ?? null, name: s.dismissedByName ?? null },
        }
      : null,
  };
}

function reviewJson(view: ReviewView, projectSlug: string) {
  const { review } = view;
  // A closed review is shown as it stood when it closed (as the review page and the dossier do).
  // Snapshots from before migration 0003 kept each panel's status only.
  const snapshot = reviewSnapshot(review);
  const closingPanel = (discipline: string) => snapshot?.panels.find((p) => p.discipline === discipline);
  const closingStanding = new Map(
    (snapshot?.panels ?? []).flatMap((p) =>
      (p.signOffs ?? []).map((s) => [s.id, { standing: s.standing, changes: s.changes }] as const),
    ),
  );
  const criteria = snapshot
    ? snapshot.criteria.map((c) => ({
        key: c.key,
        label: c.label,
        kind: c.kind,
        discipline: view.criteria.find((v) => v.key === c.key)?.discipline ?? null,
        met: c.met,
        detail: c.detail,
        attestedBy: c.attestedByName ? { name: c.attestedByName } : null,
        attestedAt: c.attestedAt,
        attestationNote: c.attestationNote,
        evidenceUrl: c.evidenceUrl ?? null,
      }))
    : view.criteria.map((c) => ({
        key: c.key,
        label: c.label,
        kind: c.kind,
        discipline: c.discipline,
        met: c.met,
        detail: c.detail,
        attestedBy: c.attestedById ? { id: c.attestedById, name: c.attestedByName } : null,
        attestedAt: c.attestedAt,
        attestationNote: c.attestationNote,
        evidenceUrl: c.evidenceUrl,
      }));
  return {
    id: review.id,
    project: projectSlug,
    fromStage: review.fromStage,
    targetStage: review.targetStage,
    status: review.status,
    statement: review.statement,
    requiredApprovals: review.requiredApprovals,
    openedAt: review.openedAt,
    closedAt: review.closedAt,
    closeNote: review.closeNote,
    signoffs: view.panels.map((p) => {
      const closing = closingPanel(p.discipline);
      return {
        discipline: p.discipline,
        status: closing?.status ?? p.status,
        approvals: closing?.approvals ?? p.approvals,
        required: closing?.required ?? p.required,
        members: p.signOffs.map((s) => memberJson(s, snapshot ? closingStanding.get(s.id) : undefined)),
      };
    }),
    criteria,
    blockers: snapshot ? snapshot.blockers : view.blockers,
    canPromote: view.canPromote,
  };
}

export function reviewView(reviewId: number, project: { id: number; slug: string }) {
  const view = getReview(reviewId, project.id);
  if (!view) throw new NotFoundError("This project has no gate review with that id.");
  return reviewJson(view, project.slug);
}

/** GET /projects/:slug/gate-reviews: the project's reviews, newest first. */
export function reviewListView(projectId: number) {
  return listReviews(projectId).map((r) => ({
    id: r.id,
    fromStage: r.fromStage,
    targetStage: r.targetStage,
    status: r.status,
    statement: r.statement,
    openedAt: r.openedAt,
    openedBy: { id: r.openedById, name: r.openedByName },
    closedAt: r.closedAt,
    closedBy: r.closedById ? { id: r.closedById, name: r.closedByName } : null,
    closeNote: r.closeNote,
  }));
}

/** A comment on a review: its author, the sign-off it replies to, mentions and earlier wordings. */
export function commentJson(c: CommentRow) {
  return {
    id: c.id,
    body: c.body,
    author: { id: c.authorId, name: c.authorName },
    createdAt: c.createdAt,
    editedAt: c.editedAt,
    version: c.version,
    replyTo:
      c.replyToSignOffId != null
        ? {
            signOffId: c.replyToSignOffId,
            name: c.replyToName,
            decision: c.replyToDecision,
            discipline: c.replyToDiscipline,
          }
        : null,
    mentions: c.mentions,
    revisions: c.revisions,
  };
}

export function commentView(reviewId: number, commentId: number) {
  const found = listComments(reviewId).find((c) => c.id === commentId);
  if (!found) throw new NotFoundError("This review has no comment with that id.");
  return commentJson(found);
}

// ---------- requirements ----------

type Verdict = {
  feasibility: Feasibility;
  conditions: string | null;
  note: string | null;
  assessedBy: { id: number; name: string | null } | null;
  assessedAt: number | null;
  version: number;
};

/**
 * A requirement with each discipline's verdict (`verdicts.data_science`, `verdicts.it`) and the
 * combined `feasibility` (docs/domain.md, "Feasibility"). `listed` is its listRequirements row
 * (the people's names), `row` the stored one (their ids).
 */
function requirementJson(listed: RequirementRow, row: Requirement) {
  const verdict = (d: "ds" | "it"): Verdict => {
    const assessedById = d === "ds" ? row.dsAssessedById : row.itAssessedById;
    return {
      feasibility: d === "ds" ? row.dsFeasibility : row.itFeasibility,
      conditions: d === "ds" ? row.dsConditions : row.itConditions,
      note: d === "ds" ? row.dsNote : row.itNote,
      assessedBy: assessedById
        ? { id: assessedById, name: d === "ds" ? listed.dsAssessedByName : listed.itAssessedByName }
        : null,
      assessedAt: d === "ds" ? row.dsAssessedAt : row.itAssessedAt,
      version: d === "ds" ? row.dsVersion : row.itVersion,
    };
  };
  return {
    id: row.id,
    projectId: row.projectId,
    title: row.title,
    description: row.description,
    target: row.target,
    priority: row.priority,
    status: row.status,
    feasibility: row.feasibility,
    verdicts: { data_science: verdict("ds"), it: verdict("it") },
    createdBy: { id: row.createdById, name: listed.createdByName },
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    version: row.version,
  };
}

export function requirementView(requirementId: number) {
  const row = getRequirement(requirementId);
  const listed = row && listRequirements(row.projectId).find((r) => r.id === requirementId);
  if (!row || !listed) throw new NotFoundError("There is no such requirement.");
  return requirementJson(listed, row);
}

function requirementsView(projectId: number) {
  return listRequirements(projectId).flatMap((listed) => {
    const row = getRequirement(listed.id);
    return row ? [requirementJson(listed, row)] : [];
  });
}

export function debtItemView(itemId: number, now = Date.now()) {
  const found = getDebtItem(itemId);
  if (!found) throw new NotFoundError("There is no such debt item.");
  const { history: _history, ...item } = found;
  const today = utcDate(now);
  const steps = item.steps.map((s) => ({ ...s, done: s.doneAt != null }));
  return {
    ...item,
    steps,
    categoryLabel: categoryLabel(item.register, item.category),
    accruedInterestDays: accruedInterest(item, today),
    overdue: isOverdue({ ...item, steps }, today),
  };
}

const parse = (text: string | null) => (text == null ? null : (JSON.parse(text) as unknown));

export function activityView(row: ActivityRow) {
  return { ...row, before: parse(row.before), after: parse(row.after) };
}

/** One notification as the API shows it (GET /notifications). */
export function notificationJson(row: NotificationRow) {
  return {
    id: row.id,
    category: row.category,
    title: row.title,
    body: row.body,
    link: row.link,
    project: row.project,
    actor: row.actor,
    createdAt: row.createdAt,
    readAt: row.readAt,
  };
}

/** The token user's notification settings (GET and PATCH /me/notification-preferences). */
export function notificationSettingsView(settings: NotificationSettings) {
  return {
    preferences: modesOf(settings),
    defaults: Object.fromEntries(settings.categories.map((c) => [c.category, c.defaultMode])),
    timeZone: settings.timeZone,
    digestHour: settings.digestHour,
    emailConfigured: mailConfigured(),
  };
}
