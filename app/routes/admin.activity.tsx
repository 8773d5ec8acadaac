/**
 * The organisation's audit log for admins: every activity row (sign-ins and failed sign-ins, API
 * tokens, webhooks, people, gate checklists, every project change), newest first, filtered by
 * who, what, which project and which days, 50 a page, and the same rows as CSV
 * (admin.activity[.]csv.ts). The query and its indexes: app/models/activity-log.server.ts.
 * Malformed filters are left out with a message next to their field (docs/architecture.md, "Forms").
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Badge } from "~/components/ui/Badge";
import { DateTime, useDateFormat } from "~/components/ui/DateTime";
import { EmptyState } from "~/components/ui/EmptyState";
import { Field, SelectField } from "~/components/ui/Field";
import { FormError } from "~/components/ui/FormError";
import { PageHeader } from "~/components/ui/PageHeader";
import { activityActionLabel } from "~/domain/labels";
import { orgTimeZone } from "~/lib/org-time-zone.server";
import {
  activityLogFilterOptions,
  listActivityLog,
  MAX_PEOPLE_MATCHES,
  MAX_PROJECT_MATCHES,
  resolveLogFilters,
} from "~/models/activity-log.server";
import { ACTIVITY_FILTER_KEYS, activityFiltersQuery, parseActivityFilters } from "~/utils/admin-validation";
import { requireAdmin } from "~/utils/auth.server";

export const meta: MetaFunction = () => [{ title: "Activity log · Triad" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const admin = requireAdmin(request);
  const parsed = parseActivityFilters(new URL(request.url).searchParams);
  const zone = admin.timeZone ?? orgTimeZone();
  const { query, problems: nameProblems, ignored, matched } = resolveLogFilters(parsed.filters, zone);
  const page = listActivityLog({ query, before: parsed.before, after: parsed.after });
  const options = activityLogFilterOptions();
  // The links keep the filters that apply: a name matching too many is left out of them.
  const applied = { ...parsed.filters };
  for (const key of ignored) delete applied[key];
  const href = (paging: Parameters<typeof activityFiltersQuery>[1] = {}) =>
    `/admin/activity${activityFiltersQuery(applied, paging)}`;
  return {
    filters: parsed.filters,
    problems: { ...parsed.problems, ...nameProblems },
    matched,
    rows: page.rows.map((row) => ({
      id: row.id,
      at: row.at,
      actorName: row.actorName,
      action: row.action,
      actionLabel: activityActionLabel(row.action),
      projectSlug: row.projectSlug,
      projectName: row.projectName,
      summary: row.summary,
      via: row.via,
    })),
    olderHref: page.older ? href({ before: page.older }) : null,
    newerHref: page.newer ? href({ after: page.newer }) : null,
    newestHref: parsed.before || parsed.after ? href() : null,
    csvHref: `/admin/activity.csv${activityFiltersQuery(applied)}`,
    filtered: ACTIVITY_FILTER_KEYS.some((key) => parsed.filters[key] !== undefined),
    options: {
      actions: options.actions.map((a) => ({ value: a.action, label: a.label })),
      people: options.people
        ? [
            { value: "none", label: "No one signed in (failed sign-ins, operator commands)" },
            ...options.people.map((p) => ({ value: String(p.id), label: p.name })),
          ]
        : null,
      projects: options.projects?.map((p) => ({ value: String(p.id), label: p.name })) ?? null,
    },
    limits: { people: MAX_PEOPLE_MATCHES, projects: MAX_PROJECT_MATCHES },
  };
}

/** "Matches Ada Admin and Adam Ant." under a name search. */
function matchedHint(names: string[] | null) {
  if (!names || names.length === 0) return undefined;
  const shown = names.slice(0, 5).join(", ");
  return `Matches ${shown}${names.length > 5 ? ` and ${names.length - 5} more` : ""}.`;
}

export default function ActivityLog() {
  const { filters, problems, matched, rows, olderHref, newerHref, newestHref, csvHref, filtered, options, limits } =
    useLoaderData<typeof loader>();
  const { zoneLabel } = useDateFormat();
  const value = (v: string | number | undefined) => (v === undefined ? "" : String(v));
  // A person or project chosen by id that the short list does not offer (a hand-made link).
  const actorListed = options.people?.some((o) => o.value === value(filters.actor)) ?? false;
  const projectListed = options.projects?.some((o) => o.value === value(filters.project)) ?? false;
  return (
    <>
      <PageHeader
        title="Activity log"
        description="Everything that happened in Triad, newest first: sign-ins and failed sign-ins, API tokens, webhooks, people, gate checklists and every project change. Nobody can edit or delete it."
        actions={
          <a className="btn btn-secondary" href={csvHref} download>
            Download CSV
          </a>
        }
      />
      <Form method="get" className="filters" role="search" aria-label="Filter the activity log">
        {options.people ? (
          <SelectField
            label="Who"
            name="actor"
            placeholder="Anyone"
            options={
              filters.actor !== undefined && !actorListed
                ? [...options.people, { value: String(filters.actor), label: `Person #${filters.actor}` }]
                : options.people
            }
            defaultValue={value(filters.actor)}
            error={problems.actor}
          />
        ) : (
          <>
            {filters.actor !== undefined ? <input type="hidden" name="actor" value={filters.actor} /> : null}
            <Field
              label="Who (name contains)"
              name="actorName"
              type="search"
              defaultValue={value(filters.actorName)}
              error={problems.actorName ?? problems.actor}
              hint={matchedHint(matched.people) ?? `Up to ${limits.people} people.`}
            />
          </>
        )}
        <SelectField
          label="Action"
          name="action"
          placeholder="Any action"
          options={
            filters.action !== undefined && !options.actions.some((a) => a.value === filters.action)
              ? [...options.actions, { value: filters.action, label: activityActionLabel(filters.action) }]
              : options.actions
          }
          defaultValue={value(filters.action)}
          error={problems.action}
        />
        {options.projects ? (
          <SelectField
            label="Project"
            name="project"
            placeholder="Any, or none"
            options={
              filters.project !== undefined && !projectListed
                ? [...options.projects, { value: String(filters.project), label: `Project #${filters.project}` }]
                : options.projects
            }
            defaultValue={value(filters.project)}
            error={problems.project}
          />
        ) : (
          <>
            {filters.project !== undefined ? <input type="hidden" name="project" value={filters.project} /> : null}
            <Field
              label="Project (name contains)"
              name="projectName"
              type="search"
              defaultValue={value(filters.projectName)}
              error={problems.projectName ?? problems.project}
              hint={matchedHint(matched.projects) ?? `Up to ${limits.projects} projects.`}
            />
          </>
        )}
        <Field
          label="From"
          name="from"
          type="date"
          defaultValue={value(filters.from)}
          error={problems.from}
          hint={`A day in your time zone (${zoneLabel}).`}
        />
        <Field label="To" name="to" type="date" defaultValue={value(filters.to)} error={problems.to} />
        <button type="submit" className="btn btn-secondary">
          Apply filters
        </button>
        {filtered ? <Link to="/admin/activity">Clear filters</Link> : null}
      </Form>
      {options.people && problems.actorName ? <FormError message={problems.actorName} /> : null}
      {options.projects && problems.projectName ? <FormError message={problems.projectName} /> : null}
      <FormError message={problems.page} />
      {rows.length === 0 ? (
        <EmptyState title={filtered ? "No entry matches these filters." : "Nothing recorded yet."}>
          <p>
            {filtered ? (
              <>
                Widen the dates or <Link to="/admin/activity">clear the filters</Link> to see every entry.
              </>
            ) : (
              "Sign-ins and every change made in Triad appear here as they happen."
            )}
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Activity log, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Project</th>
                <th scope="col">What happened</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  <td>
                    <DateTime at={row.at} />
                  </td>
                  <td>{row.actorName ?? <span className="muted">No one signed in</span>}</td>
                  <td>
                    <span title={row.action}>{row.actionLabel}</span>
                  </td>
                  <td>
                    {row.projectSlug ? (
                      <Link to={`/projects/${row.projectSlug}`}>{row.projectName}</Link>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td>
                    {row.summary}
                    {row.via !== "web" ? (
                      <>
                        {" "}
                        <Badge tone="muted">via {row.via.toUpperCase()}</Badge>
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {newerHref || olderHref || newestHref ? (
        <nav className="pager" aria-label="Activity log pages">
          {newestHref ? <Link to={newestHref}>Newest</Link> : null}
          {newerHref ? <Link to={newerHref}>← Newer</Link> : null}
          {olderHref ? <Link to={olderHref}>Older →</Link> : null}
        </nav>
      ) : null}
    </>
  );
}
