/** The words the UI, CSV and API use for each stored value: one place, so they never drift. */
import type {
  DEBT_STATUSES,
  DECISIONS,
  DISCIPLINES,
  FEASIBILITIES,
  PRIORITIES,
  PROJECT_STATES,
  REGISTERS,
  SEVERITIES,
  STAGES,
  STOP_CAUSES,
} from "~/domain/vocabulary";

type Labels<T extends readonly string[]> = Record<T[number], string>;

export const disciplineLabel: Labels<typeof DISCIPLINES> = {
  business: "Business",
  data_science: "Data science",
  it: "IT operations",
};

export const stageLabel: Labels<typeof STAGES> = {
  poc: "Proof of concept",
  pilot: "Pilot",
  production: "Production",
};

export const stageShortLabel: Labels<typeof STAGES> = {
  poc: "PoC",
  pilot: "Pilot",
  production: "Production",
};

export const projectStateLabel: Labels<typeof PROJECT_STATES> = {
  active: "Active",
  on_hold: "On hold",
  stopped: "Stopped",
  retired: "Retired",
};

export const stopCauseLabel: Labels<typeof STOP_CAUSES> = {
  data_access_quality: "Data access or quality",
  privacy_security: "Privacy or security",
  too_few_engineers: "Too few engineers",
  organisational_gap: "Organisational gap",
  technology_landscape: "Technology landscape",
  other: "Other",
};

export const priorityLabel: Labels<typeof PRIORITIES> = {
  must: "Must",
  should: "Should",
  could: "Could",
};

export const feasibilityLabel: Labels<typeof FEASIBILITIES> = {
  unassessed: "Not assessed",
  feasible: "Feasible",
  feasible_with_conditions: "Feasible with conditions",
  infeasible: "Infeasible",
};

export const decisionLabel: Labels<typeof DECISIONS> = {
  approve: "Approved",
  approve_with_conditions: "Approved with conditions",
  changes_requested: "Changes requested",
};

export const registerLabel: Labels<typeof REGISTERS> = {
  technical: "Technical",
  organizational: "Organizational",
};

export const severityLabel: Labels<typeof SEVERITIES> = {
  low: "Low",
  medium: "Medium",
  high: "High",
  critical: "Critical",
};

export const debtStatusLabel: Labels<typeof DEBT_STATUSES> = {
  open: "Open",
  repaying: "Repaying",
  repaid: "Repaid",
  accepted: "Accepted",
  written_off: "Written off",
};

/** What happens to a stopped project's open debt (docs/domain.md, "Stopping and reopening a project"). */
export const openDebtChoiceLabel = {
  write_off: "Write it off",
  keep: "Keep it open",
} as const;

export const roleLabel = { admin: "Admin", member: "Member" } as const;

/**
 * How each audit-log action reads in the admins' log (/admin/activity) and its CSV. An action
 * not listed here (a newer one) reads as its entity and verb: "debt.step_moved" is
 * "Debt: step moved" (activityActionLabel below).
 */
const ACTION_LABELS: Record<string, string> = {
  "session.signed_in": "Signed in",
  "session.sign_in_failed": "Failed sign-in",
  "session.signed_out": "Signed out",
  "user.setup": "First admin set up",
  "user.created": "Person added",
  "user.access_changed": "Person's discipline or role changed",
  "user.deactivated": "Person deactivated",
  "user.reactivated": "Person reactivated",
  "user.renamed": "Person renamed",
  "user.password_changed": "Password changed",
  "token.created": "API token created",
  "token.revoked": "API token revoked",
  "webhook.created": "Webhook added",
  "webhook.updated": "Webhook edited",
  "webhook.deactivated": "Webhook deactivated",
  "webhook.reactivated": "Webhook reactivated",
  "webhook.secret_rotated": "Webhook secret rotated",
  "webhook.test_sent": "Webhook test event sent",
  "webhook.redelivered": "Webhook delivery sent again",
  "mail.retried": "Mail sent again",
  "notification_preferences.updated": "Notification settings changed",
  "notification.unsubscribed": "Unsubscribed from e-mails",
  "template.seeded": "Gate checklist seeded",
  "template.added": "Gate criterion added",
  "template.updated": "Gate criterion edited",
  "template.moved": "Gate criterion moved",
  "template.activated": "Gate criterion restored",
  "template.deactivated": "Gate criterion retired",
  "gate_policy.updated": "Gate approvals or timings changed",
  "project.created": "Project created",
  "project.updated": "Project edited",
  "project.stage_changed": "Project promoted",
  "project.state_changed": "Project state changed",
  "project.reopened": "Project reopened",
  "member.added": "Team member added",
  "member.removed": "Team member removed",
  "member.discipline_changed": "Team member's seat changed",
  "requirement.created": "Requirement added",
  "requirement.updated": "Requirement edited",
  "requirement.assessed": "Requirement assessed",
  "requirement.withdrawn": "Requirement withdrawn",
  "gate.review_opened": "Gate review opened",
  "gate.review_withdrawn": "Gate review withdrawn",
  "gate.signed_off": "Signed off",
  "gate.changes_request_dismissed": "Request for changes dismissed",
  "gate.attested": "Gate criterion attested",
  "gate.attestation_cleared": "Gate attestation cleared",
  "gate.commented": "Review comment",
  "gate.comment_edited": "Review comment edited",
  "debt.created": "Debt item logged",
  "debt.updated": "Debt item edited",
  "debt.plan_updated": "Repayment plan changed",
  "debt.status_changed": "Debt status changed",
  "debt.written_off": "Debt item written off",
  "debt.step_added": "Repayment step added",
  "debt.step_updated": "Repayment step edited",
  "debt.step_done": "Repayment step done",
  "debt.step_undone": "Repayment step reopened",
  "debt.step_moved": "Repayment step moved",
  "debt.step_removed": "Repayment step removed",
};

/** "Signed in" for "session.signed_in"; "Gate policy: updated" for an unlisted "gate_policy.updated". */
export function activityActionLabel(action: string): string {
  const known = Object.hasOwn(ACTION_LABELS, action) ? ACTION_LABELS[action] : undefined;
  if (known) return known;
  const [entity, ...rest] = action.split(".");
  const words = (text: string) => text.replace(/_/g, " ");
  const head = words(entity);
  const capitalised = head.charAt(0).toUpperCase() + head.slice(1);
  return rest.length ? `${capitalised}: ${words(rest.join("."))}` : capitalised;
}

/** "Business'" / "Data science's" / "IT operations'". */
export function possessive(label: string): string {
  return label.endsWith("s") ? `${label}'` : `${label}'s`;
}
