/** People: accounts, their discipline and role, and the active flag. */
import { and, asc, count, eq, inArray, ne, sql } from "drizzle-orm";
import { db, type Tx } from "../../db/client.server";
import { gateReviews, memberships, projects, sessions, signOffs, users } from "../../db/schema";
import { type Discipline, type Role } from "~/domain/vocabulary";
import { ConflictError, ForbiddenError, NeedsConfirmation, NotFoundError, ValidationError } from "~/domain/errors";
import {
  passwordChanged,
  seatMoved,
  userAccessChanged,
  userActiveChanged,
  userAdded,
  userRenamed,
} from "~/domain/activity-sentences";
import { hashPassword, verifyPassword } from "~/lib/password.server";
import { recordActivity, type Via } from "./activity.server";
import { revokeAllTokens } from "./tokens.server";
import { withTx, type WriteOptions } from "./transaction.server";

export type Actor = { id: number; name: string; role: Role; discipline: Discipline; via?: Via };

export type PublicUser = {
  id: number;
  name: string;
  email: string;
  discipline: Discipline;
  role: Role;
  active: boolean;
  version: number;
  createdAt: number;
};

const publicColumns = {
  id: users.id,
  name: users.name,
  email: users.email,
  discipline: users.discipline,
  role: users.role,
  active: users.active,
  version: users.version,
  createdAt: users.createdAt,
};

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function countUsers(): number {
  return db.select({ n: count() }).from(users).get()?.n ?? 0;
}

export function getUser(id: number): PublicUser | undefined {
  return db.select(publicColumns).from(users).where(eq(users.id, id)).get();
}

export function findUserByEmail(email: string): PublicUser | undefined {
  return db
    .select(publicColumns)
    .from(users)
    .where(eq(users.email, normalizeEmail(email)))
    .get();
}

export function getPasswordHash(userId: number): string | undefined {
  return db.select({ h: users.passwordHash }).from(users).where(eq(users.id, userId)).get()?.h;
}

export type UserSort = "name" | "email" | "discipline" | "role" | "created";
const sortColumns = {
  name: users.name,
  email: users.email,
  discipline: users.discipline,
  role: users.role,
  created: users.createdAt,
} as const;

export function listUsers({
  q,
  status = "all",
  sort = "name",
}: { q?: string; status?: "all" | "active" | "inactive"; sort?: UserSort } = {}): PublicUser[] {
  const filters = [];
  if (q) {
    const pattern = `%${q.toLowerCase()}%`;
    filters.push(sql`(lower(${users.name}) like ${pattern} or ${users.email} like ${pattern})`);
  }
  if (status !== "all") filters.push(eq(users.active, status === "active"));
  return db
    .select(publicColumns)
    .from(users)
    .where(filters.length ? and(...filters) : undefined)
    .orderBy(asc(sortColumns[sort] ?? users.name), asc(users.id))
    .all();
}

function duplicateEmail(): ValidationError {
  return new ValidationError("That e-mail address is taken.", {
    email: "Someone already uses this e-mail address. Choose another.",
  });
}

type NewUser = {
  name: string;
  email: string;
  discipline: Discipline;
  role: Role;
  password: string;
};

type HashedUser = Omit<NewUser, "password"> & { passwordHash: string };

/** Inserts a user and its activity row inside `tx`. */
function writeUser(
  tx: Tx,
  input: HashedUser,
  {
    actorId,
    via,
    action,
    onlyIfNobodyExists,
  }: { actorId: number | null; via: Via; action: string; onlyIfNobodyExists: boolean },
  now: number,
): PublicUser {
  // Checked inside the transaction: hashing yields the event loop, so two first-run setups can race.
  if (onlyIfNobodyExists && (tx.select({ n: count() }).from(users).get()?.n ?? 0) > 0) {
    throw new ConflictError("Triad is already set up. Sign in instead.");
  }
  const email = normalizeEmail(input.email);
  const taken = tx.select({ id: users.id }).from(users).where(eq(users.email, email)).get();
  if (taken) throw duplicateEmail();
  const created = tx
    .insert(users)
    .values({ ...input, email, createdAt: now, updatedAt: now })
    .returning(publicColumns)
    .get();
  recordActivity(tx, {
    actorId: actorId ?? created.id,
    entityType: "user",
    entityId: created.id,
    action,
    summary: userAdded(created),
    after: { name: created.name, email, discipline: created.discipline, role: created.role },
    via,
    at: now,
  });
  return created;
}

/** First run: creates the first admin, only while there is no user at all. */
export async function createFirstAdmin(input: Omit<NewUser, "role">, options?: WriteOptions): Promise<PublicUser> {
  if (countUsers() > 0) throw new ConflictError("Triad is already set up. Sign in instead.");
  const { password, ...person } = input;
  const passwordHash = await hashPassword(password);
  return addUserWithPasswordHash({ ...person, role: "admin", passwordHash, actor: null, firstAdmin: true }, options);
}

export async function createUser(
  { actor, password, ...input }: NewUser & { actor: Actor | null },
  options?: WriteOptions,
): Promise<PublicUser> {
  if (actor && actor.role !== "admin") throw new ForbiddenError("Only admins add people.");
  const passwordHash = await hashPassword(password);
  return addUserWithPasswordHash({ ...input, passwordHash, actor }, options);
}

/**
 * createUser (or, with `firstAdmin`, createFirstAdmin) for a caller that hashed the password
 * already: synchronous, so it can run inside the caller's transaction. The demo hashes its one
 * password once for everyone (app/demo/demo.ts).
 */
export function addUserWithPasswordHash(
  { actor, firstAdmin = false, ...input }: HashedUser & { actor: Actor | null; firstAdmin?: boolean },
  options?: WriteOptions,
): PublicUser {
  if (actor && actor.role !== "admin") throw new ForbiddenError("Only admins add people.");
  const who = firstAdmin
    ? { actorId: null, via: "web" as const, action: "user.setup", onlyIfNobodyExists: true }
    : {
        actorId: actor?.id ?? null,
        via: actor?.via ?? ("cli" as const),
        action: "user.created",
        onlyIfNobodyExists: false,
      };
  return withTx(options, (tx, now) => writeUser(tx, firstAdmin ? { ...input, role: "admin" } : input, who, now));
}

function activeAdminCount(excludingId: number, database: Tx | typeof db = db): number {
  return (
    database
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.role, "admin"), eq(users.active, true), ne(users.id, excludingId)))
      .get()?.n ?? 0
  );
}

/**
 * An admin changes a person's discipline or role. A discipline change moves every team seat
 * of theirs to the new discipline and withdraws their current sign-offs on open reviews
 * (they were given for the old discipline): that needs `confirmed` when there are any, and
 * writes one activity row per project touched (docs/domain.md, "Who may sign").
 */
export function updateUserAccess(
  {
    actor,
    userId,
    discipline,
    role,
    version,
    confirmed = false,
  }: {
    actor: Actor;
    userId: number;
    discipline: Discipline;
    role: Role;
    version: number;
    confirmed?: boolean;
  },
  options?: WriteOptions,
): PublicUser {
  if (actor.role !== "admin") throw new ForbiddenError("Only admins change disciplines and roles.");
  return withTx(options, (tx, now) => {
    const before = tx.select(publicColumns).from(users).where(eq(users.id, userId)).get();
    if (!before) throw new NotFoundError("No such person.");
    if (before.role === "admin" && role !== "admin" && activeAdminCount(userId, tx) === 0) {
      throw new ValidationError("Triad needs at least one active admin.", {
        role: "This is the last active admin. Make someone else admin first.",
      });
    }
    const moving = before.discipline !== discipline;
    const live = moving
      ? tx
          .select({ id: signOffs.id, reviewId: signOffs.reviewId, projectId: gateReviews.projectId })
          .from(signOffs)
          .innerJoin(gateReviews, eq(gateReviews.id, signOffs.reviewId))
          .where(and(eq(signOffs.userId, userId), eq(signOffs.status, "current"), eq(gateReviews.status, "open")))
          .all()
      : [];
    if (version === before.version && live.length && !confirmed) {
      throw new NeedsConfirmation(
        `${before.name} has ${live.length === 1 ? "a current sign-off" : `${live.length} current sign-offs`} on open gate reviews. Changing their discipline withdraws ${live.length === 1 ? "it" : "them"}.`,
      );
    }
    const after = tx
      .update(users)
      .set({ discipline, role, updatedAt: now, version: sql`${users.version} + 1` })
      .where(and(eq(users.id, userId), eq(users.version, version)))
      .returning(publicColumns)
      .get();
    if (!after) {
      throw new ConflictError(
        `${before.name} was changed by someone else since you opened the page. Reload and try again.`,
      );
    }
    recordActivity(tx, {
      actorId: actor.id,
      entityType: "user",
      entityId: userId,
      action: "user.access_changed",
      summary: userAccessChanged(after.name, discipline, role),
      before: { discipline: before.discipline, role: before.role },
      after: { discipline, role },
      via: actor.via,
      at: now,
    });
    if (moving) moveSeats(tx, { actor, person: after, from: before.discipline, live, now });
    return after;
  });
}

/** The discipline change's consequences, one activity row per project. */
function moveSeats(
  tx: Tx,
  {
    actor,
    person,
    from,
    live,
    now,
  }: {
    actor: Actor;
    person: PublicUser;
    from: Discipline;
    live: Array<{ id: number; projectId: number }>;
    now: number;
  },
) {
  const seats = tx
    .select({ projectId: memberships.projectId, projectName: projects.name })
    .from(memberships)
    .innerJoin(projects, eq(projects.id, memberships.projectId))
    .where(eq(memberships.userId, person.id))
    .all();
  tx.update(memberships).set({ discipline: person.discipline }).where(eq(memberships.userId, person.id)).run();
  if (live.length) {
    tx.update(signOffs)
      .set({ status: "withdrawn", endedAt: now })
      .where(
        inArray(
          signOffs.id,
          live.map((s) => s.id),
        ),
      )
      .run();
  }
  for (const seat of seats) {
    const withdrawn = live.filter((s) => s.projectId === seat.projectId).map((s) => s.id);
    recordActivity(tx, {
      actorId: actor.id,
      projectId: seat.projectId,
      entityType: "membership",
      entityId: person.id,
      action: "member.discipline_changed",
      summary: seatMoved(person.name, seat.projectName, from, person.discipline, withdrawn.length),
      before: { userId: person.id, discipline: from },
      after: { userId: person.id, discipline: person.discipline, withdrawnSignOffIds: withdrawn },
      via: actor.via,
      at: now,
    });
  }
}

/** Deactivating ends the person's sessions at once; their history stays. */
export function setUserActive(
  {
    actor,
    userId,
    active,
  }: {
    actor: Actor;
    userId: number;
    active: boolean;
  },
  options?: WriteOptions,
): PublicUser {
  if (actor.role !== "admin") throw new ForbiddenError("Only admins deactivate people.");
  return withTx(options, (tx, now) => {
    const before = tx.select(publicColumns).from(users).where(eq(users.id, userId)).get();
    if (!before) throw new NotFoundError("No such person.");
    if (before.active === active) {
      throw new ConflictError(`${before.name} is already ${active ? "active" : "deactivated"}.`);
    }
    if (!active && before.role === "admin" && activeAdminCount(userId, tx) === 0) {
      throw new ValidationError("Triad needs at least one active admin.", {
        form: "This is the last active admin. Make someone else admin first.",
      });
    }
    const after = tx
      .update(users)
      .set({ active, updatedAt: now, version: sql`${users.version} + 1` })
      .where(eq(users.id, userId))
      .returning(publicColumns)
      .get()!;
    if (!active) tx.delete(sessions).where(eq(sessions.userId, userId)).run();
    recordActivity(tx, {
      actorId: actor.id,
      entityType: "user",
      entityId: userId,
      action: active ? "user.reactivated" : "user.deactivated",
      summary: userActiveChanged(after.name, active),
      before: { active: before.active },
      after: { active },
      via: actor.via,
      at: now,
    });
    return after;
  });
}

export function updateProfile({ actor, name }: { actor: Actor; name: string }, options?: WriteOptions): PublicUser {
  return withTx(options, (tx, now) => {
    const before = tx.select(publicColumns).from(users).where(eq(users.id, actor.id)).get();
    if (!before) throw new NotFoundError("No such person.");
    const after = tx
      .update(users)
      .set({ name, updatedAt: now, version: sql`${users.version} + 1` })
      .where(eq(users.id, actor.id))
      .returning(publicColumns)
      .get()!;
    recordActivity(tx, {
      actorId: actor.id,
      entityType: "user",
      entityId: actor.id,
      action: "user.renamed",
      summary: userRenamed(before.name, name),
      before: { name: before.name },
      after: { name },
      via: actor.via,
      at: now,
    });
    return after;
  });
}

/**
 * Changes the actor's own password and ends their other sessions; with `revokeTokens`, also
 * revokes all their API tokens (a leaked password may have leaked tokens too).
 */
export async function changePassword(
  {
    actor,
    currentPassword,
    newPassword,
    keepSessionId,
    revokeTokens = false,
  }: {
    actor: Actor;
    currentPassword: string;
    newPassword: string;
    keepSessionId?: string;
    revokeTokens?: boolean;
  },
  options?: WriteOptions,
): Promise<{ endedSessions: number; revokedTokens: number }> {
  const current = getPasswordHash(actor.id);
  if (!current || !(await verifyPassword(current, currentPassword))) {
    throw new ValidationError("Your current password is not right.", {
      currentPassword: "That is not your current password.",
    });
  }
  const passwordHash = await hashPassword(newPassword);
  return withTx(options, (tx, now) => {
    tx.update(users)
      .set({ passwordHash, updatedAt: now, version: sql`${users.version} + 1` })
      .where(eq(users.id, actor.id))
      .run();
    const endedSessions = tx
      .delete(sessions)
      .where(
        keepSessionId
          ? and(eq(sessions.userId, actor.id), ne(sessions.id, keepSessionId))
          : eq(sessions.userId, actor.id),
      )
      .run().changes;
    recordActivity(tx, {
      actorId: actor.id,
      entityType: "user",
      entityId: actor.id,
      action: "user.password_changed",
      summary: passwordChanged(actor.name),
      after: { endedSessions, revokeTokens },
      via: actor.via,
      at: now,
    });
    const revokedTokens = revokeTokens
      ? revokeAllTokens(tx, { actor, reason: "when changing their password", now })
      : 0;
    return { endedSessions, revokedTokens };
  });
}
