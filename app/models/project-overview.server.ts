/**
 * What a project's overview page reads (/projects/:slug): team, requirement mismatches, the
 * open review's panels, debt totals and the latest activity. The same for every reader, so it
 * is remembered per project and day until the next write: five models' queries otherwise, on
 * the most visited page of a project (issue 15, "The heavy pages").
 */
import { listProjectActivity } from "./activity.server";
import { memoUntilWrite } from "./data-version.server";
import { debtTotalsForProject } from "./debt.server";
import { openReviewSummary } from "./gates.server";
import { countMismatches } from "./requirements.server";
import { listTeam } from "./team.server";
import type { Stage } from "~/domain/vocabulary";

/** Rows of activity the overview shows. */
export const OVERVIEW_ACTIVITY_ROWS = 8;

const overviewCache = new Map<string, { version: string; value: ReturnType<typeof computeOverview> }>();

export function projectOverview(project: { id: number; stage: Stage }, today: string) {
  return memoUntilWrite(overviewCache, `${project.id}|${project.stage}|${today}`, () =>
    computeOverview(project, today),
  );
}

function computeOverview(project: { id: number; stage: Stage }, today: string) {
  return {
    team: listTeam(project.id),
    mismatches: countMismatches(project.id),
    review: openReviewSummary(project.id),
    debt: debtTotalsForProject(project.id, today, project.stage),
    activity: listProjectActivity({ projectId: project.id, limit: OVERVIEW_ACTIVITY_ROWS }),
  };
}
