/** PATCH .../gate-reviews/:reviewId/comments/:commentId {body, version}: the author rewords a comment. */
import { editComment } from "~/models/review-comments.server";
import { apiResource, endpoint, idParam, reviewParam } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { commentView } from "~/api/views.server";

const api = apiResource(
  endpoint(apiRoutes.editReviewComment, ({ actor, params, body }) => {
    const { reviewId } = reviewParam(params);
    const commentId = idParam(params, "commentId", "comment");
    commentView(reviewId, commentId); // 404 unless the comment is on this review
    editComment({ actor, commentId, body: body.body, version: body.version });
    return { comment: commentView(reviewId, commentId) };
  }),
);

export const loader = api;
export const action = api;
