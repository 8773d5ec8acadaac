/** POST .../gate-reviews/:reviewId/attestations/:key {note, evidenceUrl?} ticks an attestation criterion; DELETE clears it. */
import { attest } from "~/models/gates.server";
import { apiResource, endpoint, reviewParam } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { reviewView } from "~/api/views.server";

const api = apiResource(
  endpoint(apiRoutes.attest, ({ actor, params, body }) => {
    const { project, reviewId } = reviewParam(params);
    attest({ actor, reviewId, key: params.key ?? "", note: body.note, evidenceUrl: body.evidenceUrl });
    return { review: reviewView(reviewId, project) };
  }),
  endpoint(apiRoutes.clearAttestation, ({ actor, params }) => {
    const { project, reviewId } = reviewParam(params);
    attest({ actor, reviewId, key: params.key ?? "", note: "", clear: true });
    return { review: reviewView(reviewId, project) };
  }),
);

export const loader = api;
export const action = api;
