/**
 * Fingerprints: a sign-off is for what was signed (docs/domain.md).
 *
 * Since migration 0003 each discipline has its own fingerprint: the SHA-256 of its view of the
 * gate content (app/domain/concerns.ts), `disciplineFingerprint`. A sign-off stores the
 * fingerprint of its discipline's view when it was given; when that changes, it is stale.
 *
 * `gateFingerprint` below is the single whole-gate fingerprint used before 0003. It is kept
 * only so the migration's backfill can tell which older sign-offs were still current.
 * What it covered:
 * - every requirement (withdrawn ones too, so withdrawing one changes the content), with its
 *   title, description, target, priority, status, feasibility, conditions and feasibility note;
 * - attestations that are ticked (key, who, note); an unticked one counts as absent;
 * - open debt (status `open` or `repaying`) with its plan and steps; repaid and accepted
 *   items drop out.
 * Rows are sorted by id (attestations by key) and every object is rebuilt with a fixed key
 * order from the listed fields only, so row order and extra properties (updatedAt, version,
 * a project's summary...) never change the fingerprint. Nullable text is normalised so that
 * "" and null are the same thing.
 *
 * Server-only (node:crypto): import it from `.server.ts` modules.
 */
import { createHash } from "node:crypto";
import { DISCIPLINES, type Discipline } from "~/domain/vocabulary";
import { canonicalView, disciplineView, type DisciplineView, type GateContent } from "./concerns";

const sha256 = (value: string) => createHash("sha256").update(value, "utf8").digest("hex");

/** SHA-256 (hex) of one discipline's view. */
export function viewFingerprint(view: DisciplineView): string {
  return sha256(canonicalView(view));
}

/** The fingerprint of discipline `d`'s concerns in the gate content. */
export function disciplineFingerprint(d: Discipline, content: GateContent): string {
  return viewFingerprint(disciplineView(d, content));
}

/** Every discipline's view of the content, and each view's fingerprint. */
export function disciplineViews(content: GateContent): {
  views: Record<Discipline, DisciplineView>;
  fingerprints: Record<Discipline, string>;
} {
  const views = Object.fromEntries(DISCIPLINES.map((d) => [d, disciplineView(d, content)])) as Record<
    Discipline,
    DisciplineView
  >;
  const fingerprints = Object.fromEntries(DISCIPLINES.map((d) => [d, viewFingerprint(views[d])])) as Record<
    Discipline,
    string
  >;
  return { views, fingerprints };
}

export type FingerprintInput = {
  requirements: Array<{
    id: number;
    title: string;
    description: string;
    target: string;
    priority: string;
    status: string;
    feasibility: string;
    conditions: string | null;
    feasibilityNote: string | null;
  }>;
  attestations: Array<{ key: string; attestedById: number | null; note: string | null }>;
  debtItems: Array<{
    id: number;
    register: string;
    title: string;
    status: string;
    severity: string;
    ownerId: number | null;
    strategy: string | null;
    targetDate: string | null;
    repayBeforeStage: string | null;
    principalDays: number;
    interestDays: number;
    steps: Array<{
      id: number;
      title: string;
      ownerId: number | null;
      dueDate: string | null;
      done: boolean;
    }>;
  }>;
};

/** Bump when the canonical form changes on purpose (every existing sign-off becomes stale). */
export const FINGERPRINT_VERSION = 1;

const text = (value: string | null | undefined): string | null => (value == null || value === "" ? null : value);

const byId = <T extends { id: number }>(rows: T[]): T[] => [...rows].sort((a, b) => a.id - b.id);

const byKey = <T extends { key: string }>(rows: T[]): T[] =>
  [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/** The gate content as one deterministic JSON string. */
export function canonicalGateContent(input: FingerprintInput): string {
  const requirements = byId(input.requirements).map((r) => ({
    id: r.id,
    title: r.title,
    description: r.description,
    target: r.target,
    priority: r.priority,
    status: r.status,
    feasibility: r.feasibility,
    conditions: text(r.conditions),
    feasibilityNote: text(r.feasibilityNote),
  }));

  const attestations = byKey(input.attestations.filter((a) => a.attestedById != null)).map((a) => ({
    key: a.key,
    attestedById: a.attestedById,
    note: text(a.note),
  }));

  const debtItems = byId(input.debtItems.filter((d) => d.status === "open" || d.status === "repaying")).map((d) => ({
    id: d.id,
    register: d.register,
    title: d.title,
    status: d.status,
    severity: d.severity,
    ownerId: d.ownerId ?? null,
    strategy: text(d.strategy),
    targetDate: text(d.targetDate),
    repayBeforeStage: text(d.repayBeforeStage),
    principalDays: d.principalDays,
    interestDays: d.interestDays,
    steps: byId(d.steps).map((s) => ({
      id: s.id,
      title: s.title,
      ownerId: s.ownerId ?? null,
      dueDate: text(s.dueDate),
      done: Boolean(s.done),
    })),
  }));

  return JSON.stringify({ v: FINGERPRINT_VERSION, requirements, attestations, debtItems });
}

/** SHA-256 (hex) of the canonical gate content (the pre-0003 fingerprint). */
export function gateFingerprint(input: FingerprintInput): string {
  return sha256(canonicalGateContent(input));
}
