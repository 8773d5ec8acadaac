/**
 * /search?q=&kind=&stage=&page=: everything a signed-in person may read, found by its words
 * (docs/domain.md, "Search"), ranked, matched words marked, each result labelled with its kind
 * and linked to where it lives. A plain GET form: it works without JavaScript. Malformed kind,
 * stage or page values are ignored or refused as on the other lists; a search that is too long
 * or holds control characters is answered 400 with the message next to the field.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { StageBadge, StateBadge } from "~/components/ProjectBadges";
import { Badge, DisciplineBadge } from "~/components/ui/Badge";
import { DateTime } from "~/components/ui/DateTime";
import { EmptyState } from "~/components/ui/EmptyState";
import { Field, SelectField, optionsOf } from "~/components/ui/Field";
import { PageHeader } from "~/components/ui/PageHeader";
import { Pager } from "~/components/ui/Pager";
import { debtStatusLabel, priorityLabel, registerLabel, stageShortLabel } from "~/domain/labels";
import { STAGES } from "~/domain/vocabulary";
// Values from the model are used in the loader only (the page gets them as data): a .server
// module never reaches the browser.
import {
  search,
  SEARCH_KINDS,
  SEARCH_MAX_LENGTH,
  SEARCH_RANK_LIMIT,
  type SearchHit,
  type SearchKind,
  type Segment,
} from "~/models/search.server";
import { requireUser } from "~/utils/auth.server";
import { PAGE_MESSAGE, parsePageParam, searchField } from "~/utils/validation";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.q ? `“${data.q}” · Search · Triad` : "Search · Triad" },
];

const pick = <T extends string>(values: readonly T[], value: string | null) => values.find((v) => v === value);

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const params = new URL(request.url).searchParams;
  const page = parsePageParam(params.get("page"));
  if (page === null) throw new Response(PAGE_MESSAGE, { status: 400 });
  const filters = { kind: pick(SEARCH_KINDS, params.get("kind")), stage: pick(STAGES, params.get("stage")) };
  // Only admins have people's pages (and find deactivated people): a person's result says where it leads.
  const admin = user.role === "admin";
  const limits = { maxLength: SEARCH_MAX_LENGTH, rankLimit: SEARCH_RANK_LIMIT };
  const raw = params.get("q") ?? "";
  const q = searchField.safeParse(raw);
  if (!q.success) {
    // Said next to the field, with the box kept (cut to what it takes): never a 500.
    return data(
      { q: raw.slice(0, SEARCH_MAX_LENGTH), filters, admin, limits, error: q.error.issues[0].message, result: null },
      { status: 400 },
    );
  }
  const result = q.data ? search({ q: q.data, ...filters, page, viewer: user }) : null;
  return { q: q.data, filters, admin, limits, error: null, result };
}

const KIND_LABEL: Record<SearchKind, { one: string; many: string }> = {
  project: { one: "Project", many: "Projects" },
  requirement: { one: "Requirement", many: "Requirements" },
  debt: { one: "Debt item", many: "Debt items" },
  comment: { one: "Review comment", many: "Review comments" },
  person: { one: "Person", many: "People" },
};

const KIND_ORDER: SearchKind[] = ["project", "requirement", "debt", "comment", "person"];

/** Text with the matched words in <mark>: React escapes every piece, nothing is parsed as HTML. */
function Marked({ segments }: { segments: Segment[] }) {
  return <>{segments.map((s, i) => (s.match ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}</>;
}

const count = (n: number, one: string, many: string) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

/** What a result is and where it belongs, in a line under its title. */
function Context({ hit }: { hit: SearchHit }) {
  switch (hit.kind) {
    case "project":
      return (
        <>
          <StageBadge stage={hit.project.stage} /> <StateBadge state={hit.project.state} />
        </>
      );
    case "requirement":
      return (
        <>
          {priorityLabel[hit.priority]} requirement of{" "}
          <Link to={`/projects/${hit.project.slug}`}>{hit.project.name}</Link> <StageBadge stage={hit.project.stage} />
        </>
      );
    case "debt":
      return (
        <>
          {registerLabel[hit.register]} debt of <Link to={`/projects/${hit.project.slug}`}>{hit.project.name}</Link>{" "}
          <StageBadge stage={hit.project.stage} /> <Badge tone="muted">{debtStatusLabel[hit.status]}</Badge>
        </>
      );
    case "comment":
      return (
        <>
          On <Link to={`/projects/${hit.project.slug}`}>{hit.project.name}</Link>, written{" "}
          <DateTime at={hit.createdAt} dateOnly /> <StageBadge stage={hit.project.stage} />
        </>
      );
    case "person":
      return (
        <>
          <DisciplineBadge discipline={hit.discipline} /> <a href={`mailto:${hit.email}`}>{hit.email}</a>
          {hit.active ? null : (
            <>
              {" "}
              <Badge tone="muted">Deactivated</Badge>
            </>
          )}
        </>
      );
  }
}

function Result({ hit, admin }: { hit: SearchHit; admin: boolean }) {
  const title = hit.title.length ? hit.title : [{ text: KIND_LABEL[hit.kind].one, match: false }];
  return (
    <li className={`search-result search-result-${hit.kind}`}>
      <p className="search-kind">{KIND_LABEL[hit.kind].one}</p>
      <h2 className="search-title">
        <Link to={hit.href}>
          <Marked segments={title} />
        </Link>
        {hit.kind === "person" && !admin ? <span className="muted small"> (the debt items they own)</span> : null}
      </h2>
      <p className="search-context small">
        <Context hit={hit} />
      </p>
      {hit.snippet.length ? (
        <p className="search-snippet">
          <Marked segments={hit.snippet} />
        </p>
      ) : null}
    </li>
  );
}

export default function Search() {
  const { q, filters, admin, limits, error, result } = useLoaderData<typeof loader>();
  const href = (changes: Record<string, string | undefined>) => {
    const params = new URLSearchParams();
    const next = { q, kind: filters.kind, stage: filters.stage, ...changes };
    for (const [key, value] of Object.entries(next)) if (value) params.set(key, value);
    return `/search?${params.toString()}`;
  };
  const search = href({});
  return (
    <>
      <PageHeader
        title="Search"
        description="Projects, requirements, debt items, gate review comments and people, across every project."
      />
      <Form method="get" action="/search" className="filters search-filters" role="search" aria-label="Search filters">
        <Field
          key={q}
          label="Words to find"
          name="q"
          type="search"
          defaultValue={q}
          maxLength={limits.maxLength}
          error={error ?? undefined}
          hint="Every word must appear; the last one may be the start of a word. Quote words to find them together."
        />
        <SelectField
          label="Kind"
          name="kind"
          placeholder="Everything"
          options={KIND_ORDER.map((k) => ({ value: k, label: KIND_LABEL[k].many }))}
          defaultValue={filters.kind ?? ""}
        />
        <SelectField
          label="Project stage"
          name="stage"
          placeholder="Any stage"
          options={optionsOf(stageShortLabel)}
          defaultValue={filters.stage ?? ""}
        />
        <button type="submit" className="btn btn-primary">
          Search
        </button>
      </Form>
      {error ? null : !q ? (
        <EmptyState title="Type a word to search for.">
          <p>
            Search finds projects by their name, summary and business case, requirements by their title and target, debt
            items by what they say, gate review comments, and people by name or e-mail address. Press <kbd>/</kbd> on
            any page to jump to the search box at the top.
          </p>
        </EmptyState>
      ) : !result?.searched ? (
        <EmptyState title="There is no word to look for in this search.">
          <p>Search for words made of letters or digits; punctuation on its own finds nothing.</p>
        </EmptyState>
      ) : (
        <>
          <nav className="search-kinds" aria-label="Results by kind">
            <ul className="list-plain">
              <li>
                <Link to={href({ kind: undefined, page: undefined })} aria-current={!filters.kind ? "page" : undefined}>
                  Everything ({KIND_ORDER.reduce((n, k) => n + result.counts[k], 0).toLocaleString("en")})
                </Link>
              </li>
              {KIND_ORDER.map((k) => (
                <li key={k}>
                  <Link to={href({ kind: k, page: undefined })} aria-current={filters.kind === k ? "page" : undefined}>
                    {KIND_LABEL[k].many} ({result.counts[k].toLocaleString("en")})
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          {result.total === 0 ? (
            <EmptyState
              title={`Nothing${filters.kind ? ` among ${KIND_LABEL[filters.kind].many.toLowerCase()}` : ""} matches “${q}”.`}
            >
              <p>
                Check the spelling or use fewer words
                {filters.kind || filters.stage ? (
                  <>
                    , or <Link to={href({ kind: undefined, stage: undefined })}>search everything at every stage</Link>
                  </>
                ) : null}
                .
              </p>
            </EmptyState>
          ) : result.hits.length === 0 ? (
            <EmptyState title={`Page ${result.page} is past the last page of results.`}>
              <p>
                <Link to={href({ page: undefined })}>Go to the first page</Link>.
              </p>
            </EmptyState>
          ) : (
            <>
              <p className="muted" role="status">
                {count(result.total, "result", "results")}
                {result.ranked
                  ? ", best match first."
                  : `: more than ${limits.rankLimit.toLocaleString("en")} are too many to rank, so they are not in order of relevance. Add a word, or choose a kind or a stage, to rank them.`}
              </p>
              <ol className="list-plain search-results">
                {result.hits.map((hit) => (
                  <Result key={`${hit.kind}-${hit.id}`} hit={hit} admin={admin} />
                ))}
              </ol>
              <Pager
                page={result.page}
                pages={result.pages}
                search={search.slice("/search".length)}
                label="Result pages"
              />
            </>
          )}
        </>
      )}
    </>
  );
}
