/**
 * Orphaned work (docs/domain.md, "Hand-over on departure"): what deactivated people still hold
 * in open projects (the projects they own, open debt items, repayment steps not done), person
 * by person, each with a link to hand it over on their page.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { EmptyState } from "~/components/ui/EmptyState";
import { PageHeader } from "~/components/ui/PageHeader";
import { listOrphanedWork, ORPHAN_LIST_LIMIT } from "~/models/handover.server";
import { requireAdmin } from "~/utils/auth.server";

export const meta: MetaFunction = () => [{ title: "Orphaned work · Triad" }];

export async function loader({ request }: LoaderFunctionArgs) {
  requireAdmin(request);
  return { ...listOrphanedWork(), limit: ORPHAN_LIST_LIMIT };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export default function Orphans() {
  const { people, truncated, limit } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Orphaned work"
        description="Projects, open debt items and repayment steps still owned by people who were deactivated. Nobody is reminded of them until someone takes them over."
        actions={<Link to="/people?status=inactive">Deactivated people</Link>}
      />
      {people.length === 0 ? (
        <EmptyState title="Nothing is orphaned.">
          <p>
            Every open project, debt item and repayment step has an active owner. When you deactivate someone, their
            page offers to hand their work over.
          </p>
        </EmptyState>
      ) : (
        people.map(({ person, projects, items, steps }) => (
          <section key={person.id} className="card" aria-labelledby={`orphans-${person.id}`}>
            <div className="space-between">
              <h2 id={`orphans-${person.id}`}>
                {person.name} <span className="small muted">{person.email}</span>
              </h2>
              <Link className="btn btn-primary" to={`/people/${person.id}#handover`}>
                Hand over<span className="sr-only"> {person.name}'s work</span>
              </Link>
            </div>
            {projects.length ? (
              <>
                <h3>{plural(projects.length, "project", "projects")}</h3>
                <ul className="list-plain">
                  {projects.map((p) => (
                    <li key={p.id}>
                      <Link to={`/projects/${p.slug}`}>{p.name}</Link>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            {items.length ? (
              <>
                <h3>{plural(items.length, "open debt item", "open debt items")}</h3>
                <ul className="list-plain">
                  {items.map((item) => (
                    <li key={item.id}>
                      <Link to={`/projects/${item.projectSlug}/debt/${item.id}`}>{item.title}</Link>{" "}
                      <span className="small muted">{item.projectName}</span>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            {steps.length ? (
              <>
                <h3>{plural(steps.length, "repayment step", "repayment steps")}</h3>
                <ul className="list-plain">
                  {steps.map((step) => (
                    <li key={step.id}>
                      <Link to={`/projects/${step.projectSlug}/debt/${step.itemId}`}>{step.title}</Link>{" "}
                      <span className="small muted">
                        of {step.itemTitle}, {step.projectName}
                      </span>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </section>
        ))
      )}
      {truncated ? (
        <p className="small muted">Only the first {limit} of each kind are listed; hand some over to see the rest.</p>
      ) : null}
    </>
  );
}
