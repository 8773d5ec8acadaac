/**
 * The connection keeps its compiled statements by SQL text (db/client.server.ts,
 * docs/architecture.md "Statements and remembered reads"): the same text gives the same statement, always in its
 * default modes; a statement still iterating is never handed out again; statements kept by
 * `perConnection` are their own; the cache is bounded. And the app reads what it wrote.
 */
import { describe, expect, it } from "vitest";
import { STATEMENT_CACHE_SIZE } from "../../db/client.server";
import { dataVersion } from "~/models/data-version.server";
import { createProject, getProject, updateProject } from "~/models/projects.server";
import { sqlite } from "../support/database";
import { createTestUser } from "../support/users";
import { actorOf } from "./debt-support";

describe("the connection's statement cache", () => {
  it("gives the same statement for the same text, in its default modes whatever the last caller set", () => {
    const connection = sqlite();
    connection.exec("CREATE TABLE IF NOT EXISTS cache_probe (n INTEGER); DELETE FROM cache_probe;");
    connection.exec("INSERT INTO cache_probe VALUES (1), (2)");
    const first = connection.prepare("SELECT n FROM cache_probe ORDER BY n");
    expect(first.raw(true).all()).toEqual([[1], [2]]);
    const second = connection.prepare("SELECT n FROM cache_probe ORDER BY n");
    expect(second).toBe(first);
    expect(second.all()).toEqual([{ n: 1 }, { n: 2 }]);
    second.pluck(true);
    expect(connection.prepare("SELECT n FROM cache_probe ORDER BY n").get()).toEqual({ n: 1 });
  });

  it("never hands out a statement that is still iterating", () => {
    const connection = sqlite();
    connection.exec("CREATE TABLE IF NOT EXISTS cache_probe (n INTEGER); DELETE FROM cache_probe;");
    connection.exec("INSERT INTO cache_probe VALUES (1), (2), (3)");
    const text = "SELECT n FROM cache_probe ORDER BY n";
    const seen: number[][] = [];
    for (const row of connection.prepare(text).iterate() as IterableIterator<{ n: number }>) {
      // The same text again inside the loop: a statement of its own, not the busy one.
      seen.push((connection.prepare(text).all() as { n: number }[]).map((r) => r.n).concat(row.n));
    }
    expect(seen).toEqual([
      [1, 2, 3, 1],
      [1, 2, 3, 2],
      [1, 2, 3, 3],
    ]);
  });

  it("leaves perConnection's statements their own mode (the data version stays a plucked number)", () => {
    const before = dataVersion();
    // Another caller of the same text gets a statement in the default mode...
    expect(sqlite().prepare("PRAGMA data_version").get()).toEqual({ data_version: expect.any(Number) });
    // ...and the data version's own statement still answers a number.
    expect(dataVersion()).toMatch(/^\d+:\d+$/);
    expect(dataVersion()).toBe(before);
  });

  it("keeps at most STATEMENT_CACHE_SIZE statements, the least recently used going first", () => {
    const connection = sqlite();
    const kept = connection.prepare("SELECT 'kept' AS k");
    const evicted = connection.prepare("SELECT 'evicted' AS k");
    for (let i = 0; i < STATEMENT_CACHE_SIZE; i++) {
      connection.prepare(`SELECT ${i} AS filler`);
      if (i % 100 === 0) connection.prepare("SELECT 'kept' AS k"); // used again: stays
    }
    expect(connection.prepare("SELECT 'kept' AS k")).toBe(kept);
    expect(connection.prepare("SELECT 'evicted' AS k")).not.toBe(evicted);
    expect(connection.prepare("SELECT 'evicted' AS k").get()).toEqual({ k: "evicted" });
  });

  it("models read what they just wrote through shared statements", async () => {
    const owner = await createTestUser({ discipline: "business", name: "Stella Statement" });
    const project = createProject({
      actor: actorOf(owner),
      name: "Cached statements",
      summary: "One.",
      businessCase: "",
      ownerId: owner.id,
    });
    for (const summary of ["Two.", "Three."]) {
      const current = getProject(project.id)!;
      updateProject({
        actor: actorOf(owner),
        projectId: project.id,
        version: current.version,
        name: current.name,
        summary,
        businessCase: "",
        ownerId: owner.id,
      });
      expect(getProject(project.id)!.summary).toBe(summary);
    }
  });
});
