import { Link } from "@remix-run/react";
import type { Stage } from "../../../db/schema";
import { SignOffBadge, type PanelStatus } from "~/components/gates/GateParts";
import { Badge } from "~/components/ui/Badge";
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
  review: { targetStage: Stage; panels: Array<{ discipline: "business" | "data_science" | "it"; status: PanelStatus }> } | null;
};

export function PipelineBoard({ columns, now }: { columns: Array<{ stage: Stage; total: number; cards: Card[] }>; now: number }) {
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
                  {card.review ? (
                    <ul className="list-inline" aria-label={`Sign-offs for the gate to ${stageLabel[card.review.targetStage]}`}>
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
                    {card.mismatches ? <Badge tone="danger">{card.mismatches} mismatch{card.mismatches === 1 ? "" : "es"}</Badge> : null}
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
