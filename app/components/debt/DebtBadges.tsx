import type { DEBT_STATUSES, SEVERITIES } from "~/domain/vocabulary";
import { debtStatusLabel, severityLabel } from "~/domain/labels";
import { Badge } from "~/components/ui/Badge";

type Severity = (typeof SEVERITIES)[number];
type DebtStatus = (typeof DEBT_STATUSES)[number];

const severityIcon: Record<Severity, string> = { low: "▽", medium: "◇", high: "△", critical: "▲" };

export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <Badge tone={`severity-${severity}`}>
      <span aria-hidden="true">{severityIcon[severity]} </span>
      {severityLabel[severity]}
    </Badge>
  );
}

const statusTone: Record<DebtStatus, string> = {
  open: "debt-open",
  repaying: "info",
  repaid: "ok",
  accepted: "muted",
  written_off: "muted",
};

export function DebtStatusBadge({ status }: { status: DebtStatus }) {
  return <Badge tone={statusTone[status]}>{debtStatusLabel[status]}</Badge>;
}

/** Overdue in words (never colour alone); settled items (repaid, accepted, written off) are neither. */
export function OverdueFlag({ overdue, status }: { overdue: boolean; status: DebtStatus }) {
  if (status !== "open" && status !== "repaying") return <span className="muted">—</span>;
  return overdue ? (
    <span className="debt-overdue">
      <span aria-hidden="true">⚠ </span>Overdue
    </span>
  ) : (
    <span className="muted">On time</span>
  );
}
