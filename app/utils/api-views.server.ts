/**
 * What the API answers with: the models' rows, shaped once per resource so every endpoint
 * that returns a project, a gate review or a debt item returns the same shape. Computed values
 * (overdue, accrued interest, sign-off staleness, blockers) come from the domain rules, as on
 * the pages.
 */
import { accruedInterest, categoryLabel, isOverdue } from "~/domain/debt";
import { utcDate } from "~/domain/dates";
import { NotFoundError } from "~/domain/errors";
import type { ActivityRow } from "~/models/activity.server";
import { debtTotalsForProject, getDebtItem } from "~/models/debt.server";
import { getReview, openReviewSummary, reviewSnapshot, type ReviewView } from "~/models/gates.server";
import { getProject } from "~/models/projects.server";
import { listRequirements } from "~/models/requirements.server";
import { listTeam } from "~/models/team.server";

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
    requirements: listRequirements(projectId),
    currentReview: openReviewSummary(projectId),
    debtTotals: debtTotalsForProject(projectId, utcDate(now), project.stage),
  };
}

function reviewJson(view: ReviewView, projectSlug: string) {
  const { review } = view;
  // A closed review is shown as it stood when it closed (as the review page does).
  const snapshot = reviewSnapshot(review);
  const panelStatus = (discipline: string, live: string) =>
    snapshot?.panels.find((p) => p.discipline === discipline)?.status ?? live;
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
      }));
  return {
    id: review.id,
    project: projectSlug,
    fromStage: review.fromStage,
    targetStage: review.targetStage,
    status: review.status,
    openedAt: review.openedAt,
    closedAt: review.closedAt,
    closeNote: review.closeNote,
    signoffs: view.panels.map((p) => {
      const status = panelStatus(p.discipline, p.status);
      return {
        discipline: p.discipline,
        status,
        stale: status === "stale",
        decision: p.signOff?.decision ?? null,
        comment: p.signOff?.comment ?? null,
        user: p.signOff ? { id: p.signOff.userId, name: p.signOff.userName } : null,
        signedAt: p.signOff?.signedAt ?? null,
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
