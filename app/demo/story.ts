/**
 * The demo's clock: each part of the demo (people and projects, requirements and gate reviews,
 * debt) schedules the steps of its story at the instant they happened, and `play` replays them
 * all in time order, each through the models (app/models/) inside the demo's one transaction at
 * its own instant. So the demo obeys the same rules as a person using Triad, the audit log
 * gets the models' own rows, and activity ids follow time as timelines expect.
 *
 * Deterministic: every instant is an offset from the demo's `now` with a stable time of day
 * derived from a label; nothing random.
 */
import type { Tx } from "../../db/client.server";
import { ConflictError, ValidationError } from "~/domain/errors";
import type { Actor } from "~/models/users.server";
import { DEMO_PROJECTS, type DemoUser, type PersonKey, type ProjectKey } from "~/demo/cast";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The options every step passes to the models: the demo's transaction and the step's instant. */
export type StepOptions = { tx: Tx; now: number };

type Step = { at: number; seq: number; what: string; run: (options: StepOptions) => void };

export class DemoError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`Demo story: ${message}`, options);
    this.name = "DemoError";
  }
}

export function fail(what: string): never {
  throw new DemoError(what);
}

/** Why a model refused a step, with the details it gives (the blockers of a promotion, field errors). */
function reason(error: unknown): string {
  if (error instanceof ConflictError && error.details.length) return `${error.message} ${error.details.join(" ")}`;
  if (error instanceof ValidationError && Object.keys(error.fields).length) {
    return `${error.message} ${Object.entries(error.fields)
      .map(([field, message]) => `${field}: ${message}`)
      .join(" ")}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export class Story {
  private steps: Step[] = [];
  private played = false;

  constructor(
    readonly tx: Tx,
    readonly now: number,
  ) {}

  /** Schedules one step of the story, done at `at` (in the past). `what` names it in errors. */
  at(at: number, what: string, run: (options: StepOptions) => void): void {
    if (this.played) fail(`“${what}” was scheduled after the story was played`);
    if (!Number.isFinite(at) || at >= this.now) fail(`“${what}” would happen in the future`);
    this.steps.push({ at, seq: this.steps.length, what, run });
  }

  /** Replays every step in time order (scheduling order among equal instants). */
  play(): void {
    this.played = true;
    const ordered = [...this.steps].sort((a, b) => a.at - b.at || a.seq - b.seq);
    for (const step of ordered) {
      try {
        step.run({ tx: this.tx, now: step.at });
      } catch (error) {
        if (error instanceof DemoError) throw error;
        throw new DemoError(`“${step.what}” (${new Date(step.at).toISOString()}) was refused: ${reason(error)}`, {
          cause: error,
        });
      }
    }
  }
}

/** A stable 0-7 h offset for a label, so events do not all happen at the same minute of the day. */
export function jitter(label: string, seed = 11): number {
  let h = seed;
  for (const c of label) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return (h % 420) * MINUTE;
}

/** `days` before `now`, at a time of day of its own. */
export function daysAgo(now: number, days: number, label: string, seed = 11): number {
  return now - days * DAY - jitter(label, seed);
}

/** A demo person as the models' `actor`: they act in the web app. */
export function actorOf(user: DemoUser): Actor {
  return { id: user.id, name: user.name, role: user.role, discipline: user.discipline, via: "web" };
}

/** At `t`, who is on the project's team (the owner first, then in the order they joined the story's cast). */
export function rosterAt(now: number, key: ProjectKey, t: number): PersonKey[] {
  const spec = DEMO_PROJECTS[key];
  return [
    spec.owner,
    ...spec.team.filter(([person, days]) => daysAgo(now, days, `member:${key}:${person}`, 7) <= t).map(([p]) => p),
  ];
}
