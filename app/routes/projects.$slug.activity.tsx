import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Badge } from "~/components/ui/Badge";
import { EmptyState } from "~/components/ui/EmptyState";
import { listProjectActivity } from "~/models/activity.server";
import { DateTime } from "~/components/ui/DateTime";
import { requireProject } from "~/utils/project.server";

export const meta: MetaFunction = () => [{ title: "Activity · Triad" }];

const PAGE = 50;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = requireProject(request, params);
  const before = Number(new URL(request.url).searchParams.get("before")) || undefined;
  const rows = listProjectActivity({ projectId: project.id, before, limit: PAGE + 1 });
  return {
    slug: project.slug,
    rows: rows.slice(0, PAGE),
    nextBefore: rows.length > PAGE ? rows[PAGE - 1].id : null,
    paged: Boolean(before),
  };
}

export default function ActivityTimeline() {
  const { slug, rows, nextBefore, paged } = useLoaderData<typeof loader>();
  return (
    <>
      <h2>Activity</h2>
      <p className="page-description">Every change to this project, newest first. Nobody can edit or delete it.</p>
      {rows.length === 0 ? (
        <EmptyState title="Nothing recorded here yet." />
      ) : (
        <ol className="timeline">
          {rows.map((a) => (
            <li key={a.id}>
              <DateTime at={a.at} />
              {a.summary}
              {a.via !== "web" ? (
                <>
                  {" "}
                  <Badge tone="muted">via {a.via.toUpperCase()}</Badge>
                </>
              ) : null}
            </li>
          ))}
        </ol>
      )}
      <nav className="pager" aria-label="Activity pages">
        {paged ? <Link to={`/projects/${slug}/activity`}>Newest</Link> : null}
        {nextBefore ? <Link to={`?before=${nextBefore}`}>Older →</Link> : null}
      </nav>
    </>
  );
}
