/**
 * The pieces of a gate review page: sign-off standing badges, one panel per discipline with
 * every member's current sign-off (docs/domain.md, "Sign-off rules"), and the criteria list.
 */
import type { ReactNode } from "react";
import type { Discipline } from "~/domain/vocabulary";
import { Badge, DisciplineBadge } from "~/components/ui/Badge";
import { decisionLabel } from "~/domain/labels";
import { DateTime } from "~/components/ui/DateTime";

/** A panel's status. */
export type PanelStatus =
  "approved" | "approved_with_conditions" | "changes_requested" | "stale" | "invalid" | "missing";

/** What one current sign-off is worth, or a panel's status. */
export type Standing = PanelStatus | "dismissed";

const statusLook: Record<Standing, { tone: string; icon: string; label: string }> = {
  approved: { tone: "ok", icon: "✓", label: "Approved" },
  approved_with_conditions: { tone: "ok", icon: "✓", label: "Approved with conditions" },
  changes_requested: { tone: "danger", icon: "✗", label: "Changes requested" },
  dismissed: { tone: "muted", icon: "–", label: "Dismissed" },
  stale: { tone: "warn", icon: "↻", label: "Stale" },
  invalid: { tone: "danger", icon: "!", label: "Signer left the team" },
  missing: { tone: "muted", icon: "…", label: "Missing" },
};

export function SignOffBadge({ status }: { status: Standing }) {
  const look = statusLook[status];
  return (
    <Badge tone={look.tone}>
      <span aria-hidden="true">{look.icon}</span> {look.label}
    </Badge>
  );
}

/** "approval", "request for changes": what a reply answers. */
export const decisionNoun: Record<keyof typeof decisionLabel, string> = {
  approve: "approval",
  approve_with_conditions: "approval with conditions",
  changes_requested: "request for changes",
};

/** A current sign-off as the read side evaluates it (app/models/gate-reviews-read.server.ts). */
export type SignOffCard = {
  id: number;
  userName: string;
  decision: keyof typeof decisionLabel;
  comment: string;
  signedAt: number;
  standing: Standing | null;
  changes: string[];
  dismissedAt?: number | null;
  dismissReason?: string | null;
  dismissedByName?: string | null;
};

type EarlierSignOff = {
  userName: string;
  decision: keyof typeof decisionLabel;
  comment: string;
  signedAt: number;
  status: string;
};

/** One member's current sign-off: who, what, when, what it is worth, and why. */
export function SignOffEntry({ signOff: s, children }: { signOff: SignOffCard; children?: ReactNode }) {
  return (
    <li className="signoff-entry" id={`signoff-${s.id}`}>
      <p>
        <strong>{s.userName}</strong>: {decisionLabel[s.decision].toLowerCase()}{" "}
        {s.standing ? <SignOffBadge status={s.standing} /> : null}
        <br />
        <span className="muted small">
          <DateTime at={s.signedAt} />
        </span>
      </p>
      {s.comment ? <blockquote className="comment prewrap">{s.comment}</blockquote> : null}
      {s.standing === "stale" ? (
        <div className="signoff-changes small">
          <p>
            <strong>What changed since {s.userName} signed</strong> (this approval no longer counts until renewed):
          </p>
          {s.changes.length ? (
            <ul>
              {s.changes.map((change, i) => (
                <li key={i}>{change}</li>
              ))}
            </ul>
          ) : (
            <p>The gate content this discipline looks at changed.</p>
          )}
        </div>
      ) : null}
      {s.standing === "invalid" ? (
        <p className="small">
          {s.userName} is no longer on the team for this discipline, so this approval does not count.
        </p>
      ) : null}
      {s.standing === "dismissed" ? (
        <p className="small signoff-dismissal">
          Dismissed by {s.dismissedByName ?? "the project owner"}
          {s.dismissedAt ? (
            <>
              {" "}
              on <DateTime at={s.dismissedAt} />
            </>
          ) : (
            ""
          )}
          : <span className="prewrap">{s.dismissReason}</span>
        </p>
      ) : null}
      {children}
    </li>
  );
}

export function SignOffPanel({
  discipline,
  status,
  approvals,
  required,
  signOffs,
  earlier,
  renderActions,
  children,
}: {
  discipline: Discipline;
  status: PanelStatus;
  /** Counting approvals and how many the gate needs; null when not recorded (older snapshots). */
  approvals: number | null;
  required: number | null;
  signOffs: SignOffCard[];
  earlier: EarlierSignOff[];
  /** Links and forms under one sign-off (reply, dismiss). */
  renderActions?: (s: SignOffCard) => ReactNode;
  children?: ReactNode;
}) {
  const tone =
    status === "missing"
      ? ""
      : status.startsWith("approved")
        ? "panel-ok"
        : status === "stale"
          ? "panel-warn"
          : "panel-danger";
  return (
    <section className={`card ${tone}`} aria-labelledby={`panel-${discipline}`}>
      <h3 id={`panel-${discipline}`} className="row">
        <DisciplineBadge discipline={discipline} /> <SignOffBadge status={status} />
      </h3>
      {approvals != null && required != null ? (
        <p className="small panel-count">
          {approvals} of {required} approval{required === 1 ? "" : "s"}
        </p>
      ) : null}
      {signOffs.length ? (
        <ul className="list-plain signoff-list">
          {signOffs.map((s) => (
            <SignOffEntry key={s.id} signOff={s}>
              {renderActions ? renderActions(s) : null}
            </SignOffEntry>
          ))}
        </ul>
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
                {e.userName}: {decisionLabel[e.decision].toLowerCase()}, <DateTime at={e.signedAt} /> ({e.status})
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
  /** A link to the evidence an attester gave (http or https only). */
  evidenceUrl?: string | null;
};

/** Only http(s) links become links; anything else stays text. */
export const isWebLink = (url: string) => /^https?:\/\/[^\s]+$/i.test(url);

export function EvidenceLink({ url }: { url: string }) {
  return isWebLink(url) ? (
    <a href={url} rel="noopener noreferrer nofollow" className="evidence-link">
      {url}
    </a>
  ) : (
    <span>{url}</span>
  );
}

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
          {c.evidenceUrl ? (
            <p className="small criterion-evidence">
              Evidence: <EvidenceLink url={c.evidenceUrl} />
            </p>
          ) : null}
          {renderControls ? renderControls(c) : null}
        </li>
      ))}
    </ol>
  );
}
