/**
 * Events → notifications (docs/domain.md, "Notifications"). The one module that decides who is
 * told of what when a member changes something: it loads the facts inside the change's
 * transaction (the team, the project, the sign-offs before and after) and returns drafts built
 * by app/domain/notify-rules.ts. The models pass them to `notify` in the same transaction, so a
 * refused or rolled-back change tells nobody, and `notify` never tells the actor.
 *
 * Stale sign-offs ("What makes a sign-off stale"): a change that may move a discipline's view
 * calls `watchSignOffs` before writing and `staleDrafts` after. The watch costs one query when
 * the project has no open review or no approval that could still go stale unannounced; only
 * then are the views computed, once before and once after. Each sign-off is announced once
 * (`notices` key `stale:<signOffId>`): a signer who signs again gets a new sign-off, and a new
 * chance to be told.
 */
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Tx } from "../../db/client.server";
import { gateReviews, memberships, notices, projects, signOffs } from "../../db/schema";
import { type Stage } from "~/domain/vocabulary";
import type { DisciplineView } from "~/domain/concerns";
import type { Fingerprints } from "~/domain/gates";
import type { NotificationDraft, TeamMember } from "~/domain/notifications";
import { newlyStale, staleDraft, type ProjectRef, type WatchedSignOff } from "~/domain/notify-rules";
import { currentViews } from "./gate-reviews-read.server";

/** The project as a notification names it. */
export function projectRef(tx: Tx, projectId: number): ProjectRef & { ownerId: number } {
  return tx
    .select({ id: projects.id, slug: projects.slug, name: projects.name, ownerId: projects.ownerId })
    .from(projects)
    .where(eq(projects.id, projectId))
    .get()!;
}

/** The team's seats (people and their discipline on this project). */
export function teamOf(tx: Tx, projectId: number): TeamMember[] {
  return tx
    .select({ userId: memberships.userId, discipline: memberships.discipline })
    .from(memberships)
    .where(eq(memberships.projectId, projectId))
    .all();
}

export const staleNoticeKey = (signOffId: number) => `stale:${signOffId}`;

type Watched = WatchedSignOff & { snapshot: string | null };

export type SignOffWatch = {
  reviewId: number;
  projectId: number;
  targetStage: Stage;
  signOffs: Watched[];
  members: TeamMember[];
  before: Fingerprints;
};

/**
 * Before a change that may stale sign-offs: the project's open review, its current approvals
 * not yet announced as stale, and each discipline's fingerprint now. Null (and nothing more to
 * do) when there is no open review or no such approval.
 */
export function watchSignOffs(tx: Tx, projectId: number): SignOffWatch | null {
  const rows = tx
    .select({
      reviewId: gateReviews.id,
      targetStage: gateReviews.targetStage,
      id: signOffs.id,
      discipline: signOffs.discipline,
      userId: signOffs.userId,
      decision: signOffs.decision,
      fingerprint: signOffs.fingerprint,
      snapshot: signOffs.snapshot,
      dismissedAt: signOffs.dismissedAt,
    })
    .from(gateReviews)
    .innerJoin(signOffs, eq(signOffs.reviewId, gateReviews.id))
    .leftJoin(notices, eq(notices.key, sql`'stale:' || ${signOffs.id}`))
    .where(
      and(
        eq(gateReviews.projectId, projectId),
        eq(gateReviews.status, "open"),
        eq(signOffs.status, "current"),
        inArray(signOffs.decision, ["approve", "approve_with_conditions"]),
        isNull(notices.key),
      ),
    )
    .all();
  if (!rows.length) return null;
  const { reviewId, targetStage } = rows[0];
  return {
    reviewId,
    projectId,
    targetStage,
    // userName only matters to the panels' sentences, not to a sign-off's standing.
    signOffs: rows.map((r) => ({ ...r, userName: "" })),
    members: teamOf(tx, projectId),
    before: currentViews(reviewId, tx).fingerprints,
  };
}

/**
 * After the change: each approval that counted before and is stale now, one draft for its
 * signer with what changed since they signed. Records the notice of each one announced, so it
 * is never announced twice; the actor's own approval is not announced (they made the change).
 */
export function staleDrafts(
  tx: Tx,
  watch: SignOffWatch | null,
  { actorId, now }: { actorId: number; now: number },
): NotificationDraft[] {
  if (!watch) return [];
  const { views, fingerprints } = currentViews(watch.reviewId, tx);
  const gone = newlyStale(watch.signOffs, watch.before, fingerprints, watch.members).filter(
    (s) => s.userId !== actorId,
  );
  if (!gone.length) return [];
  const project = projectRef(tx, watch.projectId);
  return gone.map((s) => {
    tx.insert(notices)
      .values({ key: staleNoticeKey(s.id), createdAt: now })
      .onConflictDoNothing()
      .run();
    return staleDraft({
      project,
      targetStage: watch.targetStage,
      signOffId: s.id,
      userId: s.userId,
      discipline: s.discipline,
      snapshot: s.snapshot ? (JSON.parse(s.snapshot) as DisciplineView) : null,
      live: views[s.discipline],
    });
  });
}
