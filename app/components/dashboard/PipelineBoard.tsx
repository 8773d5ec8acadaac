import { Link } from "@remix-run/react";
import type { Stage } from "~/domain/vocabulary";
import { SignOffBadge, type PanelStatus } from "~/components/gates/GateParts";
import { Badge } from "~/components/ui/Badge";
import { isApproved } from "~/domain/gates";
import { disciplineLabel, stageLabel } from "~/domain/labels";
import { daysSince, formatDays } from "~/utils/format";

type Card = {
  id: number;
  slug: string;
  name: string;
  ownerName: string;
  stageEnteredAt: number;
  /** When it was stopped or retired: days in stage stop counting there. */
  closedAt?: number | null;
  mismatches: number;
  debtDays: number;
  overdue: number;
  review: {
    targetStage: Stage;
    openedAt: number;
    panels: Array<{ discipline: "business" | "data_science" | "it"; status: PanelStatus }>;
  } | null;
};

/** Short names for the "waiting for" line of a card. */
const waitingName = { business: "business", data_science: "data science", it: "IT" } as const;

/** "Waiting for IT · 12 d": the disciplines that do not approve yet, days since the review opened. */
function GateWait({ review, now }: { review: NonNullable<Card["review"]>; now: number }) {
  const days = daysSince(review.openedAt, now);
  const waiting = review.panels.filter((p) => !isApproved(p.status)).map((p) => waitingName[p.discipline]);
  return (
    <div className="small">
      {waiting.length ? `Waiting for ${waiting.join(", ")}` : "Approved by all three"}
      <span aria-hidden="true"> · {days} d</span>
      <span className="sr-only">
        , {days === 1 ? "1 day" : `${days} days`} at the gate to {stageLabel[review.targetStage]}
      </span>
    </div>
  );
}

export function PipelineBoard({
  columns,
  now,
}: {
  columns: Array<{ stage: Stage; total: number; cards: Card[] }>;
  now: number;
}) {
  return (
    <div className="board">
      {columns.map((column) => (
        <section key={column.stage} className="board-column" aria-labelledby={`col-${column.stage}`}>
          <h3 id={`col-${column.stage}`}>
            {stageLabel[column.stage]} <span className="muted">({column.total})</span>
          </h3>
          {column.cards.length === 0 ? (
            <p className="muted small">No active project here.</p>
          ) : (
            <ul className="list-plain">
              {column.cards.map((card) => (
                <li key={card.id} className="board-card">
                  <Link to={`/projects/${card.slug}`} className="board-card-title">
                    {card.name}
                  </Link>
                  <div className="small muted">
                    {card.ownerName} · {daysSince(card.stageEnteredAt, card.closedAt ?? now)} days in stage
                  </div>
                  {card.review ? <GateWait review={card.review} now={now} /> : null}
                  {card.review ? (
                    <ul
                      className="list-inline"
                      aria-label={`Sign-offs for the gate to ${stageLabel[card.review.targetStage]}`}
                    >
                      {card.review.panels.map((panel) => (
                        <li key={panel.discipline}>
                          <span className="sr-only">{disciplineLabel[panel.discipline]}: </span>
                          <span className="discipline-initial" aria-hidden="true">
                            {panel.discipline === "business" ? "B" : panel.discipline === "it" ? "IT" : "DS"}
                          </span>{" "}
                          <SignOffBadge status={panel.status} />
                        </li>
                      ))}
                    </ul>
                  ) : null}
                  <div className="row small">
                    {card.mismatches ? (
                      <Badge tone="danger">
                        {card.mismatches} mismatch{card.mismatches === 1 ? "" : "es"}
                      </Badge>
                    ) : null}
                    <span>Debt {formatDays(card.debtDays)}</span>
                    {card.overdue ? <Badge tone="danger">⚠ {card.overdue} overdue</Badge> : null}
                  </div>
                </li>
              ))}
            </ul>
          )}
          {column.total > column.cards.length ? (
            <Link to={`/projects?stage=${column.stage}&state=active`} className="small">
              All {column.total} in {stageLabel[column.stage]}
            </Link>
          ) : null}
        </section>
      ))}
    </div>
  );
}
