/**
 * Server-side sessions. The cookie holds a random 256-bit token; the database holds its
 * SHA-256, so sign-out and deactivation end a session at once and a copied database holds
 * no usable cookie. Cookie: HttpOnly, SameSite=Lax, Path=/; over https also Secure with the
 * `__Host-` prefix. Each session also notes when its person last proved their password
 * (`reauthenticatedAt`: sign-in, or "Confirm your password"), for sudo mode (sudo.server.ts).
 */
import { createHash, randomBytes } from "node:crypto";
import { eq, lt, or, sql } from "drizzle-orm";
import { db } from "../../db/client.server";
import { sessions, users } from "../../db/schema";
import { perConnection } from "~/models/prepared.server";
import { type Discipline, type Role } from "~/domain/vocabulary";

/** A session ends after this long without a request... */
export const IDLE_TIMEOUT_MS = 12 * 60 * 60 * 1000; // 12 hours
/** ...and in any case this long after sign-in. */
export const ABSOLUTE_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000; // 7 days
/** lastSeenAt is written at most this often, so reads stay reads. */
const TOUCH_INTERVAL_MS = 60 * 1000;

export type SessionUser = {
  id: number;
  name: string;
  email: string;
  discipline: Discipline;
  role: Role;
  sessionId: string;
  /** When the password was last proved in this session (sign-in counts); null: never. */
  reauthenticatedAt: number | null;
  /** The person's IANA time zone: every instant on their pages is shown in it. */
  timeZone: string;
};

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export function isSecureRequest(request: Request): boolean {
  return request.url.startsWith("https:");
}

export function sessionCookieName(secure: boolean): string {
  return secure ? "__Host-triad_session" : "triad_session";
}

export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get("Cookie");
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index < 0) continue;
    if (part.slice(0, index).trim() === name) {
      try {
        return decodeURIComponent(part.slice(index + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function serializeCookie(
  name: string,
  value: string,
  { secure, maxAgeSeconds }: { secure: boolean; maxAgeSeconds?: number },
): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, "Path=/", "HttpOnly", "SameSite=Lax"];
  if (secure) parts.push("Secure");
  if (maxAgeSeconds !== undefined) parts.push(`Max-Age=${maxAgeSeconds}`);
  return parts.join("; ");
}

/** Starts a new session (a fresh random id at every sign-in) and returns its Set-Cookie. */
export function createSession(
  request: Request,
  userId: number,
  now = Date.now(),
): { cookie: string; sessionId: string } {
  const token = randomBytes(32).toString("base64url");
  const sessionId = hashToken(token);
  db.insert(sessions)
    .values({
      id: sessionId,
      userId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + ABSOLUTE_LIFETIME_MS,
      // Signing in is proving the password.
      reauthenticatedAt: now,
    })
    .run();
  const secure = isSecureRequest(request);
  return {
    sessionId,
    cookie: serializeCookie(sessionCookieName(secure), token, {
      secure,
      maxAgeSeconds: ABSOLUTE_LIFETIME_MS / 1000,
    }),
  };
}

export function clearSessionCookie(request: Request): string {
  const secure = isSecureRequest(request);
  return serializeCookie(sessionCookieName(secure), "", { secure, maxAgeSeconds: 0 });
}

/**
 * The session lookup of every request, prepared once per connection (prepared.server.ts):
 * the session row joined to its person, by the token's hash.
 */
const sessionById = perConnection((database) =>
  database
    .select({
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
      reauthenticatedAt: sessions.reauthenticatedAt,
      id: users.id,
      name: users.name,
      email: users.email,
      discipline: users.discipline,
      role: users.role,
      active: users.active,
      timeZone: users.timeZone,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, sql.placeholder("id")))
    .prepare(),
);
const touchSession = perConnection((database) =>
  database
    .update(sessions)
    .set({ lastSeenAt: sql`${sql.placeholder("now")}` })
    .where(eq(sessions.id, sql.placeholder("id")))
    .prepare(),
);

/** The signed-in, active user of this request, or null. Expired sessions are removed. */
export function getSessionUser(request: Request, now = Date.now()): SessionUser | null {
  const token = readCookie(request, sessionCookieName(isSecureRequest(request)));
  if (!token) return null;
  const sessionId = hashToken(token);
  const row = sessionById().get({ id: sessionId });
  if (!row) return null;
  if (!row.active || now >= row.expiresAt || now - row.lastSeenAt >= IDLE_TIMEOUT_MS) {
    db.delete(sessions).where(eq(sessions.id, sessionId)).run();
    return null;
  }
  if (now - row.lastSeenAt >= TOUCH_INTERVAL_MS) touchSession().run({ id: sessionId, now });
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    discipline: row.discipline,
    role: row.role,
    sessionId,
    reauthenticatedAt: row.reauthenticatedAt,
    timeZone: row.timeZone,
  };
}

/** Notes that the person just proved their password in this session (sudo mode). */
export function markReauthenticated(sessionId: string, now = Date.now()): void {
  db.update(sessions).set({ reauthenticatedAt: now }).where(eq(sessions.id, sessionId)).run();
}

export function destroySession(sessionId: string): void {
  db.delete(sessions).where(eq(sessions.id, sessionId)).run();
}

/** Housekeeping: drops sessions past either limit. */
export function purgeExpiredSessions(now = Date.now()): number {
  return db
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, now - IDLE_TIMEOUT_MS)))
    .run().changes;
}
