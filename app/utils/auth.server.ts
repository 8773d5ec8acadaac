/** Who is asking: sign-in, sign-out and the guards every loader and action starts with. */
import * as sentence from "~/domain/activity-sentences";
import { redirect } from "@remix-run/node";
import { countUsers, findUserByEmail, getPasswordHash, type Actor } from "~/models/users.server";
import { recordActivity } from "~/models/activity.server";
import { db } from "../../db/client.server";
import { loginLimiter } from "./rate-limit.server";
import { burnPasswordCheck, verifyPassword } from "~/lib/password.server";
import { clearSessionCookie, createSession, destroySession, getSessionUser, type SessionUser } from "./session.server";

export type { SessionUser };

export function getOptionalUser(request: Request): SessionUser | null {
  return getSessionUser(request);
}

/** Sends anonymous visitors to /login (or /setup on an empty database). */
export function requireUser(request: Request): SessionUser {
  const user = getSessionUser(request);
  if (user) return user;
  if (countUsers() === 0) throw redirect("/setup");
  const url = new URL(request.url);
  const here = url.pathname + url.search;
  throw redirect(here === "/" ? "/login" : `/login?redirectTo=${encodeURIComponent(here)}`);
}

export function requireAdmin(request: Request): SessionUser {
  const user = requireUser(request);
  if (user.role !== "admin") {
    throw new Response("Only admins can open this page.", { status: 403 });
  }
  return user;
}

export function toActor(user: SessionUser): Actor {
  return { id: user.id, name: user.name, role: user.role, discipline: user.discipline, via: "web" };
}

export type SignInResult =
  | { ok: true; user: { id: number; name: string }; cookie: string }
  | { ok: false; status: 401 | 429; message: string; retryAfterSeconds?: number };

export async function signIn({
  request,
  email,
  password,
  clientAddress,
}: {
  request: Request;
  email: string;
  password: string;
  clientAddress: string;
}): Promise<SignInResult> {
  const byEmail = loginLimiter.hit(`email:${email}`);
  const byClient = loginLimiter.hit(`client:${clientAddress}`);
  if (byEmail.limited || byClient.limited) {
    const retryAfterSeconds = Math.max(byEmail.retryAfterSeconds, byClient.retryAfterSeconds);
    return {
      ok: false,
      status: 429,
      retryAfterSeconds,
      message: `Too many sign-in attempts. Wait ${retryAfterSeconds} seconds and try again.`,
    };
  }

  const user = findUserByEmail(email);
  const passwordHash = user ? getPasswordHash(user.id) : undefined;
  const valid = user && passwordHash ? await verifyPassword(passwordHash, password) : false;
  if (!user) await burnPasswordCheck(password);

  if (!user || !valid || !user.active) {
    const reason = !user ? "unknown e-mail" : !valid ? "wrong password" : "account deactivated";
    recordActivity(db, {
      actorId: user?.id ?? null,
      entityType: "session",
      action: "session.sign_in_failed",
      summary: sentence.signInFailed(email, reason),
      after: { email, reason, client: clientAddress },
    });
    return {
      ok: false,
      status: 401,
      message:
        user && valid && !user.active
          ? "This account is deactivated. Ask an admin to reactivate it."
          : "That e-mail and password do not match an account.",
    };
  }

  const cookie = startSession(request, user, { client: clientAddress });
  return { ok: true, user: { id: user.id, name: user.name }, cookie };
}

/** Ends the session in the database and returns the Set-Cookie that clears it. */
export function signOut(request: Request): string {
  const user = getSessionUser(request);
  if (user) {
    db.transaction((tx) => {
      destroySession(user.sessionId);
      recordActivity(tx, {
        actorId: user.id,
        entityType: "session",
        entityId: user.id,
        action: "session.signed_out",
        summary: sentence.signedOut(user.name),
      });
    });
  }
  return clearSessionCookie(request);
}

/** A new session and its activity row, in one transaction; returns the Set-Cookie. */
export function startSession(
  request: Request,
  user: { id: number; name: string },
  details?: Record<string, unknown>,
): string {
  return db.transaction((tx) => {
    const { cookie } = createSession(request, user.id);
    recordActivity(tx, {
      actorId: user.id,
      entityType: "session",
      entityId: user.id,
      action: "session.signed_in",
      summary: sentence.signedIn(user.name),
      after: details,
    });
    return cookie;
  });
}
