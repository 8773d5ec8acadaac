/**
 * Every operation of the JSON API v1 (app/api/route-table.server.ts) with its handler, grouped
 * by path. One resource route (app/routes/api.v1.$.ts) serves them all through
 * app/api/dispatch.server.ts, so the server matches one route module for the whole API instead
 * of one per path. A handler returns exactly its operation's response schema.
 */
import { DEBT_DETAIL_FIELDS, DEBT_PLAN_FIELDS } from "~/domain/debt";
import { orgToday } from "~/lib/org-time-zone.server";
import { NotFoundError, ValidationError } from "~/domain/errors";
import { listProjectActivity } from "~/models/activity.server";
import {
  addRepaymentStep,
  createDebtItem,
  listOrgDebt,
  setDebtStatus,
  setRepaymentStepDone,
  updateDebtItem,
  updateRepaymentStep,
} from "~/models/debt.server";
import { attest, dismissChangesRequest, openReview, promote, signOff, withdrawReview } from "~/models/gates.server";
import {
  getNotificationSettings,
  listNotifications,
  markAllRead,
  markRead,
  saveNotificationSettings,
  unreadCount,
} from "~/models/notifications-read.server";
import { listProjectsOn, openReviewsOf, requireAsOf } from "~/models/portfolio.server";
import {
  changeProjectState,
  createProject,
  listProjects,
  reopenProject,
  updateProject,
} from "~/models/projects.server";
import { assessRequirement, createRequirement, updateRequirement } from "~/models/requirements.server";
import { addComment, editComment, listComments } from "~/models/review-comments.server";
import { search } from "~/models/search.server";
import { addMember, removeMember } from "~/models/team.server";
import {
  debtItemParam,
  decodeCursor,
  encodeCursor,
  endpoint,
  type Endpoint,
  idParam,
  nextPageCursor,
  pageFromCursor,
  projectParam,
  requirementParam,
  reviewParam,
  sentFields,
} from "~/api/handler.server";
import { openApiDocument } from "~/api/openapi.server";
import { apiRoutes } from "~/api/route-table.server";
import {
  activityJson,
  commentJson,
  commentView,
  debtItemView,
  debtListItemJson,
  debtListTotalsJson,
  memberView,
  notificationJson,
  notificationSettingsView,
  projectDetailView,
  projectSummaryJson,
  projectView,
  requirementView,
  reviewListView,
  reviewView,
  searchResultJson,
  signOffRecordJson,
  stepOf,
} from "~/api/views.server";

const DETAILS = DEBT_DETAIL_FIELDS;
const PLAN = DEBT_PLAN_FIELDS;
const STATUS = ["note", "justification", "reviewDate"] as const;
const STEP_FIELDS = ["title", "ownerId", "dueDate"] as const;

/** The endpoint of every operation, by path; dispatch.server.ts groups them and checks none is missing. */
export const apiEndpoints: Endpoint[] = [
  /** GET /api/v1/debt: the organisation-wide register with the /debt page's filters and sort. */
  endpoint(apiRoutes.listDebt, ({ query }) => {
    const { cursor, limit, ...filters } = query;
    // The cursor carries the page only; the page size is always the validated `limit`.
    const asked = pageFromCursor(cursor);
    const { rows, totals, page, pages } = listOrgDebt({
      filters: { ...filters, page: asked },
      today: orgToday(Date.now()),
      pageSize: limit,
    });
    return {
      debtItems: page === asked ? rows.map(debtListItemJson) : [],
      totals: debtListTotalsJson(totals),
      nextCursor: nextPageCursor(asked, pages),
    };
  }),

  /**
   * GET /api/v1/debt/:itemId and PATCH (needs version): details and plan fields change in one
   * write; a `status` change (with its note, justification, review date) is a write of its own.
   */
  endpoint(apiRoutes.getDebtItem, ({ params }) => ({ debtItem: debtItemView(debtItemParam(params).id) })),
  endpoint(apiRoutes.updateDebtItem, ({ actor, params, body, sent }) => {
    const item = debtItemParam(params);
    const details = sentFields(body, sent, DETAILS);
    const plan = sentFields(body, sent, PLAN);
    const changesDetails = Object.keys(details).length > 0;
    const changesPlan = Object.keys(plan).length > 0;
    const now = Date.now();
    if (body.status !== undefined) {
      if (changesDetails || changesPlan) {
        throw new ValidationError("Change the status on its own.", {
          status: "Send a status change in a request of its own, without detail or plan fields.",
        });
      }
      setDebtStatus({
        actor,
        itemId: item.id,
        version: body.version,
        change: { to: body.status, note: body.note, justification: body.justification, reviewDate: body.reviewDate },
        today: orgToday(now),
        now,
      });
    } else {
      if (STATUS.some((k) => sent.has(k))) {
        throw new ValidationError("Say which status these fields are for.", {
          status: "Give the new status together with its note, justification or review date.",
        });
      }
      if (!changesDetails && !changesPlan) {
        throw new ValidationError("Nothing to change.", { body: "Send the fields to change, or a status." });
      }
      const current = Object.fromEntries(DETAILS.map((k) => [k, item[k]])) as Pick<
        typeof item,
        (typeof DETAILS)[number]
      >;
      updateDebtItem({
        actor,
        itemId: item.id,
        version: body.version,
        details: changesDetails ? { ...current, ...details } : undefined,
        plan: changesPlan
          ? {
              strategy: item.strategy ?? "",
              targetDate: item.targetDate,
              repayBeforeStage: item.repayBeforeStage,
              ...plan,
            }
          : undefined,
        now,
      });
    }
    return { debtItem: debtItemView(item.id) };
  }),

  /** POST /api/v1/debt/:itemId/steps {version, title, ownerId?, dueDate?}: adds a repayment step (201). */
  endpoint(apiRoutes.addRepaymentStep, ({ actor, params, body }) => {
    const item = debtItemParam(params);
    const { version, ...step } = body;
    const created = addRepaymentStep({ actor, itemId: item.id, version, step });
    const debtItem = debtItemView(item.id);
    return { step: stepOf(debtItem, created.id), debtItem };
  }),

  /** PATCH /api/v1/debt/:itemId/steps/:stepId {version, done} or {version, title?, ownerId?, dueDate?}. */
  endpoint(apiRoutes.updateRepaymentStep, ({ actor, params, body, sent }) => {
    const item = debtItemParam(params);
    const stepId = idParam(params, "stepId", "repayment step");
    const step = item.steps.find((s) => s.id === stepId);
    if (!step) throw new NotFoundError("That step is not part of this repayment plan.");
    const changes = sentFields(body, sent, STEP_FIELDS);
    const mutation = { actor, itemId: item.id, version: body.version, stepId };
    if (body.done !== undefined) {
      if (Object.keys(changes).length) {
        throw new ValidationError("Mark the step done on its own.", {
          done: "Send done in a request of its own, without title, owner or due date.",
        });
      }
      setRepaymentStepDone({ ...mutation, done: body.done });
    } else {
      if (!Object.keys(changes).length) {
        throw new ValidationError("Nothing to change.", { body: "Send done, or the fields to change." });
      }
      const { title, ownerId, dueDate } = step;
      updateRepaymentStep({ ...mutation, step: { title, ownerId, dueDate, ...changes } });
    }
    const debtItem = debtItemView(item.id);
    return { step: stepOf(debtItem, stepId), debtItem };
  }),

  /**
   * GET and PATCH /api/v1/me/notification-preferences: the token user's own notification
   * settings (docs/domain.md, "Notifications"). PATCH changes only what it sends and writes one
   * activity row "notification_preferences.updated" (via "api") when something changed.
   */
  endpoint(apiRoutes.getNotificationPreferences, ({ actor }) =>
    notificationSettingsView(getNotificationSettings(actor.id)),
  ),
  endpoint(apiRoutes.updateNotificationPreferences, ({ actor, body }) => {
    const { settings } = saveNotificationSettings({
      actor,
      preferences: body.preferences,
      timeZone: body.timeZone,
      digestHour: body.digestHour,
    });
    return notificationSettingsView(settings);
  }),

  /**
   * GET /api/v1/notifications: the token user's own notifications, newest first, cursor paged;
   * `unread=true` for unread ones only (docs/domain.md, "Notifications").
   */
  endpoint(apiRoutes.listNotifications, ({ actor, query }) => {
    // The cursor carries the page only; the page size is always the validated `limit`.
    const page = pageFromCursor(query.cursor);
    const result = listNotifications({
      userId: actor.id,
      view: query.unread === "true" ? "unread" : "all",
      page,
      pageSize: query.limit,
    });
    return {
      notifications: result.rows.map(notificationJson),
      unreadCount: result.unread,
      nextCursor: nextPageCursor(page, result.pages),
    };
  }),

  /**
   * POST /api/v1/notifications/read: marks some (`ids`) or all (`all: true`) of the token
   * user's own notifications read. Another person's id is a 404 and nothing is marked.
   */
  endpoint(apiRoutes.markNotificationsRead, ({ actor, body }) => {
    const marked = body.all ? markAllRead({ userId: actor.id }) : markRead({ userId: actor.id, ids: body.ids ?? [] });
    return { marked, unreadCount: unreadCount(actor.id) };
  }),

  /** GET /api/v1/openapi.json: the OpenAPI 3.1 description of this API, served without a token. */
  endpoint(apiRoutes.openApi, ({ request }) => openApiDocument(new URL(request.url).origin)),

  /** GET /api/v1/projects (stage, state, q, asOf; cursor paging) and POST /api/v1/projects. */
  endpoint(apiRoutes.listProjects, ({ query }) => {
    // The cursor carries the page only; the page size is always the validated `limit`.
    const page = pageFromCursor(query.cursor);
    const filters = { q: query.q, stage: query.stage, state: query.state, page, pageSize: query.limit };
    // A date in the future or before the organisation's first day: 400 with fields.asOf.
    const asOf = requireAsOf(query.asOf, Date.now());
    // With asOf, as it stood at the end of that day (docs/domain.md, "Portfolio on a date").
    let projects: ReturnType<typeof projectSummaryJson>[];
    let pages: number;
    if (asOf) {
      const result = listProjectsOn({ ...filters, at: asOf.at });
      projects = result.rows.map(projectSummaryJson);
      pages = result.pages;
    } else {
      const result = listProjects(filters);
      const reviews = openReviewsOf(result.rows.map((row) => row.id));
      projects = result.rows.map((row) => projectSummaryJson({ ...row, review: reviews.get(row.id) ?? null }));
      pages = result.pages;
    }
    return { projects, ...(asOf ? { asOf: asOf.date } : {}), nextCursor: nextPageCursor(page, pages) };
  }),
  endpoint(apiRoutes.createProject, ({ actor, body }) => {
    const project = createProject({ actor, ...body, ownerId: body.ownerId ?? actor.id });
    return { project: projectView(project.id) };
  }),

  /** GET /api/v1/projects/:slug (with team, requirements, current review, debt totals) and PATCH. */
  endpoint(apiRoutes.getProject, ({ params }) => ({ project: projectDetailView(projectParam(params).id) })),
  endpoint(apiRoutes.updateProject, ({ actor, params, body, sent }) => {
    const project = projectParam(params);
    const { name, summary, businessCase, ownerId } = project;
    updateProject({
      actor,
      projectId: project.id,
      version: body.version,
      ...{ name, summary, businessCase, ownerId },
      ...sentFields(body, sent, ["name", "summary", "businessCase", "ownerId"]),
    });
    return { project: projectView(project.id) };
  }),

  /** GET /api/v1/projects/:slug/activity: the project's audit log, newest first, cursor paged. */
  endpoint(apiRoutes.listActivity, ({ params, query }) => {
    const project = projectParam(params);
    const at = decodeCursor(query.cursor, ["before"]);
    const rows = listProjectActivity({ projectId: project.id, before: at?.before, limit: query.limit });
    const last = rows.at(-1);
    return {
      activity: rows.map(activityJson),
      nextCursor: rows.length === query.limit && last ? encodeCursor({ before: last.id }) : null,
    };
  }),

  /** POST /api/v1/projects/:slug/debt {register, title, category, ..., plan?}: logs a debt item, with its plan if given (201). */
  endpoint(apiRoutes.createDebtItem, ({ actor, params, body }) => {
    const project = projectParam(params);
    const item = createDebtItem({ actor, projectId: project.id, ...body });
    return { debtItem: debtItemView(item.id) };
  }),

  /** GET /api/v1/projects/:slug/gate-reviews (newest first) and POST {statement}: opens the review for the next stage (201). */
  endpoint(apiRoutes.listGateReviews, ({ params }) => ({ reviews: reviewListView(projectParam(params).id) })),
  endpoint(apiRoutes.openGateReview, ({ actor, params, body }) => {
    const project = projectParam(params);
    const review = openReview({ actor, projectId: project.id, statement: body.statement });
    return { review: reviewView(review.id, project) };
  }),

  /** GET /api/v1/projects/:slug/gate-reviews/:reviewId: sign-offs, criteria and blockers. */
  endpoint(apiRoutes.getGateReview, ({ params }) => ({
    review: reviewView(idParam(params, "reviewId", "gate review"), projectParam(params)),
  })),

  /** POST .../gate-reviews/:reviewId/attestations/:key {note, evidenceUrl?} ticks an attestation criterion; DELETE clears it. */
  endpoint(apiRoutes.attest, ({ actor, params, body }) => {
    const { project, reviewId } = reviewParam(params);
    attest({ actor, reviewId, key: params.key ?? "", note: body.note, evidenceUrl: body.evidenceUrl });
    return { review: reviewView(reviewId, project) };
  }),
  endpoint(apiRoutes.clearAttestation, ({ actor, params }) => {
    const { project, reviewId } = reviewParam(params);
    attest({ actor, reviewId, key: params.key ?? "", note: "", clear: true });
    return { review: reviewView(reviewId, project) };
  }),

  /** GET .../gate-reviews/:reviewId/comments (oldest first) and POST {body, replyToSignOffId?} (201). */
  endpoint(apiRoutes.listReviewComments, ({ params }) => {
    const { reviewId } = reviewParam(params);
    return { comments: listComments(reviewId).map(commentJson) };
  }),
  endpoint(apiRoutes.addReviewComment, ({ actor, params, body }) => {
    const { reviewId } = reviewParam(params);
    const created = addComment({ actor, reviewId, body: body.body, replyToSignOffId: body.replyToSignOffId });
    return { comment: commentView(reviewId, created.id) };
  }),

  /** PATCH .../gate-reviews/:reviewId/comments/:commentId {body, version}: the author rewords a comment. */
  endpoint(apiRoutes.editReviewComment, ({ actor, params, body }) => {
    const { reviewId } = reviewParam(params);
    const commentId = idParam(params, "commentId", "comment");
    commentView(reviewId, commentId); // 404 unless the comment is on this review
    editComment({ actor, commentId, body: body.body, version: body.version });
    return { comment: commentView(reviewId, commentId) };
  }),

  /** POST .../gate-reviews/:reviewId/promote: 200 with the new stage, or 409 with the blockers. */
  endpoint(apiRoutes.promote, ({ actor, params }) => {
    const { project, reviewId } = reviewParam(params);
    const { stage } = promote({ actor, reviewId });
    return { stage, project: projectView(project.id) };
  }),

  /** POST .../gate-reviews/:reviewId/signoffs {decision, comment, conditions?, discipline?}: the token user's own discipline. */
  endpoint(apiRoutes.signOff, ({ actor, params, body }) => {
    const { project, reviewId } = reviewParam(params);
    const { discipline, ...decision } = body;
    const created = signOff({ actor, reviewId, panel: discipline, ...decision });
    return {
      signoff: signOffRecordJson(created, actor),
      review: reviewView(reviewId, project),
    };
  }),

  /** POST .../gate-reviews/:reviewId/signoffs/:signOffId/dismiss {reason}: the owner lifts a "changes requested". */
  endpoint(apiRoutes.dismissChangesRequest, ({ actor, params, body }) => {
    const { project, reviewId } = reviewParam(params);
    const signOffId = idParam(params, "signOffId", "sign-off");
    dismissChangesRequest({ actor, reviewId, signOffId, reason: body.reason });
    return { review: reviewView(reviewId, project) };
  }),

  /** POST .../gate-reviews/:reviewId/withdraw {note?}: closes an open review as it stands. */
  endpoint(apiRoutes.withdrawGateReview, ({ actor, params, body }) => {
    const { project, reviewId } = reviewParam(params);
    withdrawReview({ actor, reviewId, note: body.note });
    return { review: reviewView(reviewId, project) };
  }),

  /**
   * POST /api/v1/projects/:slug/members {email, discipline?}: a seat in the person's own discipline.
   * The model checks the permission before it looks the e-mail up, so a caller who may not manage
   * the team gets the same 403 for any address.
   */
  endpoint(apiRoutes.addMember, ({ actor, params, body }) => {
    const project = projectParam(params);
    const { userId } = addMember({ actor, projectId: project.id, email: body.email, discipline: body.discipline });
    return { member: memberView(project.id, userId) };
  }),

  /** DELETE /api/v1/projects/:slug/members/:userId (?confirm=true withdraws a live sign-off). */
  endpoint(apiRoutes.removeMember, ({ actor, params, query }) => {
    const project = projectParam(params);
    const userId = idParam(params, "userId", "person");
    const { withdrawnSignOffs } = removeMember({
      actor,
      projectId: project.id,
      userId,
      confirmed: query.confirm === "true",
    });
    return { removed: userId, withdrawnSignOffs };
  }),

  /** POST /api/v1/projects/:slug/reopen {version, reason}: an admin reopens a stopped project. */
  endpoint(apiRoutes.reopenProject, ({ actor, params, body }) => {
    const project = projectParam(params);
    reopenProject({ actor, projectId: project.id, version: body.version, reason: body.reason });
    return { project: projectView(project.id) };
  }),

  /** POST /api/v1/projects/:slug/requirements {title, target, priority, description?}. */
  endpoint(apiRoutes.createRequirement, ({ actor, params, body }) => {
    const project = projectParam(params);
    const created = createRequirement({ actor, projectId: project.id, ...body });
    return { requirement: requirementView(created.id) };
  }),

  /** PATCH /api/v1/projects/:slug/requirements/:requirementId (needs version). */
  endpoint(apiRoutes.updateRequirement, ({ actor, params, body, sent }) => {
    const current = requirementParam(params);
    const { title, description, target, priority } = current;
    updateRequirement({
      actor,
      requirementId: current.id,
      version: body.version,
      ...{ title, description, target, priority },
      ...sentFields(body, sent, ["title", "description", "target", "priority"]),
    });
    return { requirement: requirementView(current.id) };
  }),

  /**
   * POST /api/v1/projects/:slug/requirements/:requirementId/assessment {feasibility, note, conditions?, version?, discipline?}:
   * the verdict of the token user's own discipline; `version` is that verdict's version.
   */
  endpoint(apiRoutes.assessRequirement, ({ actor, params, body }) => {
    const current = requirementParam(params);
    assessRequirement({ actor, requirementId: current.id, ...body });
    return { requirement: requirementView(current.id) };
  }),

  /** POST /api/v1/projects/:slug/state {to, version, stopCause?, stopNote?, openDebt?, writeOffReason?}: hold, resume, stop or retire. */
  endpoint(apiRoutes.changeProjectState, ({ actor, params, body }) => {
    const project = projectParam(params);
    const { version, ...change } = body;
    changeProjectState({ actor, projectId: project.id, version, change });
    return { project: projectView(project.id) };
  }),

  /**
   * GET /api/v1/search: the /search page as JSON (docs/domain.md, "Search"), cursor paged, with
   * the token user's view (only admins find deactivated people).
   */
  endpoint(apiRoutes.search, ({ actor, query }) => {
    // The cursor carries the page only; the page size is always the validated `limit`.
    const page = pageFromCursor(query.cursor);
    const result = search({
      q: query.q,
      kind: query.kind,
      stage: query.stage,
      page,
      pageSize: query.limit,
      viewer: actor,
    });
    return {
      results: result.hits.map(searchResultJson),
      counts: result.counts,
      total: result.total,
      ranked: result.ranked,
      nextCursor: nextPageCursor(page, result.pages),
    };
  }),
];
