/**
 * The whole JSON API as one resource route (app/routes/api.v1.$.ts): the request's path is
 * matched against the route table's paths (app/api/route-table.server.ts) and handed to that
 * path's endpoints (app/api/operations.server.ts), which answer 405 for a method the path does
 * not take. A path of no operation is a JSON 404.
 *
 * Why not a route file per path: Remix flattens and ranks every route module on each request
 * (issue 15), so ~30 API route modules cost every page, not only the API. Matching here follows
 * Remix's rules for the paths it replaces: static segments compare case-insensitively and beat
 * a parameter, a parameter is one whole decoded segment, trailing slashes are ignored, and an
 * empty segment matches nothing.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiResource, errorResponse, type Endpoint } from "~/api/handler.server";
import { apiEndpoints } from "~/api/operations.server";
import { API_BASE, apiRoutes, type ApiRoute } from "~/api/route-table.server";
import { setApiRoutePatterns } from "~/utils/metrics.server";

type Handler = (args: LoaderFunctionArgs | ActionFunctionArgs) => Promise<Response>;

type Resource = {
  /** The route table's path: "/projects/{slug}". */
  path: string;
  /** Lower-cased static segments, or `{ param }` for a path parameter. */
  segments: (string | { param: string })[];
  /** Static segments count 10, parameters 3 (as Remix ranks routes). */
  score: number;
  handle: Handler;
};

function compile(path: string, endpoints: Endpoint[]): Resource {
  const segments = path
    .split("/")
    .filter(Boolean)
    .map((s) => (/^\{\w+\}$/.test(s) ? { param: s.slice(1, -1) } : s.toLowerCase()));
  const score = segments.reduce<number>((sum, s) => sum + (typeof s === "string" ? 10 : 3), 0);
  return { path, segments, score, handle: apiResource(...endpoints) };
}

function buildResources(endpoints: Endpoint[], routes: ApiRoute[]): Resource[] {
  const byPath = new Map<string, Endpoint[]>();
  for (const e of endpoints) byPath.set(e.route.path, [...(byPath.get(e.route.path) ?? []), e]);
  // Every operation of the table is served, once: a missing handler would be a silent 405.
  for (const route of routes) {
    const served = endpoints.filter((e) => e.route === route).length;
    if (served !== 1) throw new Error(`${route.method} ${route.path} has ${served} endpoints (needs exactly one).`);
  }
  return [...byPath].map(([path, list]) => compile(path, list)).sort((a, b) => b.score - a.score);
}

const resources = buildResources(apiEndpoints, Object.values(apiRoutes));

// /metrics labels API requests with their operation's path, not "other" (app/utils/metrics.server.ts).
setApiRoutePatterns(resources.map((r) => `${API_BASE}${r.path.replace(/\{(\w+)\}/g, ":$1")}`));

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // as Remix: a malformed escape is matched as written
  }
}

/** The resource serving `pathname` (the full path, /api/v1/...) and its path parameters, or null. */
export function matchApiPath(pathname: string): { resource: Resource; params: Record<string, string> } | null {
  const parts = pathname.replace(/\/+$/, "").split("/").slice(1).map(decode);
  if (parts[0]?.toLowerCase() !== "api" || parts[1]?.toLowerCase() !== "v1") return null;
  const rest = parts.slice(2);
  for (const resource of resources) {
    if (resource.segments.length !== rest.length) continue;
    const params: Record<string, string> = {};
    const ok = resource.segments.every((segment, i) => {
      const part = rest[i];
      if (part === "") return false;
      if (typeof segment === "string") return part.toLowerCase() === segment;
      params[segment.param] = part;
      return true;
    });
    if (ok) return { resource, params };
  }
  return null;
}

const notFound = () =>
  errorResponse(404, "not_found", "There is no API endpoint at this address. See /api/v1/openapi.json.");

/** The loader and action of app/routes/api.v1.$.ts. */
export async function dispatchApi(args: LoaderFunctionArgs | ActionFunctionArgs): Promise<Response> {
  const found = matchApiPath(new URL(args.request.url).pathname);
  if (!found) return notFound();
  return found.resource.handle({ ...args, params: found.params });
}

/** Each path's handler (its endpoints by method), for tests that call one path directly. */
export function apiResourcesByPath(): Map<string, Handler> {
  return new Map(resources.map((r) => [r.path, r.handle]));
}
