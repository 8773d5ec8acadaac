/**
 * JSON as the API and webhooks write it. Rows keep instants as integer milliseconds UTC
 * (`at`, `*At` columns); on the wire they are ISO 8601 strings. Calendar dates (`YYYY-MM-DD`)
 * pass through untouched.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** `at`, `createdAt`, `signedAt`...: the names instants have in the rows. */
const INSTANT_KEY = /^(at|[a-z]\w*At)$/;

export function toApiJson(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(toApiJson);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") {
    const out: { [key: string]: Json } = {};
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      if (inner === undefined) continue;
      out[key] =
        INSTANT_KEY.test(key) && typeof inner === "number" && Number.isFinite(inner)
          ? new Date(inner).toISOString()
          : toApiJson(inner);
    }
    return out;
  }
  if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") return value;
  return String(value);
}
