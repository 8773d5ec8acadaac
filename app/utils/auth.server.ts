/** Who is asking: sign-in, sign-out and the guards every loader and action starts with. */
import * as sentence from "~/domain/activity-sentences";
import { redirect } from "@remix-run/node";
import { and, eq, sql } from "drizzle-orm";
import { listedTimeZone } from "~/domain/dates";
import { countUsers, findUserByEmail, getPasswordHash, type Actor } from "~/models/users.server";
import { recordActivity } from "~/models/activity.server";
import { db, WRITE_TX, type Tx } from "../../db/client.server";
import { activity, users } from "../../db/schema";
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
  timeZone,
}: {
  request: Request;
  email: string;
  password: string;
  clientAddress: string;
  /** The browser's zone, from the form's hidden field (BrowserTimeZoneField): kept at the first sign-in only. */
  timeZone?: unknown;
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

  const cookie = startSession(request, user, { client: clientAddress }, { browserTimeZone: timeZone });
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
    }, WRITE_TX);
  }
  return clearSessionCookie(request);
}

/**
 * The zone to keep at this sign-in: the browser's, when it names a zone of the list and this is
 * the person's first sign-in ever (no earlier "session.signed_in" row) and their zone is still
 * the default. Later sign-ins, a zone the person chose and an unknown zone change nothing.
 */
function firstSignInZone(tx: Tx, userId: number, browserTimeZone: unknown): string | null {
  const zone = listedTimeZone(browserTimeZone);
  if (!zone) return null;
  const person = tx.select({ timeZone: users.timeZone }).from(users).where(eq(users.id, userId)).get();
  if (!person || person.timeZone !== "UTC") return null;
  const signedInBefore = tx
    .select({ id: activity.id })
    .from(activity)
    .where(and(eq(activity.actorId, userId), eq(activity.action, "session.signed_in")))
    .limit(1)
    .get();
  return signedInBefore ? null : zone;
}

/**
 * A new session and its activity row, in one transaction; returns the Set-Cookie. At a
 * person's first sign-in, the browser's zone (when valid) becomes their zone (docs/domain.md,
 * "Dates and times"), recorded in the same row.
 */
export function startSession(
  request: Request,
  user: { id: number; name: string },
  details?: Record<string, unknown>,
  { browserTimeZone }: { browserTimeZone?: unknown } = {},
): string {
  return db.transaction((tx) => {
    const now = Date.now();
    const timeZone = firstSignInZone(tx, user.id, browserTimeZone);
    if (timeZone) {
      tx.update(users)
        .set({ timeZone, updatedAt: now, version: sql`${users.version} + 1` })
        .where(eq(users.id, user.id))
        .run();
    }
    const { cookie } = createSession(request, user.id, now);
    recordActivity(tx, {
      actorId: user.id,
      entityType: "session",
      entityId: user.id,
      action: "session.signed_in",
      summary: sentence.signedIn(user.name),
      after: timeZone ? { ...details, timeZone } : details,
      at: now,
    });
    return cookie;
  }, WRITE_TX);
}
