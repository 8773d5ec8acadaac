/**
 * HTTP concerns in one place: safe redirects, the same-origin rule for writes, and the
 * mapping of domain errors to responses.
 */
import { data } from "@remix-run/node";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from "~/domain/errors";
import { formFailure } from "./forms";

/** Only ever a path of this app: "/projects?x=1" yes; "//evil.com", "https://x", "/\\x" no. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/") {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//")) return fallback;
  if (to.includes("\\") || /[\u0000-\u001f]/.test(to)) return fallback;
  try {
    const url = new URL(to, "http://triad.invalid");
    if (url.origin !== "http://triad.invalid" || url.pathname.startsWith("//")) return fallback;
    return url.pathname + url.search + url.hash;
  } catch {
    return fallback;
  }
}

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Whether a request may change anything, by where it came from. Unsafe methods must carry
 * an Origin (or, failing that, a Referer) equal to the app's own origin. API calls with a
 * bearer token carry no cookies, so they cannot be forged by another site and need neither.
 */
export function isAllowedOrigin({
  method,
  url,
  origin,
  referer,
  authorization,
  trustedOrigins = [],
}: {
  method: string;
  url: string;
  origin: string | null;
  referer: string | null;
  authorization?: string | null;
  trustedOrigins?: string[];
}): boolean {
  if (!UNSAFE_METHODS.has(method.toUpperCase())) return true;
  const own = new URL(url).origin;
  const allowed = new Set([own, ...trustedOrigins]);
  if (origin && origin !== "null") return allowed.has(origin);
  if (referer) {
    try {
      return allowed.has(new URL(referer).origin);
    } catch {
      return false;
    }
  }
  const path = new URL(url).pathname;
  return path.startsWith("/api/") && /^Bearer\s/i.test(authorization ?? "");
}

/**
 * Turns a thrown domain error into what an action returns: field errors with status 400,
 * a conflict message with 409; 403 and 404 become error pages. Anything else is rethrown.
 */
export function actionError(error: unknown, formData: FormData) {
  if (error instanceof ValidationError) {
    return data(formFailure(formData, error.fields, error.message), { status: 400 });
  }
  if (error instanceof ConflictError) {
    return data(formFailure(formData, {}, error.message), { status: 409 });
  }
  throw toResponse(error);
}

/** Forbidden/NotFound (and the others) as thrown Responses for the ErrorBoundary. */
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
