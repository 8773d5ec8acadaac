/**
 * The guard every /projects/:slug/* loader and action starts with: who asks, which project,
 * and what they may do there. An old slug (before a rename) redirects to the new address.
 */
import { redirect } from "@remix-run/node";
import { can, type Action, type ProjectContext } from "~/domain/permissions";
import { memoUntilWrite } from "~/models/data-version.server";
import {
  findProjectBySlug,
  forbiddenMessage,
  projectContext,
  type ProjectLookup,
  type ProjectWithOwner,
} from "~/models/projects.server";
import { requireUser, type SessionUser } from "./auth.server";

export type ProjectRequest = {
  user: SessionUser;
  project: ProjectWithOwner;
  context: ProjectContext;
  /** `can(user, action, { project, discipline })` for this project. */
  may: (action: Action, discipline?: ProjectContext["memberDiscipline"]) => boolean;
};

type Lookup =
  Exclude<ProjectLookup, { kind: "found" }> | { kind: "found"; project: ProjectWithOwner; context: ProjectContext };

/**
 * The project at `slug` and this person's standing on it, remembered until the next write
 * (data-version.server.ts): a project page's layout and its tab both start with
 * requireProject, and Remix hands each loader a Request of its own, so the memo (not the
 * request) makes it one lookup per page, and none while nothing changed.
 */
const lookups = new Map<string, { version: string; value: Lookup }>();

function lookUp(slug: string, userId: number): Lookup {
  return memoUntilWrite(
    lookups,
    `${userId}/${slug}`,
    (): Lookup => {
      const found = findProjectBySlug(slug);
      return found.kind === "found" ? { ...found, context: projectContext(found.project, userId) } : found;
    },
    1000,
  );
}

export function requireProject(request: Request, params: { slug?: string }): ProjectRequest {
  const user = requireUser(request);
  const slug = params.slug ?? "";
  const found = lookUp(slug, user.id);
  if (found.kind === "moved") {
    if (request.method !== "GET" && request.method !== "HEAD") {
      // A form opened before a rename still reaches the project, so its version check can
      // answer with a conflict instead of a redirect that silently drops the input.
      return requireProject(request, { slug: found.slug });
    }
    const url = new URL(request.url);
    const rest = url.pathname.slice(`/projects/${slug}`.length);
    throw redirect(`/projects/${found.slug}${rest}${url.search}`, 301);
  }
  if (found.kind === "missing") {
    throw new Response("There is no project at this address. It may have been renamed or never existed.", {
      status: 404,
    });
  }
  // Copies: the memo's objects are shared by every request until the next write.
  const context = { ...found.context };
  return {
    user,
    project: { ...found.project },
    context,
    may: (action, discipline) => can(user, action, { project: context, discipline }),
  };
}

/** The same, and 403 unless the user may do `action` here. */
export function requireProjectWith(
  request: Request,
  params: { slug?: string },
  action: Action,
  discipline?: ProjectContext["memberDiscipline"],
): ProjectRequest {
  const loaded = requireProject(request, params);
  if (!loaded.may(action, discipline)) {
    throw new Response(forbiddenMessage(action, loaded.context), { status: 403 });
  }
  return loaded;
}
