/**
 * Personal access tokens for the JSON API (/api/v1). A token is `triad_` + 32 random bytes
 * (base64url); it is shown once, and the database keeps only its SHA-256 and a short prefix
 * to tell tokens apart. A token acts with exactly its user's permissions; it stops working
 * when it is revoked, when it expires, or when its user is deactivated.
 */
import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import { db, type Tx } from "../../db/client.server";
import { apiTokens, users } from "../../db/schema";
import { type Discipline, type Role } from "~/domain/vocabulary";
import { dateInputError, startOfDateUtc, utcDate } from "~/domain/dates";
import { ConflictError, NotFoundError, ValidationError } from "~/domain/errors";
import { tokenCreated, tokenRevoked } from "~/domain/activity-sentences";
import { recordActivity } from "./activity.server";
import type { Actor } from "./users.server";
import { withTx, type WriteOptions } from "./transaction.server";

export const TOKEN_PREFIX = "triad_";
/** Characters of the token kept in clear: "triad_" and six random characters. */
const SHOWN_PREFIX_LENGTH = TOKEN_PREFIX.length + 6;
/** lastUsedAt is written at most this often, so API reads stay reads. */
const TOUCH_INTERVAL_MS = 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

export type TokenRow = {
  id: number;
  name: string;
  prefix: string;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
};

const listColumns = {
  id: apiTokens.id,
  name: apiTokens.name,
  prefix: apiTokens.prefix,
  createdAt: apiTokens.createdAt,
  expiresAt: apiTokens.expiresAt,
  lastUsedAt: apiTokens.lastUsedAt,
  revokedAt: apiTokens.revokedAt,
};

/** A user's tokens, newest first (revoked ones too, so the list explains what happened). */
export function listTokens(userId: number): TokenRow[] {
  return db
    .select(listColumns)
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id))
    .all();
}

/** A token given "valid through 2027-03-31" stops at the end of that day, UTC. */
export function expiryOf(expiresOn: string | null): number | null {
  return expiresOn ? startOfDateUtc(expiresOn) + DAY_MS : null;
}

/**
 * Creates a token for `userId` and returns it in clear, once. `actor` is the person acting
 * (the user themselves on /settings/tokens), or null for the operator CLI.
 */
export function createToken(
  {
    actor,
    userId,
    name,
    expiresOn,
    now = Date.now(),
  }: {
    actor: Actor | null;
    userId: number;
    name: string;
    expiresOn: string | null;
    now?: number;
  },
  options?: WriteOptions,
): { token: string; row: TokenRow } {
  now = options?.now ?? now;
  // The one date rule (app/domain/dates.ts): 2099-02-30 is refused here too, never a RangeError.
  const dateProblem = expiresOn ? dateInputError(expiresOn) : null;
  if (dateProblem) throw new ValidationError("Choose a valid expiry date.", { expiresOn: dateProblem });
  if (expiresOn && expiresOn <= utcDate(now)) {
    throw new ValidationError("Choose a later expiry date.", {
      expiresOn: "Choose a date after today.",
    });
  }
  const token = generateToken();
  return withTx({ tx: options?.tx, now }, (tx) => {
    const owner = tx
      .select({ id: users.id, name: users.name, active: users.active })
      .from(users)
      .where(eq(users.id, userId))
      .get();
    if (!owner) throw new NotFoundError("No such person.");
    if (!owner.active) throw new ConflictError(`${owner.name} is deactivated; a token would not work.`);
    const row = tx
      .insert(apiTokens)
      .values({
        userId,
        name,
        tokenHash: hashToken(token),
        prefix: token.slice(0, SHOWN_PREFIX_LENGTH),
        createdAt: now,
        expiresAt: expiryOf(expiresOn),
      })
      .returning(listColumns)
      .get();
    recordActivity(tx, {
      actorId: actor?.id ?? null,
      entityType: "api_token",
      entityId: row.id,
      action: "token.created",
      summary: tokenCreated({
        actor: actor?.name ?? null,
        name,
        prefix: row.prefix,
        forName: actor?.id === userId ? null : owner.name,
        expiresOn,
      }),
      after: { userId, name, prefix: row.prefix, expiresOn },
      via: actor?.via ?? "cli",
      at: now,
    });
    return { token, row };
  });
}

/**
 * Revokes every token of the actor's that is not revoked yet, inside the caller's transaction
 * (a password change that asks for it); one activity row per token. Returns how many.
 */
export function revokeAllTokens(
  tx: Tx,
  { actor, reason, now = Date.now() }: { actor: Actor; reason: string; now?: number },
): number {
  const revoked = tx
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.userId, actor.id), isNull(apiTokens.revokedAt)))
    .returning(listColumns)
    .all();
  for (const token of revoked) {
    recordActivity(tx, {
      actorId: actor.id,
      entityType: "api_token",
      entityId: token.id,
      action: "token.revoked",
      summary: tokenRevoked(actor.name, token.name, token.prefix, reason),
      before: { revokedAt: null },
      after: { revokedAt: now },
      via: actor.via,
      at: now,
    });
  }
  return revoked.length;
}

/** Revokes one of the actor's own tokens; it stops working at once. */
export function revokeToken(
  {
    actor,
    tokenId,
    now = Date.now(),
  }: {
    actor: Actor;
    tokenId: number;
    now?: number;
  },
  options?: WriteOptions,
): TokenRow {
  now = options?.now ?? now;
  return withTx({ tx: options?.tx, now }, (tx) => {
    const before = tx
      .select(listColumns)
      .from(apiTokens)
      .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, actor.id)))
      .get();
    if (!before) throw new NotFoundError("You have no such token.");
    if (before.revokedAt) throw new ConflictError(`The token “${before.name}” is already revoked.`);
    const after = tx
      .update(apiTokens)
      .set({ revokedAt: now })
      .where(and(eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)))
      .returning(listColumns)
      .get()!;
    recordActivity(tx, {
      actorId: actor.id,
      entityType: "api_token",
      entityId: tokenId,
      action: "token.revoked",
      summary: tokenRevoked(actor.name, before.name, before.prefix),
      before: { revokedAt: null },
      after: { revokedAt: now },
      via: actor.via,
      at: now,
    });
    return after;
  });
}

export type TokenUser = {
  tokenId: number;
  user: { id: number; name: string; email: string; role: Role; discipline: Discipline };
};

export type TokenCheck =
  { ok: true; value: TokenUser } | { ok: false; reason: "unknown" | "revoked" | "expired" | "deactivated" };

/** Who a bearer token belongs to, if it is still good. Notes its last use (at most once a minute). */
export function authenticateToken(token: string, now = Date.now()): TokenCheck {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return { ok: false, reason: "unknown" };
  const row = db
    .select({
      tokenId: apiTokens.id,
      revokedAt: apiTokens.revokedAt,
      expiresAt: apiTokens.expiresAt,
      lastUsedAt: apiTokens.lastUsedAt,
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      discipline: users.discipline,
      active: users.active,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.tokenHash, hashToken(token)))
    .get();
  if (!row) return { ok: false, reason: "unknown" };
  if (row.revokedAt != null) return { ok: false, reason: "revoked" };
  if (row.expiresAt != null && row.expiresAt <= now) return { ok: false, reason: "expired" };
  if (!row.active) return { ok: false, reason: "deactivated" };
  if (row.lastUsedAt == null || now - row.lastUsedAt >= TOUCH_INTERVAL_MS) {
    db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.tokenId)).run();
  }
  const { tokenId, id, name, email, role, discipline } = row;
  return { ok: true, value: { tokenId, user: { id, name, email, role, discipline } } };
}
