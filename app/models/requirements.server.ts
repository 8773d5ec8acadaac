/**
 * Requirements and their feasibility. Business members state them; IT and data science
 * assess them. Changing what was assessed (title, target, priority) resets the assessment;
 * the previous version stays in the activity log.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { db, type Tx } from "../../db/client.server";
import { requirements, users, type Requirement } from "../../db/schema";
import { ConflictError, NotFoundError } from "~/domain/errors";
import { feasibilityLabel, priorityLabel } from "~/domain/labels";
import { recordActivity } from "./activity.server";
import { projectForWrite } from "./projects.server";
import type { Actor } from "./users.server";

export type RequirementInput = {
  title: string;
  description: string;
  target: string;
  priority: Requirement["priority"];
};

const assessor = alias(users, "assessor");
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
      feasibilityNote: requirements.feasibilityNote,
      conditions: requirements.conditions,
      assessedAt: requirements.assessedAt,
      assessedByName: assessor.name,
      createdByName: author.name,
      createdAt: requirements.createdAt,
      updatedAt: requirements.updatedAt,
      version: requirements.version,
    })
    .from(requirements)
    .leftJoin(assessor, eq(assessor.id, requirements.assessedById))
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

/** Must-haves that block the triangle: infeasible, or not yet assessed. */
export function mismatchesOf<T extends Pick<RequirementRow, "priority" | "status" | "feasibility">>(
  rows: T[],
): { infeasible: T[]; unassessed: T[] } {
  const musts = rows.filter((r) => r.status === "active" && r.priority === "must");
  return {
    infeasible: musts.filter((r) => r.feasibility === "infeasible"),
    unassessed: musts.filter((r) => r.feasibility === "unassessed"),
  };
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

function loadRequirement(id: number): Requirement {
  const row = db.select().from(requirements).where(eq(requirements.id, id)).get();
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
  feasibilityNote: r.feasibilityNote,
  conditions: r.conditions,
  version: r.version,
});

export function createRequirement({
  actor,
  projectId,
  ...input
}: RequirementInput & { actor: Actor; projectId: number }): Requirement {
  const now = Date.now();
  return db.transaction((tx) => {
    projectForWrite(tx, actor, projectId, "requirement:state");
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
      summary: `${actor.name} stated “${created.title}” (${priorityLabel[created.priority]}: ${created.target})`,
      after: snapshot(created),
      via: actor.via,
      at: now,
    });
    return created;
  });
}

/** Whether an edit touches what was assessed, so the assessment no longer holds. */
export function editResetsAssessment(before: RequirementInput & { feasibility: string }, after: RequirementInput) {
  return (
    before.feasibility !== "unassessed" &&
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
    set: Partial<Requirement>;
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

export function updateRequirement({
  actor,
  requirementId,
  version,
  ...input
}: RequirementInput & { actor: Actor; requirementId: number; version: number }): Requirement {
  const now = Date.now();
  return db.transaction((tx) => {
    const before = loadRequirement(requirementId);
    projectForWrite(tx, actor, before.projectId, "requirement:state");
    if (before.status !== "active") {
      throw new ConflictError("This requirement was withdrawn; it can no longer be edited.");
    }
    const reset = editResetsAssessment(before, input);
    return reviseRequirement(tx, {
      actor,
      before,
      version,
      now,
      set: {
        ...input,
        ...(reset
          ? { feasibility: "unassessed" as const, feasibilityNote: null, conditions: null, assessedById: null, assessedAt: null }
          : {}),
      },
      action: "requirement.updated",
      summary: (after) =>
        `${actor.name} revised “${after.title}”` +
        (reset ? `; its assessment (${feasibilityLabel[before.feasibility]}) was reset` : ""),
    });
  });
}

export function withdrawRequirement({
  actor,
  requirementId,
  version,
}: {
  actor: Actor;
  requirementId: number;
  version: number;
}): Requirement {
  const now = Date.now();
  return db.transaction((tx) => {
    const before = loadRequirement(requirementId);
    projectForWrite(tx, actor, before.projectId, "requirement:state");
    if (before.status === "withdrawn") throw new ConflictError("This requirement is already withdrawn.");
    return reviseRequirement(tx, {
      actor,
      before,
      version,
      now,
      set: { status: "withdrawn" },
      action: "requirement.withdrawn",
      summary: () => `${actor.name} withdrew “${before.title}”`,
    });
  });
}

export function assessRequirement({
  actor,
  requirementId,
  version,
  feasibility,
  note,
  conditions,
}: {
  actor: Actor;
  requirementId: number;
  version: number;
  feasibility: "feasible" | "feasible_with_conditions" | "infeasible";
  note: string;
  conditions: string;
}): Requirement {
  const now = Date.now();
  return db.transaction((tx) => {
    const before = loadRequirement(requirementId);
    projectForWrite(tx, actor, before.projectId, "requirement:assess");
    if (before.status !== "active") {
      throw new ConflictError("This requirement was withdrawn; it needs no assessment.");
    }
    return reviseRequirement(tx, {
      actor,
      before,
      version,
      now,
      set: {
        feasibility,
        feasibilityNote: note || null,
        conditions: feasibility === "feasible" ? null : conditions,
        assessedById: actor.id,
        assessedAt: now,
      },
      action: "requirement.assessed",
      summary: () => `${actor.name} assessed “${before.title}” as ${feasibilityLabel[feasibility].toLowerCase()}`,
    });
  });
}

export function getRequirement(id: number) {
  return db.select().from(requirements).where(eq(requirements.id, id)).get();
}
