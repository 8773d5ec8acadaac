/** One gate review, read-only: closed reviews stay readable forever. */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CriteriaList, SignOffPanel } from "~/components/gates/GateParts";
import { stageShortLabel } from "~/domain/labels";
import { getReview, reviewSnapshot } from "~/models/gates.server";
import { formatDateTime } from "~/utils/format";
import { invariantResponse } from "~/utils/http.server";
import { requireProject } from "~/utils/project.server";

export const meta: MetaFunction = () => [{ title: "Gate review · Triad" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = requireProject(request, params);
  const view = getReview(Number(params.reviewId), project.id);
  invariantResponse(view, "This project has no gate review with that number.");
  if (view.review.status === "open") throw redirect(`/projects/${project.slug}/gate`);
  const snapshot = reviewSnapshot(view.review);
  return {
    slug: project.slug,
    review: view.review,
    panels: view.panels.map((p) => ({
      ...p,
      status: snapshot?.panels.find((s) => s.discipline === p.discipline)?.status ?? p.status,
    })),
    criteria: snapshot?.criteria.map((c) => ({ ...c, discipline: null })) ?? view.criteria,
  };
}

export default function PastReview() {
  const { slug, review, panels, criteria } = useLoaderData<typeof loader>();
  return (
    <>
      <h2>
        Gate review #{review.id}: {stageShortLabel[review.fromStage]} → {stageShortLabel[review.targetStage]} ({review.status})
      </h2>
      <p className="page-description">
        Opened {formatDateTime(review.openedAt)}
        {review.closedAt ? `, closed ${formatDateTime(review.closedAt)}` : ""}. Shown as it stood when it closed.{" "}
        <Link to={`/projects/${slug}/gate/${review.id}/dossier`}>Dossier</Link> ·{" "}
        <Link to={`/projects/${slug}/gate/history`}>All reviews</Link>
      </p>
      <div className="grid-3">
        {panels.map((p) => (
          <SignOffPanel key={p.discipline} discipline={p.discipline} status={p.status} signOff={p.signOff} earlier={p.earlier} />
        ))}
      </div>
      <h3 className="section-title">Criteria</h3>
      <CriteriaList criteria={criteria} />
    </>
  );
}
