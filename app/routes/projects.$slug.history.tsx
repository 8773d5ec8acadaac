/**
 * /projects/:slug/history: the stages the project went through with their dates and how long
 * it spent in each, and its state changes (on hold, resumed, stopped with the cause), all
 * derived from the activity log.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { StageBadge } from "~/components/ProjectBadges";
import { EmptyState } from "~/components/ui/EmptyState";
import { projectStateLabel, stageLabel, stageShortLabel, stopCauseLabel } from "~/domain/labels";
import { projectStageTimeline, stageHistory } from "~/models/dossier.server";
import { DateTime } from "~/components/ui/DateTime";
import { formatDays } from "~/utils/format";
import { requireProject } from "~/utils/project.server";

export const meta: MetaFunction = () => [{ title: "Stage history · Triad" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = requireProject(request, params);
  const now = Date.now();
  const events = projectStageTimeline(project.id);
  return {
    slug: project.slug,
    now,
    stages: stageHistory(project.id, events, now),
    events,
  };
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

const leftLabel = (leftFor: Data["stages"][number]["leftFor"]) =>
  leftFor === "stopped"
    ? "stopped"
    : leftFor === "retired"
      ? "retired"
      : leftFor
        ? `promoted to ${stageShortLabel[leftFor]}`
        : "";

/** A bar per stage, proportional to its days, drawn with SVG attributes (no inline styles). */
function StageBar({ stages }: { stages: Data["stages"] }) {
  const total = stages.reduce((sum, s) => sum + s.days, 0);
  if (total <= 0) return null;
  let x = 0;
  return (
    <svg
      className="history-bar"
      viewBox="0 0 1000 28"
      preserveAspectRatio="none"
      role="img"
      aria-label={stages.map((s) => `${stageLabel[s.stage]}: ${formatDays(s.days)}`).join(", ")}
    >
      {stages.map((s, i) => {
        const width = (s.days / total) * 1000;
        const rect = (
          <rect key={i} x={x} y={0} width={Math.max(width, 2)} height={28} className={`history-bar-${s.stage}`} />
        );
        x += width;
        return rect;
      })}
    </svg>
  );
}

function eventText(e: Data["events"][number]) {
  if (e.action === "project.created") return `Created in ${stageLabel[e.toStage ?? "poc"]}`;
  if (e.action === "project.stage_changed") {
    return `Promoted ${e.fromStage ? `from ${stageShortLabel[e.fromStage]} ` : ""}to ${e.toStage ? stageShortLabel[e.toStage] : "?"}`;
  }
  const to = e.toState;
  if (to === "active") return e.fromState === "on_hold" ? "Resumed" : "Made active";
  if (to === "on_hold") return "Put on hold";
  if (to === "stopped") {
    const cause =
      e.stopCause && e.stopCause in stopCauseLabel
        ? stopCauseLabel[e.stopCause as keyof typeof stopCauseLabel]
        : "cause not recorded";
    return `Stopped: ${cause}${e.stopNote ? ` — ${e.stopNote}` : ""}`;
  }
  return to ? projectStateLabel[to] : "State changed";
}

export default function StageHistory() {
  const { slug, stages, events } = useLoaderData<typeof loader>();
  return (
    <>
      <h2>Stage history</h2>
      <p className="page-description">
        When the project entered each stage and how long it stayed, from the activity log. Time on hold counts as time
        in the stage.
      </p>
      {stages.length === 0 ? (
        <EmptyState title="No stage change is recorded for this project." />
      ) : (
        <>
          <StageBar stages={stages} />
          <div className="table-wrap">
            <table className="history-table">
              <thead>
                <tr>
                  <th scope="col">Stage</th>
                  <th scope="col">Entered</th>
                  <th scope="col">Left</th>
                  <th scope="col" className="num">
                    Days in stage
                  </th>
                </tr>
              </thead>
              <tbody>
                {stages.map((s) => (
                  <tr key={`${s.stage}-${s.enteredAt}`}>
                    <td>
                      <StageBadge stage={s.stage} /> {stageLabel[s.stage]}
                    </td>
                    <td>
                      <DateTime at={s.enteredAt} dateOnly />
                    </td>
                    <td>
                      {s.leftAt ? (
                        <>
                          <DateTime at={s.leftAt} dateOnly /> ({leftLabel(s.leftFor)})
                        </>
                      ) : (
                        "— (current stage)"
                      )}
                    </td>
                    <td className="num">{formatDays(Math.floor(s.days))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {events.length ? (
        <>
          <h3 className="section-title">Stage and state changes</h3>
          <ol className="timeline history-events">
            {events.map((e) => (
              <li key={e.id}>
                <DateTime at={e.at} />
                {eventText(e)}
                {e.actorName ? <span className="muted"> — {e.actorName}</span> : null}
                {e.reviewId ? (
                  <>
                    {" "}
                    (
                    <Link to={`/projects/${slug}/gate/${e.reviewId}/dossier`}>
                      dossier of gate review #{e.reviewId}
                    </Link>
                    )
                  </>
                ) : null}
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </>
  );
}
