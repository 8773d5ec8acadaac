/**
 * Route matching with the patched @remix-run/router (docs/architecture.md, "Patched
 * dependencies"): ranked branches are remembered per route tree and compiled path patterns
 * per (caseSensitive, end, path). Matching must give what the unpatched rules give: the most
 * specific route wins, trees never share answers, the flags keep patterns apart, and the
 * pattern map starting over loses nothing.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

// The CommonJS build, which is what the server loads (and what the patch changes).
const require = createRequire(import.meta.url);
const routerPath = require.resolve("@remix-run/router");
const router = require("@remix-run/router") as typeof import("@remix-run/router");

type Route = import("@remix-run/router").AgnosticRouteObject;

const tree = (): Route[] => [
  {
    id: "root",
    path: "",
    children: [
      { id: "home", index: true },
      { id: "projects", path: "projects", children: [{ id: "projects-index", index: true }] },
      { id: "project-new", path: "projects/new" },
      { id: "project", path: "projects/:slug", children: [{ id: "gate", path: "gate" }] },
      { id: "splat", path: "*" },
    ],
  },
];

const ids = (routes: Route[], path: string) => router.matchRoutes(routes, path)?.map((m) => m.route.id) ?? null;

describe("route matching (patched router)", () => {
  it("is the patched build that npm install made", () => {
    expect(fs.readFileSync(routerPath, "utf8")).toContain("Triad patch");
  });

  it("picks the most specific route, the same on every call of the same tree", () => {
    const routes = tree();
    for (let i = 0; i < 3; i++) {
      expect(ids(routes, "/projects/new")).toEqual(["root", "project-new"]);
      expect(ids(routes, "/projects/alpha/gate")).toEqual(["root", "project", "gate"]);
      expect(ids(routes, "/projects")).toEqual(["root", "projects", "projects-index"]);
      expect(ids(routes, "/")).toEqual(["root", "home"]);
      expect(ids(routes, "/nowhere/at/all")).toEqual(["root", "splat"]);
    }
    expect(router.matchRoutes(routes, "/projects/alpha%20beta/gate")?.[1].params).toEqual({ slug: "alpha beta" });
  });

  it("never answers for one tree with another's branches", () => {
    const first = tree();
    expect(ids(first, "/projects/new")).toEqual(["root", "project-new"]);
    const second: Route[] = [{ id: "only", path: "projects/:slug" }];
    expect(ids(second, "/projects/new")).toEqual(["only"]);
    expect(ids(second, "/")).toBeNull();
    expect(ids(first, "/projects/new")).toEqual(["root", "project-new"]);
  });

  it("keeps case-sensitive and prefix patterns apart from the same path's others", () => {
    expect(router.matchPath({ path: "/Projects", caseSensitive: true }, "/projects")).toBeNull();
    expect(router.matchPath({ path: "/Projects", caseSensitive: false }, "/projects")).not.toBeNull();
    expect(router.matchPath({ path: "/Projects", caseSensitive: true }, "/Projects")).not.toBeNull();
    expect(router.matchPath({ path: "/projects", end: true }, "/projects/alpha")).toBeNull();
    expect(router.matchPath({ path: "/projects", end: false }, "/projects/alpha")?.pathnameBase).toBe("/projects");
    expect(router.matchPath({ path: "/projects", end: true }, "/projects/alpha")).toBeNull();
  });

  it("still matches after more patterns than the map keeps", () => {
    for (let i = 0; i < 2_500; i++) {
      expect(router.matchPath(`/projects/p-${i}`, `/projects/p-${i}`)?.pathname).toBe(`/projects/p-${i}`);
    }
    expect(router.matchPath("/projects/p-1", "/projects/p-2")).toBeNull();
    expect(router.matchPath("/projects/:slug", "/projects/p-2")?.params).toEqual({ slug: "p-2" });
  });
});
