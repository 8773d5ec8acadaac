/**
 * /projects/:slug/gate/:reviewId/dossier.json: the gate dossier as JSON, the same data as the
 * printable page (app/models/dossier.server.ts). Any signed-in user may read it; a review of
 * another project is not found.
 *
 * Format "triad.gate-dossier/2" (docs/domain.md, "Sign-off rules"): `review.statement`,
 * `review.requiredApprovals`, `review.contentFingerprints` (one per discipline; for a review
 * closed before migration 0003 the one fingerprint it kept, as `{ "all": "<sha-256>" }`; null
 * without a snapshot), each sign-off's own `standing`, `changes` and `dismissal`, requirements
 * with `verdicts.data_science` and `verdicts.it` (or `verdicts.legacy`: the single verdict of a
 * snapshot from before per-discipline verdicts), and the review's `comments`.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getGateDossier } from "~/models/dossier.server";
import { invariantResponse } from "~/utils/http.server";
import { requireProject } from "~/utils/project.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = requireProject(request, params);
  const dossier = getGateDossier({ projectId: project.id, reviewId: Number(params.reviewId) });
  invariantResponse(dossier, "This project has no gate review with that number.");
  const filename = `triad-${project.slug}-gate-review-${dossier.review.id}-dossier.json`;
  return new Response(`${JSON.stringify(dossier, null, 2)}\n`, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `inline; filename="${filename}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
