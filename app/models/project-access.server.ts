/**
 * Reading one project and checking who may change it: the bottom of the model layer, so every
 * model that writes a project's data (gates, sign-offs, debt, requirements) starts its
 * transaction with `projectForWrite` without importing the project lifecycle
 * (projects.server.ts), which itself withdraws reviews and writes off debt
 * (docs/architecture.md, "Layers").
 */
import { and, eq } from "drizzle-orm";
import { db, type Tx } from "../../db/client.server";
import { memberships, projects, projectSlugs, users, type Project } from "../../db/schema";
import type { Discipline } from "~/domain/vocabulary";
import { ForbiddenError, NotFoundError } from "~/domain/errors";
import { projectStateLabel } from "~/domain/labels";
import { can, type ProjectContext } from "~/domain/permissions";
import type { Actor } from "./users.server";

export type ProjectWithOwner = Project & { ownerName: string };

export const projectColumns = {
  id: projects.id,
  slug: projects.slug,
  name: projects.name,
  summary: projects.summary,
  businessCase: projects.businessCase,
  stage: projects.stage,
  state: projects.state,
  stopCause: projects.stopCause,
  stopNote: projects.stopNote,
  ownerId: projects.ownerId,
  stageEnteredAt: projects.stageEnteredAt,
  closedAt: projects.closedAt,
  createdAt: projects.createdAt,
  updatedAt: projects.updatedAt,
  version: projects.version,
  ownerName: users.name,
};

export type ProjectLookup =
  { kind: "found"; project: ProjectWithOwner } | { kind: "moved"; slug: string } | { kind: "missing" };

/** By slug; a slug the project had before a rename answers "moved" with the new one. */
export function findProjectBySlug(slug: string): ProjectLookup {
  const project = db
    .select(projectColumns)
    .from(projects)
    .innerJoin(users, eq(users.id, projects.ownerId))
    .where(eq(projects.slug, slug))
    .get();
  if (project) return { kind: "found", project };
  const old = db
    .select({ slug: projects.slug })
    .from(projectSlugs)
    .innerJoin(projects, eq(projects.id, projectSlugs.projectId))
    .where(eq(projectSlugs.slug, slug))
    .get();
  return old ? { kind: "moved", slug: old.slug } : { kind: "missing" };
}

export function getProject(projectId: number): ProjectWithOwner | undefined {
  return db
    .select(projectColumns)
    .from(projects)
    .innerJoin(users, eq(users.id, projects.ownerId))
    .where(eq(projects.id, projectId))
    .get();
}

export function memberDiscipline(projectId: number, userId: number): Discipline | null {
  return (
    db
      .select({ d: memberships.discipline })
      .from(memberships)
      .where(and(eq(memberships.projectId, projectId), eq(memberships.userId, userId)))
      .get()?.d ?? null
  );
}

/** The project as `can()` sees it for this user. */
export function projectContext(project: Pick<Project, "id" | "ownerId" | "state">, userId: number): ProjectContext {
  return {
    ownerId: project.ownerId,
    state: project.state,
    memberDiscipline: memberDiscipline(project.id, userId),
  };
}

/** Loads a project for a write and checks permission: the start of every model mutation. */
export function projectForWrite(
  tx: Tx,
  actor: Actor,
  projectId: number,
  action: Parameters<typeof can>[1],
  discipline?: Discipline | null,
  authorId?: number | null,
): Project {
  const project = tx.select().from(projects).where(eq(projects.id, projectId)).get();
  if (!project) throw new NotFoundError("No such project.");
  const membership = tx
    .select({ d: memberships.discipline })
    .from(memberships)
    .where(and(eq(memberships.projectId, projectId), eq(memberships.userId, actor.id)))
    .get();
  const context: ProjectContext = {
    ownerId: project.ownerId,
    state: project.state,
    memberDiscipline: membership?.d ?? null,
  };
  if (!can(actor, action, { project: context, discipline, authorId })) {
    throw new ForbiddenError(forbiddenMessage(action, context));
  }
  return project;
}

/** Why `can` refused a project action, in words (pages and models say the same). */
export function forbiddenMessage(action: string, context: ProjectContext): string {
  if (context.state === "stopped" || context.state === "retired") {
    return `This project is ${projectStateLabel[context.state].toLowerCase()}, so it can no longer be changed.`;
  }
  if (action.startsWith("gate:") && context.state !== "active") {
    return "Gate reviews are paused while the project is on hold.";
  }
  if (!context.memberDiscipline) return "Only members of this project can change it.";
  if (action === "gate:clear-attestation") {
    return "Only whoever attested it or a member of its discipline can clear this attestation.";
  }
  return "Your discipline on this project cannot do that.";
}
