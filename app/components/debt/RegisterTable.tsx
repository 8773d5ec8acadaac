/**
 * One register of a project: the items with their cost, and a totals row. The key columns fit
 * a 1280 px screen; category, interest rate, opened and "repay before" sit in each row's "More"
 * (a `<details>`, no JavaScript needed).
 */
import { Link } from "@remix-run/react";
import type { DEBT_STATUSES, REGISTERS, SEVERITIES, Stage } from "~/domain/vocabulary";
import type { OverdueReason } from "~/domain/debt";
import { registerLabel, stageLabel } from "~/domain/labels";
import { DebtStatusBadge, OverdueFlag, SeverityBadge } from "./DebtBadges";
import { DateTime } from "~/components/ui/DateTime";
import { formatDays, formatRate } from "./format";

export type RegisterRow = {
  id: number;
  title: string;
  categoryLabel: string;
  severity: (typeof SEVERITIES)[number];
  status: (typeof DEBT_STATUSES)[number];
  ownerName: string | null;
  principalDays: number;
  interestDays: number;
  accruedInterestDays: number;
  openedAt: number;
  targetDate: string | null;
  repayBeforeStage: Stage | null;
  overdueReason: OverdueReason | null;
  dueBeforeNextStage: boolean;
  stepCount: number;
  stepsDone: number;
};

export type RegisterTotals = {
  count: number;
  openCount: number;
  principalDays: number;
  accruedInterestDays: number;
  overdueCount: number;
};

export function RegisterTable({
  slug,
  register,
  items,
  totals,
  nextStageLabel,
}: {
  slug: string;
  register: (typeof REGISTERS)[number];
  items: RegisterRow[];
  totals: RegisterTotals;
  nextStageLabel: string | null;
}) {
  return (
    <div className="table-wrap">
      <table className="debt-table debt-register-table">
        <caption className="sr-only">
          {registerLabel[register]} debt register: {totals.count} items
        </caption>
        <thead>
          <tr>
            <th scope="col">Title</th>
            <th scope="col">Severity</th>
            <th scope="col">Status</th>
            <th scope="col">Owner</th>
            <th scope="col" className="num">
              Principal
            </th>
            <th scope="col" className="num">
              Accrued interest
            </th>
            <th scope="col">Target date</th>
            <th scope="col">Overdue</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id}>
              <td className="debt-col-title">
                <Link to={`/projects/${slug}/debt/${item.id}`}>{item.title}</Link>
                <div className="debt-sub">
                  {item.stepCount > 0 ? `${item.stepsDone} of ${item.stepCount} steps done` : "No steps yet"}
                  {item.dueBeforeNextStage && nextStageLabel ? ` · due before ${nextStageLabel}` : ""}
                </div>
                <details className="debt-more">
                  <summary>
                    More<span className="sr-only"> about {item.title}</span>
                  </summary>
                  <dl className="debt-more-list">
                    <div>
                      <dt>Category</dt>
                      <dd>{item.categoryLabel}</dd>
                    </div>
                    <div>
                      <dt>Interest rate</dt>
                      <dd>{formatRate(item.interestDays)}</dd>
                    </div>
                    <div>
                      <dt>Opened</dt>
                      <dd>
                        <DateTime at={item.openedAt} dateOnly />
                      </dd>
                    </div>
                    <div>
                      <dt>Repay before</dt>
                      <dd>{item.repayBeforeStage ? stageLabel[item.repayBeforeStage] : "No stage set"}</dd>
                    </div>
                  </dl>
                </details>
              </td>
              <td>
                <SeverityBadge severity={item.severity} />
              </td>
              <td>
                <DebtStatusBadge status={item.status} />
              </td>
              <td>{item.ownerName ?? <span className="muted">No owner</span>}</td>
              <td className="num">{formatDays(item.principalDays)}</td>
              <td className="num">{formatDays(item.accruedInterestDays)}</td>
              <td className="debt-nowrap">{item.targetDate ?? <span className="muted">None</span>}</td>
              <td className="debt-col-overdue">
                <OverdueFlag reason={item.overdueReason} status={item.status} />
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td colSpan={4}>
              Total of {totals.count} {totals.count === 1 ? "item" : "items"}; principal counts the {totals.openCount}{" "}
              still open
            </td>
            <td className="num">{formatDays(totals.principalDays)}</td>
            <td className="num">{formatDays(totals.accruedInterestDays)}</td>
            <td />
            <td>{totals.overdueCount} overdue</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
