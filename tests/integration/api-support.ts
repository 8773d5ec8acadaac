/**
 * Calling the JSON API in integration tests the way Remix does: the request's path is
 * matched against the route files app/routes/api.v1.*.ts (flat-routes naming, read from the
 * directory), and the matching module's loader (GET) or action (anything else) gets a real
 * `Request` and its params. Every answer is checked against the OpenAPI document
 * (api-contract.ts): one outside it fails the test that made the request. (Not a test file:
 * no `.test`.)
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { AppLoadContext } from "@remix-run/node";
import type { Discipline, Role } from "../../app/domain/vocabulary";
import { createToken } from "~/models/tokens.server";
import { ORIGIN, testContext } from "../support/requests";
import { createTestUser, type TestUser } from "../support/users";
import { contractProblems } from "./api-contract";

type RouteModule = {
  loader?: (args: { request: Request; params: Record<string, string>; context: AppLoadContext }) => Promise<Response>;
  action?: (args: { request: Request; params: Record<string, string>; context: AppLoadContext }) => Promise<Response>;
};

const modules = import.meta.glob<RouteModule>("../../app/routes/api.v1.*.ts", { eager: true });

export const ROUTES_DIR = fileURLToPath(new URL("../../app/routes", import.meta.url));

/** "api.v1.projects.$slug.gate-reviews.ts" -> ["projects", "$slug", "gate-reviews"]; "[.]" escapes a dot. */
export function routeSegments(file: string): string[] {
  const name = file.replace(/\.tsx?$/, "").replace(/^api\.v1\./, "");
  return name
    .replace(/\[\.\]/g, "\u0000")
    .split(".")
    .map((s) => s.replace(/\u0000/g, "."));
}

/** The OpenAPI path a route file serves: "/projects/{slug}/gate-reviews". */
export function documentedPathOf(file: string): string {
  return `/${routeSegments(file)
    .map((s) => (s.startsWith("$") ? `{${s.slice(1)}}` : s))
    .join("/")}`;
}

export function apiRouteFiles(): string[] {
  return fs.readdirSync(ROUTES_DIR).filter((f) => /^api\.v1\..+\.tsx?$/.test(f));
}

type Match = { module: RouteModule; params: Record<string, string>; file: string };

function match(pathname: string): Match | null {
  const parts = pathname
    .replace(/^\/api\/v1\/?/, "")
    .split("/")
    .filter(Boolean)
    .map(decodeURIComponent);
  let best: (Match & { score: number }) | null = null;
  for (const [key, module] of Object.entries(modules)) {
    const file = path.basename(key);
    const segments = routeSegments(file);
    const params: Record<string, string> = {};
    let score = 0;
    let ok = true;
    if (segments.length === 1 && segments[0] === "$") {
      params["*"] = parts.join("/");
      score = -1;
    } else if (segments.length !== parts.length) {
      ok = false;
    } else {
      segments.forEach((segment, i) => {
        if (segment.startsWith("$")) params[segment.slice(1)] = parts[i];
        else if (segment === parts[i]) score += 1;
        else ok = false;
      });
    }
    if (ok && (!best || score > best.score)) best = { module, params, file, score };
  }
  return best;
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

/** Sends `method path` through the route module that serves it, as the server would. */
export async function api<T = any>(method: string, pathname: string, call: ApiCall = {}): Promise<ApiAnswer<T>> {
  const url = new URL(pathname, ORIGIN);
  const found = match(url.pathname);
  if (!found) throw new Error(`No API route file serves ${url.pathname}`);
  const headers = new Headers(call.headers);
  if (call.token) headers.set("Authorization", `Bearer ${call.token}`);
  let body: string | undefined;
  if (call.raw !== undefined) body = call.raw;
  else if (call.body !== undefined) body = JSON.stringify(call.body);
  if (body !== undefined && call.contentType !== null)
    headers.set("Content-Type", call.contentType ?? "application/json");
  const request = new Request(url, { method, headers, body });
  const handler = method === "GET" || method === "HEAD" ? found.module.loader : found.module.action;
  if (!handler) throw new Error(`${found.file} has no ${method === "GET" ? "loader" : "action"}`);
  const response = await handler({ request, params: found.params, context: testContext });
  if (!(response instanceof Response)) throw new Error(`${found.file} answered ${method} without a Response`);
  const text = await response.text();
  const type = response.headers.get("Content-Type") ?? "";
  const answer = {
    status: response.status,
    headers: response.headers,
    body: type.includes("json") && text ? JSON.parse(text) : text,
    file: found.file,
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
