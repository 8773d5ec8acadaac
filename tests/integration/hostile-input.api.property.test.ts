/**
 * Property-based test of the JSON API under hostile input (issue 13, "Security hardening";
 * README "Security"). For every operation of `apiRoutes` (app/utils/api-routes.server.ts) that
 * takes a body or a query string, fast-check starts from a VALID request and replaces, injects
 * into, removes or duplicates one to three fields with hostile values (very long strings,
 * unicode and control characters, numbers out of range, impossible dates, wrong types, unknown
 * and prototype-polluting field names, raw bodies, wrong content types and credentials), sends it
 * to the real route module, and asserts for every answer:
 *
 *   - no 5xx, nothing thrown, nothing logged with console.error;
 *   - a refusal (4xx) has the error shape `{error: {code, message, fields?}}` (apiErrorSchema)
 *     with a code documented for its status;
 *   - every answer, accepted or refused, is one the OpenAPI document describes for the
 *     operation: a status it lists, a body valid by its schema (api-contract.ts);
 *   - a refusal changed no table (every row of every table compared);
 *   - no request addressed to one project changed another project's rows;
 *   - what an accepted request stored is clean: no control characters, no text longer than
 *     any field takes, only real dates and instants in the range people may enter, no row
 *     pointing into another project (tests/support/hostile.ts, storedValueProblems and
 *     referenceProblems).
 *
 * Each run is rolled back (tests/support/hostile.ts, inRollback), so every case meets the same
 * rows and a shrunk counterexample replays exactly. Fixed seed by default; see hostile.ts for
 * HOSTILE_SEED / HOSTILE_PATH / HOSTILE_RUNS to explore or replay.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorSchema, apiRoutes, ERROR_CODES, type ApiRoute } from "~/api/route-table.server";
import { apiLimiter } from "~/api/handler.server";
import { sqlite } from "../support/database";
import { testContext } from "../support/requests";
import type { Long } from "../support/hostile";
import {
  buildWorld,
  capturingConsoleErrors,
  clip,
  describeChanges,
  describeError,
  hostileFormTextFor,
  hostileFragment,
  hostileJsonValue,
  hostileJsonValueFor,
  hostileString,
  inRollback,
  propertyParameters,
  snapshotAll,
  snapshotProject,
  referenceProblems,
  storedValueProblems,
  textOf,
  toFormText,
  toJsonText,
  unknownFieldName,
  versionOf,
  Many,
  type HostileString,
  type Person,
  type Snapshot,
  type World,
} from "../support/hostile";
import { contractProblems } from "./api-contract";
import { apiModuleByPath } from "./api-support";

/** Runs per operation: ~25 operations x RUNS requests must stay well under a minute on 2 cores. */
const RUNS = 40;
const PATH_RUNS = 15;

// ---------- the route modules, by documented path ----------

type Handler = (args: { request: Request; params: Record<string, string>; context: typeof testContext }) => unknown;
type RouteModule = { loader?: Handler; action?: Handler };

const moduleByPath: Map<string, RouteModule> = apiModuleByPath();

type OperationKey = keyof typeof apiRoutes;
const operations = Object.entries(apiRoutes) as Array<[OperationKey, ApiRoute]>;
/** Routes whose answers are checked against the OpenAPI document (the oracle's fakes are not, but one). */
const documented = new Set<ApiRoute>(Object.values(apiRoutes));

// ---------- a valid request per operation ----------

type Fixture = {
  /** Whose token. */
  as: Person;
  params: Record<string, string>;
  body?: Record<string, unknown>;
  query?: Record<string, string>;
};

let world: World;
let baseline: Snapshot;
let bystanderBaseline: string;
let fixtures: Record<OperationKey, Fixture | null>;

function makeFixtures(w: World): Record<OperationKey, Fixture | null> {
  const { main, owner, scientist, operator, admin, newcomer } = w;
  const project = { slug: main.slug };
  const review = { ...project, reviewId: String(main.reviewId) };
  const item = { itemId: String(main.debtItemId) };
  return {
    listProjects: {
      as: owner,
      params: {},
      query: { q: "line", stage: "poc", state: "active", limit: "1", asOf: new Date().toISOString().slice(0, 10) },
    },
    createProject: {
      as: owner,
      params: {},
      body: {
        name: "Quality forecast",
        summary: "Scrap rate per shift.",
        businessCase: "Scrap costs 2 % of revenue.",
        ownerId: owner.id,
      },
    },
    getProject: { as: owner, params: project },
    updateProject: {
      as: owner,
      params: project,
      body: {
        version: versionOf("projects", main.id),
        name: "Press line",
        summary: "Warn 72 h before a press fails.",
        businessCase: "Unplanned stops cost 45 000 EUR each.",
      },
    },
    changeProjectState: {
      as: owner,
      params: project,
      body: {
        to: "stopped",
        version: versionOf("projects", main.id),
        stopCause: "too_few_engineers",
        stopNote: "Nobody can run it in production.",
        openDebt: "write_off",
        writeOffReason: "The project ends, and its debt with it.",
      },
    },
    reopenProject: {
      as: admin,
      params: { slug: w.stopped.slug },
      body: { version: versionOf("projects", w.stopped.id), reason: "The funding is back." },
    },
    addMember: { as: owner, params: project, body: { email: newcomer.email, discipline: "it" } },
    removeMember: { as: owner, params: { ...project, userId: String(operator.id) }, query: { confirm: "true" } },
    createRequirement: {
      as: owner,
      params: project,
      body: {
        title: "Explain each warning",
        description: "Name the sensors behind it.",
        target: "top 3 sensors named",
        priority: "should",
      },
    },
    updateRequirement: {
      as: owner,
      params: { ...project, requirementId: String(main.requirementId) },
      body: {
        version: versionOf("requirements", main.requirementId),
        title: "Warn before a failure",
        description: "From vibration and temperature.",
        target: "warn >= 72 h ahead",
        priority: "must",
      },
    },
    assessRequirement: {
      as: scientist,
      params: { ...project, requirementId: String(main.requirementId) },
      body: {
        feasibility: "feasible_with_conditions",
        note: "A year of history is enough.",
        conditions: "Access to the sensor archive.",
        version: versionOf("requirements", main.requirementId, "ds_version"),
        discipline: "data_science",
      },
    },
    listGateReviews: { as: owner, params: project },
    openGateReview: {
      as: owner,
      params: { slug: w.fresh.slug },
      body: { statement: "The proof of concept beats the baseline." },
    },
    getGateReview: { as: owner, params: review },
    withdrawGateReview: { as: owner, params: review, body: { note: "Not ready after all." } },
    signOff: {
      as: scientist,
      params: review,
      body: {
        decision: "approve_with_conditions",
        comment: "Fine once the backtest is in.",
        discipline: "data_science",
        conditions: [
          {
            title: "Add a backtest",
            register: "technical",
            targetDate: "2031-06-30",
            principalDays: 3,
            interestDays: 0.5,
          },
        ],
      },
    },
    dismissChangesRequest: {
      as: owner,
      params: { ...review, signOffId: String(main.objectionId) },
      body: { reason: "The backtest is in the appendix." },
    },
    attest: {
      as: scientist,
      params: { ...review, key: main.criterionKey },
      body: { note: "Checked the data sheet.", evidenceUrl: "https://wiki.example.com/evidence" },
    },
    clearAttestation: { as: scientist, params: { ...review, key: main.criterionKey } },
    listReviewComments: { as: owner, params: review },
    addReviewComment: {
      as: owner,
      params: review,
      body: { body: "@Farid thanks, that helps.", replyToSignOffId: main.objectionId },
    },
    editReviewComment: {
      as: owner,
      params: { ...review, commentId: String(main.commentId) },
      body: { body: "@Farid can you add the backtest, please?", version: versionOf("review_comments", main.commentId) },
    },
    promote: { as: owner, params: review },
    listDebt: {
      as: owner,
      params: {},
      query: {
        register: "technical",
        status: "unpaid",
        severity: "high",
        category: "hard_coded_logic",
        project: String(main.id),
        owner: String(scientist.id),
        projectName: "Press",
        ownerName: "Farid",
        overdue: "no",
        sort: "title",
        dir: "asc",
        limit: "10",
      },
    },
    createDebtItem: {
      as: scientist,
      params: project,
      body: {
        register: "organizational",
        title: "Manual data export",
        description: "The sensor data is exported by hand every week.",
        category: "data_access",
        benefit: "We could start without waiting for access.",
        stageIncurred: "poc",
        severity: "medium",
        principalDays: 2,
        interestDays: 0.5,
        ownerId: operator.id,
        plan: {
          strategy: "Get a service account.",
          targetDate: "2031-06-30",
          repayBeforeStage: "pilot",
          steps: [{ title: "Ask for a service account", ownerId: operator.id, dueDate: "2031-04-30" }],
        },
      },
    },
    getDebtItem: { as: owner, params: item },
    updateDebtItem: {
      as: scientist,
      params: item,
      body: {
        version: versionOf("debt_items", main.debtItemId),
        title: "Hard-coded sensor join (SQL next)",
        severity: "critical",
        principalDays: 6,
        strategy: "Move the join into the pipeline, then delete the notebook.",
        targetDate: "2031-07-31",
      },
    },
    addRepaymentStep: {
      as: scientist,
      params: item,
      body: {
        version: versionOf("debt_items", main.debtItemId),
        title: "Review the SQL",
        ownerId: scientist.id,
        dueDate: "2031-06-15",
      },
    },
    updateRepaymentStep: {
      as: scientist,
      params: { ...item, stepId: String(main.stepIds[0]) },
      body: {
        version: versionOf("debt_items", main.debtItemId),
        title: "Write the join in SQL",
        ownerId: operator.id,
        dueDate: "2031-04-15",
      },
    },
    listActivity: { as: owner, params: project, query: { limit: "2" } },
    listNotifications: { as: operator, params: {}, query: { unread: "true", limit: "10" } },
    search: { as: owner, params: {}, query: { q: "press line", kind: "project", stage: "poc", limit: "5" } },
    markNotificationsRead: { as: operator, params: {}, body: { all: true } },
    getNotificationPreferences: { as: owner, params: {} },
    updateNotificationPreferences: {
      as: owner,
      params: {},
      body: { preferences: { comment: "digest", escalation: "in_app" }, timeZone: "Europe/Berlin", digestHour: 7 },
    },
    openApi: null,
  };
}

/** Real cursors (each list's nextCursor), and forgeries of them. */
let cursors: string[] = [];

/** The nextCursor of the first page of a list route, as the server hands it out. */
async function firstCursor(key: OperationKey): Promise<string> {
  const route = apiRoutes[key] as ApiRoute;
  const fixture = fixtures[key]!;
  const answer = await inRollback(() =>
    send(route, {
      method: "GET",
      params: fixture.params,
      pathname: pathnameOf(route, fixture.params),
      search: `?${new URLSearchParams(fixture.query)}`,
      headers: headersFor(fixture, "own", null),
    }),
  );
  const cursor = (JSON.parse(answer.text) as { nextCursor?: unknown }).nextCursor;
  if (typeof cursor !== "string") throw new Error(`${key} gave no nextCursor: ${clip(answer.text)}`);
  return cursor;
}

function forgeries(cursor: string): string[] {
  const [payload = "", mac = ""] = cursor.split(".");
  const json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const flip = (text: string) => (text ? `${text.slice(0, -1)}${text.endsWith("A") ? "B" : "A"}` : "A");
  return [
    cursor,
    `${flip(payload)}.${mac}`,
    `${payload}.${flip(mac)}`,
    `${payload}.${mac}.${mac}`,
    `${payload}.`,
    `.${mac}`,
    payload,
    `${payload}.${mac}`.toUpperCase(),
    `${json({ page: 2 })}.${mac}`,
    `${json({ page: 1e15, size: 100 })}.${mac}`,
    json({ page: 0, size: 10 }),
    json({ page: 1, size: 1_000_000 }),
    json({ page: 2 ** 52, size: 2 ** 52 }),
    json({ page: 1.5 }),
    json({ page: "1" }),
    json([]),
    json({ id: -1 }),
    `${cursor}${"A".repeat(600)}`,
  ];
}

beforeAll(async () => {
  world = await buildWorld();
  fixtures = makeFixtures(world);
  const projectsCursor = await firstCursor("listProjects");
  const activityCursor = await firstCursor("listActivity");
  cursors = [...forgeries(projectsCursor), ...forgeries(activityCursor)];
  fixtures.listProjects!.query!.cursor = projectsCursor;
  fixtures.listActivity!.query!.cursor = activityCursor;
  baseline = snapshotAll();
  bystanderBaseline = snapshotProject(world.bystander.id);
}, 60_000);

// ---------- sending a request ----------

type Auth =
  | "own"
  | "none"
  | "basic"
  | "bearer-empty"
  | "bearer-garbage"
  | "bearer-two-words"
  | "lowercase"
  | "outsider"
  | "newcomer"
  | "admin";

const authArb: fc.Arbitrary<Auth> = fc.oneof(
  { arbitrary: fc.constant<Auth>("own"), weight: 20 },
  {
    arbitrary: fc.constantFrom<Auth>(
      "none",
      "basic",
      "bearer-empty",
      "bearer-garbage",
      "bearer-two-words",
      "lowercase",
      "outsider",
      "newcomer",
      "admin",
    ),
    weight: 3,
  },
);

function authorization(auth: Auth, fixture: Fixture): string | null {
  switch (auth) {
    case "own":
      return `Bearer ${fixture.as.token}`;
    case "none":
      return null;
    case "basic":
      return "Basic dXNlcjpwYXNz";
    case "bearer-empty":
      return "Bearer";
    case "bearer-garbage":
      return `Bearer ${fixture.as.token.slice(0, -1)}x`;
    case "bearer-two-words":
      return `Bearer ${fixture.as.token} ${fixture.as.token}`;
    case "lowercase":
      return `bearer ${fixture.as.token}`;
    case "outsider":
      return `Bearer ${world.outsider.token}`;
    case "newcomer":
      return `Bearer ${world.newcomer.token}`;
    case "admin":
      return `Bearer ${world.admin.token}`;
  }
}

type Outgoing = {
  method: string;
  /** Path params as Remix hands them to the route (decoded). */
  params: Record<string, string>;
  pathname: string;
  search: string;
  headers: Headers;
  body?: string | Uint8Array;
};

type Answer = { status: number; contentType: string; text: string };

function pathnameOf(route: ApiRoute, params: Record<string, string>): string {
  return `/api/v1${route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ""))}`;
}

/** Sends the request to the route module that serves the route, as the server would. */
async function send(route: ApiRoute, out: Outgoing): Promise<Answer> {
  const module = moduleByPath.get(route.path);
  if (!module) throw new Error(`No route file serves ${route.path}`);
  const handler = out.method === "GET" ? module.loader : module.action;
  if (!handler) throw new Error(`The route file of ${route.path} has no ${out.method === "GET" ? "loader" : "action"}`);
  const request = new Request(`http://triad.test${out.pathname}${out.search}`, {
    method: out.method,
    headers: out.headers,
    body: out.body as BodyInit | undefined,
  });
  let value: unknown;
  try {
    value = await handler({ request, params: out.params, context: testContext });
  } catch (error) {
    if (!(error instanceof Response)) throw new Unhandled(error);
    value = error;
  }
  if (!(value instanceof Response))
    throw new Unhandled(new Error(`answered without a Response: ${clip(String(fc.stringify(value)))}`));
  return { status: value.status, contentType: value.headers.get("Content-Type") ?? "", text: await value.text() };
}

/** An error the route threw instead of answering (the server would answer 500). */
class Unhandled extends Error {
  constructor(readonly cause: unknown) {
    super(describeError(cause));
  }
}

/**
 * The property's oracle: sends `out` in a rolled-back transaction and returns what is wrong
 * with the answer (empty when nothing).
 */
async function problemsWith(route: ApiRoute, out: Outgoing, { checkBystander = true } = {}): Promise<string[]> {
  apiLimiter.reset();
  const problems: string[] = [];
  const { result, errors } = await capturingConsoleErrors(() =>
    inRollback(async () => {
      let answer: Answer | null = null;
      try {
        answer = await send(route, out);
      } catch (error) {
        if (!(error instanceof Unhandled)) throw error;
        problems.push(`threw instead of answering (a 500): ${error.message}`);
      }
      const refused = !answer || answer.status >= 400;
      const after = snapshotAll();
      return {
        answer,
        changes: refused ? describeChanges(baseline, after) : null,
        stored: refused ? [] : [...storedValueProblems(baseline, after), ...referenceProblems()],
        bystander: checkBystander ? snapshotProject(world.bystander.id) : bystanderBaseline,
      };
    }),
  );
  const { answer, changes, stored, bystander } = result;
  countAnswer(`${route.method} ${route.path}`, answer ? String(answer.status) : "threw");
  if (answer) {
    const said = `${answer.status} ${clip(answer.text, 300)}`;
    if (answer.status >= 500) problems.push(`answered ${said}`);
    if (answer.status >= 400) {
      let body: unknown = null;
      try {
        body = JSON.parse(answer.text);
      } catch {
        problems.push(`refused with a body that is not JSON: ${said}`);
      }
      if (!/application\/json/.test(answer.contentType))
        problems.push(`refused with Content-Type ${answer.contentType}: ${said}`);
      const shape = apiErrorSchema.safeParse(body);
      if (body !== null && !shape.success) problems.push(`refused without the error shape: ${said}`);
      const codes = ERROR_CODES[answer.status as keyof typeof ERROR_CODES] as readonly string[] | undefined;
      if (shape.success && !codes?.includes(shape.data.error.code)) {
        problems.push(`refused with status ${answer.status} but code ${shape.data.error.code}: ${said}`);
      }
    } else if (!/application\/json/.test(answer.contentType)) {
      problems.push(`answered ${answer.status} with Content-Type ${answer.contentType}`);
    }
    if (documented.has(route)) {
      let body: unknown = answer.text;
      try {
        body = JSON.parse(answer.text);
      } catch {
        // not JSON: contractProblems says so
      }
      const { method, pathname } = out;
      problems.push(
        ...contractProblems({ method, pathname, status: answer.status, contentType: answer.contentType, body }),
      );
    }
    if (changes) problems.push(`refused (${said}) yet changed tables:\n${changes}`);
    for (const problem of stored) problems.push(`accepted (${said}) and ${problem}`);
  } else if (changes) {
    problems.push(`threw, and changed tables:\n${changes}`);
  }
  if (bystander !== bystanderBaseline) problems.push(`changed the rows of another project (${world.bystander.slug})`);
  for (const error of errors) problems.push(`console.error: ${error}`);
  return problems;
}

/** HOSTILE_STATS=1 prints how often each operation answered each status (do the cases reach the models?). */
const stats = new Map<string, Map<string, number>>();
function countAnswer(operation: string, status: string): void {
  if (!process.env.HOSTILE_STATS) return;
  const counts = stats.get(operation) ?? new Map<string, number>();
  counts.set(status, (counts.get(status) ?? 0) + 1);
  stats.set(operation, counts);
}
afterAll(() => {
  if (!process.env.HOSTILE_STATS) return;
  for (const [operation, counts] of stats) console.log(operation, Object.fromEntries(counts));
});

// ---------- generated bodies ----------

type Path = Array<string | number>;

type Mutation =
  | { op: "set"; path: Path; value: unknown }
  | { op: "inject"; path: Path; fragment: HostileString; at: number }
  | { op: "remove"; path: Path }
  /** The key again, with a hostile value, before or after the valid one (JSON.parse keeps the last). */
  | { op: "duplicate"; key: string; value: unknown; before: boolean }
  | { op: "unknown"; key: string; value: unknown };

type RawBody = { label: string; bytes: () => string | Uint8Array };

type BodyCase =
  | { kind: "fields"; mutations: Mutation[]; auth: Auth; contentType: string | null }
  | { kind: "raw"; body: RawBody; auth: Auth; contentType: string | null };

const CONTENT_TYPES = [
  "text/plain",
  "application/json; charset=latin1",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "",
  "application/json, text/plain",
  "APPLICATION/JSON",
  "application/vnd.triad+json",
  'application/json; charset="UTF-8"',
  "application/jsonx",
];

const contentTypeArb: fc.Arbitrary<string | null> = fc.oneof(
  { arbitrary: fc.constant("application/json"), weight: 15 },
  { arbitrary: fc.constantFrom<string | null>(null, ...CONTENT_TYPES), weight: 2 },
);

const raw = (label: string, bytes: () => string | Uint8Array): RawBody =>
  Object.assign({ label, bytes }, { [fc.toStringMethod]: () => `raw body ${label}` });

const RAW_BODIES: RawBody[] = [
  ...[
    "",
    " ",
    "null",
    "[]",
    "[1,2]",
    '"text"',
    "42",
    "true",
    "{",
    "}",
    '{"a":1}{"b":2}',
    "\uFEFF{}",
    "{'a':1}",
    '{"a":1,}',
    "NaN",
    '{"a":NaN}',
    "\u0000",
    '{"a":"\\ud800"}',
    "{}",
  ].map((text) => raw(JSON.stringify(text), () => text)),
  raw("5000 nested arrays", () => `${"[".repeat(5000)}${"]".repeat(5000)}`),
  raw("5000 nested objects", () => `${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`),
  raw("bytes ff fe", () => new Uint8Array([0xff, 0xfe])),
  raw(
    "invalid UTF-8 inside a string",
    () => new Uint8Array([...Buffer.from('{"name":"'), 0xc3, 0x28, ...Buffer.from('"}')]),
  ),
  raw("UTF-16 LE", () => new Uint8Array(Buffer.from('{"name":"x"}', "utf16le"))),
  raw("1.2 MB valid JSON", () => JSON.stringify({ name: "a".repeat(1_200_000) })),
  raw("30,000 keys", () => `{${Array.from({ length: 30_000 }, (_, i) => `"k${i}":${i}`).join(",")}}`),
];

function valueAt(body: unknown, at: Path): unknown {
  let node = body;
  for (const key of at) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/** Every path into the base body (objects and arrays too), and the schema's top-level keys. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = prefix.length ? [prefix] : [];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  }
  return out;
}

/** The top-level keys a body schema knows (object, or union of objects). */
function schemaKeys(schema: unknown): string[] {
  const s = schema as { shape?: Record<string, unknown>; options?: unknown[] };
  if (s.shape) return Object.keys(s.shape);
  if (Array.isArray(s.options)) return [...new Set(s.options.flatMap(schemaKeys))];
  return [];
}

function fieldPaths(route: ApiRoute, base: Record<string, unknown>): Path[] {
  const paths = pathsOf(base);
  for (const key of schemaKeys(route.body)) if (!(key in base)) paths.push([key]);
  return paths;
}

/** Values that only mean something in this world: ids of other rows, other people's e-mail. */
function worldValues(w: World): unknown[] {
  return [...w.foreignIds, ...w.foreignIds.map(String), w.outsider.email, w.bystander.slug, w.owner.id, w.scientist.id];
}

function bodyCaseArb(route: ApiRoute, base: Record<string, unknown>): fc.Arbitrary<BodyCase> {
  const paths = fieldPaths(route, base);
  const stringPaths = paths.filter((p) => typeof valueAt(base, p) === "string");
  const topKeys = Object.keys(base);
  const extra = worldValues(world);
  const value = hostileJsonValue(extra);
  const setOne = fc
    .constantFrom(...paths)
    .chain((at) =>
      hostileJsonValueFor(valueAt(base, at), extra).map((v): Mutation => ({ op: "set", path: at, value: v })),
    );
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    { arbitrary: setOne, weight: 6 },
    ...(stringPaths.length
      ? [
          {
            arbitrary: fc.record({
              op: fc.constant("inject" as const),
              path: fc.constantFrom(...stringPaths),
              fragment: hostileFragment,
              at: fc.integer({ min: 0, max: 100 }),
            }),
            weight: 4,
          },
        ]
      : []),
    { arbitrary: fc.record({ op: fc.constant("remove" as const), path: fc.constantFrom(...paths) }), weight: 1 },
    {
      arbitrary: fc.record({
        op: fc.constant("duplicate" as const),
        key: fc.constantFrom(...topKeys),
        value,
        before: fc.boolean(),
      }),
      weight: 1,
    },
    { arbitrary: fc.record({ op: fc.constant("unknown" as const), key: unknownFieldName, value }), weight: 1 },
    // A list far longer than any limit (conditions, plan steps), or a wrong type, at any path.
    {
      arbitrary: fc
        .record({
          op: fc.constant("set" as const),
          path: fc.constantFrom(...paths),
          value: fc.constantFrom(21, 1_000, 20_000).map((count) => count),
        })
        .map(({ op, path: at, value: count }) => {
          const here = valueAt(base, at);
          return { op, path: at, value: new Many(Array.isArray(here) ? (here[0] ?? "x") : (here ?? "x"), count) };
        }),
      weight: 1,
    },
  );
  return fc.oneof(
    {
      arbitrary: fc.record({
        kind: fc.constant("fields" as const),
        mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
        auth: authArb,
        contentType: contentTypeArb,
      }),
      weight: 12,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant("raw" as const),
        body: fc.constantFrom(...RAW_BODIES),
        auth: authArb,
        contentType: contentTypeArb,
      }),
      weight: 1,
    },
  );
}

function setAt(target: unknown, at: Path, value: unknown, remove = false): void {
  let node = target;
  for (const key of at.slice(0, -1)) {
    if (node === null || typeof node !== "object") return;
    node = (node as Record<string | number, unknown>)[key];
  }
  if (node === null || typeof node !== "object") return;
  const last = at[at.length - 1];
  if (remove) {
    if (Array.isArray(node) && typeof last === "number") node.splice(last, 1);
    else delete (node as Record<string | number, unknown>)[last];
  } else {
    (node as Record<string | number, unknown>)[last] = value;
  }
}

function injected(original: string, fragment: HostileString, at: number): Long | string {
  const cut = Math.round((original.length * at) / 100);
  const text = textOf(fragment);
  return `${original.slice(0, cut)}${text}${original.slice(cut)}`;
}

/** The JSON text of a base body after the mutations, with duplicate and unknown keys where asked. */
function bodyText(base: Record<string, unknown>, mutations: Mutation[]): string {
  const body = structuredClone(base);
  const before: Array<[string, unknown]> = [];
  const after: Array<[string, unknown]> = [];
  for (const m of mutations) {
    if (m.op === "set") setAt(body, m.path, m.value);
    else if (m.op === "remove") setAt(body, m.path, undefined, true);
    else if (m.op === "inject") {
      const current = valueAt(body, m.path);
      setAt(body, m.path, typeof current === "string" ? injected(current, m.fragment, m.at) : m.fragment);
    } else if (m.op === "duplicate") (m.before ? before : after).push([m.key, m.value]);
    else after.push([m.key, m.value]);
  }
  const entries = [...before, ...Object.entries(body), ...after];
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`).join(",")}}`;
}

function headersFor(fixture: Fixture, auth: Auth, contentType: string | null): Headers {
  const headers = new Headers();
  const value = authorization(auth, fixture);
  if (value) headers.set("Authorization", value);
  if (contentType !== null) headers.set("Content-Type", contentType);
  return headers;
}

function outgoingBody(route: ApiRoute, fixture: Fixture, c: BodyCase): Outgoing {
  const body = c.kind === "raw" ? c.body.bytes() : bodyText(fixture.body!, c.mutations);
  return {
    method: route.method,
    params: fixture.params,
    pathname: pathnameOf(route, fixture.params),
    search: fixture.query ? `?${new URLSearchParams(fixture.query)}` : "",
    headers: headersFor(fixture, c.auth, c.contentType),
    body,
  };
}

// ---------- generated query strings ----------

type QueryMutation =
  | { op: "set"; key: string; values: HostileString[] }
  | { op: "inject"; key: string; fragment: HostileString; at: number }
  | { op: "remove"; key: string }
  | { op: "unknown"; key: string; value: HostileString };

type QueryCase = { mutations: QueryMutation[]; suffix: string; auth: Auth };

const RAW_SUFFIXES = [
  "&%",
  "&cursor=%E0%A4%A",
  "&limit=%00",
  "&=",
  "&&&",
  "&limit",
  "&%ZZ=1",
  "&limit=1&limit=2",
  "&limit[]=1",
  "&limit[$gt]=1",
  "&__proto__[x]=1",
  `&${"a=1&".repeat(5000)}`,
  "#fragment",
];

function queryCaseArb(base: Record<string, string>): fc.Arbitrary<QueryCase> {
  const keys = Object.keys(base);
  const text = fc.oneof(
    { arbitrary: hostileString, weight: 4 },
    {
      arbitrary: fc.constantFrom(
        ...["0", "-1", "101", "1e3", "0x10", " 2", "2.5", "9007199254740993", "Infinity", "NaN", "", "1,2"],
        ...worldValues(world).map(toFormText),
        ...cursors,
      ),
      weight: 3,
    },
  );
  const textFor = (key: string) =>
    key === "cursor"
      ? fc.oneof({ arbitrary: fc.constantFrom(...cursors), weight: 3 }, { arbitrary: text, weight: 1 })
      : fc.oneof(
          { arbitrary: hostileFormTextFor(base[key], worldValues(world).map(toFormText)), weight: 2 },
          { arbitrary: text, weight: 1 },
        );
  const setOne = fc
    .constantFrom(...keys, "cursor")
    .chain((key) =>
      fc
        .array(textFor(key), { minLength: 1, maxLength: 3 })
        .map((values): QueryMutation => ({ op: "set", key, values })),
    );
  const mutation: fc.Arbitrary<QueryMutation> = fc.oneof(
    { arbitrary: setOne, weight: 6 },
    {
      arbitrary: fc.record({
        op: fc.constant("inject" as const),
        key: fc.constantFrom(...keys),
        fragment: hostileFragment,
        at: fc.integer({ min: 0, max: 100 }),
      }),
      weight: 3,
    },
    { arbitrary: fc.record({ op: fc.constant("remove" as const), key: fc.constantFrom(...keys) }), weight: 1 },
    { arbitrary: fc.record({ op: fc.constant("unknown" as const), key: unknownFieldName, value: text }), weight: 1 },
  );
  return fc.record({
    mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
    suffix: fc.oneof(
      { arbitrary: fc.constant(""), weight: 8 },
      { arbitrary: fc.constantFrom(...RAW_SUFFIXES), weight: 1 },
    ),
    auth: authArb,
  });
}

function searchOf(base: Record<string, string>, c: QueryCase): string {
  const values = new Map<string, string[]>(Object.entries(base).map(([k, v]) => [k, [v]]));
  const extra: Array<[string, string]> = [];
  for (const m of c.mutations) {
    if (m.op === "set") values.set(m.key, m.values.map(textOf));
    else if (m.op === "remove") values.delete(m.key);
    else if (m.op === "inject") {
      const current = values.get(m.key)?.[0] ?? "";
      values.set(m.key, [textOf(injected(current, m.fragment, m.at))]);
    } else extra.push([m.key, textOf(m.value)]);
  }
  const params = new URLSearchParams();
  for (const [k, vs] of values) for (const v of vs) params.append(k, v);
  for (const [k, v] of extra) params.append(k, v);
  return `?${params}${c.suffix}`;
}

function outgoingQuery(route: ApiRoute, fixture: Fixture, c: QueryCase): Outgoing {
  return {
    method: route.method,
    params: fixture.params,
    pathname: pathnameOf(route, fixture.params),
    search: searchOf(fixture.query!, c),
    headers: headersFor(fixture, c.auth, null),
  };
}

// ---------- the properties ----------

const fuzzed = operations.filter(([, route]) => route.body || route.query);

function assertNoProblems(problems: string[]): void {
  if (problems.length) throw new Error(problems.join("\n"));
}

// A test that cannot fail is a defect: the oracle must flag each kind of finding.
describe("the oracle of the property", () => {
  const fake = (name: string, handler: Handler): ApiRoute => {
    const route = { ...apiRoutes.getProject, path: `/__oracle/${name}`, method: "POST" } as ApiRoute;
    moduleByPath.set(route.path, { action: handler });
    return route;
  };
  const request = (route: ApiRoute): Outgoing => ({
    method: "POST",
    params: {},
    pathname: `/api/v1${route.path}`,
    search: "",
    headers: new Headers({ "Content-Type": "application/json" }),
    body: "{}",
  });
  const refusal = (status: number, code: string) => Response.json({ error: { code, message: "No." } }, { status });
  const cases: Array<[string, Handler, RegExp]> = [
    ["a clean refusal", () => refusal(400, "invalid_request"), /^$/],
    ["a 500", () => refusal(500, "internal_error"), /answered 500/],
    [
      "a throw",
      () => {
        throw new TypeError("boom");
      },
      /threw instead of answering/,
    ],
    [
      "a refusal without the error shape",
      () => Response.json({ message: "No." }, { status: 400 }),
      /without the error shape/,
    ],
    ["a refusal in text", () => new Response("No.", { status: 403 }), /not JSON/],
    ["a code of another status", () => refusal(404, "invalid_request"), /status 404 but code invalid_request/],
    [
      "a write before a refusal",
      () => {
        sqlite().prepare("update users set name = 'Changed' where id = ?").run(world.outsider.id);
        return refusal(409, "conflict");
      },
      /yet changed tables:\nusers: /,
    ],
    [
      "a change to another project",
      () => {
        sqlite().prepare("update requirements set title = 'Changed' where id = ?").run(world.bystander.requirementId);
        return Response.json({ ok: true });
      },
      /changed the rows of another project/,
    ],
    [
      "an error logged",
      () => {
        console.error(new Error("logged"));
        return Response.json({ ok: true });
      },
      /console.error: Error: logged/,
    ],
    [
      "a control character stored",
      () => {
        sqlite().prepare("update projects set summary = 'Bell\u0007' where id = ?").run(world.main.id);
        return Response.json({ ok: true });
      },
      /accepted \(200 .*\) and projects.summary stored the control character U\+0007/,
    ],
    [
      "an impossible date stored",
      () => {
        sqlite().prepare("update debt_items set target_date = '2027-02-30' where id = ?").run(world.main.debtItemId);
        return Response.json({ ok: true });
      },
      /debt_items.target_date stored the date "2027-02-30"/,
    ],
    [
      "a reply to another review's sign-off stored",
      () => {
        sqlite()
          .prepare("update review_comments set reply_to_sign_off_id = ? where id = ?")
          .run(world.bystander.objectionId, world.main.commentId);
        return Response.json({ ok: true });
      },
      /stored a comment replying to a sign-off of another review/,
    ],
    [
      "a text too long stored",
      () => {
        sqlite()
          .prepare("update requirements set description = ? where id = ?")
          .run("é".repeat(4001), world.main.requirementId);
        return Response.json({ ok: true });
      },
      /requirements.description stored 4001 characters/,
    ],
  ];
  it("flags an answer outside the OpenAPI document", async () => {
    const route = fake("contract", () => Response.json({ project: { id: 1, createdAt: 1790000000000 } }));
    documented.add(route);
    // Answered at a documented address: POST /projects/{slug}/reopen.
    const out = { ...request(route), pathname: `/api/v1/projects/${world.main.slug}/reopen` };
    try {
      expect((await problemsWith(route, out)).join("\n")).toMatch(/body outside the document[\s\S]*createdAt/);
    } finally {
      documented.delete(route);
    }
    expect(snapshotAll()).toEqual(baseline);
  });

  it.each(cases)("flags %s", async (name, handler, expected) => {
    const problems = await problemsWith(
      fake(name.replace(/\W+/g, "-"), handler),
      request(fake(name.replace(/\W+/g, "-"), handler)),
    );
    expect(problems.join("\n")).toMatch(expected);
    expect(snapshotAll()).toEqual(baseline);
  });
});

describe("the JSON API under hostile input", () => {
  it("starts from rows that break none of the rules the oracle checks", () => {
    expect(referenceProblems()).toEqual([]);
    expect(storedValueProblems({}, baseline)).toEqual([]);
  });

  it("has a valid request for every operation of apiRoutes (a new operation needs one here)", () => {
    for (const [key, route] of operations) {
      if (route.public) continue;
      expect(fixtures[key], `fixture of ${key}`).toBeTruthy();
      if (route.body) expect(fixtures[key]!.body, `body of ${key}`).toBeDefined();
      if (route.query) expect(fixtures[key]!.query, `query of ${key}`).toBeDefined();
      expect(moduleByPath.has(route.path), `route file of ${route.path}`).toBe(true);
    }
  });

  // The property mutates a request that works: if the base were refused, the mutations would test nothing.
  it.each(fuzzed.map(([key, route]) => [key, route] as const))(
    "the valid request of %s is accepted",
    async (key, route) => {
      const fixture = fixtures[key]!;
      const out: Outgoing = {
        method: route.method,
        params: fixture.params,
        pathname: pathnameOf(route, fixture.params),
        search: fixture.query ? `?${new URLSearchParams(fixture.query)}` : "",
        headers: headersFor(fixture, "own", fixture.body ? "application/json" : null),
        body: fixture.body ? toJsonText(fixture.body) : undefined,
      };
      apiLimiter.reset();
      const { answer, stored } = await inRollback(async () => ({
        answer: await send(route, out),
        stored: storedValueProblems(baseline, snapshotAll()),
      }));
      expect(answer.status, answer.text).toBeLessThan(300);
      const { method, pathname } = out;
      const body = JSON.parse(answer.text) as unknown;
      expect(
        contractProblems({ method, pathname, status: answer.status, contentType: answer.contentType, body }),
      ).toEqual([]);
      expect(stored).toEqual([]);
      expect(snapshotAll()).toEqual(baseline);
    },
  );

  for (const [key, route] of fuzzed) {
    it(`${route.method} ${route.path} (${key}): hostile ${route.body ? "bodies" : "query strings"}`, async () => {
      const fixture = fixtures[key]!;
      if (route.body) {
        await fc.assert(
          fc.asyncProperty(bodyCaseArb(route, fixture.body!), async (c) =>
            assertNoProblems(await problemsWith(route, outgoingBody(route, fixture, c))),
          ),
          propertyParameters(RUNS),
        );
      } else {
        // Every forged cursor, every run, whatever the seed.
        const examples = cursors.map((cursor): [QueryCase] => [
          { mutations: [{ op: "set", key: "cursor", values: [cursor] }], suffix: "", auth: "own" },
        ]);
        const parameters = propertyParameters(RUNS) as fc.Parameters<[QueryCase]>;
        await fc.assert(
          fc.asyncProperty(queryCaseArb(fixture.query!), async (c) =>
            assertNoProblems(await problemsWith(route, outgoingQuery(route, fixture, c))),
          ),
          { ...parameters, numRuns: parameters.numRuns! + examples.length, examples },
        );
      }
      expect(snapshotAll(), "every run was rolled back").toEqual(baseline);
    }, 120_000);
  }

  const withParams = operations.filter(([, route]) => route.path.includes("{"));

  it.each(withParams.map(([key, route]) => [key, route] as const))(
    "%s: hostile path parameters",
    async (key, route) => {
      const fixture = fixtures[key]!;
      const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const value = fc.oneof(
        { arbitrary: hostileString.map(textOf), weight: 3 },
        {
          arbitrary: fc.constantFrom(
            ...[
              "0",
              "-1",
              "1e3",
              "0x10",
              " 2",
              "2 ",
              "+2",
              "2.0",
              "9".repeat(30),
              "9007199254740993",
              "..",
              ".",
              "%",
              "%2F",
              "a/b",
              "NaN",
            ],
            ...worldValues(world).map(toFormText),
          ),
          weight: 3,
        },
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...names), value, fc.constantFrom<Auth>("own"), async (name, text, auth) => {
          const params = { ...fixture.params, [name]: text.replace(/[\uD800-\uDFFF]/g, "\uFFFD") };
          const out: Outgoing = {
            method: route.method,
            params,
            pathname: pathnameOf(route, params),
            search: fixture.query ? `?${new URLSearchParams(fixture.query)}` : "",
            headers: headersFor(fixture, auth, fixture.body ? "application/json" : null),
            body: fixture.body ? toJsonText(fixture.body) : undefined,
          };
          // A slug or debt item id of the other project addresses that project: its rows may change.
          assertNoProblems(await problemsWith(route, out, { checkBystander: name !== "slug" && name !== "itemId" }));
        }),
        propertyParameters(PATH_RUNS),
      );
      expect(snapshotAll(), "every run was rolled back").toEqual(baseline);
    },
    120_000,
  );
});
