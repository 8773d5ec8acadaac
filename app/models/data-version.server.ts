/**
 * A version of "everything in the database", for caches that must never serve stale data:
 * it moves with every write of this process (each mutation records activity) and with
 * every commit of another connection (SQLite's data_version, e.g. the operator CLI).
 */
import { db } from "../../db/client.server";

let localWrites = 0;

/** Called for every mutation (recordActivity does it). */
export function noteWrite(): void {
  localWrites += 1;
}

export function dataVersion(): string {
  return `${localWrites}:${db.$client.pragma("data_version", { simple: true })}`;
}

/**
 * Remembers `compute()` under `key` until the data changes. Bounded: the oldest entries go
 * first when the cache holds `max` keys.
 */
export function memoUntilWrite<T>(
  cache: Map<string, { version: string; value: T }>,
  key: string,
  compute: () => T,
  max = 200,
): T {
  const version = dataVersion();
  const hit = cache.get(key);
  if (hit && hit.version === version) return hit.value;
  const value = compute();
  cache.delete(key);
  cache.set(key, { version, value });
  if (cache.size > max) cache.delete(cache.keys().next().value!);
  return value;
}
