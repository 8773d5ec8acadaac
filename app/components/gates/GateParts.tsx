/** The pieces of a gate review page: sign-off status badges, panels and the criteria list. */
import type { ReactNode } from "react";
import type { Discipline } from "../../../db/schema";
import { Badge, DisciplineBadge } from "~/components/ui/Badge";
import { decisionLabel } from "~/domain/labels";
import { formatDateTime } from "~/utils/format";

export type PanelStatus =
  | "approved"
  | "approved_with_conditions"
  | "changes_requested"
  | "stale"
  | "invalid"
  | "missing";

const statusLook: Record<PanelStatus, { tone: string; icon: string; label: string }> = {
  approved: { tone: "ok", icon: "✓", label: "Approved" },
  approved_with_conditions: { tone: "ok", icon: "✓", label: "Approved with conditions" },
  changes_requested: { tone: "danger", icon: "✗", label: "Changes requested" },
  stale: { tone: "warn", icon: "↻", label: "Stale" },
  invalid: { tone: "danger", icon: "!", label: "Signer left the team" },
  missing: { tone: "muted", icon: "…", label: "Missing" },
};

export function SignOffBadge({ status }: { status: PanelStatus }) {
  const look = statusLook[status];
  return (
    <Badge tone={look.tone}>
      <span aria-hidden="true">{look.icon}</span> {look.label}
    </Badge>
  );
}

type SignOffInfo = {
  userName: string;
  decision: keyof typeof decisionLabel;
  comment: string;
  signedAt: number;
  fingerprint: string;
};

export function SignOffPanel({
  discipline,
  status,
  signOff,
  earlier,
  children,
}: {
  discipline: Discipline;
  status: PanelStatus;
  signOff: SignOffInfo | null;
  earlier: Array<SignOffInfo & { status: string }>;
  children?: ReactNode;
}) {
  const tone = status === "missing" ? "" : status.startsWith("approved") ? "panel-ok" : status === "stale" ? "panel-warn" : "panel-danger";
  return (
    <section className={`card ${tone}`} aria-labelledby={`panel-${discipline}`}>
      <h3 id={`panel-${discipline}`} className="row">
        <DisciplineBadge discipline={discipline} /> <SignOffBadge status={status} />
      </h3>
      {signOff ? (
        <div>
          <p>
            <strong>{signOff.userName}</strong>: {decisionLabel[signOff.decision].toLowerCase()}
            <br />
            <span className="muted small">{formatDateTime(signOff.signedAt)}</span>
          </p>
          {signOff.comment ? <blockquote className="comment">{signOff.comment}</blockquote> : null}
          {status === "stale" ? (
            <p className="small">The gate content changed after this sign-off; it no longer counts until renewed.</p>
          ) : null}
        </div>
      ) : (
        <p className="muted">No sign-off yet.</p>
      )}
      {children}
      {earlier.length ? (
        <details className="small">
          <summary>Earlier sign-offs ({earlier.length})</summary>
          <ul className="list-plain">
            {earlier.map((e, i) => (
              <li key={i}>
                {e.userName}: {decisionLabel[e.decision].toLowerCase()}, {formatDateTime(e.signedAt)} ({e.status})
                {e.comment ? ` — “${e.comment}”` : ""}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}

export type CriterionView = {
  id?: number;
  key: string;
  label: string;
  kind: "auto" | "attestation";
  discipline: Discipline | null;
  met: boolean;
  detail: string;
};

export function CriteriaList({
  criteria,
  renderControls,
}: {
  criteria: CriterionView[];
  renderControls?: (c: CriterionView) => ReactNode;
}) {
  return (
    <ol className="criteria">
      {criteria.map((c) => (
        <li key={c.key} className={c.met ? "met" : "unmet"}>
          <div className="row">
            <Badge tone={c.met ? "ok" : "danger"}>
              <span aria-hidden="true">{c.met ? "✓" : "✗"}</span> {c.met ? "Met" : "Not met"}
            </Badge>
            <span className="criterion-label">{c.label}</span>
            <Badge tone="muted">{c.kind === "auto" ? "Automatic" : "Attestation"}</Badge>
            {c.discipline ? <DisciplineBadge discipline={c.discipline} /> : null}
          </div>
          <p className="small criterion-detail">{c.detail}</p>
          {renderControls ? renderControls(c) : null}
        </li>
      ))}
    </ol>
  );
}
