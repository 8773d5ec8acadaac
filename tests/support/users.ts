/**
 * People for integration tests, made through the real models (no fixtures in SQL), and
 * signed-in sessions for them.
 */
import type { Discipline, Role } from "../../app/domain/vocabulary";
import { createUser, type PublicUser } from "~/models/users.server";
import { createSession } from "~/utils/session.server";
import { makeRequest } from "./requests";

export const TEST_PASSWORD = "correct horse battery staple";

let sequence = 0;

export type TestUser = PublicUser & { password: string };

export async function createTestUser(
  overrides: Partial<{
    name: string;
    email: string;
    discipline: Discipline;
    role: Role;
    password: string;
  }> = {},
): Promise<TestUser> {
  const n = ++sequence;
  const input = {
    name: overrides.name ?? `Person ${n}`,
    email: overrides.email ?? `person${n}-${process.pid}@example.com`,
    discipline: overrides.discipline ?? "business",
    role: overrides.role ?? "member",
    password: overrides.password ?? TEST_PASSWORD,
  };
  const user = await createUser({ actor: null, ...input });
  return { ...user, password: input.password };
}

export const createAdmin = (overrides: Parameters<typeof createTestUser>[0] = {}) =>
  createTestUser({ role: "admin", ...overrides });

/** A session for `user` (as if they had just signed in) as a `Cookie` header value. */
export function signInAs(user: { id: number }, now = Date.now()): string {
  const { cookie } = createSession(makeRequest("/login", { method: "POST" }), user.id, now);
  return cookie.split(";")[0];
}
