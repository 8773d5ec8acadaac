/**
 * Calling the JSON API in integration tests the way Remix does: the request goes to the API's
 * one resource route (app/routes/api.v1.$.ts), whose loader (GET) or action (anything else)
 * gets a real `Request` and matches its path against the route table
 * (app/api/dispatch.server.ts). Every answer is checked against the OpenAPI document
 * (api-contract.ts): one outside it fails the test that made the request. (Not a test file:
 * no `.test`.)
 */
import type { AppLoadContext } from "@remix-run/node";
import type { Discipline, Role } from "../../app/domain/vocabulary";
import { apiResourcesByPath, matchApiPath } from "~/api/dispatch.server";
import { createToken } from "~/models/tokens.server";
import * as apiRoute from "../../app/routes/api.v1.$";
import { ORIGIN, testContext } from "../support/requests";
import { createTestUser, type TestUser } from "../support/users";
import { contractProblems } from "./api-contract";

type RouteArgs = { request: Request; params: Record<string, string>; context: AppLoadContext };
type RouteModule = {
  loader?: (args: RouteArgs) => Promise<Response>;
  action?: (args: RouteArgs) => Promise<Response>;
};

/** The route table's paths the API serves ("/projects/{slug}/gate-reviews"). */
export function servedApiPaths(): string[] {
  return [...apiResourcesByPath().keys()];
}

/**
 * Each served path as a route module of its own, called with the params given (for tests that
 * build a request per operation and need no path matching).
 */
export function apiModuleByPath(): Map<string, RouteModule> {
  return new Map(
    [...apiResourcesByPath()].map(([path, handle]) => [path, { loader: handle, action: handle } as RouteModule]),
  );
}

export type ApiCall = {
  token?: string | null;
  body?: unknown;
  /** A raw body, sent as is (with `contentType`). */
  raw?: string;
  contentType?: string | null;
  headers?: Record<string, string>;
};

export type ApiAnswer<T = any> = { status: number; headers: Headers; body: T; file: string };

/** Sends `method path` through the API's resource route, as the server would. */
export async function api<T = any>(method: string, pathname: string, call: ApiCall = {}): Promise<ApiAnswer<T>> {
  const url = new URL(pathname, ORIGIN);
  if (!url.pathname.startsWith("/api/v1")) throw new Error(`${url.pathname} is not under /api/v1`);
  const headers = new Headers(call.headers);
  if (call.token) headers.set("Authorization", `Bearer ${call.token}`);
  let body: string | undefined;
  if (call.raw !== undefined) body = call.raw;
  else if (call.body !== undefined) body = JSON.stringify(call.body);
  if (body !== undefined && call.contentType !== null)
    headers.set("Content-Type", call.contentType ?? "application/json");
  const request = new Request(url, { method, headers, body });
  const handler = method === "GET" || method === "HEAD" ? apiRoute.loader : apiRoute.action;
  const params = { "*": url.pathname.replace(/^\/api\/v1\/?/, "") };
  const response = await handler({ request, params, context: testContext } as Parameters<typeof handler>[0]);
  // Which operation path served it (or the JSON 404), for messages.
  const file = matchApiPath(url.pathname)?.resource.path ?? "api.v1.$.ts (404)";
  if (!(response instanceof Response)) throw new Error(`${file} answered ${method} without a Response`);
  const text = await response.text();
  const type = response.headers.get("Content-Type") ?? "";
  const answer = {
    status: response.status,
    headers: response.headers,
    body: type.includes("json") && text ? JSON.parse(text) : text,
    file,
  };
  const problems = contractProblems({
    method,
    pathname: url.pathname,
    status: answer.status,
    contentType: type,
    body: answer.body,
  });
  if (problems.length)
    throw new Error(`The answer breaks the API contract (the OpenAPI document):\n${problems.join("\n")}`);
  return answer;
}

export type TokenUser = TestUser & { token: string };

/** A person with a fresh API token. */
export async function userWithToken(
  overrides: { name?: string; discipline?: Discipline; role?: Role } = {},
): Promise<TokenUser> {
  const user = await createTestUser(overrides);
  const { token } = createToken({ actor: null, userId: user.id, name: "tests", expiresOn: null });
  return { ...user, token };
}

/** The rows of the tables an API write could touch, to prove a refused request changed nothing. */
export function snapshotTables(sqlite: { prepare: (sql: string) => { all: () => unknown[] } }) {
  const tables = [
    "activity",
    "projects",
    "memberships",
    "requirements",
    "gate_reviews",
    "gate_criteria",
    "sign_offs",
    "review_comments",
    "review_comment_revisions",
    "review_comment_mentions",
    "debt_items",
    "repayment_steps",
    "webhook_deliveries",
  ];
  return Object.fromEntries(tables.map((t) => [t, sqlite.prepare(`select * from ${t} order by rowid`).all()]));
}
