/**
 * Requirements and their feasibility. Business members state them; IT operations and data
 * science each give their own verdict, with its own version (docs/domain.md, "Feasibility").
 * The combined `feasibility` column follows from the two verdicts. Changing what was assessed
 * (title, target, priority) resets both verdicts; the previous version stays in the activity log.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import { alias, type SQLiteUpdateSetSource } from "drizzle-orm/sqlite-core";
import { db, type Tx } from "../../db/client.server";
import { memberships, requirements, users, type Requirement } from "../../db/schema";
import { type Discipline } from "~/domain/vocabulary";
import { ConflictError, ForbiddenError, NotFoundError } from "~/domain/errors";
import { combinedFeasibility, type Feasibility, type VerdictDiscipline } from "~/domain/feasibility";
import { disciplineLabel, feasibilityLabel } from "~/domain/labels";
import {
  requirementAssessed,
  requirementRevised,
  requirementStated,
  requirementWithdrawn,
} from "~/domain/activity-sentences";
import { verdictNeededDrafts } from "~/domain/notify-rules";
import { recordActivity } from "./activity.server";
import { notify } from "./notifications.server";
import { staleDrafts, teamOf, watchSignOffs } from "./notify-events.server";
import { projectForWrite } from "./project-access.server";
import { withTx, type WriteOptions } from "./transaction.server";
import type { Actor } from "./users.server";

export type RequirementInput = {
  title: string;
  description: string;
  target: string;
  priority: Requirement["priority"];
};

const dsAssessor = alias(users, "ds_assessor");
const itAssessor = alias(users, "it_assessor");
const author = alias(users, "author");

export function listRequirements(projectId: number) {
  return db
    .select({
      id: requirements.id,
      title: requirements.title,
      description: requirements.description,
      target: requirements.target,
      priority: requirements.priority,
      status: requirements.status,
      feasibility: requirements.feasibility,
      dsFeasibility: requirements.dsFeasibility,
      dsConditions: requirements.dsConditions,
      dsNote: requirements.dsNote,
      dsAssessedAt: requirements.dsAssessedAt,
      dsAssessedByName: dsAssessor.name,
      dsVersion: requirements.dsVersion,
      itFeasibility: requirements.itFeasibility,
      itConditions: requirements.itConditions,
      itNote: requirements.itNote,
      itAssessedAt: requirements.itAssessedAt,
      itAssessedByName: itAssessor.name,
      itVersion: requirements.itVersion,
      createdByName: author.name,
      createdAt: requirements.createdAt,
      updatedAt: requirements.updatedAt,
      version: requirements.version,
    })
    .from(requirements)
    .leftJoin(dsAssessor, eq(dsAssessor.id, requirements.dsAssessedById))
    .leftJoin(itAssessor, eq(itAssessor.id, requirements.itAssessedById))
    .innerJoin(author, eq(author.id, requirements.createdById))
    .where(eq(requirements.projectId, projectId))
    .orderBy(
      sql`case ${requirements.status} when 'active' then 0 else 1 end`,
      sql`case ${requirements.priority} when 'must' then 0 when 'should' then 1 else 2 end`,
      asc(requirements.id),
    )
    .all();
}

export type RequirementRow = ReturnType<typeof listRequirements>[number];

type MismatchFields = Pick<RequirementRow, "priority" | "status" | "feasibility" | "dsFeasibility" | "itFeasibility">;

/**
 * Requirements that stand between business and the other two disciplines, of the given
 * priorities (all by default): infeasible for either discipline, not yet assessed by both,
 * or where IT operations and data science disagree. Each says which discipline it is about.
 */
export function mismatchesOf<T extends MismatchFields>(
  rows: T[],
  priorities: ReadonlyArray<T["priority"]> = ["must", "should", "could"],
): { infeasible: T[]; unassessed: T[]; disagree: T[] } {
  const active = rows.filter((r) => r.status === "active" && priorities.includes(r.priority));
  return {
    infeasible: active.filter((r) => r.feasibility === "infeasible"),
    unassessed: active.filter((r) => r.feasibility === "unassessed"),
    disagree: active.filter((r) => verdictsDisagree(r.dsFeasibility, r.itFeasibility)),
  };
}

/** Both assessed, and one says infeasible while the other does not. */
export function verdictsDisagree(ds: Feasibility, it: Feasibility): boolean {
  if (ds === "unassessed" || it === "unassessed") return false;
  return (ds === "infeasible") !== (it === "infeasible");
}

export function countMismatches(projectId: number): number {
  return (
    db
      .select({ n: sql<number>`count(*)` })
      .from(requirements)
      .where(
        and(
          eq(requirements.projectId, projectId),
          eq(requirements.status, "active"),
          eq(requirements.priority, "must"),
          sql`${requirements.feasibility} in ('infeasible', 'unassessed')`,
        ),
      )
      .get()?.n ?? 0
  );
}

function loadRequirement(tx: Tx, id: number): Requirement {
  const row = tx.select().from(requirements).where(eq(requirements.id, id)).get();
  if (!row) throw new NotFoundError("No such requirement.");
  return row;
}

function staleRequirement(title: string) {
  return new ConflictError(
    `“${title}” was changed by someone else since you opened the page. Reload to see their version, then make your change again.`,
  );
}

const snapshot = (r: Requirement) => ({
  title: r.title,
  description: r.description,
  target: r.target,
  priority: r.priority,
  status: r.status,
  feasibility: r.feasibility,
  dsFeasibility: r.dsFeasibility,
  dsConditions: r.dsConditions,
  dsNote: r.dsNote,
  itFeasibility: r.itFeasibility,
  itConditions: r.itConditions,
  itNote: r.itNote,
  version: r.version,
});

/** The columns of one discipline's verdict. */
function verdictOf(r: Requirement, d: VerdictDiscipline) {
  return d === "data_science"
    ? {
        feasibility: r.dsFeasibility,
        conditions: r.dsConditions,
        note: r.dsNote,
        version: r.dsVersion,
        assessedById: r.dsAssessedById,
      }
    : {
        feasibility: r.itFeasibility,
        conditions: r.itConditions,
        note: r.itNote,
        version: r.itVersion,
        assessedById: r.itAssessedById,
      };
}

/** Both verdicts back to "not assessed" (the statement they were given on changed). */
const RESET_VERDICTS = {
  feasibility: "unassessed" as const,
  dsFeasibility: "unassessed" as const,
  dsConditions: null,
  dsNote: null,
  dsAssessedById: null,
  dsAssessedAt: null,
  dsVersion: sql`${requirements.dsVersion} + 1`,
  itFeasibility: "unassessed" as const,
  itConditions: null,
  itNote: null,
  itAssessedById: null,
  itAssessedAt: null,
  itVersion: sql`${requirements.itVersion} + 1`,
};

export function createRequirement(
  { actor, projectId, ...input }: RequirementInput & { actor: Actor; projectId: number },
  options?: WriteOptions,
): Requirement {
  return withTx(options, (tx, now) => {
    const project = projectForWrite(tx, actor, projectId, "requirement:state");
    const watch = watchSignOffs(tx, projectId);
    const created = tx
      .insert(requirements)
      .values({ ...input, projectId, createdById: actor.id, createdAt: now, updatedAt: now })
      .returning()
      .get();
    recordActivity(tx, {
      actorId: actor.id,
      projectId,
      entityType: "requirement",
      entityId: created.id,
      action: "requirement.created",
      summary: requirementStated(actor.name, created),
      after: snapshot(created),
      via: actor.via,
      at: now,
    });
    notify(tx, {
      actorId: actor.id,
      drafts: [
        ...verdictNeededDrafts({
          project,
          team: teamOf(tx, projectId),
          actorName: actor.name,
          requirement: created,
          reason: "created",
        }),
        ...staleDrafts(tx, watch, { actorId: actor.id, now }),
      ],
      now,
    });
    return created;
  });
}

/** Whether an edit touches what was assessed, so the verdicts no longer hold. */
export function editResetsAssessment(
  before: RequirementInput & { dsFeasibility: string; itFeasibility: string },
  after: RequirementInput,
) {
  return (
    (before.dsFeasibility !== "unassessed" || before.itFeasibility !== "unassessed") &&
    (before.title !== after.title || before.target !== after.target || before.priority !== after.priority)
  );
}

/**
 * The write every requirement change shares: update only if nobody changed the row since
 * `version` (else a conflict), then one activity row with the old and new version.
 */
function reviseRequirement(
  tx: Tx,
  {
    actor,
    before,
    version,
    set,
    action,
    summary,
    now,
  }: {
    actor: Actor;
    before: Requirement;
    version: number;
    set: SQLiteUpdateSetSource<typeof requirements>;
    action: string;
    summary: (after: Requirement) => string;
    now: number;
  },
): Requirement {
  const after = tx
    .update(requirements)
    .set({ ...set, updatedAt: now, version: sql`${requirements.version} + 1` })
    .where(and(eq(requirements.id, before.id), eq(requirements.version, version)))
    .returning()
    .get();
  if (!after) throw staleRequirement(before.title);
  recordActivity(tx, {
    actorId: actor.id,
    projectId: before.projectId,
    entityType: "requirement",
    entityId: before.id,
    action,
    summary: summary(after),
    before: snapshot(before),
    after: snapshot(after),
    via: actor.via,
    at: now,
  });
  return after;
}

export function updateRequirement(
  {
    actor,
    requirementId,
    version,
    ...input
  }: RequirementInput & { actor: Actor; requirementId: number; version: number },
  options?: WriteOptions,
): Requirement {
  return withTx(options, (tx, now) => {
    const before = loadRequirement(tx, requirementId);
    const project = projectForWrite(tx, actor, before.projectId, "requirement:state");
    if (before.status !== "active") {
      throw new ConflictError("This requirement was withdrawn; it can no longer be edited.");
    }
    const reset = editResetsAssessment(before, input);
    // Only the statement (title, target, priority) is in anyone's view; a description edit stales nobody.
    const statementChanged =
      before.title !== input.title || before.target !== input.target || before.priority !== input.priority;
    const watch = statementChanged ? watchSignOffs(tx, before.projectId) : null;
    const after = reviseRequirement(tx, {
      actor,
      before,
      version,
      now,
      set: { ...input, ...(reset ? RESET_VERDICTS : {}) },
      action: "requirement.updated",
      summary: (after) => requirementRevised(actor.name, after.title, reset ? before : null),
    });
    notify(tx, {
      actorId: actor.id,
      drafts: [
        ...(reset
          ? verdictNeededDrafts({
              project,
              team: teamOf(tx, before.projectId),
              actorName: actor.name,
              requirement: after,
              reason: "reset",
            })
          : []),
        ...staleDrafts(tx, watch, { actorId: actor.id, now }),
      ],
      now,
    });
    return after;
  });
}

export function withdrawRequirement(
  {
    actor,
    requirementId,
    version,
  }: {
    actor: Actor;
    requirementId: number;
    version: number;
  },
  options?: WriteOptions,
): Requirement {
  return withTx(options, (tx, now) => {
    const before = loadRequirement(tx, requirementId);
    projectForWrite(tx, actor, before.projectId, "requirement:state");
    if (before.status === "withdrawn") throw new ConflictError("This requirement is already withdrawn.");
    const watch = watchSignOffs(tx, before.projectId);
    const after = reviseRequirement(tx, {
      actor,
      before,
      version,
      now,
      set: { status: "withdrawn" },
      action: "requirement.withdrawn",
      summary: () => requirementWithdrawn(actor.name, before.title),
    });
    notify(tx, { actorId: actor.id, drafts: staleDrafts(tx, watch, { actorId: actor.id, now }), now });
    return after;
  });
}

/**
 * One discipline's verdict on a requirement (the actor's own seat: IT operations or data
 * science). `version` is that verdict's own version: if someone changed it since the form was
 * opened, the save is refused with what they wrote, never silently overwritten.
 */
export function assessRequirement(
  {
    actor,
    requirementId,
    version,
    feasibility,
    note,
    conditions,
    discipline,
  }: {
    actor: Actor;
    requirementId: number;
    /** The verdict's version the form was opened on; omitted only by API clients that accept last-write-wins. */
    version?: number;
    feasibility: "feasible" | "feasible_with_conditions" | "infeasible";
    note: string;
    conditions: string;
    /** Must be the actor's own seat when given (the API may name it). */
    discipline?: Discipline;
  },
  options?: WriteOptions,
): Requirement {
  return withTx(options, (tx, now) => {
    const before = loadRequirement(tx, requirementId);
    projectForWrite(tx, actor, before.projectId, "requirement:assess");
    const seat = memberSeat(tx, before.projectId, actor.id);
    if (seat !== "it" && seat !== "data_science") {
      throw new ForbiddenError("Only IT operations and data science members give feasibility verdicts.");
    }
    if (discipline && discipline !== seat) {
      throw new ForbiddenError(`You assess for ${disciplineLabel[seat]} only.`);
    }
    if (before.status !== "active") {
      throw new ConflictError("This requirement was withdrawn; it needs no assessment.");
    }
    const old = verdictOf(before, seat);
    if (version !== undefined && version !== old.version) {
      throw new ConflictError(
        `The ${disciplineLabel[seat]} verdict on “${before.title}” was changed by someone else since you opened the page: it is now ${feasibilityLabel[old.feasibility].toLowerCase()}` +
          (old.conditions ? ` (“${old.conditions}”)` : "") +
          ". Reload to see it, then give your verdict again.",
      );
    }
    const verdict = {
      feasibility,
      conditions: feasibility === "feasible" ? null : conditions || null,
      note: note || null,
    };
    const ds = seat === "data_science" ? verdict.feasibility : before.dsFeasibility;
    const it = seat === "it" ? verdict.feasibility : before.itFeasibility;
    const columns =
      seat === "data_science"
        ? {
            dsFeasibility: verdict.feasibility,
            dsConditions: verdict.conditions,
            dsNote: verdict.note,
            dsAssessedById: actor.id,
            dsAssessedAt: now,
            dsVersion: sql`${requirements.dsVersion} + 1`,
          }
        : {
            itFeasibility: verdict.feasibility,
            itConditions: verdict.conditions,
            itNote: verdict.note,
            itAssessedById: actor.id,
            itAssessedAt: now,
            itVersion: sql`${requirements.itVersion} + 1`,
          };
    const watch = watchSignOffs(tx, before.projectId);
    const after = reviseRequirement(tx, {
      actor,
      before,
      version: before.version,
      now,
      set: { ...columns, feasibility: combinedFeasibility(ds, it) },
      action: "requirement.assessed",
      summary: () => requirementAssessed(actor.name, before.title, seat, feasibility),
    });
    notify(tx, { actorId: actor.id, drafts: staleDrafts(tx, watch, { actorId: actor.id, now }), now });
    return after;
  });
}

function memberSeat(tx: Tx, projectId: number, userId: number): Discipline | null {
  return (
    tx
      .select({ d: memberships.discipline })
      .from(memberships)
      .where(and(eq(memberships.projectId, projectId), eq(memberships.userId, userId)))
      .get()?.d ?? null
  );
}

export function getRequirement(id: number) {
  return db.select().from(requirements).where(eq(requirements.id, id)).get();
}
