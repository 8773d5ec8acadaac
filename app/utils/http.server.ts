/**
 * HTTP concerns in one place: safe redirects, the same-origin rule for writes, which proxies
 * to believe, and the mapping of domain errors to responses.
 */
import { isIP } from "node:net";
import { data } from "@remix-run/node";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/domain/errors";
import type { Submission } from "@conform-to/react";
import type { FieldErrors } from "~/domain/errors";
import { refusal } from "./forms";

export { safeRedirect } from "~/lib/safe-redirect";

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Whether a request may change anything, by where it came from. Unsafe methods must carry
 * an Origin (or, failing that, a Referer) equal to the app's own origin. The JSON API reads
 * no cookies: an API request that carries none cannot act for anyone by itself, so it goes on
 * to the API (which answers 401 without a token). One that carries a cookie is checked like a
 * page, except that a bearer token without Origin or Referer is accepted (non-browser clients).
 */
export function isAllowedOrigin({
  method,
  url,
  origin,
  referer,
  authorization,
  cookie,
  trustedOrigins = [],
}: {
  method: string;
  url: string;
  origin: string | null;
  referer: string | null;
  authorization?: string | null;
  cookie?: string | null;
  trustedOrigins?: string[];
}): boolean {
  if (!UNSAFE_METHODS.has(method.toUpperCase())) return true;
  const target = new URL(url);
  // RFC 8058 one-click unsubscribe comes from a mail client with no cookie and no origin; its
  // signed token is the only authority (docs/security.md, V4.2.2).
  if (method.toUpperCase() === "POST" && /^\/unsubscribe\/[^/]+$/.test(target.pathname)) return true;
  const api = target.pathname.startsWith("/api/");
  if (api && !cookie?.trim()) return true;
  const allowed = new Set([target.origin, ...trustedOrigins]);
  if (origin && origin !== "null") return allowed.has(origin);
  if (referer) {
    try {
      return allowed.has(new URL(referer).origin);
    } catch {
      return false;
    }
  }
  return api && /^Bearer\s/i.test(authorization ?? "");
}

const PROXY_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

function isProxyAddress(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split("/");
  const version = isIP(address);
  if (!version || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
  return bits >= 0 && bits <= (version === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY as Express's "trust proxy" setting, which decides `req.ip` (rate limits, the
 * audit log) and `req.protocol` (Secure cookies, HSTS). Unset, "" or "0": no proxy, and
 * X-Forwarded-* headers are ignored. A number: that many proxies in front, so `1` takes the
 * address the one proxy appended to X-Forwarded-For (the last entry), whatever the client
 * wrote before it. Otherwise a comma-separated list of the proxies' addresses or CIDR ranges
 * (or Express's names loopback, linklocal, uniquelocal). Anything else, "true" included
 * (which would let any client choose its address), is refused so the server does not start.
 */
export function trustProxySetting(value: string | undefined): false | number | string[] {
  const text = (value ?? "").trim();
  if (text === "" || text === "0") return false;
  if (/^\d+$/.test(text)) return Number(text);
  if (/^true$/i.test(text)) {
    throw new Error(
      "TRUST_PROXY=true would let any client choose its own address: give the number of proxies in front of Triad (1 for one) or their addresses.",
    );
  }
  const entries = text.split(",").map((e) => e.trim());
  const bad = entries.filter((e) => !isProxyAddress(e));
  if (bad.length > 0) {
    throw new Error(
      `TRUST_PROXY=${JSON.stringify(text)} is not understood (${bad.map((b) => JSON.stringify(b)).join(", ")}): ` +
        "give the number of proxies in front of Triad (1 for one) or their addresses, like 10.0.0.5 or 10.0.0.0/8.",
    );
  }
  return entries;
}

/** Forbidden/NotFound (and the others) as thrown Responses for the ErrorBoundary. */
/** A refused submission as the action's answer (400 unless said otherwise): see app/utils/forms.ts. */
export function refuse(
  submission: Submission<unknown>,
  reasons: { fieldErrors?: FieldErrors; formError?: string } = {},
  status = 400,
) {
  return data(refusal(submission, reasons), { status });
}

/**
 * What an action answers when a model refuses a parsed submission: a ValidationError's
 * messages go next to their fields (400), a conflict above the form (409); anything else
 * becomes its HTTP status (toResponse).
 */
export function submissionError(error: unknown, submission: Submission<unknown>) {
  if (error instanceof ValidationError)
    return refuse(submission, { fieldErrors: error.fields, formError: error.message });
  if (error instanceof ConflictError) return refuse(submission, { formError: error.message }, 409);
  throw toResponse(error);
}

/** An intent no handler of the action knows: 400, nothing changed. */
export function unknownIntent(intent: unknown): Response {
  const shown = typeof intent === "string" && intent.length <= 40 ? `“${intent}”` : "that";
  return new Response(`This page cannot do ${shown}. Use one of its buttons.`, { status: 400 });
}

export function toResponse(error: unknown): unknown {
  if (error instanceof ForbiddenError) return new Response(error.message, { status: 403 });
  if (error instanceof NotFoundError) return new Response(error.message, { status: 404 });
  if (error instanceof ValidationError) return new Response(error.message, { status: 400 });
  if (error instanceof ConflictError) return new Response(error.message, { status: 409 });
  return error;
}

/** Throws a 404 Response unless `value` is present (Epic Stack's invariantResponse). */
export function invariantResponse<T>(
  value: T | null | undefined | false,
  message: string,
  status = 404,
): asserts value is T {
  if (!value) throw new Response(message, { status });
}

/**
 * A route's `headers` export that passes an action's `Retry-After` on to the response (Remix
 * drops headers of `data()` unless the route forwards them): sign-in and password checks
 * answer 429 with it.
 */
export const retryAfterHeaders = ({ actionHeaders }: { actionHeaders: Headers }): Headers => {
  const headers = new Headers();
  const retryAfter = actionHeaders.get("Retry-After");
  if (retryAfter) headers.set("Retry-After", retryAfter);
  return headers;
};

/**
 * TRIAD_BODY_LIMIT in bytes (default 1 MiB). A value that is not a whole number of at least 1
 * throws, so the server refuses to start rather than run without a limit.
 */
export function readBodyLimit(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.TRIAD_BODY_LIMIT ?? 1024 * 1024);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error("TRIAD_BODY_LIMIT must be a whole number of bytes, at least 1.");
  }
  return value;
}
