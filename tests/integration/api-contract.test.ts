/**
 * The API's contract, from a client's side: a list endpoint refuses a filter it does not
 * know or a value it does not take (400 with `fields` naming each parameter, where the /debt
 * page ignores them), every operation refuses query parameters it does not list, instants are
 * ISO strings where they used to be milliseconds, and an answer that leaves its schema is
 * caught before it reaches a client (outside production).
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { apiLimiter, apiResource, endpoint } from "~/api/handler.server";
import { apiRoutes, type ApiRoute } from "~/api/route-table.server";
import { allowConsoleError } from "../support/console";
import { countRows, resetDatabase } from "../support/database";
import { testContext } from "../support/requests";
import { api, userWithToken, type TokenUser } from "./api-support";

let owner: TokenUser;
let scientist: TokenUser;
let slug: string;
let projectId: number;
const items: Record<string, number> = {};

beforeAll(async () => {
  resetDatabase();
  owner = await userWithToken({ name: "Olga Owner", discipline: "business" });
  scientist = await userWithToken({ name: "Sami Science", discipline: "data_science" });
  const created = await api("POST", "/api/v1/projects", { token: owner.token, body: { name: "Contract project" } });
  ({ slug, id: projectId } = created.body.project);
  await api("POST", `/api/v1/projects/${slug}/members`, { token: owner.token, body: { email: scientist.email } });
  for (const [severity, register, category] of [
    ["high", "technical", "missing_tests"],
    ["low", "technical", "hard_coded_logic"],
    ["critical", "organizational", "data_quality"],
  ] as const) {
    const logged = await api("POST", `/api/v1/projects/${slug}/debt`, {
      token: owner.token,
      body: {
        register,
        title: `A ${severity} item`,
        category,
        stageIncurred: "poc",
        severity,
        principalDays: 2,
        interestDays: 0,
      },
    });
    expect(logged.status, JSON.stringify(logged.body)).toBe(201);
    items[severity] = logged.body.debtItem.id;
  }
});

beforeEach(() => apiLimiter.reset());

/** A 400 whose `fields` name exactly `names`. */
async function refusedQuery(path: string, names: string[], token = owner.token) {
  const answer = await api("GET", path, { token });
  expect(answer.status, JSON.stringify(answer.body)).toBe(400);
  expect(answer.body.error.code).toBe("invalid_request");
  expect(answer.body.error.message).toBe("The query string is invalid.");
  expect(Object.keys(answer.body.error.fields).sort()).toEqual([...names].sort());
  return answer.body.error.fields as Record<string, string>;
}

describe("GET /debt filters, strictly", () => {
  it("refuses a value a filter does not take, naming the values it does", async () => {
    const fields = await refusedQuery("/api/v1/debt?severity=bogus", ["severity"]);
    expect(fields.severity).toBe("Use low, medium, high or critical.");
    expect((await refusedQuery("/api/v1/debt?status=paid", ["status"])).status).toMatch(/unpaid, open, repaying/);
    expect((await refusedQuery("/api/v1/debt?overdue=maybe", ["overdue"])).overdue).toBe("Use yes or no.");
  });

  it("refuses an unknown parameter, and names every bad parameter at once", async () => {
    const unknown = await refusedQuery("/api/v1/debt?severty=high", ["severty"]);
    expect(unknown.severty).toMatch(/^Unknown parameter: this operation takes register, status, severity/);
    const many = await refusedQuery("/api/v1/debt?sort=cost&dir=up&limit=0&cursor=bogus&page=2&register=legal", [
      "sort",
      "dir",
      "limit",
      "cursor",
      "page",
      "register",
    ]);
    expect(many.sort).toMatch(/^Use project, title, register/);
    expect(many.dir).toBe("Use asc or desc.");
    expect(many.limit).toBe("Use a whole number from 1 to 100.");
    expect(many.cursor).toMatch(/nextCursor/);
    expect(many.page).toMatch(/^Unknown parameter/);
  });

  it("refuses a parameter given twice, a category of the other register, and a malformed id", async () => {
    expect((await refusedQuery("/api/v1/debt?severity=high&severity=low", ["severity"])).severity).toBe(
      "Give severity once.",
    );
    const category = await refusedQuery("/api/v1/debt?register=technical&category=data_quality", ["category"]);
    expect(category.category).toMatch(/^That is not a category of the technical register: use hard_coded_logic/);
    await refusedQuery("/api/v1/debt?category=nonsense", ["category"]);
    await refusedQuery("/api/v1/debt?owner=someone", ["owner"]);
    await refusedQuery("/api/v1/debt?project=1e3", ["project"]);
    await refusedQuery(`/api/v1/debt?ownerName=${"x".repeat(121)}`, ["ownerName"]);
  });

  it("filters and sorts with valid values; an empty value is the same as leaving it out", async () => {
    const ids = async (query: string) => {
      const answer = await api("GET", `/api/v1/debt?project=${projectId}&${query}`, { token: scientist.token });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return answer.body.debtItems.map((d: { id: number }) => d.id);
    };
    expect(await ids("severity=high")).toEqual([items.high]);
    expect(await ids("register=organizational&category=data_quality")).toEqual([items.critical]);
    expect(await ids("owner=none&sort=severity&dir=asc")).toEqual([items.low, items.high, items.critical]);
    expect(await ids("severity=&sort=severity&dir=desc&limit=")).toEqual([items.critical, items.high, items.low]);
  });
});

describe("every operation takes only the query parameters it lists", () => {
  it("refuses bad values and unknown names on the other lists", async () => {
    expect((await refusedQuery("/api/v1/projects?stage=beta", ["stage"])).stage).toBe("Use poc, pilot or production.");
    await refusedQuery("/api/v1/projects?page=2&sort=name", ["page", "sort"]);
    await refusedQuery("/api/v1/notifications?unread=yes", ["unread"]);
    await refusedQuery(`/api/v1/projects/${slug}/activity?limit=1000&before=3`, ["limit", "before"]);
  });

  it("refuses any parameter where an operation takes none, and changes nothing", async () => {
    const fields = await refusedQuery(`/api/v1/projects/${slug}?expand=members`, ["expand"]);
    expect(fields.expand).toBe("Unknown parameter: this operation takes no query parameters.");
    const members = countRows("memberships");
    const removal = await api("DELETE", `/api/v1/projects/${slug}/members/${scientist.id}?confirm=maybe`, {
      token: owner.token,
    });
    expect(removal.status).toBe(400);
    expect(Object.keys(removal.body.error.fields)).toEqual(["confirm"]);
    expect(countRows("memberships")).toBe(members);
  });
});

describe("instants are ISO 8601 strings", () => {
  it("in a new member, where `since` was epoch milliseconds", async () => {
    const newcomer = await userWithToken({ name: "Ida Operator", discipline: "it" });
    const added = await api("POST", `/api/v1/projects/${slug}/members`, {
      token: owner.token,
      body: { email: newcomer.email },
    });
    expect(added.status).toBe(201);
    expect(added.body.member).toEqual({
      userId: newcomer.id,
      name: "Ida Operator",
      email: newcomer.email,
      discipline: "it",
      active: true,
      joinedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
    const project = await api("GET", `/api/v1/projects/${slug}`, { token: owner.token });
    expect(project.body.project.members).toContainEqual(added.body.member);
  });

  it("in the audit payloads of the activity log", async () => {
    const settled = await api("PATCH", `/api/v1/debt/${items.low}`, {
      token: owner.token,
      body: { version: 1, status: "repaid", note: "Moved into configuration." },
    });
    expect(settled.status).toBe(200);
    const activity = await api("GET", `/api/v1/projects/${slug}/activity?limit=1`, { token: owner.token });
    const [entry] = activity.body.activity;
    expect(entry).toMatchObject({ action: "debt.status_changed", via: "api", after: { status: "repaid" } });
    expect(entry.after.repaidAt).toBe(settled.body.debtItem.repaidAt);
    expect(entry.at).toMatch(/Z$/);
  });
});

describe("an answer outside its schema", () => {
  it("is a 500 outside production, logged, instead of reaching the client", async () => {
    allowConsoleError(/ContractError: reopenProject answered outside its response schema/);
    const route = { ...apiRoutes.reopenProject, method: "GET", body: undefined, public: true } as ApiRoute;
    const answer = apiResource(endpoint(route, () => ({ project: { id: 1, createdAt: Date.now() } }) as never));
    const response = await answer({
      request: new Request("http://triad.test/api/v1/projects/x/reopen"),
      params: { slug: "x" },
      context: testContext,
    });
    expect(response.status).toBe(500);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("internal_error");
  });

  it("is a type error in the handler (checked by tsc: this must not compile)", () => {
    const item = {} as z.input<typeof apiRoutes.getDebtItem.response>["debtItem"];
    const answer = endpoint(apiRoutes.getDebtItem, () => ({
      // @ts-expect-error an instant in milliseconds is not an ISO string
      debtItem: { ...item, openedAt: 1 },
    }));
    expect(answer.route).toBe(apiRoutes.getDebtItem);
    const extra = endpoint(apiRoutes.removeMember, () =>
      // @ts-expect-error a field the schema does not name
      ({ removed: 1, withdrawnSignOffs: 0, extra: true }),
    );
    expect(extra.route).toBe(apiRoutes.removeMember);
    expect(z.toJSONSchema(apiRoutes.removeMember.response)).toMatchObject({ additionalProperties: false });
  });
});
