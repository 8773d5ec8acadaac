/**
 * Read-only views of one person for the People pages: the teams they sit on and the sign-offs
 * of theirs that a discipline change would withdraw (docs/domain.md, "Who may sign").
 */
import { and, asc, eq } from "drizzle-orm";
import { db } from "../../db/client.server";
import { gateReviews, memberships, projects, signOffs } from "../../db/schema";

/** The projects whose team the person sits on, with their seat, by project name. */
export function listSeatsOf(userId: number) {
  return db
    .select({
      projectId: projects.id,
      slug: projects.slug,
      name: projects.name,
      stage: projects.stage,
      state: projects.state,
      discipline: memberships.discipline,
      ownerId: projects.ownerId,
    })
    .from(memberships)
    .innerJoin(projects, eq(projects.id, memberships.projectId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(projects.name), asc(projects.id))
    .all();
}

/**
 * The person's current sign-offs on open gate reviews (any decision): exactly what changing
 * their discipline withdraws.
 */
export function listOpenSignOffsOf(userId: number) {
  return db
    .select({
      id: signOffs.id,
      decision: signOffs.decision,
      discipline: signOffs.discipline,
      projectName: projects.name,
      slug: projects.slug,
    })
    .from(signOffs)
    .innerJoin(gateReviews, eq(gateReviews.id, signOffs.reviewId))
    .innerJoin(projects, eq(projects.id, gateReviews.projectId))
    .where(and(eq(signOffs.userId, userId), eq(signOffs.status, "current"), eq(gateReviews.status, "open")))
    .orderBy(asc(projects.name), asc(signOffs.id))
    .all();
}
