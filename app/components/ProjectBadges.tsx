import type { ProjectState, Stage } from "~/domain/vocabulary";
import { projectStateLabel, stageShortLabel } from "~/domain/labels";
import { Badge } from "./ui/Badge";

export function StageBadge({ stage }: { stage: Stage }) {
  return <Badge tone={`stage-${stage}`}>{stageShortLabel[stage]}</Badge>;
}

const stateTone: Record<ProjectState, string> = {
  active: "ok",
  on_hold: "warn",
  stopped: "danger",
  retired: "muted",
};

export function StateBadge({ state }: { state: ProjectState }) {
  return <Badge tone={stateTone[state]}>{projectStateLabel[state]}</Badge>;
}
