/**
 * Calling Remix route modules the way the server does: a real `Request` (cookie, Origin),
 * `params`, and the load context scripts/server.ts gives (`clientAddress`, `nonce`). Loaders
 * and actions return plain objects or `data()` results (single fetch), return or throw
 * `Response`s and redirects; `settle` turns all of these into one shape for assertions.
 */
import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";
import { errorsOf, type FormResult } from "../../app/utils/forms";

export const ORIGIN = "http://triad.test";

export type RequestOptions = {
  method?: string;
  /** Form fields, sent as application/x-www-form-urlencoded. */
  form?: Record<string, string | number | string[]>;
  /** A `Cookie` header value, e.g. from `signInAs`. */
  cookie?: string | null;
  /** The Origin header; writes default to this app's own origin. Pass null to omit. */
  origin?: string | null;
  headers?: Record<string, string>;
};

export function makeRequest(pathname: string, options: RequestOptions = {}): Request {
  const method = (options.method ?? (options.form ? "POST" : "GET")).toUpperCase();
  const headers = new Headers(options.headers);
  if (options.cookie) headers.set("Cookie", options.cookie);
  const origin = options.origin === undefined ? (method === "GET" ? null : ORIGIN) : options.origin;
  if (origin) headers.set("Origin", origin);
  let body: URLSearchParams | undefined;
  if (options.form) {
    body = new URLSearchParams();
    for (const [key, value] of Object.entries(options.form)) {
      for (const v of Array.isArray(value) ? value : [value]) body.append(key, String(v));
    }
    headers.set("Content-Type", "application/x-www-form-urlencoded");
  }
  return new Request(new URL(pathname, ORIGIN), { method, headers, body });
}

export const testContext: AppLoadContext = { clientAddress: "127.0.0.1", nonce: "" };

export type RouteResult<T = any> = {
  status: number;
  headers: Headers;
  /** The loader/action data: a plain object, a `data()` payload, or a Response body (JSON or text). */
  data: T;
  /** Location of a redirect, else null. */
  location: string | null;
  /** Whether the route threw (a redirect or an error Response) instead of returning. */
  thrown: boolean;
};

type DataWithInit = { type: "DataWithResponseInit"; data: unknown; init: number | ResponseInit | null };

function isDataWithInit(value: unknown): value is DataWithInit {
  return typeof value === "object" && value !== null && (value as { type?: unknown }).type === "DataWithResponseInit";
}

async function normalise(value: unknown, thrown: boolean): Promise<RouteResult> {
  if (value instanceof Response) {
    const type = value.headers.get("Content-Type") ?? "";
    const text = await value.text();
    return {
      status: value.status,
      headers: value.headers,
      data: type.includes("json") && text ? JSON.parse(text) : text,
      location: value.status >= 300 && value.status < 400 ? value.headers.get("Location") : null,
      thrown,
    };
  }
  if (isDataWithInit(value)) {
    const init = typeof value.init === "number" ? { status: value.init } : (value.init ?? {});
    return {
      status: init.status ?? 200,
      headers: new Headers(init.headers),
      data: value.data,
      location: null,
      thrown,
    };
  }
  if (thrown) throw value; // a real bug, not a response: let the test fail with it
  return { status: 200, headers: new Headers(), data: value, location: null, thrown };
}

/** Runs a loader or action and normalises what it returned or threw. */
export async function settle<T = any>(run: () => unknown): Promise<RouteResult<T>> {
  let value: unknown;
  try {
    value = await run();
  } catch (error) {
    return normalise(error, true);
  }
  return normalise(value, false);
}

type Loader = (args: LoaderFunctionArgs) => unknown;
type Action = (args: ActionFunctionArgs) => unknown;

export function callLoader<T = any>(
  loader: Loader,
  pathname: string,
  options: RequestOptions & { params?: Record<string, string> } = {},
): Promise<RouteResult<T>> {
  const request = makeRequest(pathname, { ...options, method: options.method ?? "GET" });
  return settle<T>(() => loader({ request, params: options.params ?? {}, context: testContext }));
}

export function callAction<T = any>(
  action: Action,
  pathname: string,
  options: RequestOptions & { params?: Record<string, string>; clientAddress?: string } = {},
): Promise<RouteResult<T>> {
  const request = makeRequest(pathname, { ...options, method: options.method ?? "POST" });
  const context = { ...testContext, clientAddress: options.clientAddress ?? testContext.clientAddress };
  return settle<T>(() => action({ request, params: options.params ?? {}, context }));
}

/** All Set-Cookie headers of a response. */
export function setCookies(headers: Headers): string[] {
  return headers.getSetCookie();
}

/** Turns Set-Cookie headers into the `Cookie` header a browser would send back. */
export function cookieHeader(setCookieHeaders: string[]): string {
  return setCookieHeaders
    .map((c) => c.split(";")[0].trim())
    .filter((pair) => pair.split("=")[1] !== "")
    .join("; ");
}

/**
 * A refused form's messages, as the page shows them: `fieldErrors` (the first message of each
 * field) and `formError` (the message above the form), read from the action's Conform result
 * (app/utils/forms.ts).
 */
export function refusalOf(data: unknown): { fieldErrors: Record<string, string>; formError: string | undefined } {
  const { form, ...fieldErrors } = errorsOf(data as FormResult);
  return { fieldErrors, formError: form };
}
