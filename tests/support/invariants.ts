/**
 * What must hold of any Triad database, whoever wrote it: the models, the demo replaying its
 * story through them (app/demo/), or the scale generator writing rows in bulk
 * (bench/generate.ts). Each rule comes from docs/domain.md or from what the models write;
 * `checkInvariants` returns one sentence per broken rule and row (at most a few per rule), so a
 * test can `expect(checkInvariants()).toEqual([])` and read what drifted.
 *
 * Read-only, plain SQL plus the pure domain rules (app/domain/), so it judges the rows, not the
 * models that wrote them.
 */
import { db, type Db } from "../../db/client.server";
import { combinedFeasibility } from "~/domain/feasibility";
import { viewFingerprint } from "~/domain/fingerprint";
import { nextStage, stageIndex } from "~/domain/stages";
import type { DisciplineView } from "~/domain/concerns";
import type { Stage } from "~/domain/vocabulary";

/** At most this many examples per rule: enough to see the pattern, not a flood. */
const EXAMPLES = 5;

type Row = Record<string, unknown>;

export function checkInvariants(database: Db = db): string[] {
  const sqlite = database.$client;
  const all = <T = Row>(sql: string, ...params: unknown[]) => sqlite.prepare(sql).all(...params) as T[];
  const problems: string[] = [];
  /** Records up to EXAMPLES sentences for one rule, then how many more there were. */
  const rule = (name: string, offenders: string[]) => {
    for (const o of offenders.slice(0, EXAMPLES)) problems.push(`${name}: ${o}`);
    if (offenders.length > EXAMPLES) problems.push(`${name}: and ${offenders.length - EXAMPLES} more`);
  };
  /** The rows a query returns are the offenders; `say` words each. */
  const none = (name: string, sql: string, say: (row: Row) => string) => rule(name, all(sql).map(say));

  // ---------- people and teams (docs/domain.md, "Who may sign") ----------

  none(
    "A team seat is its person's own discipline",
    `select m.project_id, m.user_id, m.discipline as seat, u.discipline as profile
       from memberships m join users u on u.id = m.user_id where m.discipline <> u.discipline`,
    (r) => `user ${r.user_id} sits on project ${r.project_id} as ${r.seat}, their profile says ${r.profile}`,
  );
  none(
    "Every project's owner is on its team",
    `select p.id, p.owner_id from projects p
       where not exists (select 1 from memberships m where m.project_id = p.id and m.user_id = p.owner_id)`,
    (r) => `project ${r.id}'s owner ${r.owner_id} is not a member`,
  );

  // ---------- projects: states and the stage history ----------

  none(
    "A project's state and its closing fields agree",
    `select id, state, stage, stop_cause, stop_note, closed_at from projects where
       (state = 'stopped' and (stop_cause is null or stop_note is null or closed_at is null))
       or (state = 'retired' and (stage <> 'production' or closed_at is null or stop_cause is not null))
       or (state in ('active', 'on_hold') and (closed_at is not null or stop_cause is not null or stop_note is not null))`,
    (r) => `project ${r.id} is ${r.state} (${r.stage}) with stop cause ${r.stop_cause} and closed_at ${r.closed_at}`,
  );

  const projects = all<{ id: number; stage: Stage; state: string; created_at: number; stage_entered_at: number }>(
    "select id, stage, state, created_at, stage_entered_at from projects order by id",
  );
  const promotedByProject = new Map<
    number,
    { id: number; from_stage: Stage; target_stage: Stage; closed_at: number }[]
  >();
  for (const r of all<{ id: number; project_id: number; from_stage: Stage; target_stage: Stage; closed_at: number }>(
    "select id, project_id, from_stage, target_stage, closed_at from gate_reviews where status = 'promoted' order by closed_at, id",
  )) {
    promotedByProject.set(r.project_id, [...(promotedByProject.get(r.project_id) ?? []), r]);
  }
  const stageRows = new Map<number, { at: number; after: string | null }[]>();
  for (const r of all<{ project_id: number; at: number; after: string | null }>(
    "select project_id, at, after from activity where action = 'project.stage_changed' and entity_type = 'project' order by at, id",
  )) {
    stageRows.set(r.project_id, [...(stageRows.get(r.project_id) ?? []), r]);
  }
  const created = new Map(
    all<{ project_id: number; n: number; at: number }>(
      "select project_id, count(*) as n, min(at) as at from activity where action = 'project.created' group by project_id",
    ).map((r) => [r.project_id, r]),
  );
  const history: string[] = [];
  const createdRows: string[] = [];
  for (const p of projects) {
    // Promoted reviews, in order, walk the project from PoC to its stage one gate at a time.
    const promoted = promotedByProject.get(p.id) ?? [];
    let stage: Stage = "poc";
    let enteredAt = p.created_at;
    for (const review of promoted) {
      if (review.from_stage !== stage || review.target_stage !== nextStage(stage)) {
        history.push(
          `project ${p.id}: review ${review.id} promoted ${review.from_stage} → ${review.target_stage} while in ${stage}`,
        );
      }
      stage = review.target_stage;
      enteredAt = review.closed_at;
    }
    if (stage !== p.stage) history.push(`project ${p.id} is in ${p.stage} but its promoted reviews lead to ${stage}`);
    if (enteredAt !== p.stage_entered_at) {
      history.push(`project ${p.id} entered its stage at ${p.stage_entered_at}, its last promotion says ${enteredAt}`);
    }
    // The audit log tells the same history (the dashboard reads stages from it).
    const logged = (stageRows.get(p.id) ?? []).map(
      (r) => JSON.parse(r.after ?? "{}") as { stage?: Stage; reviewId?: number },
    );
    const expected = promoted.map((r) => `${r.target_stage}#${r.id}`).join(" ");
    const found = logged.map((a) => `${a.stage}#${a.reviewId}`).join(" ");
    if (expected !== found) history.push(`project ${p.id}'s log has promotions [${found}], its reviews [${expected}]`);
    const row = created.get(p.id);
    if (!row || row.n !== 1 || row.at !== p.created_at) {
      createdRows.push(
        `project ${p.id} has ${row?.n ?? 0} "project.created" rows (at ${row?.at}, created ${p.created_at})`,
      );
    }
  }
  rule("The stage history follows the promoted gate reviews", history);
  rule("Every project has one creation row in the audit log, at its creation", createdRows);

  // ---------- gate reviews (docs/domain.md, "Gate reviews") ----------

  none(
    "A project has at most one open gate review",
    "select project_id, count(*) as n from gate_reviews where status = 'open' group by project_id having n > 1",
    (r) => `project ${r.project_id} has ${r.n} open reviews`,
  );
  none(
    "An open review is for the project's next gate, and only while the project may still be promoted",
    `select g.id, g.project_id, g.from_stage, g.target_stage, p.stage, p.state from gate_reviews g
       join projects p on p.id = g.project_id where g.status = 'open'
       and (g.from_stage <> p.stage or p.state in ('stopped', 'retired'))`,
    (r) => `review ${r.id} (${r.from_stage} → ${r.target_stage}) is open on a ${r.state} project in ${r.stage}`,
  );
  rule(
    "A review goes to the stage after the one it starts from",
    all<{ id: number; from_stage: Stage; target_stage: Stage }>("select id, from_stage, target_stage from gate_reviews")
      .filter((r) => nextStage(r.from_stage) !== r.target_stage)
      .map((r) => `review ${r.id} goes from ${r.from_stage} to ${r.target_stage}`),
  );
  none(
    "A closed review keeps when, by whom and its closing snapshot; an open one has none",
    `select id, status, closed_at, closed_by_id, closing_snapshot is not null as has_snapshot from gate_reviews where
       (status <> 'open' and (closed_at is null or closed_by_id is null or closing_snapshot is null))
       or (status = 'open' and (closed_at is not null or closing_snapshot is not null))`,
    (r) =>
      `review ${r.id} is ${r.status} with closed_at ${r.closed_at}, closed by ${r.closed_by_id}, snapshot ${r.has_snapshot ? "kept" : "missing"}`,
  );
  rule(
    "A promoted review's closing snapshot has nothing blocking and every criterion met",
    all<{ id: number; closing_snapshot: string | null }>(
      "select id, closing_snapshot from gate_reviews where status = 'promoted' and closing_snapshot is not null",
    ).flatMap((r) => {
      const snapshot = JSON.parse(r.closing_snapshot!) as {
        blockers?: string[];
        criteria?: { met: boolean; key: string }[];
      };
      const unmet = (snapshot.criteria ?? []).filter((c) => !c.met).map((c) => c.key);
      return (snapshot.blockers ?? []).length || unmet.length
        ? [`review ${r.id}: blockers ${JSON.stringify(snapshot.blockers)}, unmet ${unmet.join(", ") || "none"}`]
        : [];
    }),
  );
  none(
    "A review copies its gate's criteria when it opens",
    "select g.id from gate_reviews g where not exists (select 1 from gate_criteria c where c.review_id = g.id)",
    (r) => `review ${r.id} has no criteria`,
  );
  none(
    "An attestation says who, when and what was checked, in the criterion's discipline",
    `select c.id, c.review_id, c.key from gate_criteria c where c.kind = 'attestation' and (
       (c.attested_by_id is null) <> (c.attested_at is null)
       or (c.attested_by_id is not null and (c.attestation_note is null or trim(c.attestation_note) = '' or c.attester_discipline is null))
       or (c.discipline is not null and c.attester_discipline is not null and c.attester_discipline <> c.discipline))
       or (c.kind = 'auto' and c.attested_by_id is not null)`,
    (r) => `criterion ${r.key} of review ${r.review_id}`,
  );

  // ---------- sign-offs (docs/domain.md, "Sign-off rules") ----------

  none(
    "A member has at most one current sign-off per review",
    "select review_id, user_id, count(*) as n from sign_offs where status = 'current' group by review_id, user_id having n > 1",
    (r) => `user ${r.user_id} has ${r.n} current sign-offs on review ${r.review_id}`,
  );
  none(
    "A current sign-off on an open review is in its signer's own discipline",
    `select s.id, s.review_id, s.discipline, u.discipline as profile from sign_offs s
       join gate_reviews g on g.id = s.review_id join users u on u.id = s.user_id
       where g.status = 'open' and s.status = 'current' and s.discipline <> u.discipline`,
    (r) => `sign-off ${r.id} on review ${r.review_id} is for ${r.discipline}, its signer is ${r.profile}`,
  );
  none(
    "A current approval on an open review is by a member of that discipline on the team",
    `select s.id, s.review_id, s.user_id from sign_offs s join gate_reviews g on g.id = s.review_id
       where g.status = 'open' and s.status = 'current' and s.decision <> 'changes_requested'
       and not exists (select 1 from memberships m where m.project_id = g.project_id and m.user_id = s.user_id and m.discipline = s.discipline)`,
    (r) => `sign-off ${r.id} on review ${r.review_id} by user ${r.user_id}`,
  );
  none(
    "A sign-off is given while its review is open, and a replaced or withdrawn one says when it ended",
    `select s.id, s.review_id, s.status, s.signed_at, s.ended_at, g.opened_at, g.closed_at from sign_offs s
       join gate_reviews g on g.id = s.review_id where s.signed_at < g.opened_at
       or (g.closed_at is not null and s.signed_at > g.closed_at)
       or (s.status = 'current' and s.ended_at is not null)
       or (s.status <> 'current' and (s.ended_at is null or s.ended_at < s.signed_at))`,
    (r) =>
      `sign-off ${r.id} (${r.status}) signed ${r.signed_at}, ended ${r.ended_at}; review ${r.review_id} open ${r.opened_at}-${r.closed_at}`,
  );
  none(
    "Changes requested carry a comment; only they can be dismissed, with a reason",
    `select id, decision, dismissed_at, dismiss_reason from sign_offs where
       (decision = 'changes_requested' and trim(comment) = '')
       or (dismissed_at is not null and (decision <> 'changes_requested' or dismiss_reason is null or trim(dismiss_reason) = '' or dismissed_by_id is null or dismissed_at < signed_at))`,
    (r) => `sign-off ${r.id} (${r.decision}) dismissed ${r.dismissed_at}`,
  );
  rule(
    "A sign-off's fingerprint is the hash of the view it stores",
    all<{ id: number; fingerprint: string; snapshot: string }>(
      "select id, fingerprint, snapshot from sign_offs where snapshot is not null",
    )
      .filter((r) => viewFingerprint(JSON.parse(r.snapshot) as DisciplineView) !== r.fingerprint)
      .map((r) => `sign-off ${r.id}`),
  );
  none(
    "A condition of an approval is a debt item of the project, owned by the signer",
    `select d.id, d.sign_off_id, s.decision from debt_items d join sign_offs s on s.id = d.sign_off_id
       join gate_reviews g on g.id = s.review_id
       where s.decision <> 'approve_with_conditions' or d.project_id <> g.project_id or d.owner_id is not s.user_id`,
    (r) => `debt item ${r.id} is a condition of sign-off ${r.sign_off_id} (${r.decision})`,
  );

  // ---------- requirements (docs/domain.md, "Feasibility") ----------

  rule(
    "A requirement's combined verdict follows its two verdicts, each given by someone at some time",
    all<{
      id: number;
      feasibility: string;
      ds_feasibility: string;
      it_feasibility: string;
      ds_assessed_by_id: number | null;
      ds_assessed_at: number | null;
      ds_conditions: string | null;
      it_assessed_by_id: number | null;
      it_assessed_at: number | null;
      it_conditions: string | null;
    }>("select * from requirements").flatMap((r) => {
      const wrong: string[] = [];
      const combined = combinedFeasibility(r.ds_feasibility as never, r.it_feasibility as never);
      if (combined !== r.feasibility) wrong.push(`combined ${r.feasibility}, the verdicts say ${combined}`);
      for (const [d, f, by, at, conditions] of [
        ["data science", r.ds_feasibility, r.ds_assessed_by_id, r.ds_assessed_at, r.ds_conditions],
        ["IT operations", r.it_feasibility, r.it_assessed_by_id, r.it_assessed_at, r.it_conditions],
      ] as const) {
        const given = f !== "unassessed";
        if (given !== (by != null) || given !== (at != null)) wrong.push(`${d}'s verdict ${f} by ${by} at ${at}`);
        if (!given && conditions != null) wrong.push(`${d} has conditions without a verdict`);
      }
      return wrong.map((w) => `requirement ${r.id}: ${w}`);
    }),
  );

  // ---------- debt (docs/domain.md, "Debt item") ----------

  const steps = new Map<number, { done_at: number | null; done_by_id: number | null; position: number }[]>();
  for (const s of all<{ debt_item_id: number; done_at: number | null; done_by_id: number | null; position: number }>(
    "select debt_item_id, done_at, done_by_id, position from repayment_steps order by debt_item_id, position, id",
  )) {
    steps.set(s.debt_item_id, [...(steps.get(s.debt_item_id) ?? []), s]);
  }
  const stageOf = new Map(projects.map((p) => [p.id, p.stage]));
  rule(
    "A debt item's status agrees with its steps and its settling fields",
    all<{
      id: number;
      project_id: number;
      status: string;
      status_note: string | null;
      repaid_at: number | null;
      written_off_at: number | null;
      accepted_justification: string | null;
      accepted_review_date: string | null;
      stage_incurred: Stage;
      opened_at: number;
    }>("select * from debt_items").flatMap((item) => {
      const wrong: string[] = [];
      const own = steps.get(item.id) ?? [];
      const done = own.filter((s) => s.done_at != null);
      // Ticking a step makes an unsettled item repaying; only a settled item keeps another status.
      if (item.status === "open" && done.length) wrong.push(`open with ${done.length} step(s) done`);
      if (done.some((s) => s.done_by_id == null)) wrong.push("a step done by nobody");
      if (new Set(own.map((s) => s.position)).size !== own.length) wrong.push("two steps share a position");
      if ((item.status === "repaid") !== (item.repaid_at != null))
        wrong.push(`${item.status} with repaid_at ${item.repaid_at}`);
      if (item.status === "repaid") {
        if (!item.status_note?.trim()) wrong.push("repaid without a note");
        if (done.some((s) => s.done_at! > item.repaid_at!)) wrong.push("a step done after it was repaid");
        if (item.repaid_at! < item.opened_at) wrong.push("repaid before it was logged");
      }
      if (item.status === "accepted" && (!item.accepted_justification?.trim() || !item.accepted_review_date)) {
        wrong.push("accepted without a justification and a review date");
      }
      if ((item.status === "written_off") !== (item.written_off_at != null)) {
        wrong.push(`${item.status} with written_off_at ${item.written_off_at}`);
      }
      if (item.status === "written_off" && !item.status_note?.trim()) wrong.push("written off without a reason");
      const stage = stageOf.get(item.project_id);
      if (stage && stageIndex(item.stage_incurred) > stageIndex(stage)) {
        wrong.push(`incurred in ${item.stage_incurred}, later than the project's ${stage}`);
      }
      return wrong.map((w) => `debt item ${item.id}: ${w}`);
    }),
  );
  none(
    "Only a stopped project's items are written off",
    `select d.id, p.state from debt_items d join projects p on p.id = d.project_id
       where d.status = 'written_off' and not exists (select 1 from activity a
         where a.project_id = p.id and a.action = 'project.state_changed' and json_extract(a.after, '$.state') = 'stopped')`,
    (r) => `debt item ${r.id} is written off on a project that was never stopped (${r.state})`,
  );

  // ---------- the audit log (docs/domain.md, "The audit log") ----------

  none(
    "Every activity row names a project and an actor that exist",
    `select a.id, a.project_id, a.actor_id from activity a
       where (a.project_id is not null and not exists (select 1 from projects p where p.id = a.project_id))
       or (a.actor_id is not null and not exists (select 1 from users u where u.id = a.actor_id))`,
    (r) => `activity ${r.id} names project ${r.project_id}, actor ${r.actor_id}`,
  );
  none(
    "Activity ids follow time (timelines page by id)",
    `select id, at, prev_id, prev_at from (select id, at, lag(id) over (order by id) as prev_id,
       lag(at) over (order by id) as prev_at from activity) where at < prev_at`,
    (r) => `activity ${r.id} (at ${r.at}) comes after ${r.prev_id} (at ${r.prev_at})`,
  );
  none(
    "The references hold",
    "select * from pragma_foreign_key_check",
    (r) => `${r.table} row ${r.rowid} → ${r.parent}`,
  );
  return problems;
}
