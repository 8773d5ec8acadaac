/**
 * Upgrading an installation to migration 0003 (docs/domain.md, "Who may sign" and "What makes a
 * sign-off stale"): a database built with migrations 0000–0002 only, holding rows in the old
 * shape, is brought up to date by `applyMigrations` (the SQL migrations, then the sign-off
 * backfill and the reference data). Afterwards seats follow profiles, each verdict sits with
 * the assessor's discipline, sign-offs that counted still count (and those that were stale
 * stay stale), one person keeps one current sign-off per review, the Pilot checklist has its new
 * automatic criterion, and a second run changes nothing.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, closeDb, openDatabase } from "../../db/client.server";
import { DEFAULT_CRITERIA } from "~/domain/gates";
import { gateFingerprint, type FingerprintInput } from "~/domain/fingerprint";
import { getOpenReview, getReview } from "~/models/gates.server";
import { listTemplates } from "~/models/gate-templates.server";
import { listRequirements } from "~/models/requirements.server";
import { listTeam } from "~/models/team.server";

const MIGRATIONS = path.resolve(process.cwd(), "db/migrations");
const OLD_TAGS = ["0000_initial_schema", "0001_activity_append_only", "0002_scale_indexes"];
const T0 = 1_760_000_000_000;

let dir: string;
let file: string;
const previousUrl = process.env.DATABASE_URL;

/** A migrations folder with 0000–0002 only, as an installation had before 0003. */
function oldMigrationsFolder(): string {
  const folder = path.join(dir, "migrations-0002");
  fs.mkdirSync(path.join(folder, "meta"), { recursive: true });
  for (const tag of OLD_TAGS) fs.copyFileSync(path.join(MIGRATIONS, `${tag}.sql`), path.join(folder, `${tag}.sql`));
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS, "meta/_journal.json"), "utf8"));
  journal.entries = journal.entries.filter((e: { tag: string }) => OLD_TAGS.includes(e.tag));
  expect(journal.entries).toHaveLength(3);
  fs.writeFileSync(path.join(folder, "meta/_journal.json"), JSON.stringify(journal));
  return folder;
}

// ids of the old rows
const U = { brigitte: 1, dora: 2, ivan: 3, xavier: 4, yann: 5, zoe: 6 } as const;
const P1 = 1;
const P2 = 2;
const P3 = 3;
const R = { warn: 1, explain: 2, edge: 3, dashboard: 4, leftover: 5 } as const;
const REVIEW = { withdrawn: 1, open: 2, twoSeats: 3, orphan: 4 } as const;
const S = {
  closedOld: 1,
  business: 2,
  science: 3,
  itStale: 4,
  itEarlier: 5,
  yannBusiness: 6,
  yannIt: 7,
  orphanBusiness: 8,
} as const;
const STALE_FINGERPRINT = "0".repeat(64);
const CLOSING_SNAPSHOT = JSON.stringify({
  fingerprint: "f".repeat(64),
  criteria: [],
  panels: [],
  blockers: [],
  requirements: [],
  debtItems: [],
});

type Row = Record<string, unknown>;

/** The rows an installation at 0002 could hold, in the old shape, written with plain SQL. */
function seedOldRows(sqlite: Database.Database) {
  const insert = (table: string, row: Row) => {
    const keys = Object.keys(row);
    sqlite
      .prepare(`insert into ${table} (${keys.join(", ")}) values (${keys.map(() => "?").join(", ")})`)
      .run(...keys.map((k) => row[k] as never));
  };
  const user = (id: number, name: string, discipline: string) =>
    insert("users", {
      id,
      email: `${name.toLowerCase().replace(" ", ".")}@example.com`,
      name,
      discipline,
      role: "member",
      password_hash: "x",
      created_at: T0,
      updated_at: T0,
    });
  user(U.brigitte, "Brigitte Business", "business");
  user(U.dora, "Dora Data", "data_science");
  user(U.ivan, "Ivan Infra", "it");
  user(U.xavier, "Xavier Cross", "it"); // seated as data science on P1 (allowed before 0003)
  user(U.yann, "Yann Twice", "business");
  user(U.zoe, "Zoe Left", "business"); // sat as IT on P3, assessed, then left the team

  // the checklists as older versions seeded them: no no_open_debt_due_before_pilot yet
  for (const stage of ["pilot", "production"] as const) {
    DEFAULT_CRITERIA[stage]
      .filter((c) => c.key !== "no_open_debt_due_before_pilot")
      .forEach((c, position) =>
        insert("criterion_templates", {
          target_stage: stage,
          key: c.key,
          label: c.label,
          kind: c.kind,
          discipline: c.discipline,
          position,
          created_at: T0,
          updated_at: T0,
        }),
      );
  }

  const project = (id: number, name: string) =>
    insert("projects", {
      id,
      slug: name.toLowerCase().replace(/ /g, "-"),
      name,
      owner_id: U.brigitte,
      stage_entered_at: T0,
      created_at: T0,
      updated_at: T0,
    });
  project(P1, "Press line");
  project(P2, "Two seats");
  project(P3, "Left behind");
  const seat = (projectId: number, userId: number, discipline: string) =>
    insert("memberships", { project_id: projectId, user_id: userId, discipline, created_at: T0 });
  seat(P1, U.brigitte, "business");
  seat(P1, U.dora, "data_science");
  seat(P1, U.ivan, "it");
  seat(P1, U.xavier, "data_science");
  seat(P2, U.brigitte, "business");
  seat(P2, U.yann, "business");
  seat(P3, U.brigitte, "business");

  const requirement = (id: number, title: string, priority: string, assessment: Row) =>
    insert("requirements", {
      id,
      project_id: P1,
      title,
      description: `${title}, in detail.`,
      target: `${title} target`,
      priority,
      created_by_id: U.brigitte,
      created_at: T0,
      updated_at: T0,
      ...assessment,
    });
  requirement(R.warn, "Warn before a failure", "must", {
    feasibility: "feasible",
    feasibility_note: "Sensors at 1 Hz.",
    assessed_by_id: U.ivan,
    assessed_at: T0 + 1,
  });
  requirement(R.explain, "Explain each warning", "should", {
    feasibility: "feasible_with_conditions",
    conditions: "Needs labelled failures.",
    assessed_by_id: U.dora,
    assessed_at: T0 + 2,
  });
  // assessed by Xavier from his data science seat: the verdict goes to data science
  requirement(R.edge, "Run on the edge", "could", {
    feasibility: "infeasible",
    conditions: "No GPU on the edge.",
    assessed_by_id: U.xavier,
    assessed_at: T0 + 3,
  });
  requirement(R.dashboard, "A dashboard", "could", {});
  insert("requirements", {
    id: R.leftover,
    project_id: P3,
    title: "Keep the line running",
    target: "99 % uptime",
    priority: "must",
    feasibility: "feasible",
    feasibility_note: "Checked with the plant.",
    assessed_by_id: U.zoe,
    assessed_at: T0 + 4,
    created_by_id: U.brigitte,
    created_at: T0,
    updated_at: T0,
  });

  insert("debt_items", {
    id: 1,
    project_id: P1,
    register: "technical",
    title: "Hard-coded sensor join",
    category: "hard_coded_logic",
    stage_incurred: "poc",
    severity: "high",
    principal_days: 5,
    interest_days: 1.5,
    owner_id: U.ivan,
    strategy: "Move it to the shared pipeline.",
    target_date: "2030-03-01",
    opened_at: T0,
    created_by_id: U.ivan,
    created_at: T0,
    updated_at: T0,
  });
  insert("repayment_steps", {
    id: 1,
    debt_item_id: 1,
    position: 0,
    title: "Port the join",
    owner_id: U.dora,
    due_date: "2030-02-01",
    created_at: T0,
  });
  insert("debt_items", {
    id: 2,
    project_id: P1,
    register: "organizational",
    title: "No on-call rota",
    category: "missing_skills",
    stage_incurred: "poc",
    severity: "medium",
    status: "repaid",
    opened_at: T0,
    repaid_at: T0 + 5,
    created_by_id: U.ivan,
    created_at: T0,
    updated_at: T0,
  });

  const review = (id: number, projectId: number, status: string, extra: Row = {}) =>
    insert("gate_reviews", {
      id,
      project_id: projectId,
      from_stage: "poc",
      target_stage: "pilot",
      status,
      opened_by_id: U.brigitte,
      opened_at: T0 + 10 * id,
      ...extra,
    });
  review(REVIEW.withdrawn, P1, "withdrawn", {
    closed_by_id: U.brigitte,
    closed_at: T0 + 15,
    close_note: "Too early.",
    closing_snapshot: CLOSING_SNAPSHOT,
  });
  review(REVIEW.open, P1, "open");
  review(REVIEW.twoSeats, P2, "open");
  review(REVIEW.orphan, P3, "open");
  for (const reviewId of [REVIEW.open, REVIEW.twoSeats]) {
    DEFAULT_CRITERIA.pilot
      .filter((c) => c.key !== "no_open_debt_due_before_pilot")
      .forEach((c, position) => {
        const attested = reviewId === REVIEW.open && c.key === "ml_engineer_on_team";
        insert("gate_criteria", {
          review_id: reviewId,
          key: c.key,
          label: c.label,
          kind: c.kind,
          discipline: c.discipline,
          position,
          ...(attested ? { attested_by_id: U.dora, attested_at: T0 + 30, attestation_note: "Dora, full time." } : {}),
        });
      });
  }

  // The old whole-gate fingerprint of P1 and of P2, as older versions stored it on a sign-off.
  const p1: FingerprintInput = {
    requirements: [
      {
        id: R.warn,
        title: "Warn before a failure",
        description: "Warn before a failure, in detail.",
        target: "Warn before a failure target",
        priority: "must",
        status: "active",
        feasibility: "feasible",
        conditions: null,
        feasibilityNote: "Sensors at 1 Hz.",
      },
      {
        id: R.explain,
        title: "Explain each warning",
        description: "Explain each warning, in detail.",
        target: "Explain each warning target",
        priority: "should",
        status: "active",
        feasibility: "feasible_with_conditions",
        conditions: "Needs labelled failures.",
        feasibilityNote: null,
      },
      {
        id: R.edge,
        title: "Run on the edge",
        description: "Run on the edge, in detail.",
        target: "Run on the edge target",
        priority: "could",
        status: "active",
        feasibility: "infeasible",
        conditions: "No GPU on the edge.",
        feasibilityNote: null,
      },
      {
        id: R.dashboard,
        title: "A dashboard",
        description: "A dashboard, in detail.",
        target: "A dashboard target",
        priority: "could",
        status: "active",
        feasibility: "unassessed",
        conditions: null,
        feasibilityNote: null,
      },
    ],
    attestations: [
      { key: "ml_engineer_on_team", attestedById: U.dora, note: "Dora, full time." },
      { key: "data_access_quality_assessed", attestedById: null, note: null },
      { key: "privacy_security_reviewed", attestedById: null, note: null },
    ],
    debtItems: [
      {
        id: 1,
        register: "technical",
        title: "Hard-coded sensor join",
        status: "open",
        severity: "high",
        ownerId: U.ivan,
        strategy: "Move it to the shared pipeline.",
        targetDate: "2030-03-01",
        repayBeforeStage: null,
        principalDays: 5,
        interestDays: 1.5,
        steps: [{ id: 1, title: "Port the join", ownerId: U.dora, dueDate: "2030-02-01", done: false }],
      },
    ],
  };
  const p2: FingerprintInput = { requirements: [], attestations: [], debtItems: [] };
  const p3: FingerprintInput = {
    requirements: [
      {
        id: R.leftover,
        title: "Keep the line running",
        description: "",
        target: "99 % uptime",
        priority: "must",
        status: "active",
        feasibility: "feasible",
        conditions: null,
        feasibilityNote: "Checked with the plant.",
      },
    ],
    attestations: [],
    debtItems: [],
  };
  const counted = gateFingerprint(p1);

  const signOff = (
    id: number,
    reviewId: number,
    discipline: string,
    userId: number,
    fingerprint: string,
    extra: Row = {},
  ) =>
    insert("sign_offs", {
      id,
      review_id: reviewId,
      discipline,
      user_id: userId,
      decision: "approve",
      fingerprint,
      signed_at: T0 + 100 + id,
      ...extra,
    });
  signOff(S.closedOld, REVIEW.withdrawn, "business", U.brigitte, "c".repeat(64));
  signOff(S.business, REVIEW.open, "business", U.brigitte, counted, { comment: "Worth it." });
  signOff(S.science, REVIEW.open, "data_science", U.dora, counted, {
    decision: "approve_with_conditions",
    comment: "With labels.",
  });
  signOff(S.itStale, REVIEW.open, "it", U.ivan, STALE_FINGERPRINT);
  signOff(S.itEarlier, REVIEW.open, "it", U.ivan, STALE_FINGERPRINT, { status: "superseded", ended_at: T0 + 104 });
  // before 0003 one person could hold current sign-offs in two disciplines of one review
  signOff(S.yannBusiness, REVIEW.twoSeats, "business", U.yann, gateFingerprint(p2));
  signOff(S.yannIt, REVIEW.twoSeats, "it", U.yann, gateFingerprint(p2));
  signOff(S.orphanBusiness, REVIEW.orphan, "business", U.brigitte, gateFingerprint(p3));
  return { counted };
}

/** Every table, row by row (the append-only activity table included). */
function dump(sqlite: Database.Database) {
  const names = (
    sqlite
      .prepare(
        "select name from pragma_table_list where schema = 'main' and type = 'table' and name not like 'sqlite_%' order by name",
      )
      .all() as { name: string }[]
  ).map((t) => t.name);
  return Object.fromEntries(
    names.map((name) => [name, sqlite.prepare(`select * from "${name}" order by rowid`).all()]),
  );
}

let legacy: { counted: string };
let afterFirstRun: ReturnType<typeof dump>;
let afterSecondRun: ReturnType<typeof dump>;
let oldSchemaHadNoSnapshot = false;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "triad-migration-0003-"));
  file = path.join(dir, "old.db");

  // 1. an installation at 0002
  const sqlite = new Database(file);
  sqlite.pragma("foreign_keys = ON");
  migrate(drizzle(sqlite), { migrationsFolder: oldMigrationsFolder() });
  oldSchemaHadNoSnapshot = !(
    sqlite.prepare("select name from pragma_table_info('sign_offs')").all() as { name: string }[]
  ).some((c) => c.name === "snapshot");
  legacy = seedOldRows(sqlite);
  sqlite.close();

  // 2. the upgrade, as the app runs it on start, twice
  delete process.env.TRIAD_MIGRATIONS_DIR;
  const database = openDatabase(file);
  applyMigrations(database);
  afterFirstRun = dump(database.$client);
  applyMigrations(database);
  afterSecondRun = dump(database.$client);
  database.$client.close();

  // 3. the app reads the upgraded file through its models
  closeDb();
  process.env.DATABASE_URL = file;
});

afterAll(() => {
  closeDb();
  process.env.DATABASE_URL = previousUrl;
  fs.rmSync(dir, { recursive: true, force: true });
});

const raw = () => {
  const sqlite = new Database(file, { readonly: true });
  return {
    all: <T = Row>(sql: string, ...args: unknown[]) => sqlite.prepare(sql).all(...(args as never[])) as T[],
    close: () => sqlite.close(),
  };
};

function query<T = Row>(sql: string, ...args: unknown[]): T[] {
  const db = raw();
  try {
    return db.all<T>(sql, ...args);
  } finally {
    db.close();
  }
}

describe("migration 0003 on an installation with data", () => {
  it("starts from the old schema", () => {
    expect(oldSchemaHadNoSnapshot).toBe(true);
    expect(query("select count(*) as n from sign_offs")).toEqual([{ n: 8 }]);
  });

  it("seats follow the person's profile discipline", () => {
    expect(
      query("select m.user_id from memberships m join users u on u.id = m.user_id where m.discipline <> u.discipline"),
    ).toEqual([]);
    expect(query("select discipline from memberships where project_id = ? and user_id = ?", P1, U.xavier)).toEqual([
      { discipline: "it" },
    ]);
    expect(listTeam(P1).map((m) => [m.name, m.discipline])).toEqual(
      expect.arrayContaining([
        ["Xavier Cross", "it"],
        ["Dora Data", "data_science"],
      ]),
    );
  });

  it("each verdict goes to the assessor's discipline (their seat at the time) and the combined verdict is recomputed", () => {
    const rows = Object.fromEntries(listRequirements(P1).map((r) => [r.id, r]));
    expect(rows[R.warn]).toMatchObject({
      itFeasibility: "feasible",
      itNote: "Sensors at 1 Hz.",
      itAssessedByName: "Ivan Infra",
      dsFeasibility: "unassessed",
      dsAssessedByName: null,
      // data science has not spoken yet
      feasibility: "unassessed",
    });
    expect(rows[R.explain]).toMatchObject({
      dsFeasibility: "feasible_with_conditions",
      dsConditions: "Needs labelled failures.",
      dsAssessedByName: "Dora Data",
      itFeasibility: "unassessed",
      feasibility: "unassessed",
    });
    expect(rows[R.edge]).toMatchObject({
      dsFeasibility: "infeasible",
      dsConditions: "No GPU on the edge.",
      dsAssessedByName: "Xavier Cross",
      itFeasibility: "unassessed",
      // a known blocker wins
      feasibility: "infeasible",
    });
    expect(rows[R.dashboard]).toMatchObject({
      dsFeasibility: "unassessed",
      itFeasibility: "unassessed",
      feasibility: "unassessed",
    });
  });

  it("sign-offs that counted before still count; the one that was stale stays stale and says why", () => {
    const view = getOpenReview(P1)!;
    expect(view.review.id).toBe(REVIEW.open);
    const standing = (d: string) =>
      view.panels.find((p) => p.discipline === d)!.signOffs.map((s) => [s.id, s.status, s.standing]);
    expect(standing("business")).toEqual([[S.business, "current", "approved"]]);
    expect(standing("data_science")).toEqual([[S.science, "current", "approved_with_conditions"]]);
    expect(standing("it")).toEqual([[S.itStale, "current", "stale"]]);

    const it_ = view.panels.find((p) => p.discipline === "it")!;
    expect(it_.status).toBe("stale");
    expect(it_.signOffs[0].changes).toEqual([
      expect.stringMatching(/given before Triad kept what each discipline signed for/),
    ]);
    expect(it_.earlier.map((s) => [s.id, s.status])).toEqual([[S.itEarlier, "superseded"]]);
    expect(view.panels.map((p) => p.status)).toEqual(["approved", "approved_with_conditions", "stale"]);
    expect(view.blockers).toContain(
      "Ivan Infra's sign-off for IT operations is stale: what concerns IT operations changed after Ivan Infra signed. Ivan Infra must renew it.",
    );
    expect(view.review).toMatchObject({ requiredApprovals: 1, statement: "" });
  });

  it("the counting sign-offs got their discipline's view; the stale one keeps none", () => {
    const rows = query<{ id: number; fingerprint: string; snapshot: string | null }>(
      "select id, fingerprint, snapshot from sign_offs where review_id = ? and status = 'current' order by id",
      REVIEW.open,
    );
    const view = getOpenReview(P1)!;
    expect(rows).toEqual([
      { id: S.business, fingerprint: view.fingerprints.business, snapshot: expect.any(String) },
      { id: S.science, fingerprint: view.fingerprints.data_science, snapshot: expect.any(String) },
      { id: S.itStale, fingerprint: expect.stringMatching(/^legacy-stale:0{64}$/), snapshot: null },
    ]);
    expect(rows[0].fingerprint).not.toBe(legacy.counted);
    expect(JSON.parse(rows[0].snapshot!)).toEqual(view.views.business);
  });

  it("one person keeps one current sign-off per review: the latest", () => {
    const rows = query(
      "select id, discipline, status, ended_at from sign_offs where review_id = ? and user_id = ? order by id",
      REVIEW.twoSeats,
      U.yann,
    );
    expect(rows).toEqual([
      { id: S.yannBusiness, discipline: "business", status: "superseded", ended_at: T0 + 100 + S.yannBusiness },
      { id: S.yannIt, discipline: "it", status: "current", ended_at: null },
    ]);
    // Yann sits as business: his IT sign-off no longer counts
    const it_ = getOpenReview(P2)!.panels.find((p) => p.discipline === "it")!;
    expect(it_.signOffs.map((s) => [s.userName, s.standing])).toEqual([["Yann Twice", "invalid"]]);
  });

  it("a verdict whose assessor has since left the team is kept, and the sign-offs given on it still count", () => {
    // Zoe (business on her profile) sat as IT on P3 before 0003 (only IT and data science
    // assessed), gave the verdict, then left. Her verdict must not vanish in the upgrade: it
    // can only have been IT's or data science's, and the sign-off given on it counted.
    const [row] = listRequirements(P3);
    expect([row.dsFeasibility, row.itFeasibility]).toContain("feasible");
    const business = getOpenReview(P3)!.panels.find((p) => p.discipline === "business")!;
    expect(business.signOffs.map((s) => [s.id, s.standing])).toEqual([[S.orphanBusiness, "approved"]]);
  });

  it("closed reviews keep their closing snapshot and their sign-offs untouched", () => {
    expect(query("select status, closing_snapshot from gate_reviews where id = ?", REVIEW.withdrawn)).toEqual([
      { status: "withdrawn", closing_snapshot: CLOSING_SNAPSHOT },
    ]);
    expect(query("select fingerprint, snapshot, status from sign_offs where id = ?", S.closedOld)).toEqual([
      { fingerprint: "c".repeat(64), snapshot: null, status: "current" },
    ]);
    expect(getReview(REVIEW.withdrawn)!.review.status).toBe("withdrawn");
  });

  it("the Pilot checklist gains the new automatic criterion at its end; open reviews keep theirs", () => {
    const pilot = listTemplates("pilot");
    expect(pilot.map((t) => t.key)).toEqual(DEFAULT_CRITERIA.pilot.map((c) => c.key));
    expect(pilot.at(-1)).toMatchObject({
      key: "no_open_debt_due_before_pilot",
      kind: "auto",
      discipline: null,
      active: true,
    });
    expect(listTemplates("production").map((t) => t.key)).toEqual(DEFAULT_CRITERIA.production.map((c) => c.key));
    expect(getOpenReview(P1)!.criteria.map((c) => c.key)).not.toContain("no_open_debt_due_before_pilot");
  });

  it("running the migrations again changes nothing", () => {
    expect(afterSecondRun).toEqual(afterFirstRun);
  });
});
