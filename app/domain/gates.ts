/**
 * Gate rules (docs/domain.md, "Gate reviews"): the default checklist,
 * how automatic criteria and attestations are evaluated from plain facts, the state of each
 * sign-off, and the list of reasons a project may not be promoted yet. Pure: models load the
 * facts, call these functions and act on the answer.
 *
 * Words used here:
 * - Withdrawn requirements are ignored by every criterion.
 * - "Open" debt is debt with status `open` or `repaying`.
 * - A debt item "has a repayment plan" when it has a non-empty strategy AND either a target
 *   date or a "repay before" stage. Steps are welcome but not required.
 * - `feasible_with_conditions` counts as feasible: the conditions are written down.
 */
import type { Discipline, Stage } from "~/domain/vocabulary";
import { disciplineLabel, possessive, stageLabel } from "./labels";

const DISCIPLINE_ORDER: readonly Discipline[] = ["business", "data_science", "it"];

export const AUTO_RULES = [
  "measurable_requirement",
  "musts_assessed_none_infeasible",
  "team_all_disciplines",
  "open_debt_has_plan",
  "no_open_debt_due_before_pilot",
  "all_requirements_feasible",
  "no_open_debt_due_before_production",
  "open_debt_has_owner_and_target",
] as const;
export type AutoRule = (typeof AUTO_RULES)[number];

export function isAutoRule(key: string): key is AutoRule {
  return (AUTO_RULES as readonly string[]).includes(key);
}

export type CriterionDefinition = {
  key: string;
  label: string;
  kind: "auto" | "attestation";
  /** Who may tick an attestation; null = any member. Always null for automatic criteria. */
  discipline: Discipline | null;
};

export const DEFAULT_CRITERIA: Record<"pilot" | "production", CriterionDefinition[]> = {
  pilot: [
    {
      key: "measurable_requirement",
      label: "At least one requirement has a measurable target.",
      kind: "auto",
      discipline: null,
    },
    {
      key: "musts_assessed_none_infeasible",
      label: "Every must-have requirement is assessed and none is infeasible.",
      kind: "auto",
      discipline: null,
    },
    {
      key: "team_all_disciplines",
      label: "The team has members from business, data science and IT operations.",
      kind: "auto",
      discipline: null,
    },
    {
      key: "ml_engineer_on_team",
      label: "A data/ML engineer is on the team.",
      kind: "attestation",
      discipline: null,
    },
    {
      key: "data_access_quality_assessed",
      label: "Data access and data quality have been assessed.",
      kind: "attestation",
      discipline: null,
    },
    {
      key: "privacy_security_reviewed",
      label: "Privacy and security have been reviewed.",
      kind: "attestation",
      discipline: null,
    },
    {
      key: "open_debt_has_plan",
      label: "Every open debt item has a repayment plan.",
      kind: "auto",
      discipline: null,
    },
    {
      key: "no_open_debt_due_before_pilot",
      label: "No open debt item is due to be repaid before pilot.",
      kind: "auto",
      discipline: null,
    },
  ],
  production: [
    {
      key: "all_requirements_feasible",
      label: "Every requirement is feasible.",
      kind: "auto",
      discipline: null,
    },
    {
      key: "no_open_debt_due_before_production",
      label: "No open debt item is due to be repaid before production.",
      kind: "auto",
      discipline: null,
    },
    {
      key: "open_debt_has_owner_and_target",
      label: "Every open debt item has an owner and a target date.",
      kind: "auto",
      discipline: null,
    },
    {
      key: "target_environment_ready",
      label: "The target environment is defined and provides the tools the product needs.",
      kind: "attestation",
      discipline: "it",
    },
    {
      key: "monitoring_operations_owner",
      label: "Monitoring is in place and an operations owner is named.",
      kind: "attestation",
      discipline: null,
    },
    {
      key: "data_governance",
      label: "Data governance is in place: a data owner is named and data quality checks are automated.",
      kind: "attestation",
      discipline: null,
    },
  ],
};

type Priority = "must" | "should" | "could";
type Feasibility = "unassessed" | "feasible" | "feasible_with_conditions" | "infeasible";

export type GateFacts = {
  requirements: Array<{
    id: number;
    title: string;
    target: string;
    priority: Priority;
    status: "active" | "withdrawn";
    feasibility: Feasibility;
  }>;
  members: Array<{ userId: number; discipline: Discipline }>;
  debtItems: Array<{
    id: number;
    title: string;
    status: "open" | "repaying" | "repaid" | "accepted" | "written_off";
    ownerId: number | null;
    strategy: string | null;
    targetDate: string | null;
    repayBeforeStage: Stage | null;
    stepCount: number;
  }>;
};

type DebtFact = GateFacts["debtItems"][number];

export type CriterionResult = { met: boolean; detail: string };

const filled = (value: string | null | undefined) => value != null && value.trim() !== "";

const isOpen = (item: { status: string }) => item.status === "open" || item.status === "repaying";

/** Strategy, plus a target date or a "repay before" stage. */
export function hasRepaymentPlan(item: {
  strategy: string | null;
  targetDate: string | null;
  repayBeforeStage: Stage | null;
}): boolean {
  return filled(item.strategy) && (filled(item.targetDate) || item.repayBeforeStage != null);
}

/** "1 must-have requirement is" / "2 must-have requirements are". */
function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** "The one must-have is" / "Both must-haves are" / "All 3 must-haves are". */
function every(n: number, singular: string, plural: string): string {
  if (n === 1) return `The one ${singular}`;
  if (n === 2) return `Both ${plural}`;
  return `All ${n} ${plural}`;
}

const MAX_LISTED = 5;

/** `"A", "B", "C"` — at most five, then "and N more". */
function quoteList(titles: string[]): string {
  const shown = titles.slice(0, MAX_LISTED).map((t) => `"${t}"`);
  const rest = titles.length - shown.length;
  return rest > 0 ? `${shown.join(", ")} and ${rest} more` : shown.join(", ");
}

/** "Business", "Business and IT operations", "Business, Data science and IT operations". */
function andList(words: string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

const activeRequirements = (facts: GateFacts) => facts.requirements.filter((r) => r.status === "active");

function measurableRequirement(facts: GateFacts): CriterionResult {
  const measurable = activeRequirements(facts).filter((r) => filled(r.target));
  if (measurable.length === 0) {
    return {
      met: false,
      detail: "No active requirement has a measurable target yet. Business should state one.",
    };
  }
  return {
    met: true,
    detail: `${count(measurable.length, "requirement has", "requirements have")} a measurable target.`,
  };
}

function mustsAssessedNoneInfeasible(facts: GateFacts): CriterionResult {
  const musts = activeRequirements(facts).filter((r) => r.priority === "must");
  if (musts.length === 0) {
    return { met: true, detail: "There are no must-have requirements to assess." };
  }
  const unassessed = musts.filter((r) => r.feasibility === "unassessed");
  const infeasible = musts.filter((r) => r.feasibility === "infeasible");
  const problems: string[] = [];
  if (unassessed.length > 0) {
    problems.push(
      `${count(
        unassessed.length,
        "must-have requirement is",
        "must-have requirements are",
      )} not assessed: ${quoteList(unassessed.map((r) => r.title))}.`,
    );
  }
  if (infeasible.length > 0) {
    problems.push(
      `${count(
        infeasible.length,
        "must-have requirement is",
        "must-have requirements are",
      )} infeasible: ${quoteList(infeasible.map((r) => r.title))}. Revise, lower or withdraw ${
        infeasible.length === 1 ? "it" : "them"
      }.`,
    );
  }
  if (problems.length > 0) return { met: false, detail: problems.join(" ") };
  const withConditions = musts.filter((r) => r.feasibility === "feasible_with_conditions").length;
  const base = `${every(musts.length, "must-have is", "must-haves are")} assessed and feasible`;
  return {
    met: true,
    detail: withConditions > 0 ? `${base} (${withConditions} with conditions).` : `${base}.`,
  };
}

function teamAllDisciplines(facts: GateFacts): CriterionResult {
  const present = new Set(facts.members.map((m) => m.discipline));
  const missing = DISCIPLINE_ORDER.filter((d) => !present.has(d));
  if (missing.length > 0) {
    return {
      met: false,
      detail: `The team has no member from ${andList(missing.map((d) => disciplineLabel[d]))}.`,
    };
  }
  return { met: true, detail: "The team has members from all three disciplines." };
}

function missingPlanParts(item: DebtFact): string {
  const parts: string[] = [];
  if (!filled(item.strategy)) parts.push("no strategy");
  if (!filled(item.targetDate) && item.repayBeforeStage == null) {
    parts.push("no target date or stage");
  }
  return parts.join(", ");
}

function openDebtHasPlan(facts: GateFacts): CriterionResult {
  const open = facts.debtItems.filter(isOpen);
  if (open.length === 0) return { met: true, detail: "There is no open debt." };
  const without = open.filter((d) => !hasRepaymentPlan(d));
  if (without.length > 0) {
    const listed = without.slice(0, MAX_LISTED).map((d) => `"${d.title}" (${missingPlanParts(d)})`);
    const rest = without.length - listed.length;
    return {
      met: false,
      detail: `${count(
        without.length,
        "open debt item has",
        "open debt items have",
      )} no repayment plan: ${listed.join(", ")}${rest > 0 ? ` and ${rest} more` : ""}.`,
    };
  }
  return {
    met: true,
    detail: `${every(open.length, "open debt item has", "open debt items have")} a repayment plan.`,
  };
}

function allRequirementsFeasible(facts: GateFacts): CriterionResult {
  const active = activeRequirements(facts);
  if (active.length === 0) {
    return {
      met: false,
      detail: "There are no active requirements. Business should state what production must achieve.",
    };
  }
  const notFeasible = active.filter(
    (r) => r.feasibility !== "feasible" && r.feasibility !== "feasible_with_conditions",
  );
  if (notFeasible.length > 0) {
    const unassessed = notFeasible.filter((r) => r.feasibility === "unassessed");
    const infeasible = notFeasible.filter((r) => r.feasibility === "infeasible");
    const problems: string[] = [];
    if (unassessed.length > 0) {
      problems.push(
        `${count(
          unassessed.length,
          "requirement is",
          "requirements are",
        )} not assessed: ${quoteList(unassessed.map((r) => r.title))}.`,
      );
    }
    if (infeasible.length > 0) {
      problems.push(
        `${count(infeasible.length, "requirement is", "requirements are")} infeasible: ${quoteList(
          infeasible.map((r) => r.title),
        )}.`,
      );
    }
    return { met: false, detail: problems.join(" ") };
  }
  const withConditions = active.filter((r) => r.feasibility === "feasible_with_conditions").length;
  const base = `${every(active.length, "requirement is", "requirements are")} feasible`;
  return {
    met: true,
    detail: withConditions > 0 ? `${base} (${withConditions} with conditions).` : `${base}.`,
  };
}

function noOpenDebtDueBeforeProduction(facts: GateFacts): CriterionResult {
  // Every stage is production or earlier, so any open item with a "repay before" stage is
  // due now (or already late).
  const due = facts.debtItems.filter((d) => isOpen(d) && d.repayBeforeStage != null);
  if (due.length > 0) {
    const listed = due
      .slice(0, MAX_LISTED)
      .map((d) =>
        d.repayBeforeStage === "production"
          ? `"${d.title}"`
          : `"${d.title}" (due before ${stageLabel[d.repayBeforeStage!]})`,
      );
    const rest = due.length - listed.length;
    return {
      met: false,
      detail: `${count(
        due.length,
        "open debt item",
        "open debt items",
      )} must be repaid before production: ${listed.join(", ")}${rest > 0 ? ` and ${rest} more` : ""}.`,
    };
  }
  return { met: true, detail: "No open debt item is due before production." };
}

function noOpenDebtDueBeforePilot(facts: GateFacts): CriterionResult {
  const due = facts.debtItems.filter(
    (d) => isOpen(d) && (d.repayBeforeStage === "poc" || d.repayBeforeStage === "pilot"),
  );
  if (due.length > 0) {
    return {
      met: false,
      detail: `${count(due.length, "open debt item", "open debt items")} must be repaid before pilot: ${quoteList(
        due.map((d) => d.title),
      )}.`,
    };
  }
  return { met: true, detail: "No open debt item is due before pilot." };
}

function openDebtHasOwnerAndTarget(facts: GateFacts): CriterionResult {
  const open = facts.debtItems.filter(isOpen);
  if (open.length === 0) return { met: true, detail: "There is no open debt." };
  const lacking = open.filter((d) => d.ownerId == null || !filled(d.targetDate));
  if (lacking.length > 0) {
    const listed = lacking.slice(0, MAX_LISTED).map((d) => {
      const parts: string[] = [];
      if (d.ownerId == null) parts.push("no owner");
      if (!filled(d.targetDate)) parts.push("no target date");
      return `"${d.title}" (${parts.join(", ")})`;
    });
    const rest = lacking.length - listed.length;
    return {
      met: false,
      detail: `${count(
        lacking.length,
        "open debt item lacks",
        "open debt items lack",
      )} an owner or a target date: ${listed.join(", ")}${rest > 0 ? ` and ${rest} more` : ""}.`,
    };
  }
  return {
    met: true,
    detail: `${every(open.length, "open debt item has", "open debt items have")} an owner and a target date.`,
  };
}

const RULES: Record<AutoRule, (facts: GateFacts) => CriterionResult> = {
  measurable_requirement: measurableRequirement,
  musts_assessed_none_infeasible: mustsAssessedNoneInfeasible,
  team_all_disciplines: teamAllDisciplines,
  open_debt_has_plan: openDebtHasPlan,
  no_open_debt_due_before_pilot: noOpenDebtDueBeforePilot,
  all_requirements_feasible: allRequirementsFeasible,
  no_open_debt_due_before_production: noOpenDebtDueBeforeProduction,
  open_debt_has_owner_and_target: openDebtHasOwnerAndTarget,
};

export function evaluateAutoCriterion(rule: AutoRule, facts: GateFacts): CriterionResult {
  const evaluate = RULES[rule];
  if (!evaluate) {
    return {
      met: false,
      detail: `"${rule}" is not a known automatic check, so it cannot be met. An admin should fix the gate template.`,
    };
  }
  return evaluate(facts);
}

export type CriterionState = CriterionDefinition & {
  attestedByName?: string | null;
  attestedAt?: number | null;
  attestationNote?: string | null;
};

/**
 * Automatic criteria run their rule (the key is the rule name); attestations are met once
 * someone ticked them.
 */
export function evaluateCriterion(c: CriterionState, facts: GateFacts): CriterionResult {
  if (c.kind === "auto") {
    return isAutoRule(c.key)
      ? evaluateAutoCriterion(c.key, facts)
      : {
          met: false,
          detail: `"${c.key}" is not a known automatic check, so it cannot be met. An admin should fix the gate template.`,
        };
  }
  const attested = c.attestedAt != null || filled(c.attestedByName);
  if (!attested) {
    const who = c.discipline ? disciplineLabel[c.discipline] : "any team member";
    return { met: false, detail: `Not yet attested (${who}).` };
  }
  const by = filled(c.attestedByName) ? `Attested by ${c.attestedByName}` : "Attested";
  const note = filled(c.attestationNote) ? `: "${c.attestationNote!.trim()}"` : ".";
  return { met: true, detail: `${by}${note}` };
}

/** Every criterion with its result, in the given order. */
export function evaluateCriteria<C extends CriterionState>(
  criteria: C[],
  facts: GateFacts,
): Array<C & CriterionResult> {
  return criteria.map((c) => ({ ...c, ...evaluateCriterion(c, facts) }));
}

export type SignOffState = {
  discipline: Discipline;
  userId: number;
  userName: string;
  decision: "approve" | "approve_with_conditions" | "changes_requested";
  /** The fingerprint of the signer's discipline's view when they signed. */
  fingerprint: string;
  /** Set when the project owner dismissed this "changes requested". */
  dismissedAt?: number | null;
};

export type SignOffStatus =
  "approved" | "approved_with_conditions" | "changes_requested" | "dismissed" | "stale" | "invalid";

/** Each discipline's live fingerprint (app/domain/concerns.ts). */
export type Fingerprints = Record<Discipline, string>;

/**
 * What one member's current sign-off is worth now (docs/domain.md, "Sign-off rules").
 * - A "changes requested" blocks until its author renews it or the project owner dismisses
 *   it; neither staleness nor its author leaving the team lifts it.
 * - An approval counts only while its signer is a member of that discipline (`invalid`
 *   otherwise) and their discipline's concerns are unchanged since signing (`stale`).
 */
export function signOffStatus(
  s: SignOffState,
  disciplineFingerprint: string,
  members: GateFacts["members"],
): SignOffStatus {
  if (s.decision === "changes_requested") return s.dismissedAt != null ? "dismissed" : "changes_requested";
  const stillMember = members.some((m) => m.userId === s.userId && m.discipline === s.discipline);
  if (!stillMember) return "invalid";
  if (s.fingerprint !== disciplineFingerprint) return "stale";
  return s.decision === "approve" ? "approved" : "approved_with_conditions";
}

export type PanelStatus =
  "approved" | "approved_with_conditions" | "changes_requested" | "stale" | "invalid" | "missing";

export type DisciplinePanel<S extends SignOffState> = {
  discipline: Discipline;
  status: PanelStatus;
  /** Current approvals that count (fresh, by a member of the discipline). */
  approvals: number;
  required: number;
  signOffs: Array<S & { standing: SignOffStatus }>;
};

/**
 * One discipline's standing: approved when it has at least `required` counting approvals
 * and no undismissed "changes requested" from any member of the discipline.
 */
export function disciplinePanel<S extends SignOffState>(
  discipline: Discipline,
  current: S[],
  fingerprints: Fingerprints,
  members: GateFacts["members"],
  required = 1,
): DisciplinePanel<S> {
  const signOffs = current
    .filter((s) => s.discipline === discipline)
    .map((s) => ({ ...s, standing: signOffStatus(s, fingerprints[discipline], members) }));
  const counting = signOffs.filter((s) => s.standing === "approved" || s.standing === "approved_with_conditions");
  let status: PanelStatus;
  if (signOffs.some((s) => s.standing === "changes_requested")) status = "changes_requested";
  else if (counting.length >= required) {
    status = counting.some((s) => s.standing === "approved_with_conditions") ? "approved_with_conditions" : "approved";
  } else if (signOffs.some((s) => s.standing === "stale")) status = "stale";
  else if (signOffs.some((s) => s.standing === "invalid")) status = "invalid";
  else status = "missing";
  return { discipline, status, approvals: counting.length, required, signOffs };
}

export const isApproved = (status: PanelStatus) => status === "approved" || status === "approved_with_conditions";

const article = (word: string) => (/^[aeiou]/i.test(word) ? "an" : "a");
const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

const withoutFinalPeriod = (sentence: string) => sentence.replace(/\.\s*$/, "");

/**
 * Everything that stops promotion, one sentence each; empty means the project may be
 * promoted. Order: missing approvals, stale ones, changes requested, invalid signers, then
 * each unmet criterion. Stale and invalid approvals are named only while the discipline
 * still lacks approvals (a colleague's fresh approval may already be enough).
 */
export function promotionBlockers(input: {
  criteria: Array<CriterionState & CriterionResult>;
  signOffs: SignOffState[];
  fingerprints: Fingerprints;
  members: GateFacts["members"];
  requiredApprovals?: number;
}): string[] {
  const required = input.requiredApprovals ?? 1;
  const missing: string[] = [];
  const stale: string[] = [];
  const changes: string[] = [];
  const invalid: string[] = [];

  for (const discipline of DISCIPLINE_ORDER) {
    const label = disciplineLabel[discipline];
    const panel = disciplinePanel(discipline, input.signOffs, input.fingerprints, input.members, required);
    for (const s of panel.signOffs) {
      if (s.standing === "changes_requested") {
        changes.push(
          `${s.userName} requested changes for ${label}; ${s.userName} must renew the sign-off, or the project owner must dismiss the request with a reason.`,
        );
      }
    }
    if (panel.approvals >= required) continue;
    let explained = false;
    for (const s of panel.signOffs) {
      if (s.standing === "stale") {
        explained = true;
        stale.push(
          `${possessive(s.userName)} sign-off for ${label} is stale: what concerns ${label} changed after ${s.userName} signed. ${s.userName} must renew it.`,
        );
      } else if (s.standing === "invalid") {
        explained = true;
        invalid.push(
          `${possessive(s.userName)} sign-off for ${label} no longer counts: ${s.userName} is not ${article(
            label,
          )} ${label} member of the team any more. ${capitalize(article(label))} ${label} member must sign.`,
        );
      }
    }
    if (explained && required === 1) continue;
    if (explained) {
      missing.push(`${label} needs ${required} approvals; it has ${panel.approvals}.`);
      continue;
    }
    const objected = panel.signOffs.some((s) => s.standing === "changes_requested");
    if (objected && required === 1 && panel.approvals === 0) continue;
    if (panel.signOffs.length === 0) {
      missing.push(
        required === 1
          ? `${label} has not signed off.`
          : `${label} has not signed off; it needs ${required} approvals.`,
      );
    } else {
      missing.push(
        required === 1
          ? `${label} has not approved yet.`
          : `${label} needs ${required} approvals; it has ${panel.approvals}.`,
      );
    }
  }

  const unmet = input.criteria
    .filter((c) => !c.met)
    .map((c) => `Criterion not met: ${withoutFinalPeriod(c.label)} — ${c.detail}`);

  return [...missing, ...stale, ...changes, ...invalid, ...unmet];
}
