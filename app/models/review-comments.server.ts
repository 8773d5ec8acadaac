/**
 * The conversation on a gate review (docs/domain.md, "The review conversation"): plain-text
 * comments from the team and the owner, optionally replying to one sign-off, with `@name`
 * mentions resolved to team members and stored for notifications. Editing keeps every earlier
 * wording. Each write has its activity row.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { db, type Tx } from "../../db/client.server";
import {
  memberships,
  projects,
  reviewCommentMentions,
  reviewCommentRevisions,
  reviewComments,
  signOffs,
  users,
  type ReviewComment,
} from "../../db/schema";
import { mentionTokens, resolveMentions } from "~/domain/comments";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/domain/errors";
import type { Decision } from "~/domain/vocabulary";
import { commentEdited, commented } from "~/domain/activity-sentences";
import { commentDrafts, newlyMentioned } from "~/domain/notify-rules";
import { recordActivity } from "./activity.server";
import { loadOpenReview } from "./gate-reviews-read.server";
import { notify } from "./notifications.server";
import { projectRef } from "./notify-events.server";
import { projectForWrite } from "./project-access.server";
import { withTx, type WriteOptions } from "./transaction.server";
import type { Actor } from "./users.server";

/** Team members and the owner: the people a comment may mention. */
function mentionable(tx: Tx, projectId: number) {
  const team = tx
    .select({ id: users.id, name: users.name, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.projectId, projectId))
    .all();
  const owner = tx
    .select({ id: users.id, name: users.name, email: users.email })
    .from(projects)
    .innerJoin(users, eq(users.id, projects.ownerId))
    .where(eq(projects.id, projectId))
    .get();
  return owner && !team.some((p) => p.id === owner.id) ? [...team, owner] : team;
}

/** The mentioned people's ids, or a field error when an `@name` fits several people. */
function mentionsIn(tx: Tx, projectId: number, body: string): number[] {
  const { userIds, ambiguous } = resolveMentions(mentionTokens(body), mentionable(tx, projectId));
  if (ambiguous.length) {
    const first = ambiguous[0];
    throw new ValidationError("A mention is ambiguous.", {
      body: `@${first.token} could be ${first.names.join(" or ")}: write the part of their e-mail address before the @ instead, such as @${first.token.toLowerCase()}.smith.`,
    });
  }
  return userIds;
}

function storeMentions(tx: Tx, commentId: number, userIds: number[]) {
  tx.delete(reviewCommentMentions).where(eq(reviewCommentMentions.commentId, commentId)).run();
  for (const userId of userIds) tx.insert(reviewCommentMentions).values({ commentId, userId }).run();
}

export function addComment(
  {
    actor,
    reviewId,
    body,
    replyToSignOffId = null,
  }: {
    actor: Actor;
    reviewId: number;
    body: string;
    replyToSignOffId?: number | null;
  },
  options?: WriteOptions,
): ReviewComment & { mentionedUserIds: number[] } {
  const text = body.trim();
  return withTx(options, (tx, now) => {
    const review = loadOpenReview(tx, reviewId);
    projectForWrite(tx, actor, review.projectId, "gate:comment");
    if (!text) throw new ValidationError("Write a comment.", { body: "Write a comment." });
    let replyTo: { userId: number; userName: string; decision: Decision } | null = null;
    if (replyToSignOffId != null) {
      const target = tx
        .select({
          reviewId: signOffs.reviewId,
          userId: signOffs.userId,
          userName: users.name,
          decision: signOffs.decision,
        })
        .from(signOffs)
        .innerJoin(users, eq(users.id, signOffs.userId))
        .where(eq(signOffs.id, replyToSignOffId))
        .get();
      if (!target || target.reviewId !== reviewId) {
        throw new ValidationError("Reply to a sign-off of this review.", {
          replyToSignOffId: "That sign-off is not part of this review.",
        });
      }
      replyTo = target;
    }
    const mentioned = mentionsIn(tx, review.projectId, text);
    const created = tx
      .insert(reviewComments)
      .values({ reviewId, authorId: actor.id, body: text, replyToSignOffId, createdAt: now })
      .returning()
      .get();
    storeMentions(tx, created.id, mentioned);
    recordActivity(tx, {
      actorId: actor.id,
      projectId: review.projectId,
      entityType: "review_comment",
      entityId: created.id,
      action: "gate.commented",
      summary: commented(actor.name, replyTo),
      after: { reviewId, body: text, replyToSignOffId, mentionedUserIds: mentioned },
      via: actor.via,
      at: now,
    });
    // The replied-to signer and each mentioned person, once each (docs/domain.md, "Notifications").
    notify(tx, {
      actorId: actor.id,
      drafts: commentDrafts({
        project: projectRef(tx, review.projectId),
        commentId: created.id,
        actorName: actor.name,
        body: text,
        replyToUserId: replyTo?.userId ?? null,
        mentionedUserIds: mentioned,
      }),
      now,
    });
    return { ...created, mentionedUserIds: mentioned };
  });
}

/** Only the author edits; the earlier wording is kept and shown as the comment's history. */
export function editComment(
  {
    actor,
    commentId,
    body,
    version,
  }: {
    actor: Actor;
    commentId: number;
    body: string;
    version: number;
  },
  options?: WriteOptions,
): ReviewComment {
  const text = body.trim();
  return withTx(options, (tx, now) => {
    const before = tx.select().from(reviewComments).where(eq(reviewComments.id, commentId)).get();
    if (!before) throw new NotFoundError("No such comment.");
    const review = loadOpenReview(tx, before.reviewId);
    projectForWrite(tx, actor, review.projectId, "gate:comment");
    if (before.authorId !== actor.id) throw new ForbiddenError("Only the author can edit a comment.");
    if (!text) throw new ValidationError("Write a comment.", { body: "Write a comment." });
    if (before.version !== version) {
      throw new ConflictError("This comment was edited since you opened the page. Reload to see the latest wording.");
    }
    if (before.body === text) return before;
    const mentioned = mentionsIn(tx, review.projectId, text);
    tx.insert(reviewCommentRevisions).values({ commentId, body: before.body, replacedAt: now }).run();
    const after = tx
      .update(reviewComments)
      .set({ body: text, editedAt: now, version: before.version + 1 })
      .where(and(eq(reviewComments.id, commentId), eq(reviewComments.version, version)))
      .returning()
      .get();
    if (!after)
      throw new ConflictError("This comment was edited since you opened the page. Reload to see the latest wording.");
    const mentionedBefore = tx
      .select({ userId: reviewCommentMentions.userId })
      .from(reviewCommentMentions)
      .where(eq(reviewCommentMentions.commentId, commentId))
      .all()
      .map((m) => m.userId);
    storeMentions(tx, commentId, mentioned);
    recordActivity(tx, {
      actorId: actor.id,
      projectId: review.projectId,
      entityType: "review_comment",
      entityId: commentId,
      action: "gate.comment_edited",
      summary: commentEdited(actor.name),
      before: { body: before.body },
      after: { body: text, mentionedUserIds: mentioned },
      via: actor.via,
      at: now,
    });
    // Only people the new wording mentions for the first time: the others were told already.
    notify(tx, {
      actorId: actor.id,
      drafts: commentDrafts({
        project: projectRef(tx, review.projectId),
        commentId,
        actorName: actor.name,
        body: text,
        replyToUserId: null,
        mentionedUserIds: newlyMentioned(mentionedBefore, mentioned),
        edited: true,
      }),
      now,
    });
    return after;
  });
}

const author = alias(users, "author");
const repliedSigner = alias(users, "replied_signer");

/** A review's comments, oldest first, with replies, mentions and earlier wordings. */
export function listComments(reviewId: number) {
  const rows = db
    .select({
      id: reviewComments.id,
      body: reviewComments.body,
      authorId: reviewComments.authorId,
      authorName: author.name,
      createdAt: reviewComments.createdAt,
      editedAt: reviewComments.editedAt,
      version: reviewComments.version,
      replyToSignOffId: reviewComments.replyToSignOffId,
      replyToName: repliedSigner.name,
      replyToDecision: signOffs.decision,
      replyToDiscipline: signOffs.discipline,
    })
    .from(reviewComments)
    .innerJoin(author, eq(author.id, reviewComments.authorId))
    .leftJoin(signOffs, eq(signOffs.id, reviewComments.replyToSignOffId))
    .leftJoin(repliedSigner, eq(repliedSigner.id, signOffs.userId))
    .where(eq(reviewComments.reviewId, reviewId))
    .orderBy(asc(reviewComments.id))
    .all();
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const mentions = db
    .select({ commentId: reviewCommentMentions.commentId, userId: users.id, name: users.name })
    .from(reviewCommentMentions)
    .innerJoin(users, eq(users.id, reviewCommentMentions.userId))
    .where(inArray(reviewCommentMentions.commentId, ids))
    .all();
  const revisions = db
    .select()
    .from(reviewCommentRevisions)
    .where(inArray(reviewCommentRevisions.commentId, ids))
    .orderBy(asc(reviewCommentRevisions.id))
    .all();
  return rows.map((r) => ({
    ...r,
    mentions: mentions.filter((m) => m.commentId === r.id).map(({ userId, name }) => ({ id: userId, name })),
    revisions: revisions.filter((v) => v.commentId === r.id).map(({ body, replacedAt }) => ({ body, replacedAt })),
  }));
}

export type CommentRow = ReturnType<typeof listComments>[number];
