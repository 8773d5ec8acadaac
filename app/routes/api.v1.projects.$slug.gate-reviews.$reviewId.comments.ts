/** GET .../gate-reviews/:reviewId/comments (oldest first) and POST {body, replyToSignOffId?} (201). */
import { addComment, listComments } from "~/models/review-comments.server";
import { apiResource, endpoint, reviewParam } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { commentJson, commentView } from "~/api/views.server";

const api = apiResource(
  endpoint(apiRoutes.listReviewComments, ({ params }) => {
    const { reviewId } = reviewParam(params);
    return { comments: listComments(reviewId).map(commentJson) };
  }),
  endpoint(apiRoutes.addReviewComment, ({ actor, params, body }) => {
    const { reviewId } = reviewParam(params);
    const created = addComment({ actor, reviewId, body: body.body, replyToSignOffId: body.replyToSignOffId });
    return { comment: commentView(reviewId, created.id) };
  }),
);

export const loader = api;
export const action = api;
