/**
 * The JSON API v1, as data: every operation's method, path, request schemas, answer schema
 * and documented errors. app/api/operations.server.ts hands these entries to `endpoint`,
 * and app/api/dispatch.server.ts serves them by path from one route (app/routes/api.v1.$.ts);
 * `endpoint` validates requests with exactly these schemas and types each handler's
 * answer by `response`; app/api/openapi.server.ts turns the same table into the OpenAPI
 * document. One source, so the document cannot drift from the server.
 *
 * The request bodies are the form schemas of app/utils/validation.ts, lifecycle-validation.ts
 * and debt-validation.ts, reshaped where a form has a form-only shape (a sign-off's conditions
 * are lines of text in the form and objects here; PATCH bodies are partial with a `version`;
 * ids the form posts are path parameters here). No field is defined twice. Query strings are
 * the API's own (strict: unknown parameters and values are refused, where the pages ignore
 * them). The answers are the views of app/api/schemas.ts.
 *
 * To add an operation: docs/architecture.md, "The JSON API". The rules the operations follow
 * are the domain's (docs/domain.md); the models enforce them.
 */
import { z } from "zod";
import {
  DEBT_SORTS,
  DEBT_STATUS_FILTERS,
  ORGANIZATIONAL_CATEGORIES,
  TECHNICAL_CATEGORIES,
  categoriesFor,
} from "~/domain/debt";
import { MAX_PAGE_SIZE } from "~/domain/limits";
import { PROJECT_STATES, REGISTERS, SEVERITIES, STAGES } from "~/domain/vocabulary";
import {
  activityEntry,
  calendarDate,
  debtItem,
  debtListItem,
  debtListTotals,
  gateReview,
  gateReviewSummary,
  member,
  nextCursorSchema as nextCursor,
  notification,
  notificationSettings,
  openApiDocumentSchema,
  project,
  projectDetail,
  projectSummary,
  repaymentStep,
  requirement,
  reviewComment,
  SEARCH_KINDS,
  searchResult,
  signOffRecord,
  type ErrorStatus,
} from "~/api/schemas";
import { searchExpression, SEARCH_MAX_LENGTH, type SearchKind } from "~/models/search.server";
import {
  debtDetailsShape,
  debtPlanSchema,
  debtStatusChangeSchema,
  debtStatusField,
  newDebtItemSchema,
  newDebtPlanSchema,
  registerField,
  repaymentStepSchema,
} from "~/utils/debt-validation";
import { lifecycleChangeSchema, reopenSchema } from "~/utils/lifecycle-validation";
import { preferencesBody } from "~/utils/notification-validation";
import {
  addMemberSchema,
  assessmentSchema,
  attestSchema,
  commentSchema,
  dateField,
  disciplineField,
  dismissSchema,
  editCommentSchema,
  emailField,
  idField,
  MAX_CONDITIONS,
  openReviewSchema,
  projectSchema,
  requirementSchema,
  searchField,
  signOffFormSchema,
  text,
  versionField,
  wholeNumber,
  withdrawReviewSchema,
} from "~/utils/validation";

export { apiErrorSchema, ERROR_CODES, type ApiErrorBody, type ErrorCode, type ErrorStatus } from "~/api/schemas";

export const API_BASE = "/api/v1";

// ---------- request bodies ----------

export const createProjectBody = projectSchema.partial({ ownerId: true });
export const updateProjectBody = projectSchema.partial().extend({ version: versionField });
/**
 * A state change: the life cycle form's variants (a stop with its open-debt choice), each
 * refusing unknown fields. Variants added to lifecycleChangeSchema (lifecycle-validation.ts)
 * appear here and in the document by themselves.
 */
export const changeStateBody = z.discriminatedUnion(
  "to",
  lifecycleChangeSchema.options.map((variant) => variant.strict()) as unknown as typeof lifecycleChangeSchema.options,
);
export const reopenProjectBody = reopenSchema;
export const addMemberBody = addMemberSchema.omit({ userId: true }).extend({ email: emailField });
export const createRequirementBody = requirementSchema;
export const updateRequirementBody = requirementSchema.partial().extend({ version: versionField });
/** The verdict of the token user's own discipline; `discipline`, if sent, must be it. */
export const assessmentBody = assessmentSchema.safeExtend({ discipline: disciplineField.optional() });
export const openReviewBody = openReviewSchema;
export const withdrawReviewBody = withdrawReviewSchema;

const signOffForm = signOffFormSchema.in.shape;
/** A condition's estimate in person-days (the form's empty field is simply left out here). */
const conditionDays = (what: string) =>
  z
    .number({ error: `Give the ${what} as a number of person-days.` })
    .min(0, "Enter 0 or more person-days.")
    .max(10_000, "Enter at most 10,000 person-days.")
    .optional();
export const signOffConditionBody = z.object({
  title: debtDetailsShape.title,
  register: registerField.default("technical"),
  targetDate: dateField.nullable().optional().default(null),
  /** Effort to meet it; 0 when left out. */
  principalDays: conditionDays("effort"),
  /** What leaving it unmet costs per month; 0 when left out. */
  interestDays: conditionDays("interest"),
});
export const signOffBody = z.object({
  decision: signOffForm.decision,
  comment: signOffForm.comment,
  /** Optional: the panel the client means to sign for; refused (403) unless it is the user's own. */
  discipline: signOffForm.discipline,
  conditions: z
    .array(signOffConditionBody)
    .max(MAX_CONDITIONS, `Write at most ${MAX_CONDITIONS} conditions.`)
    .optional()
    .default([]),
});
export const dismissBody = dismissSchema.pick({ reason: true });
export const attestationBody = attestSchema.pick({ note: true, evidenceUrl: true });
/** `replyToSignOffId` may also be null (not a reply). */
export const commentBody = commentSchema.extend({
  replyToSignOffId: z.preprocess((v) => (v === null ? undefined : v), commentSchema.shape.replyToSignOffId),
});
export const editCommentBody = editCommentSchema.omit({ commentId: true });
/** The item's fields and, optionally, its repayment plan with steps, logged together. */
export const createDebtBody = newDebtItemSchema.safeExtend({ plan: newDebtPlanSchema.optional() });
export const updateDebtBody = z
  .object(debtDetailsShape)
  .partial()
  .extend(debtPlanSchema.omit({ version: true }).partial().shape)
  .extend(debtStatusChangeSchema.omit({ version: true, to: true }).partial().shape)
  .extend({ status: debtStatusField.optional(), version: versionField });
export const addStepBody = repaymentStepSchema;
/** Which notifications to mark read: up to 100 `ids` of the token user's own, or `all: true`. */
export const MAX_MARK_READ = 100;
export const markNotificationsReadBody = z
  .object({
    ids: z
      .array(idField("Give notification ids as whole numbers from 1."), {
        error: "Give ids as a list of notification ids.",
      })
      .min(1, "Give at least one id, or send all: true.")
      .max(MAX_MARK_READ, `Mark at most ${MAX_MARK_READ} notifications at once, or send all: true.`)
      .optional(),
    all: z.literal(true, { error: "all can only be true (leave it out otherwise)." }).optional(),
  })
  .refine((b) => (b.ids !== undefined) !== (b.all !== undefined), {
    message: "Send either ids (up to 100) or all: true.",
  });
/** The token user's own notification settings; only what is sent changes. */
export const updateNotificationPreferencesBody = preferencesBody;
export const updateStepBody = repaymentStepSchema
  .partial()
  .extend({ version: versionField, done: z.boolean({ error: "Use true or false." }).optional() });

// ---------- query strings ----------
//
// Each operation takes exactly the parameters named here (none when it has no `query`); the
// handler refuses unknown names, repeated names and invalid values with 400 and `fields`
// naming each one (app/api/handler.server.ts). An empty value is the same as leaving it out.

/** "a, b or c" */
const orWords = (values: readonly string[]) =>
  values.length > 1 ? `${values.slice(0, -1).join(", ")} or ${values.at(-1)}` : values.join("");

/** One of `values`, with a message that lists them. */
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `Use ${orWords(values)}.` });

/** Rows per page: digits only, 1 to MAX_PAGE_SIZE. The page size always comes from here, never from a cursor. */
const limitParam = (fallback: number) => {
  const message = `Use a whole number from 1 to ${MAX_PAGE_SIZE}.`;
  return wholeNumber(message, 1, MAX_PAGE_SIZE)
    .default(fallback)
    .describe(`Rows per page, 1 to ${MAX_PAGE_SIZE} (default ${fallback}).`);
};
/** A `nextCursor` handed back unchanged (app/api/handler.server.ts checks its signature). */
const cursorParam = z
  .string()
  .max(500, "Pass back a nextCursor from an earlier answer, unchanged.")
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, "Pass back a nextCursor from an earlier answer, unchanged.")
  .optional()
  .describe("The `nextCursor` of the previous page, unchanged; leave it out for the first page.");
const trueOrFalse = z.enum(["true", "false"], { error: "Use true or false, or leave it out." });

export const listProjectsQuery = z.strictObject({
  q: searchField.optional().describe("Name contains."),
  stage: oneOf(STAGES).optional(),
  state: oneOf(PROJECT_STATES).optional(),
  asOf: dateField
    .optional()
    .describe(
      "The portfolio as it stood at the end of this day (YYYY-MM-DD, the organisation's time zone), from the organisation's first day to today; stage and state filter by what the projects were then.",
    ),
  cursor: cursorParam,
  limit: limitParam(25),
});

const DEBT_CATEGORIES = [...TECHNICAL_CATEGORIES, ...ORGANIZATIONAL_CATEGORIES].map((c) => c.value) as [
  string,
  ...string[],
];

/** The filters and sort of the /debt page, strictly: where the page ignores a bad value, the API refuses it. */
export const listDebtQuery = z
  .strictObject({
    register: oneOf(REGISTERS).optional(),
    status: oneOf(DEBT_STATUS_FILTERS)
      .optional()
      .describe("One status, or unpaid for open and repaying items together."),
    severity: oneOf(SEVERITIES).optional(),
    category: oneOf(DEBT_CATEGORIES).optional().describe("A category of either register."),
    project: idField("Give a project's id, a whole number from 1.").optional().describe("A project's id."),
    owner: z
      .union([z.literal("none"), idField("Give a person's id, or none for items without an owner.")], {
        error: "Give a person's id, or none for items without an owner.",
      })
      .optional()
      .describe("A person's id, or none for items without an owner."),
    projectName: text(120, "project name").optional().describe("Project name contains."),
    ownerName: text(120, "owner name").optional().describe("Owner name contains."),
    overdue: oneOf(["yes", "no"]).optional(),
    sort: oneOf(DEBT_SORTS).default("overdue"),
    dir: oneOf(["asc", "desc"]).default("desc"),
    cursor: cursorParam,
    limit: limitParam(50),
  })
  .superRefine((query, ctx) => {
    if (query.register && query.category && !categoriesFor(query.register).some((c) => c.value === query.category)) {
      ctx.addIssue({
        code: "custom",
        path: ["category"],
        message: `That is not a category of the ${query.register} register: use ${orWords(categoriesFor(query.register).map((c) => c.value))}.`,
      });
    }
  });
export const removeMemberQuery = z.strictObject({
  confirm: trueOrFalse.optional().describe("true withdraws the person's approval on the open gate review."),
});
export const activityQuery = z.strictObject({ cursor: cursorParam, limit: limitParam(50) });
const SEARCH_MISSING = "Give the words to search for in q.";
/** GET /search: the /search page's parameters, strictly (the page ignores a bad kind or stage). */
export const searchQuery = z.strictObject({
  q: text(SEARCH_MAX_LENGTH, "search", SEARCH_MISSING)
    .min(1, SEARCH_MISSING)
    .refine((q) => searchExpression(q) !== null, "Search for at least one word of letters or digits.")
    .describe(
      `The words to find (at most ${SEARCH_MAX_LENGTH} characters): every word must appear in the title or the text, the last one may be the start of a word, words in double quotes are found together. Punctuation separates words; there are no operators.`,
    ),
  kind: oneOf(SEARCH_KINDS).optional().describe("Only results of this kind."),
  stage: oneOf(STAGES).optional().describe("Only what belongs to a project in this stage (leaves people out)."),
  cursor: cursorParam,
  limit: limitParam(20),
});
export const listNotificationsQuery = z.strictObject({
  unread: z
    .enum(["true", "false"], { error: "Use unread=true for unread notifications only, or leave it out." })
    .optional(),
  cursor: cursorParam,
  limit: limitParam(25),
});

// ---------- answers ----------

const id = z.int().positive();
const count = z.int().nonnegative();

/** An operation's success body: exactly these top-level fields. */
const answer = <const S extends z.core.$ZodLooseShape>(shape: S) => z.strictObject(shape);

// ---------- the routes ----------

export type ApiMethod = "GET" | "POST" | "PATCH" | "DELETE";

export type ApiRoute = {
  method: ApiMethod;
  /** OpenAPI style, relative to API_BASE: "/projects/{slug}". */
  path: string;
  operationId: string;
  tag:
    "Projects" | "Team" | "Requirements" | "Gate reviews" | "Debt" | "Activity" | "Notifications" | "Search" | "Meta";
  summary: string;
  description?: string;
  /** Served without a token (only the OpenAPI document). */
  public?: boolean;
  /** The query parameters it takes; without one, any parameter is refused (400). */
  query?: z.ZodObject;
  body?: z.ZodType;
  status: 200 | 201;
  /** The success body (app/api/schemas.ts): the handler must return exactly this shape. */
  response: z.ZodType;
  /** Headers of the success answer, instead of `Cache-Control: no-store`. */
  headers?: Record<string, string>;
  /**
   * Error statuses beyond those every operation can answer (400 for the query string; 401 and
   * 429 with a token; 413 and 415 with a body).
   */
  errors: ErrorStatus[];
};

const route = <const R extends ApiRoute>(r: R) => r;

export const apiRoutes = {
  listProjects: route({
    method: "GET",
    path: "/projects",
    operationId: "listProjects",
    tag: "Projects",
    summary: "List projects",
    description:
      'Sorted by name; pass `nextCursor` back as `cursor` for the next page. With `asOf`, the projects that existed at the end of that day, each with the stage, state and open gate review it had then, replayed from the activity log (docs/domain.md, "Portfolio on a date"); a date in the future or before the organisation\'s first day is a 400 with `fields.asOf`.',
    query: listProjectsQuery,
    status: 200,
    response: answer({
      projects: z.array(projectSummary).describe("Projects on this page."),
      asOf: calendarDate.optional().describe("With `asOf`: the day the list stands at."),
      nextCursor,
    }),
    errors: [400],
  }),
  createProject: route({
    method: "POST",
    path: "/projects",
    operationId: "createProject",
    tag: "Projects",
    summary: "Create a project",
    description: "The owner defaults to the token's user and joins the team in their discipline.",
    body: createProjectBody,
    status: 201,
    response: answer({ project: project.describe("The new project.") }),
    errors: [],
  }),
  getProject: route({
    method: "GET",
    path: "/projects/{slug}",
    operationId: "getProject",
    tag: "Projects",
    summary: "A project with its team, requirements, current gate review and debt totals",
    status: 200,
    response: answer({ project: projectDetail }),
    errors: [404],
  }),
  updateProject: route({
    method: "PATCH",
    path: "/projects/{slug}",
    operationId: "updateProject",
    tag: "Projects",
    summary: "Edit a project",
    description: "Send only the fields to change, and the `version` you read. A stale version answers 409.",
    body: updateProjectBody,
    status: 200,
    response: answer({ project: project.describe("The project after the change.") }),
    errors: [403, 404, 409],
  }),
  changeProjectState: route({
    method: "POST",
    path: "/projects/{slug}/state",
    operationId: "changeProjectState",
    tag: "Projects",
    summary: "Put a project on hold, resume, stop or retire it (owner or admin)",
    description:
      "`to` is on_hold, active, stopped or retired, with the project's `version`. Stopping needs `stopCause` and `stopNote`, and, when the project has open debt (open or repaying items), `openDebt`: `write_off` writes every open item off (status written_off) with `writeOffReason` as its note, `keep` leaves them open. A stop of a project with open debt without `openDebt` is a 400 with `fields.openDebt`, and nothing is written. Only a project in production can be retired. Stopping or retiring withdraws the open gate review. A stopped project comes back only through POST /projects/{slug}/reopen. 409 for a stale version or a change the current state does not allow.",
    body: changeStateBody,
    status: 200,
    response: answer({ project: project.describe("The project after the change.") }),
    errors: [403, 404, 409],
  }),
  reopenProject: route({
    method: "POST",
    path: "/projects/{slug}/reopen",
    operationId: "reopenProject",
    tag: "Projects",
    summary: "Reopen a stopped project, with a reason (admins only)",
    description:
      "The project becomes active again in the stage it stopped in; its stop cause and note are cleared and the reason is kept in the activity log. Debt written off at the stop stays written off. Needs the project's `version` and a `reason` (3 to 1000 characters). 403 unless the token's user is an admin; 409 unless the project is stopped, or for a stale version.",
    body: reopenProjectBody,
    status: 200,
    response: answer({ project: project.describe("The project after reopening.") }),
    errors: [403, 404, 409],
  }),
  addMember: route({
    method: "POST",
    path: "/projects/{slug}/members",
    operationId: "addMember",
    tag: "Team",
    summary: "Add a person to the team, in their own discipline",
    description:
      "A seat is always the person's own discipline (their profile). `discipline` may be left out; if sent and it is not theirs, the answer is 400 with `fields.discipline` and nothing is written. 403 unless the token's user may manage the team — checked before the e-mail is looked up, so the answer says nothing about who has an account; for those who may, an unknown and a deactivated address get the same 400 with `fields.email`.",
    body: addMemberBody,
    status: 201,
    response: answer({ member: member.describe("The new member.") }),
    errors: [400, 403, 404, 409],
  }),
  removeMember: route({
    method: "DELETE",
    path: "/projects/{slug}/members/{userId}",
    operationId: "removeMember",
    tag: "Team",
    summary: "Remove a person from the team",
    description:
      'If they approved on the open gate review, the answer is 409 `confirmation_required` unless `?confirm=true`; their approval is then withdrawn. A "changes requested" of theirs stays until the owner dismisses it.',
    query: removeMemberQuery,
    status: 200,
    response: answer({
      removed: id.describe("The removed member's user id."),
      withdrawnSignOffs: count.describe("How many sign-offs were withdrawn."),
    }),
    errors: [400, 403, 404, 409],
  }),
  createRequirement: route({
    method: "POST",
    path: "/projects/{slug}/requirements",
    operationId: "createRequirement",
    tag: "Requirements",
    summary: "State a requirement (business members)",
    body: createRequirementBody,
    status: 201,
    response: answer({ requirement: requirement.describe("The new requirement, with `verdicts` (both unassessed).") }),
    errors: [403, 404],
  }),
  updateRequirement: route({
    method: "PATCH",
    path: "/projects/{slug}/requirements/{requirementId}",
    operationId: "updateRequirement",
    tag: "Requirements",
    summary: "Revise a requirement (business members)",
    description:
      "Changing the title, target or priority resets both disciplines' verdicts. Needs the requirement's `version`.",
    body: updateRequirementBody,
    status: 200,
    response: answer({ requirement: requirement.describe("The requirement after the change.") }),
    errors: [403, 404, 409],
  }),
  assessRequirement: route({
    method: "POST",
    path: "/projects/{slug}/requirements/{requirementId}/assessment",
    operationId: "assessRequirement",
    tag: "Requirements",
    summary: "Give your discipline's feasibility verdict on a requirement (IT and data science members)",
    description:
      "Writes the verdict of the token user's own discipline (`discipline`, if sent, must be it: 403 otherwise). `version` is that verdict's version (`verdicts.<discipline>.version`); when given and stale, the answer is 409 naming the current verdict. The combined `feasibility` is unassessed until both disciplines have assessed, infeasible if either says so.",
    body: assessmentBody,
    status: 200,
    response: answer({ requirement: requirement.describe("The requirement with the new verdict.") }),
    errors: [403, 404, 409],
  }),
  listGateReviews: route({
    method: "GET",
    path: "/projects/{slug}/gate-reviews",
    operationId: "listGateReviews",
    tag: "Gate reviews",
    summary: "A project's gate reviews, newest first",
    description:
      "Open and closed reviews alike; read one with GET /projects/{slug}/gate-reviews/{reviewId} (a closed one as it stood when it closed).",
    status: 200,
    response: answer({ reviews: z.array(gateReviewSummary).describe("Newest first.") }),
    errors: [404],
  }),
  openGateReview: route({
    method: "POST",
    path: "/projects/{slug}/gate-reviews",
    operationId: "openGateReview",
    tag: "Gate reviews",
    summary: "Open a gate review for the next stage",
    description:
      "`statement` says why the project is ready for this gate now (3 to 1000 characters). The review keeps the gate's current number of approvals each discipline needs (`requiredApprovals`). 409 when a review is already open or the project is in production.",
    body: openReviewBody,
    status: 201,
    response: answer({ review: gateReview.describe("The new review, evaluated.") }),
    errors: [403, 404, 409],
  }),
  getGateReview: route({
    method: "GET",
    path: "/projects/{slug}/gate-reviews/{reviewId}",
    operationId: "getGateReview",
    tag: "Gate reviews",
    summary: "A gate review: sign-offs per discipline, criteria and what blocks promotion",
    description:
      'A discipline is approved with at least `requiredApprovals` fresh approvals from its current members and no undismissed "changes requested" from any of them. A closed review is shown as it stood when it closed.',
    status: 200,
    response: answer({ review: gateReview }),
    errors: [404],
  }),
  withdrawGateReview: route({
    method: "POST",
    path: "/projects/{slug}/gate-reviews/{reviewId}/withdraw",
    operationId: "withdrawGateReview",
    tag: "Gate reviews",
    summary: "Withdraw an open gate review, with an optional note",
    description:
      "The review closes as it stands (kept in the history and the dossier); a new one can be opened later. 409 when it is already closed.",
    body: withdrawReviewBody,
    status: 200,
    response: answer({ review: gateReview.describe("The withdrawn review, as it stood when it closed.") }),
    errors: [403, 404, 409],
  }),
  signOff: route({
    method: "POST",
    path: "/projects/{slug}/gate-reviews/{reviewId}/signoffs",
    operationId: "signOff",
    tag: "Gate reviews",
    summary: "Sign off for the token user's own discipline",
    description:
      "Every member of a discipline may sign; signing again replaces the token user's earlier sign-off. `comment` is required for changes_requested; `conditions` (logged as debt items, each with optional `principalDays` and `interestDays`, 0 to 10,000) for approve_with_conditions. `discipline`, if sent, must be the user's own (403 otherwise).",
    body: signOffBody,
    status: 201,
    response: answer({
      signoff: signOffRecord.describe("The recorded sign-off."),
      review: gateReview.describe("The review after signing."),
    }),
    errors: [403, 404, 409],
  }),
  dismissChangesRequest: route({
    method: "POST",
    path: "/projects/{slug}/gate-reviews/{reviewId}/signoffs/{signOffId}/dismiss",
    operationId: "dismissChangesRequest",
    tag: "Gate reviews",
    summary: 'Dismiss a member\'s "changes requested" with a reason (project owner)',
    description:
      'The request stays on the review, shown with the reason, but no longer blocks its discipline. Only its author can renew it, by signing again. 403 for anyone but the owner; 409 unless it is a current, undismissed "changes requested".',
    body: dismissBody,
    status: 200,
    response: answer({ review: gateReview.describe("The review after the dismissal.") }),
    errors: [403, 404, 409],
  }),
  attest: route({
    method: "POST",
    path: "/projects/{slug}/gate-reviews/{reviewId}/attestations/{key}",
    operationId: "attest",
    tag: "Gate reviews",
    summary: "Attest a criterion with a note and an optional evidence link",
    description:
      "A criterion with a discipline is attested by a member of that discipline; others by any member. `evidenceUrl` must start with http:// or https://.",
    body: attestationBody,
    status: 200,
    response: answer({ review: gateReview.describe("The review after the attestation.") }),
    errors: [403, 404, 409],
  }),
  clearAttestation: route({
    method: "DELETE",
    path: "/projects/{slug}/gate-reviews/{reviewId}/attestations/{key}",
    operationId: "clearAttestation",
    tag: "Gate reviews",
    summary: "Clear an attestation (its author or a member of its discipline)",
    description: "403 for anyone else; 409 when the criterion is not attested.",
    status: 200,
    response: answer({ review: gateReview.describe("The review after clearing.") }),
    errors: [403, 404, 409],
  }),
  listReviewComments: route({
    method: "GET",
    path: "/projects/{slug}/gate-reviews/{reviewId}/comments",
    operationId: "listReviewComments",
    tag: "Gate reviews",
    summary: "The conversation on a gate review, oldest first",
    description:
      "Readable by everyone signed in, also once the review is closed; an edited comment keeps its earlier wordings.",
    status: 200,
    response: answer({ comments: z.array(reviewComment).describe("Oldest first.") }),
    errors: [404],
  }),
  addReviewComment: route({
    method: "POST",
    path: "/projects/{slug}/gate-reviews/{reviewId}/comments",
    operationId: "addReviewComment",
    tag: "Gate reviews",
    summary: "Comment on an open gate review (members and the owner)",
    description:
      "Plain text. `@name` mentions a team member or the owner (first name, full name without spaces, or the part of the e-mail address before the @); an ambiguous one is a 400. `replyToSignOffId` answers one sign-off of this review.",
    body: commentBody,
    status: 201,
    response: answer({ comment: reviewComment.describe("The new comment, with the people it mentions.") }),
    errors: [403, 404, 409],
  }),
  editReviewComment: route({
    method: "PATCH",
    path: "/projects/{slug}/gate-reviews/{reviewId}/comments/{commentId}",
    operationId: "editReviewComment",
    tag: "Gate reviews",
    summary: "Reword your own comment",
    description:
      "Only the author edits; the earlier wording is kept in `revisions`. Needs the comment's `version` (409 when stale).",
    body: editCommentBody,
    status: 200,
    response: answer({ comment: reviewComment.describe("The comment after the edit.") }),
    errors: [403, 404, 409],
  }),
  promote: route({
    method: "POST",
    path: "/projects/{slug}/gate-reviews/{reviewId}/promote",
    operationId: "promote",
    tag: "Gate reviews",
    summary: "Promote the project to the review's target stage",
    description: "409 `promotion_blocked` with `blockers` when approvals or criteria are missing.",
    status: 200,
    response: answer({
      stage: z.enum(STAGES).describe("The project's new stage."),
      project: project.describe("The project after promotion."),
    }),
    errors: [403, 404, 409],
  }),
  listDebt: route({
    method: "GET",
    path: "/debt",
    operationId: "listDebt",
    tag: "Debt",
    summary: "The organisation-wide debt register",
    description:
      "The filters and sort of the /debt page. Unlike the page, an unknown parameter or value is refused: 400 with `fields` naming each one. Pass `nextCursor` back as `cursor` for the next page.",
    query: listDebtQuery,
    status: 200,
    response: answer({
      debtItems: z.array(debtListItem).describe("Items on this page."),
      totals: debtListTotals,
      nextCursor,
    }),
    errors: [400],
  }),
  createDebtItem: route({
    method: "POST",
    path: "/projects/{slug}/debt",
    operationId: "createDebtItem",
    tag: "Debt",
    summary: "Log a debt item in the technical or organizational register, optionally with its repayment plan",
    description:
      '`plan` is optional: `strategy`, `targetDate`, `repayBeforeStage` (a stage the project has not reached) and up to 20 `steps` (`title`, optional `ownerId` of a team member and `dueDate` not after the target date), stored in the order given. The item and its plan are written together, with one activity row; if any field is invalid the answer is 400 with its path (e.g. `fields["plan.steps.0.dueDate"]`) and nothing is written. Change the plan later with PATCH /debt/{itemId} and POST /debt/{itemId}/steps.',
    body: createDebtBody,
    status: 201,
    response: answer({ debtItem: debtItem.describe("The new item, with its plan fields and `steps`.") }),
    errors: [403, 404],
  }),
  getDebtItem: route({
    method: "GET",
    path: "/debt/{itemId}",
    operationId: "getDebtItem",
    tag: "Debt",
    summary: "A debt item with its repayment steps and version",
    status: 200,
    response: answer({ debtItem }),
    errors: [404],
  }),
  updateDebtItem: route({
    method: "PATCH",
    path: "/debt/{itemId}",
    operationId: "updateDebtItem",
    tag: "Debt",
    summary: "Edit a debt item's details or plan, or change its status",
    description:
      "Send the `version` you read with either details/plan fields, or a `status` (with `note`, `justification`, `reviewDate` as the status needs), not both.",
    body: updateDebtBody,
    status: 200,
    response: answer({ debtItem: debtItem.describe("The item after the change.") }),
    errors: [403, 404, 409],
  }),
  addRepaymentStep: route({
    method: "POST",
    path: "/debt/{itemId}/steps",
    operationId: "addRepaymentStep",
    tag: "Debt",
    summary: "Add a step to a repayment plan (needs the item's `version`)",
    body: addStepBody,
    status: 201,
    response: answer({
      step: repaymentStep.describe("The new step."),
      debtItem: debtItem.describe("The item after the change."),
    }),
    errors: [403, 404, 409],
  }),
  updateRepaymentStep: route({
    method: "PATCH",
    path: "/debt/{itemId}/steps/{stepId}",
    operationId: "updateRepaymentStep",
    tag: "Debt",
    summary: "Edit a repayment step, or mark it done or not done",
    description: "Needs the item's `version`. Send either `done` or the fields to change, not both.",
    body: updateStepBody,
    status: 200,
    response: answer({
      step: repaymentStep.describe("The step after the change."),
      debtItem: debtItem.describe("The item after the change."),
    }),
    errors: [403, 404, 409],
  }),
  listActivity: route({
    method: "GET",
    path: "/projects/{slug}/activity",
    operationId: "listActivity",
    tag: "Activity",
    summary: "A project's activity log, newest first",
    query: activityQuery,
    status: 200,
    response: answer({ activity: z.array(activityEntry).describe("Entries on this page, newest first."), nextCursor }),
    errors: [400, 404],
  }),
  listNotifications: route({
    method: "GET",
    path: "/notifications",
    operationId: "listNotifications",
    tag: "Notifications",
    summary: "The token user's own notifications, newest first",
    description:
      "Only ever the token user's own. `unread=true` lists unread ones only. Each has `id`, `category`, `title`, `body` (plain text), `link` (a path inside Triad; prefix it with Triad's address), `project` ({id, slug, name} or null), `actor` ({id, name} or null for the system), `createdAt` and `readAt` (null while unread). Pass `nextCursor` back as `cursor` for the next page.",
    query: listNotificationsQuery,
    status: 200,
    response: answer({
      notifications: z.array(notification).describe("Notifications on this page, newest first."),
      unreadCount: count.describe("How many of the user's notifications are unread (the bell's number)."),
      nextCursor,
    }),
    errors: [400],
  }),
  markNotificationsRead: route({
    method: "POST",
    path: "/notifications/read",
    operationId: "markNotificationsRead",
    tag: "Notifications",
    summary: "Mark some or all of the token user's notifications read",
    description:
      "Send `ids` (1 to 100 of the user's own notifications) or `all: true`, not both. An id that is not one of the user's own (someone else's, or none at all) answers 404 and nothing is marked. Already-read notifications keep their `readAt`. Reading is not an audited change: no activity row.",
    body: markNotificationsReadBody,
    status: 200,
    response: answer({
      marked: count.describe("How many unread notifications are now read."),
      unreadCount: count.describe("How many are still unread."),
    }),
    errors: [404],
  }),
  getNotificationPreferences: route({
    method: "GET",
    path: "/me/notification-preferences",
    operationId: "getNotificationPreferences",
    tag: "Notifications",
    summary: "How the token user is told of each category, and when their daily digest goes out",
    description:
      "`preferences` maps every category to `immediate` (e-mail at once), `digest` (the daily digest) or `in_app` (in Triad only); `defaults` is each category's mode for someone who has not chosen. `timeZone` (IANA) and `digestHour` (0-23, local) set when the digest is sent. `emailConfigured` is false when the server has no SMTP server: then everything shows in Triad only.",
    status: 200,
    response: notificationSettings,
    errors: [],
  }),
  updateNotificationPreferences: route({
    method: "PATCH",
    path: "/me/notification-preferences",
    operationId: "updateNotificationPreferences",
    tag: "Notifications",
    summary: "Change how the token user is told, and when their digest goes out",
    description:
      'Send any of `preferences` ({category: mode}, only the categories to change; a category set to its default follows the default from then on), `timeZone` (an IANA zone such as Europe/Berlin, or UTC) and `digestHour` (0-23). An unknown category, mode or zone, or an hour out of range, is a 400 with `fields` and nothing is changed. One activity row "notification_preferences.updated" when something changed.',
    body: updateNotificationPreferencesBody,
    status: 200,
    response: notificationSettings,
    errors: [],
  }),
  search: route({
    method: "GET",
    path: "/search",
    operationId: "search",
    tag: "Search",
    summary: "Find projects, requirements, debt items, review comments and people by their words",
    description:
      'The /search page as JSON (docs/domain.md, "Search"): projects by name, summary and business case; requirements (not withdrawn ones) by title, target and description; debt items by title, description, benefit, strategy and notes; gate review comments; people by name and e-mail (deactivated people only for admins). Best match first (bm25; a match in the title weighs five times one in the text); `ranked` is false when more than 10,000 match, and they come unranked: add a word or a filter. `counts` has the matches of each kind for these words and stage, whatever `kind`. Each result has its `link` and, where it has them, `titleHighlights` and `snippet` with the matched words marked. Pass `nextCursor` back as `cursor` for the next page. A `q` without any word (only punctuation) is a 400 with `fields.q`.',
    query: searchQuery,
    status: 200,
    response: answer({
      results: z.array(searchResult).describe("Results on this page, best match first."),
      counts: z
        .strictObject(Object.fromEntries(SEARCH_KINDS.map((kind) => [kind, count])) as Record<SearchKind, typeof count>)
        .describe("Matches of each kind for these words and stage, whatever `kind`."),
      total: count.describe("Matches of the kind asked for (of every kind without `kind`): what the pages count."),
      ranked: z.boolean().describe("False when more than 10,000 results match: they are listed unranked."),
      nextCursor,
    }),
    errors: [400],
  }),
  openApi: route({
    method: "GET",
    path: "/openapi.json",
    operationId: "getOpenApi",
    tag: "Meta",
    summary: "This description (OpenAPI 3.1), without authentication",
    public: true,
    status: 200,
    response: openApiDocumentSchema,
    headers: { "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*" },
    errors: [],
  }),
} satisfies Record<string, ApiRoute>;

/** Path parameters: how they look, for the document and for parsing. */
export const PATH_PARAMETERS: Record<string, { integer: boolean; description: string }> = {
  slug: { integer: false, description: "The project's slug (an old slug from before a rename works too)." },
  userId: { integer: true, description: "A person's id." },
  requirementId: { integer: true, description: "A requirement's id." },
  reviewId: { integer: true, description: "A gate review's id." },
  signOffId: { integer: true, description: "A sign-off's id (`signoffs[].members[].id` of the review)." },
  commentId: { integer: true, description: "A review comment's id." },
  key: { integer: false, description: "A criterion's key, e.g. privacy_security_reviewed." },
  itemId: { integer: true, description: "A debt item's id." },
  stepId: { integer: true, description: "A repayment step's id." },
};
