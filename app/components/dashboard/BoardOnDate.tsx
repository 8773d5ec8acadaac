/**
 * The pipeline board as it stood at the end of a past day (docs/domain.md, "Portfolio on a
 * date"): every project that existed then, in the stage it was in, with its state and the gate
 * review open then. Names and owners are today's.
 */
import { Link } from "@remix-run/react";
import type { ProjectState, Stage, StopCause } from "~/domain/vocabulary";
import { StateBadge } from "~/components/ProjectBadges";
import { DateTime } from "~/components/ui/DateTime";
import { stageLabel, stopCauseLabel } from "~/domain/labels";
import { daysSince } from "~/utils/format";

type Card = {
  id: number;
  slug: string;
  name: string;
  ownerName: string;
  state: ProjectState;
  stopCause: StopCause | null;
  stageEnteredAt: number;
  closedAt: number | null;
  review: { id: number; targetStage: Stage; openedAt: number } | null;
};

const days = (n: number) => (n === 1 ? "1 day" : `${n} days`);

export function BoardOnDate({
  date,
  at,
  columns,
}: {
  /** The day, YYYY-MM-DD. */
  date: string;
  /** The instant the board stands at (the end of that day, or now for today). */
  at: number;
  columns: Array<{ stage: Stage; total: number; cards: Card[] }>;
}) {
  return (
    <div className="board">
      {columns.map((column) => (
        <section key={column.stage} className="board-column" aria-labelledby={`col-on-${column.stage}`}>
          <h3 id={`col-on-${column.stage}`}>
            {stageLabel[column.stage]} <span className="muted">({column.total})</span>
          </h3>
          {column.cards.length === 0 ? (
            <p className="muted small">No project was in this stage on {date}.</p>
          ) : (
            <ul className="list-plain">
              {column.cards.map((card) => (
                <li key={card.id} className="board-card">
                  <Link to={`/projects/${card.slug}`} className="board-card-title">
                    {card.name}
                  </Link>
                  <div className="small muted">
                    {card.ownerName} · {days(daysSince(card.stageEnteredAt, card.closedAt ?? at))} in stage then
                  </div>
                  {card.state !== "active" ? (
                    <div className="small">
                      <StateBadge state={card.state} />
                      {card.closedAt ? (
                        <>
                          {" "}
                          since <DateTime at={card.closedAt} dateOnly />
                        </>
                      ) : null}
                      {card.stopCause ? ` · ${stopCauseLabel[card.stopCause]}` : null}
                    </div>
                  ) : null}
                  {card.review ? (
                    <div className="small">
                      Gate review to {stageLabel[card.review.targetStage]} open since{" "}
                      <DateTime at={card.review.openedAt} dateOnly /> ({days(daysSince(card.review.openedAt, at))} then)
                    </div>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
          {column.total > column.cards.length ? (
            <Link to={`/projects?asOf=${date}&stage=${column.stage}`} className="small">
              All {column.total} in {stageLabel[column.stage]} on {date}
            </Link>
          ) : null}
        </section>
      ))}
    </div>
  );
}
