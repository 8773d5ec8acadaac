import { Link } from "@remix-run/react";
import type { Stage } from "~/domain/vocabulary";
import { Badge } from "~/components/ui/Badge";
import { priorityLabel, stageShortLabel } from "~/domain/labels";
import { daysSince } from "~/utils/format";

/** Each item says since when it waits; the model lists the longest-waiting first. */
type Queue = {
  reviewsWaiting: Array<{
    slug: string;
    name: string;
    reviewId: number;
    targetStage: Stage;
    status: string;
    waitingSince: number;
  }>;
  staleSignOffs: Array<{ slug: string; name: string; reviewId: number; targetStage: Stage; waitingSince: number }>;
  toAssess: Array<{
    id: number;
    title: string;
    priority: "must" | "should" | "could";
    slug: string;
    name: string;
    waitingSince: number;
  }>;
  debtDue: Array<{
    id: number;
    title: string;
    targetDate: string | null;
    slug: string;
    name: string;
    overdue: boolean;
  }>;
  stepsDue: Array<{
    id: number;
    title: string;
    dueDate: string | null;
    itemId: number;
    itemTitle: string;
    slug: string;
    name: string;
    overdue: boolean;
  }>;
};

/** "waiting 12 d": whole days since the item started waiting (the review opened, the requirement was stated). */
function Waiting({ since, now }: { since: number; now: number }) {
  const days = daysSince(since, now);
  return (
    <span className="small muted">
      {" "}
      <span aria-hidden="true">· waiting {days} d</span>
      <span className="sr-only">, waiting {days === 1 ? "1 day" : `${days} days`}</span>
    </span>
  );
}

export function MyQueue({ queue, now }: { queue: Queue; now: number }) {
  const count =
    queue.reviewsWaiting.length +
    queue.staleSignOffs.length +
    queue.toAssess.length +
    queue.debtDue.length +
    queue.stepsDue.length;
  return (
    <section aria-labelledby="queue-title" className="card dashboard-section">
      <h2 id="queue-title">My queue ({count})</h2>
      {count === 0 ? (
        <p className="muted">Nothing waits for you. Sign-offs, assessments and repayments due to you appear here.</p>
      ) : (
        <div className="grid-2">
          {queue.reviewsWaiting.length ? (
            <div>
              <h3>Gate reviews waiting for your discipline</h3>
              <ul className="list-plain">
                {queue.reviewsWaiting.map((r) => (
                  <li key={r.reviewId}>
                    <Link to={`/projects/${r.slug}/gate`}>{r.name}</Link> → {stageShortLabel[r.targetStage]}
                    {r.status === "stale" ? (
                      <>
                        {" "}
                        <Badge tone="warn">stale sign-off</Badge>
                      </>
                    ) : null}
                    <Waiting since={r.waitingSince} now={now} />
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {queue.staleSignOffs.length ? (
            <div>
              <h3>Your stale sign-offs to renew</h3>
              <ul className="list-plain">
                {queue.staleSignOffs.map((r) => (
                  <li key={r.reviewId}>
                    <Link to={`/projects/${r.slug}/gate`}>{r.name}</Link> → {stageShortLabel[r.targetStage]}
                    <Waiting since={r.waitingSince} now={now} />
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {queue.toAssess.length ? (
            <div>
              <h3>Requirements your discipline has not assessed</h3>
              <ul className="list-plain">
                {queue.toAssess.map((r) => (
                  <li key={r.id}>
                    <Link to={`/projects/${r.slug}/requirements?assess=${r.id}`}>{r.title}</Link>{" "}
                    <Badge tone="muted">{priorityLabel[r.priority]}</Badge>{" "}
                    <span className="small muted">{r.name}</span>
                    <Waiting since={r.waitingSince} now={now} />
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {queue.debtDue.length || queue.stepsDue.length ? (
            <div>
              <h3>Repayments you own, due soon</h3>
              <ul className="list-plain">
                {queue.debtDue.map((d) => (
                  <li key={`item-${d.id}`}>
                    <Link to={`/projects/${d.slug}/debt/${d.id}`}>{d.title}</Link> · target {d.targetDate}
                    {d.overdue ? (
                      <>
                        {" "}
                        <Badge tone="danger">overdue</Badge>
                      </>
                    ) : null}{" "}
                    <span className="small muted">{d.name}</span>
                  </li>
                ))}
                {queue.stepsDue.map((s) => (
                  <li key={`step-${s.id}`}>
                    Step “{s.title}” of <Link to={`/projects/${s.slug}/debt/${s.itemId}`}>{s.itemTitle}</Link> · due{" "}
                    {s.dueDate}
                    {s.overdue ? (
                      <>
                        {" "}
                        <Badge tone="danger">overdue</Badge>
                      </>
                    ) : null}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>
      )}
    </section>
  );
}
