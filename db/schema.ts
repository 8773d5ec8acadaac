/**
 * The whole Triad domain (docs/domain.md) as drizzle sqlite-core tables.
 *
 * Conventions: instants are integer milliseconds UTC (`*_at`), calendar dates are
 * `YYYY-MM-DD` text (`*_date`), every editable row has a `version` for optimistic locking.
 * Enumerations are text columns listed in app/domain/vocabulary.ts, checked by the zod
 * schemas of the forms and the API and by CHECK constraints here, so bad data cannot enter even from the operator CLI.
 */
import { relations, sql } from "drizzle-orm";
import { check, index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

import {
  DISCIPLINES,
  ROLES,
  STAGES,
  PROJECT_STATES,
  STOP_CAUSES,
  PRIORITIES,
  FEASIBILITIES,
  REQUIREMENT_STATUSES,
  REVIEW_STATUSES,
  CRITERION_KINDS,
  DECISIONS,
  SIGNOFF_STATUSES,
  REGISTERS,
  SEVERITIES,
  DEBT_STATUSES,
  DELIVERY_STATUSES,
  NOTIFICATION_CATEGORIES,
  NOTIFICATION_MODES,
  MAIL_STATUSES,
  WEBHOOK_FORMATS,
} from "../app/domain/vocabulary";

const inList = (column: string, values: readonly string[]) =>
  sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(", ")})`);

const version = () => integer("version").notNull().default(1);

export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Stored lower-cased and trimmed; unique, so e-mail is case-insensitive. */
    email: text("email").notNull(),
    name: text("name").notNull(),
    discipline: text("discipline", { enum: DISCIPLINES }).notNull(),
    role: text("role", { enum: ROLES }).notNull().default("member"),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    passwordHash: text("password_hash").notNull(),
    /** IANA time zone for digests and reminders, e.g. "Europe/Berlin". */
    timeZone: text("time_zone").notNull().default("UTC"),
    /** Local hour (0-23) the daily digest is sent at. */
    digestHour: integer("digest_hour").notNull().default(8),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    version: version(),
  },
  (t) => [
    uniqueIndex("users_email_unique").on(t.email),
    check("users_discipline_check", inList("discipline", DISCIPLINES)),
    check("users_role_check", inList("role", ROLES)),
  ],
);

export const sessions = sqliteTable(
  "sessions",
  {
    /** SHA-256 of the cookie's random token: a stolen database does not hold live cookies. */
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    /** Absolute end of life, whatever the activity. */
    expiresAt: integer("expires_at").notNull(),
    /**
     * When the person last proved their password in this session (sign-in or "Confirm your
     * password"); token and password changes need it within 10 minutes (sudo mode). Null:
     * never (sessions from before migration 0006).
     */
    reauthenticatedAt: integer("reauthenticated_at"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    name: text("name").notNull(),
    /** SHA-256 of the token; the token itself is shown once and never stored. */
    tokenHash: text("token_hash").notNull(),
    /** First characters of the token, to tell tokens apart in the list. */
    prefix: text("prefix").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at"),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [uniqueIndex("api_tokens_hash_unique").on(t.tokenHash), index("api_tokens_user_idx").on(t.userId)],
);

export const projects = sqliteTable(
  "projects",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    summary: text("summary").notNull().default(""),
    businessCase: text("business_case").notNull().default(""),
    stage: text("stage", { enum: STAGES }).notNull().default("poc"),
    state: text("state", { enum: PROJECT_STATES }).notNull().default("active"),
    stopCause: text("stop_cause", { enum: STOP_CAUSES }),
    stopNote: text("stop_note"),
    ownerId: integer("owner_id")
      .notNull()
      .references(() => users.id),
    stageEnteredAt: integer("stage_entered_at").notNull(),
    /** When it was stopped or retired (cleared when reopened): "days in stage" stop counting there. */
    closedAt: integer("closed_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    version: version(),
  },
  (t) => [
    uniqueIndex("projects_slug_unique").on(t.slug),
    index("projects_stage_state_idx").on(t.stage, t.state),
    // The pipeline board: active projects of a stage, longest in stage first.
    index("projects_board_idx").on(t.state, t.stage, t.stageEnteredAt, t.id),
    index("projects_owner_idx").on(t.ownerId),
    index("projects_name_idx").on(t.name),
    check("projects_stage_check", inList("stage", STAGES)),
    check("projects_state_check", inList("state", PROJECT_STATES)),
  ],
);

/** Slugs a project had before a rename, so old links keep working. */
export const projectSlugs = sqliteTable("project_slugs", {
  slug: text("slug").primaryKey(),
  projectId: integer("project_id")
    .notNull()
    .references(() => projects.id),
  retiredAt: integer("retired_at").notNull(),
});

export const memberships = sqliteTable(
  "memberships",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    discipline: text("discipline", { enum: DISCIPLINES }).notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("memberships_project_user_unique").on(t.projectId, t.userId),
    index("memberships_user_idx").on(t.userId),
    check("memberships_discipline_check", inList("discipline", DISCIPLINES)),
  ],
);

export const requirements = sqliteTable(
  "requirements",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    /** The measurable target, e.g. "precision >= 0.8 on last quarter's failures". */
    target: text("target").notNull(),
    priority: text("priority", { enum: PRIORITIES }).notNull(),
    status: text("status", { enum: REQUIREMENT_STATUSES }).notNull().default("active"),
    /**
     * The combined verdict, kept by the model from the two below (docs/domain.md,
     * "Feasibility"): unassessed until both disciplines have given theirs, infeasible when
     * either says so, with conditions when either has conditions.
     */
    feasibility: text("feasibility", { enum: FEASIBILITIES }).notNull().default("unassessed"),
    /** Legacy single-assessment columns (before migration 0003); no longer written. */
    feasibilityNote: text("feasibility_note"),
    conditions: text("conditions"),
    assessedById: integer("assessed_by_id").references(() => users.id),
    assessedAt: integer("assessed_at"),
    // Data science's verdict, with its own version for optimistic locking.
    dsFeasibility: text("ds_feasibility", { enum: FEASIBILITIES }).notNull().default("unassessed"),
    /** Conditions (feasible_with_conditions) or the reason (infeasible). */
    dsConditions: text("ds_conditions"),
    dsNote: text("ds_note"),
    dsAssessedById: integer("ds_assessed_by_id").references(() => users.id),
    dsAssessedAt: integer("ds_assessed_at"),
    dsVersion: integer("ds_version").notNull().default(1),
    // IT operations' verdict.
    itFeasibility: text("it_feasibility", { enum: FEASIBILITIES }).notNull().default("unassessed"),
    itConditions: text("it_conditions"),
    itNote: text("it_note"),
    itAssessedById: integer("it_assessed_by_id").references(() => users.id),
    itAssessedAt: integer("it_assessed_at"),
    itVersion: integer("it_version").notNull().default(1),
    createdById: integer("created_by_id")
      .notNull()
      .references(() => users.id),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    version: version(),
  },
  (t) => [
    index("requirements_project_idx").on(t.projectId, t.status),
    check("requirements_priority_check", inList("priority", PRIORITIES)),
    check("requirements_feasibility_check", inList("feasibility", FEASIBILITIES)),
  ],
);

/** The organisation's gate checklist template, per target stage. */
export const criterionTemplates = sqliteTable(
  "criterion_templates",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    targetStage: text("target_stage", { enum: STAGES }).notNull(),
    key: text("key").notNull(),
    label: text("label").notNull(),
    kind: text("kind", { enum: CRITERION_KINDS }).notNull(),
    /** Which discipline may tick an attestation; null = any member. */
    discipline: text("discipline", { enum: DISCIPLINES }),
    position: integer("position").notNull(),
    /** Automatic criteria are switched off, attestations retired; never deleted. */
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    version: version(),
  },
  (t) => [
    uniqueIndex("criterion_templates_stage_key_unique").on(t.targetStage, t.key),
    check("criterion_templates_kind_check", inList("kind", CRITERION_KINDS)),
  ],
);

export const gateReviews = sqliteTable(
  "gate_reviews",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id),
    fromStage: text("from_stage", { enum: STAGES }).notNull(),
    targetStage: text("target_stage", { enum: STAGES }).notNull(),
    status: text("status", { enum: REVIEW_STATUSES }).notNull().default("open"),
    openedById: integer("opened_by_id")
      .notNull()
      .references(() => users.id),
    openedAt: integer("opened_at").notNull(),
    /** Why the review is opened now, in the opener's words. */
    statement: text("statement").notNull().default(""),
    /** Approvals each discipline needs, copied from the gate policy when the review opened. */
    requiredApprovals: integer("required_approvals").notNull().default(1),
    closedById: integer("closed_by_id").references(() => users.id),
    closedAt: integer("closed_at"),
    closeNote: text("close_note"),
    /** JSON: requirements, debt and criteria as they stood when the review closed (dossier). */
    closingSnapshot: text("closing_snapshot"),
    version: version(),
  },
  (t) => [
    index("gate_reviews_project_idx").on(t.projectId, t.status),
    index("gate_reviews_status_idx").on(t.status),
    // At most one open review per project.
    uniqueIndex("gate_reviews_one_open")
      .on(t.projectId)
      .where(sql`status = 'open'`),
    check("gate_reviews_status_check", inList("status", REVIEW_STATUSES)),
  ],
);

/** The criteria a review was opened with (copied from the template). */
export const gateCriteria = sqliteTable(
  "gate_criteria",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    reviewId: integer("review_id")
      .notNull()
      .references(() => gateReviews.id),
    key: text("key").notNull(),
    label: text("label").notNull(),
    kind: text("kind", { enum: CRITERION_KINDS }).notNull(),
    discipline: text("discipline", { enum: DISCIPLINES }),
    position: integer("position").notNull(),
    attestedById: integer("attested_by_id").references(() => users.id),
    attestedAt: integer("attested_at"),
    attestationNote: text("attestation_note"),
    /** An http(s) link to the evidence, optional. */
    evidenceUrl: text("evidence_url"),
    /**
     * The attester's discipline when they attested: decides whose concern an attestation of a
     * criterion any member may attest is (docs/domain.md, "What makes a sign-off stale"), and
     * stays put if the attester later changes discipline.
     */
    attesterDiscipline: text("attester_discipline", { enum: DISCIPLINES }),
  },
  (t) => [uniqueIndex("gate_criteria_review_key_unique").on(t.reviewId, t.key)],
);

export const signOffs = sqliteTable(
  "sign_offs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    reviewId: integer("review_id")
      .notNull()
      .references(() => gateReviews.id),
    discipline: text("discipline", { enum: DISCIPLINES }).notNull(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    decision: text("decision", { enum: DECISIONS }).notNull(),
    comment: text("comment").notNull().default(""),
    /**
     * Hash of the signer's discipline's view of the gate content at signing
     * (app/domain/concerns.ts, docs/domain.md "What makes a sign-off stale").
     */
    fingerprint: text("fingerprint").notNull(),
    /** JSON of that view, to show what changed since; null for sign-offs from before 0003. */
    snapshot: text("snapshot"),
    signedAt: integer("signed_at").notNull(),
    /**
     * current: this member's latest word; superseded: they signed again; withdrawn: their
     * approval ended (they left the team or changed discipline).
     */
    status: text("status", { enum: SIGNOFF_STATUSES }).notNull().default("current"),
    endedAt: integer("ended_at"),
    /** A project owner dismissed this "changes requested" (it then no longer blocks). */
    dismissedById: integer("dismissed_by_id").references(() => users.id),
    dismissedAt: integer("dismissed_at"),
    dismissReason: text("dismiss_reason"),
  },
  (t) => [
    index("sign_offs_review_idx").on(t.reviewId, t.status),
    index("sign_offs_user_idx").on(t.userId, t.status),
    // Each member has one current word per review; several members of a discipline may sign.
    uniqueIndex("sign_offs_one_current_per_member")
      .on(t.reviewId, t.userId)
      .where(sql`status = 'current'`),
    check("sign_offs_decision_check", inList("decision", DECISIONS)),
  ],
);

/** Per gate (target stage): how many approvals each discipline needs. */
export const gatePolicies = sqliteTable("gate_policies", {
  targetStage: text("target_stage", { enum: STAGES }).primaryKey(),
  requiredApprovals: integer("required_approvals").notNull().default(1),
  /** Remind a discipline that has not signed after this many days, and every as many days after. */
  remindAfterDays: integer("remind_after_days").notNull().default(3),
  /** Tell the owner and admins after this many days waiting. */
  escalateAfterDays: integer("escalate_after_days").notNull().default(10),
  updatedAt: integer("updated_at").notNull(),
  version: version(),
});

/** The conversation on a gate review: plain text, optionally a reply to one sign-off. */
export const reviewComments = sqliteTable(
  "review_comments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    reviewId: integer("review_id")
      .notNull()
      .references(() => gateReviews.id),
    authorId: integer("author_id")
      .notNull()
      .references(() => users.id),
    body: text("body").notNull(),
    replyToSignOffId: integer("reply_to_sign_off_id").references(() => signOffs.id),
    createdAt: integer("created_at").notNull(),
    editedAt: integer("edited_at"),
    version: version(),
  },
  (t) => [index("review_comments_review_idx").on(t.reviewId, t.id)],
);

/** Earlier wordings of an edited comment, oldest first. */
export const reviewCommentRevisions = sqliteTable(
  "review_comment_revisions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    commentId: integer("comment_id")
      .notNull()
      .references(() => reviewComments.id),
    body: text("body").notNull(),
    /** When this wording was replaced. */
    replacedAt: integer("replaced_at").notNull(),
  },
  (t) => [index("review_comment_revisions_comment_idx").on(t.commentId, t.id)],
);

/** `@name` mentions in a comment, resolved to team members when written. */
export const reviewCommentMentions = sqliteTable(
  "review_comment_mentions",
  {
    commentId: integer("comment_id")
      .notNull()
      .references(() => reviewComments.id),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
  },
  (t) => [
    uniqueIndex("review_comment_mentions_unique").on(t.commentId, t.userId),
    index("review_comment_mentions_user_idx").on(t.userId),
  ],
);

export const debtItems = sqliteTable(
  "debt_items",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id),
    register: text("register", { enum: REGISTERS }).notNull(),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    category: text("category").notNull(),
    /** Why it was taken on: the short-term benefit. */
    benefit: text("benefit").notNull().default(""),
    stageIncurred: text("stage_incurred", { enum: STAGES }).notNull(),
    severity: text("severity", { enum: SEVERITIES }).notNull(),
    /** Effort to repay, person-days. */
    principalDays: real("principal_days").notNull().default(0),
    /** Ongoing cost while unpaid, person-days per month. */
    interestDays: real("interest_days").notNull().default(0),
    ownerId: integer("owner_id").references(() => users.id),
    status: text("status", { enum: DEBT_STATUSES }).notNull().default("open"),
    statusNote: text("status_note"),
    acceptedJustification: text("accepted_justification"),
    acceptedReviewDate: text("accepted_review_date"),
    // Repayment plan
    strategy: text("strategy"),
    targetDate: text("target_date"),
    repayBeforeStage: text("repay_before_stage", { enum: STAGES }),
    /** Set when the item is a condition of an "approve with conditions" sign-off. */
    signOffId: integer("sign_off_id").references(() => signOffs.id),
    openedAt: integer("opened_at").notNull(),
    repaidAt: integer("repaid_at"),
    /** When its project was stopped and it was written off (reason in status_note); interest ends there. */
    writtenOffAt: integer("written_off_at"),
    createdById: integer("created_by_id")
      .notNull()
      .references(() => users.id),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    version: version(),
  },
  (t) => [
    index("debt_items_project_idx").on(t.projectId, t.register, t.status),
    index("debt_items_status_idx").on(t.status, t.targetDate),
    // /debt filtered by status and severity (the register's most common view).
    index("debt_items_status_severity_idx").on(t.status, t.severity, t.targetDate),
    index("debt_items_owner_idx").on(t.ownerId, t.status),
    index("debt_items_sign_off_idx").on(t.signOffId),
    check("debt_items_register_check", inList("register", REGISTERS)),
    check("debt_items_severity_check", inList("severity", SEVERITIES)),
    check("debt_items_status_check", inList("status", DEBT_STATUSES)),
  ],
);

export const repaymentSteps = sqliteTable(
  "repayment_steps",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    debtItemId: integer("debt_item_id")
      .notNull()
      .references(() => debtItems.id),
    position: integer("position").notNull(),
    title: text("title").notNull(),
    ownerId: integer("owner_id").references(() => users.id),
    dueDate: text("due_date"),
    doneAt: integer("done_at"),
    doneById: integer("done_by_id").references(() => users.id),
    createdAt: integer("created_at").notNull(),
    version: version(),
  },
  (t) => [
    index("repayment_steps_item_idx").on(t.debtItemId, t.position),
    index("repayment_steps_owner_idx").on(t.ownerId, t.doneAt),
  ],
);

/**
 * The audit log: append-only (database triggers refuse UPDATE and DELETE, see the
 * custom migration). `before`/`after` are JSON of the changed fields; never a password.
 */
export const activity = sqliteTable(
  "activity",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
    actorId: integer("actor_id").references(() => users.id),
    projectId: integer("project_id").references(() => projects.id),
    entityType: text("entity_type").notNull(),
    entityId: integer("entity_id"),
    action: text("action").notNull(),
    /** One human sentence: "Ada approved for business". */
    summary: text("summary").notNull(),
    before: text("before"),
    after: text("after"),
    /** "web", "api" or "cli". */
    via: text("via").notNull().default("web"),
  },
  (t) => [
    index("activity_project_idx").on(t.projectId, t.id),
    index("activity_entity_idx").on(t.entityType, t.entityId),
    index("activity_action_idx").on(t.action, t.at),
    index("activity_actor_idx").on(t.actorId, t.at),
  ],
);

export const webhooks = sqliteTable("webhooks", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  url: text("url").notNull(),
  secret: text("secret").notNull(),
  /** JSON array of event names. */
  events: text("events").notNull(),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  /** "triad": the signed JSON event; "slack": `{text}` with the deep link, for a team channel. */
  format: text("format", { enum: WEBHOOK_FORMATS }).notNull().default("triad"),
  createdById: integer("created_by_id")
    .notNull()
    .references(() => users.id),
  createdAt: integer("created_at").notNull(),
  version: version(),
});

/** Outbox: written in the same transaction as the change, sent by a background worker. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    webhookId: integer("webhook_id")
      .notNull()
      .references(() => webhooks.id),
    event: text("event").notNull(),
    payload: text("payload").notNull(),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
    deliveredAt: integer("delivered_at"),
  },
  (t) => [
    index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt),
    index("webhook_deliveries_hook_idx").on(t.webhookId, t.id),
  ],
);

/** Marks that a one-off event (such as debt.overdue) was already announced. */
export const notices = sqliteTable("notices", {
  key: text("key").primaryKey(),
  createdAt: integer("created_at").notNull(),
});

/**
 * What one person is told, in the app (the bell, /notifications). Written in the same
 * transaction as the change that caused it, never to the person who made the change.
 */
export const notifications = sqliteTable(
  "notifications",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    category: text("category", { enum: NOTIFICATION_CATEGORIES }).notNull(),
    /** One sentence: "Ada opened the gate review to Pilot of Press line 3". */
    title: text("title").notNull(),
    /** More detail, plain text (what changed, the comment...). */
    body: text("body").notNull().default(""),
    /** Path inside Triad, e.g. /projects/press-line-3/gate. */
    link: text("link").notNull(),
    projectId: integer("project_id").references(() => projects.id),
    actorId: integer("actor_id").references(() => users.id),
    createdAt: integer("created_at").notNull(),
    readAt: integer("read_at"),
    /** Set once the notification went out by e-mail (immediately or in a digest). */
    mailedAt: integer("mailed_at"),
  },
  (t) => [
    index("notifications_user_idx").on(t.userId, t.readAt, t.id),
    index("notifications_digest_idx").on(t.userId, t.mailedAt),
  ],
);

/** A person's choice per category; no row = the category's default (app/domain/notifications.ts). */
export const notificationPreferences = sqliteTable(
  "notification_preferences",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    category: text("category", { enum: NOTIFICATION_CATEGORIES }).notNull(),
    mode: text("mode", { enum: NOTIFICATION_MODES }).notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("notification_preferences_unique").on(t.userId, t.category)],
);

/**
 * E-mail outbox: written in the same transaction as the notification (or by the digest
 * pass), sent by the mail worker with retries. Without an SMTP server configured the rows
 * stay `pending` (shown on /admin/mail) until one is.
 */
export const mailOutbox = sqliteTable(
  "mail_outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    toAddress: text("to_address").notNull(),
    /** The notification it carries, or null for a digest. */
    notificationId: integer("notification_id").references(() => notifications.id),
    /** The category whose unsubscribe link the mail carries; null for a digest. */
    category: text("category", { enum: NOTIFICATION_CATEGORIES }),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html").notNull(),
    status: text("status", { enum: MAIL_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
    sentAt: integer("sent_at"),
  },
  (t) => [index("mail_outbox_due_idx").on(t.status, t.nextAttemptAt), index("mail_outbox_user_idx").on(t.userId, t.id)],
);

/** Secrets Triad makes for itself once (e.g. the key of unsubscribe links), kept across restarts. */
export const appSecrets = sqliteTable("app_secrets", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
  createdAt: integer("created_at").notNull(),
});

export const usersRelations = relations(users, ({ many }) => ({
  memberships: many(memberships),
}));
export const projectsRelations = relations(projects, ({ one, many }) => ({
  owner: one(users, { fields: [projects.ownerId], references: [users.id] }),
  memberships: many(memberships),
  requirements: many(requirements),
  gateReviews: many(gateReviews),
  debtItems: many(debtItems),
}));
export const membershipsRelations = relations(memberships, ({ one }) => ({
  project: one(projects, { fields: [memberships.projectId], references: [projects.id] }),
  user: one(users, { fields: [memberships.userId], references: [users.id] }),
}));
export const gateReviewsRelations = relations(gateReviews, ({ one, many }) => ({
  project: one(projects, { fields: [gateReviews.projectId], references: [projects.id] }),
  criteria: many(gateCriteria),
  signOffs: many(signOffs),
}));
export const gateCriteriaRelations = relations(gateCriteria, ({ one }) => ({
  review: one(gateReviews, { fields: [gateCriteria.reviewId], references: [gateReviews.id] }),
}));
export const signOffsRelations = relations(signOffs, ({ one }) => ({
  review: one(gateReviews, { fields: [signOffs.reviewId], references: [gateReviews.id] }),
}));
export const debtItemsRelations = relations(debtItems, ({ one, many }) => ({
  project: one(projects, { fields: [debtItems.projectId], references: [projects.id] }),
  steps: many(repaymentSteps),
}));
export const repaymentStepsRelations = relations(repaymentSteps, ({ one }) => ({
  item: one(debtItems, { fields: [repaymentSteps.debtItemId], references: [debtItems.id] }),
}));

export type User = typeof users.$inferSelect;
export type Project = typeof projects.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type Requirement = typeof requirements.$inferSelect;
export type GateReview = typeof gateReviews.$inferSelect;
export type GateCriterion = typeof gateCriteria.$inferSelect;
export type SignOff = typeof signOffs.$inferSelect;
export type ReviewComment = typeof reviewComments.$inferSelect;
export type Notification = typeof notifications.$inferSelect;
export type MailOutboxRow = typeof mailOutbox.$inferSelect;
export type DebtItem = typeof debtItems.$inferSelect;
export type RepaymentStep = typeof repaymentSteps.$inferSelect;
export type Activity = typeof activity.$inferSelect;
