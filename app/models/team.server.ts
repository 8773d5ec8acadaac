/**
 * A project's team. A seat is always the person's own discipline (their profile, People):
 * the owner chooses who, never as what (docs/domain.md, "Who may sign").
 */
import { and, asc, eq, ne } from "drizzle-orm";
import { db } from "../../db/client.server";
import { gateReviews, memberships, signOffs, users } from "../../db/schema";
import { type Discipline } from "~/domain/vocabulary";
import { ConflictError, NeedsConfirmation, NotFoundError, ValidationError } from "~/domain/errors";
import { disciplineLabel } from "~/domain/labels";
import { memberAdded, memberRemoved } from "~/domain/activity-sentences";
import { recordActivity } from "./activity.server";
import { projectForWrite } from "./project-access.server";
import { withTx, type WriteOptions } from "./transaction.server";
import { normalizeEmail, type Actor } from "./users.server";

export type TeamMember = {
  userId: number;
  name: string;
  email: string;
  discipline: Discipline;
  active: boolean;
  since: number;
};

export function listTeam(projectId: number): TeamMember[] {
  return db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      discipline: memberships.discipline,
      active: users.active,
      since: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.projectId, projectId))
    .orderBy(asc(memberships.discipline), asc(users.name))
    .all();
}

/**
 * Seats a person, named by id (the team page) or by e-mail (the API). The permission comes
 * first: someone who may not manage the team learns nothing about who exists; someone who may
 * gets the same answer for an unknown and a deactivated person.
 */
export function addMember(
  {
    actor,
    projectId,
    discipline,
    ...who
  }: {
    actor: Actor;
    projectId: number;
    /** Optional: when given it must be the person's own discipline. */
    discipline?: Discipline;
  } & ({ userId: number; email?: never } | { email: string; userId?: never }),
  options?: WriteOptions,
): { userId: number } {
  return withTx(options, (tx, now) => {
    const project = projectForWrite(tx, actor, projectId, "team:manage");
    const person = tx
      .select({ id: users.id, name: users.name, active: users.active, discipline: users.discipline })
      .from(users)
      .where(who.email !== undefined ? eq(users.email, normalizeEmail(who.email)) : eq(users.id, who.userId))
      .get();
    if (!person || !person.active) {
      throw who.email !== undefined
        ? new ValidationError("No active person has this e-mail address.", {
            email: "No active person in Triad has this e-mail address.",
          })
        : new ValidationError("Choose an active person.", { userId: "Choose an active person." });
    }
    const userId = person.id;
    const existing = tx
      .select({ discipline: memberships.discipline })
      .from(memberships)
      .where(and(eq(memberships.projectId, projectId), eq(memberships.userId, userId)))
      .get();
    if (existing) {
      throw new ValidationError(`${person.name} is already on the team.`, {
        userId: `${person.name} is already on the team as ${disciplineLabel[existing.discipline]}. One person signs for one discipline only.`,
      });
    }
    if (discipline && discipline !== person.discipline) {
      throw new ValidationError(`${person.name} is ${disciplineLabel[person.discipline]}.`, {
        discipline: `${person.name} is ${disciplineLabel[person.discipline]} on their profile, so they can only sit on the team as ${disciplineLabel[person.discipline]}. An admin changes a person's discipline on People.`,
      });
    }
    const seat = person.discipline;
    tx.insert(memberships).values({ projectId, userId, discipline: seat, createdAt: now }).run();
    recordActivity(tx, {
      actorId: actor.id,
      projectId,
      entityType: "membership",
      entityId: userId,
      action: "member.added",
      summary: memberAdded(actor.name, person.name, project.name, seat),
      after: { userId, discipline: seat },
      via: actor.via,
      at: now,
    });
    return { userId };
  });
}

/**
 * Current approvals this person gave on the project's open review. Their "changes requested"
 * are not listed: an objection stays until its author renews it or the owner dismisses it.
 */
export function liveSignOffsOf(projectId: number, userId: number, database: Pick<typeof db, "select"> = db) {
  return database
    .select({ id: signOffs.id, discipline: signOffs.discipline, reviewId: signOffs.reviewId })
    .from(signOffs)
    .innerJoin(gateReviews, eq(gateReviews.id, signOffs.reviewId))
    .where(
      and(
        eq(gateReviews.projectId, projectId),
        eq(gateReviews.status, "open"),
        eq(signOffs.userId, userId),
        eq(signOffs.status, "current"),
        ne(signOffs.decision, "changes_requested"),
      ),
    )
    .all();
}

export { NeedsConfirmation } from "~/domain/errors";

/**
 * Removes a member. If they have a live approval on the open review, the caller must
 * confirm; the approval is then marked withdrawn (kept, no longer counting). A "changes
 * requested" of theirs stays and keeps blocking until the owner dismisses it.
 */
export function removeMember(
  {
    actor,
    projectId,
    userId,
    confirmed,
  }: {
    actor: Actor;
    projectId: number;
    userId: number;
    confirmed: boolean;
  },
  options?: WriteOptions,
): { withdrawnSignOffs: number } {
  return withTx(options, (tx, now) => {
    const project = projectForWrite(tx, actor, projectId, "team:manage");
    if (project.ownerId === userId) {
      throw new ConflictError("The owner cannot leave the team. Hand the project to a new owner first (Edit project).");
    }
    const member = tx
      .select({ name: users.name, discipline: memberships.discipline })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.projectId, projectId), eq(memberships.userId, userId)))
      .get();
    if (!member) throw new NotFoundError("That person is not on the team.");
    const live = liveSignOffsOf(projectId, userId, tx);
    if (live.length && !confirmed) {
      throw new NeedsConfirmation(
        `${member.name} has approved on the open gate review. Removing them withdraws that approval.`,
      );
    }
    for (const signOff of live) {
      tx.update(signOffs).set({ status: "withdrawn", endedAt: now }).where(eq(signOffs.id, signOff.id)).run();
    }
    tx.delete(memberships)
      .where(and(eq(memberships.projectId, projectId), eq(memberships.userId, userId)))
      .run();
    recordActivity(tx, {
      actorId: actor.id,
      projectId,
      entityType: "membership",
      entityId: userId,
      action: "member.removed",
      summary: memberRemoved(actor.name, member.name, member.discipline, project.name, live.length > 0),
      before: { userId, discipline: member.discipline },
      after: live.length ? { withdrawnSignOffIds: live.map((s) => s.id) } : undefined,
      via: actor.via,
      at: now,
    });
    return { withdrawnSignOffs: live.length };
  });
}
