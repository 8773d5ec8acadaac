import { Link } from "@remix-run/react";

/** Previous/next links that keep the other query parameters. */
export function Pager({
  page,
  pages,
  search,
  label = "Pages",
}: {
  page: number;
  pages: number;
  search: string;
  label?: string;
}) {
  if (pages <= 1) return null;
  const href = (p: number) => {
    const params = new URLSearchParams(search);
    params.set("page", String(p));
    return `?${params.toString()}`;
  };
  return (
    <nav className="pager" aria-label={label}>
      {page > 1 ? <Link to={href(page - 1)}>← Previous</Link> : <span className="muted">← Previous</span>}
      <span>
        Page {page} of {pages}
      </span>
      {page < pages ? <Link to={href(page + 1)}>Next →</Link> : <span className="muted">Next →</span>}
    </nav>
  );
}
