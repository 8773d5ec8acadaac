/**
 * Every page needs a signed-in user: anonymous visitors go to /login (with where they were
 * going), or to /setup while nobody exists. The route files are discovered, so a new page
 * that forgets its guard fails here. Public pages are listed explicitly.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { resetDatabase } from "../support/database";
import { callAction, callLoader } from "../support/requests";
import { createTestUser } from "../support/users";

type RouteModule = {
  loader?: (args: LoaderFunctionArgs) => unknown;
  action?: (args: ActionFunctionArgs) => unknown;
};

const modules = import.meta.glob<RouteModule>(["/app/routes/*.tsx", "/app/routes/*/route.tsx"]);

/**
 * Pages anyone may open: signing in, first-run setup, signing out, and the benchmark's
 * floor (a fixed table of made-up rows that reads no data, by design).
 */
/**
 * Pages anyone may open. `unsubscribe.$token`: the one-click link of a notification e-mail
 * (RFC 8058) — the signed token is the authority, never a session.
 */
const PUBLIC = new Set(["login", "setup", "logout", "bench.floor", "unsubscribe.$token"]);

/** A URL and params for a flat-route file name: people.$userId -> /people/1. */
function exampleUrl(file: string) {
  const name = file.replace(/^\/app\/routes\//, "").replace(/(\/route)?\.tsx$/, "");
  const params: Record<string, string> = {};
  const segments: string[] = [];
  for (const raw of name.split(".")) {
    const segment = raw.replace(/^\((.*)\)$/, "$1"); // optional segments: include them
    if (segment === "_index" || segment.startsWith("_")) continue;
    if (segment === "$") {
      params["*"] = "no/such/page";
      segments.push("no", "such", "page");
    } else if (segment.startsWith("$")) {
      params[segment.slice(1)] = "1";
      segments.push("1");
    } else {
      segments.push(segment.replace(/_$/, "").replace(/\[(.*?)\]/g, "$1"));
    }
  }
  return { name, path: `/${segments.join("/")}`, params };
}

const routes = Object.keys(modules)
  .map(exampleUrl)
  .filter((r) => !PUBLIC.has(r.name));

it("finds the app's pages", () => {
  const names = routes.map((r) => r.name);
  expect(names).toEqual(
    expect.arrayContaining(["_index", "people._index", "people.new", "people.$userId", "account", "$"]),
  );
});

describe("on an empty database", () => {
  beforeAll(() => {
    resetDatabase();
  });

  it.each(routes)("$name sends an anonymous visitor to /setup", async ({ name, path, params }) => {
    const route = await modules[Object.keys(modules).find((f) => exampleUrl(f).name === name)!]();
    if (!route.loader) return;
    const result = await callLoader(route.loader, path, { params });
    expect(result).toMatchObject({ status: 302, location: "/setup" });
  });
});

describe("once someone exists", () => {
  beforeAll(async () => {
    resetDatabase();
    await createTestUser();
  });

  it.each(routes)("$name sends an anonymous visitor to /login and back", async ({ name, path, params }) => {
    const route = await modules[Object.keys(modules).find((f) => exampleUrl(f).name === name)!]();
    const here = `${path}?tab=a&b=c`;
    const expected =
      path === "/" ? "/login?redirectTo=%2F%3Ftab%3Da%26b%3Dc" : `/login?redirectTo=${encodeURIComponent(here)}`;
    if (route.loader) {
      const result = await callLoader(route.loader, here, { params });
      expect(result).toMatchObject({ status: 302, location: expected });
    }
    if (route.action) {
      const result = await callAction(route.action, here, { params, form: { intent: "x" } });
      expect(result).toMatchObject({ status: 302, location: expected });
    }
  });

  it("sends a visitor of the dashboard to plain /login", async () => {
    const index = await import("~/routes/_index");
    expect(await callLoader(index.loader, "/")).toMatchObject({ status: 302, location: "/login" });
  });

  it("a stale or forged session cookie counts as anonymous", async () => {
    const index = await import("~/routes/people._index");
    for (const cookie of ["triad_session=forged", "triad_session=%E0%A4%A", "other=1"]) {
      expect(await callLoader(index.loader, "/people", { cookie })).toMatchObject({
        status: 302,
        location: "/login?redirectTo=%2Fpeople",
      });
    }
  });
});
