/**
 * The other endpoints, each through its route file: project lists with filters and cursor
 * paging, PATCH bodies that change only what they name, requirements, debt items with their
 * plans, status and steps, the org-wide register, renamed slugs, and the public document.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { apiLimiter } from "~/api/handler.server";
import { activitySince, lastActivityId, resetDatabase } from "../support/database";
import { api, userWithToken, type TokenUser } from "./api-support";

let business: TokenUser;
let science: TokenUser;
let it_: TokenUser;

beforeAll(async () => {
  resetDatabase();
  business = await userWithToken({ name: "Bruna Business", discipline: "business" });
  science = await userWithToken({ name: "Sven Science", discipline: "data_science" });
  it_ = await userWithToken({ name: "Ines IT", discipline: "it" });
});

beforeEach(() => apiLimiter.reset());

async function project(name: string) {
  const created = await api("POST", "/api/v1/projects", { token: business.token, body: { name } });
  expect(created.status).toBe(201);
  const slug: string = created.body.project.slug;
  await api("POST", `/api/v1/projects/${slug}/members`, {
    token: business.token,
    body: { email: science.email, discipline: "data_science" },
  });
  return created.body.project as { id: number; slug: string; version: number };
}

describe("projects", () => {
  it("lists with filters and an opaque cursor, without repeating or skipping", async () => {
    for (const n of [1, 2, 3, 4, 5]) await project(`Paging project ${n}`);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/api/v1/projects?limit=2&state=active&q=Paging${cursor ? `&cursor=${cursor}` : ""}`;
      const answer = await api("GET", query, { token: it_.token });
      expect(answer.status).toBe(200);
      seen.push(...answer.body.projects.map((p: { name: string }) => p.name));
      cursor = answer.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([1, 2, 3, 4, 5].map((n) => `Paging project ${n}`));
    const pilots = await api("GET", "/api/v1/projects?stage=pilot", { token: it_.token });
    expect(pilots.body).toEqual({ projects: [], nextCursor: null });
  });

  it("PATCH changes only the fields sent; an old slug still finds the project", async () => {
    const p = await project("Rename me");
    const since = lastActivityId();
    const renamed = await api("PATCH", `/api/v1/projects/${p.slug}`, {
      token: science.token,
      body: { version: p.version, name: "Renamed project" },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.project).toMatchObject({
      name: "Renamed project",
      slug: "renamed-project",
      summary: "",
      version: p.version + 1,
    });
    const viaOldSlug = await api("GET", `/api/v1/projects/${p.slug}`, { token: it_.token });
    expect(viaOldSlug.status).toBe(200);
    expect(viaOldSlug.body.project.slug).toBe("renamed-project");
    expect(activitySince(since).map((r) => [r.action, r.via, r.actor_id])).toEqual([
      ["project.updated", "api", science.id],
    ]);
  });

  it("serves GET as HEAD too", async () => {
    const p = await project("Head request");
    const answer = await api("HEAD", `/api/v1/projects/${p.slug}`, { token: it_.token });
    expect(answer.status).toBe(200);
  });
});

describe("requirements", () => {
  it("revises with a version, which resets both verdicts; assessing checks the verdict's version", async () => {
    const p = await project("Requirement revisions");
    await api("POST", `/api/v1/projects/${p.slug}/members`, {
      token: business.token,
      body: { email: it_.email, discipline: "it" },
    });
    const created = await api("POST", `/api/v1/projects/${p.slug}/requirements`, {
      token: business.token,
      body: { title: "Forecast weekly demand", target: "MAPE <= 15%", priority: "must" },
    });
    const id = created.body.requirement.id;
    const assessed = await api("POST", `/api/v1/projects/${p.slug}/requirements/${id}/assessment`, {
      token: it_.token,
      body: { feasibility: "feasible_with_conditions", note: "", conditions: "Needs the POS feed." },
    });
    expect(assessed.body.requirement).toMatchObject({
      feasibility: "unassessed",
      verdicts: {
        it: { feasibility: "feasible_with_conditions", conditions: "Needs the POS feed.", assessedBy: { id: it_.id } },
      },
    });
    const itVersion = assessed.body.requirement.verdicts.it.version;
    const revised = await api("PATCH", `/api/v1/projects/${p.slug}/requirements/${id}`, {
      token: business.token,
      body: { version: assessed.body.requirement.version, target: "MAPE <= 10%" },
    });
    expect(revised.status).toBe(200);
    expect(revised.body.requirement).toMatchObject({
      title: "Forecast weekly demand",
      target: "MAPE <= 10%",
      feasibility: "unassessed",
      verdicts: { it: { feasibility: "unassessed", assessedBy: null, version: itVersion + 1 } },
    });
    const stale = await api("POST", `/api/v1/projects/${p.slug}/requirements/${id}/assessment`, {
      token: it_.token,
      body: { feasibility: "feasible", version: itVersion },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toMatch(/IT operations's verdict|verdict/);
    const wrongProject = await project("Other project");
    const elsewhere = await api("PATCH", `/api/v1/projects/${wrongProject.slug}/requirements/${id}`, {
      token: business.token,
      body: { version: revised.body.requirement.version, title: "Moved?" },
    });
    expect(elsewhere.status).toBe(404);
  });
});

describe("debt", () => {
  it("logs an item, plans it, adds and ticks steps until repaid, and lists it org-wide", async () => {
    const p = await project("Debt through the API");
    const since = lastActivityId();
    const logged = await api("POST", `/api/v1/projects/${p.slug}/debt`, {
      token: science.token,
      body: {
        register: "technical",
        title: "Notebook feature pipeline",
        category: "hard_coded_logic",
        stageIncurred: "poc",
        severity: "medium",
        principalDays: 4,
        interestDays: 0.5,
        ownerId: science.id,
      },
    });
    expect(logged.status).toBe(201);
    let item = logged.body.debtItem;
    expect(item).toMatchObject({ status: "open", register: "technical", steps: [], overdue: false, version: 1 });

    const wrongCategory = await api("PATCH", `/api/v1/debt/${item.id}`, {
      token: science.token,
      body: { version: item.version, category: "data_access" },
    });
    expect(wrongCategory.status).toBe(400);
    expect(wrongCategory.body.error.fields.category).toMatch(/technical register/);

    const both = await api("PATCH", `/api/v1/debt/${item.id}`, {
      token: science.token,
      body: { version: item.version, status: "repaying", title: "Also renamed" },
    });
    expect(both.status).toBe(400);
    expect(both.body.error.fields).toHaveProperty("status");

    const planned = await api("PATCH", `/api/v1/debt/${item.id}`, {
      token: science.token,
      body: {
        version: item.version,
        severity: "high",
        strategy: "Move it into the feature store.",
        targetDate: "2099-06-30",
      },
    });
    expect(planned.status).toBe(200);
    item = planned.body.debtItem;
    expect(item).toMatchObject({
      severity: "high",
      strategy: "Move it into the feature store.",
      targetDate: "2099-06-30",
      title: "Notebook feature pipeline",
    });

    const step = await api("POST", `/api/v1/debt/${item.id}/steps`, {
      token: science.token,
      body: { version: item.version, title: "Port the joins", dueDate: "2099-05-01" },
    });
    expect(step.status).toBe(201);
    expect(step.body.step).toMatchObject({ title: "Port the joins", done: false });
    item = step.body.debtItem;

    const edited = await api("PATCH", `/api/v1/debt/${item.id}/steps/${step.body.step.id}`, {
      token: science.token,
      body: { version: item.version, title: "Port the joins to SQL" },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.step).toMatchObject({ title: "Port the joins to SQL", dueDate: "2099-05-01" });
    item = edited.body.debtItem;

    const done = await api("PATCH", `/api/v1/debt/${item.id}/steps/${step.body.step.id}`, {
      token: science.token,
      body: { version: item.version, done: true },
    });
    expect(done.status).toBe(200);
    expect(done.body.step.done).toBe(true);
    // Steps never settle an item: marking it repaid still needs a note.
    expect(done.body.debtItem.status).toBe("repaying");
    const settled = await api("PATCH", `/api/v1/debt/${item.id}`, {
      token: science.token,
      body: { version: done.body.debtItem.version, status: "repaid", note: "Joins run in SQL now." },
    });
    expect(settled.status).toBe(200);
    item = settled.body.debtItem;
    expect(item.status).toBe("repaid");

    expect(activitySince(since).map((r) => r.action)).toEqual([
      "debt.created",
      "debt.updated",
      "debt.step_added",
      "debt.step_updated",
      "debt.step_done",
      "debt.status_changed",
    ]);
    expect(activitySince(since).every((r) => r.via === "api" && r.actor_id === science.id)).toBe(true);

    const register = await api("GET", `/api/v1/debt?project=${p.id}&status=repaid`, { token: it_.token });
    expect(register.status).toBe(200);
    expect(register.body.debtItems.map((d: { id: number }) => d.id)).toEqual([item.id]);
    expect(register.body.totals.count).toBe(1);
    expect(register.body.nextCursor).toBeNull();

    const fetched = await api("GET", `/api/v1/debt/${item.id}`, { token: it_.token });
    expect(fetched.body.debtItem).toMatchObject({ id: item.id, status: "repaid", steps: [{ done: true }] });
  });

  it("changes the status with its own fields", async () => {
    const p = await project("Debt status");
    const logged = await api("POST", `/api/v1/projects/${p.slug}/debt`, {
      token: business.token,
      body: {
        register: "organizational",
        title: "No data engineer yet",
        category: "missing_skills",
        stageIncurred: "poc",
        severity: "high",
        principalDays: 0,
        interestDays: 2,
      },
    });
    expect(logged.status).toBe(201);
    const noNote = await api("PATCH", `/api/v1/debt/${logged.body.debtItem.id}`, {
      token: business.token,
      body: { version: 1, status: "repaid" },
    });
    expect(noNote.status).toBe(400);
    const repaid = await api("PATCH", `/api/v1/debt/${logged.body.debtItem.id}`, {
      token: business.token,
      body: { version: 1, status: "repaid", note: "Hired Kim as data engineer." },
    });
    expect(repaid.status).toBe(200);
    expect(repaid.body.debtItem).toMatchObject({ status: "repaid", statusNote: "Hired Kim as data engineer." });
  });
});

describe("the OpenAPI document", () => {
  it("is served without a token", async () => {
    const answer = await api("GET", "/api/v1/openapi.json");
    expect(answer.status).toBe(200);
    expect(answer.body.openapi).toBe("3.1.0");
    expect(answer.body.servers[0].url).toBe("http://triad.test/api/v1");
  });
});
