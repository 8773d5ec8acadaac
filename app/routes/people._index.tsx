import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Badge, DisciplineBadge } from "~/components/ui/Badge";
import { ButtonLink } from "~/components/ui/Button";
import { EmptyState } from "~/components/ui/EmptyState";
import { Field, SelectField } from "~/components/ui/Field";
import { PageHeader } from "~/components/ui/PageHeader";
import { roleLabel } from "~/domain/labels";
import { listUsers, type UserSort } from "~/models/users.server";
import { requireAdmin } from "~/utils/auth.server";
import { searchField } from "~/utils/validation";

export const meta: MetaFunction = () => [{ title: "People · Triad" }];

const SORTS: UserSort[] = ["name", "email", "discipline", "role", "created"];
const STATUSES = ["all", "active", "inactive"] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  requireAdmin(request);
  const params = new URL(request.url).searchParams;
  const search = searchField.safeParse(params.get("q") ?? "");
  if (!search.success) throw new Response(search.error.issues[0].message, { status: 400 });
  const q = search.data;
  const sort = SORTS.find((s) => s === params.get("sort")) ?? "name";
  const status = STATUSES.find((s) => s === params.get("status")) ?? "all";
  return { people: listUsers({ q, sort, status }), q, sort, status };
}

export default function People() {
  const { people, q, sort, status } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="People"
        description="Everyone who can sign in. A person's discipline decides their seat on every team they join and the panel they sign in; change it on their page."
        actions={
          <>
            <Link to="/admin/orphans">Orphaned work</Link>
            <ButtonLink to="/people/new">Add person</ButtonLink>
          </>
        }
      />
      <Form method="get" className="filters" role="search" aria-label="Filter people">
        <Field label="Search" name="q" type="search" defaultValue={q} placeholder="Name or e-mail" />
        <SelectField
          label="Status"
          name="status"
          defaultValue={status}
          options={[
            { value: "all", label: "All" },
            { value: "active", label: "Active" },
            { value: "inactive", label: "Deactivated" },
          ]}
        />
        <SelectField
          label="Sort by"
          name="sort"
          defaultValue={sort}
          options={SORTS.map((s) => ({ value: s, label: s === "created" ? "Added" : s[0].toUpperCase() + s.slice(1) }))}
        />
        <button type="submit" className="btn btn-secondary">
          Apply
        </button>
      </Form>
      {people.length === 0 ? (
        <EmptyState title="Nobody matches these filters.">
          <p>
            <Link to="/people">Clear the filters</Link> or <Link to="/people/new">add a person</Link>.
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">People, sorted by {sort}</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">E-mail</th>
                <th scope="col">Discipline</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {people.map((person) => (
                <tr key={person.id}>
                  <td>
                    <Link to={`/people/${person.id}`}>{person.name}</Link>
                  </td>
                  <td>{person.email}</td>
                  <td>
                    <DisciplineBadge discipline={person.discipline} />
                  </td>
                  <td>{roleLabel[person.role]}</td>
                  <td>{person.active ? <Badge tone="ok">Active</Badge> : <Badge tone="muted">Deactivated</Badge>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
