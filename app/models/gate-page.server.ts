/**
 * What the gate page reads (/projects/:slug/gate): the open review evaluated (criteria,
 * panels, every sign-off's staleness), who opened it, the conditions its sign-offs attached
 * and its comments. A dozen queries, the same for every reader: remembered per project until
 * the next write (issue 15, "The heavy pages"). `getOpenReview` itself always evaluates
 * afresh, for checks inside a transaction.
 */
import { memoUntilWrite } from "./data-version.server";
import { conditionItemsForReview } from "./debt.server";
import { getOpenReview } from "./gates.server";
import { listComments } from "./review-comments.server";
import { getUser } from "./users.server";

const gatePageCache = new Map<string, { version: string; value: ReturnType<typeof computeGatePage> }>();

export function openReviewPage(projectId: number) {
  return memoUntilWrite(gatePageCache, String(projectId), () => computeGatePage(projectId));
}

function computeGatePage(projectId: number) {
  const view = getOpenReview(projectId);
  if (!view) return null;
  return {
    view,
    openedByName: getUser(view.review.openedById)?.name ?? "—",
    conditions: conditionItemsForReview(view.review.id),
    comments: listComments(view.review.id),
  };
}
