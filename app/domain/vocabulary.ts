/**
 * Triad's vocabulary: the stored values of every enumeration and the types named after them.
 * It lives in the domain layer (docs/architecture.md): `db/schema.ts` builds its columns and
 * CHECK constraints from these lists, never the reverse, and the browser bundle can use them
 * (select options, badges) without pulling in the schema.
 */
export const DISCIPLINES = ["business", "data_science", "it"] as const;
export const ROLES = ["admin", "member"] as const;
export const STAGES = ["poc", "pilot", "production"] as const;
export const PROJECT_STATES = ["active", "on_hold", "stopped", "retired"] as const;
export const STOP_CAUSES = [
  "data_access_quality",
  "privacy_security",
  "too_few_engineers",
  "organisational_gap",
  "technology_landscape",
  "other",
] as const;
export const PRIORITIES = ["must", "should", "could"] as const;
export const FEASIBILITIES = ["unassessed", "feasible", "feasible_with_conditions", "infeasible"] as const;
export const REQUIREMENT_STATUSES = ["active", "withdrawn"] as const;
export const REVIEW_STATUSES = ["open", "promoted", "withdrawn"] as const;
export const CRITERION_KINDS = ["auto", "attestation"] as const;
export const DECISIONS = ["approve", "approve_with_conditions", "changes_requested"] as const;
export const SIGNOFF_STATUSES = ["current", "superseded", "withdrawn"] as const;
export const REGISTERS = ["technical", "organizational"] as const;
export const SEVERITIES = ["low", "medium", "high", "critical"] as const;
/** written_off: left behind when its project stopped (docs/domain.md, "Stopping and reopening a project"); terminal. */
export const DEBT_STATUSES = ["open", "repaying", "repaid", "accepted", "written_off"] as const;
export const DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;

/**
 * What a person can be told about (docs/domain.md, "Notifications"); each has its own
 * preference (immediately, daily digest, in the app only) and its own unsubscribe link.
 */
export const NOTIFICATION_CATEGORIES = [
  "review_opened",
  "signoff_stale",
  "changes_requested",
  "changes_dismissed",
  "comment",
  "mention",
  "verdict_needed",
  "project_changed",
  "debt_assigned",
  "debt_due",
  "review_reminder",
  "escalation",
] as const;
export const NOTIFICATION_MODES = ["immediate", "digest", "in_app"] as const;
export const MAIL_STATUSES = ["pending", "sent", "failed"] as const;
export const WEBHOOK_FORMATS = ["triad", "slack"] as const;

export type Discipline = (typeof DISCIPLINES)[number];
export type Role = (typeof ROLES)[number];
export type Stage = (typeof STAGES)[number];
export type ProjectState = (typeof PROJECT_STATES)[number];
export type StopCause = (typeof STOP_CAUSES)[number];
export type Priority = (typeof PRIORITIES)[number];
export type Feasibility = (typeof FEASIBILITIES)[number];
export type Register = (typeof REGISTERS)[number];
export type Severity = (typeof SEVERITIES)[number];
export type DebtStatus = (typeof DEBT_STATUSES)[number];
export type Decision = (typeof DECISIONS)[number];
export type NotificationCategory = (typeof NOTIFICATION_CATEGORIES)[number];
export type NotificationMode = (typeof NOTIFICATION_MODES)[number];
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** The events a webhook can subscribe to: gate decisions and debt (docs/domain.md, "Webhooks"). */
export const WEBHOOK_EVENTS = [
  "gate.review_opened",
  "gate.signoff",
  "project.promoted",
  "debt.created",
  "debt.overdue",
  "debt.repaid",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** What each event means, for the admin page and the OpenAPI description. */
export const webhookEventDescription: Record<WebhookEvent, string> = {
  "gate.review_opened": "A gate review was opened for a project.",
  "gate.signoff": "A discipline signed off (approve, approve with conditions, or changes requested).",
  "project.promoted": "A project passed its gate and moved to the next stage.",
  "debt.created": "A debt item was logged (also a condition of a sign-off).",
  "debt.overdue": "A debt item went past its target date or a step's due date (announced once per item).",
  "debt.repaid": "A debt item was repaid.",
};
