/**
 * The projects behind a dashboard figure: a disclosure (works without JavaScript) listing them
 * by name with links, at most the model's limit, and how many more there are.
 */
import { Link } from "@remix-run/react";
import type { ReactNode } from "react";

export type ProjectRef = { id: number; slug: string; name: string };
/** How many projects a figure counts, and the first of them by name. */
export type ProjectList = { total: number; shown: ProjectRef[] };

const EMPTY: ProjectList = { total: 0, shown: [] };

/** The names as links, "and N more" when the list was cut. */
export function ProjectLinks({ list, empty }: { list: ProjectList | undefined; empty?: string }) {
  const { total, shown } = list ?? EMPTY;
  if (total === 0) return <p className="small muted">{empty ?? "None."}</p>;
  return (
    <>
      <ul className="small figure-projects">
        {shown.map((p) => (
          <li key={p.id}>
            <Link to={`/projects/${p.slug}`}>{p.name}</Link>
          </li>
        ))}
      </ul>
      {total > shown.length ? <p className="small muted">and {total - shown.length} more.</p> : null}
    </>
  );
}

/** "Which projects (3)": a closed disclosure with the list inside. */
export function FigureProjects({
  summary,
  list,
  children,
}: {
  summary: string;
  list?: ProjectList;
  /** Several lists under sub-headings, instead of `list`. */
  children?: ReactNode;
}) {
  return (
    <details className="figure-behind small">
      <summary>
        {summary}
        {list ? ` (${list.total})` : ""}
      </summary>
      {children ?? <ProjectLinks list={list} />}
    </details>
  );
}
