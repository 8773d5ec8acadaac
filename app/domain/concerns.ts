/**
 * What makes a sign-off stale (docs/domain.md, "What makes a sign-off stale").
 *
 * Each discipline signs for its own concerns, not for the whole gate. The concern table below
 * is the one place that says which change concerns which discipline; everything else is
 * derived from it:
 * - `disciplineView(d, content)` keeps exactly the parts of the gate content that concern
 *   discipline `d`. A sign-off stores the view it was given on (its snapshot) and a hash of it
 *   (its fingerprint, app/domain/fingerprint.ts); when the live view's hash differs, the
 *   sign-off is stale.
 * - `describeChanges(before, after)` turns two views into sentences a person can read: what
 *   changed since they signed.
 *
 * Pure and browser-safe (no hashing here).
 */
import type { Discipline, Stage } from "~/domain/vocabulary";
import { disciplineLabel, feasibilityLabel, possessive, priorityLabel, stageShortLabel } from "./labels";

export const ALL_DISCIPLINES: readonly Discipline[] = ["business", "data_science", "it"];

/** Who must look again when something changes. "own" = the discipline of the attestation. */
export type ConcernRow = {
  key: ConcernKey;
  what: string;
  disciplines: readonly Discipline[] | "own";
};

export type ConcernKey =
  | "requirement.statement"
  | "requirement.description"
  | "verdict.data_science"
  | "verdict.it"
  | "verdict.note"
  | "attestation"
  | "debt.technical"
  | "debt.organizational"
  | "debt.condition";

export const CONCERN_TABLE: readonly ConcernRow[] = [
  {
    key: "requirement.statement",
    what: "A requirement's title, measurable target or priority is added, changed or withdrawn.",
    disciplines: ALL_DISCIPLINES,
  },
  {
    key: "requirement.description",
    what: "A requirement's longer description is edited.",
    disciplines: [],
  },
  {
    key: "verdict.data_science",
    what: "Data science's feasibility verdict on a requirement, or its conditions or reason, changes.",
    disciplines: ["business", "data_science"],
  },
  {
    key: "verdict.it",
    what: "IT operations' feasibility verdict on a requirement, or its conditions or reason, changes.",
    disciplines: ["business", "it"],
  },
  {
    key: "verdict.note",
    what: "Only an assessment note changes.",
    disciplines: [],
  },
  {
    key: "attestation",
    what: "A criterion is attested, re-attested or cleared (its discipline; for a criterion any member may attest, the attester's discipline).",
    disciplines: "own",
  },
  {
    key: "debt.technical",
    what: "A technical debt item is added, its repayment plan changes, or its status changes.",
    disciplines: ["data_science", "it"],
  },
  {
    key: "debt.organizational",
    what: "An organizational debt item is added, its repayment plan changes, or its status changes.",
    disciplines: ["business", "it"],
  },
  {
    key: "debt.condition",
    what: "A condition a signer stated (a debt item created by an approval with conditions) is created or changed.",
    disciplines: [],
  },
];

const rowOf = (key: ConcernKey) => CONCERN_TABLE.find((r) => r.key === key)!;

/** Whether changes of kind `key` concern discipline `d` (for "own", the owning discipline). */
export function concerns(key: ConcernKey, d: Discipline, own?: Discipline | null): boolean {
  const who = rowOf(key).disciplines;
  return who === "own" ? own === d : who.includes(d);
}

// ---------- the gate content and each discipline's view of it ----------

export type Verdict = {
  feasibility: "unassessed" | "feasible" | "feasible_with_conditions" | "infeasible";
  conditions: string | null;
  note: string | null;
};

export type GateContent = {
  requirements: Array<{
    id: number;
    title: string;
    description: string;
    target: string;
    priority: "must" | "should" | "could";
    status: "active" | "withdrawn";
    dataScience: Verdict;
    it: Verdict;
  }>;
  attestations: Array<{
    key: string;
    label: string;
    /** The criterion's discipline; null when any member may attest. */
    discipline: Discipline | null;
    attestedById: number | null;
    /** The attester's discipline (decides "own" for criteria any member may attest). */
    attesterDiscipline: Discipline | null;
    note: string | null;
    evidenceUrl: string | null;
  }>;
  debtItems: Array<{
    id: number;
    register: "technical" | "organizational";
    title: string;
    status: "open" | "repaying" | "repaid" | "accepted" | "written_off";
    severity: string;
    ownerId: number | null;
    strategy: string | null;
    targetDate: string | null;
    repayBeforeStage: Stage | null;
    /** Set for a condition of an approval with conditions. */
    signOffId: number | null;
    steps: Array<{ id: number; title: string; dueDate: string | null }>;
  }>;
};

/** The flat rows the models (and the demo and generator) hold, as `gateContentFrom` reads them. */
export type GateContentRows = {
  requirements: Array<
    Pick<GateContent["requirements"][number], "id" | "title" | "description" | "target" | "priority" | "status"> & {
      dsFeasibility: Verdict["feasibility"];
      dsConditions: string | null;
      dsNote: string | null;
      itFeasibility: Verdict["feasibility"];
      itConditions: string | null;
      itNote: string | null;
    }
  >;
  criteria: Array<Omit<GateContent["attestations"][number], "note"> & { kind: string; attestationNote: string | null }>;
  debtItems: Array<Omit<GateContent["debtItems"][number], "status"> & { status: string }>;
};

/** The gate content from flat rows: the one mapping every writer of sign-offs shares. */
export function gateContentFrom(rows: GateContentRows): GateContent {
  return {
    requirements: rows.requirements.map((r) => ({
      id: r.id,
      title: r.title,
      description: r.description,
      target: r.target,
      priority: r.priority,
      status: r.status,
      dataScience: { feasibility: r.dsFeasibility, conditions: r.dsConditions, note: r.dsNote },
      it: { feasibility: r.itFeasibility, conditions: r.itConditions, note: r.itNote },
    })),
    attestations: rows.criteria
      .filter((c) => c.kind === "attestation")
      .map((c) => ({
        key: c.key,
        label: c.label,
        discipline: c.discipline,
        attestedById: c.attestedById,
        attesterDiscipline: c.attesterDiscipline ?? null,
        note: c.attestationNote,
        evidenceUrl: c.evidenceUrl,
      })),
    debtItems: rows.debtItems
      .filter((d) => isOpenDebt(d.status))
      .map((d) => ({
        id: d.id,
        register: d.register,
        title: d.title,
        status: d.status as "open" | "repaying",
        severity: d.severity,
        ownerId: d.ownerId,
        strategy: d.strategy,
        targetDate: d.targetDate,
        repayBeforeStage: d.repayBeforeStage,
        signOffId: d.signOffId,
        steps: d.steps.map((step) => ({ id: step.id, title: step.title, dueDate: step.dueDate })),
      })),
  };
}

export type ViewVerdict = { feasibility: Verdict["feasibility"]; conditions: string | null };

export type DisciplineView = {
  requirements: Array<{
    id: number;
    title: string;
    target: string;
    priority: "must" | "should" | "could";
    status: "active" | "withdrawn";
    dataScience?: ViewVerdict;
    it?: ViewVerdict;
  }>;
  attestations: Array<{
    key: string;
    label: string;
    attestedById: number;
    note: string | null;
    evidenceUrl: string | null;
  }>;
  debtItems: Array<{
    id: number;
    register: "technical" | "organizational";
    title: string;
    status: "open" | "repaying";
    severity: string;
    ownerId: number | null;
    strategy: string | null;
    targetDate: string | null;
    repayBeforeStage: Stage | null;
    steps: Array<{ id: number; title: string; dueDate: string | null }>;
  }>;
};

const text = (value: string | null | undefined): string | null => (value == null || value.trim() === "" ? null : value);

const byId = <T extends { id: number }>(rows: T[]): T[] => [...rows].sort((a, b) => a.id - b.id);
const byKey = <T extends { key: string }>(rows: T[]): T[] =>
  [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

const isOpenDebt = (status: string): status is "open" | "repaying" => status === "open" || status === "repaying";

/**
 * The parts of the gate content that concern discipline `d`, rebuilt with a fixed key order
 * from the listed fields only, sorted by id (attestations by key): row order and unrelated
 * fields never change it. Withdrawn requirements stay in the view (withdrawing one is a
 * change), without verdicts; repaid and accepted debt drops out (that is a status change).
 */
export function disciplineView(d: Discipline, content: GateContent): DisciplineView {
  const requirements = byId(content.requirements).map((r) => {
    const row: DisciplineView["requirements"][number] = {
      id: r.id,
      title: r.title,
      target: r.target,
      priority: r.priority,
      status: r.status,
    };
    if (r.status === "active" && concerns("verdict.data_science", d)) {
      row.dataScience = { feasibility: r.dataScience.feasibility, conditions: text(r.dataScience.conditions) };
    }
    if (r.status === "active" && concerns("verdict.it", d)) {
      row.it = { feasibility: r.it.feasibility, conditions: text(r.it.conditions) };
    }
    return row;
  });
  const attestations = byKey(
    content.attestations.filter(
      (a) => a.attestedById != null && concerns("attestation", d, a.discipline ?? a.attesterDiscipline),
    ),
  ).map((a) => ({
    key: a.key,
    label: a.label,
    attestedById: a.attestedById!,
    note: text(a.note),
    evidenceUrl: text(a.evidenceUrl),
  }));
  const debtItems = byId(
    content.debtItems.filter(
      (item) =>
        isOpenDebt(item.status) &&
        (item.signOffId != null ? concerns("debt.condition", d) : concerns(`debt.${item.register}`, d)),
    ),
  ).map((item) => ({
    id: item.id,
    register: item.register,
    title: item.title,
    status: item.status as "open" | "repaying",
    severity: item.severity,
    ownerId: item.ownerId ?? null,
    strategy: text(item.strategy),
    targetDate: text(item.targetDate),
    repayBeforeStage: item.repayBeforeStage ?? null,
    steps: byId(item.steps).map((s) => ({ id: s.id, title: s.title, dueDate: text(s.dueDate) })),
  }));
  return { requirements, attestations, debtItems };
}

/** The view as one deterministic string (what the fingerprint hashes and the snapshot stores). */
export function canonicalView(view: DisciplineView): string {
  return JSON.stringify(view);
}

// ---------- what changed since a sign-off ----------

const quote = (value: string | null) => (value == null ? "nothing" : `“${value}”`);

function verdictWords(
  discipline: "data_science" | "it",
  before: ViewVerdict | undefined,
  after: ViewVerdict | undefined,
  title: string,
): string[] {
  if (!before || !after) return [];
  const who = possessive(disciplineLabel[discipline]);
  const lines: string[] = [];
  if (before.feasibility !== after.feasibility) {
    lines.push(
      `${who} verdict on “${title}” changed from ${feasibilityLabel[before.feasibility].toLowerCase()} to ${feasibilityLabel[after.feasibility].toLowerCase()}.`,
    );
  } else if (before.conditions !== after.conditions) {
    lines.push(
      `${who} conditions for “${title}” changed from ${quote(before.conditions)} to ${quote(after.conditions)}.`,
    );
  }
  return lines;
}

function planChanges(
  before: DisciplineView["debtItems"][number],
  after: DisciplineView["debtItems"][number],
): string[] {
  const parts: string[] = [];
  if (before.title !== after.title) parts.push(`renamed from “${before.title}”`);
  if (before.status !== after.status) parts.push(`status ${before.status} → ${after.status}`);
  if (before.severity !== after.severity) parts.push(`severity ${before.severity} → ${after.severity}`);
  if (before.ownerId !== after.ownerId) parts.push("owner changed");
  if (before.strategy !== after.strategy) parts.push("strategy changed");
  if (before.targetDate !== after.targetDate)
    parts.push(`target date ${before.targetDate ?? "none"} → ${after.targetDate ?? "none"}`);
  if (before.repayBeforeStage !== after.repayBeforeStage) {
    const stage = (s: Stage | null) => (s ? stageShortLabel[s] : "none");
    parts.push(`repay before ${stage(before.repayBeforeStage)} → ${stage(after.repayBeforeStage)}`);
  }
  if (JSON.stringify(before.steps) !== JSON.stringify(after.steps)) parts.push("repayment steps changed");
  return parts;
}

/**
 * What changed between the view a sign-off was given on and the live view, one sentence per
 * change, in the order requirements, attestations, debt. Empty when the views are equal.
 */
export function describeChanges(before: DisciplineView, after: DisciplineView): string[] {
  const lines: string[] = [];
  const beforeReqs = new Map(before.requirements.map((r) => [r.id, r]));
  for (const r of after.requirements) {
    const old = beforeReqs.get(r.id);
    if (!old) {
      lines.push(
        r.status === "withdrawn"
          ? `Requirement “${r.title}” was added and withdrawn.`
          : `Requirement “${r.title}” was added (${priorityLabel[r.priority]}: ${r.target}).`,
      );
      continue;
    }
    beforeReqs.delete(r.id);
    if (old.status !== r.status) {
      lines.push(
        r.status === "withdrawn"
          ? `Requirement “${r.title}” was withdrawn.`
          : `Requirement “${r.title}” was reinstated.`,
      );
      continue;
    }
    if (old.title !== r.title) lines.push(`Requirement “${old.title}” was renamed “${r.title}”.`);
    if (old.target !== r.target)
      lines.push(`The target of “${r.title}” changed from “${old.target}” to “${r.target}”.`);
    if (old.priority !== r.priority) {
      lines.push(
        `The priority of “${r.title}” changed from ${priorityLabel[old.priority]} to ${priorityLabel[r.priority]}.`,
      );
    }
    lines.push(...verdictWords("data_science", old.dataScience, r.dataScience, r.title));
    lines.push(...verdictWords("it", old.it, r.it, r.title));
  }
  for (const gone of beforeReqs.values()) lines.push(`Requirement “${gone.title}” is no longer part of the project.`);

  const beforeAtt = new Map(before.attestations.map((a) => [a.key, a]));
  for (const a of after.attestations) {
    const old = beforeAtt.get(a.key);
    beforeAtt.delete(a.key);
    if (!old) lines.push(`“${a.label}” was attested.`);
    else if (old.attestedById !== a.attestedById || old.note !== a.note || old.evidenceUrl !== a.evidenceUrl) {
      lines.push(`The attestation of “${a.label}” was changed.`);
    }
  }
  for (const gone of beforeAtt.values()) lines.push(`The attestation of “${gone.label}” was cleared.`);

  const beforeDebt = new Map(before.debtItems.map((item) => [item.id, item]));
  for (const item of after.debtItems) {
    const old = beforeDebt.get(item.id);
    beforeDebt.delete(item.id);
    if (!old) {
      lines.push(`Debt item “${item.title}” (${item.register}) was added.`);
      continue;
    }
    const parts = planChanges(old, item);
    if (parts.length) lines.push(`Debt item “${item.title}”: ${parts.join(", ")}.`);
  }
  for (const gone of beforeDebt.values())
    lines.push(`Debt item “${gone.title}” is no longer open (repaid, accepted or written off).`);
  return lines;
}
