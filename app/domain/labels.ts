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

/** "Business'" / "Data science's" / "IT operations'". */
export function possessive(label: string): string {
  return label.endsWith("s") ? `${label}'` : `${label}'s`;
}
