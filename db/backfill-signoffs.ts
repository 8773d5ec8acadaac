/**
 * Data step of migration 0003 (per-discipline sign-offs), run after the SQL migrations.
 *
 * Before 0003 a sign-off stored one fingerprint of the whole gate. Afterwards it stores its
 * discipline's view of the gate and that view's fingerprint (docs/domain.md, "What makes a
 * sign-off stale"). For every current sign-off of an open review that has no view yet:
 * - if its old fingerprint still matched the gate (it counted before the upgrade), it gets
 *   today's view of its discipline, so it keeps counting;
 * - if it was already stale, it stays stale: its fingerprint is marked `legacy-stale:` and it
 *   keeps no view (the page says it predates per-discipline snapshots).
 * Closed reviews keep their closing snapshots untouched. Idempotent: a second run finds nothing.
 *
 * Raw SQL and the pure domain functions only, so db/ does not depend on the models.
 */
import { canonicalView, disciplineView, type GateContent } from "../app/domain/concerns";
import { gateFingerprint, viewFingerprint, type FingerprintInput } from "../app/domain/fingerprint";
import type { Db } from "./client.server";
import type { Discipline } from "../app/domain/vocabulary";

type Row = Record<string, unknown>;

export const LEGACY_STALE_PREFIX = "legacy-stale:";

export function backfillSignOffViews(database: Db): number {
  const sqlite = database.$client;
  const pending = sqlite
    .prepare(
      `select s.id, s.review_id as reviewId, s.discipline, s.fingerprint, r.project_id as projectId
       from sign_offs s join gate_reviews r on r.id = s.review_id
       where s.status = 'current' and s.snapshot is null and r.status = 'open'
         and s.fingerprint not like '${LEGACY_STALE_PREFIX}%'`,
    )
    .all() as Array<{ id: number; reviewId: number; discipline: Discipline; fingerprint: string; projectId: number }>;
  if (!pending.length) return 0;
  const update = sqlite.prepare("update sign_offs set fingerprint = ?, snapshot = ? where id = ?");
  const byReview = new Map<number, typeof pending>();
  for (const s of pending) byReview.set(s.reviewId, [...(byReview.get(s.reviewId) ?? []), s]);
  sqlite.transaction(() => {
    for (const [reviewId, signOffs] of byReview) {
      const { legacy, content } = loadContent(database, reviewId, signOffs[0].projectId);
      const oldFingerprint = gateFingerprint(legacy);
      for (const s of signOffs) {
        if (s.fingerprint === oldFingerprint) {
          const view = disciplineView(s.discipline, content);
          update.run(viewFingerprint(view), canonicalView(view), s.id);
        } else {
          update.run(`${LEGACY_STALE_PREFIX}${s.fingerprint}`, null, s.id);
        }
      }
    }
  })();
  return pending.length;
}

function loadContent(
  database: Db,
  reviewId: number,
  projectId: number,
): { legacy: FingerprintInput; content: GateContent } {
  const sqlite = database.$client;
  const reqs = sqlite
    .prepare(
      `select id, title, description, target, priority, status, feasibility_note, conditions,
         ds_feasibility, ds_conditions, ds_note, it_feasibility, it_conditions, it_note
       from requirements where project_id = ? order by id`,
    )
    .all(projectId) as Row[];
  const criteria = sqlite
    .prepare(
      `select c.key, c.label, c.kind, c.discipline, c.attested_by_id, c.attestation_note, c.evidence_url,
         c.attester_discipline
       from gate_criteria c where c.review_id = ?`,
    )
    .all(reviewId) as Row[];
  const items = sqlite
    .prepare(
      `select id, register, title, status, severity, owner_id, strategy, target_date, repay_before_stage,
         principal_days, interest_days, sign_off_id
       from debt_items where project_id = ? and status in ('open', 'repaying') order by id`,
    )
    .all(projectId) as Row[];
  const steps = sqlite
    .prepare(
      `select s.id, s.debt_item_id, s.title, s.owner_id, s.due_date, s.done_at from repayment_steps s
       join debt_items d on d.id = s.debt_item_id
       where d.project_id = ? and d.status in ('open', 'repaying') order by s.id`,
    )
    .all(projectId) as Row[];
  const stepsOf = (itemId: unknown) => steps.filter((s) => s.debt_item_id === itemId);
  const str = (v: unknown) => (v == null ? null : String(v));
  // Before 0003 a requirement had one verdict; the migration copied it to the assessor's discipline.
  const legacyFeasibility = (r: Row) =>
    (r.ds_feasibility !== "unassessed" ? r.ds_feasibility : r.it_feasibility) as string;
  const legacy: FingerprintInput = {
    requirements: reqs.map((r) => ({
      id: r.id as number,
      title: String(r.title),
      description: String(r.description),
      target: String(r.target),
      priority: String(r.priority),
      status: String(r.status),
      feasibility: legacyFeasibility(r),
      conditions: str(r.conditions),
      feasibilityNote: str(r.feasibility_note),
    })),
    attestations: criteria
      .filter((c) => c.kind === "attestation")
      .map((c) => ({
        key: String(c.key),
        attestedById: (c.attested_by_id as number | null) ?? null,
        note: str(c.attestation_note),
      })),
    debtItems: items.map((d) => ({
      id: d.id as number,
      register: String(d.register),
      title: String(d.title),
      status: String(d.status),
      severity: String(d.severity),
      ownerId: (d.owner_id as number | null) ?? null,
      strategy: str(d.strategy),
      targetDate: str(d.target_date),
      repayBeforeStage: str(d.repay_before_stage),
      principalDays: d.principal_days as number,
      interestDays: d.interest_days as number,
      steps: stepsOf(d.id).map((s) => ({
        id: s.id as number,
        title: String(s.title),
        ownerId: (s.owner_id as number | null) ?? null,
        dueDate: str(s.due_date),
        done: s.done_at != null,
      })),
    })),
  };
  const content: GateContent = {
    requirements: reqs.map((r) => ({
      id: r.id as number,
      title: String(r.title),
      description: String(r.description),
      target: String(r.target),
      priority: r.priority as GateContent["requirements"][number]["priority"],
      status: r.status as "active" | "withdrawn",
      dataScience: { feasibility: r.ds_feasibility as never, conditions: str(r.ds_conditions), note: str(r.ds_note) },
      it: { feasibility: r.it_feasibility as never, conditions: str(r.it_conditions), note: str(r.it_note) },
    })),
    attestations: criteria
      .filter((c) => c.kind === "attestation")
      .map((c) => ({
        key: String(c.key),
        label: String(c.label),
        discipline: (c.discipline as Discipline | null) ?? null,
        attestedById: (c.attested_by_id as number | null) ?? null,
        attesterDiscipline: (c.attester_discipline as Discipline | null) ?? null,
        note: str(c.attestation_note),
        evidenceUrl: str(c.evidence_url),
      })),
    debtItems: items.map((d) => ({
      id: d.id as number,
      register: d.register as "technical" | "organizational",
      title: String(d.title),
      status: d.status as "open" | "repaying",
      severity: String(d.severity),
      ownerId: (d.owner_id as number | null) ?? null,
      strategy: str(d.strategy),
      targetDate: str(d.target_date),
      repayBeforeStage: (d.repay_before_stage as never) ?? null,
      signOffId: (d.sign_off_id as number | null) ?? null,
      steps: stepsOf(d.id).map((s) => ({ id: s.id as number, title: String(s.title), dueDate: str(s.due_date) })),
    })),
  };
  return { legacy, content };
}
