/**
 * GET /api/v1/search (docs/domain.md, "Search"), through its route file, every answer checked
 * against the OpenAPI document (api-support.ts): results with their links and marked words,
 * counts per kind, the kind and stage filters, cursor paging with `limit`, deactivated people
 * for admins only, and strict parameters: a missing or wordless `q`, an unknown kind or stage,
 * an unknown parameter are each a 400 naming the field; hostile words are never a 500.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { apiLimiter } from "~/api/handler.server";
import { createDebtItem } from "~/models/debt.server";
import { createProject } from "~/models/projects.server";
import { createRequirement, withdrawRequirement } from "~/models/requirements.server";
import { addMember } from "~/models/team.server";
import { setUserActive, type Actor } from "~/models/users.server";
import { createTestUser, type TestUser } from "../support/users";
import { api, userWithToken, type TokenUser } from "./api-support";

const actor = (u: TestUser): Actor => ({ id: u.id, name: u.name, role: u.role, discipline: u.discipline, via: "web" });

let owner: TokenUser;
let scientist: TokenUser;
let admin: TokenUser;
let slug: string;
let requirementId: number;
let itemIds: number[];
let gone: TestUser;

beforeAll(async () => {
  owner = await userWithToken({ name: "Bea Business", discipline: "business" });
  scientist = await userWithToken({ name: "Dan Science", discipline: "data_science" });
  admin = await userWithToken({ name: "Ada Admin", discipline: "it", role: "admin" });
  gone = await createTestUser({ name: "Gustav Gone", email: "gustav@example.com", discipline: "it" });
  setUserActive({ actor: actor(admin), userId: gone.id, active: false });
  const project = createProject({
    actor: actor(owner),
    name: "Press line forecast",
    summary: "Warn before a hydraulic press fails.",
    businessCase: "",
    ownerId: owner.id,
  });
  slug = project.slug;
  addMember({ actor: actor(owner), projectId: project.id, userId: scientist.id, discipline: "data_science" });
  requirementId = createRequirement({
    actor: actor(owner),
    projectId: project.id,
    title: "Warn before failures",
    description: "",
    target: "precision above 0.8 on last quarter's bearing failures",
    priority: "must",
  }).id;
  itemIds = [1, 2, 3].map(
    (n) =>
      createDebtItem({
        actor: actor(scientist),
        projectId: project.id,
        register: "technical",
        title: `Vibration shortcut ${n}`,
        description: "The vibration join is a notebook cell with <b>constants</b>.",
        category: "hard_coded_logic",
        benefit: "",
        stageIncurred: "poc",
        severity: "medium",
        principalDays: 1,
        interestDays: 0,
        ownerId: null,
      }).id,
  );
});

beforeEach(() => apiLimiter.reset());

const get = (query: string, token = owner.token) => api("GET", `/api/v1/search?${query}`, { token });

describe("GET /search", () => {
  it("finds a requirement by a word of its target, with its link, project and marked words", async () => {
    const answer = await get("q=bearing");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("Cache-Control")).toBe("no-store");
    expect(answer.body).toMatchObject({
      total: 1,
      ranked: true,
      nextCursor: null,
      counts: { project: 0, requirement: 1, debt: 0, comment: 0, person: 0 },
    });
    expect(answer.body.results).toEqual([
      {
        kind: "requirement",
        id: requirementId,
        title: "Warn before failures",
        titleHighlights: [{ text: "Warn before failures", match: false }],
        snippet: expect.arrayContaining([{ text: "bearing", match: true }]),
        link: `/projects/${slug}/requirements#requirement-${requirementId}`,
        project: expect.objectContaining({ slug, name: "Press line forecast", stage: "poc", state: "active" }),
        reviewId: null,
      },
    ]);
  });

  it("finds debt items by their description, filters by kind and stage, and pages with the cursor", async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer: { status: number; body: any } = await get(
        `q=vibration&kind=debt&stage=poc&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(answer.status).toBe(200);
      expect(answer.body.total).toBe(3);
      for (const r of answer.body.results) {
        expect(r).toMatchObject({ kind: "debt", link: `/projects/${slug}/debt/${r.id}`, project: { stage: "poc" } });
        // the text comes as text: markup in it is not markup
        expect(r.snippet.map((s: { text: string }) => s.text).join("")).toContain("<b>constants</b>");
      }
      seen.push(...answer.body.results.map((r: { id: number }) => r.id));
      cursor = answer.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen.sort()).toEqual([...itemIds].sort());
    const elsewhere = await get("q=vibration&stage=pilot");
    expect(elsewhere.body).toMatchObject({ total: 0, results: [], nextCursor: null });
  });

  it("stays in step with a withdrawal", async () => {
    const project = createProject({
      actor: actor(owner),
      name: "Kiln energy",
      summary: "",
      businessCase: "",
      ownerId: owner.id,
    });
    const requirement = createRequirement({
      actor: actor(owner),
      projectId: project.id,
      title: "Furnace load",
      description: "",
      target: "the refractory temperature within 5 degrees",
      priority: "should",
    });
    expect((await get("q=refractory")).body.total).toBe(1);
    withdrawRequirement({ actor: actor(owner), requirementId: requirement.id, version: requirement.version });
    expect((await get("q=refractory")).body).toMatchObject({ total: 0, results: [] });
  });

  it("finds deactivated people for admins only, linking admins to the person's page", async () => {
    expect((await get("q=gustav")).body.total).toBe(0);
    const answer = await get("q=gustav", admin.token);
    expect(answer.body.results).toEqual([
      expect.objectContaining({
        kind: "person",
        id: gone.id,
        title: "Gustav Gone",
        link: `/people/${gone.id}`,
        project: null,
      }),
    ]);
  });

  it("refuses a missing or wordless q, an unknown kind, stage or parameter, with 400 naming each", async () => {
    const cases: Array<[string, string[]]> = [
      ["", ["q"]],
      ["q=", ["q"]],
      [`q=${encodeURIComponent('"*-')}`, ["q"]],
      [`q=${"x".repeat(101)}`, ["q"]],
      ["q=a%00b", ["q"]],
      ["q=bearing&kind=secret", ["kind"]],
      ["q=bearing&stage=moon", ["stage"]],
      ["q=bearing&limit=0", ["limit"]],
      ["q=bearing&page=2", ["page"]],
      ["q=bearing&q=failures", ["q"]],
    ];
    for (const [query, fields] of cases) {
      const answer = await get(query);
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.code, query).toBe("invalid_request");
      expect(Object.keys(answer.body.error.fields ?? {}), query).toEqual(fields);
    }
  });

  it("answers hostile words with results, never an error", async () => {
    for (const q of ['"a', "NEAR(", "a*", "-x", "AND OR NOT", "title:x", "{body}:x", "^x", "ünï", "\u{1F600} x"]) {
      const answer = await get(`q=${encodeURIComponent(q)}`);
      expect(answer.status, q).toBe(200);
    }
  });

  it("needs a token", async () => {
    const answer = await api("GET", "/api/v1/search?q=bearing");
    expect(answer.status).toBe(401);
  });
});
