/**
 * The organisation-wide register: one row per item, sortable headers, totals of the filtered set.
 * It fits a 1280 px screen: the key columns always show; the others (register, category,
 * principal, interest rate, opened) are columns the reader adds (`?cols=`, see
 * app/routes/debt._index.tsx) and otherwise sit in each row's "More" (a `<details>`, no
 * JavaScript needed).
 */
import { Link } from "@remix-run/react";
import { Fragment, type ReactNode } from "react";
import type { DEBT_STATUSES, REGISTERS, SEVERITIES } from "~/domain/vocabulary";
import type { OverdueReason } from "~/domain/debt";
import { registerLabel } from "~/domain/labels";
import { DebtStatusBadge, OverdueFlag, SeverityBadge } from "./DebtBadges";
import { DateTime } from "~/components/ui/DateTime";
import { formatDays, formatRate } from "./format";

export type OrgRow = {
  id: number;
  projectSlug: string;
  projectName: string;
  register: (typeof REGISTERS)[number];
  title: string;
  categoryLabel: string;
  severity: (typeof SEVERITIES)[number];
  status: (typeof DEBT_STATUSES)[number];
  ownerName: string | null;
  principalDays: number;
  interestDays: number;
  accruedInterestDays: number;
  targetDate: string | null;
  openedAt: number;
  overdueReason: OverdueReason | null;
};

/** The columns of the register; the optional ones are shown only when chosen. */
export const ORG_COLUMNS = [
  "title",
  "project",
  "register",
  "category",
  "severity",
  "status",
  "owner",
  "principal",
  "interest",
  "accrued",
  "target",
  "opened",
  "overdue",
] as const;
export type OrgColumn = (typeof ORG_COLUMNS)[number];
export const OPTIONAL_COLUMNS = ["register", "category", "principal", "interest", "opened"] as const;
export type OptionalColumn = (typeof OPTIONAL_COLUMNS)[number];

export type SortHeader = {
  key: OrgColumn;
  label: string;
  href: string;
  direction: "ascending" | "descending" | null;
  numeric?: boolean;
  /** False for an optional column the reader has not chosen: its value is in the row's "More". */
  shown: boolean;
};

type Totals = {
  count: number;
  openCount: number;
  principalDays: number;
  accruedInterestDays: number;
  overdueCount: number;
};

function cell(key: OrgColumn, row: OrgRow): ReactNode {
  switch (key) {
    case "title":
      return <Link to={`/projects/${row.projectSlug}/debt/${row.id}`}>{row.title}</Link>;
    case "project":
      return <Link to={`/projects/${row.projectSlug}/debt?register=${row.register}`}>{row.projectName}</Link>;
    case "register":
      return registerLabel[row.register];
    case "category":
      return row.categoryLabel;
    case "severity":
      return <SeverityBadge severity={row.severity} />;
    case "status":
      return <DebtStatusBadge status={row.status} />;
    case "owner":
      return row.ownerName ?? <span className="muted">No owner</span>;
    case "principal":
      return formatDays(row.principalDays);
    case "interest":
      return formatRate(row.interestDays);
    case "accrued":
      return formatDays(row.accruedInterestDays);
    case "target":
      return row.targetDate ?? <span className="muted">None</span>;
    case "opened":
      return <DateTime at={row.openedAt} dateOnly />;
    case "overdue":
      return <OverdueFlag reason={row.overdueReason} status={row.status} />;
  }
}

const cellClass: Partial<Record<OrgColumn, string>> = {
  title: "debt-col-title",
  project: "debt-col-project",
  principal: "num",
  interest: "num",
  accrued: "num",
  target: "debt-nowrap",
  opened: "debt-nowrap",
  overdue: "debt-col-overdue",
};

/** The totals row: a label over the leading columns, then the sums under their columns. */
function TotalsRow({ shown, totals }: { shown: OrgColumn[]; totals: Totals }) {
  const sums: Partial<Record<OrgColumn, ReactNode>> = {
    principal: formatDays(totals.principalDays),
    accrued: formatDays(totals.accruedInterestDays),
    overdue: `${totals.overdueCount} overdue`,
  };
  const first = shown.findIndex((key) => sums[key] !== undefined);
  const items = `${totals.count} ${totals.count === 1 ? "item" : "items"}`;
  const label = shown.includes("principal")
    ? `Total of ${items}; principal counts the ${totals.openCount} still open`
    : `Total of ${items}; ${formatDays(totals.principalDays)} principal in the ${totals.openCount} still open`;
  return (
    <tr>
      <td colSpan={first}>{label}</td>
      {shown.slice(first).map((key) => (
        <td key={key} className={key === "overdue" ? undefined : cellClass[key]}>
          {sums[key] ?? null}
        </td>
      ))}
    </tr>
  );
}

export function OrgDebtTable({ rows, headers, totals }: { rows: OrgRow[]; headers: SortHeader[]; totals: Totals }) {
  const visible = headers.filter((h) => h.shown);
  const shown = visible.map((h) => h.key);
  const folded = headers.filter((h) => !h.shown);
  return (
    <div className="table-wrap">
      <table className="debt-table debt-org-table">
        <caption className="sr-only">Debt across all projects, {totals.count} items match the filters</caption>
        <thead>
          <tr>
            {visible.map((h) => (
              <th
                key={h.key}
                scope="col"
                aria-sort={h.direction ?? undefined}
                className={h.numeric ? "num" : undefined}
                data-column={h.key}
              >
                <Link to={h.href} preventScrollReset>
                  {h.label}
                  {h.direction ? <span aria-hidden="true">{h.direction === "ascending" ? " ↑" : " ↓"}</span> : null}
                </Link>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              {shown.map((key) => (
                <td key={key} className={cellClass[key]}>
                  {cell(key, row)}
                  {key === "title" && folded.length > 0 ? (
                    <details className="debt-more">
                      <summary>
                        More<span className="sr-only">{` about ${row.title}`}</span>
                      </summary>
                      <dl className="debt-more-list">
                        {folded.map((h) => (
                          <Fragment key={h.key}>
                            <dt>{h.label}</dt>
                            <dd>{cell(h.key, row)}</dd>
                          </Fragment>
                        ))}
                      </dl>
                    </details>
                  ) : null}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <TotalsRow shown={shown} totals={totals} />
        </tfoot>
      </table>
    </div>
  );
}
