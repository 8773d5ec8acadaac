import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Badge } from "~/components/ui/Badge";
import { EmptyState } from "~/components/ui/EmptyState";
import { stageShortLabel } from "~/domain/labels";
import { listReviews } from "~/models/gates.server";
import { DateTime } from "~/components/ui/DateTime";
import { requireProject } from "~/utils/project.server";

export const meta: MetaFunction = () => [{ title: "Gate history · Triad" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = requireProject(request, params);
  return { slug: project.slug, reviews: listReviews(project.id) };
}

const statusTone = { open: "info", promoted: "ok", withdrawn: "muted" } as const;

export default function GateHistory() {
  const { slug, reviews } = useLoaderData<typeof loader>();
  return (
    <>
      <h2>Gate reviews</h2>
      <p className="page-description">Every review ever opened for this project. Decisions are never deleted.</p>
      {reviews.length === 0 ? (
        <EmptyState title="No gate review yet.">
          <p>
            <Link to={`/projects/${slug}/gate`}>Open the first one</Link> when the team is ready for the next stage.
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Gate</th>
                <th scope="col">Status</th>
                <th scope="col">Opened</th>
                <th scope="col">Closed</th>
                <th scope="col">Dossier</th>
              </tr>
            </thead>
            <tbody>
              {reviews.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/projects/${slug}/gate/${r.id}`}>
                      #{r.id}: {stageShortLabel[r.fromStage]} → {stageShortLabel[r.targetStage]}
                    </Link>
                  </td>
                  <td>
                    <Badge tone={statusTone[r.status]}>{r.status[0].toUpperCase() + r.status.slice(1)}</Badge>
                  </td>
                  <td>
                    <DateTime at={r.openedAt} /> by {r.openedByName}
                  </td>
                  <td>
                    {r.closedAt ? (
                      <>
                        <DateTime at={r.closedAt} /> by {r.closedByName}
                      </>
                    ) : (
                      "—"
                    )}
                    {r.closeNote ? <div className="small muted">{r.closeNote}</div> : null}
                  </td>
                  <td>
                    <Link to={`/projects/${slug}/gate/${r.id}/dossier`}>
                      View<span className="sr-only"> dossier of review #{r.id}</span>
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
