/**
 * Search (docs/domain.md, "Search"): the FTS5 index of migration 0008 finds a requirement by a
 * word of its target, a debt item by its description, a project, a review comment and a person;
 * it respects the kind and stage filters, pages, and stays in step with every write (edits,
 * withdrawals, a stop that writes debt off, a promotion, a deactivation), because the database's
 * own triggers write it in the writer's transaction: a write that rolls back leaves no entry.
 * Whatever is typed, the page answers 200 or 400 with a message, never 500; and the migration's
 * own fill (for the rows an installation already has) builds exactly what the triggers keep.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import fc from "fast-check";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db/client.server";
import { DEFAULT_CRITERIA } from "~/domain/gates";
import { createDebtItem, updateDebtItem } from "~/models/debt.server";
import { attest, openReview, promote, signOff } from "~/models/gates.server";
import { changeProjectState, createProject, updateProject } from "~/models/projects.server";
import {
  assessRequirement,
  createRequirement,
  updateRequirement,
  withdrawRequirement,
} from "~/models/requirements.server";
import { addComment, editComment } from "~/models/review-comments.server";
import {
  search,
  searchExpression,
  SEARCH_MAX_LENGTH,
  SEARCH_RANK_LIMIT,
  type SearchHit,
  type SearchInput,
} from "~/models/search.server";
import { addMember } from "~/models/team.server";
import { setUserActive, updateProfile, type Actor } from "~/models/users.server";
import * as searchRoute from "~/routes/search";
import { sqlite } from "../support/database";
import { callLoader } from "../support/requests";
import { createAdmin, createTestUser, signInAs, type TestUser } from "../support/users";

const actor = (u: TestUser): Actor => ({ id: u.id, name: u.name, role: u.role, discipline: u.discipline, via: "web" });

let bea: TestUser;
let dan: TestUser;
let ida: TestUser;
let irma: TestUser;
let admin: TestUser;
let beaCookie: string;

const member = { role: "member" as const };
const find = (q: string, options: Partial<SearchInput> = {}) => search({ q, viewer: member, ...options });
/** "kind:id" of each result, in order. */
const keys = (hits: SearchHit[]) => hits.map((h) => `${h.kind}:${h.id}`);
/** The matched words of a result's title and snippet, lower-cased. */
const marked = (hit: SearchHit) =>
  [...hit.title, ...hit.snippet].filter((s) => s.match).map((s) => s.text.toLowerCase());

function teamProject(name: string, summary = "", businessCase = "") {
  const project = createProject({ actor: actor(bea), name, summary, businessCase, ownerId: bea.id });
  addMember({ actor: actor(bea), projectId: project.id, userId: dan.id, discipline: "data_science" });
  addMember({ actor: actor(bea), projectId: project.id, userId: ida.id, discipline: "it" });
  return project;
}

function logDebt(projectId: number, title: string, description: string, planned = false) {
  return createDebtItem({
    plan: planned
      ? { strategy: "Automate it.", targetDate: null, repayBeforeStage: "production", steps: [] }
      : undefined,
    actor: actor(dan),
    projectId,
    register: "technical",
    title,
    description,
    category: "hard_coded_logic",
    benefit: "Results for the steering committee the next morning.",
    stageIncurred: "poc",
    severity: "high",
    principalDays: 5,
    interestDays: 1,
    ownerId: null,
  });
}

/** Everything a project needs to pass the gate to pilot, then the promotion. */
function promoteToPilot(projectId: number) {
  const requirement = createRequirement({
    actor: actor(bea),
    projectId,
    title: "Explain each warning",
    description: "",
    target: "the three strongest signals named",
    priority: "must",
  });
  for (const [who, version] of [
    [ida, requirement.itVersion],
    [dan, requirement.dsVersion],
  ] as const) {
    assessRequirement({
      actor: actor(who),
      requirementId: requirement.id,
      version,
      feasibility: "feasible",
      note: "",
      conditions: "",
    });
  }
  const review = openReview({ actor: actor(bea), projectId, statement: "The team is ready for this gate." });
  for (const c of DEFAULT_CRITERIA.pilot.filter((c) => c.kind === "attestation")) {
    attest({ actor: actor(c.discipline === "it" ? ida : dan), reviewId: review.id, key: c.key, note: "Checked." });
  }
  for (const u of [bea, dan, ida]) signOff({ actor: actor(u), reviewId: review.id, decision: "approve", comment: "" });
  return promote({ actor: actor(bea), reviewId: review.id });
}

let press: ReturnType<typeof teamProject>;
let bearing: ReturnType<typeof createRequirement>;
let vibration: ReturnType<typeof logDebt>;
let comment: ReturnType<typeof addComment>;
let reviewId: number;

beforeAll(async () => {
  bea = await createTestUser({ name: "Bea Business", discipline: "business" });
  dan = await createTestUser({ name: "Dan Science", discipline: "data_science" });
  ida = await createTestUser({ name: "Ida Ops", discipline: "it" });
  irma = await createTestUser({ name: "Irma Leaving", email: "irma.leaving@example.com", discipline: "it" });
  admin = await createAdmin({ name: "Ada Admin", discipline: "it" });
  beaCookie = signInAs(bea);
  press = teamProject(
    "Press line forecast",
    "Warn 48 hours before a hydraulic press fails.",
    "Unplanned stops cost the plant a shift.",
  );
  bearing = createRequirement({
    actor: actor(bea),
    projectId: press.id,
    title: "Warn before failures",
    description: "The maintenance planners act on the warning.",
    target: "precision above 0.8 on last quarter's bearing failures",
    priority: "must",
  });
  vibration = logDebt(press.id, "Hard-coded sensor join", "The vibration join is a notebook cell with constants.");
  reviewId = openReview({ actor: actor(bea), projectId: press.id, statement: "The proof of concept works." }).id;
  comment = addComment({ actor: actor(dan), reviewId, body: "Can we add the gearbox telemetry before the pilot?" });
});

describe("what search finds", () => {
  it("finds a requirement by a word of its target, and links to its row", () => {
    const result = find("bearing");
    expect(keys(result.hits)).toEqual([`requirement:${bearing.id}`]);
    const [hit] = result.hits;
    expect(hit.href).toBe(`/projects/${press.slug}/requirements#requirement-${bearing.id}`);
    expect(hit.title.map((s) => s.text).join("")).toBe("Warn before failures");
    expect(marked(hit)).toEqual(["bearing"]);
    expect(hit.snippet.map((s) => s.text).join("")).toContain("precision above 0.8 on last quarter's bearing failures");
    expect(result.counts).toEqual({ project: 0, requirement: 1, debt: 0, comment: 0, person: 0 });
  });

  it("finds a debt item by its description, and links to its page", () => {
    const [hit, ...rest] = find("vibration").hits;
    expect(rest).toEqual([]);
    expect(hit).toMatchObject({
      kind: "debt",
      id: vibration.id,
      href: `/projects/${press.slug}/debt/${vibration.id}`,
      status: "open",
      register: "technical",
      project: { slug: press.slug, name: "Press line forecast", stage: "poc" },
    });
    expect(marked(hit)).toEqual(["vibration"]);
  });

  it("finds a project by its summary or business case, a review comment, and a person by name or e-mail", () => {
    expect(keys(find("hydraulic").hits)).toEqual([`project:${press.id}`]);
    expect(keys(find("unplanned").hits)).toEqual([`project:${press.id}`]);
    const [said] = find("gearbox telemetry").hits;
    expect(said).toMatchObject({
      kind: "comment",
      id: comment.id,
      reviewId,
      href: `/projects/${press.slug}/gate#comment-${comment.id}`,
      author: { id: dan.id, name: "Dan Science" },
    });
    expect(said.title.map((s) => s.text).join("")).toBe("Dan Science’s comment on the gate review to Pilot");
    expect(keys(find("Irma").hits)).toEqual([`person:${irma.id}`]);
    expect(keys(find("irma.leaving@example.com").hits)).toEqual([`person:${irma.id}`]);
  });

  it("matches the start of the last word, word forms, accents and quoted phrases", () => {
    expect(keys(find("vibra").hits)).toEqual([`debt:${vibration.id}`]);
    expect(keys(find("failure").hits)).toContain(`requirement:${bearing.id}`); // "failures"
    expect(keys(find("notebook vibration").hits)).toEqual([`debt:${vibration.id}`]);
    expect(keys(find('"cell with constants"').hits)).toEqual([`debt:${vibration.id}`]);
    expect(keys(find('"constants with cell"').hits)).toEqual([]);
    expect(keys(find("vibrâtion").hits)).toEqual([`debt:${vibration.id}`]);
    // every word must appear
    expect(keys(find("vibration gearbox").hits)).toEqual([]);
  });

  it("ranks a match in the title above one in the text", () => {
    const inTitle = logDebt(press.id, "Telemetry gap in the night shift", "Nothing is recorded between two and four.");
    const inText = logDebt(press.id, "Manual export", "The telemetry is exported by hand every week.");
    const ranked = keys(find("telemetry", { kind: "debt" }).hits);
    expect(ranked.indexOf(`debt:${inTitle.id}`)).toBeLessThan(ranked.indexOf(`debt:${inText.id}`));
  });

  it("shows deactivated people to admins only, and links people to their page for admins", async () => {
    const quentin = await createTestUser({ name: "Quentin Quarry", email: "quentin@example.com", discipline: "it" });
    setUserActive({ actor: actor(admin), userId: quentin.id, active: false });
    expect(find("Quentin").hits).toEqual([]);
    expect(find("quentin@example.com").counts.person).toBe(0);
    const [seen] = search({ q: "Quentin", viewer: { role: "admin" } }).hits;
    expect(seen).toMatchObject({ kind: "person", id: quentin.id, active: false, href: `/people/${quentin.id}` });
    setUserActive({ actor: actor(admin), userId: quentin.id, active: true });
    const [back] = find("Quentin").hits;
    expect(back).toMatchObject({ active: true, href: `/debt?owner=${quentin.id}&status=unpaid` });
  });
});

describe("filters and pages", () => {
  let pilot: ReturnType<typeof teamProject>;
  let pilotDebt: ReturnType<typeof logDebt>;

  beforeAll(() => {
    pilot = teamProject("Bearing wear pilot", "Bearing wear from acoustic spectra.");
    pilotDebt = logDebt(pilot.id, "Bearing model retrained by hand", "Nobody owns the retraining.", true);
    // logged in PoC, found in Pilot after the promotion: the stage follows the project
    promoteToPilot(pilot.id);
  });

  it("filters by kind and by the project's stage, and counts each kind for the stage", () => {
    const all = find("bearing");
    expect(new Set(keys(all.hits))).toEqual(
      new Set([`requirement:${bearing.id}`, `project:${pilot.id}`, `debt:${pilotDebt.id}`]),
    );
    expect(all.total).toBe(3);

    expect(keys(find("bearing", { kind: "debt" }).hits)).toEqual([`debt:${pilotDebt.id}`]);
    expect(find("bearing", { kind: "debt" }).total).toBe(1);
    // the counts ignore the kind asked for, so every kind's link can say how many it holds
    expect(find("bearing", { kind: "debt" }).counts).toEqual(all.counts);

    const atPoc = find("bearing", { stage: "poc" });
    expect(keys(atPoc.hits)).toEqual([`requirement:${bearing.id}`]);
    expect(atPoc.counts).toEqual({ project: 0, requirement: 1, debt: 0, comment: 0, person: 0 });
    const atPilot = find("bearing", { stage: "pilot" });
    expect(new Set(keys(atPilot.hits))).toEqual(new Set([`project:${pilot.id}`, `debt:${pilotDebt.id}`]));
    expect(atPilot.hits.every((h) => h.project?.stage === "pilot")).toBe(true);
    expect(find("bearing", { stage: "production" }).total).toBe(0);
    // people belong to no project: a stage leaves them out
    expect(find("Irma", { stage: "poc" }).total).toBe(0);
  });

  it("pages the results, best match first, and answers a page past the end with no results", () => {
    const project = teamProject("Gizmo counting");
    for (let i = 1; i <= 25; i++) logDebt(project.id, `Gizmo shortcut ${i}`, "A quick fix.");
    const first = find("gizmo", { kind: "debt" });
    expect(first).toMatchObject({ total: 25, page: 1, pages: 2, pageSize: 20, ranked: true });
    expect(first.hits).toHaveLength(20);
    const second = find("gizmo", { kind: "debt", page: 2 });
    expect(second.hits).toHaveLength(5);
    expect(new Set([...keys(first.hits), ...keys(second.hits)]).size).toBe(25);
    expect(find("gizmo", { kind: "debt", page: 3 })).toMatchObject({ hits: [], total: 25, pages: 2 });
    expect(find("gizmo", { kind: "debt", pageSize: 10, page: 3 }).hits).toHaveLength(5);
    expect(() => find("gizmo", { pageSize: 0 })).toThrow(RangeError);
    expect(() => find("gizmo", { page: 0 })).toThrow(RangeError);
  });

  it("lists more matches than it ranks unranked, still paged without gaps or repeats", () => {
    expect(SEARCH_RANK_LIMIT).toBe(10_000);
    expect(find("gizmo", { kind: "debt" }).ranked).toBe(true);
    const pages = [1, 2, 3].map((page) => find("gizmo", { kind: "debt", page, pageSize: 10, rankLimit: 20 }));
    expect(pages.map((p) => p.ranked)).toEqual([false, false, false]);
    const seen = pages.flatMap((p) => keys(p.hits));
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
  });
});

describe("in step with every write", () => {
  it("follows an edit of a requirement's target and drops it when it is withdrawn", () => {
    const requirement = createRequirement({
      actor: actor(bea),
      projectId: press.id,
      title: "Cover the night shift",
      description: "",
      target: "alerts for the stamping cell too",
      priority: "should",
    });
    expect(keys(find("stamping").hits)).toEqual([`requirement:${requirement.id}`]);
    const edited = updateRequirement({
      actor: actor(bea),
      requirementId: requirement.id,
      version: requirement.version,
      title: "Cover the night shift",
      description: "",
      target: "alerts for the welding cell too",
      priority: "should",
    });
    expect(find("stamping").hits).toEqual([]);
    expect(keys(find("welding").hits)).toEqual([`requirement:${requirement.id}`]);
    withdrawRequirement({ actor: actor(bea), requirementId: requirement.id, version: edited.version });
    expect(find("welding").hits).toEqual([]);
    expect(find("welding").counts.requirement).toBe(0);
  });

  it("follows edits of a debt item, a comment, a project and a person's name", () => {
    const item = logDebt(press.id, "Feature store missing", "Features are recomputed in every notebook.");
    updateDebtItem({
      actor: actor(dan),
      itemId: item.id,
      version: item.version,
      details: {
        title: "Feature store missing",
        description: "Features are recomputed in every dashboard.",
        category: "hard_coded_logic",
        benefit: "Results for the steering committee the next morning.",
        stageIncurred: "poc",
        severity: "high",
        principalDays: 5,
        interestDays: 1,
        ownerId: null,
      },
    });
    expect(keys(find("recomputed notebook").hits)).toEqual([]);
    expect(keys(find("recomputed dashboard").hits)).toEqual([`debt:${item.id}`]);

    const said = addComment({ actor: actor(ida), reviewId, body: "The firewall rule is pending." });
    editComment({ actor: actor(ida), commentId: said.id, body: "The proxy rule is pending.", version: said.version });
    expect(find("firewall").hits).toEqual([]);
    expect(keys(find("proxy").hits)).toEqual([`comment:${said.id}`]);

    const project = teamProject("Kiln energy");
    updateProject({
      actor: actor(bea),
      projectId: project.id,
      version: project.version,
      name: "Furnace energy",
      summary: "",
      businessCase: "",
      ownerId: bea.id,
    });
    expect(find("kiln").hits).toEqual([]);
    expect(keys(find("furnace").hits)).toEqual([`project:${project.id}`]);

    updateProfile({ actor: actor(ida), name: "Ida Operator" });
    expect(keys(find("operator").hits)).toEqual([`person:${ida.id}`]);
    updateProfile({ actor: { ...actor(ida), name: "Ida Operator" }, name: "Ida Ops" });
    expect(find("operator").hits).toEqual([]);
  });

  it("still finds debt written off when its project stops, marked written off", () => {
    const project = teamProject("Sinter line");
    const item = logDebt(project.id, "Manual sinter log", "The sinter temperatures are typed in by hand.");
    const current = db.$client.prepare("select version from projects where id = ?").get(project.id) as {
      version: number;
    };
    changeProjectState({
      actor: actor(bea),
      projectId: project.id,
      version: current.version,
      change: {
        to: "stopped",
        stopCause: "data_access_quality",
        stopNote: "The sensors are gone.",
        openDebt: "write_off",
        writeOffReason: "The line was sold.",
      },
    });
    const [hit] = find("sinter temperatures").hits;
    expect(hit).toMatchObject({ kind: "debt", id: item.id, status: "written_off", project: { state: "stopped" } });
    // its write-off note is searchable too
    expect(keys(find("line was sold").hits)).toEqual([`debt:${item.id}`]);
  });

  it("writes nothing to the index when the write rolls back", () => {
    const before = indexRows();
    expect(() =>
      db.transaction((tx) => {
        createRequirement(
          {
            actor: actor(bea),
            projectId: press.id,
            title: "Vanishing requirement",
            description: "",
            target: "a quokka counted",
            priority: "could",
          },
          { tx },
        );
        // inside the transaction, it is there
        expect(
          sqlite().prepare(`select count(*) as n from search_index where search_index match 'quokka'`).get(),
        ).toEqual({ n: 1 });
        throw new Error("changed my mind");
      }),
    ).toThrow("changed my mind");
    expect(find("quokka").hits).toEqual([]);
    expect(indexRows()).toEqual(before);
  });

  it("holds exactly what the migration's own fill builds from the tables, and passes FTS5's integrity check", () => {
    const kept = indexRows();
    expect(kept.length).toBeGreaterThan(40);
    const raw = sqlite();
    raw.exec("savepoint rebuild");
    try {
      raw.exec("delete from search_index");
      for (const statement of migrationFill()) raw.exec(statement);
      expect(indexRows()).toEqual(kept);
    } finally {
      raw.exec("rollback to rebuild; release rebuild");
    }
    expect(() => raw.exec("insert into search_index (search_index, rank) values ('integrity-check', 1)")).not.toThrow();
  });

  it("has every trigger that keeps it in step (a migration rebuilding a table must recreate its own)", () => {
    const names = (
      sqlite().prepare("select name from sqlite_master where type = 'trigger' and name like 'search_%'").all() as {
        name: string;
      }[]
    ).map((t) => t.name);
    const expected = ["projects", "requirements", "debt_items", "review_comments", "users"].flatMap((table) =>
      ["insert", "update", "delete"].map((event) => `search_${table}_${event}`),
    );
    expect(names.sort()).toEqual([...expected, "search_projects_stage"].sort());
  });
});

describe("whatever is typed", () => {
  const HOSTILE = [
    '"',
    '""',
    "*",
    "NEAR(",
    "NEAR(a b",
    "-",
    "- -",
    "AND",
    "OR OR",
    "NOT",
    "(",
    ")",
    "a:b",
    "title:vibration",
    "{title}: x",
    "^vibration",
    "vibration*",
    '"unclosed vibration',
    "'; drop table projects; --",
    "\u{1F600}",
    "\uE000vibration\uE001",
    "ünïcödé",
    "x".repeat(SEARCH_MAX_LENGTH),
  ];

  it("never turns into FTS5 syntax: each word is a quoted string", () => {
    expect(searchExpression('vibration "cell with" NEAR(a, b) -x')).toBe('"vibration" "cell with" "NEAR a" "b" "x"');
    expect(searchExpression("ada.lovelace@example.com")).toBe('"ada lovelace example com"*');
    expect(searchExpression("a")).toBe('"a"');
    for (const q of ['"', "*", "-", "( )", "  "]) expect(searchExpression(q)).toBeNull();
  });

  it("answers every hostile search with results or a message, never an error", async () => {
    for (const q of HOSTILE) {
      expect(() => find(q), q).not.toThrow();
      const page = await callLoader(searchRoute.loader, `/search?${new URLSearchParams({ q })}`, { cookie: beaCookie });
      expect(page.status, q).toBe(200);
    }
    expect(keys(find('"unclosed vibration').hits)).toEqual([]); // both words must appear
    expect(keys(find("hard-coded sensor").hits)).toEqual([`debt:${vibration.id}`]);
  });

  it("refuses a search that is too long or holds control characters with a 400 and a message, searching nothing", async () => {
    const long = await callLoader(searchRoute.loader, `/search?q=${"v".repeat(500)}`, { cookie: beaCookie });
    expect(long.status).toBe(400);
    expect(long.data).toMatchObject({ result: null, error: expect.stringMatching(/under 100 characters/) });
    expect(long.data.q).toHaveLength(SEARCH_MAX_LENGTH);
    const control = await callLoader(searchRoute.loader, `/search?q=a%00b`, { cookie: beaCookie });
    expect(control.status).toBe(400);
    expect(control.data.error).toMatch(/control characters/);
  });

  it("ignores a malformed kind or stage and refuses a malformed page", async () => {
    const odd = await callLoader(searchRoute.loader, "/search?q=bearing&kind=secret&stage=moon", { cookie: beaCookie });
    expect(odd.status).toBe(200);
    expect(odd.data.filters).toEqual({ kind: undefined, stage: undefined });
    expect(odd.data.result.total).toBeGreaterThan(0);
    for (const page of ["0", "-1", "1e3", "abc", "100001"]) {
      const answer = await callLoader(searchRoute.loader, `/search?q=bearing&page=${page}`, { cookie: beaCookie });
      expect(answer.status, page).toBe(400);
    }
  });

  it("asks for a word when there is none, and sends signed-out visitors to sign in", async () => {
    const empty = await callLoader(searchRoute.loader, "/search", { cookie: beaCookie });
    expect(empty).toMatchObject({ status: 200, data: { q: "", result: null } });
    const punctuation = await callLoader(searchRoute.loader, `/search?q=${encodeURIComponent("*-")}`, {
      cookie: beaCookie,
    });
    expect(punctuation.data.result).toMatchObject({ searched: false, hits: [] });
    const anonymous = await callLoader(searchRoute.loader, "/search?q=bearing");
    expect(anonymous.status).toBe(302);
    expect(anonymous.location).toMatch(/^\/login/);
  });

  it("survives any string at all (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (q) => {
        const result = find(q);
        expect(result.total).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300, seed: 17 },
    );
  });
});

describe("an installation upgraded to migration 0008", () => {
  it("indexes the rows it already holds, and keeps withdrawn requirements out", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "triad-search-migration-"));
    try {
      const migrations = path.resolve(process.cwd(), "db/migrations");
      const journal = JSON.parse(fs.readFileSync(path.join(migrations, "meta/_journal.json"), "utf8"));
      const old = journal.entries.filter((e: { idx: number }) => e.idx < 8);
      const folder = path.join(dir, "migrations");
      fs.mkdirSync(path.join(folder, "meta"), { recursive: true });
      for (const { tag } of old) fs.copyFileSync(path.join(migrations, `${tag}.sql`), path.join(folder, `${tag}.sql`));
      fs.writeFileSync(path.join(folder, "meta/_journal.json"), JSON.stringify({ ...journal, entries: old }));

      const raw = new Database(path.join(dir, "old.db"));
      migrate(drizzle(raw), { migrationsFolder: folder });
      expect(raw.prepare("select count(*) as n from sqlite_master where name = 'search_index'").get()).toEqual({
        n: 0,
      });
      const T0 = 1_760_000_000_000;
      raw.exec(`
        insert into users (id, email, name, discipline, password_hash, created_at, updated_at)
          values (1, 'zelda@example.com', 'Zelda Zimmer', 'business', 'x', ${T0}, ${T0});
        insert into projects (id, slug, name, summary, owner_id, stage, stage_entered_at, created_at, updated_at)
          values (1, 'kiln', 'Kiln forecast', 'Forecast the kiln temperature.', 1, 'pilot', ${T0}, ${T0}, ${T0});
        insert into requirements (id, project_id, title, target, priority, status, created_by_id, created_at, updated_at)
          values (1, 1, 'Early warning', 'an hour before the kiln overheats', 'must', 'active', 1, ${T0}, ${T0}),
                 (2, 1, 'Old idea', 'a daily digest by e-mail', 'could', 'withdrawn', 1, ${T0}, ${T0});
        insert into debt_items (id, project_id, register, title, description, category, stage_incurred, severity,
            opened_at, created_by_id, created_at, updated_at)
          values (1, 1, 'technical', 'Thermocouple gaps', 'Missing thermocouple readings are filled by hand.',
            'hard_coded_logic', 'poc', 'high', ${T0}, 1, ${T0}, ${T0});
        insert into gate_reviews (id, project_id, from_stage, target_stage, status, opened_by_id, opened_at)
          values (1, 1, 'pilot', 'production', 'open', 1, ${T0});
        insert into review_comments (id, review_id, author_id, body, created_at)
          values (1, 1, 1, 'The refractory lining data is late.', ${T0});
      `);
      migrate(drizzle(raw), { migrationsFolder: migrations });
      const found = (match: string) =>
        raw.prepare("select rowid, kind, stage from search_index where search_index match ? order by rowid").all(match);
      expect(found('"zelda"')).toEqual([{ rowid: 1 * 8 + 5, kind: "person", stage: "" }]);
      expect(found('"kiln"')).toEqual([
        { rowid: 1 * 8 + 1, kind: "project", stage: "pilot" },
        { rowid: 1 * 8 + 2, kind: "requirement", stage: "pilot" },
      ]);
      expect(found('"digest"')).toEqual([]); // the withdrawn one
      expect(found('"thermocouple"')).toEqual([{ rowid: 1 * 8 + 3, kind: "debt", stage: "pilot" }]);
      expect(found('"refractory"')).toEqual([{ rowid: 1 * 8 + 4, kind: "comment", stage: "pilot" }]);
      // and from then on the triggers keep it
      raw.prepare("update projects set stage = 'production' where id = 1").run();
      expect(found('stage : "production"')).toHaveLength(4);
      raw.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------- helpers ----------

function indexRows() {
  return sqlite().prepare("select rowid, title, body, kind, stage from search_index order by rowid").all();
}

/** The statements of migration 0008 that fill the index from the tables. */
function migrationFill(): string[] {
  const file = path.resolve(process.cwd(), "db/migrations/0008_search.sql");
  return fs
    .readFileSync(file, "utf8")
    .split("--> statement-breakpoint")
    .map((s) => s.trim())
    .filter((s) => /^INSERT INTO `search_index` \(rowid/.test(s));
}
