/**
 * The audit log. Every mutation appends exactly one row through `recordActivity`, inside
 * the same transaction as the change. The table refuses UPDATE and DELETE (triggers).
 */
import { and, desc, eq, lt } from "drizzle-orm";
import { db, type Db, type Tx } from "../../db/client.server";
import { activity, users } from "../../db/schema";
import { noteWrite } from "./data-version.server";

export type Via = "web" | "api" | "cli";

export type ActivityInput = {
  actorId: number | null;
  projectId?: number | null;
  entityType: string;
  entityId?: number | null;
  action: string;
  summary: string;
  before?: unknown;
  after?: unknown;
  via?: Via;
  at?: number;
};

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

export function recordActivity(tx: Tx | Db, input: ActivityInput): void {
  noteWrite();
  tx.insert(activity)
    .values({
      at: input.at ?? Date.now(),
      actorId: input.actorId,
      projectId: input.projectId ?? null,
      entityType: input.entityType,
      entityId: input.entityId ?? null,
      action: input.action,
      summary: input.summary,
      before: json(input.before),
      after: json(input.after),
      via: input.via ?? "web",
    })
    .run();
}

export type ActivityRow = {
  id: number;
  at: number;
  action: string;
  summary: string;
  entityType: string;
  entityId: number | null;
  before: string | null;
  after: string | null;
  via: string;
  actorName: string | null;
};

const activityColumns = {
  id: activity.id,
  at: activity.at,
  action: activity.action,
  summary: activity.summary,
  entityType: activity.entityType,
  entityId: activity.entityId,
  before: activity.before,
  after: activity.after,
  via: activity.via,
  actorName: users.name,
};

/** A project's timeline, newest first, paged by id (`before` = last id of the previous page). */
export function listProjectActivity({
  projectId,
  before,
  limit = 50,
}: {
  projectId: number;
  before?: number;
  limit?: number;
}): ActivityRow[] {
  return db
    .select(activityColumns)
    .from(activity)
    .leftJoin(users, eq(users.id, activity.actorId))
    .where(before ? and(eq(activity.projectId, projectId), lt(activity.id, before)) : eq(activity.projectId, projectId))
    .orderBy(desc(activity.id))
    .limit(limit)
    .all();
}

/** One entity's history (a requirement's versions, a debt item's changes), newest first. */
export function listEntityActivity({
  entityType,
  entityId,
  projectId,
}: {
  entityType: string;
  entityId: number;
  projectId?: number;
}): ActivityRow[] {
  return db
    .select(activityColumns)
    .from(activity)
    .leftJoin(users, eq(users.id, activity.actorId))
    .where(
      and(
        eq(activity.entityType, entityType),
        eq(activity.entityId, entityId),
        projectId ? eq(activity.projectId, projectId) : undefined,
      ),
    )
    .orderBy(desc(activity.id))
    .all();
}
