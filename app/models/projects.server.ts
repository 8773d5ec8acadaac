/** Projects: create, edit, list, state changes (hold, resume, stop, retire, reopen), slugs. */
import { and, asc, count, desc, eq, like, sql, type SQL } from "drizzle-orm";
import { db, type Tx } from "../../db/client.server";
import { memberships, projects, projectSlugs, users, type Project } from "../../db/schema";
import { type Discipline, type ProjectState, type Stage } from "~/domain/vocabulary";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/domain/errors";
import { projectStateLabel } from "~/domain/labels";
import {
  openDebtWords,
  projectCreated,
  projectEdited,
  projectReopened,
  projectStateChanged,
} from "~/domain/activity-sentences";
import { can } from "~/domain/permissions";
import { reasonError, writeOffReasonError } from "~/domain/debt";
import { projectChangedDrafts, type ProjectChange } from "~/domain/notify-rules";
import { recordActivity } from "./activity.server";
import { memoUntilWrite } from "./data-version.server";
import { openDebtOf, writeOffOpenDebt } from "./debt/items.server";
import { withdrawOpenReviewOf } from "./gates.server";
import { notify } from "./notifications.server";
import { teamOf } from "./notify-events.server";
import type { Actor } from "./users.server";
import { projectForWrite } from "./project-access.server";
import { withTx, type WriteOptions } from "./transaction.server";

export {
  findProjectBySlug,
  forbiddenMessage,
  getProject,
  memberDiscipline,
  projectContext,
  projectForWrite,
  type ProjectLookup,
  type ProjectWithOwner,
} from "./project-access.server";
import { pagingError } from "~/domain/limits";

export function slugify(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/g, "");
  return base || "project";
}

function slugTaken(tx: Tx, slug: string, exceptProjectId?: number): boolean {
  const current = tx.select({ id: projects.id }).from(projects).where(eq(projects.slug, slug)).get();
  if (current && current.id !== exceptProjectId) return true;
  const old = tx.select({ id: projectSlugs.projectId }).from(projectSlugs).where(eq(projectSlugs.slug, slug)).get();
  return Boolean(old && old.id !== exceptProjectId);
}

function uniqueSlug(tx: Tx, name: string, exceptProjectId?: number): string {
  const base = slugify(name);
  let slug = base;
  for (let n = 2; slugTaken(tx, slug, exceptProjectId); n++) slug = `${base}-${n}`;
  return slug;
}

export type ProjectInput = {
  name: string;
  summary: string;
  businessCase: string;
  ownerId: number;
};

function requireActiveUser(tx: Tx, userId: number, field: string) {
  const user = tx
    .select({ id: users.id, name: users.name, discipline: users.discipline, active: users.active })
    .from(users)
    .where(eq(users.id, userId))
    .get();
  if (!user || !user.active) {
    throw new ValidationError("Choose an active person.", { [field]: "Choose an active person." });
  }
  return user;
}

export function createProject({ actor, ...input }: ProjectInput & { actor: Actor }, options?: WriteOptions): Project {
  return withTx(options, (tx, now) => {
    const owner = requireActiveUser(tx, input.ownerId, "ownerId");
    const slug = uniqueSlug(tx, input.name);
    const project = tx
      .insert(projects)
      .values({ ...input, slug, stageEnteredAt: now, createdAt: now, updatedAt: now })
      .returning()
      .get();
    tx.insert(memberships)
      .values({ projectId: project.id, userId: owner.id, discipline: owner.discipline, createdAt: now })
      .run();
    recordActivity(tx, {
      actorId: actor.id,
      projectId: project.id,
      entityType: "project",
      entityId: project.id,
      action: "project.created",
      summary: projectCreated(actor.name, project.name, owner.name),
      after: { name: project.name, slug, stage: project.stage, state: project.state, ownerId: owner.id },
      via: actor.via,
      at: now,
    });
    return project;
  });
}

export function updateProject(
  { actor, projectId, version, ...input }: ProjectInput & { actor: Actor; projectId: number; version: number },
  options?: WriteOptions,
): Project {
  return withTx(options, (tx, now) => {
    const before = projectForWrite(tx, actor, projectId, "project:edit");
    if (input.ownerId !== before.ownerId) {
      if (
        !can(actor, "project:change-state", {
          project: { ownerId: before.ownerId, state: before.state, memberDiscipline: null },
        })
      ) {
        throw new ForbiddenError("Only the owner or an admin hands the project to a new owner.");
      }
      requireActiveUser(tx, input.ownerId, "ownerId");
      const isMember = tx
        .select({ id: memberships.id })
        .from(memberships)
        .where(and(eq(memberships.projectId, projectId), eq(memberships.userId, input.ownerId)))
        .get();
      if (!isMember) {
        throw new ValidationError("The owner must be on the team.", {
          ownerId: "Add this person to the team first; the owner is always a member.",
        });
      }
    }
    const slug = input.name !== before.name ? uniqueSlug(tx, input.name, projectId) : before.slug;
    const after = tx
      .update(projects)
      .set({ ...input, slug, updatedAt: now, version: sql`${projects.version} + 1` })
      .where(and(eq(projects.id, projectId), eq(projects.version, version)))
      .returning()
      .get();
    if (!after) throw staleProject(before.name);
    if (slug !== before.slug) {
      tx.insert(projectSlugs).values({ slug: before.slug, projectId, retiredAt: now }).onConflictDoNothing().run();
      tx.delete(projectSlugs).where(eq(projectSlugs.slug, slug)).run();
    }
    const changed = (Object.keys(input) as (keyof ProjectInput)[]).filter((k) => input[k] !== before[k]);
    recordActivity(tx, {
      actorId: actor.id,
      projectId,
      entityType: "project",
      entityId: projectId,
      action: "project.updated",
      summary: projectEdited(actor.name, after.name, changed),
      before: Object.fromEntries(
        changed.map((k) => [k, before[k]]).concat(slug !== before.slug ? [["slug", before.slug]] : []),
      ),
      after: Object.fromEntries(changed.map((k) => [k, after[k]]).concat(slug !== before.slug ? [["slug", slug]] : [])),
      via: actor.via,
      at: now,
    });
    return after;
  });
}

export function staleProject(name: string) {
  return new ConflictError(
    `${name} was changed by someone else since you opened the page. Reload to see their changes, then try again.`,
  );
}

/** What happens to the open (open or repaying) debt of a project being stopped. */
export type OpenDebtChoice = "write_off" | "keep";

export type StateChange =
  | { to: "on_hold" | "active" | "retired" }
  | {
      to: "stopped";
      stopCause: NonNullable<Project["stopCause"]>;
      stopNote: string;
      /** Required when the project has open debt: written off (with `writeOffReason`) or kept. */
      openDebt?: OpenDebtChoice;
      writeOffReason?: string;
    };

const ALLOWED: Record<ProjectState, ProjectState[]> = {
  active: ["on_hold", "stopped", "retired"],
  on_hold: ["active", "stopped", "retired"],
  // Stopped projects come back only through reopenProject (an admin, with a reason).
  stopped: [],
  retired: [],
};

const plural = (n: number, word: string) => `${n} open debt ${n === 1 ? word : `${word}s`}`;

/**
 * Hold, resume, stop or retire a project (owner or admin). Stopping withdraws the open gate
 * review and asks what happens to the open debt (docs/domain.md, "Stopping and reopening a
 * project"): `openDebt: "write_off"` writes every open item off with `writeOffReason` (one
 * activity row per item), `"keep"` leaves them as they are. Stopping and retiring set
 * `closedAt`, where "days in stage" stop counting.
 */
export function changeProjectState(
  {
    actor,
    projectId,
    version,
    change,
  }: {
    actor: Actor;
    projectId: number;
    version: number;
    change: StateChange;
  },
  options?: WriteOptions,
): Project {
  return withTx(options, (tx, now) => {
    const before = projectForWrite(tx, actor, projectId, "project:change-state");
    if (!ALLOWED[before.state].includes(change.to)) {
      throw new ConflictError(
        before.state === "stopped" && change.to === "active"
          ? `${before.name} is stopped; an admin can reopen it with a reason.`
          : `A project that is ${projectStateLabel[before.state].toLowerCase()} cannot become ${projectStateLabel[change.to].toLowerCase()}.`,
      );
    }
    if (change.to === "retired" && before.stage !== "production") {
      throw new ConflictError("Only a project in production can be retired. Stop it instead.");
    }
    let openDebt: { choice: OpenDebtChoice; count: number; reason: string | null } | null = null;
    if (change.to === "stopped") {
      const count = openDebtOf(projectId, tx).length;
      if (count > 0) {
        if (change.openDebt !== "write_off" && change.openDebt !== "keep") {
          const them = count === 1 ? "it" : "them";
          const message = `Say what happens to the ${plural(count, "item")}: write ${them} off or keep ${them} open.`;
          throw new ValidationError(message, { openDebt: message });
        }
        const reason = change.openDebt === "write_off" ? (change.writeOffReason ?? "").trim() : null;
        if (change.openDebt === "write_off") {
          const problem = writeOffReasonError(reason);
          if (problem) throw new ValidationError("Check the highlighted fields.", { writeOffReason: problem });
        }
        openDebt = { choice: change.openDebt, count, reason };
      }
    }
    const closes = change.to === "stopped" || change.to === "retired";
    const after = tx
      .update(projects)
      .set({
        state: change.to,
        stopCause: change.to === "stopped" ? change.stopCause : null,
        stopNote: change.to === "stopped" ? change.stopNote : null,
        closedAt: closes ? now : null,
        updatedAt: now,
        version: sql`${projects.version} + 1`,
      })
      .where(and(eq(projects.id, projectId), eq(projects.version, version)))
      .returning()
      .get();
    if (!after) throw staleProject(before.name);
    // A stopped or retired project has no open gate review left behind.
    const withdrawnReview = closes ? withdrawOpenReviewOf(tx, projectId, actor.id, `Project ${change.to}`, now) : null;
    const summary = projectStateChanged({
      actor: actor.name,
      project: after.name,
      to: change.to,
      stop: change.to === "stopped" ? { cause: change.stopCause, note: change.stopNote } : null,
      reviewWithdrawn: withdrawnReview != null,
      openDebt,
    });
    recordActivity(tx, {
      actorId: actor.id,
      projectId,
      entityType: "project",
      entityId: projectId,
      action: "project.state_changed",
      summary,
      before: { state: before.state },
      after: {
        state: after.state,
        ...(change.to === "stopped" ? { stopCause: change.stopCause, stopNote: change.stopNote } : {}),
        ...(withdrawnReview ? { withdrawnReviewId: withdrawnReview } : {}),
        ...(openDebt ? { openDebt: openDebt.choice, openDebtCount: openDebt.count } : {}),
      },
      via: actor.via,
      at: now,
    });
    if (openDebt?.choice === "write_off") {
      writeOffOpenDebt(tx, { actor, projectId, projectName: after.name, reason: openDebt.reason!, now });
    }
    const news: ProjectChange =
      change.to === "stopped"
        ? {
            kind: "stopped",
            cause: change.stopCause,
            note: change.stopNote,
            reviewWithdrawn: withdrawnReview != null,
            debtWords: openDebt ? `${openDebtWords(openDebt.choice, openDebt.count)}.` : undefined,
          }
        : { kind: change.to === "active" ? "resumed" : change.to };
    notify(tx, {
      actorId: actor.id,
      drafts: projectChangedDrafts({
        project: after,
        team: teamOf(tx, projectId),
        actorName: actor.name,
        change: news,
      }),
      now,
    });
    return after;
  });
}

/**
 * An admin brings a stopped project back (docs/domain.md, "Stopping and reopening a project"):
 * it becomes active, `closedAt` and the stop cause are cleared, written-off debt stays written
 * off. `reason` (3-1000 characters) goes into the one activity row, "project.reopened".
 */
export function reopenProject(
  {
    actor,
    projectId,
    version,
    reason,
  }: {
    actor: Actor;
    projectId: number;
    version: number;
    reason: string;
  },
  options?: WriteOptions,
): Project {
  return withTx(options, (tx, now) => {
    const before = tx.select().from(projects).where(eq(projects.id, projectId)).get();
    if (!before) throw new NotFoundError("No such project.");
    if (
      !can(actor, "project:reopen", { project: { ownerId: before.ownerId, state: "stopped", memberDiscipline: null } })
    ) {
      throw new ForbiddenError("Only an admin can reopen a stopped project.");
    }
    if (before.state !== "stopped") {
      throw new ConflictError(
        `${before.name} is ${projectStateLabel[before.state].toLowerCase()}; only a stopped project can be reopened.`,
      );
    }
    const text = reason.trim();
    const problem = reasonError(text, "Say in a sentence why the project is reopened.");
    if (problem) throw new ValidationError(problem, { reason: problem });
    const after = tx
      .update(projects)
      .set({
        state: "active",
        stopCause: null,
        stopNote: null,
        closedAt: null,
        updatedAt: now,
        version: sql`${projects.version} + 1`,
      })
      .where(and(eq(projects.id, projectId), eq(projects.version, version)))
      .returning()
      .get();
    if (!after) throw staleProject(before.name);
    recordActivity(tx, {
      actorId: actor.id,
      projectId,
      entityType: "project",
      entityId: projectId,
      action: "project.reopened",
      summary: projectReopened(actor.name, after.name, text),
      before: {
        state: before.state,
        stopCause: before.stopCause,
        stopNote: before.stopNote,
        closedAt: before.closedAt,
      },
      after: { state: after.state, reason: text },
      via: actor.via,
      at: now,
    });
    notify(tx, {
      actorId: actor.id,
      drafts: projectChangedDrafts({
        project: after,
        team: teamOf(tx, projectId),
        actorName: actor.name,
        change: { kind: "reopened", reason: text },
      }),
      now,
    });
    return after;
  });
}

export const PROJECT_SORTS = ["name", "stage", "state", "updated", "created"] as const;
export type ProjectSort = (typeof PROJECT_SORTS)[number];

export type ProjectFilters = {
  q?: string;
  stage?: Stage;
  state?: ProjectState;
  /** Only projects this user is on (optionally in this discipline). */
  memberId?: number;
  memberDiscipline?: Discipline;
  sort?: ProjectSort;
  page?: number;
  pageSize?: number;
};

const listCache = new Map<string, { version: string; value: ReturnType<typeof computeList> }>();

/**
 * One page of the projects list with its total, remembered until the next write (a count over
 * every project and the page's query, on the most visited list).
 */
export function listProjects(filters: ProjectFilters) {
  const { page = 1, pageSize = 25 } = filters;
  const badPaging = pagingError(page, pageSize);
  if (badPaging) throw new ValidationError(badPaging, { page: badPaging });
  // Every field of the filters, in a fixed order, so a filter added later is part of the key.
  const key = JSON.stringify(Object.entries({ ...filters, page, pageSize }).sort(([a], [b]) => a.localeCompare(b)));
  return memoUntilWrite(listCache, key, () => computeList(filters));
}

function computeList(filters: ProjectFilters) {
  const { page = 1, pageSize = 25, sort = "name" } = filters;
  const where: SQL[] = [];
  if (filters.q) where.push(like(projects.name, `%${filters.q.replace(/[%_]/g, "")}%`));
  if (filters.stage) where.push(eq(projects.stage, filters.stage));
  if (filters.state) where.push(eq(projects.state, filters.state));
  if (filters.memberId) {
    where.push(
      sql`exists (select 1 from ${memberships} where ${memberships.projectId} = ${projects.id} and ${memberships.userId} = ${filters.memberId}${
        filters.memberDiscipline ? sql` and ${memberships.discipline} = ${filters.memberDiscipline}` : sql``
      })`,
    );
  }
  const condition = where.length ? and(...where) : undefined;
  const order = {
    name: [asc(projects.name)],
    stage: [sql`case ${projects.stage} when 'poc' then 0 when 'pilot' then 1 else 2 end`, asc(projects.name)],
    state: [asc(projects.state), asc(projects.name)],
    updated: [desc(projects.updatedAt)],
    created: [desc(projects.createdAt)],
  }[sort];
  const total = db.select({ n: count() }).from(projects).where(condition).get()?.n ?? 0;
  const rows = db
    .select({
      id: projects.id,
      slug: projects.slug,
      name: projects.name,
      summary: projects.summary,
      stage: projects.stage,
      state: projects.state,
      stopCause: projects.stopCause,
      stageEnteredAt: projects.stageEnteredAt,
      closedAt: projects.closedAt,
      updatedAt: projects.updatedAt,
      ownerName: users.name,
      memberCount: sql<number>`(select count(*) from ${memberships} where ${memberships.projectId} = ${projects.id})`,
    })
    .from(projects)
    .innerJoin(users, eq(users.id, projects.ownerId))
    .where(condition)
    .orderBy(...order, asc(projects.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .all();
  return { rows, total, page, pageSize, pages: Math.max(1, Math.ceil(total / pageSize)) };
}

/** Active people to choose an owner or a new member from. */
export function listActivePeople() {
  return db
    .select({ id: users.id, name: users.name, email: users.email, discipline: users.discipline })
    .from(users)
    .where(eq(users.active, true))
    .orderBy(asc(users.name))
    .all();
}
