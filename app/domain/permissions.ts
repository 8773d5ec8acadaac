/**
 * Who may do what: one function, `can`, used by the UI to hide controls and by every
 * loader, action and API handler to refuse them. Everyone signed in may read everything;
 * only a project's members change it; admins manage people and templates but never sign
 * for anyone.
 */
import type { Discipline, ProjectState, Role } from "~/domain/vocabulary";

export type PermissionUser = {
  id: number;
  role: Role;
  discipline: Discipline;
};

/** A project as seen by one user: their membership discipline there, if any. */
export type ProjectContext = {
  ownerId: number;
  state: ProjectState;
  /** The acting user's discipline on this project, or null when not a member. */
  memberDiscipline: Discipline | null;
};

export type Action =
  | "people:manage"
  | "templates:manage"
  | "webhooks:manage"
  | "mail:manage"
  | "project:create"
  | "project:edit"
  | "project:change-state"
  | "project:reopen"
  | "team:manage"
  | "requirement:state"
  | "requirement:assess"
  | "gate:open"
  | "gate:sign"
  | "gate:attest"
  | "gate:promote"
  | "gate:withdraw"
  | "gate:dismiss"
  | "gate:comment"
  | "gate:clear-attestation"
  | "debt:write";

export type Target = {
  project?: ProjectContext;
  /**
   * gate:sign — the discipline panel; gate:attest — the criterion's discipline (null = any);
   * gate:clear-attestation — the discipline the attestation belongs to.
   */
  discipline?: Discipline | null;
  /** gate:clear-attestation — who attested it. */
  authorId?: number | null;
};

export const ADMIN_ACTIONS: Action[] = ["people:manage", "templates:manage", "webhooks:manage", "mail:manage"];

const isAdmin = (user: PermissionUser) => user.role === "admin";

/** Closed projects (stopped or retired) are read-only. */
const isOpen = (state: ProjectState) => state === "active" || state === "on_hold";

export function can(user: PermissionUser, action: Action, target: Target = {}): boolean {
  if (ADMIN_ACTIONS.includes(action)) return isAdmin(user);
  if (action === "project:create") return true;

  const project = target.project;
  if (!project) return false;
  const member = project.memberDiscipline;
  const isOwner = project.ownerId === user.id;

  switch (action) {
    case "project:change-state":
      return isOwner || isAdmin(user);
    case "project:reopen":
      // Only a stopped project, and only an admin: reopening overrides the owner's decision.
      return project.state === "stopped" && isAdmin(user);
    case "team:manage":
      return isOpen(project.state) && (isOwner || isAdmin(user));
    case "project:edit":
      return isOpen(project.state) && (isOwner || isAdmin(user) || member !== null);
    case "requirement:state":
      return isOpen(project.state) && member === "business";
    case "requirement:assess":
      return isOpen(project.state) && (member === "it" || member === "data_science");
    case "debt:write":
      return isOpen(project.state) && member !== null;
    case "gate:open":
    case "gate:promote":
      return project.state === "active" && member !== null;
    case "gate:withdraw":
      return project.state !== "retired" && (member !== null || isOwner || isAdmin(user));
    case "gate:sign":
      // The seat is the person's own discipline (docs/domain.md): a role never widens it.
      return (
        project.state === "active" && member !== null && member === target.discipline && member === user.discipline
      );
    case "gate:dismiss":
      return project.state === "active" && isOwner;
    case "gate:comment":
      return isOpen(project.state) && (member !== null || isOwner);
    case "gate:clear-attestation":
      return (
        project.state === "active" &&
        member !== null &&
        (target.authorId === user.id || (target.discipline != null && target.discipline === member))
      );
    case "gate:attest":
      return (
        project.state === "active" && member !== null && (target.discipline == null || target.discipline === member)
      );
    default:
      return false;
  }
}
