/**
 * The JSON API v1, as data: every endpoint's method, path, request schemas and documented
 * answers. The route files (app/routes/api.v1.*.ts) hand these entries to `apiResource`, which
 * validates requests with exactly these schemas; app/utils/openapi.server.ts turns the same
 * table into the OpenAPI document. One source, so the document cannot drift from the server.
 *
 * The request bodies are the form schemas of app/utils/validation.ts and debt-validation.ts,
 * reshaped where a form has a form-only shape (a sign-off's conditions are lines of text in
 * the form and objects here; PATCH bodies are partial with a `version`). No field is defined
 * twice.
 */
import { z } from "zod";
import { PROJECT_STATES, STAGES } from "../../db/schema";
import {
  debtDetailsShape,
  debtFiltersSchema,
  debtPlanSchema,
  debtStatusChangeSchema,
  debtStatusField,
  newDebtItemSchema,
  registerField,
  repaymentStepSchema,
} from "./debt-validation";
import {
  addMemberSchema,
  assessmentSchema,
  attestSchema,
  dateField,
  emailField,
  projectSchema,
  requirementSchema,
  signOffFormSchema,
  versionField,
} from "./validation";

export const API_BASE = "/api/v1";

// ---------- request bodies ----------

export const createProjectBody = projectSchema.partial({ ownerId: true });
export const updateProjectBody = projectSchema.partial().extend({ version: versionField });
export const addMemberBody = addMemberSchema.omit({ userId: true }).extend({ email: emailField });
export const createRequirementBody = requirementSchema;
export const updateRequirementBody = requirementSchema.partial().extend({ version: versionField });
export const assessmentBody = assessmentSchema.extend({ version: versionField.optional() });
export const signOffConditionBody = z.object({
  title: debtDetailsShape.title,
  register: registerField.default("technical"),
  targetDate: dateField.nullable().optional().default(null),
});
export const signOffBody = signOffFormSchema.in
  .pick({ decision: true, comment: true })
  .extend({
    conditions: z.array(signOffConditionBody).max(20, "Write at most 20 conditions.").optional().default([]),
  });
export const attestationBody = attestSchema.pick({ note: true });
export const createDebtBody = newDebtItemSchema;
export const updateDebtBody = z
  .object(debtDetailsShape)
  .partial()
  .extend(debtPlanSchema.omit({ version: true }).partial().shape)
  .extend(debtStatusChangeSchema.omit({ version: true, to: true }).partial().shape)
  .extend({ status: debtStatusField.optional(), version: versionField });
export const addStepBody = repaymentStepSchema;
export const updateStepBody = repaymentStepSchema
  .partial()
  .extend({ version: versionField, done: z.boolean({ error: "Use true or false." }).optional() });

// ---------- query strings ----------

const limitParam = (fallback: number) => z.coerce.number().int().min(1).max(100).default(fallback);
const cursorParam = z.string().max(500).optional();

export const listProjectsQuery = z.object({
  q: z.string().trim().max(100).optional(),
  stage: z.enum(STAGES, { error: "Use poc, pilot or production." }).optional(),
  state: z.enum(PROJECT_STATES, { error: "Use active, on_hold, stopped or retired." }).optional(),
  cursor: cursorParam,
  limit: limitParam(25),
});
export const listDebtQuery = debtFiltersSchema.omit({ page: true }).extend({ cursor: cursorParam, limit: limitParam(50) });
export const removeMemberQuery = z.object({ confirm: z.enum(["true", "false"]).optional() });
export const activityQuery = z.object({ cursor: cursorParam, limit: limitParam(50) });

// ---------- errors ----------

export const ERROR_CODES = {
  400: ["invalid_request", "invalid_json"],
  401: ["unauthorized"],
  403: ["forbidden"],
  404: ["not_found"],
  405: ["method_not_allowed"],
  409: ["conflict", "promotion_blocked", "confirmation_required"],
  413: ["payload_too_large"],
  415: ["unsupported_media_type"],
  429: ["rate_limited"],
  500: ["internal_error"],
} as const;
export type ErrorStatus = keyof typeof ERROR_CODES;
export type ErrorCode = (typeof ERROR_CODES)[ErrorStatus][number];

/** Every error answer: `{error: {code, message, fields?, blockers?}}`. */
export const apiErrorSchema = z.object({
  error: z.object({
    code: z.enum(Object.values(ERROR_CODES).flat() as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    /** 400: a message per invalid field (dotted paths for nested ones). */
    fields: z.record(z.string(), z.string()).optional(),
    /** 409 promotion_blocked: what still prevents the promotion, in words. */
    blockers: z.array(z.string()).optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof apiErrorSchema>;

// ---------- the routes ----------

export type ApiMethod = "GET" | "POST" | "PATCH" | "DELETE";

export type ApiRoute = {
  method: ApiMethod;
  /** OpenAPI style, relative to API_BASE: "/projects/{slug}". */
  path: string;
  operationId: string;
  tag: "Projects" | "Team" | "Requirements" | "Gate reviews" | "Debt" | "Activity" | "Meta";
  summary: string;
  description?: string;
  /** Served without a token (only the OpenAPI document). */
  public?: boolean;
  query?: z.ZodObject;
  body?: z.ZodType;
  status: 200 | 201;
  /** The success body's top-level keys and what they hold. */
  returns: Record<string, string>;
  /** Error statuses beyond those every route can answer (401, 429; 400/413/415 with a body). */
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
    description: "Sorted by name; pass `nextCursor` back as `cursor` for the next page.",
    query: listProjectsQuery,
    status: 200,
    returns: { projects: "Projects on this page.", nextCursor: "Cursor of the next page, or null on the last." },
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
    returns: { project: "The new project." },
    errors: [],
  }),
  getProject: route({
    method: "GET",
    path: "/projects/{slug}",
    operationId: "getProject",
    tag: "Projects",
    summary: "A project with its team, requirements, current gate review and debt totals",
    status: 200,
    returns: { project: "The project, with `members`, `requirements`, `currentReview` and `debtTotals`." },
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
    returns: { project: "The project after the change." },
    errors: [403, 404, 409],
  }),
  addMember: route({
    method: "POST",
    path: "/projects/{slug}/members",
    operationId: "addMember",
    tag: "Team",
    summary: "Add a person to the team in one discipline",
    body: addMemberBody,
    status: 201,
    returns: { member: "The new member." },
    errors: [403, 404, 409],
  }),
  removeMember: route({
    method: "DELETE",
    path: "/projects/{slug}/members/{userId}",
    operationId: "removeMember",
    tag: "Team",
    summary: "Remove a person from the team",
    description:
      "If they signed off on the open gate review, the answer is 409 `confirmation_required` unless `?confirm=true`; their sign-off is then withdrawn.",
    query: removeMemberQuery,
    status: 200,
    returns: { removed: "The removed member's user id.", withdrawnSignOffs: "How many sign-offs were withdrawn." },
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
    returns: { requirement: "The new requirement." },
    errors: [403, 404],
  }),
  updateRequirement: route({
    method: "PATCH",
    path: "/projects/{slug}/requirements/{requirementId}",
    operationId: "updateRequirement",
    tag: "Requirements",
    summary: "Revise a requirement (business members)",
    description: "Changing the title, target or priority resets the assessment. Needs `version`.",
    body: updateRequirementBody,
    status: 200,
    returns: { requirement: "The requirement after the change." },
    errors: [403, 404, 409],
  }),
  assessRequirement: route({
    method: "POST",
    path: "/projects/{slug}/requirements/{requirementId}/assessment",
    operationId: "assessRequirement",
    tag: "Requirements",
    summary: "Assess a requirement's feasibility (IT and data science members)",
    description: "`version` is optional; when given, a stale one answers 409.",
    body: assessmentBody,
    status: 200,
    returns: { requirement: "The requirement with its assessment." },
    errors: [403, 404, 409],
  }),
  openGateReview: route({
    method: "POST",
    path: "/projects/{slug}/gate-reviews",
    operationId: "openGateReview",
    tag: "Gate reviews",
    summary: "Open a gate review for the next stage",
    status: 201,
    returns: { review: "The new review, evaluated." },
    errors: [403, 404, 409],
  }),
  getGateReview: route({
    method: "GET",
    path: "/projects/{slug}/gate-reviews/{reviewId}",
    operationId: "getGateReview",
    tag: "Gate reviews",
    summary: "A gate review: sign-offs, criteria and what blocks promotion",
    status: 200,
    returns: {
      review:
        "`targetStage`, `status`, `signoffs` (discipline, user, decision, stale), `criteria` (key, label, kind, met, detail) and `blockers`.",
    },
    errors: [404],
  }),
  signOff: route({
    method: "POST",
    path: "/projects/{slug}/gate-reviews/{reviewId}/signoffs",
    operationId: "signOff",
    tag: "Gate reviews",
    summary: "Sign off for the token user's own discipline",
    description:
      "`comment` is required for changes_requested; `conditions` (logged as debt items) for approve_with_conditions.",
    body: signOffBody,
    status: 201,
    returns: { signoff: "The recorded sign-off.", review: "The review after signing." },
    errors: [403, 404, 409],
  }),
  attest: route({
    method: "POST",
    path: "/projects/{slug}/gate-reviews/{reviewId}/attestations/{key}",
    operationId: "attest",
    tag: "Gate reviews",
    summary: "Attest a criterion with a note",
    body: attestationBody,
    status: 200,
    returns: { review: "The review after the attestation." },
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
    returns: { stage: "The project's new stage.", project: "The project after promotion." },
    errors: [403, 404, 409],
  }),
  listDebt: route({
    method: "GET",
    path: "/debt",
    operationId: "listDebt",
    tag: "Debt",
    summary: "The organisation-wide debt register",
    description: "The filters and sort of the /debt page; unknown filter values are ignored as there.",
    query: listDebtQuery,
    status: 200,
    returns: {
      debtItems: "Items on this page.",
      totals: "Totals of the whole filtered set.",
      nextCursor: "Cursor of the next page, or null on the last.",
    },
    errors: [400],
  }),
  createDebtItem: route({
    method: "POST",
    path: "/projects/{slug}/debt",
    operationId: "createDebtItem",
    tag: "Debt",
    summary: "Log a debt item in the technical or organizational register",
    body: createDebtBody,
    status: 201,
    returns: { debtItem: "The new item." },
    errors: [403, 404],
  }),
  getDebtItem: route({
    method: "GET",
    path: "/debt/{itemId}",
    operationId: "getDebtItem",
    tag: "Debt",
    summary: "A debt item with its repayment steps and version",
    status: 200,
    returns: { debtItem: "The item with `steps`." },
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
    returns: { debtItem: "The item after the change." },
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
    returns: { step: "The new step.", debtItem: "The item after the change." },
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
    returns: { step: "The step after the change.", debtItem: "The item after the change." },
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
    returns: { activity: "Entries on this page.", nextCursor: "Cursor of the next page, or null on the last." },
    errors: [400, 404],
  }),
  openApi: route({
    method: "GET",
    path: "/openapi.json",
    operationId: "getOpenApi",
    tag: "Meta",
    summary: "This description (OpenAPI 3.1), without authentication",
    public: true,
    status: 200,
    returns: {},
    errors: [],
  }),
} satisfies Record<string, ApiRoute>;

/** Path parameters: how they look, for the document and for parsing. */
export const PATH_PARAMETERS: Record<string, { integer: boolean; description: string }> = {
  slug: { integer: false, description: "The project's slug (an old slug from before a rename works too)." },
  userId: { integer: true, description: "A person's id." },
  requirementId: { integer: true, description: "A requirement's id." },
  reviewId: { integer: true, description: "A gate review's id." },
  key: { integer: false, description: "A criterion's key, e.g. privacy_security_reviewed." },
  itemId: { integer: true, description: "A debt item's id." },
  stepId: { integer: true, description: "A repayment step's id." },
};
