/**
 * Shared set-up of the debt integration tests: a project with a business owner and a data
 * scientist, an outsider, and small helpers to act as them. (Not a test file: no `.test`.)
 */
import type { Discipline } from "../../app/domain/vocabulary";
import { createProject } from "~/models/projects.server";
import { addMember } from "~/models/team.server";
import type { Actor } from "~/models/users.server";
import { createDebtItem, type DebtDetails } from "~/models/debt.server";
import { createTestUser, signInAs, type TestUser } from "../support/users";

export const DAY = 24 * 60 * 60 * 1000;

export function actorOf(user: { id: number; name: string; role: Actor["role"]; discipline: Discipline }): Actor {
  return { id: user.id, name: user.name, role: user.role, discipline: user.discipline, via: "web" };
}

export type DebtWorld = {
  owner: TestUser;
  scientist: TestUser;
  outsider: TestUser;
  project: { id: number; slug: string; stage: "poc" | "pilot" | "production" };
  cookies: { owner: string; scientist: string; outsider: string };
};

let worlds = 0;

export async function createDebtWorld(name = `Press line ${++worlds}`): Promise<DebtWorld> {
  const owner = await createTestUser({ discipline: "business", name: `Brigitte ${worlds}` });
  const scientist = await createTestUser({ discipline: "data_science", name: `Farid ${worlds}` });
  const outsider = await createTestUser({ discipline: "it", name: `Olga ${worlds}` });
  const project = createProject({
    actor: actorOf(owner),
    name,
    summary: "Warn 48 h before a press fails.",
    businessCase: "",
    ownerId: owner.id,
  });
  addMember({ actor: actorOf(owner), projectId: project.id, userId: scientist.id, discipline: "data_science" });
  return {
    owner,
    scientist,
    outsider,
    project: { id: project.id, slug: project.slug, stage: project.stage },
    cookies: { owner: signInAs(owner), scientist: signInAs(scientist), outsider: signInAs(outsider) },
  };
}

export function details(overrides: Partial<DebtDetails> = {}): DebtDetails {
  return {
    title: "Hard-coded data transformation to show results tomorrow",
    description: "The sensor join is a notebook cell with constants.",
    category: "hard_coded_logic",
    benefit: "Results for the steering committee the next morning.",
    stageIncurred: "poc",
    severity: "high",
    principalDays: 5,
    interestDays: 1.5,
    ownerId: null,
    ...overrides,
  };
}

export function logItem(
  world: DebtWorld,
  overrides: Partial<DebtDetails> & { register?: "technical" | "organizational"; now?: number } = {},
) {
  const { register = "technical", now, ...rest } = overrides;
  return createDebtItem({
    actor: actorOf(world.scientist),
    projectId: world.project.id,
    register,
    now,
    ...details(rest),
  });
}

/** The message of the toast a response sets (the signed cookie's JSON), or null. */
export function toastOf(headers: Headers): string | null {
  const cookie = headers.getSetCookie().find((c) => c.startsWith("triad_toast="));
  if (!cookie) return null;
  const value = decodeURIComponent(cookie.split(";")[0].slice("triad_toast=".length)).split(".")[0];
  return (JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as { message: string }).message;
}
