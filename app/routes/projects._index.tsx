import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { PROJECT_STATES, STAGES, DISCIPLINES } from "~/domain/vocabulary";
import { StageBadge, StateBadge } from "~/components/ProjectBadges";
import { ButtonLink } from "~/components/ui/Button";
import { EmptyState } from "~/components/ui/EmptyState";
import { Field, SelectField, optionsOf } from "~/components/ui/Field";
import { PageHeader } from "~/components/ui/PageHeader";
import { Pager } from "~/components/ui/Pager";
import { disciplineLabel, projectStateLabel, stageShortLabel } from "~/domain/labels";
import { listProjects, PROJECT_SORTS } from "~/models/projects.server";
import { requireUser } from "~/utils/auth.server";
import { daysSince } from "~/utils/format";
import { PAGE_MESSAGE, parsePageParam, searchField } from "~/utils/validation";

export const meta: MetaFunction = () => [{ title: "Projects · Triad" }];

const pick = <T extends string>(values: readonly T[], value: string | null) => values.find((v) => v === value);

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const params = new URL(request.url).searchParams;
  // A hand-edited page or search gets a 400 page saying what is wrong, never a 500.
  const page = parsePageParam(params.get("page"));
  if (page === null) throw new Response(PAGE_MESSAGE, { status: 400 });
  const q = searchField.safeParse(params.get("q") ?? "");
  if (!q.success) throw new Response(q.error.issues[0].message, { status: 400 });
  const filters = {
    q: q.data || undefined,
    stage: pick(STAGES, params.get("stage")),
    state: pick(PROJECT_STATES, params.get("state")),
    mine: params.get("mine") === "1",
    discipline: pick(DISCIPLINES, params.get("discipline")),
    sort: pick(PROJECT_SORTS, params.get("sort")) ?? "name",
    page,
  };
  const result = listProjects({
    ...filters,
    memberId: filters.mine || filters.discipline ? user.id : undefined,
    memberDiscipline: filters.discipline,
  });
  return { ...result, filters, now: Date.now() };
}

export default function Projects() {
  const { rows, total, page, pages, filters, now } = useLoaderData<typeof loader>();
  const location = useLocation();
  const filtered = Boolean(filters.q || filters.stage || filters.state || filters.mine || filters.discipline);
  return (
    <>
      <PageHeader
        title="Projects"
        description="Every data product and where it stands between proof of concept and production."
        actions={<ButtonLink to="/projects/new">New project</ButtonLink>}
      />
      <Form method="get" className="filters" role="search" aria-label="Filter projects">
        <Field label="Search by name" name="q" type="search" defaultValue={filters.q ?? ""} />
        <SelectField
          label="Stage"
          name="stage"
          placeholder="Any stage"
          options={optionsOf(stageShortLabel)}
          defaultValue={filters.stage ?? ""}
        />
        <SelectField
          label="State"
          name="state"
          placeholder="Any state"
          options={optionsOf(projectStateLabel)}
          defaultValue={filters.state ?? ""}
        />
        <SelectField
          label="My discipline there"
          name="discipline"
          placeholder="Any"
          options={optionsOf(disciplineLabel)}
          defaultValue={filters.discipline ?? ""}
        />
        <div className="field checkbox-field">
          <label>
            <input type="checkbox" name="mine" value="1" defaultChecked={filters.mine} /> Projects I am on
          </label>
        </div>
        <SelectField
          label="Sort by"
          name="sort"
          defaultValue={filters.sort}
          options={[
            { value: "name", label: "Name" },
            { value: "stage", label: "Stage" },
            { value: "state", label: "State" },
            { value: "updated", label: "Recently changed" },
            { value: "created", label: "Newest" },
          ]}
        />
        <button type="submit" className="btn btn-secondary">
          Apply
        </button>
      </Form>
      {rows.length === 0 ? (
        filtered ? (
          <EmptyState title="No project matches these filters.">
            <p>
              <Link to="/projects">Clear the filters</Link> to see all projects.
            </p>
          </EmptyState>
        ) : (
          <EmptyState title="No projects yet.">
            <p>
              Start with the business case: <Link to="/projects/new">create the first project</Link> and invite
              business, data science and IT to its team.
            </p>
          </EmptyState>
        )
      ) : (
        <>
          <p className="muted">
            {total} {total === 1 ? "project" : "projects"}
          </p>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Stage</th>
                  <th scope="col">State</th>
                  <th scope="col">Owner</th>
                  <th scope="col" className="num">
                    Team
                  </th>
                  <th scope="col" className="num">
                    In stage
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((p) => (
                  <tr key={p.id}>
                    <td>
                      <Link to={`/projects/${p.slug}`}>{p.name}</Link>
                      {p.summary ? <div className="muted small">{p.summary}</div> : null}
                    </td>
                    <td>
                      <StageBadge stage={p.stage} />
                    </td>
                    <td>
                      <StateBadge state={p.state} />
                    </td>
                    <td>{p.ownerName}</td>
                    <td className="num">{p.memberCount}</td>
                    <td className="num">{daysSince(p.stageEnteredAt, p.closedAt ?? now)} d</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} pages={pages} search={location.search} label="Project pages" />
        </>
      )}
    </>
  );
}
