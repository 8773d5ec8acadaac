import type { DEBT_STATUSES, SEVERITIES } from "~/domain/vocabulary";
import type { OverdueReason } from "~/domain/debt";
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

/** "Overdue since 2026-10-01" (the target date passed) or "Step 2 overdue since 2026-11-02". */
export function overdueText(reason: OverdueReason): string {
  return reason.what === "item" ? `Overdue since ${reason.since}` : `Step ${reason.step} overdue since ${reason.since}`;
}

/**
 * What is overdue, in words (never colour alone): the item or which step, and since when.
 * Settled items (repaid, accepted, written off) are neither overdue nor on time.
 */
export function OverdueFlag({ reason, status }: { reason: OverdueReason | null; status: DebtStatus }) {
  if (status !== "open" && status !== "repaying") return <span className="muted">—</span>;
  if (!reason) return <span className="muted">On time</span>;
  const what = reason.what === "item" ? "Overdue" : `Step ${reason.step} overdue`;
  return (
    <span className="debt-overdue">
      <span aria-hidden="true">⚠ </span>
      {what} <span className="debt-nowrap">since {reason.since}</span>
    </span>
  );
}
