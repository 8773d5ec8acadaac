/**
 * The organisation-wide debt register: every item of every project, filtered with a GET form,
 * sorted by any column, totals for the filtered set, 25 a page (PAGE_ROWS), and the same set as CSV.
 * The key columns always show; the reader adds the others (`?cols=principal,category`), kept
 * in every sort, page and filter link.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import {
  OPTIONAL_COLUMNS,
  OrgDebtTable,
  type OptionalColumn,
  type OrgColumn,
  type OrgRow,
  type SortHeader,
} from "~/components/debt/OrgDebtTable";
import { formatDays } from "~/components/debt/format";
import { EmptyState } from "~/components/ui/EmptyState";
import { Field, SelectField, optionsOf } from "~/components/ui/Field";
import { PageHeader } from "~/components/ui/PageHeader";
import { ORGANIZATIONAL_CATEGORIES, TECHNICAL_CATEGORIES, categoriesFor } from "~/domain/debt";
import { orgToday } from "~/lib/org-time-zone.server";
import { debtStatusLabel, registerLabel, severityLabel } from "~/domain/labels";
import { listOrgDebt, orgDebtFilterOptions, type OrgDebtRow } from "~/models/debt.server";
import { requireUser } from "~/utils/auth.server";
import { debtFiltersQuery, parseDebtFilters, type DebtFilters, type DebtSort } from "~/utils/debt-validation";

export const meta: MetaFunction = () => [{ title: "Debt register · Triad" }];

/**
 * Rows a page: 25 keeps the page (markup and data) well under 100 KB whatever the names, and
 * its rendering short (issue 15); the CSV has every row.
 */
const PAGE_ROWS = 25;

const COLUMNS: Array<{ key: OrgColumn & DebtSort; label: string; numeric?: boolean; firstDir: "asc" | "desc" }> = [
  { key: "title", label: "Title", firstDir: "asc" },
  { key: "project", label: "Project", firstDir: "asc" },
  { key: "register", label: "Register", firstDir: "asc" },
  { key: "category", label: "Category", firstDir: "asc" },
  { key: "severity", label: "Severity", firstDir: "desc" },
  { key: "status", label: "Status", firstDir: "asc" },
  { key: "owner", label: "Owner", firstDir: "asc" },
  { key: "principal", label: "Principal", numeric: true, firstDir: "desc" },
  { key: "interest", label: "Interest rate", numeric: true, firstDir: "desc" },
  { key: "accrued", label: "Accrued interest", numeric: true, firstDir: "desc" },
  { key: "target", label: "Target date", firstDir: "asc" },
  { key: "opened", label: "Opened", firstDir: "desc" },
  { key: "overdue", label: "Overdue", firstDir: "desc" },
];

const isOptional = (key: string): key is OptionalColumn => (OPTIONAL_COLUMNS as readonly string[]).includes(key);

/** The extra columns chosen (`?cols=a,b` or `?cols=a&cols=b`); anything else is ignored. */
function parseColumns(search: URLSearchParams): OptionalColumn[] {
  const asked = new Set(
    search
      .getAll("cols")
      .slice(0, OPTIONAL_COLUMNS.length)
      .flatMap((value) => value.slice(0, 200).split(",")),
  );
  return OPTIONAL_COLUMNS.filter((key) => asked.has(key));
}

/** The register's query string: the filters (debtFiltersQuery) and the chosen columns. */
function registerQuery(filters: Partial<DebtFilters>, columns: OptionalColumn[]): string {
  const query = debtFiltersQuery(filters);
  if (columns.length === 0) return query;
  return `${query ? `${query}&` : "?"}cols=${columns.join(",")}`;
}

const FILTER_KEYS = [
  "register",
  "status",
  "severity",
  "category",
  "project",
  "owner",
  "projectName",
  "ownerName",
  "overdue",
] as const;

function sortHeaders(filters: DebtFilters, columns: OptionalColumn[]): SortHeader[] {
  return COLUMNS.map((c) => {
    const current = filters.sort === c.key;
    const dir = current ? (filters.dir === "asc" ? "desc" : "asc") : c.firstDir;
    return {
      key: c.key,
      label: c.label,
      numeric: c.numeric,
      href: `/debt${registerQuery({ ...filters, sort: c.key, dir, page: 1 }, columns)}`,
      direction: current ? (filters.dir === "asc" ? "ascending" : "descending") : null,
      shown: !isOptional(c.key) || columns.includes(c.key),
    };
  });
}

/**
 * A row as the table shows it (OrgRow), and whether it is overdue: not the item's texts
 * (description, notes, strategy…), which the register never shows, so the page's serialised
 * data stays small (issue 15).
 */
function tableRow(row: OrgDebtRow): OrgRow & { overdue: boolean } {
  return {
    id: row.id,
    projectSlug: row.projectSlug,
    projectName: row.projectName,
    register: row.register,
    title: row.title,
    categoryLabel: row.categoryLabel,
    severity: row.severity,
    status: row.status,
    ownerName: row.ownerName,
    principalDays: row.principalDays,
    interestDays: row.interestDays,
    accruedInterestDays: row.accruedInterestDays,
    targetDate: row.targetDate,
    openedAt: row.openedAt,
    overdue: row.overdue,
    overdueReason: row.overdueReason,
  };
}

export async function loader({ request }: LoaderFunctionArgs) {
  requireUser(request);
  const search = new URL(request.url).searchParams;
  const filters = parseDebtFilters(search);
  const columns = parseColumns(search);
  const today = orgToday(Date.now());
  const { rows, totals, page, pages } = listOrgDebt({ filters, today, pageSize: PAGE_ROWS });
  const options = orgDebtFilterOptions();
  const categories = filters.register
    ? categoriesFor(filters.register)
    : [...TECHNICAL_CATEGORIES, ...ORGANIZATIONAL_CATEGORIES.filter((c) => c.value !== "other")];
  const pageHref = (n: number) => `/debt${registerQuery({ ...filters, page: n }, columns)}`;
  return {
    filters,
    rows: rows.map(tableRow),
    totals,
    page,
    pages,
    columns,
    /** The filters and sort as hidden fields of the column chooser. */
    filterFields: [...new URLSearchParams(debtFiltersQuery({ ...filters, page: 1 })).entries()],
    clearHref: `/debt${registerQuery({}, columns)}`,
    headers: sortHeaders(filters, columns),
    previousHref: page > 1 ? pageHref(page - 1) : null,
    nextHref: page < pages ? pageHref(page + 1) : null,
    csvHref: `/debt.csv${debtFiltersQuery({ ...filters, page: 1 })}`,
    filtered: FILTER_KEYS.some((key) => filters[key] !== undefined),
    options: {
      categories: categories.map((c) => ({ value: c.value, label: c.label })),
      // A large organisation gets name searches instead of lists of thousands.
      projects: options.projects?.map((p) => ({ value: String(p.id), label: p.name })) ?? null,
      owners: options.owners
        ? [{ value: "none", label: "No owner" }, ...options.owners.map((o) => ({ value: String(o.id), label: o.name }))]
        : null,
    },
  };
}

const STATUS_OPTIONS = [{ value: "unpaid", label: "Still open (open or repaying)" }, ...optionsOf(debtStatusLabel)];

export default function DebtRegister() {
  const {
    filters,
    columns,
    filterFields,
    clearHref,
    rows,
    totals,
    page,
    pages,
    headers,
    previousHref,
    nextHref,
    csvHref,
    filtered,
    options,
  } = useLoaderData<typeof loader>();
  const value = (v: string | number | undefined) => (v === undefined ? "" : String(v));
  return (
    <>
      <PageHeader
        title="Debt register"
        description="Technical and organizational debt across all projects: what it costs, who owns it, what is overdue."
        actions={
          <a className="btn btn-secondary" href={csvHref} download>
            Download CSV
          </a>
        }
      />
      <Form method="get" className="filters debt-filters" role="search" aria-label="Filter debt">
        <input type="hidden" name="sort" value={filters.sort} />
        <input type="hidden" name="dir" value={filters.dir} />
        {columns.length > 0 ? <input type="hidden" name="cols" value={columns.join(",")} /> : null}
        <SelectField
          label="Register"
          name="register"
          placeholder="Both"
          options={optionsOf(registerLabel)}
          defaultValue={value(filters.register)}
        />
        <SelectField
          label="Status"
          name="status"
          placeholder="Any"
          options={STATUS_OPTIONS}
          defaultValue={value(filters.status)}
        />
        <SelectField
          label="Severity"
          name="severity"
          placeholder="Any"
          options={optionsOf(severityLabel)}
          defaultValue={value(filters.severity)}
        />
        <SelectField
          label="Category"
          name="category"
          placeholder="Any"
          options={options.categories}
          defaultValue={value(filters.category)}
        />
        {options.projects ? (
          <SelectField
            label="Project"
            name="project"
            placeholder="All projects"
            options={options.projects}
            defaultValue={value(filters.project)}
          />
        ) : (
          <>
            {filters.project ? <input type="hidden" name="project" value={filters.project} /> : null}
            <Field
              label="Project name contains"
              name="projectName"
              type="search"
              defaultValue={value(filters.projectName)}
            />
          </>
        )}
        {options.owners ? (
          <SelectField
            label="Owner"
            name="owner"
            placeholder="Anyone"
            options={options.owners}
            defaultValue={value(filters.owner)}
          />
        ) : (
          <>
            {filters.owner ? <input type="hidden" name="owner" value={filters.owner} /> : null}
            <Field label="Owner name contains" name="ownerName" type="search" defaultValue={value(filters.ownerName)} />
          </>
        )}
        <SelectField
          label="Overdue"
          name="overdue"
          placeholder="Either"
          options={[
            { value: "yes", label: "Overdue only" },
            { value: "no", label: "Not overdue" },
          ]}
          defaultValue={value(filters.overdue)}
        />
        <button type="submit" className="btn btn-secondary">
          Apply filters
        </button>
        {filtered ? <Link to={clearHref}>Clear filters</Link> : null}
      </Form>
      <ColumnChooser headers={headers} filterFields={filterFields} chosen={columns} />
      <p className="debt-summary" aria-live="polite">
        {totals.count} {totals.count === 1 ? "item" : "items"} · {formatDays(totals.principalDays)} principal still to
        repay · {formatDays(totals.accruedInterestDays)} interest accrued · {totals.overdueCount} overdue
      </p>
      {rows.length === 0 ? (
        <EmptyState title={filtered ? "No debt matches these filters." : "No debt logged yet."}>
          <p>
            {filtered ? (
              <>
                <Link to={clearHref}>Clear the filters</Link> to see every item.
              </>
            ) : (
              "Projects log their shortcuts on their Debt tab; they all show up here."
            )}
          </p>
        </EmptyState>
      ) : (
        <OrgDebtTable rows={rows} headers={headers} totals={totals} />
      )}
      {pages > 1 ? (
        <nav className="pager" aria-label="Pages">
          {previousHref ? (
            <Link to={previousHref}>← Previous page</Link>
          ) : (
            <span className="muted">← Previous page</span>
          )}
          <span>
            Page {page} of {pages}
          </span>
          {nextHref ? <Link to={nextHref}>Next page →</Link> : <span className="muted">Next page →</span>}
        </nav>
      ) : null}
    </>
  );
}

/**
 * "Columns": the optional columns as checkboxes in a GET form that keeps the filters and sort.
 * Unchosen ones stay readable in each row's "More".
 */
function ColumnChooser({
  headers,
  filterFields,
  chosen,
}: {
  headers: SortHeader[];
  filterFields: Array<[string, string]>;
  chosen: OptionalColumn[];
}) {
  const optional = headers.filter((h) => isOptional(h.key));
  return (
    <details className="debt-columns">
      <summary>
        Columns{" "}
        <span className="muted">({chosen.length === 0 ? "key columns only" : `${chosen.length} more shown`})</span>
      </summary>
      <Form method="get" className="debt-columns-form" aria-label="Choose columns">
        {filterFields.map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <fieldset>
          <legend>Also show these columns</legend>
          <div className="radio-row">
            {optional.map((h) => (
              <label key={h.key}>
                <input type="checkbox" name="cols" value={h.key} defaultChecked={h.shown} />
                {h.label}
              </label>
            ))}
          </div>
        </fieldset>
        <button type="submit" className="btn btn-secondary">
          Show columns
        </button>
      </Form>
    </details>
  );
}
