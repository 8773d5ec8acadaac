import { STAGES } from "~/domain/vocabulary";
import type { Stage } from "~/domain/vocabulary";

/** The stage after `stage`, or null in production. */
export function nextStage(stage: Stage): Stage | null {
  const index = STAGES.indexOf(stage);
  return index >= 0 && index < STAGES.length - 1 ? STAGES[index + 1] : null;
}

export function stageIndex(stage: Stage): number {
  return STAGES.indexOf(stage);
}

/** True when `a` comes strictly before `b` in PoC -> Pilot -> Production. */
export function isBefore(a: Stage, b: Stage): boolean {
  return stageIndex(a) < stageIndex(b);
}
