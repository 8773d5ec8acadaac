/** Everything that happened to one debt item, newest first. Nothing here is ever deleted. */
import { DateTime } from "~/components/ui/DateTime";

export function DebtHistory({
  history,
}: {
  history: Array<{ id: number; at: number; summary: string; actorName: string | null }>;
}) {
  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      {history.length === 0 ? (
        <p className="muted">Nothing recorded yet.</p>
      ) : (
        <ol className="timeline">
          {history.map((row) => (
            <li key={row.id}>
              <DateTime at={row.at} />
              {row.summary}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
