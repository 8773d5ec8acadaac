/**
 * Every model mutation takes an optional `{ tx, now }` (app/models/transaction.server.ts):
 * `now` is the instant the change happens at, `tx` runs it inside the caller's transaction as a
 * savepoint, so a refused change writes nothing while the caller's other work stays, and the
 * caller's rollback undoes everything. The demo replays its story this way.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { db } from "../../db/client.server";
import { activity, projects } from "../../db/schema";
import { ValidationError } from "~/domain/errors";
import { createProject } from "~/models/projects.server";
import { addMember } from "~/models/team.server";
import { setUserActive } from "~/models/users.server";
import { countRows, resetDatabase } from "../support/database";
import { createAdmin, createTestUser, type TestUser } from "../support/users";

const THEN = Date.UTC(2024, 0, 2, 9, 30);
let owner: TestUser;
let admin: TestUser;
let gone: TestUser;

beforeAll(async () => {
  resetDatabase();
  admin = await createAdmin();
  owner = await createTestUser();
  gone = await createTestUser({ discipline: "it" });
  setUserActive({ actor: { ...admin, via: "web" }, userId: gone.id, active: false });
});

const input = (name: string) => ({ actor: owner, name, summary: "", businessCase: "", ownerId: owner.id });

describe("the { tx, now } options of a mutation", () => {
  it("`now` dates the change and its activity row", () => {
    const project = createProject(input("Dated project"), { now: THEN });
    expect(project).toMatchObject({ createdAt: THEN, updatedAt: THEN, stageEnteredAt: THEN });
    const row = db.select().from(activity).where(eq(activity.projectId, project.id)).get()!;
    expect(row).toMatchObject({ action: "project.created", at: THEN });
  });

  it("a refused mutation inside the caller's transaction writes nothing; the caller's work stays", () => {
    const before = countRows("activity");
    const kept = db.transaction((tx) => {
      const project = createProject(input("Kept project"), { tx, now: THEN });
      // A deactivated person cannot join: the model refuses, its savepoint rolls back.
      expect(() => addMember({ actor: owner, projectId: project.id, userId: gone.id }, { tx, now: THEN })).toThrow(
        ValidationError,
      );
      return project;
    });
    expect(db.select().from(projects).where(eq(projects.id, kept.id)).get()?.name).toBe("Kept project");
    expect(countRows("activity")).toBe(before + 1);
  });

  it("the caller's rollback undoes the mutations it ran", () => {
    const before = { projects: countRows("projects"), activity: countRows("activity") };
    expect(() =>
      db.transaction((tx) => {
        createProject(input("Rolled back"), { tx });
        throw new Error("the caller changes its mind");
      }),
    ).toThrow("the caller changes its mind");
    expect({ projects: countRows("projects"), activity: countRows("activity") }).toEqual(before);
  });
});
