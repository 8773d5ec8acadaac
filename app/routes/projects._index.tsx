import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { StageBadge, StateBadge } from "~/components/ProjectBadges";
import { ButtonLink } from "~/components/ui/Button";
import { DateTime } from "~/components/ui/DateTime";
import { EmptyState } from "~/components/ui/EmptyState";
import { Field, SelectField, optionsOf } from "~/components/ui/Field";
import { PageHeader } from "~/components/ui/PageHeader";
import { Pager } from "~/components/ui/Pager";
import { disciplineLabel, projectStateLabel, stageShortLabel } from "~/domain/labels";
import { listProjectsOn, type PortfolioReview } from "~/models/portfolio.server";
import { listProjects } from "~/models/projects.server";
import { requireUser } from "~/utils/auth.server";
import { daysSince } from "~/utils/format";
import { parseProjectListQuery } from "~/utils/project-filters.server";

export const meta: MetaFunction = () => [{ title: "Projects · Triad" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const now = Date.now();
  // A hand-edited page or search gets a 400 page saying what is wrong, never a 500; a wrong
  // date is said next to its field and the list stays today's.
  const { filters, asOf, asOfField } = parseProjectListQuery(new URL(request.url).searchParams, now);
  const member = {
    memberId: filters.mine || filters.discipline ? user.id : undefined,
    memberDiscipline: filters.discipline,
  };
  if (asOf) {
    // The list as it stood at the end of that day (docs/domain.md, "Portfolio on a date").
    const result = listProjectsOn({ ...filters, ...member, at: asOf.at });
    return { ...result, filters, asOf, asOfField, now: asOf.at };
  }
  const result = listProjects({ ...filters, ...member });
  const rows = result.rows.map((row) => ({ ...row, review: null as PortfolioReview | null }));
  return { ...result, rows, filters, asOf, asOfField, now };
}

/** The query string without `page` and `asOf`: the same filters on today's list. */
function withoutDate(search: string): string {
  const params = new URLSearchParams(search);
  params.delete("asOf");
  params.delete("page");
  const rest = params.toString();
  return rest ? `?${rest}` : "";
}

export default function Projects() {
  const { rows, total, page, pages, filters, asOf, asOfField, now } = useLoaderData<typeof loader>();
  const location = useLocation();
  const filtered = Boolean(filters.q || filters.stage || filters.state || filters.mine || filters.discipline);
  const csvParams = new URLSearchParams(location.search);
  csvParams.delete("page");
  if (!asOf) csvParams.delete("asOf");
  const csvQuery = csvParams.toString();
  return (
    <>
      <PageHeader
        title={asOf ? `Projects on ${asOf.date}` : "Projects"}
        description={
          asOf
            ? `Every project that existed at the end of ${asOf.date} (${asOf.timeZone}), in the stage and state it had then, from its recorded history. Names, owners and teams are today's.`
            : "Every data product and where it stands between proof of concept and production."
        }
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
        <Field
          label="On date"
          name="asOf"
          type="date"
          defaultValue={asOfField.value}
          error={asOfField.error ?? undefined}
          hint="The list as it stood at the end of that day; empty for today."
        />
        <button type="submit" className="btn btn-secondary">
          Apply
        </button>
      </Form>
      {asOf ? (
        <p className="small muted" role="status">
          Stage, state and the gate review open are those at the end of {asOf.date}; projects created later are not
          listed. <Link to={`/projects${withoutDate(location.search)}`}>Show today's list</Link>.
        </p>
      ) : null}
      {rows.length === 0 ? (
        filtered ? (
          <EmptyState title="No project matches these filters.">
            <p>
              <Link to={asOf ? `/projects?asOf=${asOf.date}` : "/projects"}>Clear the filters</Link> to see all projects
              {asOf ? ` on ${asOf.date}` : ""}.
            </p>
          </EmptyState>
        ) : asOf ? (
          <EmptyState title={`No project existed yet on ${asOf.date}.`}>
            <p>
              Choose a later date, or <Link to="/projects">see today's projects</Link>.
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
            {asOf ? ` on ${asOf.date}` : ""} ·{" "}
            <a href={`/projects.csv${csvQuery ? `?${csvQuery}` : ""}`} download>
              Download as CSV
            </a>
          </p>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Stage</th>
                  <th scope="col">State</th>
                  {asOf ? <th scope="col">Gate review open</th> : null}
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
                    {asOf ? (
                      <td>
                        {p.review ? (
                          <>
                            To {stageShortLabel[p.review.targetStage]} since{" "}
                            <DateTime at={p.review.openedAt} dateOnly />
                          </>
                        ) : (
                          <span className="muted">None</span>
                        )}
                      </td>
                    ) : null}
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
