/**
 * The JSON API is one resource route (app/routes/api.v1.$.ts) that matches the path against
 * the route table (app/api/dispatch.server.ts), as Remix matched the route file per path it
 * replaces: static segments case-insensitively, one decoded segment per parameter, trailing
 * slashes ignored; anything else is the JSON 404. /metrics still labels each request with its
 * operation's path.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { matchApiPath } from "~/api/dispatch.server";
import { apiLimiter } from "~/api/handler.server";
import { routeLabel, setRoutePatterns } from "~/utils/metrics.server";
import { loader } from "~/routes/api.v1.$";
import { resetDatabase } from "../support/database";
import { ORIGIN, testContext } from "../support/requests";
import { api, userWithToken, type TokenUser } from "./api-support";

let owner: TokenUser;
let slug: string;

beforeAll(async () => {
  resetDatabase();
  owner = await userWithToken({ name: "Olu Owner", discipline: "business" });
  const created = await api("POST", "/api/v1/projects", {
    token: owner.token,
    body: { name: "Demand forecast", summary: "Weekly demand per store." },
  });
  slug = created.body.project.slug;
});

beforeEach(() => apiLimiter.reset());

describe("matching a path to its operation", () => {
  it("finds the operation's path and decoded parameters", () => {
    expect(matchApiPath("/api/v1/projects/demand/gate-reviews/12/comments/7")).toMatchObject({
      resource: { path: "/projects/{slug}/gate-reviews/{reviewId}/comments/{commentId}" },
      params: { slug: "demand", reviewId: "12", commentId: "7" },
    });
    expect(matchApiPath("/api/v1/projects/caf%C3%A9")?.params).toEqual({ slug: "café" });
    expect(matchApiPath("/api/v1/projects/a%2Fb")?.params).toEqual({ slug: "a/b" });
  });

  it("prefers a static segment to a parameter", () => {
    expect(matchApiPath("/api/v1/notifications/read")?.resource.path).toBe("/notifications/read");
    expect(matchApiPath("/api/v1/openapi.json")?.resource.path).toBe("/openapi.json");
  });

  it("ignores trailing slashes and the case of static segments, as Remix does", () => {
    expect(matchApiPath("/api/v1/projects/")?.resource.path).toBe("/projects");
    expect(matchApiPath("/API/V1/Projects")?.resource.path).toBe("/projects");
    expect(matchApiPath("/api/v1/projects/Demand")?.params).toEqual({ slug: "Demand" });
  });

  it("matches nothing for unknown paths, empty segments and other prefixes", () => {
    for (const path of [
      "/api/v1",
      "/api/v1/",
      "/api/v1/nothing/here",
      "/api/v1/projects//members",
      "/api/v1/projects/x/members/1/extra",
      "/api/v2/projects",
      "/projects",
    ]) {
      expect(matchApiPath(path), path).toBeNull();
    }
  });
});

describe("answers through the resource route", () => {
  it("serves an operation, with a trailing slash too", async () => {
    for (const path of [`/api/v1/projects/${slug}`, `/api/v1/projects/${slug}/`]) {
      // Straight to the route (api() checks the documented address, which has no trailing slash).
      const request = new Request(`${ORIGIN}${path}`, { headers: { Authorization: `Bearer ${owner.token}` } });
      const answer = await loader({ request, params: { "*": path.slice("/api/v1/".length) }, context: testContext });
      expect(answer.status, path).toBe(200);
      expect(((await answer.json()) as { project: { slug: string } }).project.slug).toBe(slug);
    }
  });

  it("answers 401 before anything else, 405 with Allow for a method the path does not take", async () => {
    expect((await api("GET", `/api/v1/projects/${slug}`)).status).toBe(401);
    const refused = await api("DELETE", `/api/v1/projects/${slug}`, { token: owner.token });
    expect(refused.status).toBe(405);
    expect(refused.body.error.code).toBe("method_not_allowed");
    expect(refused.headers.get("Allow")).toBe("GET, PATCH");
  });

  it("says the length of every answer, so the server leaves small ones uncompressed", async () => {
    for (const [method, path, token] of [
      ["GET", `/api/v1/projects/${slug}`, owner.token],
      ["GET", `/api/v1/projects/${slug}`, null],
      ["GET", "/api/v1/no/such/thing", owner.token],
    ] as const) {
      const answer = await api(method, path, { token });
      const bytes = Buffer.byteLength(JSON.stringify(answer.body));
      expect(answer.headers.get("Content-Length"), path).toBe(String(bytes));
      expect(answer.headers.get("Content-Type")).toBe("application/json");
    }
  });

  it("answers the JSON 404 for an address of no operation", async () => {
    for (const path of ["/api/v1/no/such/thing", "/api/v1/projects//members", "/api/v1"]) {
      const answer = await api("GET", path, { token: owner.token });
      expect(answer.status, path).toBe(404);
      expect(answer.body.error.code).toBe("not_found");
      expect(answer.headers.get("Cache-Control")).toBe("no-store");
    }
  });
});

describe("metrics labels", () => {
  it("labels an API request with its operation's path, an unknown API path as other", () => {
    setRoutePatterns({
      root: { id: "root", path: "" },
      "routes/$": { id: "routes/$", parentId: "root", path: "*" },
      "routes/api.v1.$": { id: "routes/api.v1.$", parentId: "root", path: "api/v1/*" },
    });
    expect(routeLabel("/api/v1/projects/churn-model-42")).toBe("/api/v1/projects/:slug");
    expect(routeLabel("/api/v1/projects/churn/gate-reviews/3/signoffs")).toBe(
      "/api/v1/projects/:slug/gate-reviews/:reviewId/signoffs",
    );
    expect(routeLabel("/api/v1/openapi.json")).toBe("/api/v1/openapi.json");
    expect(routeLabel("/api/v1/no/such/thing-123")).toBe("other");
    expect(routeLabel("/wp-admin/setup.php")).toBe("other");
  });
});
