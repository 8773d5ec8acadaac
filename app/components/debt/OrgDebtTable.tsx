/** The organisation-wide register: one row per item, sortable headers, totals of the filtered set. */
import { Link } from "@remix-run/react";
import type { DEBT_STATUSES, REGISTERS, SEVERITIES } from "~/domain/vocabulary";
import { registerLabel } from "~/domain/labels";
import { DebtStatusBadge, OverdueFlag, SeverityBadge } from "./DebtBadges";
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
  overdue: boolean;
};

export type SortHeader = {
  key: string;
  label: string;
  href: string;
  direction: "ascending" | "descending" | null;
  numeric?: boolean;
};

export function OrgDebtTable({
  rows,
  headers,
  totals,
}: {
  rows: OrgRow[];
  headers: SortHeader[];
  totals: {
    count: number;
    openCount: number;
    principalDays: number;
    accruedInterestDays: number;
    overdueCount: number;
  };
}) {
  return (
    <div className="table-wrap">
      <table className="debt-table debt-org-table">
        <caption className="sr-only">Debt across all projects, {totals.count} items match the filters</caption>
        <thead>
          <tr>
            {headers.map((h) => (
              <th
                key={h.key}
                scope="col"
                aria-sort={h.direction ?? undefined}
                className={h.numeric ? "num" : undefined}
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
              <td>
                <Link to={`/projects/${row.projectSlug}/debt?register=${row.register}`}>{row.projectName}</Link>
              </td>
              <td>
                <Link to={`/projects/${row.projectSlug}/debt/${row.id}`}>{row.title}</Link>
              </td>
              <td>{registerLabel[row.register]}</td>
              <td>{row.categoryLabel}</td>
              <td>
                <SeverityBadge severity={row.severity} />
              </td>
              <td>
                <DebtStatusBadge status={row.status} />
              </td>
              <td>{row.ownerName ?? <span className="muted">No owner</span>}</td>
              <td className="num">{formatDays(row.principalDays)}</td>
              <td className="num">{formatRate(row.interestDays)}</td>
              <td className="num">{formatDays(row.accruedInterestDays)}</td>
              <td className="debt-nowrap">{row.targetDate ?? <span className="muted">None</span>}</td>
              <td>
                <OverdueFlag overdue={row.overdue} status={row.status} />
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td colSpan={7}>
              Total of {totals.count} {totals.count === 1 ? "item" : "items"}; principal counts the {totals.openCount}{" "}
              still open
            </td>
            <td className="num">{formatDays(totals.principalDays)}</td>
            <td />
            <td className="num">{formatDays(totals.accruedInterestDays)}</td>
            <td />
            <td>{totals.overdueCount} overdue</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
