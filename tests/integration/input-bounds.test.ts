/**
 * Input bounds (issue 13, security hardening): each test replays a hostile request from the
 * review and expects a 4xx with a clear message and nothing written.
 *
 * - paging: API cursors are signed and bounded, the page size is the validated `limit`, page
 *   numbers are parsed strictly (a 400 or page 1, never a 500);
 * - dates: one calendar check for every date field and the CLI (2027-02-30 is refused);
 * - free text: every field has a maximum length and refuses control characters;
 * - forms: a file part or a single-value field sent twice is refused before any id is read.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import type { ActionFunctionArgs } from "@remix-run/node";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ValidationError } from "~/domain/errors";
import { createDebtItem, listOrgDebt } from "~/models/debt.server";
import { openReview } from "~/models/gates.server";
import { createProject, listProjects } from "~/models/projects.server";
import { createRequirement, getRequirement } from "~/models/requirements.server";
import { addMember } from "~/models/team.server";
import { createToken } from "~/models/tokens.server";
import * as debtRoute from "~/routes/debt._index";
import * as itemRoute from "~/routes/projects.$slug.debt_.$itemId";
import * as gateRoute from "~/routes/projects.$slug.gate._index";
import * as requirementsRoute from "~/routes/projects.$slug.requirements";
import * as projectsRoute from "~/routes/projects._index";
import * as newProjectRoute from "~/routes/projects.new";
import * as peopleRoute from "~/routes/people._index";
import * as tokensRoute from "~/routes/settings.tokens";
import { apiLimiter } from "~/api/handler.server";
import { parseDebtFilters } from "~/utils/debt-validation";
import { countRows, resetDatabase, sqlite } from "../support/database";
import { callAction, callLoader, ORIGIN, refusalOf, settle, testContext } from "../support/requests";
import { createAdmin, signInAs } from "../support/users";
import { actorOf, details } from "./debt-support";
import { api, snapshotTables, userWithToken, type ApiAnswer, type ApiCall, type TokenUser } from "./api-support";

let owner: TokenUser;
let scientist: TokenUser;
let ownerCookie: string;
let databaseFile: string;
let projectA: { id: number; slug: string };
let projectB: { id: number; slug: string };
let projectC: { id: number; slug: string };
let reviewA = 0;
/** A review of its own for the withdraw requests, so one let through cannot close reviewA. */
let reviewC = 0;
let debtItemA = 0;
let requirementA = 0;
let requirementB = 0;

const PROJECTS = 7;
const DEBT_ITEMS = 12;

beforeAll(async () => {
  databaseFile = resetDatabase();
  owner = await userWithToken({ name: "Olu Owner", discipline: "business" });
  scientist = await userWithToken({ name: "Sam Scientist", discipline: "data_science" });
  ownerCookie = signInAs(owner);
  const made = [];
  for (let i = 1; i <= PROJECTS; i++) {
    made.push(
      createProject({
        actor: actorOf(owner),
        name: `Bounds project ${i}`,
        summary: "",
        businessCase: "",
        ownerId: owner.id,
      }),
    );
  }
  [projectA, projectB, projectC] = made.map((p) => ({ id: p.id, slug: p.slug }));
  addMember({ actor: actorOf(owner), projectId: projectA.id, userId: scientist.id, discipline: "data_science" });
  for (let i = 1; i <= DEBT_ITEMS; i++) {
    const item = createDebtItem({
      actor: actorOf(owner),
      projectId: projectA.id,
      register: "technical",
      ...details({ title: `Debt item number ${i}` }),
    });
    if (i === 1) debtItemA = item.id;
  }
  const requirement = (projectId: number, title: string) =>
    createRequirement({ actor: actorOf(owner), projectId, title, description: "", target: "x ≥ 1", priority: "must" })
      .id;
  requirementA = requirement(projectA.id, "A's requirement");
  requirementB = requirement(projectB.id, "B's requirement");
  reviewA = openReview({
    actor: actorOf(owner),
    projectId: projectA.id,
    statement: "The team is ready for this gate.",
  }).id;
  reviewC = openReview({
    actor: actorOf(owner),
    projectId: projectC.id,
    statement: "The team is ready for this gate.",
  }).id;
});

beforeEach(() => {
  apiLimiter.reset();
});

/** Every row of every table an action could write, plus the tokens (but when they were last used). */
const snapshot = () => ({
  ...snapshotTables(sqlite()),
  api_tokens: sqlite()
    .prepare(
      "select id, user_id, name, token_hash, prefix, created_at, expires_at, revoked_at from api_tokens order by id",
    )
    .all(),
});

/** Sends the API request, expects `status` with the error shape, and nothing written. */
async function refused(status: number, method: string, pathname: string, call: ApiCall): Promise<ApiAnswer> {
  const before = snapshot();
  const answer = await api(method, pathname, call);
  expect(answer.status, `${method} ${pathname}: ${JSON.stringify(answer.body)}`).toBe(status);
  expect(answer.body.error.message).toEqual(expect.any(String));
  expect(snapshot()).toEqual(before);
  return answer;
}

/** A cursor as the old server made it: base64url JSON, no signature. */
const handMade = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("4. paging: cursors are the server's own, and bounded", () => {
  it("refuses a hand-made cursor asking for 5,000 rows a page (it answered every item of the register)", async () => {
    for (const list of ["/api/v1/debt", "/api/v1/projects"]) {
      const answer = await refused(400, "GET", `${list}?cursor=${handMade({ page: 1, size: 5000 })}`, {
        token: owner.token,
      });
      expect(answer.body.error.fields).toEqual({ cursor: expect.stringMatching(/nextCursor/) });
    }
  });

  it("refuses a cursor of size 0 (its nextCursor never ended)", async () => {
    await refused(400, "GET", `/api/v1/debt?cursor=${handMade({ page: 1, size: 0 })}`, { token: owner.token });
    await refused(400, "GET", `/api/v1/projects?cursor=${handMade({ page: 1, size: 0 })}`, { token: owner.token });
  });

  it("refuses a huge page and size (it was a 500, SQLITE_MISMATCH)", async () => {
    const huge = Number.MAX_SAFE_INTEGER;
    await refused(400, "GET", `/api/v1/projects?cursor=${handMade({ page: huge, size: huge })}`, {
      token: owner.token,
    });
    await refused(400, "GET", `/api/v1/projects?cursor=${handMade({ page: 1e20, size: 25 })}`, { token: owner.token });
  });

  it("refuses a server cursor with its payload changed, and another list's cursor", async () => {
    const first = await api("GET", "/api/v1/projects?limit=2", { token: owner.token });
    const cursor: string = first.body.nextCursor;
    expect(cursor).toMatch(/^[\w-]+\.[\w-]+$/);
    const [, mac] = cursor.split(".");
    await refused(400, "GET", `/api/v1/projects?cursor=${handMade({ page: 1, size: 5000 })}.${mac}`, {
      token: owner.token,
    });
    await refused(400, "GET", `/api/v1/projects?cursor=${cursor}x`, { token: owner.token });
    const activity = await api("GET", `/api/v1/projects/${projectA.slug}/activity?limit=1`, { token: owner.token });
    expect(activity.body.nextCursor).toEqual(expect.any(String));
    await refused(400, "GET", `/api/v1/projects?cursor=${activity.body.nextCursor}`, { token: owner.token });
  });

  it("pages with its own cursors, never more than `limit` rows, to the end", async () => {
    for (const [list, key, total] of [
      ["/api/v1/projects", "projects", PROJECTS],
      ["/api/v1/debt", "debtItems", DEBT_ITEMS],
    ] as const) {
      const seen: number[] = [];
      let next: string | null = null;
      for (let round = 0; round < 50; round++) {
        const answer: ApiAnswer = await api("GET", `${list}?limit=5${next ? `&cursor=${next}` : ""}`, {
          token: owner.token,
        });
        expect(answer.status).toBe(200);
        expect(answer.body[key].length).toBeLessThanOrEqual(5);
        seen.push(...answer.body[key].map((row: { id: number }) => row.id));
        next = answer.body.nextCursor;
        if (!next) break;
      }
      expect(next, list).toBeNull();
      expect(new Set(seen).size, list).toBe(total);
    }
  });

  it("refuses a `limit` that is not a whole number from 1 to 100", async () => {
    for (const limit of ["0", "101", "5000", "1e1", "%202", "1.5", "-1", "Infinity", "abc", "0x10"]) {
      const answer = await refused(400, "GET", `/api/v1/debt?limit=${limit}`, { token: owner.token });
      expect(answer.body.error.fields, limit).toEqual({ limit: "Use a whole number from 1 to 100." });
    }
  });

  it("answers /projects?page=... with a 400 page saying what is wrong, never a 500", async () => {
    for (const page of ["1e20", "Infinity", "-1", "1.5", "%202", "0", "100001", "abc"]) {
      const answer = await callLoader(projectsRoute.loader, `/projects?page=${page}`, { cookie: ownerCookie });
      expect({ page, status: answer.status }).toEqual({ page, status: 400 });
      expect(answer.data).toMatch(/whole numbers from 1 to 100,000/);
    }
    const second = await callLoader(projectsRoute.loader, "/projects?page=2", { cookie: ownerCookie });
    expect(second.status).toBe(200);
    expect(second.data.page).toBe(2);
  });

  it("/debt ignores a malformed page as it ignores every malformed filter: page 1, never a 500", async () => {
    for (const page of ["1e20", "Infinity", "-1", "1.5", "%202"]) {
      const answer = await callLoader(debtRoute.loader, `/debt?page=${page}`, { cookie: ownerCookie });
      expect({ page, status: answer.status, shown: answer.data.page }).toEqual({ page, status: 200, shown: 1 });
    }
    expect(parseDebtFilters(new URLSearchParams("page=3")).page).toBe(3);
  });

  it("a search longer than a search box takes, or with control characters, is a 400 page", async () => {
    for (const q of ["x".repeat(101), "a%00b"]) {
      expect((await callLoader(projectsRoute.loader, `/projects?q=${q}`, { cookie: ownerCookie })).status).toBe(400);
    }
    const admin = await createAdmin();
    expect(
      (await callLoader(peopleRoute.loader, `/people?q=${"x".repeat(101)}`, { cookie: signInAs(admin) })).status,
    ).toBe(400);
    const api400 = await refused(400, "GET", `/api/v1/projects?q=${"x".repeat(101)}`, { token: owner.token });
    expect(Object.keys(api400.body.error.fields)).toEqual(["q"]);
  });

  it("models refuse a page or page size no parser would give them", () => {
    expect(() => listProjects({ page: 1e20, pageSize: 25 })).toThrow(ValidationError);
    expect(() => listProjects({ page: 1, pageSize: 0 })).toThrow(ValidationError);
    expect(() => listProjects({ page: 1.5, pageSize: 25 })).toThrow(ValidationError);
    const filters = parseDebtFilters(new URLSearchParams());
    expect(() => listOrgDebt({ filters, today: "2027-01-01", pageSize: 5000 })).toThrow(ValidationError);
    expect(() => listOrgDebt({ filters: { ...filters, page: Infinity }, today: "2027-01-01" })).toThrow(
      ValidationError,
    );
  });
});

describe("5. impossible dates: one calendar check everywhere", () => {
  it("POST /settings/tokens with expiresOn=2099-02-30 gets the field error (it was a 500)", async () => {
    for (const expiresOn of ["2099-02-30", "2027-02-29", "2027-13-01", "1999-12-31", "3000-01-01"]) {
      const before = snapshot();
      const answer = await callAction(tokensRoute.action, "/settings/tokens", {
        cookie: ownerCookie,
        form: { intent: "create", name: "Impossible day", expiresOn },
      });
      expect({ expiresOn, status: answer.status }).toEqual({ expiresOn, status: 400 });
      expect(refusalOf(answer.data).fieldErrors.expiresOn, expiresOn).toMatch(
        /YYYY-MM-DD|between 2000-01-01 and 2999-12-31/,
      );
      expect(snapshot()).toEqual(before);
    }
  });

  it("createToken refuses 2099-02-30 with a field error, not a RangeError", () => {
    const before = countRows("api_tokens");
    expect(() => createToken({ actor: null, userId: owner.id, name: "x", expiresOn: "2099-02-30" })).toThrow(
      ValidationError,
    );
    expect(countRows("api_tokens")).toBe(before);
  });

  it("`triad token:create --expires 2099-02-30` prints one clean line and exits 1 (it printed a stack trace)", () => {
    const before = countRows("api_tokens");
    const tsx = path.resolve("node_modules/.bin/tsx");
    const run = spawnSync(
      tsx,
      ["scripts/triad.ts", "token:create", "--email", owner.email, "--name", "CLI", "--expires", "2099-02-30"],
      {
        env: { ...process.env, DATABASE_URL: databaseFile, NODE_OPTIONS: "" },
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    expect(run.error).toBeUndefined();
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toBe("");
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^triad token:create: --expires 2099-02-30: Enter a date as YYYY-MM-DD/);
    expect(run.stderr).not.toMatch(/\bat .*\.ts:\d+|RangeError/);
    expect(countRows("api_tokens")).toBe(before);
  }, 90_000);

  it("a sign-off condition due 2027-02-30 is refused on the gate page (it was stored, then blocked editing the plan)", async () => {
    const before = snapshot();
    const answer = await callAction(gateRoute.action, `/projects/${projectA.slug}/gate`, {
      params: { slug: projectA.slug },
      cookie: ownerCookie,
      form: {
        intent: "sign",
        reviewId: reviewA,
        discipline: "business",
        decision: "approve_with_conditions",
        comment: "",
        conditions: "Write the runbook",
        conditionTargetDate: "2027-02-30",
      },
    });
    expect(answer.status).toBe(400);
    expect(refusalOf(answer.data).fieldErrors.conditionTargetDate).toMatch(/YYYY-MM-DD/);
    expect(snapshot()).toEqual(before);
  });

  it("the API refuses 2027-02-30 in a sign-off condition, a plan, a step and a review date", async () => {
    const review = `/api/v1/projects/${projectA.slug}/gate-reviews/${reviewA}/signoffs`;
    const signed = await refused(400, "POST", review, {
      token: owner.token,
      body: {
        decision: "approve_with_conditions",
        conditions: [{ title: "Write the runbook", targetDate: "2027-02-30" }],
      },
    });
    expect(signed.body.error.fields).toEqual({ "conditions.0.targetDate": expect.stringMatching(/YYYY-MM-DD/) });
    const created = await refused(400, "POST", `/api/v1/projects/${projectA.slug}/debt`, {
      token: owner.token,
      body: {
        ...details({ title: "Impossible plan" }),
        register: "technical",
        plan: { targetDate: "2027-02-30", steps: [{ title: "Step", dueDate: "2027-02-29" }] },
      },
    });
    expect(Object.keys(created.body.error.fields).sort()).toEqual(["plan.steps.0.dueDate", "plan.targetDate"]);
    const item = (await api("GET", `/api/v1/debt/${debtItemA}`, { token: owner.token })).body.debtItem;
    await refused(400, "PATCH", `/api/v1/debt/${debtItemA}`, {
      token: owner.token,
      body: { version: item.version, targetDate: "2027-02-30" },
    });
    await refused(400, "POST", `/api/v1/debt/${debtItemA}/steps`, {
      token: owner.token,
      body: { version: item.version, title: "A step", dueDate: "2100-02-29" },
    });
    await refused(400, "PATCH", `/api/v1/debt/${debtItemA}`, {
      token: owner.token,
      body: { version: item.version, status: "accepted", justification: "Kept on purpose.", reviewDate: "2031-04-31" },
    });
  });

  it("the debt item page refuses 2027-02-30 as a plan's target date", async () => {
    const version = (
      sqlite().prepare("select version from debt_items where id = ?").get(debtItemA) as { version: number }
    ).version;
    const before = snapshot();
    const answer = await callAction(itemRoute.action, `/projects/${projectA.slug}/debt/${debtItemA}`, {
      params: { slug: projectA.slug, itemId: String(debtItemA) },
      cookie: ownerCookie,
      form: { intent: "plan", version, strategy: "Rewrite it.", targetDate: "2027-02-30", repayBeforeStage: "" },
    });
    expect(answer.status).toBe(400);
    expect(refusalOf(answer.data).fieldErrors.targetDate).toMatch(/YYYY-MM-DD/);
    expect(snapshot()).toEqual(before);
  });
});

describe("6. free text: a maximum length everywhere, no control characters", () => {
  const withdrawPath = () => `/api/v1/projects/${projectC.slug}/gate-reviews/${reviewC}/withdraw`;
  const oneMegabyte = "x".repeat(1_000_000);

  it("refuses a 1 MB withdraw note through the API", async () => {
    const answer = await refused(400, "POST", withdrawPath(), { token: owner.token, body: { note: oneMegabyte } });
    expect(answer.body.error.fields).toEqual({ note: "Keep the note under 1000 characters." });
  });

  it("refuses a 1 MB withdraw note through the gate page (it was stored twice in the log)", async () => {
    const before = snapshot();
    const answer = await callAction(gateRoute.action, `/projects/${projectC.slug}/gate`, {
      params: { slug: projectC.slug },
      cookie: ownerCookie,
      form: { intent: "withdraw", reviewId: reviewC, note: oneMegabyte },
    });
    expect(answer.status).toBe(400);
    expect(snapshot()).toEqual(before);
  });

  it("refuses NUL, escape codes, DEL and C1 controls with a clear message, in one-line and long text", async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ["POST", "/api/v1/projects", { name: "Bad\u0000name" }, "name"],
      ["POST", "/api/v1/projects", { name: "Fine name", summary: "a\u001b[31mred" }, "summary"],
      ["POST", "/api/v1/projects", { name: "Fine name", businessCase: "del\u007f" }, "businessCase"],
      ["POST", "/api/v1/projects", { name: "Tab\tname" }, "name"],
      [
        "POST",
        `/api/v1/projects/${projectA.slug}/requirements`,
        { title: "Two\nlines", target: "x ≥ 1", priority: "must" },
        "title",
      ],
      [
        "POST",
        `/api/v1/projects/${projectA.slug}/gate-reviews/${reviewA}/comments`,
        { body: "next line\u0085here" },
        "body",
      ],
      [
        "POST",
        `/api/v1/projects/${projectA.slug}/gate-reviews/${reviewA}/comments`,
        { body: "lone \ud800 half" },
        "body",
      ],
      ["POST", withdrawPath(), { note: "nul\u0000" }, "note"],
    ];
    for (const [method, pathname, body, field] of cases) {
      const answer = await refused(400, method, pathname, { token: owner.token, body });
      expect(answer.body.error.fields, JSON.stringify(body)).toEqual({
        [field]: expect.stringMatching(/control characters/),
      });
    }
  });

  it("keeps line breaks and tabs in long text, with a browser's CRLF stored as LF", async () => {
    const answer = await api("POST", `/api/v1/projects/${projectA.slug}/gate-reviews/${reviewA}/comments`, {
      token: owner.token,
      body: { body: "First line\r\n\tsecond line" },
    });
    expect(answer.status).toBe(201);
    expect(answer.body.comment.body).toBe("First line\n\tsecond line");
  });

  it("refuses over-long fields on the form as in the API (the API bodies are the form schemas)", async () => {
    const before = snapshot();
    const form = await callAction(newProjectRoute.action, "/projects/new", {
      cookie: ownerCookie,
      form: { name: "Long summary", summary: "s".repeat(501), businessCase: "", ownerId: owner.id },
    });
    expect(form.status).toBe(400);
    expect(refusalOf(form.data).fieldErrors.summary).toBe("Keep the summary under 500 characters.");
    const body = await refused(400, "POST", "/api/v1/projects", {
      token: owner.token,
      body: { name: "Long summary", summary: "s".repeat(501) },
    });
    expect(body.body.error.fields.summary).toBe(refusalOf(form.data).fieldErrors.summary);
    expect(snapshot()).toEqual(before);
  });

  it("caps a sign-off at 20 conditions of 3 to 200 characters", async () => {
    const sign = (conditions: string) =>
      callAction(gateRoute.action, `/projects/${projectA.slug}/gate`, {
        params: { slug: projectA.slug },
        cookie: ownerCookie,
        form: {
          intent: "sign",
          reviewId: reviewA,
          discipline: "business",
          decision: "approve_with_conditions",
          comment: "",
          conditions,
        },
      });
    const before = snapshot();
    const many = await sign(Array.from({ length: 21 }, (_, i) => `Condition ${i + 1}`).join("\n"));
    expect(refusalOf(many.data).fieldErrors.conditions).toBe("Write at most 20 conditions.");
    const long = await sign(`Fine condition\n${"c".repeat(201)}`);
    expect(refusalOf(long.data).fieldErrors.conditions).toBe("Write each condition in 3 to 200 characters.");
    expect(snapshot()).toEqual(before);
  });
});

describe("7. forms: no files, each field once, ids parsed strictly", () => {
  /** Posts a multipart form (as a hand-made client could) to a route action. */
  function postMultipart(
    action: (args: ActionFunctionArgs) => unknown,
    pathname: string,
    params: Record<string, string>,
    fill: (form: FormData) => void,
  ) {
    const form = new FormData();
    fill(form);
    const request = new Request(new URL(pathname, ORIGIN), {
      method: "POST",
      headers: { Cookie: ownerCookie, Origin: ORIGIN },
      body: form,
    });
    return settle(() => action({ request, params, context: testContext }));
  }

  const requirementUpdate = (form: FormData) => {
    form.append("intent", "update");
    form.append("version", "1");
    form.append("title", "Taken over through A's page");
    form.append("target", "x ≥ 2");
    form.append("priority", "must");
    form.append("description", "");
  };

  it("refuses requirementId sent as a file part and then as text (it skipped the project check)", async () => {
    const before = snapshot();
    const answer = await postMultipart(
      requirementsRoute.action,
      `/projects/${projectA.slug}/requirements`,
      { slug: projectA.slug },
      (form) => {
        requirementUpdate(form);
        form.append("requirementId", new File(["1"], "id.txt", { type: "text/plain" }));
        form.append("requirementId", String(requirementB));
      },
    );
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.data)).toMatch(/This form takes no files/);
    expect(getRequirement(requirementB)?.title).toBe("B's requirement");
    expect(snapshot()).toEqual(before);
  });

  it("refuses requirementId sent twice as text", async () => {
    const before = snapshot();
    const answer = await callAction(requirementsRoute.action, `/projects/${projectA.slug}/requirements`, {
      params: { slug: projectA.slug },
      cookie: ownerCookie,
      form: {
        intent: "update",
        requirementId: [String(requirementA), String(requirementB)],
        version: 1,
        title: "Taken over",
        target: "x ≥ 2",
        priority: "must",
        description: "",
      },
    });
    expect(answer.status).toBe(400);
    // The 400 page of readForm names the field.
    expect(JSON.stringify(answer.data)).toMatch(/“requirementId” was sent more than once/);
    expect(getRequirement(requirementA)?.title).toBe("A's requirement");
    expect(getRequirement(requirementB)?.title).toBe("B's requirement");
    expect(snapshot()).toEqual(before);
  });

  it("refuses ids that are not plain digits (1e3, 0x10, ' 2', 1.0)", async () => {
    for (const id of ["1e0", "0x1", ` ${requirementA}`, `${requirementA}.0`, `+${requirementA}`]) {
      const before = snapshot();
      const answer = await callAction(requirementsRoute.action, `/projects/${projectA.slug}/requirements`, {
        params: { slug: projectA.slug },
        cookie: ownerCookie,
        form: {
          intent: "update",
          requirementId: id,
          version: 1,
          title: "Renamed by a strange id",
          target: "x ≥ 2",
          priority: "must",
        },
      });
      // 400 from the strict id field, or 404 if a page checks the id against the project first.
      expect([400, 404], id).toContain(answer.status);
      expect(snapshot()).toEqual(before);
    }
  });

  it("refuses a file part in a form that takes none", async () => {
    const before = snapshot();
    const answer = await postMultipart(newProjectRoute.action, "/projects/new", {}, (form) => {
      form.append("name", "Project with a file");
      form.append("summary", new File(["x".repeat(1000)], "summary.txt"));
      form.append("ownerId", String(owner.id));
    });
    // Refused before any value is read (readForm throws a 400 with the reason).
    expect(answer.status).toBe(400);
    expect(answer.thrown).toBe(true);
    expect(answer.data).toBe("This form takes no files.");
    expect(snapshot()).toEqual(before);
  });
});
