/**
 * Hostile input for the property-based tests of tests/integration/hostile-input.*.property.test.ts
 * (issue 13, "Security hardening"): fast-check arbitraries for the values an attacker or a
 * broken client sends, the organisation those tests attack, a snapshot of every table, and a
 * transaction per generated request so every run starts from the same rows.
 *
 * Reproducing a failure: fast-check prints `seed` and `path` with the shrunk counterexample;
 *   HOSTILE_SEED=<seed> HOSTILE_PATH=<path> npx vitest run tests/integration/hostile-input.api.property.test.ts
 * replays exactly that case. By default the seed is fixed (DEFAULT_SEED), so every run tries
 * the same cases; HOSTILE_SEED=random explores new ones, HOSTILE_RUNS=<n> sets the runs per
 * operation. (Not a test file: no `.test`.)
 */
import fc from "fast-check";
import type { Discipline } from "../../app/domain/vocabulary";
import { MAX_INPUT_DATE, MIN_INPUT_DATE } from "~/domain/dates";
import { addComment } from "~/models/review-comments.server";
import { createDebtItem } from "~/models/debt/items.server";
import { getDebtItem } from "~/models/debt/project.server";
import { getReview, openReview, signOff } from "~/models/gates.server";
import { changeProjectState, createProject } from "~/models/projects.server";
import { assessRequirement, createRequirement } from "~/models/requirements.server";
import { addMember } from "~/models/team.server";
import { createToken } from "~/models/tokens.server";
import type { Actor } from "~/models/users.server";
import { sqlite } from "./database";
import { createAdmin, createTestUser, signInAs, type TestUser } from "./users";

// ---------- how many runs, which seed ----------

export const DEFAULT_SEED = 20_270_301;

/** fast-check parameters shared by every property: a fixed seed unless HOSTILE_SEED says otherwise. */
export function propertyParameters(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.HOSTILE_SEED;
  const runs = Number(process.env.HOSTILE_RUNS) || numRuns;
  return {
    numRuns: runs,
    ...(seed === "random" ? {} : { seed: seed ? Number(seed) : DEFAULT_SEED }),
    ...(process.env.HOSTILE_PATH ? { path: process.env.HOSTILE_PATH } : {}),
    // Shrinking replays a request per step; bound it so a failing operation still ends in time.
    interruptAfterTimeLimit: 40_000,
    markInterruptAsFailure: false,
  };
}

// ---------- values that print short ----------

/** A very long string, printed as `"unit".repeat(count)` in counterexamples. */
export class Long {
  constructor(
    readonly unit: string,
    readonly count: number,
  ) {}
  get text(): string {
    return this.unit.repeat(this.count);
  }
  [fc.toStringMethod](): string {
    return `${JSON.stringify(this.unit)}.repeat(${this.count})`;
  }
}

/** A JSON token written as is: `1e999` (parses to Infinity), `NaN` (not JSON at all), deep nesting. */
export class RawJson {
  constructor(
    readonly text: string,
    readonly label = text,
  ) {}
  [fc.toStringMethod](): string {
    return `raw(${this.label})`;
  }
}

/** Many copies of one value (a list longer than any limit). */
export class Many {
  constructor(
    readonly item: unknown,
    readonly count: number,
  ) {}
  get items(): unknown[] {
    return Array.from({ length: this.count }, () => this.item);
  }
  [fc.toStringMethod](): string {
    return `Array(${this.count}).fill(${fc.stringify(this.item)})`;
  }
}

export type HostileString = string | Long;

export const textOf = (value: HostileString): string => (value instanceof Long ? value.text : value);

/** JSON text of a value that may hold Long, RawJson and Many (and NaN, ±Infinity, -0, which JSON cannot say). */
export function toJsonText(value: unknown): string {
  if (value instanceof Long) return JSON.stringify(value.text);
  if (value instanceof RawJson) return value.text;
  if (value instanceof Many) return toJsonText(value.items);
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NaN";
    if (value === Infinity) return "1e999";
    if (value === -Infinity) return "-1e999";
    if (Object.is(value, -0)) return "-0";
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** The text a form field or query parameter carries for a value. */
export function toFormText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Long) return value.text;
  if (value instanceof RawJson) return value.text;
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (value === undefined) return "";
  return toJsonText(value);
}

// ---------- the hostile values ----------

export const CONTROL_CHARACTERS = [
  "\u0000",
  "\u0001",
  "\u0007",
  "\b",
  "\t",
  "\n",
  "\u000b",
  "\f",
  "\r",
  "\r\n",
  "\u001b",
  "\u001b[31m",
  "\u007f",
  "\u0085",
  "\u009b",
  "\u2028",
  "\u2029",
];

/** Astral, right-to-left, zero-width, combining and lone-surrogate characters. */
export const UNICODE_OFFENDERS = [
  "😀",
  "👩‍👩‍👧‍👦",
  "𝕏",
  "\u{10FFFF}",
  "\uFFFF",
  "\uFFFD",
  "\uD83D", // a lone high surrogate
  "\uDE00", // a lone low surrogate
  "\u200B",
  "\u200C",
  "\u200D",
  "\u2060",
  "\uFEFF",
  "\u202E",
  "\u202D",
  "\u2066",
  "\u2069",
  "\u061C",
  "\u0301",
  "e\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308",
  "שלום",
  "مرحبا",
  "İ",
  "ß",
  "ﬃ",
  "\u00A0",
  "\u3000",
  "\u1680",
  "ﷺ",
];

const MARKUP_AND_INJECTION = [
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "javascript:alert(1)",
  "'; drop table projects; --",
  "' or '1'='1",
  "%00",
  "%0d%0aSet-Cookie: a=b",
  "${{7*7}}",
  "{{constructor.constructor('x')()}}",
  "../../../../etc/passwd",
  "=cmd|' /C calc'!A0",
  "@everyone",
  "@",
  "\\",
  "`",
];

const LONG_UNITS = ["a", "é", "😀", "\u0000", "x\u200B", "\u202E", "e\u0301", " ", "\n", "<b>", "@a "];

/** Strings of 100 to 100,000 repeats (up to ~400 kB of UTF-8). */
export const longText: fc.Arbitrary<Long> = fc
  .record({ unit: fc.constantFrom(...LONG_UNITS), count: fc.integer({ min: 100, max: 100_000 }) })
  .map(({ unit, count }) => new Long(unit, count));

/** Just past the usual limits: 121, 201, 255, 301, 501, 1001, 2001, 4001 characters. */
export const pastLimitText: fc.Arbitrary<Long> = fc
  .record({
    unit: fc.constantFrom("a", "😀", "\u0000", "e\u0301"),
    count: fc.constantFrom(81, 101, 121, 201, 255, 301, 501, 1001, 2001, 4001, 10_001),
  })
  .map(({ unit, count }) => new Long(unit, count));

export const unicodeText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...UNICODE_OFFENDERS),
  fc.string({ unit: fc.constantFrom(...UNICODE_OFFENDERS, "a", " "), minLength: 1, maxLength: 12 }),
  fc.string({ unit: "binary", minLength: 1, maxLength: 12 }),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }),
);

export const controlText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...CONTROL_CHARACTERS),
  fc.string({ unit: fc.constantFrom(...CONTROL_CHARACTERS, "a", " "), minLength: 1, maxLength: 12 }),
);

export const HOSTILE_NUMBERS = [
  NaN,
  Infinity,
  -Infinity,
  -1,
  0,
  -0,
  0.5,
  1.5,
  1e-7,
  5e-324,
  1e308,
  -1e308,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2, // 2^53+1 is not a double: the nearest one above 2^53
  2 ** 63,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  10_001,
  1_000.5,
];

/** 2^53+1 and friends as JSON number tokens (JSON.parse rounds them), and 1e999 (Infinity). */
export const RAW_NUMBER_TOKENS = [
  "9007199254740993",
  "1e999",
  "-1e999",
  "1e-999",
  "-0",
  "1E2",
  "0.0000000000000000000001",
  "123456789012345678901234567890",
];

export const NUMERIC_STRINGS = [
  "1e20",
  " 2",
  "2 ",
  "0x10",
  "0b1",
  "0o7",
  "1_000",
  "2,5",
  "1.",
  ".5",
  "+1",
  "-1",
  "-0",
  "0",
  "Infinity",
  "-Infinity",
  "NaN",
  "",
  " ",
  "00000000000000000001",
  "9007199254740993",
  "9".repeat(400),
  "1e-400",
  "١٢",
  "２",
  "1\u00002",
  "3\u200B",
  "1 000",
  "1e3",
];

export const hostileNumber: fc.Arbitrary<number | RawJson> = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_NUMBERS), weight: 3 },
  { arbitrary: fc.constantFrom(...RAW_NUMBER_TOKENS).map((t) => new RawJson(t)), weight: 1 },
  { arbitrary: fc.double(), weight: 1 },
  { arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 31 }), weight: 1 },
);

/** Dates that do not exist or are out of any sensible range, and date-like garbage. */
export const IMPOSSIBLE_DATES = [
  "2027-02-30",
  "2027-02-29",
  "2028-02-30",
  "2100-02-29",
  "2027-04-31",
  "2027-06-31",
  "2027-13-01",
  "2027-00-10",
  "2027-12-32",
  "2027-01-00",
  "0000-01-01",
  "0001-01-01",
  "1899-12-31",
  "1999-12-31",
  "3000-01-01",
  "1970-01-01",
  "9999-12-31",
  "99999-01-01",
  "+002027-01-01",
  "-000001-01-01",
  "2027-1-1",
  "27-01-01",
  "2027/01/01",
  "01.02.2027",
  "2027-01-01T00:00:00Z",
  "2027-01-01T25:00:00",
  "2027-01-01 ",
  " 2027-01-01",
  "2027-01-01\u0000",
  "2027-01-01\n2027-01-02",
  "2027-W01-1",
  "2027-001",
  "１２３４-01-01",
  "2027-٠١-01",
  "today",
  "Invalid Date",
];

export const hostileDate: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...IMPOSSIBLE_DATES), weight: 3 },
  {
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }))
      .map(([y, m, d]) => `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`),
    weight: 2,
  },
);

/** An object with an own `__proto__` key, as JSON.parse makes it (an object literal would set the prototype). */
const protoPollution = () => JSON.parse('{"__proto__":{"isAdmin":true,"role":"admin"}}') as unknown;

/** Wrong JSON types: null, booleans, arrays, objects, operator objects, deep nesting. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  {
    arbitrary: fc.constantFrom<unknown>(
      null,
      true,
      false,
      [],
      {},
      [""],
      [1],
      ["a", "b"],
      [null],
      { $gt: "" },
      { $ne: null },
      { toString: "x" },
      { length: 1e9 },
    ),
    weight: 4,
  },
  { arbitrary: fc.constant(null).map(protoPollution), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 2 },
  {
    arbitrary: fc
      .constantFrom(64, 5_000)
      .map((depth) => new RawJson(`${"[".repeat(depth)}${"]".repeat(depth)}`, `${depth} nested arrays`)),
    weight: 1,
  },
);

/** Field names a client has no business sending. */
export const UNKNOWN_FIELD_NAMES = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "id",
  "projectId",
  "userId",
  "createdById",
  "createdAt",
  "role",
  "admin",
  "stage",
  "status",
  "passwordHash",
  "version ",
  "Version",
  "title\u0000",
  "",
  " ",
  "😀",
  "a".repeat(1000),
  "a.b",
  "a[]",
  "$where",
];

export const unknownFieldName: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...UNKNOWN_FIELD_NAMES), weight: 3 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
);

/** A hostile string of any kind. */
export const hostileString: fc.Arbitrary<HostileString> = fc.oneof(
  { arbitrary: longText, weight: 2 },
  { arbitrary: pastLimitText, weight: 2 },
  { arbitrary: unicodeText, weight: 3 },
  { arbitrary: controlText, weight: 3 },
  { arbitrary: fc.constantFrom(...NUMERIC_STRINGS), weight: 2 },
  { arbitrary: hostileDate, weight: 2 },
  { arbitrary: fc.constantFrom(...MARKUP_AND_INJECTION), weight: 1 },
  { arbitrary: fc.string({ maxLength: 20 }), weight: 1 },
);

/**
 * A fragment put INTO an otherwise valid value (so length and format checks still pass and the
 * fragment reaches the model): a control character, an offending unicode character, markup.
 */
export const hostileFragment: fc.Arbitrary<HostileString> = fc.oneof(
  { arbitrary: controlText, weight: 3 },
  { arbitrary: unicodeText, weight: 3 },
  { arbitrary: fc.constantFrom(...MARKUP_AND_INJECTION), weight: 1 },
  { arbitrary: longText, weight: 1 },
);

/** Any hostile JSON value; `extra` adds values that only mean something in the test's world (ids). */
export function hostileJsonValue(extra: readonly unknown[] = []): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: hostileString, weight: 5 },
    { arbitrary: hostileNumber, weight: 3 },
    { arbitrary: wrongType, weight: 2 },
    ...(extra.length ? [{ arbitrary: fc.constantFrom(...extra), weight: 2 }] : []),
  );
}

/** Any hostile text for a form field or query parameter. */
export function hostileFormText(extra: readonly string[] = []): fc.Arbitrary<HostileString> {
  return fc.oneof(
    { arbitrary: hostileString, weight: 5 },
    { arbitrary: hostileNumber.map((n) => toFormText(n)), weight: 2 },
    {
      arbitrary: fc.constantFrom(
        "null",
        "undefined",
        "true",
        "false",
        "[]",
        "{}",
        "[object Object]",
        '{"$gt":""}',
        "none",
      ),
      weight: 1,
    },
    ...(extra.length ? [{ arbitrary: fc.constantFrom(...extra), weight: 3 }] : []),
  );
}

const looksLikeDate = (value: unknown) => typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value);
const looksLikeNumber = (value: unknown) =>
  typeof value === "number" || (typeof value === "string" && /^\d+([.,]\d+)?$/.test(value));

/**
 * A hostile JSON value for a field whose valid value is `base`: mostly of the field's own kind
 * (impossible dates for a date, numbers out of range for a number), often anything at all.
 */
export function hostileJsonValueFor(base: unknown, extra: readonly unknown[] = []): fc.Arbitrary<unknown> {
  const any = hostileJsonValue(extra);
  if (looksLikeDate(base)) return fc.oneof({ arbitrary: hostileDate, weight: 3 }, { arbitrary: any, weight: 2 });
  if (looksLikeNumber(base)) {
    return fc.oneof(
      { arbitrary: hostileNumber, weight: 2 },
      { arbitrary: fc.constantFrom(...NUMERIC_STRINGS), weight: 1 },
      { arbitrary: any, weight: 2 },
    );
  }
  return any;
}

/** The same for a form field or query parameter. */
export function hostileFormTextFor(
  base: string | undefined,
  extra: readonly string[] = [],
): fc.Arbitrary<HostileString> {
  const any = hostileFormText(extra);
  if (looksLikeDate(base)) return fc.oneof({ arbitrary: hostileDate, weight: 3 }, { arbitrary: any, weight: 2 });
  if (looksLikeNumber(base)) {
    return fc.oneof(
      { arbitrary: fc.constantFrom(...NUMERIC_STRINGS, ...HOSTILE_NUMBERS.map((n) => toFormText(n))), weight: 3 },
      { arbitrary: any, weight: 2 },
    );
  }
  return any;
}

/** A file part of a multipart form (where the action expects text). */
export type FilePart = { file: true; name: string; type: string; content: HostileString };

export const filePart: fc.Arbitrary<FilePart> = fc.record({
  file: fc.constant(true as const),
  name: fc.constantFrom("evidence.pdf", "", "../../etc/passwd", "a\u0000.txt", "😀.png", "x".repeat(300)),
  type: fc.constantFrom("application/octet-stream", "text/plain", "application/json", "image/png", ""),
  content: fc.oneof(fc.constantFrom("", "1", "2027-01-01", "%PDF-1.7", "\u0000\u0001"), longText),
});

// ---------- an organisation to attack ----------

export const actorOf = (u: TestUser): Actor => ({
  id: u.id,
  name: u.name,
  role: u.role,
  discipline: u.discipline,
  via: "web",
});

export type Person = TestUser & { token: string; cookie: string };

async function person(name: string, discipline: Discipline, admin = false): Promise<Person> {
  const user = admin ? await createAdmin({ name, discipline }) : await createTestUser({ name, discipline });
  const { token } = createToken({ actor: null, userId: user.id, name: "hostile input", expiresOn: null });
  return { ...user, token, cookie: signInAs(user) };
}

/** The ids of one project's rows that a request may address. */
export type ProjectRows = {
  id: number;
  slug: string;
  requirementId: number;
  reviewId: number;
  /** The data scientist's "changes requested" on the open review. */
  objectionId: number;
  /** The IT operator's approval on the open review. */
  approvalId: number;
  commentId: number;
  debtItemId: number;
  stepIds: number[];
  /** An attestation criterion of the open review that the data scientist may attest. */
  criterionKey: string;
};

export type World = {
  owner: Person;
  scientist: Person;
  operator: Person;
  admin: Person;
  /** An IT person on no team (for adding to one). */
  newcomer: Person;
  /** A business person on no team. */
  outsider: Person;
  /** The project under attack. */
  main: ProjectRows;
  /** The same people run this project too; a request addressed to `main` must never touch its rows. */
  bystander: ProjectRows;
  /** A project without a gate review (to open one). */
  fresh: { id: number; slug: string };
  /** A stopped project (to reopen). */
  stopped: { id: number; slug: string };
  /** Ids that exist but belong elsewhere, or do not exist. */
  foreignIds: number[];
};

function projectWithRows(world: Pick<World, "owner" | "scientist" | "operator">, name: string): ProjectRows {
  const { owner, scientist, operator } = world;
  const project = createProject({
    actor: actorOf(owner),
    name,
    summary: "Warn 48 h before a press fails.",
    businessCase: "Unplanned stops cost 40 000 EUR each.",
    ownerId: owner.id,
  });
  addMember({ actor: actorOf(owner), projectId: project.id, userId: scientist.id, discipline: "data_science" });
  addMember({ actor: actorOf(owner), projectId: project.id, userId: operator.id, discipline: "it" });
  const requirement = createRequirement({
    actor: actorOf(owner),
    projectId: project.id,
    title: "Warn before a failure",
    description: "From the vibration sensors.",
    target: "warn >= 48 h ahead",
    priority: "must",
  });
  assessRequirement({
    actor: actorOf(operator),
    requirementId: requirement.id,
    version: requirement.itVersion,
    feasibility: "feasible",
    note: "Sensors sample at 1 Hz.",
    conditions: "",
  });
  const review = openReview({
    actor: actorOf(owner),
    projectId: project.id,
    statement: "The team is ready for this gate.",
  });
  const objection = signOff({
    actor: actorOf(scientist),
    reviewId: review.id,
    decision: "changes_requested",
    comment: "Needs a backtest.",
  });
  const approval = signOff({
    actor: actorOf(operator),
    reviewId: review.id,
    decision: "approve",
    comment: "Runs on our cluster.",
  });
  const criteria = getReview(review.id)!.criteria.filter((c) => c.kind === "attestation");
  const criterion =
    criteria.find((c) => c.discipline === "data_science") ?? criteria.find((c) => c.discipline == null) ?? criteria[0];
  if (!criterion) throw new Error("The gate checklist has no attestation criterion to attest.");
  const comment = addComment({ actor: actorOf(owner), reviewId: review.id, body: "@Farid can you add the backtest?" });
  const item = createDebtItem({
    actor: actorOf(scientist),
    projectId: project.id,
    register: "technical",
    title: "Hard-coded sensor join",
    description: "The join is a notebook cell with constants.",
    category: "hard_coded_logic",
    benefit: "Results for the steering committee.",
    stageIncurred: "poc",
    severity: "high",
    principalDays: 5,
    interestDays: 1.5,
    ownerId: scientist.id,
    plan: {
      strategy: "Move the join into the pipeline.",
      targetDate: "2031-06-30",
      repayBeforeStage: "pilot",
      steps: [
        { title: "Write the join as SQL", ownerId: scientist.id, dueDate: "2031-03-31" },
        { title: "Test it on last year", ownerId: operator.id, dueDate: "2031-05-31" },
      ],
    },
  });
  const steps = getDebtItem(item.id)!.steps;
  return {
    id: project.id,
    slug: project.slug,
    requirementId: requirement.id,
    reviewId: review.id,
    objectionId: objection.id,
    approvalId: approval.id,
    commentId: comment.id,
    debtItemId: item.id,
    stepIds: steps.map((s) => s.id),
    criterionKey: criterion.key,
  };
}

/** Creates the organisation through the models; every person has an API token and a session. */
export async function buildWorld(): Promise<World> {
  const owner = await person("Brigitte Business", "business");
  const scientist = await person("Farid Science", "data_science");
  const operator = await person("Olga Operations", "it");
  const admin = await person("Ada Admin", "data_science", true);
  const newcomer = await person("Nina Newcomer", "it");
  const outsider = await person("Otto Outsider", "business");
  const people = { owner, scientist, operator };
  const main = projectWithRows(people, "Press line");
  const bystander = projectWithRows(people, "Bystander line");
  const freshProject = createProject({
    actor: actorOf(owner),
    name: "Fresh line",
    summary: "",
    businessCase: "",
    ownerId: owner.id,
  });
  const stoppedProject = createProject({
    actor: actorOf(owner),
    name: "Stopped line",
    summary: "",
    businessCase: "",
    ownerId: owner.id,
  });
  changeProjectState({
    actor: actorOf(owner),
    projectId: stoppedProject.id,
    version: stoppedProject.version,
    change: { to: "stopped", stopCause: "other", stopNote: "The budget went elsewhere." },
  });
  return {
    owner,
    scientist,
    operator,
    admin,
    newcomer,
    outsider,
    main,
    bystander,
    fresh: { id: freshProject.id, slug: freshProject.slug },
    stopped: { id: stoppedProject.id, slug: stoppedProject.slug },
    foreignIds: [
      bystander.id,
      bystander.requirementId,
      bystander.reviewId,
      bystander.objectionId,
      bystander.approvalId,
      bystander.commentId,
      bystander.debtItemId,
      ...bystander.stepIds,
      outsider.id,
      999_999,
    ],
  };
}

/** The current `version` of a row (read fresh: the world's writes bump it). */
export function versionOf(table: string, id: number, column = "version"): number {
  const row = sqlite().prepare(`select ${column} as v from ${table} where id = ?`).get(id) as { v: number } | undefined;
  if (!row) throw new Error(`No row ${id} in ${table}`);
  return row.v;
}

// ---------- every table, to prove a refused request wrote nothing ----------

/**
 * Columns written by authentication itself, at most once a minute, whatever the answer
 * (app/utils/session.server.ts, app/models/tokens.server.ts: "so reads stay reads").
 */
const BOOKKEEPING_COLUMNS: Record<string, string[]> = {
  sessions: ["last_seen_at"],
  api_tokens: ["last_used_at"],
};

export type Snapshot = Record<string, string>;

let tableColumns: Array<{ table: string; columns: string[]; list: string }> | undefined;

function dumpTables(): Array<{ table: string; columns: string[]; list: string }> {
  tableColumns ??= (
    sqlite()
      .prepare(
        "select name from pragma_table_list where schema = 'main' and type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name",
      )
      .all() as Array<{ name: string }>
  ).map(({ name }) => {
    const skip = BOOKKEEPING_COLUMNS[name] ?? [];
    const columns = (sqlite().prepare("select name from pragma_table_info(?)").all(name) as Array<{ name: string }>)
      .map((c) => c.name)
      .filter((c) => !skip.includes(c));
    return { table: name, columns, list: columns.map((c) => `"${c}"`).join(", ") };
  });
  return tableColumns;
}

/**
 * Every row of every table (minus the bookkeeping columns), one JSON text per table.
 * `except` leaves out rows a refusal writes on purpose (a failed sign-in is logged).
 */
export function snapshotAll(except: Record<string, string> = {}): Snapshot {
  const out: Snapshot = {};
  for (const { table, list } of dumpTables()) {
    const where = except[table] ? ` where not (${except[table]})` : "";
    const sql = `select json_group_array(json_array(${list})) as rows from (select ${list} from "${table}"${where} order by rowid)`;
    out[table] = (sqlite().prepare(sql).get() as { rows: string }).rows;
  }
  return out;
}

/** The rows of one project, through every table that hangs off it. */
export function snapshotProject(projectId: number): string {
  const q = (sql: string) => JSON.stringify(sqlite().prepare(sql).all({ p: projectId }));
  const reviews = "select id from gate_reviews where project_id = :p";
  const comments = `select id from review_comments where review_id in (${reviews})`;
  return [
    q("select * from projects where id = :p"),
    q("select * from project_slugs where project_id = :p order by rowid"),
    q("select * from memberships where project_id = :p order by rowid"),
    q("select * from requirements where project_id = :p order by rowid"),
    q("select * from gate_reviews where project_id = :p order by rowid"),
    q(`select * from gate_criteria where review_id in (${reviews}) order by rowid`),
    q(`select * from sign_offs where review_id in (${reviews}) order by rowid`),
    q(`select * from review_comments where review_id in (${reviews}) order by rowid`),
    q(`select * from review_comment_revisions where comment_id in (${comments}) order by rowid`),
    q(`select * from review_comment_mentions where comment_id in (${comments}) order by rowid`),
    q("select * from debt_items where project_id = :p order by rowid"),
    q(
      "select * from repayment_steps where debt_item_id in (select id from debt_items where project_id = :p) order by rowid",
    ),
    q("select * from activity where project_id = :p order by rowid"),
  ].join("\n");
}

/** Which tables differ, with row counts and the first differing row (truncated), for a failure message. */
export function describeChanges(before: Snapshot, after: Snapshot): string | null {
  const lines: string[] = [];
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (before[table] === after[table]) continue;
    const a = JSON.parse(before[table] ?? "[]") as unknown[];
    const b = JSON.parse(after[table] ?? "[]") as unknown[];
    const at = b.findIndex((row, i) => JSON.stringify(row) !== JSON.stringify(a[i]));
    const row = at >= 0 ? JSON.stringify(b[at]) : "(a row was removed)";
    lines.push(
      `${table}: ${a.length} -> ${b.length} rows; first change: ${row.length > 300 ? `${row.slice(0, 300)}…` : row}`,
    );
  }
  return lines.length ? lines.join("\n") : null;
}

// ---------- what an accepted request may store ----------

/** C0 controls but tab and line feed (a carriage return is normalised away), DEL and C1 controls. */
const STORED_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
/** The longest free text any form or body takes (a description, a comment: 4000 characters). */
export const MAX_STORED_TEXT = 4000;
/** Columns the app writes itself as JSON (a review's state at closing, a sign-off's snapshot): no length rule. */
const STRUCTURED_COLUMNS = new Set([
  "gate_reviews.closing_snapshot",
  "sign_offs.snapshot",
  "webhook_deliveries.payload",
  "webhook_deliveries.last_error",
  "webhooks.events",
]);
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const FIRST_INSTANT = Date.parse(`${MIN_INPUT_DATE}T00:00:00Z`);
/** The end of the last day a person may enter (a token expiring that day), with a day to spare. */
const LAST_INSTANT = Date.parse(`${MAX_INPUT_DATE}T00:00:00Z`) + 2 * 24 * 60 * 60 * 1000;

/**
 * A real calendar day in the range people may enter (MIN_INPUT_DATE..MAX_INPUT_DATE of
 * app/domain/dates.ts), checked here without the app's own validator.
 */
function isSaneDate(value: string): boolean {
  const m = DAY.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= days && value >= MIN_INPUT_DATE && value <= MAX_INPUT_DATE;
}

const hex = (text: string) => `U+${text.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;

/**
 * What is wrong with the rows an ACCEPTED request wrote (new or changed rows, the activity log
 * aside): a control character, text longer than any field takes, a date that does not exist or
 * is out of range, a number that is not finite or not exact, an instant outside the dates people may enter.
 * Hostile values must be refused (or normalised), never stored.
 */
export function storedValueProblems(before: Snapshot, after: Snapshot): string[] {
  const problems: string[] = [];
  for (const { table, columns } of dumpTables()) {
    if (table === "activity" || before[table] === after[table]) continue;
    const old = new Map<string, number>();
    for (const row of JSON.parse(before[table] ?? "[]") as unknown[]) {
      const key = JSON.stringify(row);
      old.set(key, (old.get(key) ?? 0) + 1);
    }
    for (const row of JSON.parse(after[table]) as unknown[][]) {
      const key = JSON.stringify(row);
      if (old.get(key)) {
        old.set(key, old.get(key)! - 1);
        continue;
      }
      row.forEach((value, i) => {
        const at = `${table}.${columns[i]}`;
        if (typeof value === "string") {
          const control = STORED_CONTROLS.exec(value);
          if (control)
            problems.push(`${at} stored the control character ${hex(control[0])}: ${clip(JSON.stringify(value), 120)}`);
          const length = [...value].length;
          if (length > MAX_STORED_TEXT && !STRUCTURED_COLUMNS.has(at))
            problems.push(`${at} stored ${length} characters (no field takes more than ${MAX_STORED_TEXT})`);
          if (/_date$/.test(columns[i]) && !isSaneDate(value))
            problems.push(`${at} stored the date ${JSON.stringify(value)}`);
        } else if (typeof value === "number") {
          if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER)
            problems.push(`${at} stored the number ${value}`);
          else if (/_at$/.test(columns[i]) && (value < FIRST_INSTANT || value > LAST_INSTANT)) {
            const date = new Date(value);
            problems.push(
              `${at} stored the instant ${value} (${Number.isNaN(date.getTime()) ? "not a date" : date.toISOString()})`,
            );
          }
        }
      });
    }
  }
  return problems;
}

/**
 * Rows that point across projects (an id of another project's row accepted where this
 * project's was expected): each query lists the offending rows, and must list none.
 */
const CROSS_PROJECT_REFERENCES: Array<[string, string]> = [
  [
    "a comment replying to a sign-off of another review",
    "select c.id from review_comments c join sign_offs s on s.id = c.reply_to_sign_off_id where s.review_id <> c.review_id",
  ],
  [
    "a condition's debt item logged on another project than its sign-off's review",
    "select d.id from debt_items d join sign_offs s on s.id = d.sign_off_id join gate_reviews r on r.id = s.review_id where r.project_id <> d.project_id",
  ],
  [
    "a team seat in another discipline than the person's",
    "select m.id from memberships m join users u on u.id = m.user_id where m.discipline <> u.discipline",
  ],
];

export function referenceProblems(): string[] {
  return CROSS_PROJECT_REFERENCES.flatMap(([what, sql]) => {
    const rows = sqlite().prepare(sql).all() as Array<{ id: number }>;
    return rows.length ? [`stored ${what} (row ${rows.map((r) => r.id).join(", ")})`] : [];
  });
}

// ---------- one transaction per run ----------

/**
 * Runs `fn` inside a transaction that is always rolled back, so every generated request meets
 * the same rows and a shrunk counterexample replays exactly. The models' own transactions
 * become savepoints inside it (better-sqlite3 nests them), so their rollbacks still happen.
 */
export async function inRollback<T>(fn: () => Promise<T>): Promise<T> {
  const connection = sqlite();
  connection.exec("BEGIN");
  try {
    const result = await fn();
    if (!connection.inTransaction)
      throw new Error("The request ended the test's enclosing transaction (a COMMIT, or SQLite rolled it back).");
    return result;
  } finally {
    if (connection.inTransaction) connection.exec("ROLLBACK");
  }
}

/** Collects console.error calls made by `fn` (each one is a finding: an unexpected error was logged). */
export async function capturingConsoleErrors<T>(fn: () => Promise<T>): Promise<{ result: T; errors: string[] }> {
  const previous = console.error;
  const errors: string[] = [];
  console.error = (...args: unknown[]) => {
    const text = args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : String(a))).join(" ");
    errors.push(text.length > 500 ? `${text.slice(0, 500)}…` : text);
  };
  try {
    return { result: await fn(), errors };
  } finally {
    console.error = previous;
  }
}

/** A short description of an error for a failure message. */
export function describeError(error: unknown): string {
  if (error instanceof Error)
    return `${error.name}: ${error.message}\n${error.stack?.split("\n").slice(1, 6).join("\n")}`;
  return String(error);
}

/** Cuts a long text for a failure message. */
export const clip = (text: string, max = 400) =>
  text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
