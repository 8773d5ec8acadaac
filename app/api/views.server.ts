/**
 * What the API answers with: the models' rows turned into the resources of app/api/schemas.ts,
 * one function per resource, so every operation that returns a project, a requirement, a
 * gate review, a comment or a debt item returns the same shape. Each view names every field
 * it sends (no row is spread into an answer) and turns instants (integer milliseconds in the
 * rows) into ISO strings itself; its return type is the schema's, so the compiler refuses a
 * missing, extra or mistyped field. Computed values (overdue, accrued interest, sign-off
 * standing, blockers) come from the domain rules, as on the pages.
 */
import type { z } from "zod";
import type { Requirement as RequirementRecord } from "../../db/schema";
import { accruedInterest, categoryLabel, isOverdue } from "~/domain/debt";
import { orgToday } from "~/lib/org-time-zone.server";
import { NotFoundError } from "~/domain/errors";
import { isoInstant, isoInstantOrNull, toApiJson } from "~/lib/api-json";
import type { ActivityRow } from "~/models/activity.server";
import { memoUntilWrite } from "~/models/data-version.server";
import { debtTotalsForProject, getDebtItem, type OrgDebtRow, type OrgDebtTotals } from "~/models/debt.server";
import { getReview, listReviews, openReviewSummary, reviewSnapshot, type ReviewView } from "~/models/gates.server";
import { getProject, type ProjectWithOwner } from "~/models/projects.server";
import { getRequirement, listRequirements, type RequirementRow } from "~/models/requirements.server";
import { listComments, type CommentRow } from "~/models/review-comments.server";
import { listTeam, type TeamMember } from "~/models/team.server";
import type { SearchHit } from "~/models/search.server";
import {
  mailConfigured,
  modesOf,
  type NotificationRow,
  type NotificationSettings,
} from "~/models/notifications-read.server";
import type {
  activityEntry,
  criterion,
  debtItem,
  debtListItem,
  debtListTotals,
  gateReview,
  gateReviewSummary,
  member,
  notification,
  notificationSettings,
  openReviewSummary as openReviewSummarySchema,
  personRef,
  project,
  projectDetail,
  projectSummary,
  repaymentStep,
  requirement,
  reviewComment,
  searchResult,
  signOffEntry,
  signOffRecord,
  verdict,
  VIAS,
} from "~/api/schemas";

type Of<S extends z.ZodType> = z.input<S>;
type PersonRef = Of<typeof personRef>;

/** A person by id and name; null when there is no id (nobody, or the system). */
function personOrNull(id: number | null | undefined, name: string | null | undefined): PersonRef | null {
  return id == null ? null : { id, name: name ?? "" };
}

// ---------- projects and teams ----------

export function projectJson(p: ProjectWithOwner): Of<typeof project> {
  return {
    id: p.id,
    slug: p.slug,
    name: p.name,
    summary: p.summary,
    businessCase: p.businessCase,
    stage: p.stage,
    state: p.state,
    stopCause: p.stopCause,
    stopNote: p.stopNote,
    owner: { id: p.ownerId, name: p.ownerName },
    stageEnteredAt: isoInstant(p.stageEnteredAt),
    closedAt: isoInstantOrNull(p.closedAt),
    createdAt: isoInstant(p.createdAt),
    updatedAt: isoInstant(p.updatedAt),
    version: p.version,
  };
}

export function projectView(projectId: number): Of<typeof project> {
  const found = getProject(projectId);
  if (!found) throw new NotFoundError("No such project.");
  return projectJson(found);
}

type ProjectListRow = {
  id: number;
  slug: string;
  name: string;
  summary: string;
  stage: Of<typeof project>["stage"];
  state: Of<typeof project>["state"];
  stopCause: Of<typeof project>["stopCause"];
  stageEnteredAt: number;
  closedAt: number | null;
  updatedAt: number;
  ownerName: string;
  memberCount: number;
  review: { id: number; targetStage: Of<typeof project>["stage"]; openedAt: number } | null;
};

/** One row of GET /projects (now, or as it stood on a date: app/models/portfolio.server.ts). */
export function projectSummaryJson(row: ProjectListRow): Of<typeof projectSummary> {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    summary: row.summary,
    stage: row.stage,
    state: row.state,
    stopCause: row.stopCause,
    ownerName: row.ownerName,
    memberCount: row.memberCount,
    stageEnteredAt: isoInstant(row.stageEnteredAt),
    closedAt: isoInstantOrNull(row.closedAt),
    updatedAt: isoInstant(row.updatedAt),
    openReview: row.review
      ? { id: row.review.id, targetStage: row.review.targetStage, openedAt: isoInstant(row.review.openedAt) }
      : null,
  };
}

/** A seat on the team (GET /projects/{slug}, POST /projects/{slug}/members). */
export function memberJson(m: TeamMember): Of<typeof member> {
  return {
    userId: m.userId,
    name: m.name,
    email: m.email,
    discipline: m.discipline,
    active: m.active,
    joinedAt: isoInstant(m.since),
  };
}

export function memberView(projectId: number, userId: number): Of<typeof member> {
  const found = listTeam(projectId).find((m) => m.userId === userId);
  if (!found) throw new NotFoundError("This project has no such member.");
  return memberJson(found);
}

function openReviewSummaryView(projectId: number): Of<typeof openReviewSummarySchema> | null {
  const summary = openReviewSummary(projectId);
  if (!summary) return null;
  return {
    id: summary.id,
    targetStage: summary.targetStage,
    openedAt: isoInstant(summary.openedAt),
    panels: summary.panels.map((p) => ({
      discipline: p.discipline,
      status: p.status,
      signer: p.signer,
      approvals: p.approvals,
      required: p.required,
    })),
    blockerCount: summary.blockerCount,
  };
}

const projectDetailCache = new Map<string, { version: string; value: Of<typeof projectDetail> }>();

/**
 * GET /projects/{slug}: the project with its team, requirements, current review and debt totals.
 * The same for every reader, so it is remembered per project and day until the next write (a
 * dozen queries otherwise, most of the request's time).
 */
export function projectDetailView(projectId: number, now = Date.now()): Of<typeof projectDetail> {
  const today = orgToday(now);
  return memoUntilWrite(projectDetailCache, `${projectId}|${today}`, () => computeProjectDetail(projectId, today));
}

function computeProjectDetail(projectId: number, today: string): Of<typeof projectDetail> {
  const found = getProject(projectId);
  if (!found) throw new NotFoundError("No such project.");
  const totals = debtTotalsForProject(projectId, today, found.stage);
  const registerTotals = (t: (typeof totals)["technical"]) => ({
    count: t.count,
    openCount: t.openCount,
    principalDays: t.principalDays,
    accruedInterestDays: t.accruedInterestDays,
    overdueCount: t.overdueCount,
    dueBeforeNextStageCount: t.dueBeforeNextStageCount,
  });
  return {
    ...projectJson(found),
    members: listTeam(projectId).map(memberJson),
    requirements: requirementsView(projectId),
    currentReview: openReviewSummaryView(projectId),
    debtTotals: { technical: registerTotals(totals.technical), organizational: registerTotals(totals.organizational) },
  };
}

// ---------- gate reviews ----------

type PanelView = ReviewView["panels"][number];
type AtClosing = { standing: PanelView["signOffs"][number]["standing"]; changes?: string[] };

/** One current sign-off as the API shows it; `standing` and `changes` as of closing for a closed review. */
function signOffEntryJson(s: PanelView["signOffs"][number], atClosing?: AtClosing): Of<typeof signOffEntry> {
  return {
    id: s.id,
    user: { id: s.userId, name: s.userName },
    decision: s.decision,
    comment: s.comment,
    signedAt: isoInstant(s.signedAt),
    standing: atClosing ? atClosing.standing : s.standing,
    changes: atClosing ? (atClosing.changes ?? []) : s.changes,
    dismissed:
      s.dismissedAt != null
        ? {
            at: isoInstant(s.dismissedAt),
            reason: s.dismissReason ?? "",
            by: personOrNull(s.dismissedById, s.dismissedByName),
          }
        : null,
  };
}

function criteriaJson(view: ReviewView, snapshot: ReturnType<typeof reviewSnapshot>): Of<typeof criterion>[] {
  if (!snapshot) {
    return view.criteria.map((c) => ({
      key: c.key,
      label: c.label,
      kind: c.kind,
      discipline: c.discipline,
      met: c.met,
      detail: c.detail,
      attestedBy: c.attestedById != null ? { id: c.attestedById, name: c.attestedByName ?? "" } : null,
      attestedAt: isoInstantOrNull(c.attestedAt),
      attestationNote: c.attestationNote,
      evidenceUrl: c.evidenceUrl,
    }));
  }
  // A closed review's criteria as they stood when it closed; attestations cannot change after.
  return snapshot.criteria.map((c) => {
    const live = view.criteria.find((v) => v.key === c.key);
    return {
      key: c.key,
      label: c.label,
      kind: c.kind,
      discipline: live?.discipline ?? null,
      met: c.met,
      detail: c.detail,
      attestedBy: c.attestedByName
        ? { id: live?.attestedByName === c.attestedByName ? (live.attestedById ?? null) : null, name: c.attestedByName }
        : null,
      attestedAt: isoInstantOrNull(c.attestedAt),
      attestationNote: c.attestationNote,
      evidenceUrl: c.evidenceUrl ?? null,
    };
  });
}

function reviewJson(view: ReviewView, projectSlug: string): Of<typeof gateReview> {
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
  return {
    id: review.id,
    project: projectSlug,
    fromStage: review.fromStage,
    targetStage: review.targetStage,
    status: review.status,
    statement: review.statement,
    requiredApprovals: review.requiredApprovals,
    openedAt: isoInstant(review.openedAt),
    closedAt: isoInstantOrNull(review.closedAt),
    closeNote: review.closeNote,
    signoffs: view.panels.map((p) => {
      const closing = closingPanel(p.discipline);
      return {
        discipline: p.discipline,
        status: closing?.status ?? p.status,
        approvals: closing?.approvals ?? p.approvals,
        required: closing?.required ?? p.required,
        members: p.signOffs.map((s) => signOffEntryJson(s, snapshot ? closingStanding.get(s.id) : undefined)),
      };
    }),
    criteria: criteriaJson(view, snapshot),
    blockers: snapshot ? snapshot.blockers : view.blockers,
    canPromote: view.canPromote,
  };
}

export function reviewView(reviewId: number, project: { id: number; slug: string }): Of<typeof gateReview> {
  const view = getReview(reviewId, project.id);
  if (!view) throw new NotFoundError("This project has no gate review with that id.");
  return reviewJson(view, project.slug);
}

/** GET /projects/{slug}/gate-reviews: the project's reviews, newest first. */
export function reviewListView(projectId: number): Of<typeof gateReviewSummary>[] {
  return listReviews(projectId).map((r) => ({
    id: r.id,
    fromStage: r.fromStage,
    targetStage: r.targetStage,
    status: r.status,
    statement: r.statement,
    openedAt: isoInstant(r.openedAt),
    openedBy: { id: r.openedById, name: r.openedByName },
    closedAt: isoInstantOrNull(r.closedAt),
    closedBy: personOrNull(r.closedById, r.closedByName),
    closeNote: r.closeNote,
  }));
}

/** The sign-off just recorded (POST .../signoffs). */
export function signOffRecordJson(
  created: {
    id: number;
    discipline: Of<typeof signOffRecord>["discipline"];
    decision: Of<typeof signOffRecord>["decision"];
    comment: string;
    signedAt: number;
    conditionIds: number[];
  },
  user: PersonRef,
): Of<typeof signOffRecord> {
  return {
    id: created.id,
    discipline: created.discipline,
    decision: created.decision,
    comment: created.comment,
    user: { id: user.id, name: user.name },
    signedAt: isoInstant(created.signedAt),
    conditionDebtItemIds: created.conditionIds,
  };
}

/** A comment on a review: its author, the sign-off it replies to, mentions and earlier wordings. */
export function commentJson(c: CommentRow): Of<typeof reviewComment> {
  return {
    id: c.id,
    body: c.body,
    author: { id: c.authorId, name: c.authorName },
    createdAt: isoInstant(c.createdAt),
    editedAt: isoInstantOrNull(c.editedAt),
    version: c.version,
    replyTo:
      c.replyToSignOffId != null && c.replyToDecision != null && c.replyToDiscipline != null
        ? {
            signOffId: c.replyToSignOffId,
            name: c.replyToName ?? "",
            decision: c.replyToDecision,
            discipline: c.replyToDiscipline,
          }
        : null,
    mentions: c.mentions.map((m) => ({ id: m.id, name: m.name })),
    revisions: c.revisions.map((r) => ({ body: r.body, replacedAt: isoInstant(r.replacedAt) })),
  };
}

export function commentView(reviewId: number, commentId: number): Of<typeof reviewComment> {
  const found = listComments(reviewId).find((c) => c.id === commentId);
  if (!found) throw new NotFoundError("This review has no comment with that id.");
  return commentJson(found);
}

// ---------- requirements ----------

/**
 * A requirement with each discipline's verdict (`verdicts.data_science`, `verdicts.it`) and the
 * combined `feasibility` (docs/domain.md, "Feasibility"). `listed` is its listRequirements row
 * (the people's names), `row` the stored one (their ids).
 */
function requirementJson(listed: RequirementRow, row: RequirementRecord): Of<typeof requirement> {
  const verdictOf = (d: "ds" | "it"): Of<typeof verdict> => {
    const ds = d === "ds";
    return {
      feasibility: ds ? row.dsFeasibility : row.itFeasibility,
      conditions: ds ? row.dsConditions : row.itConditions,
      note: ds ? row.dsNote : row.itNote,
      assessedBy: personOrNull(
        ds ? row.dsAssessedById : row.itAssessedById,
        ds ? listed.dsAssessedByName : listed.itAssessedByName,
      ),
      assessedAt: isoInstantOrNull(ds ? row.dsAssessedAt : row.itAssessedAt),
      version: ds ? row.dsVersion : row.itVersion,
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
    verdicts: { data_science: verdictOf("ds"), it: verdictOf("it") },
    createdBy: { id: row.createdById, name: listed.createdByName },
    createdAt: isoInstant(row.createdAt),
    updatedAt: isoInstant(row.updatedAt),
    version: row.version,
  };
}

export function requirementView(requirementId: number): Of<typeof requirement> {
  const row = getRequirement(requirementId);
  const listed = row && listRequirements(row.projectId).find((r) => r.id === requirementId);
  if (!row || !listed) throw new NotFoundError("There is no such requirement.");
  return requirementJson(listed, row);
}

function requirementsView(projectId: number): Of<typeof requirement>[] {
  return listRequirements(projectId).flatMap((listed) => {
    const row = getRequirement(listed.id);
    return row ? [requirementJson(listed, row)] : [];
  });
}

// ---------- debt ----------

type DebtItemRecord = NonNullable<ReturnType<typeof getDebtItem>>;

function stepJson(s: DebtItemRecord["steps"][number]): Of<typeof repaymentStep> {
  return {
    id: s.id,
    position: s.position,
    title: s.title,
    ownerId: s.ownerId,
    ownerName: s.ownerName,
    dueDate: s.dueDate,
    done: s.doneAt != null,
    doneAt: isoInstantOrNull(s.doneAt),
    doneByName: s.doneByName,
  };
}

/** GET /debt/{itemId}: the item with its plan, steps and the interest it has accrued by today. */
export function debtItemView(itemId: number, now = Date.now()): Of<typeof debtItem> {
  const item = getDebtItem(itemId);
  if (!item) throw new NotFoundError("There is no such debt item.");
  const today = orgToday(now);
  const steps = item.steps.map(stepJson);
  return {
    id: item.id,
    projectId: item.projectId,
    register: item.register,
    title: item.title,
    description: item.description,
    category: item.category,
    categoryLabel: categoryLabel(item.register, item.category),
    benefit: item.benefit,
    stageIncurred: item.stageIncurred,
    severity: item.severity,
    status: item.status,
    statusNote: item.statusNote,
    acceptedJustification: item.acceptedJustification,
    acceptedReviewDate: item.acceptedReviewDate,
    ownerId: item.ownerId,
    ownerName: item.ownerName,
    principalDays: item.principalDays,
    interestDays: item.interestDays,
    accruedInterestDays: accruedInterest(item, today),
    strategy: item.strategy,
    targetDate: item.targetDate,
    repayBeforeStage: item.repayBeforeStage,
    overdue: isOverdue({ ...item, steps }, today),
    openedAt: isoInstant(item.openedAt),
    repaidAt: isoInstantOrNull(item.repaidAt),
    writtenOffAt: isoInstantOrNull(item.writtenOffAt),
    signOffId: item.signOffId,
    condition: item.condition
      ? {
          reviewId: item.condition.reviewId,
          discipline: item.condition.discipline,
          signerName: item.condition.signerName,
          signedAt: isoInstant(item.condition.signedAt),
        }
      : null,
    steps,
    createdByName: item.createdByName,
    createdAt: isoInstant(item.createdAt),
    updatedAt: isoInstant(item.updatedAt),
    version: item.version,
  };
}

/** One step of an item as just read, or 404. */
export function stepOf(item: Of<typeof debtItem>, stepId: number): Of<typeof repaymentStep> {
  const step = item.steps.find((s) => s.id === stepId);
  if (!step) throw new NotFoundError("That step is not part of this repayment plan.");
  return step;
}

/** One row of the org-wide register (GET /debt). */
export function debtListItemJson(row: OrgDebtRow): Of<typeof debtListItem> {
  return {
    id: row.id,
    projectId: row.projectId,
    projectSlug: row.projectSlug,
    projectName: row.projectName,
    register: row.register,
    title: row.title,
    description: row.description,
    category: row.category,
    categoryLabel: row.categoryLabel,
    benefit: row.benefit,
    stageIncurred: row.stageIncurred,
    severity: row.severity,
    status: row.status,
    statusNote: row.statusNote,
    acceptedJustification: row.acceptedJustification,
    acceptedReviewDate: row.acceptedReviewDate,
    ownerId: row.ownerId,
    ownerName: row.ownerName,
    principalDays: row.principalDays,
    interestDays: row.interestDays,
    accruedInterestDays: row.accruedInterestDays,
    strategy: row.strategy,
    targetDate: row.targetDate,
    repayBeforeStage: row.repayBeforeStage,
    overdue: row.overdue,
    openedAt: isoInstant(row.openedAt),
    repaidAt: isoInstantOrNull(row.repaidAt),
    writtenOffAt: isoInstantOrNull(row.writtenOffAt),
  };
}

export function debtListTotalsJson(totals: OrgDebtTotals): Of<typeof debtListTotals> {
  return {
    count: totals.count,
    openCount: totals.openCount,
    principalDays: totals.principalDays,
    accruedInterestDays: totals.accruedInterestDays,
    overdueCount: totals.overdueCount,
  };
}

// ---------- activity and notifications ----------

/**
 * An audit payload (`before`/`after`) as recorded: free-form JSON whose instants are named
 * like the columns they come from (`repaidAt`, `at`), shown as ISO strings like every instant.
 */
const auditPayload = (text: string | null) => (text == null ? null : toApiJson(JSON.parse(text)));

export function activityJson(row: ActivityRow): Of<typeof activityEntry> {
  return {
    id: row.id,
    at: isoInstant(row.at),
    action: row.action,
    summary: row.summary,
    entityType: row.entityType,
    entityId: row.entityId,
    before: auditPayload(row.before),
    after: auditPayload(row.after),
    // The column holds "web", "api" or "cli" (ActivityInput["via"]); the answer check says so outside production.
    via: row.via as (typeof VIAS)[number],
    actorName: row.actorName,
  };
}

/** One notification as the API shows it (GET /notifications). */
export function notificationJson(row: NotificationRow): Of<typeof notification> {
  return {
    id: row.id,
    category: row.category,
    title: row.title,
    body: row.body,
    link: row.link,
    project: row.project ? { id: row.project.id, slug: row.project.slug, name: row.project.name } : null,
    actor: row.actor ? { id: row.actor.id, name: row.actor.name } : null,
    createdAt: isoInstant(row.createdAt),
    readAt: isoInstantOrNull(row.readAt),
  };
}

/** The token user's notification settings (GET and PATCH /me/notification-preferences). */
export function notificationSettingsView(settings: NotificationSettings): Of<typeof notificationSettings> {
  return {
    preferences: modesOf(settings),
    defaults: Object.fromEntries(settings.categories.map((c) => [c.category, c.defaultMode])) as Of<
      typeof notificationSettings
    >["defaults"],
    timeZone: settings.timeZone,
    digestHour: settings.digestHour,
    emailConfigured: mailConfigured(),
  };
}

// ---------- search ----------

/** One search result (GET /search): the page's result, with its link and marked words. */
export function searchResultJson(hit: SearchHit): Of<typeof searchResult> {
  return {
    kind: hit.kind,
    id: hit.id,
    title: hit.title.map((s) => s.text).join(""),
    titleHighlights: hit.title.map((s) => ({ text: s.text, match: s.match })),
    snippet: hit.snippet.map((s) => ({ text: s.text, match: s.match })),
    link: hit.href,
    project: hit.project
      ? {
          id: hit.project.id,
          slug: hit.project.slug,
          name: hit.project.name,
          stage: hit.project.stage,
          state: hit.project.state,
        }
      : null,
    reviewId: hit.kind === "comment" ? hit.reviewId : null,
  };
}
