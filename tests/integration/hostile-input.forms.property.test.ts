/**
 * Property-based test of the main forms under hostile input (issue 13, "Security hardening").
 * For each form action (sign-in, new project, project edit and life cycle, requirements,
 * team, the gate review's intents, debt items and their plans, API tokens), fast-check starts
 * from a VALID submission and replaces, injects into, removes or repeats one to three fields
 * (very long strings, unicode and control characters, numbers out of range, impossible dates,
 * ids of another project, the same field twice, file parts), sent urlencoded or as multipart,
 * to the real route action, and asserts:
 *
 *   - no 5xx: the action returns, or throws a Response under 500 (a thrown error would be a
 *     500 page), and logs nothing with console.error;
 *   - a refusal (4xx, or `ok: false`) answers 4xx and changed no table (every row compared;
 *     a failed sign-in is logged on purpose, those activity rows aside);
 *   - a file part, or a single-value field sent twice, is refused (app/utils/forms.ts);
 *   - nothing addressed to one project changed another project's rows, and every redirect
 *     stays on this site;
 *   - what an accepted submission stored is clean: no control characters, no text longer than
 *     any field takes, only real dates and instants in the range people may enter, no row
 *     pointing into another project (tests/support/hostile.ts).
 *
 * Every run is rolled back (tests/support/hostile.ts, inRollback); fixed seed by default, see
 * hostile.ts for HOSTILE_SEED / HOSTILE_PATH / HOSTILE_RUNS.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as loginRoute from "~/routes/login";
import * as projectRoute from "~/routes/projects.$slug._index";
import * as debtItemRoute from "~/routes/projects.$slug.debt_.$itemId";
import * as debtRoute from "~/routes/projects.$slug.debt";
import * as editRoute from "~/routes/projects.$slug.edit";
import * as gateRoute from "~/routes/projects.$slug.gate._index";
import * as requirementsRoute from "~/routes/projects.$slug.requirements";
import * as teamRoute from "~/routes/projects.$slug.team";
import * as newProjectRoute from "~/routes/projects.new";
import * as tokensRoute from "~/routes/settings.tokens";
import { loginLimiter } from "~/utils/rate-limit.server";
import { sqlite } from "../support/database";
import { ORIGIN, testContext } from "../support/requests";
import {
  buildWorld,
  capturingConsoleErrors,
  clip,
  describeChanges,
  describeError,
  filePart,
  hostileFormText,
  hostileFormTextFor,
  hostileFragment,
  inRollback,
  propertyParameters,
  snapshotAll,
  snapshotProject,
  referenceProblems,
  storedValueProblems,
  textOf,
  unknownFieldName,
  versionOf,
  type FilePart,
  type HostileString,
  type Person,
  type Snapshot,
  type World,
} from "../support/hostile";
import { TEST_PASSWORD } from "../support/users";

/** Runs per form: ~22 forms x RUNS submissions must stay well under a minute on 2 cores. */
const RUNS = 40;

type Action = (args: ActionFunctionArgs) => unknown;

type FormOp = {
  name: string;
  action: Action;
  pathname: string;
  params: Record<string, string>;
  /** Whose session; null for the sign-in form. */
  as: Person | null;
  fields: Array<[string, string]>;
  /** Rows a refusal writes on purpose, by table (an SQL condition): a failed sign-in is logged. */
  refusalWrites?: Record<string, string>;
};

let world: World;
let baseline: Snapshot;
let bystanderBaseline: string;
let forms: FormOp[];

function makeForms(w: World): FormOp[] {
  const { main, owner, scientist, operator, newcomer } = w;
  const slug = main.slug;
  const projectVersion = String(versionOf("projects", main.id));
  const itemVersion = String(versionOf("debt_items", main.debtItemId));
  const review = String(main.reviewId);
  const project = (
    name: string,
    action: Action,
    suffix: string,
    as: Person,
    fields: Array<[string, string]>,
  ): FormOp => ({
    name,
    action,
    pathname: `/projects/${slug}${suffix}`,
    params: { slug },
    as,
    fields,
  });
  const item = (name: string, as: Person, fields: Array<[string, string]>): FormOp => ({
    name,
    action: debtItemRoute.action,
    pathname: `/projects/${slug}/debt/${main.debtItemId}`,
    params: { slug, itemId: String(main.debtItemId) },
    as,
    fields,
  });
  return [
    {
      name: "sign in",
      action: loginRoute.action,
      pathname: "/login",
      params: {},
      as: null,
      fields: [
        ["email", owner.email],
        ["password", TEST_PASSWORD],
        ["redirectTo", "/projects"],
      ],
      refusalWrites: { activity: "action = 'session.sign_in_failed'" },
    },
    {
      name: "new project",
      action: newProjectRoute.action,
      pathname: "/projects/new",
      params: {},
      as: owner,
      fields: [
        ["name", "Quality forecast"],
        ["summary", "Scrap rate per shift."],
        ["businessCase", "Scrap costs 2 % of revenue."],
        ["ownerId", String(owner.id)],
      ],
    },
    project("project edit", editRoute.action, "/edit", owner, [
      ["name", "Press line"],
      ["summary", "Warn 72 h before a press fails."],
      ["businessCase", "Unplanned stops cost 45 000 EUR each."],
      ["ownerId", String(owner.id)],
      ["version", projectVersion],
    ]),
    project("project stop", projectRoute.action, "", owner, [
      ["intent", "stop"],
      ["version", projectVersion],
      ["stopCause", "too_few_engineers"],
      ["stopNote", "Nobody can run it in production."],
      ["openDebt", "write_off"],
      ["writeOffReason", "The project ends, and its debt with it."],
    ]),
    project("requirement create", requirementsRoute.action, "/requirements", owner, [
      ["intent", "create"],
      ["title", "Explain each warning"],
      ["description", "Name the sensors behind it."],
      ["target", "top 3 sensors named"],
      ["priority", "should"],
    ]),
    project("requirement update", requirementsRoute.action, "/requirements", owner, [
      ["intent", "update"],
      ["requirementId", String(main.requirementId)],
      ["version", String(versionOf("requirements", main.requirementId))],
      ["title", "Warn before a failure"],
      ["description", "From vibration and temperature."],
      ["target", "warn >= 72 h ahead"],
      ["priority", "must"],
    ]),
    project("requirement assess", requirementsRoute.action, "/requirements", scientist, [
      ["intent", "assess"],
      ["requirementId", String(main.requirementId)],
      ["version", String(versionOf("requirements", main.requirementId, "ds_version"))],
      ["feasibility", "feasible_with_conditions"],
      ["note", "A year of history is enough."],
      ["conditions", "Access to the sensor archive."],
      ["discipline", "data_science"],
    ]),
    project("team add", teamRoute.action, "/team", owner, [
      ["intent", "add"],
      ["userId", String(newcomer.id)],
      ["discipline", "it"],
    ]),
    {
      name: "gate open",
      action: gateRoute.action,
      pathname: `/projects/${w.fresh.slug}/gate`,
      params: { slug: w.fresh.slug },
      as: owner,
      fields: [
        ["intent", "open"],
        ["statement", "The proof of concept beats the baseline."],
      ],
    },
    project("gate sign", gateRoute.action, "/gate", scientist, [
      ["intent", "sign"],
      ["reviewId", review],
      ["decision", "approve_with_conditions"],
      ["comment", "Fine once the backtest is in."],
      ["conditions", "Add a backtest\nDocument the features"],
      ["conditionRegister", "technical"],
      ["conditionTargetDate", "2031-06-30"],
      ["conditionPrincipalDays", "3"],
      ["conditionInterestDays", "0.5"],
      ["discipline", "data_science"],
    ]),
    project("gate attest", gateRoute.action, "/gate", scientist, [
      ["intent", "attest"],
      ["reviewId", review],
      ["key", main.criterionKey],
      ["note", "Checked the data sheet."],
      ["evidenceUrl", "https://wiki.example.com/evidence"],
    ]),
    project("gate dismiss", gateRoute.action, "/gate", owner, [
      ["intent", "dismiss"],
      ["reviewId", review],
      ["signOffId", String(main.objectionId)],
      ["reason", "The backtest is in the appendix."],
    ]),
    project("gate comment", gateRoute.action, "/gate", owner, [
      ["intent", "comment"],
      ["reviewId", review],
      ["body", "@Farid thanks, that helps."],
      ["replyToSignOffId", String(main.objectionId)],
    ]),
    project("gate withdraw", gateRoute.action, "/gate", owner, [
      ["intent", "withdraw"],
      ["reviewId", review],
      ["note", "Not ready after all."],
    ]),
    project("debt create", debtRoute.action, "/debt", scientist, [
      ["intent", "create"],
      ["register", "organizational"],
      ["title", "Manual data export"],
      ["description", "The sensor data is exported by hand every week."],
      ["category", "data_access"],
      ["benefit", "We could start without waiting for access."],
      ["stageIncurred", "poc"],
      ["severity", "medium"],
      ["principalDays", "2"],
      ["interestDays", "0,5"],
      ["ownerId", String(operator.id)],
    ]),
    item("debt details", scientist, [
      ["intent", "details"],
      ["version", itemVersion],
      ["register", "technical"],
      ["title", "Hard-coded sensor join (SQL next)"],
      ["description", "The join is a notebook cell with constants."],
      ["category", "hard_coded_logic"],
      ["benefit", "Results for the steering committee."],
      ["stageIncurred", "poc"],
      ["severity", "critical"],
      ["principalDays", "6"],
      ["interestDays", "1.5"],
      ["ownerId", String(scientist.id)],
    ]),
    item("debt plan", scientist, [
      ["intent", "plan"],
      ["version", itemVersion],
      ["strategy", "Move the join into the pipeline, then delete the notebook."],
      ["targetDate", "2031-07-31"],
      ["repayBeforeStage", "pilot"],
    ]),
    item("debt add step", scientist, [
      ["intent", "add-step"],
      ["version", itemVersion],
      ["title", "Review the SQL"],
      ["ownerId", String(scientist.id)],
      ["dueDate", "2031-06-15"],
    ]),
    item("debt edit step", scientist, [
      ["intent", "edit-step"],
      ["version", itemVersion],
      ["stepId", String(main.stepIds[0])],
      ["title", "Write the join in SQL"],
      ["ownerId", String(operator.id)],
      ["dueDate", "2031-04-15"],
    ]),
    item("debt step done", scientist, [
      ["intent", "step-done"],
      ["version", itemVersion],
      ["stepId", String(main.stepIds[1])],
    ]),
    item("debt status", scientist, [
      ["intent", "status"],
      ["version", itemVersion],
      ["to", "accepted"],
      ["note", ""],
      ["justification", "The notebook is good enough for the pilot."],
      ["reviewDate", "2031-01-31"],
    ]),
    {
      name: "token create",
      action: tokensRoute.action,
      pathname: "/settings/tokens",
      params: {},
      as: scientist,
      fields: [
        ["intent", "create"],
        ["name", "CI pipeline"],
        ["expiresOn", "2031-12-31"],
        ["currentPassword", TEST_PASSWORD],
      ],
    },
  ];
}

beforeAll(async () => {
  world = await buildWorld();
  forms = makeForms(world);
  baseline = snapshotAll();
  bystanderBaseline = snapshotProject(world.bystander.id);
}, 60_000);

// ---------- submitting a form ----------

/** The original value of the field, kept among hostile parts (`[base, hostile]` repeats a field). */
type BasePart = { base: true };
type Part = HostileString | FilePart | BasePart;

type FormMutation =
  | { op: "set"; field: string; parts: Part[] }
  | { op: "inject"; field: string; fragment: HostileString; at: number }
  | { op: "remove"; field: string }
  | { op: "unknown"; field: string; parts: Part[] };

type FormCase = { encoding: "urlencoded" | "multipart"; mutations: FormMutation[] };

const isFile = (part: Part): part is FilePart => typeof part === "object" && "file" in part;
const isBase = (part: Part): part is BasePart => typeof part === "object" && "base" in part;

/** The submission's parts in order: each mutated field where it first appeared, new fields last. */
function partsOf(form: FormOp, c: FormCase): Array<[string, string | FilePart]> {
  const fields = new Map<string, Array<string | FilePart>>(form.fields.map(([k, v]) => [k, [v]]));
  const original = new Map(form.fields);
  const resolve = (field: string, parts: Part[]) =>
    parts.map((p) => (isBase(p) ? (original.get(field) ?? "") : isFile(p) ? p : textOf(p)));
  for (const m of c.mutations) {
    if (m.op === "set") fields.set(m.field, resolve(m.field, m.parts));
    else if (m.op === "remove") fields.delete(m.field);
    else if (m.op === "inject") {
      const current = original.get(m.field) ?? "";
      const cut = Math.round((current.length * m.at) / 100);
      fields.set(m.field, [`${current.slice(0, cut)}${textOf(m.fragment)}${current.slice(cut)}`]);
    } else fields.set(m.field, [...(fields.get(m.field) ?? []), ...resolve(m.field, m.parts)]);
  }
  return [...fields].flatMap(([k, vs]) => vs.map((v) => [k, v] as [string, string | FilePart]));
}

const BOUNDARY = "----triad-hostile-7d1c5e0b";

/** Escapes a part's name or file name as browsers do (WHATWG multipart/form-data). */
const escapeName = (name: string) => name.replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/"/g, "%22");

/**
 * The multipart body, written by hand: undici's FormData leaves `filename` out for a file
 * with an empty name (so it would arrive as text), while a browser sends `filename=""` for an
 * empty file input.
 */
function multipartBody(parts: Array<[string, string | FilePart]>): string {
  const chunks = parts.map(([name, value]) => {
    const disposition = `Content-Disposition: form-data; name="${escapeName(name)}"`;
    if (typeof value === "string") return `--${BOUNDARY}\r\n${disposition}\r\n\r\n${value}\r\n`;
    const type = value.type ? `Content-Type: ${value.type}\r\n` : "";
    return `--${BOUNDARY}\r\n${disposition}; filename="${escapeName(value.name)}"\r\n${type}\r\n${textOf(value.content)}\r\n`;
  });
  return `${chunks.join("")}--${BOUNDARY}--\r\n`;
}

function requestFor(form: FormOp, c: FormCase): Request {
  const headers = new Headers({ Origin: ORIGIN });
  if (form.as) headers.set("Cookie", form.as.cookie);
  const parts = partsOf(form, c);
  let body: URLSearchParams | string;
  if (c.encoding === "multipart") {
    body = multipartBody(parts);
    headers.set("Content-Type", `multipart/form-data; boundary=${BOUNDARY}`);
  } else {
    // A file input in an urlencoded form sends its file's name.
    body = new URLSearchParams(parts.map(([k, v]) => [k, typeof v === "string" ? v : v.name]));
    headers.set("Content-Type", "application/x-www-form-urlencoded");
  }
  return new Request(new URL(form.pathname, ORIGIN), { method: "POST", headers, body });
}

type Outcome =
  | { kind: "answer"; status: number; thrown: boolean; ok: unknown; text: string; location?: string | null }
  | { kind: "error"; error: unknown };

function isDataWithInit(
  value: unknown,
): value is { type: "DataWithResponseInit"; data: unknown; init: number | ResponseInit | null } {
  return typeof value === "object" && value !== null && (value as { type?: unknown }).type === "DataWithResponseInit";
}

/** Runs the action; what it returned or threw, as a status (Remix's single fetch does the same). */
async function submit(form: FormOp, request: Request): Promise<Outcome> {
  let value: unknown;
  let thrown = false;
  try {
    value = await form.action({ request, params: form.params, context: testContext });
  } catch (error) {
    if (!(error instanceof Response)) return { kind: "error", error };
    value = error;
    thrown = true;
  }
  if (value instanceof Response) {
    const text = await value.text();
    return {
      kind: "answer",
      status: value.status,
      thrown,
      ok: undefined,
      text,
      location: value.headers.get("Location"),
    };
  }
  if (isDataWithInit(value)) {
    const init = typeof value.init === "number" ? { status: value.init } : (value.init ?? {});
    const data = value.data as { ok?: unknown } | null;
    return { kind: "answer", status: init.status ?? 200, thrown, ok: data?.ok, text: JSON.stringify(value.data) ?? "" };
  }
  const data = value as { ok?: unknown } | null;
  return { kind: "answer", status: 200, thrown, ok: data?.ok, text: JSON.stringify(value) ?? "" };
}

/** HOSTILE_STATS=1 prints how often each form answered each status. */
const stats = new Map<string, Map<string, number>>();
afterAll(() => {
  if (!process.env.HOSTILE_STATS) return;
  for (const [name, counts] of stats) console.log(name, Object.fromEntries(counts));
});

/**
 * Why the submission must be refused whatever its values, or null: Triad's forms take no files
 * and each field once, but a list field (`name[]`) (app/utils/forms.ts): otherwise one check
 * could read one value while the action uses another.
 */
function shapeViolation(parts: Array<[string, string | FilePart]>, encoding: FormCase["encoding"]): string | null {
  const seen = new Set<string>();
  for (const [name, value] of parts) {
    if (typeof value !== "string" && encoding === "multipart") return `a file part (${JSON.stringify(name)})`;
    if (seen.has(name) && !name.endsWith("[]")) return `the field ${JSON.stringify(name)} twice`;
    seen.add(name);
  }
  return null;
}

/** The oracle: submits in a rolled-back transaction and returns what is wrong (empty when nothing). */
async function problemsWith(form: FormOp, request: Request, mustRefuse: string | null = null): Promise<string[]> {
  loginLimiter.reset();
  const problems: string[] = [];
  const { result, errors } = await capturingConsoleErrors(() =>
    inRollback(async () => {
      const outcome = await submit(form, request);
      const refused = outcome.kind === "error" || outcome.status >= 400 || outcome.ok === false;
      const after = snapshotAll(refused ? form.refusalWrites : {});
      return {
        outcome,
        changes: refused ? describeChanges(baseline, after) : null,
        stored: refused ? [] : [...storedValueProblems(baseline, after), ...referenceProblems()],
        bystander: snapshotProject(world.bystander.id),
      };
    }),
  );
  const { outcome, changes, stored, bystander } = result;
  if (process.env.HOSTILE_STATS) {
    const counts = stats.get(form.name) ?? new Map<string, number>();
    const key = outcome.kind === "error" ? "threw" : `${outcome.status}${outcome.thrown ? " thrown" : ""}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    stats.set(form.name, counts);
  }
  if (outcome.kind === "error") {
    problems.push(`threw instead of answering (a 500 page): ${describeError(outcome.error)}`);
  } else {
    const said = `${outcome.status}${outcome.thrown ? " (thrown)" : ""} ${clip(outcome.text, 300)}`;
    if (outcome.status >= 500) problems.push(`answered ${said}`);
    if (outcome.ok === false && outcome.status < 400) problems.push(`refused with a status under 400: ${said}`);
    if (mustRefuse && outcome.status < 400) problems.push(`accepted ${mustRefuse}: ${said}`);
    // Every redirect stays on this site (a path, not "//host" or "/\\host").
    if (outcome.location != null && !/^\/(?![/\\])/.test(outcome.location)) {
      problems.push(`redirected off the site, to ${clip(JSON.stringify(outcome.location), 200)}`);
    }
    if (changes) problems.push(`refused (${said}) yet changed tables:\n${changes}`);
    for (const problem of stored) problems.push(`accepted (${said}) and ${problem}`);
  }
  if (outcome.kind === "error" && changes) problems.push(`threw, and changed tables:\n${changes}`);
  if (bystander !== bystanderBaseline) problems.push(`changed the rows of another project (${world.bystander.slug})`);
  for (const error of errors) problems.push(`console.error: ${error}`);
  return problems;
}

// ---------- generated submissions ----------

/** The same kind of row in the other project (or another person): the id a forged form posts. */
function foreignIdFor(w: World, field: string): string | null {
  const b = w.bystander;
  const ids: Record<string, number> = {
    requirementId: b.requirementId,
    reviewId: b.reviewId,
    signOffId: b.objectionId,
    replyToSignOffId: b.approvalId,
    commentId: b.commentId,
    stepId: b.stepIds[0],
    itemId: b.debtItemId,
    userId: w.outsider.id,
    ownerId: w.outsider.id,
  };
  return field in ids ? String(ids[field]) : null;
}

function worldTexts(w: World): string[] {
  return [
    ...w.foreignIds.map(String),
    w.outsider.email,
    w.bystander.slug,
    w.bystander.criterionKey,
    String(w.owner.id),
    String(w.scientist.id),
  ];
}

function formCaseArb(form: FormOp): fc.Arbitrary<FormCase> {
  const names = form.fields.map(([k]) => k);
  const stringy = form.fields.filter(([, v]) => v !== "").map(([k]) => k);
  const text = hostileFormText(worldTexts(world));
  const part: fc.Arbitrary<Part> = fc.oneof(
    { arbitrary: text, weight: 6 },
    { arbitrary: fc.constant<BasePart>({ base: true }), weight: 2 },
    { arbitrary: filePart, weight: 1 },
  );
  const original = new Map(form.fields);
  const textFor = (field: string): fc.Arbitrary<HostileString> => {
    const foreign = foreignIdFor(world, field);
    return fc.oneof(
      { arbitrary: hostileFormTextFor(original.get(field), worldTexts(world)), weight: 4 },
      ...(foreign ? [{ arbitrary: fc.constant(foreign), weight: 1 }] : []),
    );
  };
  const setOne = fc
    .constantFrom(...names)
    .chain((field) => textFor(field).map((value): FormMutation => ({ op: "set", field, parts: [value] })));
  const mutation: fc.Arbitrary<FormMutation> = fc.oneof(
    // one value: replaced
    { arbitrary: setOne, weight: 6 },
    // the field repeated, or sent as a file
    {
      arbitrary: fc.record({
        op: fc.constant("set" as const),
        field: fc.constantFrom(...names),
        parts: fc.array(part, { minLength: 1, maxLength: 3 }),
      }),
      weight: 3,
    },
    {
      arbitrary: fc.record({
        op: fc.constant("inject" as const),
        field: fc.constantFrom(...stringy),
        fragment: hostileFragment,
        at: fc.integer({ min: 0, max: 100 }),
      }),
      weight: 4,
    },
    { arbitrary: fc.record({ op: fc.constant("remove" as const), field: fc.constantFrom(...names) }), weight: 1 },
    {
      arbitrary: fc.record({
        op: fc.constant("unknown" as const),
        field: unknownFieldName,
        parts: fc.array(part, { minLength: 1, maxLength: 2 }),
      }),
      weight: 1,
    },
  );
  return fc.record({
    encoding: fc.constantFrom("urlencoded" as const, "multipart" as const),
    mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
  });
}

/**
 * Cases tried first on every run, whatever the seed: each id field of the form posted as
 * another project's id, alone, after the form's own id, and behind a file part (a check that
 * reads the first part and a parser that reads the first text would disagree).
 */
function examplesFor(form: FormOp): Array<[FormCase]> {
  const out: Array<[FormCase]> = [];
  const file: FilePart = { file: true, name: "id.txt", type: "text/plain", content: "1" };
  for (const [field] of form.fields) {
    const foreign = foreignIdFor(world, field);
    if (!foreign) continue;
    out.push([{ encoding: "urlencoded", mutations: [{ op: "set", field, parts: [foreign] }] }]);
    out.push([{ encoding: "urlencoded", mutations: [{ op: "set", field, parts: [{ base: true }, foreign] }] }]);
    out.push([{ encoding: "multipart", mutations: [{ op: "set", field, parts: [file, foreign] }] }]);
    out.push([{ encoding: "multipart", mutations: [{ op: "set", field, parts: [foreign, { base: true }] }] }]);
  }
  return out;
}

function assertNoProblems(problems: string[]): void {
  if (problems.length) throw new Error(problems.join("\n"));
}

// ---------- the properties ----------

// Built before beforeAll runs, to name the tests; the fields are filled in by makeForms.
const FORM_NAMES = [
  "sign in",
  "new project",
  "project edit",
  "project stop",
  "requirement create",
  "requirement update",
  "requirement assess",
  "team add",
  "gate open",
  "gate sign",
  "gate attest",
  "gate dismiss",
  "gate comment",
  "gate withdraw",
  "debt create",
  "debt details",
  "debt plan",
  "debt add step",
  "debt edit step",
  "debt step done",
  "debt status",
  "token create",
];

const formNamed = (name: string) => {
  const form = forms.find((f) => f.name === name);
  if (!form) throw new Error(`No form named ${name}`);
  return form;
};

// A test that cannot fail is a defect: the oracle must flag each kind of finding.
describe("the oracle of the property", () => {
  const fake = (action: Action): FormOp => ({ ...formNamed("new project"), name: "fake", action });
  const request = () => requestFor(formNamed("new project"), { encoding: "urlencoded", mutations: [] });
  const cases: Array<[string, Action, RegExp]> = [
    ["a clean refusal", () => ({ type: "DataWithResponseInit", data: { ok: false }, init: { status: 400 } }), /^$/],
    [
      "a thrown 404",
      () => {
        throw new Response("No such thing.", { status: 404 });
      },
      /^$/,
    ],
    [
      "a thrown error",
      () => {
        throw new TypeError("boom");
      },
      /threw instead of answering/,
    ],
    ["a 500", () => new Response("Oops", { status: 500 }), /answered 500/],
    ["a refusal with status 200", () => ({ ok: false }), /status under 400/],
    [
      "a write before a refusal",
      () => {
        sqlite().prepare("update users set name = 'Changed' where id = ?").run(world.outsider.id);
        throw new Response("No.", { status: 403 });
      },
      /yet changed tables:\nusers: /,
    ],
    [
      "a change to another project",
      () => {
        sqlite().prepare("update debt_items set title = 'Changed' where id = ?").run(world.bystander.debtItemId);
        return new Response(null, { status: 302, headers: { Location: "/" } });
      },
      /changed the rows of another project/,
    ],
    [
      "an error logged",
      () => {
        console.error("logged");
        return new Response(null, { status: 302, headers: { Location: "/" } });
      },
      /console.error: logged/,
    ],
    [
      "a redirect elsewhere",
      () => new Response(null, { status: 302, headers: { Location: "//evil.example/" } }),
      /redirected off the site/,
    ],
    [
      "a repeated field accepted",
      () => new Response(null, { status: 302, headers: { Location: "/" } }),
      /accepted the field "name" twice/,
    ],
    [
      "an out-of-range instant stored",
      () => {
        sqlite()
          .prepare("update api_tokens set expires_at = ? where user_id = ?")
          .run(Date.UTC(9999, 11, 31), world.scientist.id);
        return { type: "DataWithResponseInit", data: { ok: true }, init: null };
      },
      /accepted \(200 .*\) and api_tokens.expires_at stored the instant 253402214400000/,
    ],
  ];
  it.each(cases)("flags %s", async (name, action, expected) => {
    const problems = await problemsWith(
      fake(action),
      request(),
      name === "a repeated field accepted" ? 'the field "name" twice' : null,
    );
    expect(problems.join("\n")).toMatch(expected);
    expect(snapshotAll()).toEqual(baseline);
  });
});

describe("the main forms under hostile input", () => {
  it("names every form it attacks", () => {
    expect(forms.map((f) => f.name)).toEqual(FORM_NAMES);
  });

  // The property mutates a submission that works: if the base were refused, the mutations would test nothing.
  it.each(FORM_NAMES)("the valid submission of %s is accepted", async (name) => {
    const form = formNamed(name);
    loginLimiter.reset();
    const { outcome, stored } = await inRollback(async () => ({
      outcome: await submit(form, requestFor(form, { encoding: "urlencoded", mutations: [] })),
      stored: storedValueProblems(baseline, snapshotAll()),
    }));
    if (outcome.kind === "error") throw outcome.error;
    expect(stored).toEqual([]);
    expect(outcome.status, outcome.text).toBeLessThan(400);
    expect(outcome.ok, outcome.text).not.toBe(false);
    expect(snapshotAll()).toEqual(baseline);
  });

  it.each(FORM_NAMES)(
    "%s: hostile fields, urlencoded and multipart",
    async (name) => {
      const form = formNamed(name);
      const examples = examplesFor(form);
      const parameters = propertyParameters(RUNS) as fc.Parameters<[FormCase]>;
      await fc.assert(
        fc.asyncProperty(formCaseArb(form), async (c) =>
          assertNoProblems(await problemsWith(form, requestFor(form, c), shapeViolation(partsOf(form, c), c.encoding))),
        ),
        { ...parameters, numRuns: parameters.numRuns! + examples.length, examples },
      );
      expect(snapshotAll(), "every run was rolled back").toEqual(baseline);
    },
    120_000,
  );
});
