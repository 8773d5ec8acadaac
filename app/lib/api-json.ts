/**
 * Instants on the wire. Rows keep instants as integer milliseconds UTC (`at`, `*At` columns);
 * the API and webhooks send them as ISO 8601 strings. Calendar dates (`YYYY-MM-DD`) are sent
 * as they are.
 *
 * The API's views convert each instant by name with `isoInstant` (app/api/views.server.ts).
 * `toApiJson` converts a whole value by key names instead: for payloads without a schema of
 * their own, the webhook `data` (app/models/webhook-outbox.server.ts) and the activity log's
 * free-form `before`/`after`.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** An instant (milliseconds UTC) as ISO 8601: 2027-03-01T09:30:00.000Z. */
export const isoInstant = (ms: number): string => new Date(ms).toISOString();

export const isoInstantOrNull = (ms: number | null | undefined): string | null => (ms == null ? null : isoInstant(ms));

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
