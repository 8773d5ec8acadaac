/**
 * The projects behind a dashboard figure, behind a link: "Which projects (1,114)" opens the
 * list on the same page (`?behind=<key>`, kept with the other filters; a plain link, so it
 * works without JavaScript) and scrolls to it; "Hide the list" closes it. Only the list asked
 * for is loaded and rendered: with every list inline the page was over 200 KB at 5,000
 * projects (issue 15, "The heavy pages").
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

/**
 * The dashboard's address with `behind` set to `key` (or removed with null), the other
 * filters of `search` kept, scrolled to the figure's list.
 */
export function behindHref(search: string, key: string | null, anchor: string): string {
  const params = new URLSearchParams(search);
  params.delete("behind");
  if (key) params.set("behind", key);
  const query = params.toString();
  return `/${query ? `?${query}` : ""}#${anchor}`;
}

/**
 * One figure's list: a link while closed, the list (`children`) under its title while open.
 * `id` is the list's key; `query` the page's current query string.
 */
export function FigureProjects({
  id,
  summary,
  total,
  open,
  query,
  children,
}: {
  id: string;
  summary: string;
  total: number;
  open: boolean;
  query: string;
  children?: ReactNode;
}) {
  const anchor = `behind-${id}`;
  if (!open) {
    return (
      <p className="figure-behind small" id={anchor}>
        <Link to={behindHref(query, id, anchor)}>
          {summary} ({total})
        </Link>
      </p>
    );
  }
  return (
    <div className="figure-behind small" id={anchor}>
      <p>
        <strong>
          {summary} ({total})
        </strong>{" "}
        · <Link to={behindHref(query, null, anchor)}>Hide the list</Link>
      </p>
      {children}
    </div>
  );
}
