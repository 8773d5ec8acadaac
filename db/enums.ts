/**
 * The stored values of every enumeration, with no drizzle import: the browser bundle can
 * use them (select options, badges) without pulling in the schema.
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
export const FEASIBILITIES = [
  "unassessed",
  "feasible",
  "feasible_with_conditions",
  "infeasible",
] as const;
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
