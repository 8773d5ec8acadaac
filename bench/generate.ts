/**
 * The scale generator: an organisation of N data products (default 5,000) with about three
 * years of plausible history, for the benchmark (bench/run.ts) and for trying Triad at size.
 *
 *   npm run triad -- generate --projects 5000 --seed 1
 *
 * What one project gets: a team of 3-8 from a pool of N/2 people (an owner from business, at
 * least one data scientist and one IT operator; every seat is the person's own discipline),
 * ~10 requirements (most with a verdict from each of data science and IT operations, the
 * combined one following), ~20 debt items in both registers with plans, steps and every status,
 * the gate reviews its stage path implies (promoted, withdrawn, and an open one for many active
 * projects, with a statement, criteria, attestations and sign-offs), a stage path (PoC -> pilot
 * -> production, or stopped with one of the article's causes, on hold, retired), and one
 * activity row per event of all that, shaped as the models write them (app/models/*.server.ts),
 * with the models' own sentences (app/domain/activity-sentences.ts), so the dashboard and
 * timelines read them.
 *
 * It writes rows in bulk rather than through the models (the demo, app/demo/, replays its story
 * through them): a million changes through the models would take tens of minutes, against
 * seconds here. What keeps it honest is tests/integration/generator-invariants.test.ts: a small
 * generated organisation must satisfy the invariants the demo satisfies
 * (tests/support/invariants.ts), and its open reviews' views must be the ones the model computes.
 *
 * Sign-offs on open reviews store the fingerprint and snapshot of their discipline's live view
 * (app/domain/concerns.ts), so most count; about one in five was given on an earlier view (a
 * debt item added or a target sharpened since) and is stale, saying what changed; some requests
 * for changes were dismissed by the owner. Closed reviews are judged by their closing snapshot:
 * their sign-offs carry its per-discipline fingerprints and no snapshot of their own.
 *
 * Deterministic: a small seeded PRNG (sfc32) drives every choice and all times are offsets from
 * `now` (default: today 00:00 UTC), so the same seed and day give the same database. Every
 * person has the same password (one precomputed argon2id hash); the known bench user is
 * `bench@triad.test`, an admin, who is a member of projects like everyone else.
 *
 * Speed: one prepared INSERT per table on the raw better-sqlite3 connection, transactions of
 * 10k rows, `synchronous = OFF` and a large cache during the load only, the big tables'
 * secondary indexes dropped during the load and recreated from their own SQL, activity rows
 * staged in a TEMP table and copied in time order (so ids follow time, as timelines expect),
 * then ANALYZE. Fills only an empty database.
 */
import type Database from "better-sqlite3";
import type { Db } from "../db/client.server";
import { DEFAULT_CRITERIA } from "../app/domain/gates";
import { canonicalView, gateContentFrom, type DisciplineView, type GateContent } from "../app/domain/concerns";
import { combinedFeasibility } from "../app/domain/feasibility";
import { disciplineViews, viewFingerprint } from "../app/domain/fingerprint";
import { utcDate } from "../app/domain/dates";
import { ORGANIZATIONAL_CATEGORIES, TECHNICAL_CATEGORIES } from "../app/domain/debt";
import { stageShortLabel } from "../app/domain/labels";
import * as sentence from "../app/domain/activity-sentences";
import { DISCIPLINES, type Discipline, type Stage, type StopCause } from "../app/domain/vocabulary";

export const BENCH_EMAIL = "bench@triad.test";
export const BENCH_PASSWORD = "triad-bench-password";
/** argon2id of BENCH_PASSWORD (app/utils/password.server.ts options), computed once. */
const PASSWORD_HASH =
  "$argon2id$v=19$m=19456,t=2,p=1$+TEEuf2SBoSx5s2dPV9KMQ$5OcZnUi57l2AF9yP1QZhfdNqgU0Ln3oAAk3E+LViLxU";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const BATCH = 50_000;
/**
 * Tables whose secondary indexes are dropped during the load and rebuilt after it. Not
 * `activity`: its rows arrive in one time-ordered copy, which maintains its four indexes
 * faster than four rebuilds (each a scan of the widest table) would.
 */
const REINDEXED = ["debt_items", "repayment_steps", "requirements"];

export type GenerateOptions = {
  projects?: number;
  seed?: number;
  /** The instant "now" of the history (default: today 00:00 UTC). */
  now?: number;
  log?: (line: string) => void;
};

export type GenerateResult = {
  projects: number;
  seed: number;
  now: number;
  counts: Record<string, number>;
  elapsedMs: number;
  bench: { email: string; password: string };
};

// ---------------------------------------------------------------- randomness

/** sfc32 seeded through splitmix32: small, fast, good enough, and the same everywhere. */
class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number) {
    let s = seed >>> 0;
    const split = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
    for (let i = 0; i < 12; i++) this.float();
  }
  float(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.float() < p;
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.float() * list.length)];
  }
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let r = this.float() * total;
    for (const [value, w] of entries) {
      r -= w;
      if (r < 0) return value;
    }
    return entries[entries.length - 1][0];
  }
  /** An instant between `from` and `to` (uniform). */
  between(from: number, to: number): number {
    return to <= from ? from : Math.floor(from + this.float() * (to - from));
  }
  hex(length: number): string {
    let out = "";
    while (out.length < length)
      out += Math.floor(this.float() * 4294967296)
        .toString(16)
        .padStart(8, "0");
    return out.slice(0, length);
  }
}

// ---------------------------------------------------------------- words

// prettier-ignore
const FIRST = ["Ada", "Ben", "Chiara", "Dmitri", "Elena", "Femi", "Greta", "Hassan", "Ingrid", "Jamal", "Kaori", "Lars", "Maya", "Nils", "Olga", "Pedro", "Quinn", "Rosa", "Samir", "Tess", "Ugo", "Vera", "Wen", "Xavier", "Yara", "Zoltan", "Amira", "Bruno", "Camille", "Diego", "Esra", "Finn", "Gaia", "Henrik", "Isla", "Jonas", "Kira", "Luca", "Mina", "Noah", "Oskar", "Priya", "Rafael", "Sofia", "Theo", "Uma", "Viktor", "Wanda", "Yusuf", "Zara", "Anton", "Bianca", "Cem", "Dora", "Emil", "Fatima", "Gustav", "Hana", "Ivo", "Julia"];
// prettier-ignore
const LAST = ["Andersen", "Berger", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hoffmann", "Ivanova", "Jensen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov", "Quaresma", "Rossi", "Schmidt", "Tanaka", "Ulrich", "Varga", "Weber", "Xu", "Yilmaz", "Zimmermann", "Almeida", "Brandt", "Castillo", "Dahl", "Engel", "Fontaine", "Gruber", "Haddad", "Ibrahim", "Jovanovic", "Keller", "Laine", "Mendes", "Novak", "Olsen", "Pereira", "Richter", "Santos", "Torres", "Urban", "Vogel", "Wagner", "Yamamoto", "Zeller"];
// prettier-ignore
const USE_CASES = ["Predictive maintenance", "Demand forecast", "Churn early warning", "Invoice OCR", "Energy-price forecast", "Visual quality inspection", "OEE dashboard", "Call-volume forecast", "Fraud scoring", "Route optimisation", "Scrap-rate prediction", "Price recommendation", "Supplier risk score", "Inventory optimisation", "Anomaly detection", "Lead scoring", "Document classification", "Yield forecast", "Warranty-claim triage", "Shift planning assistant"];
// prettier-ignore
const SUBJECTS = ["press line", "spare parts", "service contracts", "supplier invoices", "the paint shop", "weld seams", "the assembly line", "the service desk", "card payments", "delivery vans", "the foundry", "the web shop", "tier-2 suppliers", "the central warehouse", "the compressor fleet", "key accounts", "customer e-mails", "the bottling line", "field service", "the call centre"];
// prettier-ignore
const SITES = ["Hamburg", "Lyon", "Porto", "Brno", "Turin", "Gdansk", "Malmo", "Graz", "Leeds", "Bilbao", "Tampere", "Ghent", "Cluj", "Aarhus", "Basel", "Rotterdam", "Krakow", "Valencia", "Dresden", "Bologna"];
// prettier-ignore
const REQUIREMENTS: [string, string][] = [
  ["Warn before a failure", "alarm at least {n} hours before {x} % of failures"],
  ["Few false alarms", "precision >= 0.{n} on last quarter's events"],
  ["Forecast accuracy", "MAPE <= {n} % on the weekly horizon"],
  ["Daily refresh", "results available by 06:{n} every working day"],
  ["Explain each score", "top {n} drivers shown next to every score"],
  ["Latency", "p95 scoring time under {n}0 ms"],
  ["Coverage", "at least {x} % of items scored every run"],
  ["Recall on critical cases", "recall >= 0.{n} on critical cases"],
  ["Works with the ERP", "orders written back to the ERP within {n} minutes"],
  ["Auditable decisions", "every decision traceable for {n} years"],
  ["Retraining cadence", "retrained at least every {n} weeks without manual steps"],
  ["Data freshness", "inputs no older than {n} hours"],
  ["Savings", "saves at least EUR {n}00k a year"],
  ["Adoption", "used by {x} % of planners within {n} months"],
  ["Privacy", "no personal data leaves the EU; {n} fields pseudonymised"],
];
// prettier-ignore
const DEBT_TITLES: Record<string, string[]> = {
  hard_coded_logic: ["Hard-coded data transformation", "Thresholds hard-coded in the notebook", "Sensor ids hard-coded in the join"],
  manual_steps: ["Manual retraining from a laptop", "Export copied by hand every Monday", "Backtest run once by hand"],
  missing_tests: ["No tests for the feature pipeline", "Scoring service untested", "No regression test for the model"],
  missing_documentation: ["Extraction rules undocumented", "No runbook for operations", "Feature definitions only in one head"],
  tool_unfit_for_production: ["Scoring runs as a cron job on a shared VM", "Model served from a notebook kernel", "Licence bound to one lab workstation"],
  performance: ["Batch scoring takes six hours", "Feature query scans the whole history", "Dashboard refresh times out at month end"],
  infrastructure: ["Job fails silently when the source is down", "No monitoring of the nightly run", "Single VM without backup"],
  tool_stack_incompatible: ["Lab tool stack incompatible with core IT", "R runtime not supported by operations", "GPU inference not possible on the plant network"],
  data_access: ["Data pulled with a personal API key", "Only a nightly file export available", "Access granted informally by a colleague"],
  data_quality: ["Data quality gaps overlooked in the PoC", "Duplicated readings filtered by hand", "Unclear units in the source system"],
  privacy_security: ["Privacy review done after the pilot started", "Personal data in application logs", "Security review still pending"],
  missing_skills: ["Missing data engineer on the team", "No ML engineer for the deployment", "Only one person can retrain the model"],
  unclear_ownership: ["Unclear ownership of the data extract", "Overrides kept in a planner's spreadsheet", "No operations owner named"],
  other: ["Vendor contract ends next year", "Workaround agreed in a hallway", "Pilot users trained informally"],
};
// prettier-ignore
const STRATEGIES = ["Replace it with a tested, configurable pipeline job.", "Agree a supported path with IT operations and move onto it.", "Name an owner and automate the checks.", "Schedule it as a pipeline job with monitoring.", "Write it down next to the code and review it.", "Buy the server licence and move it into the cluster.", "Request the data contract and a service account."];
// prettier-ignore
const STEP_TITLES = ["Describe the current behaviour", "Agree the target with IT operations", "Build the replacement", "Add tests and monitoring", "Run both in parallel for two weeks", "Switch over and remove the old path", "Hand over the runbook"];
// prettier-ignore
const STOP_NOTES: Record<string, string> = {
  data_access_quality: "The source data turned out too sparse and too dirty for a reliable model; fixing it is a project of its own.",
  privacy_security: "The privacy review found no lawful basis for using the customer data this way.",
  too_few_engineers: "No data engineer could be freed to build the production pipeline this year.",
  organisational_gap: "Business and IT could not agree who runs and pays for the product.",
  technology_landscape: "The target environment cannot run the model; core IT has no platform for it.",
  other: "Priorities changed after the reorganisation.",
};

const STOP_CAUSES = [
  ["data_access_quality", 27],
  ["privacy_security", 12],
  ["too_few_engineers", 20],
  ["organisational_gap", 20],
  ["technology_landscape", 15],
  ["other", 6],
] as const;

type Person = { id: number; name: string; discipline: Discipline };
type Feasibility = "unassessed" | "feasible" | "feasible_with_conditions" | "infeasible";
type VerdictDiscipline = "data_science" | "it";
/** A requirement with the fields a gate reads (gateRequirements in app/models/gate-reviews-read.server.ts). */
type Req = {
  id: number;
  title: string;
  description: string;
  target: string;
  priority: "must" | "should" | "could";
  status: "active" | "withdrawn";
  feasibility: Feasibility;
  dsFeasibility: Feasibility;
  dsConditions: string | null;
  dsNote: string | null;
  itFeasibility: Feasibility;
  itConditions: string | null;
  itNote: string | null;
};
/** A debt item as the gate sees it (gateDebtFacts), with when it was opened and settled. */
type Item = {
  id: number;
  register: "technical" | "organizational";
  title: string;
  status: "open" | "repaying" | "repaid" | "accepted";
  severity: "low" | "medium" | "high" | "critical";
  ownerId: number | null;
  strategy: string | null;
  targetDate: string | null;
  repayBeforeStage: Stage | null;
  principalDays: number;
  interestDays: number;
  steps: Array<{ id: number; title: string; ownerId: number | null; dueDate: string | null; done: boolean }>;
  openedAt: number;
  settledAt: number | null;
};
type Member = { userId: number; discipline: Discipline; joinedAt: number };

// prettier-ignore
const STATEMENTS: Record<"pilot" | "production", string[]> = {
  pilot: ["The backtest meets the business case; the pilot users are lined up.", "The PoC answered the question we asked; one site wants to try it for twelve weeks.", "Data access is settled and the model beats today's rule of thumb; time to pilot."],
  production: ["The pilot met its targets for three months; the users want it everywhere.", "Pilot results hold and operations has a runbook; we want it as a supported service.", "The business case held in the pilot; the remaining debt has owners and dates."],
};
// prettier-ignore
const DISMISS_REASONS = ["Already covered: the item is tracked as debt with an owner and a date.", "Agreed in the steering meeting; the risk is accepted for this stage.", "The requested check was done in the pilot; see the attestation."];

type CriterionRow = {
  key: string;
  label: string;
  kind: string;
  discipline: Discipline | null;
  attestedById: number | null;
  attestedAt: number | null;
  note: string | null;
};

/** The gate content in the shape the concern table reads (the same mapping as the models). */
function gateContent(reqs: Req[], items: Item[], criteria: CriterionRow[], people: Person[]): GateContent {
  return gateContentFrom({
    requirements: reqs,
    criteria: criteria.map((c) => ({
      ...c,
      attesterDiscipline: c.attestedById == null ? null : people[c.attestedById - 1].discipline,
      attestationNote: c.note,
      evidenceUrl: null,
    })),
    debtItems: items.map((d) => ({ ...d, signOffId: null })),
  });
}

function viewsOf(content: GateContent): Record<Discipline, DisciplineView> {
  return disciplineViews(content).views;
}

/**
 * A view from before something that concerns its discipline changed: the newest open debt
 * item in it was added since, or else the first requirement's target was sharpened since.
 */
function staleView(view: DisciplineView): DisciplineView {
  if (view.debtItems.length) return { ...view, debtItems: view.debtItems.slice(0, -1) };
  const [first, ...rest] = view.requirements;
  if (!first) return view;
  const looser = /\d/.test(first.target)
    ? first.target.replace(/\d+/, (n) => String(Number(n) + 1))
    : `${first.target} (draft)`;
  return { ...view, requirements: [{ ...first, target: looser }, ...rest] };
}

// ---------------------------------------------------------------- the writer

type Row = unknown[];

class Writer {
  private statements = new Map<string, Database.Statement>();
  private pending = 0;
  readonly counts: Record<string, number> = {};
  private seq = 0;

  constructor(private readonly sqlite: Database.Database) {}

  table(name: string, columns: string[]) {
    const text = `INSERT INTO ${name} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
    this.statements.set(name, this.sqlite.prepare(text));
    this.counts[name.replace(/^temp\./, "")] = 0;
  }

  insert(name: string, values: Row) {
    this.statements.get(name)!.run(values);
    this.counts[name.replace(/^temp\./, "")] += 1;
    if (++this.pending >= BATCH) this.commit();
  }

  /** One activity row, staged; `at` orders them when they are copied into `activity`. */
  activity(row: {
    at: number;
    actorId: number | null;
    projectId?: number | null;
    entityType: string;
    entityId?: number | null;
    action: string;
    summary: string;
    before?: unknown;
    after?: unknown;
  }) {
    this.insert("temp.gen_activity", [
      row.at,
      ++this.seq,
      row.actorId,
      row.projectId ?? null,
      row.entityType,
      row.entityId ?? null,
      row.action,
      row.summary,
      row.before === undefined ? null : JSON.stringify(row.before),
      row.after === undefined ? null : JSON.stringify(row.after),
      "web",
    ]);
  }

  begin() {
    this.sqlite.exec("BEGIN");
  }
  commit() {
    this.sqlite.exec("COMMIT");
    this.sqlite.exec("BEGIN");
    this.pending = 0;
  }
  end() {
    this.sqlite.exec("COMMIT");
  }
}

// ---------------------------------------------------------------- the organisation

export function generateOrganisation(database: Db, options: GenerateOptions = {}): GenerateResult {
  const started = performance.now();
  const say = options.log ?? (() => {});
  const log = (line: string) => say(`${line} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  const projectCount = Math.max(1, Math.floor(options.projects ?? 5000));
  const seed = Math.floor(options.seed ?? 1);
  const today0 = new Date();
  const now = options.now ?? Date.UTC(today0.getUTCFullYear(), today0.getUTCMonth(), today0.getUTCDate());
  const sqlite = database.$client;

  const existing = sqlite
    .prepare("SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM projects) AS n")
    .get() as { n: number };
  if (existing.n > 0) {
    throw new Error("The database is not empty; the generator fills only an empty database.");
  }

  const rng = new Rng(seed);
  // Bulk-load settings, for this connection and this load only (restored at the end).
  sqlite.pragma("journal_mode = MEMORY");
  sqlite.pragma("synchronous = OFF");
  sqlite.pragma("cache_size = -262144"); // 256 MiB
  sqlite.pragma("temp_store = MEMORY");
  const droppedIndexes = sqlite
    .prepare(
      `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${REINDEXED.map(() => "?").join(", ")})`,
    )
    .all(...REINDEXED) as { name: string; sql: string }[];
  for (const index of droppedIndexes) sqlite.exec(`DROP INDEX "${index.name}"`);
  sqlite.exec(`CREATE TEMP TABLE gen_activity (at INTEGER, seq INTEGER, actor_id INTEGER, project_id INTEGER,
    entity_type TEXT, entity_id INTEGER, action TEXT, summary TEXT, before TEXT, after TEXT, via TEXT)`);

  const w = new Writer(sqlite);
  w.table("users", [
    "id",
    "email",
    "name",
    "discipline",
    "role",
    "active",
    "password_hash",
    "created_at",
    "updated_at",
    "version",
  ]);
  w.table("criterion_templates", [
    "target_stage",
    "key",
    "label",
    "kind",
    "discipline",
    "position",
    "active",
    "created_at",
    "updated_at",
    "version",
  ]);
  w.table("projects", [
    "id",
    "slug",
    "name",
    "summary",
    "business_case",
    "stage",
    "state",
    "stop_cause",
    "stop_note",
    "owner_id",
    "stage_entered_at",
    "closed_at",
    "created_at",
    "updated_at",
    "version",
  ]);
  w.table("memberships", ["project_id", "user_id", "discipline", "created_at"]);
  w.table("requirements", [
    "id",
    "project_id",
    "title",
    "description",
    "target",
    "priority",
    "status",
    "feasibility",
    "ds_feasibility",
    "ds_conditions",
    "ds_note",
    "ds_assessed_by_id",
    "ds_assessed_at",
    "ds_version",
    "it_feasibility",
    "it_conditions",
    "it_note",
    "it_assessed_by_id",
    "it_assessed_at",
    "it_version",
    "created_by_id",
    "created_at",
    "updated_at",
    "version",
  ]);
  w.table("gate_reviews", [
    "id",
    "project_id",
    "from_stage",
    "target_stage",
    "status",
    "opened_by_id",
    "opened_at",
    "statement",
    "required_approvals",
    "closed_by_id",
    "closed_at",
    "close_note",
    "closing_snapshot",
    "version",
  ]);
  w.table("gate_criteria", [
    "review_id",
    "key",
    "label",
    "kind",
    "discipline",
    "position",
    "attested_by_id",
    "attested_at",
    "attestation_note",
    "attester_discipline",
  ]);
  w.table("sign_offs", [
    "id",
    "review_id",
    "discipline",
    "user_id",
    "decision",
    "comment",
    "fingerprint",
    "snapshot",
    "signed_at",
    "status",
    "ended_at",
    "dismissed_by_id",
    "dismissed_at",
    "dismiss_reason",
  ]);
  w.table("debt_items", [
    "id",
    "project_id",
    "register",
    "title",
    "description",
    "category",
    "benefit",
    "stage_incurred",
    "severity",
    "principal_days",
    "interest_days",
    "owner_id",
    "status",
    "status_note",
    "accepted_justification",
    "accepted_review_date",
    "strategy",
    "target_date",
    "repay_before_stage",
    "opened_at",
    "repaid_at",
    "created_by_id",
    "created_at",
    "updated_at",
    "version",
  ]);
  w.table("repayment_steps", [
    "id",
    "debt_item_id",
    "position",
    "title",
    "owner_id",
    "due_date",
    "done_at",
    "done_by_id",
    "created_at",
    "version",
  ]);
  w.table("temp.gen_activity", [
    "at",
    "seq",
    "actor_id",
    "project_id",
    "entity_type",
    "entity_id",
    "action",
    "summary",
    "before",
    "after",
    "via",
  ]);

  w.begin();
  try {
    // ---- people: hired in the ~100 days before the first project
    const userCount = Math.max(12, Math.floor(projectCount / 2));
    const hiringStart = now - 1200 * DAY;
    const people: Person[] = [];
    const byDiscipline: Record<Discipline, Person[]> = { business: [], data_science: [], it: [] };
    for (let id = 1; id <= userCount; id++) {
      const bench = id === 1;
      const discipline: Discipline = bench
        ? "data_science"
        : rng.weighted([
            ["business", 35],
            ["data_science", 33],
            ["it", 32],
          ] as const);
      const first = rng.pick(FIRST);
      const last = rng.pick(LAST);
      const name = bench ? "Bench Admin" : `${first} ${last}`;
      const email = bench ? BENCH_EMAIL : `${first}.${last}.${id}@triad.test`.toLowerCase();
      const role = bench || rng.chance(0.01) ? "admin" : "member";
      const createdAt = hiringStart + Math.floor(((id - 1) / userCount) * 100 * DAY) + rng.int(0, 600) * MINUTE;
      w.insert("users", [id, email, name, discipline, role, 1, PASSWORD_HASH, createdAt, createdAt, 1]);
      w.activity({
        at: createdAt,
        actorId: 1,
        entityType: "user",
        entityId: id,
        action: bench ? "user.setup" : "user.created",
        summary: sentence.userAdded({ name, discipline, role }),
        after: { name, email, discipline, role },
      });
      const person = { id, name, discipline };
      people.push(person);
      byDiscipline[discipline].push(person);
    }
    const nameOf = (id: number | null) => (id == null ? "Someone" : people[id - 1].name);

    // Sign-ins: everyone signs in every week or two (the admins' sign-in log).
    for (const person of people) {
      const joined = hiringStart + Math.floor(((person.id - 1) / userCount) * 100 * DAY) + DAY;
      const visits = Math.floor(((now - joined) / DAY / 7) * (0.4 + rng.float() * 0.8));
      for (let i = 0; i < visits; i++) {
        w.activity({
          at: rng.between(joined, now - MINUTE),
          actorId: person.id,
          entityType: "session",
          entityId: person.id,
          action: "session.signed_in",
          summary: sentence.signedIn(person.name),
          after: { client: `10.${person.id % 250}.${rng.int(0, 255)}.${rng.int(1, 254)}` },
        });
      }
    }

    // ---- the default gate checklists
    const templatesAt = hiringStart + DAY;
    const hasTemplates = sqlite.prepare("SELECT 1 FROM criterion_templates WHERE target_stage = ?");
    for (const stage of ["pilot", "production"] as const) {
      if (hasTemplates.get(stage)) continue; // already seeded with the migrations (db/reference-data.ts)
      DEFAULT_CRITERIA[stage].forEach((c, position) => {
        w.insert("criterion_templates", [
          stage,
          c.key,
          c.label,
          c.kind,
          c.discipline,
          position,
          1,
          templatesAt,
          templatesAt,
          1,
        ]);
      });
      w.activity({
        at: templatesAt,
        actorId: null,
        entityType: "criterion_template",
        action: "template.seeded",
        summary: sentence.templatesSeeded(stage),
        after: { stage, keys: DEFAULT_CRITERIA[stage].map((c) => c.key) },
      });
    }

    const ids = { requirement: 0, review: 0, signOff: 0, debt: 0, step: 0 };
    const names = new Set<string>();
    const slugs = new Set<string>();

    for (let projectId = 1; projectId <= projectCount; projectId++) {
      generateProject(projectId);
      if (projectId % 1000 === 0) log(`  ${projectId} projects…`);
    }

    function generateProject(projectId: number) {
      // -- identity
      let name = `${rng.pick(USE_CASES)} for ${rng.pick(SUBJECTS)}, ${rng.pick(SITES)}`;
      for (let n = 2; names.has(name); n++) name = name.replace(/( #\d+)?$/, ` #${n}`);
      names.add(name);
      let slug = name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 60)
        .replace(/-+$/g, "");
      for (let n = 2; slugs.has(slug); n++) slug = `${slug.replace(/-\d+$/, "")}-${n}`;
      slugs.add(slug);
      const createdAt = now - Math.floor((5 + 1090 * Math.pow(rng.float(), 1.3)) * DAY) - rng.int(0, 600) * MINUTE;
      const owner = rng.pick(byDiscipline.business);

      // -- the stage path
      const changes: { stage: Stage; at: number }[] = [{ stage: "poc", at: createdAt }];
      let state: "active" | "on_hold" | "stopped" | "retired" = "active";
      let stateAt: number | null = null;
      let stopCause: string | null = null;
      for (;;) {
        const { stage, at } = changes[changes.length - 1];
        if (stage === "production") {
          const end = at + rng.int(200, 900) * DAY;
          if (end < now - DAY && rng.chance(0.35)) {
            state = "retired";
            stateAt = end;
          }
          break;
        }
        const end =
          at + rng.int(stage === "poc" ? 30 : 60, stage === "poc" ? 320 : 420) * DAY + rng.int(0, 600) * MINUTE;
        if (end >= now - DAY) {
          if (rng.chance(0.05)) {
            state = "on_hold";
            stateAt = rng.between(at + DAY, now - HOUR);
          }
          break;
        }
        const r = rng.float();
        if (r < (stage === "poc" ? 0.55 : 0.6)) {
          changes.push({ stage: stage === "poc" ? "pilot" : "production", at: end });
          continue;
        }
        if (r < 0.9) {
          state = "stopped";
          stopCause = rng.weighted(STOP_CAUSES);
        } else state = "on_hold";
        stateAt = end;
        break;
      }
      const stage = changes[changes.length - 1].stage;
      const stageEnteredAt = changes[changes.length - 1].at;
      const lifeEnd = state === "stopped" || state === "retired" ? stateAt! : now;
      const stageOn = (at: number): Stage => {
        let s: Stage = "poc";
        for (const c of changes) if (c.at <= at) s = c.stage;
        return s;
      };

      // -- the reviews' timing (needed to place the team and requirements before them)
      type ReviewPlan = {
        from: Stage;
        to: Stage;
        openedAt: number;
        status: "promoted" | "withdrawn" | "open";
        closedAt: number | null;
        closedByStop?: boolean;
      };
      const reviewPlans: ReviewPlan[] = [];
      for (let i = 1; i < changes.length; i++) {
        const start = changes[i - 1].at;
        const promotedAt = changes[i].at;
        const openedAt = Math.max(start + DAY, promotedAt - rng.int(3, 45) * DAY);
        if (rng.chance(0.1) && openedAt - start > 20 * DAY) {
          const earlyOpen = rng.between(start + DAY, openedAt - 12 * DAY);
          reviewPlans.push({
            from: changes[i - 1].stage,
            to: changes[i].stage,
            openedAt: earlyOpen,
            status: "withdrawn",
            closedAt: rng.between(earlyOpen + DAY, openedAt - DAY),
          });
        }
        reviewPlans.push({
          from: changes[i - 1].stage,
          to: changes[i].stage,
          openedAt,
          status: "promoted",
          closedAt: promotedAt,
        });
      }
      const next: Stage | null = stage === "poc" ? "pilot" : stage === "pilot" ? "production" : null;
      if (next && state === "stopped" && rng.chance(0.3) && stateAt! - stageEnteredAt > 5 * DAY) {
        const openedAt = Math.max(stageEnteredAt + DAY, stateAt! - rng.int(3, 40) * DAY);
        reviewPlans.push({
          from: stage,
          to: next,
          openedAt,
          status: "withdrawn",
          closedAt: stateAt,
          closedByStop: true,
        });
      }
      if (next && state === "active" && now - stageEnteredAt > 10 * DAY && rng.chance(0.45)) {
        const ageDays = Math.floor((now - stageEnteredAt) / DAY);
        const openedAt = now - rng.int(1, Math.min(75, ageDays - 2)) * DAY - rng.int(0, 600) * MINUTE;
        reviewPlans.push({ from: stage, to: next, openedAt, status: "open", closedAt: null });
      }
      const firstMilestone = Math.min(lifeEnd, ...reviewPlans.map((r) => r.openedAt));
      const setupWindow = Math.max(HOUR, Math.min(25 * DAY, (firstMilestone - createdAt) * 0.4));

      // -- the team
      const team: Member[] = [{ userId: owner.id, discipline: owner.discipline, joinedAt: createdAt }];
      const onTeam = new Set([owner.id]);
      const size = rng.int(3, 8);
      const wanted: Discipline[] = ["data_science", "it"];
      while (team.length < size) {
        const discipline =
          wanted.shift() ??
          rng.weighted([
            ["business", 30],
            ["data_science", 40],
            ["it", 30],
          ] as const);
        const person = rng.pick(byDiscipline[discipline]);
        if (onTeam.has(person.id)) continue;
        onTeam.add(person.id);
        team.push({
          userId: person.id,
          discipline,
          joinedAt: createdAt + Math.floor(rng.float() * setupWindow) + MINUTE,
        });
      }
      const membersOf = (d: Discipline) => team.filter((m) => m.discipline === d);
      const anyMember = () => rng.pick(team).userId;
      const memberOf = (d: Discipline) => rng.pick(membersOf(d)).userId;

      // -- project row and its creation, team and path events
      const summary = `${name.split(" for ")[0]} for ${name.split(" for ")[1]}: a data product that turns ${rng.pick(SUBJECTS)} data into decisions planners can act on.`;
      const businessCase = `Saves about EUR ${rng.int(40, 900)}k a year if the model holds up in production (${rng.int(2, 40)} % fewer ${rng.pick(["stops", "stock-outs", "manual hours", "lost customers", "rejects"])}).`;
      const version = 1 + (changes.length - 1) + (stateAt !== null ? 1 : 0);
      w.insert("projects", [
        projectId,
        slug,
        name,
        summary,
        businessCase,
        stage,
        state,
        stopCause,
        stopCause ? STOP_NOTES[stopCause] : null,
        owner.id,
        stageEnteredAt,
        state === "stopped" || state === "retired" ? stateAt : null,
        createdAt,
        Math.max(stageEnteredAt, stateAt ?? 0),
        version,
      ]);
      w.activity({
        at: createdAt,
        actorId: owner.id,
        projectId,
        entityType: "project",
        entityId: projectId,
        action: "project.created",
        summary: sentence.projectCreated(owner.name, name, owner.name),
        after: { name, slug, stage: "poc", state: "active", ownerId: owner.id },
      });
      for (const m of team) {
        w.insert("memberships", [projectId, m.userId, m.discipline, m.joinedAt]);
        if (m.userId === owner.id) continue;
        w.activity({
          at: m.joinedAt,
          actorId: owner.id,
          projectId,
          entityType: "membership",
          entityId: m.userId,
          action: "member.added",
          summary: sentence.memberAdded(owner.name, nameOf(m.userId), name, m.discipline),
          after: { userId: m.userId, discipline: m.discipline },
        });
      }

      // -- requirements: each discipline gives its own verdict; `feasibility` is the combined one
      const passedPilotGate = changes.length > 1;
      const inProduction = stage === "production";
      const reqs: Req[] = [];
      const reqCount = rng.int(7, 13);
      const reason = (f: Feasibility) =>
        f === "feasible_with_conditions"
          ? `Needs ${rng.pick(["a data contract with the source owner", "two more weeks of labelled data", "the new edge platform", "a service account for the API"])}.`
          : f === "infeasible"
            ? "The data does not support this target at the required granularity."
            : null;
      for (let i = 0; i < reqCount; i++) {
        const id = ++ids.requirement;
        const [title, targetTemplate] = rng.pick(REQUIREMENTS);
        const target = targetTemplate.replace("{n}", String(rng.int(2, 9))).replace("{x}", String(rng.int(6, 9) * 10));
        const priority = rng.weighted([
          ["must", 40],
          ["should", 35],
          ["could", 25],
        ] as const);
        const author = rng.chance(0.7) ? owner.id : memberOf("business");
        const reqCreated = createdAt + Math.floor(rng.float() * setupWindow) + MINUTE;
        const description = `${title} for ${name.toLowerCase()}. Agreed with the planners in the kick-off.`;
        const withdrawn = rng.chance(0.05) && !(passedPilotGate && priority === "must");
        // Past a gate, what it needed holds: both disciplines found it feasible.
        const mustHold = (passedPilotGate && priority === "must") || inProduction;
        const assessed = mustHold || rng.chance(passedPilotGate ? 0.85 : 0.7);
        const verdictFor = (): Feasibility => {
          if (mustHold)
            return rng.weighted([
              ["feasible", 80],
              ["feasible_with_conditions", 20],
            ] as const);
          if (!assessed || rng.chance(0.12)) return "unassessed";
          return rng.weighted([
            ["feasible", 70],
            ["feasible_with_conditions", 22],
            ["infeasible", 8],
          ] as const);
        };
        const dsFeasibility = verdictFor();
        const itFeasibility = verdictFor();
        const dsConditions = reason(dsFeasibility);
        const itConditions = reason(itFeasibility);
        const dsNote =
          dsFeasibility !== "unassessed" && rng.chance(0.4) ? "Checked against last quarter's data." : null;
        const itNote = itFeasibility !== "unassessed" && rng.chance(0.3) ? "Fits the platform we already run." : null;
        const feasibility = combinedFeasibility(dsFeasibility, itFeasibility);
        let v = 1;
        let updatedAt = reqCreated;
        // As app/models/requirements.server.ts writes a requirement into its activity rows.
        const unassessedSnap = () => ({
          title,
          description,
          target,
          priority,
          status: "active" as string,
          feasibility: "unassessed" as Feasibility,
          dsFeasibility: "unassessed" as Feasibility,
          dsConditions: null as string | null,
          dsNote: null as string | null,
          itFeasibility: "unassessed" as Feasibility,
          itConditions: null as string | null,
          itNote: null as string | null,
        });
        const snap = (over: Partial<ReturnType<typeof unassessedSnap>> & { version: number }) => ({
          ...unassessedSnap(),
          ...over,
        });
        // A third of the targets were sharpened once before anyone assessed them.
        const firstTarget = rng.chance(0.33) ? target.replace(/\d+/, (n) => String(Number(n) + 1)) : target;
        w.activity({
          at: reqCreated,
          actorId: author,
          projectId,
          entityType: "requirement",
          entityId: id,
          action: "requirement.created",
          summary: sentence.requirementStated(nameOf(author), { title, priority, target: firstTarget }),
          after: snap({ target: firstTarget, version: 1 }),
        });
        const assessAt = reqCreated + Math.floor(rng.float() * setupWindow) + 2 * MINUTE;
        if (firstTarget !== target) {
          const at = reqCreated + Math.floor((assessAt - reqCreated) / 2);
          v += 1;
          updatedAt = at;
          w.activity({
            at,
            actorId: author,
            projectId,
            entityType: "requirement",
            entityId: id,
            action: "requirement.updated",
            summary: sentence.requirementRevised(nameOf(author), title),
            before: snap({ target: firstTarget, version: v - 1 }),
            after: snap({ version: v }),
          });
        }
        // The two verdicts, in a random order, the second a little after the first.
        let state = unassessedSnap();
        const verdicts = {
          data_science: { by: null as number | null, at: null as number | null },
          it: { by: null as number | null, at: null as number | null },
        };
        const order: VerdictDiscipline[] = rng.chance(0.5) ? ["data_science", "it"] : ["it", "data_science"];
        let at = assessAt;
        for (const d of order) {
          const f = d === "data_science" ? dsFeasibility : itFeasibility;
          if (f === "unassessed") continue;
          const by = memberOf(d);
          const next =
            d === "data_science"
              ? { ...state, dsFeasibility: f, dsConditions, dsNote }
              : { ...state, itFeasibility: f, itConditions, itNote };
          next.feasibility = combinedFeasibility(next.dsFeasibility, next.itFeasibility);
          v += 1;
          updatedAt = at;
          verdicts[d] = { by, at };
          w.activity({
            at,
            actorId: by,
            projectId,
            entityType: "requirement",
            entityId: id,
            action: "requirement.assessed",
            summary: sentence.requirementAssessed(nameOf(by), title, d, f),
            before: { ...state, version: v - 1 },
            after: { ...next, version: v },
          });
          state = next;
          at += MINUTE + Math.floor(rng.float() * setupWindow * 0.5);
        }
        if (withdrawn) {
          const when = rng.between(updatedAt + HOUR, lifeEnd - MINUTE);
          v += 1;
          updatedAt = when;
          w.activity({
            at: when,
            actorId: author,
            projectId,
            entityType: "requirement",
            entityId: id,
            action: "requirement.withdrawn",
            summary: sentence.requirementWithdrawn(nameOf(author), title),
            before: { ...state, version: v - 1 },
            after: { ...state, status: "withdrawn", version: v },
          });
        }
        const status = withdrawn ? "withdrawn" : "active";
        w.insert("requirements", [
          id,
          projectId,
          title,
          description,
          target,
          priority,
          status,
          feasibility,
          dsFeasibility,
          dsConditions,
          dsNote,
          verdicts.data_science.by,
          verdicts.data_science.at,
          dsFeasibility === "unassessed" ? 1 : 2,
          itFeasibility,
          itConditions,
          itNote,
          verdicts.it.by,
          verdicts.it.at,
          itFeasibility === "unassessed" ? 1 : 2,
          author,
          reqCreated,
          updatedAt,
          v,
        ]);
        reqs.push({
          id,
          title,
          description,
          target,
          priority,
          status,
          feasibility,
          dsFeasibility,
          dsConditions,
          dsNote,
          itFeasibility,
          itConditions,
          itNote,
        });
      }

      // -- debt items
      const items: Item[] = [];
      const itemCount = rng.int(12, 28);
      for (let i = 0; i < itemCount; i++) {
        items.push(generateDebtItem());
      }

      function generateDebtItem(): Item {
        const id = ++ids.debt;
        const register = rng.chance(0.55) ? ("technical" as const) : ("organizational" as const);
        const categories: readonly { value: string }[] =
          register === "technical" ? TECHNICAL_CATEGORIES : ORGANIZATIONAL_CATEGORIES;
        const category = rng.pick(categories).value;
        const title = rng.pick(DEBT_TITLES[category]);
        const severity = rng.weighted([
          ["low", 25],
          ["medium", 40],
          ["high", 25],
          ["critical", 10],
        ] as const);
        const principalDays = rng.int(2, 60) / 2;
        const interestDays = rng.int(0, 12) / 4;
        const openedAt = rng.between(createdAt + HOUR, lifeEnd - 2 * HOUR);
        const stageIncurred = stageOn(openedAt);
        const creator = anyMember();
        const ownerId = rng.chance(0.9) ? anyMember() : null;
        const ageDays = (lifeEnd - openedAt) / DAY;
        const pSettled = Math.min(0.75, ageDays / 500);
        const r = rng.float();
        const status: "open" | "repaying" | "repaid" | "accepted" =
          r < pSettled * 0.8 ? "repaid" : r < pSettled ? "accepted" : rng.chance(0.45) ? "repaying" : "open";
        const unsettled = status === "open" || status === "repaying";
        const hasPlan =
          status === "repaid" ||
          status === "repaying" ||
          (status === "open" && rng.chance(0.65)) ||
          (status === "accepted" && rng.chance(0.3));
        const planAt = openedAt + 30 * MINUTE;
        const strategy = hasPlan ? rng.pick(STRATEGIES) : null;
        const targetDate = hasPlan ? utcDate(openedAt + rng.int(20, 240) * DAY) : null;
        const currentNext: Stage | null = stage === "poc" ? "pilot" : stage === "pilot" ? "production" : null;
        const repayBeforeStage = hasPlan && unsettled && currentNext && rng.chance(0.3) ? currentNext : null;
        let stepCount = 0;
        if (status === "repaid") stepCount = rng.chance(0.8) ? rng.int(1, 5) : 0;
        else if (status === "repaying") stepCount = rng.int(2, 5);
        else if (status === "open" && hasPlan) stepCount = rng.int(0, 3);
        const settledAt =
          status === "repaid" || status === "accepted"
            ? Math.min(
                lifeEnd - HOUR,
                planAt + stepCount * HOUR + Math.floor(rng.float() * 0.9 * (lifeEnd - planAt)) + HOUR,
              )
            : null;
        const doneCount = status === "repaid" ? stepCount : status === "repaying" ? rng.int(1, stepCount - 1) : 0;
        const base = { actorId: creator, projectId, entityType: "debt_item", entityId: id } as const;
        let v = 1;
        let updatedAt = openedAt;
        const description = `${title}. Taken on in the ${stageShortLabel[stageIncurred]} to move faster; it costs time every month until repaid.`;
        const benefit = "Results for the steering committee sooner.";
        const originalSeverity = rng.chance(0.25) ? rng.pick(["low", "medium", "high", "critical"] as const) : severity;
        w.activity({
          ...base,
          at: openedAt,
          action: "debt.created",
          summary: sentence.debtLogged(nameOf(creator), { title, register, severity: originalSeverity, principalDays }),
          after: {
            register,
            title,
            description,
            category,
            benefit,
            stageIncurred,
            severity: originalSeverity,
            principalDays,
            interestDays,
            ownerId,
            status: "open",
          },
        });
        if (originalSeverity !== severity) {
          const at = rng.between(openedAt + HOUR, settledAt ?? lifeEnd - MINUTE);
          v += 1;
          updatedAt = Math.max(updatedAt, at);
          w.activity({
            ...base,
            at,
            action: "debt.updated",
            summary: sentence.debtEdited(nameOf(creator), title, ["severity"], true),
            before: { severity: originalSeverity },
            after: { severity },
          });
        }
        if (strategy) {
          // A third of the plans had their target date moved out once.
          const moved = targetDate !== null && rng.chance(0.33);
          const firstTarget = moved ? utcDate(Date.parse(targetDate) - rng.int(14, 60) * DAY) : targetDate;
          v += 1;
          updatedAt = Math.max(updatedAt, planAt);
          w.activity({
            ...base,
            at: planAt,
            action: "debt.plan_updated",
            summary: sentence.debtEdited(
              nameOf(creator),
              title,
              repayBeforeStage ? ["strategy", "targetDate", "repayBeforeStage"] : ["strategy", "targetDate"],
              false,
            ),
            before: { strategy: null, targetDate: null, repayBeforeStage: null },
            after: { strategy, targetDate: firstTarget, repayBeforeStage },
          });
          if (moved) {
            const at = rng.between(planAt + 10 * MINUTE, Math.max(planAt + 20 * MINUTE, (settledAt ?? lifeEnd) - HOUR));
            const actor = ownerId ?? creator;
            v += 1;
            updatedAt = Math.max(updatedAt, at);
            w.activity({
              ...base,
              actorId: actor,
              at,
              action: "debt.plan_updated",
              summary: sentence.debtEdited(nameOf(actor), title, ["targetDate"], false),
              before: { targetDate: firstTarget },
              after: { targetDate },
            });
          }
        }
        const steps: Item["steps"] = [];
        const stepRows: Row[] = []; // written after the item (foreign key)
        // Steps never settle an item (app/domain/debt.ts): a repaid item's last step is done just
        // before someone marks it repaid, with a note.
        const doneEnd = settledAt != null ? settledAt - MINUTE : lifeEnd - MINUTE;
        // When steps were done: in order, after every step exists.
        const firstDone = planAt + stepCount * HOUR + MINUTE;
        const doneTimes = Array.from({ length: doneCount }, () => rng.between(firstDone, doneEnd)).sort(
          (a, b) => a - b,
        );
        if (status === "repaid" && doneCount > 0)
          doneTimes[doneCount - 1] = Math.max(doneEnd, doneTimes[doneCount - 1]);
        for (let s = 0; s < stepCount; s++) {
          const stepId = ++ids.step;
          const stepTitle = STEP_TITLES[(s + rng.int(0, 2)) % STEP_TITLES.length];
          const stepOwner = rng.chance(0.85) ? anyMember() : null;
          const stepCreated = planAt + (s + 1) * HOUR;
          const target = targetDate ? Date.parse(targetDate) : null;
          const dueDate =
            target === null ? null : utcDate(openedAt + Math.floor(((s + 1) / stepCount) * (target - openedAt)));
          const doneAt = s < doneCount ? doneTimes[s] : null;
          const doneBy = doneAt == null ? null : (stepOwner ?? creator);
          stepRows.push([
            stepId,
            id,
            s + 1,
            stepTitle,
            stepOwner,
            dueDate,
            doneAt,
            doneBy,
            stepCreated,
            doneAt == null ? 1 : 2,
          ]);
          v += 1;
          updatedAt = Math.max(updatedAt, stepCreated);
          w.activity({
            ...base,
            at: stepCreated,
            action: "debt.step_added",
            summary: sentence.stepAdded(nameOf(creator), s + 1, stepTitle, title, dueDate),
            after: { step: { id: stepId, title: stepTitle, ownerId: stepOwner, dueDate, done: false } },
          });
          steps.push({ id: stepId, title: stepTitle, ownerId: stepOwner, dueDate, done: doneAt != null });
        }
        for (let s = 0; s < doneCount; s++) {
          const step = steps[s];
          const doer = step.ownerId ?? creator;
          v += 1;
          updatedAt = Math.max(updatedAt, doneTimes[s]);
          w.activity({
            ...base,
            actorId: doer,
            at: doneTimes[s],
            action: "debt.step_done",
            summary: sentence.stepDone(nameOf(doer), s + 1, step.title, title, true, s === 0 ? "repaying" : null),
            before: { stepId: step.id, done: false, status: s === 0 ? "open" : "repaying" },
            after: { stepId: step.id, done: true, status: "repaying" },
          });
        }
        let statusNote: string | null = null;
        let acceptedJustification: string | null = null;
        let acceptedReviewDate: string | null = null;
        if (status === "repaid" || status === "accepted") {
          const actor = ownerId ?? creator;
          if (status === "repaid")
            statusNote =
              stepCount > 0
                ? "All repayment steps are done; the new path runs in production."
                : "Fixed as part of the next release.";
          else {
            acceptedJustification = "Cheaper to live with than to fix this year; revisit at the next review.";
            acceptedReviewDate = utcDate(settledAt! + rng.int(60, 240) * DAY);
          }
          v += 1;
          updatedAt = Math.max(updatedAt, settledAt!);
          w.activity({
            ...base,
            actorId: actor,
            at: settledAt!,
            action: "debt.status_changed",
            summary: sentence.debtStatusChanged(
              nameOf(actor),
              title,
              status === "accepted"
                ? { to: "accepted", reviewDate: acceptedReviewDate, justification: acceptedJustification }
                : { to: "repaid", note: statusNote },
            ),
            before: {
              status: doneCount > 0 ? "repaying" : "open",
              statusNote: null,
              repaidAt: null,
              acceptedJustification: null,
              acceptedReviewDate: null,
            },
            after: {
              status,
              statusNote,
              repaidAt: status === "repaid" ? settledAt : null,
              acceptedJustification,
              acceptedReviewDate,
            },
          });
        }
        if (status === "repaid") updatedAt = Math.max(updatedAt, settledAt!);
        w.insert("debt_items", [
          id,
          projectId,
          register,
          title,
          description,
          category,
          benefit,
          stageIncurred,
          severity,
          principalDays,
          interestDays,
          ownerId,
          status,
          statusNote,
          acceptedJustification,
          acceptedReviewDate,
          strategy,
          targetDate,
          repayBeforeStage,
          openedAt,
          status === "repaid" ? settledAt : null,
          creator,
          openedAt,
          updatedAt,
          v,
        ]);
        for (const row of stepRows) w.insert("repayment_steps", row);
        return {
          id,
          register,
          title,
          status,
          severity,
          ownerId,
          strategy,
          targetDate,
          repayBeforeStage,
          principalDays,
          interestDays,
          steps,
          openedAt,
          settledAt,
        };
      }

      // -- gate reviews
      for (const plan of reviewPlans) {
        const reviewId = ++ids.review;
        const opener = rng.chance(0.7) ? owner.id : anyMember();
        const target = plan.to as "pilot" | "production";
        const criteria = DEFAULT_CRITERIA[target];
        const statement = rng.pick(STATEMENTS[target]);
        const closing = plan.status === "promoted" || plan.status === "withdrawn";
        const horizon = plan.closedAt ?? now - MINUTE;
        const childRows: [string, Row][] = []; // criteria and sign-offs, written after the review
        // Attestations
        const criterionRows: CriterionRow[] = [];
        criteria.forEach((c, position) => {
          let attestedById: number | null = null;
          let attestedAt: number | null = null;
          let note: string | null = null;
          if (c.kind === "attestation" && (plan.status === "promoted" || rng.chance(0.5))) {
            attestedById = c.discipline ? memberOf(c.discipline) : anyMember();
            attestedAt = rng.between(plan.openedAt + MINUTE, Math.max(plan.openedAt + 2 * MINUTE, horizon - 2 * HOUR));
            note = rng.pick([
              "Checked with the team.",
              "See the runbook in the wiki.",
              "Reviewed in the weekly; evidence attached to the ticket.",
              "Confirmed by the platform team.",
            ]);
          }
          childRows.push([
            "gate_criteria",
            [
              reviewId,
              c.key,
              c.label,
              c.kind,
              c.discipline,
              position,
              attestedById,
              attestedAt,
              note,
              attestedById == null ? null : people[attestedById - 1].discipline,
            ],
          ]);
          criterionRows.push({
            key: c.key,
            label: c.label,
            kind: c.kind,
            discipline: c.discipline,
            attestedById,
            attestedAt,
            note,
          });
        });
        // Each discipline's live view of an open review, as the model's currentViews builds it;
        // a closed review is judged by its closing snapshot, whose fingerprints stand for the
        // content as it stood then (not rebuilt here).
        const views = plan.status === "open" ? viewsOf(gateContent(reqs, items, criterionRows, people)) : null;
        const closingPrints = Object.fromEntries(DISCIPLINES.map((d) => [d, rng.hex(64)])) as Record<
          Discipline,
          string
        >;
        // Sign-offs: one member per discipline at most, sometimes after an earlier request for changes.
        const signed: Array<{
          id: number;
          discipline: Discipline;
          userId: number;
          decision: string;
          standing: string;
        }> = [];
        for (const discipline of DISCIPLINES) {
          const signs = plan.status === "promoted" || rng.chance(plan.status === "open" ? 0.55 : 0.4);
          if (!signs) continue;
          const signer = memberOf(discipline);
          const decision =
            plan.status === "promoted"
              ? "approve"
              : rng.weighted([
                  ["approve", 70],
                  ["changes_requested", 30],
                ] as const);
          const earlier = rng.chance(0.2);
          const windowEnd = Math.max(plan.openedAt + 4 * HOUR, horizon - HOUR);
          let signedAt = rng.between(plan.openedAt + HOUR, windowEnd);
          if (earlier) {
            const earlierId = ++ids.signOff;
            const earlierAt = rng.between(plan.openedAt + 10 * MINUTE, signedAt - MINUTE);
            const comment = "The monitoring plan is missing; add it and I will approve.";
            const print = rng.hex(64);
            childRows.push([
              "sign_offs",
              [
                earlierId,
                reviewId,
                discipline,
                signer,
                "changes_requested",
                comment,
                print,
                null,
                earlierAt,
                "superseded",
                signedAt,
                null,
                null,
                null,
              ],
            ]);
            w.activity({
              at: earlierAt,
              actorId: signer,
              projectId,
              entityType: "sign_off",
              entityId: earlierId,
              action: "gate.signed_off",
              summary: sentence.signedOff(nameOf(signer), discipline, "changes_requested"),
              after: {
                reviewId,
                discipline,
                decision: "changes_requested",
                comment,
                fingerprint: print,
                conditionDebtItemIds: [],
              },
            });
            signedAt = Math.max(signedAt, earlierAt + MINUTE);
          }
          const id = ++ids.signOff;
          const comment =
            decision === "changes_requested"
              ? "The must-haves are not all assessed yet."
              : rng.chance(0.5)
                ? "Looks good from our side."
                : "";
          // On an open review: the signer's discipline's view when they signed (today's, unless
          // their concerns changed since: then it is stale and says what changed).
          let print = closingPrints[discipline];
          let snapshot: string | null = null;
          if (views) {
            const view = rng.chance(0.2) ? staleView(views[discipline]) : views[discipline];
            snapshot = canonicalView(view);
            print = viewFingerprint(view);
          }
          // The owner dismisses some requests for changes with a reason.
          const dismissed =
            plan.status === "open" && decision === "changes_requested" && signedAt < now - 2 * HOUR && rng.chance(0.25);
          const dismissedAt = dismissed ? rng.between(signedAt + MINUTE, now - MINUTE) : null;
          const dismissReason = dismissed ? rng.pick(DISMISS_REASONS) : null;
          childRows.push([
            "sign_offs",
            [
              id,
              reviewId,
              discipline,
              signer,
              decision,
              comment,
              print,
              snapshot,
              signedAt,
              "current",
              null,
              dismissed ? owner.id : null,
              dismissedAt,
              dismissReason,
            ],
          ]);
          w.activity({
            at: signedAt,
            actorId: signer,
            projectId,
            entityType: "sign_off",
            entityId: id,
            action: "gate.signed_off",
            summary: sentence.signedOff(nameOf(signer), discipline, decision),
            after: { reviewId, discipline, decision, comment, fingerprint: print, conditionDebtItemIds: [] },
          });
          if (dismissed) {
            w.activity({
              at: dismissedAt!,
              actorId: owner.id,
              projectId,
              entityType: "sign_off",
              entityId: id,
              action: "gate.changes_request_dismissed",
              summary: sentence.changesRequestDismissed(owner.name, nameOf(signer), discipline, dismissReason!),
              before: { dismissed: false },
              after: { dismissed: true, reason: dismissReason },
            });
          }
          signed.push({
            id,
            discipline,
            userId: signer,
            decision,
            standing: decision === "approve" ? "approved" : "changes_requested",
          });
        }
        // As app/models/gate-reviews-read.server.ts closingSnapshot writes it, for every closed
        // review (a stop withdraws the open review with its snapshot too: withdrawOpenReviewOf).
        const snapshot = closing
          ? JSON.stringify({
              fingerprints: closingPrints,
              criteria: criterionRows.map((c) => ({
                key: c.key,
                label: c.label,
                kind: c.kind,
                met: plan.status === "promoted" || c.kind === "auto",
                detail:
                  c.kind === "auto"
                    ? "Met when the review closed."
                    : c.attestedById
                      ? "Attested."
                      : "Not attested yet.",
                attestedByName: c.attestedById ? nameOf(c.attestedById) : null,
                attestedAt: c.attestedAt,
                attestationNote: c.note,
                evidenceUrl: null,
              })),
              panels: DISCIPLINES.map((d) => {
                const own = signed.filter((s) => s.discipline === d);
                const approvals = own.filter((s) => s.standing === "approved").length;
                return {
                  discipline: d,
                  status: own.some((s) => s.standing === "changes_requested")
                    ? "changes_requested"
                    : approvals
                      ? "approved"
                      : "missing",
                  approvals,
                  required: 1,
                  signOffs: own.map((s) => ({
                    id: s.id,
                    userName: nameOf(s.userId),
                    decision: s.decision,
                    standing: s.standing,
                    changes: [],
                  })),
                };
              }),
              blockers: plan.status === "promoted" ? [] : ["Withdrawn before every discipline approved."],
              requirements: reqs,
              debtItems: items
                .filter((d) => d.openedAt < plan.closedAt! && (d.settledAt == null || d.settledAt > plan.closedAt!))
                .map((d) => ({
                  id: d.id,
                  register: d.register,
                  title: d.title,
                  status: "open",
                  severity: d.severity,
                  ownerId: d.ownerId,
                  strategy: d.strategy,
                  targetDate: d.targetDate,
                  repayBeforeStage: d.repayBeforeStage,
                  principalDays: d.principalDays,
                  interestDays: d.interestDays,
                  signOffId: null,
                  stepCount: d.steps.length,
                  steps: [],
                })),
            })
          : null;
        const closedBy = closing ? owner.id : null;
        const closeNote = plan.closedByStop
          ? "Project stopped"
          : plan.status === "withdrawn"
            ? "Not ready yet; we reopen once the data contract is signed."
            : null;
        w.insert("gate_reviews", [
          reviewId,
          projectId,
          plan.from,
          plan.to,
          plan.status,
          opener,
          plan.openedAt,
          statement,
          1,
          closedBy,
          plan.closedAt,
          closeNote,
          snapshot,
          closing ? 2 : 1,
        ]);
        for (const [table, row] of childRows) w.insert(table, row);
        w.activity({
          at: plan.openedAt,
          actorId: opener,
          projectId,
          entityType: "gate_review",
          entityId: reviewId,
          action: "gate.review_opened",
          summary: sentence.reviewOpened(nameOf(opener), plan.from, plan.to),
          after: {
            reviewId,
            fromStage: plan.from,
            targetStage: plan.to,
            statement,
            requiredApprovals: 1,
            criteria: criteria.map((c) => c.key),
          },
        });
        for (const c of criterionRows) {
          if (!c.attestedById) continue;
          w.activity({
            at: c.attestedAt!,
            actorId: c.attestedById,
            projectId,
            entityType: "gate_criterion",
            entityId: null,
            action: "gate.attested",
            summary: sentence.attested(nameOf(c.attestedById), c.label),
            before: { attestedById: null, note: null, evidenceUrl: null },
            after: { attestedById: c.attestedById, note: c.note, evidenceUrl: null },
          });
        }
        if (plan.status === "promoted") {
          w.activity({
            at: plan.closedAt!,
            actorId: owner.id,
            projectId,
            entityType: "project",
            entityId: projectId,
            action: "project.stage_changed",
            summary: sentence.promoted(owner.name, name, plan.to, reviewId),
            before: { stage: plan.from },
            after: { stage: plan.to, reviewId },
          });
        } else if (plan.status === "withdrawn" && !plan.closedByStop) {
          w.activity({
            at: plan.closedAt!,
            actorId: owner.id,
            projectId,
            entityType: "gate_review",
            entityId: reviewId,
            action: "gate.review_withdrawn",
            summary: sentence.reviewWithdrawn(owner.name, plan.to, closeNote ?? ""),
            before: { status: "open" },
            after: { status: "withdrawn", note: closeNote },
          });
        }
      }

      // -- the state change
      if (stateAt !== null) {
        const withdrawn = reviewPlans.find((r) => r.closedByStop);
        const withdrawnId = withdrawn ? ids.review - reviewPlans.length + 1 + reviewPlans.indexOf(withdrawn) : null;
        // A stopped project keeps its open debt open (changeProjectState with openDebt "keep").
        const kept =
          state === "stopped" ? items.filter((d) => d.status === "open" || d.status === "repaying").length : 0;
        w.activity({
          at: stateAt,
          actorId: owner.id,
          projectId,
          entityType: "project",
          entityId: projectId,
          action: "project.state_changed",
          summary: sentence.projectStateChanged({
            actor: owner.name,
            project: name,
            to: state,
            stop: stopCause ? { cause: stopCause as StopCause, note: STOP_NOTES[stopCause] } : null,
            reviewWithdrawn: withdrawnId != null,
            openDebt: kept ? { choice: "keep", count: kept } : null,
          }),
          before: { state: "active" },
          after: {
            state,
            ...(stopCause ? { stopCause, stopNote: STOP_NOTES[stopCause] } : {}),
            ...(withdrawnId ? { withdrawnReviewId: withdrawnId } : {}),
            ...(kept ? { openDebt: "keep", openDebtCount: kept } : {}),
          },
        });
      }
    }

    w.commit();
    log(`  copying ${w.counts.gen_activity} activity rows in time order…`);
    // Sorting through a small index beats sorting the wide rows themselves.
    sqlite.exec("CREATE INDEX temp.gen_activity_order ON gen_activity (at, seq)");
    sqlite.exec(`INSERT INTO activity (at, actor_id, project_id, entity_type, entity_id, action, summary, before, after, via)
      SELECT at, actor_id, project_id, entity_type, entity_id, action, summary, before, after, via
      FROM temp.gen_activity ORDER BY at, seq`);
    w.end();
  } catch (error) {
    try {
      sqlite.exec("ROLLBACK");
    } catch {
      // no transaction open
    }
    throw error;
  }
  sqlite.exec("DROP TABLE temp.gen_activity");
  sqlite.pragma("journal_mode = WAL");
  log("  rebuilding indexes…");
  for (const index of droppedIndexes) sqlite.exec(index.sql);
  log("  ANALYZE…");
  // Sampled statistics: as good for the planner here, and seconds faster than a full scan.
  sqlite.pragma("analysis_limit = 2000");
  sqlite.exec("ANALYZE");
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  log("  done");
  sqlite.pragma("analysis_limit = 0");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("cache_size = -2000");
  sqlite.pragma("temp_store = DEFAULT");

  const counts: Record<string, number> = {};
  for (const table of [
    "users",
    "projects",
    "memberships",
    "requirements",
    "gate_reviews",
    "gate_criteria",
    "sign_offs",
    "debt_items",
    "repayment_steps",
    "activity",
  ]) {
    counts[table] = (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  }
  return {
    projects: projectCount,
    seed,
    now,
    counts,
    elapsedMs: Math.round(performance.now() - started),
    bench: { email: BENCH_EMAIL, password: BENCH_PASSWORD },
  };
}
