/**
 * What the JSON API answers with, as zod schemas: one explicit object per resource, every
 * field named (no row is spread into an answer), every instant an ISO 8601 UTC string, every
 * calendar date `YYYY-MM-DD`, ids whole numbers, enumerations from app/domain/vocabulary.ts.
 *
 * The route table (route-table.server.ts) names each operation's answer with these; the views
 * (views.server.ts) build values of exactly these types; the OpenAPI document
 * (openapi.server.ts) is generated from them, one `components.schemas` entry per key of
 * API_COMPONENTS. Outside production every answer is checked against its schema before it is
 * sent (handler.server.ts), and the tests check every answer against the document.
 */
import { z } from "zod";
import type { PanelStatus, SignOffStatus } from "~/domain/gates";
import type { Via } from "~/models/activity.server";
import type { SearchKind } from "~/models/search.server";
import {
  CRITERION_KINDS,
  DEBT_STATUSES,
  DECISIONS,
  DISCIPLINES,
  FEASIBILITIES,
  NOTIFICATION_CATEGORIES,
  NOTIFICATION_MODES,
  PRIORITIES,
  PROJECT_STATES,
  REGISTERS,
  REQUIREMENT_STATUSES,
  REVIEW_STATUSES,
  SEVERITIES,
  STAGES,
  STOP_CAUSES,
} from "~/domain/vocabulary";

// ---------- the values the gate rules compute (app/domain/gates.ts) ----------

/** What a current sign-off is worth now (docs/domain.md, "What makes a sign-off stale"). */
export const SIGNOFF_STANDINGS = [
  "approved",
  "approved_with_conditions",
  "changes_requested",
  "dismissed",
  "stale",
  "invalid",
] as const satisfies readonly SignOffStatus[];
/** A discipline's state on a review. */
export const PANEL_STATUSES = [
  "approved",
  "approved_with_conditions",
  "changes_requested",
  "stale",
  "invalid",
  "missing",
] as const satisfies readonly PanelStatus[];
/** What a search finds (app/models/search.server.ts, docs/domain.md "Search"). */
export const SEARCH_KINDS = [
  "project",
  "requirement",
  "debt",
  "comment",
  "person",
] as const satisfies readonly SearchKind[];
/** How a change reached Triad (the activity log's `via`). */
export const VIAS = ["web", "api", "cli"] as const satisfies readonly Via[];

// Each list names every value of its type (the `satisfies` above checks the other way).
type Covers<All, Listed> = [All] extends [Listed] ? true : never;
const coversStandings: Covers<SignOffStatus, (typeof SIGNOFF_STANDINGS)[number]> = true;
const coversPanels: Covers<PanelStatus, (typeof PANEL_STATUSES)[number]> = true;
const coversVias: Covers<Via, (typeof VIAS)[number]> = true;
const coversSearchKinds: Covers<SearchKind, (typeof SEARCH_KINDS)[number]> = true;
void [coversStandings, coversPanels, coversVias, coversSearchKinds];

// ---------- building blocks ----------

export const instant = z.iso.datetime().describe("An instant: ISO 8601 in UTC, e.g. 2027-03-01T09:30:00.000Z.");
export const calendarDate = z.iso.date().describe("A calendar date, YYYY-MM-DD.");
const id = z.int().positive();
const count = z.int().nonnegative();
/** Person-days: effort, interest per month, accrued interest (unrounded). */
const days = z.number().nonnegative();
const cursor = z.string().nullable().describe("Pass it back as `cursor` for the next page; null on the last page.");

export const personRef = z.strictObject({ id, name: z.string() }).describe("A person: their id and name.");

const stage = z.enum(STAGES);
const discipline = z.enum(DISCIPLINES);

// ---------- projects and teams ----------

export const project = z.strictObject({
  id,
  slug: z.string(),
  name: z.string(),
  summary: z.string(),
  businessCase: z.string(),
  stage,
  state: z.enum(PROJECT_STATES),
  stopCause: z.enum(STOP_CAUSES).nullable().describe("Why it was stopped; null unless stopped."),
  stopNote: z.string().nullable(),
  owner: personRef,
  stageEnteredAt: instant,
  closedAt: instant.nullable().describe("When it was stopped or retired; null while it runs."),
  createdAt: instant,
  updatedAt: instant,
  version: id.describe("Send it back with a change; a stale one is refused with 409."),
});

/** One row of GET /projects: as the project is now, or as it stood at the end of `asOf`. */
export const projectSummary = z.strictObject({
  id,
  slug: z.string(),
  name: z.string(),
  summary: z.string(),
  stage,
  state: z.enum(PROJECT_STATES),
  stopCause: z.enum(STOP_CAUSES).nullable().describe("Why it was stopped; null unless stopped."),
  ownerName: z.string().describe("Today's owner, also with asOf."),
  memberCount: count.describe("Today's team, also with asOf."),
  stageEnteredAt: instant,
  closedAt: instant.nullable(),
  updatedAt: instant.describe("Its last change; with asOf, its last change of stage or state by then."),
  openReview: z
    .strictObject({ id, targetStage: stage, openedAt: instant })
    .nullable()
    .describe("The gate review open (at the end of asOf, or now); null when none was."),
});

export const member = z.strictObject({
  userId: id,
  name: z.string(),
  email: z.string(),
  discipline: discipline.describe("The seat's discipline: always the person's own."),
  active: z.boolean().describe("False once the account is deactivated."),
  joinedAt: instant,
});

export const openReviewSummary = z.strictObject({
  id,
  targetStage: stage,
  openedAt: instant,
  panels: z.array(
    z.strictObject({
      discipline,
      status: z.enum(PANEL_STATUSES),
      signer: z.string().nullable().describe("Who the panel's lead sign-off is from (an objection first)."),
      approvals: count,
      required: count,
    }),
  ),
  blockerCount: count,
});

const registerTotals = z.strictObject({
  count: count.describe("All items."),
  openCount: count.describe("Items open or repaying."),
  principalDays: days.describe("Principal still to repay (open and repaying items)."),
  accruedInterestDays: days.describe("Interest accrued by every item so far."),
  overdueCount: count,
});

export const projectDebtTotals = z.strictObject({
  technical: registerTotals.extend({ dueBeforeNextStageCount: count }),
  organizational: registerTotals.extend({ dueBeforeNextStageCount: count }),
});

// ---------- requirements ----------

export const verdict = z.strictObject({
  feasibility: z.enum(FEASIBILITIES),
  conditions: z.string().nullable().describe("Conditions (feasible_with_conditions) or the reason (infeasible)."),
  note: z.string().nullable(),
  assessedBy: personRef.nullable(),
  assessedAt: instant.nullable(),
  version: id.describe("This verdict's own version, for the assessment's `version`."),
});

export const requirement = z.strictObject({
  id,
  projectId: id,
  title: z.string(),
  description: z.string(),
  target: z.string().describe("The measurable target."),
  priority: z.enum(PRIORITIES),
  status: z.enum(REQUIREMENT_STATUSES),
  feasibility: z
    .enum(FEASIBILITIES)
    .describe("Combined: unassessed until both disciplines have assessed, infeasible if either says so."),
  verdicts: z.strictObject({ data_science: verdict, it: verdict }),
  createdBy: personRef,
  createdAt: instant,
  updatedAt: instant,
  version: id,
});

export const projectDetail = project
  .extend({
    members: z.array(member),
    requirements: z.array(requirement),
    currentReview: openReviewSummary.nullable().describe("The open gate review, or null."),
    debtTotals: projectDebtTotals,
  })
  .describe("A project with its team, requirements, open gate review and debt totals.");

// ---------- gate reviews ----------

export const gateReviewSummary = z.strictObject({
  id,
  fromStage: stage,
  targetStage: stage,
  status: z.enum(REVIEW_STATUSES),
  statement: z.string(),
  openedAt: instant,
  openedBy: personRef,
  closedAt: instant.nullable(),
  closedBy: personRef.nullable(),
  closeNote: z.string().nullable(),
});

export const signOffEntry = z.strictObject({
  id: id.describe("The sign-off's id (for replies and dismissals)."),
  user: personRef,
  decision: z.enum(DECISIONS),
  comment: z.string(),
  signedAt: instant,
  standing: z.enum(SIGNOFF_STANDINGS).nullable().describe("What it is worth now (as of closing for a closed review)."),
  changes: z.array(z.string()).describe("For a stale sign-off: what changed in its discipline's concerns since."),
  dismissed: z
    .strictObject({ at: instant, reason: z.string(), by: personRef.nullable() })
    .nullable()
    .describe('A dismissed "changes requested": when, why and by whom; null otherwise.'),
});

export const criterion = z.strictObject({
  key: z.string(),
  label: z.string(),
  kind: z.enum(CRITERION_KINDS),
  discipline: discipline.nullable().describe("Who may attest it; null for any member."),
  met: z.boolean(),
  detail: z.string(),
  attestedBy: z
    .strictObject({
      id: id.nullable().describe("Null in the snapshot of a review closed before ids were kept."),
      name: z.string(),
    })
    .nullable(),
  attestedAt: instant.nullable(),
  attestationNote: z.string().nullable(),
  evidenceUrl: z.string().nullable(),
});

export const gateReview = z.strictObject({
  id,
  project: z.string().describe("The project's slug."),
  fromStage: stage,
  targetStage: stage,
  status: z.enum(REVIEW_STATUSES),
  statement: z.string(),
  requiredApprovals: count.describe("Approvals each discipline needs on this review."),
  openedAt: instant,
  closedAt: instant.nullable(),
  closeNote: z.string().nullable(),
  signoffs: z
    .array(
      z.strictObject({
        discipline,
        status: z.enum(PANEL_STATUSES),
        approvals: count,
        required: count,
        members: z.array(signOffEntry).describe("Each current sign-off of the discipline's members."),
      }),
    )
    .describe("One entry per discipline (as it stood when it closed, for a closed review)."),
  criteria: z.array(criterion),
  blockers: z.array(z.string()).describe("What still prevents the promotion, in words."),
  canPromote: z.boolean(),
});

export const signOffRecord = z.strictObject({
  id,
  discipline,
  decision: z.enum(DECISIONS),
  comment: z.string(),
  user: personRef,
  signedAt: instant,
  conditionDebtItemIds: z.array(id).describe("The debt items logged for the conditions, in order."),
});

export const reviewComment = z.strictObject({
  id,
  body: z.string(),
  author: personRef,
  createdAt: instant,
  editedAt: instant.nullable(),
  version: id,
  replyTo: z
    .strictObject({ signOffId: id, name: z.string(), decision: z.enum(DECISIONS), discipline })
    .nullable()
    .describe("The sign-off it answers, or null."),
  mentions: z.array(personRef),
  revisions: z
    .array(z.strictObject({ body: z.string(), replacedAt: instant }))
    .describe("Earlier wordings, oldest first."),
});

// ---------- debt ----------

export const repaymentStep = z.strictObject({
  id,
  position: id,
  title: z.string(),
  ownerId: id.nullable(),
  ownerName: z.string().nullable(),
  dueDate: calendarDate.nullable(),
  done: z.boolean(),
  doneAt: instant.nullable(),
  doneByName: z.string().nullable(),
});

const debtFields = {
  id,
  projectId: id,
  register: z.enum(REGISTERS),
  title: z.string(),
  description: z.string(),
  category: z.string(),
  categoryLabel: z.string(),
  benefit: z.string().describe("Why it was taken on."),
  stageIncurred: stage,
  severity: z.enum(SEVERITIES),
  status: z.enum(DEBT_STATUSES),
  statusNote: z.string().nullable(),
  acceptedJustification: z.string().nullable(),
  acceptedReviewDate: calendarDate.nullable(),
  ownerId: id.nullable(),
  ownerName: z.string().nullable(),
  principalDays: days.describe("Effort to repay, in person-days."),
  interestDays: days.describe("What leaving it costs per month, in person-days."),
  accruedInterestDays: days.describe("Interest accrued so far (unrounded)."),
  strategy: z.string().nullable(),
  targetDate: calendarDate.nullable(),
  repayBeforeStage: stage.nullable(),
  overdue: z.boolean(),
  openedAt: instant,
  repaidAt: instant.nullable(),
  writtenOffAt: instant.nullable(),
};

export const debtItem = z.strictObject({
  ...debtFields,
  signOffId: id.nullable().describe("The sign-off whose condition it is, or null."),
  condition: z
    .strictObject({ reviewId: id, discipline, signerName: z.string(), signedAt: instant })
    .nullable()
    .describe("For a condition of an approval: whose, and on which review."),
  steps: z.array(repaymentStep),
  createdByName: z.string(),
  createdAt: instant,
  updatedAt: instant,
  version: id.describe("Guards the item and its steps: send it back with any change."),
});

/** One row of GET /debt. */
export const debtListItem = z.strictObject({
  ...debtFields,
  projectSlug: z.string(),
  projectName: z.string(),
});

export const debtListTotals = z
  .strictObject({
    count,
    openCount: count,
    principalDays: days,
    accruedInterestDays: days,
    overdueCount: count,
  })
  .describe("Totals of the whole filtered set, not just the page.");

// ---------- activity and notifications ----------

export const activityEntry = z.strictObject({
  id,
  at: instant,
  action: z.string().describe("What happened, e.g. debt.created."),
  summary: z.string().describe("The same in one sentence."),
  entityType: z.string(),
  entityId: id.nullable(),
  before: z
    .unknown()
    .describe("The changed fields before, as recorded (JSON; instants in it as ISO strings), or null."),
  after: z.unknown().describe("The changed fields after, as recorded, or null."),
  via: z.enum(VIAS),
  actorName: z.string().nullable().describe("Null for the system."),
});

export const notification = z.strictObject({
  id,
  category: z.enum(NOTIFICATION_CATEGORIES),
  title: z.string(),
  body: z.string().describe("Plain text."),
  link: z.string().describe("A path inside Triad; prefix it with Triad's address."),
  project: z.strictObject({ id, slug: z.string(), name: z.string() }).nullable(),
  actor: personRef.nullable().describe("Null for the system."),
  createdAt: instant,
  readAt: instant.nullable().describe("Null while unread."),
});

const modes = z.record(z.enum(NOTIFICATION_CATEGORIES), z.enum(NOTIFICATION_MODES));

export const notificationSettings = z.strictObject({
  preferences: modes.describe("Each category's mode: immediate, digest or in_app."),
  defaults: modes.describe("Each category's mode for someone who has not chosen."),
  timeZone: z.string().describe("The user's IANA time zone."),
  digestHour: z.int().min(0).max(23).describe("The local hour of the daily digest."),
  emailConfigured: z.boolean().describe("Whether this server sends e-mail."),
});

// ---------- search ----------

const highlighted = z
  .array(z.strictObject({ text: z.string(), match: z.boolean() }))
  .describe("The text in pieces, in order; `match` marks the words the search matched. Join the texts for plain text.");

/** One result of GET /search. */
export const searchResult = z.strictObject({
  kind: z.enum(SEARCH_KINDS),
  id: id.describe("The id of the project, requirement, debt item, comment or person."),
  title: z.string().describe("Its name or title; for a comment, whose comment on which gate review."),
  titleHighlights: highlighted,
  snippet: highlighted.describe(
    "A few words of its text around the matches (… where cut); may be empty. `match` marks the words the search matched.",
  ),
  link: z.string().describe("Where it is in Triad: a path; prefix it with Triad's address."),
  project: z
    .strictObject({ id, slug: z.string(), name: z.string(), stage, state: z.enum(PROJECT_STATES) })
    .nullable()
    .describe("The project it belongs to; null for a person."),
  reviewId: id.nullable().describe("For a comment, its gate review; null otherwise."),
});

export const openApiDocumentSchema = z.looseObject({
  openapi: z.literal("3.1.0"),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

// ---------- errors ----------

/** The error codes each status may carry. */
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
export const ERROR_STATUSES = Object.keys(ERROR_CODES).map(Number) as ErrorStatus[];

const errorBody = (codes: readonly [ErrorCode, ...ErrorCode[]]) =>
  z.strictObject({
    error: z.strictObject({
      code: z.enum(codes),
      message: z.string().describe("What went wrong, in a sentence a person can act on."),
      fields: z
        .record(z.string(), z.string())
        .optional()
        .describe("400: a message per invalid field or query parameter (dotted paths for nested fields)."),
      blockers: z
        .array(z.string())
        .optional()
        .describe("409 promotion_blocked: what still prevents the promotion, in words."),
    }),
  });

/** Every error answer: `{error: {code, message, fields?, blockers?}}`. */
export const apiErrorSchema = errorBody(Object.values(ERROR_CODES).flat() as [ErrorCode, ...ErrorCode[]]);
export type ApiErrorBody = z.infer<typeof apiErrorSchema>;

/** The error answer of one status, with the codes of that status only. */
export const apiErrorSchemaFor = Object.fromEntries(
  ERROR_STATUSES.map((status) => [status, errorBody(ERROR_CODES[status] as readonly [ErrorCode, ...ErrorCode[]])]),
) as Record<ErrorStatus, typeof apiErrorSchema>;

// ---------- the document's components ----------

/**
 * The named schemas of the document (`#/components/schemas/<name>`). An operation's answer
 * refers to these; the answers themselves are named `<OperationId>Response`.
 */
export const API_COMPONENTS: Record<string, z.ZodType> = {
  Instant: instant,
  CalendarDate: calendarDate,
  PersonRef: personRef,
  Project: project,
  ProjectSummary: projectSummary,
  ProjectDetail: projectDetail,
  Member: member,
  OpenReviewSummary: openReviewSummary,
  ProjectDebtTotals: projectDebtTotals,
  Requirement: requirement,
  Verdict: verdict,
  GateReviewSummary: gateReviewSummary,
  GateReview: gateReview,
  SignOffEntry: signOffEntry,
  Criterion: criterion,
  SignOffRecord: signOffRecord,
  ReviewComment: reviewComment,
  DebtItem: debtItem,
  RepaymentStep: repaymentStep,
  DebtListItem: debtListItem,
  DebtListTotals: debtListTotals,
  ActivityEntry: activityEntry,
  Notification: notification,
  NotificationSettings: notificationSettings,
  SearchResult: searchResult,
  Error: apiErrorSchema,
  ...Object.fromEntries(ERROR_STATUSES.map((status) => [`Error${status}`, apiErrorSchemaFor[status]])),
};

export { cursor as nextCursorSchema };
