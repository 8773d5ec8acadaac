/**
 * /projects/:slug/gate/:reviewId/dossier.json: the gate dossier as JSON, the same data as the
 * printable page (app/models/dossier.server.ts). Any signed-in user may read it; a review of
 * another project is not found.
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
