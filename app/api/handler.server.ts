/**
 * The JSON API's request pipeline, shared by every operation (app/api/operations.server.ts,
 * served by app/api/dispatch.server.ts):
 *
 *   method known? (405) -> bearer token (401) -> rate limit per token (429)
 *   -> query string: known names, once each, valid values (400)
 *   -> body: JSON content type (415), size (413), JSON (400), schema (400)
 *   -> the handler, which calls the same models as the pages with `via: "api"` and returns
 *      a value of its operation's response schema (app/api/schemas.ts; checked outside production)
 *   -> JSON, or one error shape `{error: {code, message, fields?}}`.
 *
 * Models do every check inside their transaction, so a refused request writes nothing.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldErrors } from "~/domain/errors";
import { getDebtItem } from "~/models/debt.server";
import { listReviews } from "~/models/gates.server";
import { findProjectBySlug, type ProjectWithOwner } from "~/models/projects.server";
import { getRequirement } from "~/models/requirements.server";
import { NeedsConfirmation } from "~/models/team.server";
import { authenticateToken } from "~/models/tokens.server";
import type { Actor } from "~/models/users.server";
import { type ApiMethod, type ApiRoute } from "~/api/route-table.server";
import { type ApiErrorBody, type ErrorCode, type ErrorStatus } from "~/api/schemas";
import { MAX_PAGE_SIZE } from "~/domain/limits";
import { readBodyLimit } from "~/utils/http.server";
import { envLimit, RateLimiter } from "~/utils/rate-limit.server";

export type ApiActor = Actor & { via: "api"; tokenId: number };

/** Requests per token per minute (TRIAD_API_LIMIT, default 120). */
export const apiLimiter = new RateLimiter(envLimit("TRIAD_API_LIMIT", 120), 60_000, { name: "api" });
export const apiRateKey = (tokenId: number) => `api:token:${tokenId}`;

/** The largest body read, in bytes (the server's TRIAD_BODY_LIMIT, default 1 MiB). */
export const bodyLimitBytes = readBodyLimit;

const NO_STORE = { "Cache-Control": "no-store" };

/** A refusal decided by the pipeline itself (the domain errors cover the rest). */
export class ApiError extends Error {
  constructor(
    public readonly status: ErrorStatus,
    public readonly code: ErrorCode,
    message: string,
    public readonly extra: Omit<ApiErrorBody["error"], "code" | "message"> = {},
    public readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/**
 * JSON with its Content-Length: the server's compression (app/utils/serving.server.ts) then
 * leaves a small answer (most errors) as it is instead of compressing a few dozen bytes.
 */
function jsonResponse(body: unknown, status: number, headers: Record<string, string>): Response {
  const text = JSON.stringify(body);
  return new Response(text, {
    status,
    headers: { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(text)), ...headers },
  });
}

export function errorResponse(
  status: ErrorStatus,
  code: ErrorCode,
  message: string,
  extra: Omit<ApiErrorBody["error"], "code" | "message"> = {},
  headers: Record<string, string> = {},
): Response {
  const body: ApiErrorBody = { error: { code, message, ...extra } };
  return jsonResponse(body, status, { ...NO_STORE, ...headers });
}

const RESPONSE_CODES: Partial<Record<number, ErrorCode>> = {
  400: "invalid_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
};

/** The one mapping of a thrown error to an API answer. */
export async function apiErrorResponse(error: unknown): Promise<Response> {
  if (error instanceof ApiError)
    return errorResponse(error.status, error.code, error.message, error.extra, error.headers);
  if (error instanceof ValidationError) {
    return errorResponse(
      400,
      "invalid_request",
      error.message,
      Object.keys(error.fields).length ? { fields: error.fields } : {},
    );
  }
  if (error instanceof ForbiddenError) return errorResponse(403, "forbidden", error.message);
  if (error instanceof NotFoundError) return errorResponse(404, "not_found", error.message);
  if (error instanceof NeedsConfirmation) {
    return errorResponse(
      409,
      "confirmation_required",
      `${error.message} Repeat the request with ?confirm=true to go ahead.`,
    );
  }
  if (error instanceof ConflictError) {
    return error.details.length
      ? errorResponse(409, "promotion_blocked", error.message, { blockers: error.details })
      : errorResponse(409, "conflict", error.message);
  }
  if (error instanceof Response && RESPONSE_CODES[error.status]) {
    const text = await error.text().catch(() => "");
    return errorResponse(error.status as ErrorStatus, RESPONSE_CODES[error.status]!, text || "Request refused.");
  }
  if (
    typeof (error as { code?: unknown })?.code === "string" &&
    (error as { code: string }).code.startsWith("SQLITE_CONSTRAINT")
  ) {
    return errorResponse(
      409,
      "conflict",
      "The change collided with another one made at the same moment. Read again and retry.",
    );
  }
  console.error(error);
  return errorResponse(500, "internal_error", "Triad hit an unexpected error. Nothing was changed; try again later.");
}

// ---------- authentication ----------

const UNAUTHORIZED_HEADERS = { "WWW-Authenticate": 'Bearer realm="triad"' };

const TOKEN_REFUSALS = {
  unknown: "This token is not valid.",
  revoked: "This token was revoked. Create a new one at /settings/tokens.",
  expired: "This token has expired. Create a new one at /settings/tokens.",
  deactivated: "The account this token belongs to is deactivated.",
} as const;

export function authenticate(request: Request, now = Date.now()): ApiActor {
  const header = request.headers.get("Authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) {
    throw new ApiError(
      401,
      "unauthorized",
      "Send a personal access token: Authorization: Bearer <token>.",
      {},
      UNAUTHORIZED_HEADERS,
    );
  }
  const check = authenticateToken(match[1], now);
  if (!check.ok) throw new ApiError(401, "unauthorized", TOKEN_REFUSALS[check.reason], {}, UNAUTHORIZED_HEADERS);
  const limit = apiLimiter.hit(apiRateKey(check.value.tokenId), now);
  if (limit.limited) {
    throw new ApiError(
      429,
      "rate_limited",
      `Too many requests with this token. Wait ${limit.retryAfterSeconds} seconds.`,
      {},
      { "Retry-After": String(limit.retryAfterSeconds) },
    );
  }
  const { user, tokenId } = check.value;
  return { id: user.id, name: user.name, role: user.role, discipline: user.discipline, via: "api", tokenId };
}

// ---------- input ----------

function issuesToFields(issues: z.core.$ZodIssue[]): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) fields[[...issue.path, key].join(".")] ??= "Unknown field.";
      continue;
    }
    fields[issue.path.map(String).join(".") || "body"] ??= issue.message;
  }
  return fields;
}

function parseWith<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(`The ${what} is invalid.`, issuesToFields(result.error.issues));
  return result.data;
}

function isJson(contentType: string | null): boolean {
  if (!contentType) return false;
  const [type, ...params] = contentType
    .toLowerCase()
    .split(";")
    .map((p) => p.trim());
  const charset = params
    .find((p) => p.startsWith("charset="))
    ?.slice("charset=".length)
    .replace(/"/g, "");
  return (
    (type === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(type)) && (!charset || charset === "utf-8")
  );
}

/** The body as a JSON object: 415 unless JSON, 413 over the limit, 400 unless an object. */
export async function readJsonObject(request: Request, limit = bodyLimitBytes()): Promise<Record<string, unknown>> {
  if (!isJson(request.headers.get("Content-Type"))) {
    throw new ApiError(
      415,
      "unsupported_media_type",
      "Send the body as JSON, with Content-Type: application/json (UTF-8).",
    );
  }
  const tooLarge = () => new ApiError(413, "payload_too_large", `The request body is larger than ${limit} bytes.`);
  if (Number(request.headers.get("Content-Length") ?? 0) > limit) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        // Stop reading but do not cancel: cancelling destroys the connection before the 413
        // is written. Node drains the unread rest once the answer is sent.
        reader.releaseLock();
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks)));
  } catch {
    throw new ApiError(
      400,
      "invalid_json",
      size === 0 ? "The body is empty: send a JSON object." : "The body is not valid JSON.",
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ApiError(400, "invalid_json", "The body must be a JSON object.");
  }
  return parsed as Record<string, unknown>;
}

const NO_QUERY = z.strictObject({});

/**
 * The query string by `schema`, strictly: a name the operation does not take, a name given
 * twice and an invalid value are each a 400 naming the parameter in `fields`. An empty value
 * (`?stage=`) is the same as leaving the parameter out.
 */
export function parseQuery<S extends z.ZodObject>(schema: S, url: URL): z.output<S> {
  const known = Object.keys(schema.shape);
  const unknownMessage = known.length
    ? `Unknown parameter: this operation takes ${known.join(", ")}.`
    : "Unknown parameter: this operation takes no query parameters.";
  const values: Record<string, string> = {};
  const fields: FieldErrors = {};
  for (const [key, value] of url.searchParams) {
    if (!Object.hasOwn(schema.shape, key)) fields[key] ??= unknownMessage;
    else if (Object.hasOwn(values, key)) fields[key] = `Give ${key} once.`;
    else if (value !== "") values[key] = value;
  }
  const result = schema.safeParse(values);
  if (!result.success) {
    for (const [key, message] of Object.entries(issuesToFields(result.error.issues))) fields[key] ??= message;
  }
  if (!result.success || Object.keys(fields).length) throw new ValidationError("The query string is invalid.", fields);
  return result.data;
}

/** A path id: anything but a positive integer cannot name a row, so it is 404. */
export function idParam(params: Record<string, string | undefined>, name: string, what: string): number {
  const value = params[name] ?? "";
  const id = /^\d{1,15}$/.test(value) ? Number(value) : 0;
  if (!Number.isSafeInteger(id) || id <= 0) throw new NotFoundError(`There is no ${what} ${JSON.stringify(value)}.`);
  return id;
}

/** The project named by `:slug`; a slug from before a rename finds the project too. */
export function projectParam(params: Record<string, string | undefined>): ProjectWithOwner {
  const slug = params.slug ?? "";
  let found = findProjectBySlug(slug);
  if (found.kind === "moved") found = findProjectBySlug(found.slug);
  if (found.kind !== "found") throw new NotFoundError(`There is no project with the slug “${slug}”.`);
  return found.project;
}

/** The requirement named by `:requirementId`, on the project named by `:slug`. */
export function requirementParam(params: Record<string, string | undefined>) {
  const project = projectParam(params);
  const requirement = getRequirement(idParam(params, "requirementId", "requirement"));
  if (!requirement || requirement.projectId !== project.id) {
    throw new NotFoundError("This project has no requirement with that id.");
  }
  return requirement;
}

/** The gate review named by `:reviewId`, which must belong to the project named by `:slug`. */
export function reviewParam(params: Record<string, string | undefined>) {
  const project = projectParam(params);
  const reviewId = idParam(params, "reviewId", "gate review");
  if (!listReviews(project.id).some((r) => r.id === reviewId)) {
    throw new NotFoundError("This project has no gate review with that id.");
  }
  return { project, reviewId };
}

/** The debt item named by `:itemId`, with its steps. */
export function debtItemParam(params: Record<string, string | undefined>) {
  const item = getDebtItem(idParam(params, "itemId", "debt item"));
  if (!item) throw new NotFoundError("There is no such debt item.");
  return item;
}

// ---------- paging cursors ----------

/**
 * Opaque paging cursors: `<base64url JSON of whole numbers>.<HMAC>`, so a client can only hand
 * back a cursor the server made (a hand-made {"page":1,"size":5000} is refused with 400). The
 * key is derived from SESSION_SECRET, or random at each start: without SESSION_SECRET a
 * cursor from before a restart is refused the same way, and the client starts from the first page.
 */
const cursorKey = createHmac("sha256", process.env.SESSION_SECRET || randomBytes(32))
  .update("triad api paging cursor v1")
  .digest();

/**
 * Bounds of each field a cursor may hold, checked even on a signed cursor: a page as far as
 * the longest list can reach at one row a page (its offset stays an exact integer).
 */
const CURSOR_BOUNDS: Record<string, readonly [number, number]> = {
  page: [1, Math.floor(Number.MAX_SAFE_INTEGER / MAX_PAGE_SIZE)],
  size: [1, MAX_PAGE_SIZE],
  before: [1, Number.MAX_SAFE_INTEGER],
};
const DEFAULT_BOUNDS = [0, Number.MAX_SAFE_INTEGER] as const;

const CURSOR_REFUSAL = {
  cursor: "Pass back a nextCursor from an earlier answer, unchanged, or leave cursor out to start from the first page.",
};

const cursorMac = (keys: readonly string[], payload: string) =>
  createHmac("sha256", cursorKey)
    .update(`${[...keys].sort().join(",")}:${payload}`)
    .digest()
    .subarray(0, 16);

function inBounds(key: string, value: unknown): value is number {
  const [min, max] = CURSOR_BOUNDS[key] ?? DEFAULT_BOUNDS;
  return Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
}

export function encodeCursor(value: Record<string, number>): string {
  const keys = Object.keys(value);
  for (const key of keys) {
    if (!inBounds(key, value[key])) throw new RangeError(`Cursor field ${key} out of bounds: ${value[key]}`);
  }
  const payload = Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${payload}.${cursorMac(keys, payload).toString("base64url")}`;
}

/**
 * The fields of a cursor this server made for a list keyed by `keys`; null without a cursor.
 * A forged, altered, foreign or out-of-bounds cursor is a 400 on `cursor`.
 */
export function decodeCursor<K extends string>(
  cursor: string | undefined,
  keys: readonly K[],
): Record<K, number> | null {
  if (!cursor) return null;
  const [payload, mac, extra] = cursor.split(".");
  if (payload && mac && extra === undefined) {
    const expected = cursorMac(keys, payload);
    const given = Buffer.from(mac, "base64url");
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      try {
        const value = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
        const sameKeys = Object.keys(value).length === keys.length && keys.every((k) => Object.hasOwn(value, k));
        if (sameKeys && keys.every((k) => inBounds(k, value[k]))) return value as Record<K, number>;
      } catch {
        // fall through
      }
    }
  }
  throw new ValidationError("The cursor is invalid.", CURSOR_REFUSAL);
}

/**
 * For lists paged by number: the page a cursor names (1 without one). The page size is never
 * in the cursor: it is always the request's validated `limit`.
 */
export function pageFromCursor(cursor: string | undefined): number {
  return decodeCursor(cursor, ["page"])?.page ?? 1;
}

/** The cursor of the page after `page`, or null on the last one. */
export function nextPageCursor(page: number, pages: number): string | null {
  return page < pages ? encodeCursor({ page: page + 1 }) : null;
}

// ---------- endpoints ----------

type Output<S> = S extends z.ZodType ? z.output<S> : undefined;

export type EndpointContext<R extends ApiRoute> = {
  request: Request;
  params: Record<string, string | undefined>;
  context: AppLoadContext;
  actor: ApiActor;
  query: Output<R["query"]>;
  body: Output<R["body"]>;
  /** The body's top-level keys as sent (PATCH bodies change only what they name). */
  sent: Set<string>;
};

/** What a handler returns: exactly its operation's response schema (app/api/schemas.ts). */
export type Reply<R extends ApiRoute> = z.input<R["response"]>;

export type Endpoint = { route: ApiRoute; run: (args: LoaderFunctionArgs | ActionFunctionArgs) => Promise<Response> };

/**
 * Outside production every answer is parsed with its schema before it is sent, so an answer
 * that leaves the contract is a 500 in development and a failing test, never a surprise for a
 * client. Production skips the parse (its cost grows with every list); the types and the tests
 * keep it honest there.
 */
const CHECK_ANSWERS = process.env.NODE_ENV !== "production";

export class ContractError extends Error {
  constructor(route: ApiRoute, error: z.ZodError) {
    super(`${route.operationId} answered outside its response schema:\n${z.prettifyError(error)}`);
    this.name = "ContractError";
  }
}

/** `T` with no top-level field beyond `Shape`'s (deeper levels: the views' declared return types). */
type Exactly<T, Shape> = T & Record<Exclude<keyof T, keyof Shape>, never>;

export function endpoint<R extends ApiRoute, T extends Reply<R>>(
  route: R,
  handle: (ctx: EndpointContext<R>) => Exactly<T, Reply<R>> | Promise<Exactly<T, Reply<R>>>,
): Endpoint {
  const headers = route.headers ?? NO_STORE;
  return {
    route,
    run: async ({ request, params, context }) => {
      const actor = route.public ? (null as unknown as ApiActor) : authenticate(request);
      const query = parseQuery(route.query ?? NO_QUERY, new URL(request.url));
      let body: unknown;
      let sent = new Set<string>();
      if (route.body) {
        const raw = await readJsonObject(request);
        sent = new Set(Object.keys(raw));
        body = parseWith(strictBody(route.body), raw, "request body");
      }
      const result = await handle({ request, params, context, actor, query, body, sent } as EndpointContext<R>);
      if (CHECK_ANSWERS) {
        const checked = route.response.safeParse(result);
        if (!checked.success) throw new ContractError(route, checked.error);
      }
      return jsonResponse(result, route.status, headers);
    },
  };
}

const strictCache = new WeakMap<z.ZodType, z.ZodType>();

/** Unknown top-level fields are refused (400), so a misspelt field is not silently ignored. */
function strictBody(schema: z.ZodType): z.ZodType {
  let strict = strictCache.get(schema);
  if (!strict) {
    strict =
      "strict" in schema && typeof schema.strict === "function" ? (schema as unknown as z.ZodObject).strict() : schema;
    strictCache.set(schema, strict);
  }
  return strict;
}

/**
 * One URL's endpoints as the route module's loader and action (both: an unsupported method
 * gets a JSON 405 rather than Remix's text answer).
 */
export function apiResource(...endpoints: Endpoint[]) {
  const byMethod = new Map<string, Endpoint>(endpoints.map((e) => [e.route.method, e]));
  if (byMethod.has("GET")) byMethod.set("HEAD", byMethod.get("GET")!);
  const allow = [...new Set(endpoints.map((e) => e.route.method))].join(", ");
  return async (args: LoaderFunctionArgs | ActionFunctionArgs): Promise<Response> => {
    const found = byMethod.get(args.request.method.toUpperCase() as ApiMethod);
    try {
      if (!found) {
        throw new ApiError(
          405,
          "method_not_allowed",
          `${args.request.method} is not supported here. Use ${allow}.`,
          {},
          { Allow: allow },
        );
      }
      return await found.run(args);
    } catch (error) {
      return apiErrorResponse(error);
    }
  };
}

/** The fields of a PATCH body that were actually sent, among `keys`. */
export function sentFields<T extends object, K extends keyof T & string>(
  body: T,
  sent: Set<string>,
  keys: readonly K[],
): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((k) => sent.has(k)).map((k) => [k, body[k]])) as Partial<Pick<T, K>>;
}
