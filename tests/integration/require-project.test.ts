/**
 * `requireProject` looks the project up once (app/utils/project.server.ts): a project page's
 * layout and its tab both call it, each with a Request of its own (as Remix gives every
 * loader), and the second call reads nothing; a write makes the next call read again, so a
 * change of membership or a rename is seen at once.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { removeMember } from "~/models/team.server";
import { updateProject } from "~/models/projects.server";
import * as layout from "~/routes/projects.$slug";
import * as overview from "~/routes/projects.$slug._index";
import { requireProject } from "~/utils/project.server";
import { sqlite } from "../support/database";
import { callLoader, makeRequest } from "../support/requests";
import { actorOf, createDebtWorld, type DebtWorld } from "./debt-support";

let world: DebtWorld;

beforeAll(async () => {
  world = await createDebtWorld("Require once project");
});

/** The SQL of every statement the connection compiles while `run` runs (drizzle compiles each query it runs). */
async function statements(run: () => unknown | Promise<unknown>): Promise<string[]> {
  const connection = sqlite();
  const seen: string[] = [];
  const prepare = connection.prepare;
  connection.prepare = function (this: typeof connection, source: string) {
    seen.push(source);
    return prepare.call(this, source);
  } as typeof connection.prepare;
  try {
    await run();
  } finally {
    connection.prepare = prepare;
  }
  return seen;
}

const projectLookups = (sql: string[]) => sql.filter((s) => /from "projects"/.test(s) && /"slug" = \?/.test(s));
const membershipLookups = (sql: string[]) => sql.filter((s) => /from "memberships"/.test(s));

describe("requireProject", () => {
  it("reads the project once for the layout and its tab, each with its own Request", async () => {
    const path = `/projects/${world.project.slug}`;
    const cookie = world.cookies.scientist;
    const params = { slug: world.project.slug };
    const sql = await statements(async () => {
      expect((await callLoader(layout.loader, path, { cookie, params })).status).toBe(200);
      expect((await callLoader(overview.loader, path, { cookie, params })).status).toBe(200);
    });
    expect(projectLookups(sql)).toHaveLength(1);
    // And not at all while nothing changed.
    const again = await statements(() => requireProject(makeRequest(path, { cookie }), params));
    expect(again).toEqual([]);
  });

  it("reads again after a write: a removed member loses their standing at once", async () => {
    const path = `/projects/${world.project.slug}`;
    const params = { slug: world.project.slug };
    const asScientist = () => requireProject(makeRequest(path, { cookie: world.cookies.scientist }), params);
    expect(asScientist().context.memberDiscipline).toBe("data_science");
    removeMember({
      actor: actorOf(world.owner),
      projectId: world.project.id,
      userId: world.scientist.id,
      confirmed: true,
    });
    const sql = await statements(() => expect(asScientist().context.memberDiscipline).toBeNull());
    expect(projectLookups(sql)).toHaveLength(1);
    expect(membershipLookups(sql)).toHaveLength(1);
  });

  it("hands each caller its own copy, and follows a rename", async () => {
    const params = { slug: world.project.slug };
    const path = `/projects/${world.project.slug}`;
    const first = requireProject(makeRequest(path, { cookie: world.cookies.owner }), params);
    first.project.name = "Changed by a careless caller";
    const second = requireProject(makeRequest(path, { cookie: world.cookies.owner }), params);
    expect(second.project.name).toBe("Require once project");
    updateProject({
      actor: actorOf(world.owner),
      projectId: world.project.id,
      version: second.project.version,
      name: "Require once, renamed",
      summary: second.project.summary,
      businessCase: second.project.businessCase,
      ownerId: second.project.ownerId,
    });
    const moved = await callLoader(overview.loader, path, { cookie: world.cookies.owner, params });
    expect(moved.status).toBe(301);
    expect(moved.location).toMatch(/^\/projects\/require-once-renamed/);
  });
});
