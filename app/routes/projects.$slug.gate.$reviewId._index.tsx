/**
 * One gate review, read-only: closed reviews stay readable forever. The panels show each
 * sign-off as it stood when the review closed (the closing snapshot; docs/domain.md, "Sign-off
 * rules"), with the statement it was opened with and its conversation.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CommentThread } from "~/components/gates/CommentThread";
import { CriteriaList, SignOffPanel, type SignOffCard } from "~/components/gates/GateParts";
import { stageShortLabel } from "~/domain/labels";
import { getReview, reviewSnapshot } from "~/models/gates.server";
import { listComments } from "~/models/review-comments.server";
import { getUser } from "~/models/users.server";
import { DateTime } from "~/components/ui/DateTime";
import { invariantResponse } from "~/utils/http.server";
import { requireProject } from "~/utils/project.server";

export const meta: MetaFunction = () => [{ title: "Gate review · Triad" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = requireProject(request, params);
  const view = getReview(Number(params.reviewId), project.id);
  invariantResponse(view, "This project has no gate review with that number.");
  if (view.review.status === "open") throw redirect(`/projects/${project.slug}/gate`);
  const snapshot = reviewSnapshot(view.review);
  const panels = view.panels.map((p) => {
    const { signOff: _lead, ...live } = p;
    const closing = snapshot?.panels.find((s) => s.discipline === p.discipline);
    if (!snapshot) return { ...live, asOf: "now" as const };
    if (!closing?.signOffs) {
      // A snapshot from before migration 0003 kept the panel's status only.
      const signOffs: SignOffCard[] = live.signOffs.map((s) => ({ ...s, standing: null, changes: [] }));
      return {
        ...live,
        status: closing?.status ?? live.status,
        approvals: null,
        required: null,
        signOffs,
        asOf: "closing" as const,
      };
    }
    const rows = [...live.signOffs, ...live.earlier];
    const signOffs: SignOffCard[] = closing.signOffs.flatMap((c) => {
      const row = rows.find((r) => r.id === c.id);
      return row ? [{ ...row, standing: c.standing, changes: c.changes ?? [] }] : [];
    });
    const shown = new Set(signOffs.map((s) => s.id));
    return {
      ...live,
      status: closing.status,
      approvals: closing.approvals,
      required: closing.required,
      signOffs,
      earlier: rows.filter((r) => !shown.has(r.id) && r.status !== "current"),
      asOf: "closing" as const,
    };
  });
  return {
    slug: project.slug,
    review: view.review,
    openedByName: getUser(view.review.openedById)?.name ?? "—",
    closedByName: view.review.closedById ? (getUser(view.review.closedById)?.name ?? "—") : null,
    hasSnapshot: Boolean(snapshot),
    panels,
    criteria: snapshot?.criteria.map((c) => ({ ...c, discipline: null })) ?? view.criteria,
    comments: listComments(view.review.id),
  };
}

export default function PastReview() {
  const { slug, review, openedByName, closedByName, hasSnapshot, panels, criteria, comments } =
    useLoaderData<typeof loader>();
  return (
    <>
      <h2>
        Gate review #{review.id}: {stageShortLabel[review.fromStage]} → {stageShortLabel[review.targetStage]} (
        {review.status})
      </h2>
      <p className="page-description">
        Opened <DateTime at={review.openedAt} /> by {openedByName}
        {review.closedAt ? (
          <>
            , closed <DateTime at={review.closedAt} />
            {closedByName ? ` by ${closedByName}` : ""}
          </>
        ) : (
          ""
        )}
        .{" "}
        {hasSnapshot
          ? "Shown as it stood when it closed."
          : "It closed without a snapshot (the project was stopped or retired): the sign-offs and criteria below are evaluated now."}{" "}
        <Link to={`/projects/${slug}/gate/${review.id}/dossier`}>Dossier</Link> ·{" "}
        <Link to={`/projects/${slug}/gate/history`}>All reviews</Link>
      </p>
      {review.statement ? (
        <section className="card review-statement" aria-labelledby="statement-title">
          <h3 id="statement-title">Why now</h3>
          <p className="prewrap">{review.statement}</p>
        </section>
      ) : null}
      {review.closeNote ? (
        <p>
          <strong>Close note:</strong> <span className="prewrap">{review.closeNote}</span>
        </p>
      ) : null}
      <h3 className="section-title">Sign-offs</h3>
      <div className="grid-3">
        {panels.map((p) => (
          <SignOffPanel
            key={p.discipline}
            discipline={p.discipline}
            status={p.status}
            approvals={p.approvals}
            required={p.required}
            signOffs={p.signOffs}
            earlier={p.earlier}
          />
        ))}
      </div>
      <CommentThread comments={comments} />
      <h3 className="section-title">Criteria</h3>
      <CriteriaList criteria={criteria} />
    </>
  );
}
