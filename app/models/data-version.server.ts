/**
 * A version of "everything in the database", for caches that must never serve stale data:
 * it moves with every write of this process (each mutation records activity) and with
 * every commit of another connection (SQLite's data_version, e.g. the operator CLI or
 * another worker).
 *
 * The memos it keys are bounded twice: by entries per cache (`max`) and by their total
 * estimated size across all caches (MEMO_BUDGET_BYTES), the oldest entry of any cache going
 * first, so a burst of distinct keys (a portfolio per person, a search per query) cannot grow
 * a worker's memory past its share (issue 15, "Memory").
 */
import { perConnection } from "./prepared.server";

let localWrites = 0;

/** Called for every mutation (recordActivity does it). */
export function noteWrite(): void {
  localWrites += 1;
}

/** `PRAGMA data_version`, prepared once per connection: every memo lookup asks it. */
const dataVersionStatement = perConnection((database) => database.$client.prepare("PRAGMA data_version").pluck());

export function dataVersion(): string {
  return `${localWrites}:${dataVersionStatement().get() as number}`;
}

/**
 * The estimated size of all memos together, at most: the JSON length of each value (a value
 * in memory takes roughly two to three times that). 16 MB of JSON keeps the memos well
 * inside a server process's 128 MB heap (scripts/start.mjs; docs/operations.md, "Memory").
 */
export const MEMO_BUDGET_BYTES = 16 * 1024 * 1024;

type Entry<T> = { version: string; value: T };
/** What memoUntilWrite keeps beside the caller's `{ version, value }`. */
type Held = Entry<unknown> & { key: string; bytes: number };

/** Every memo entry of every cache, oldest first, with its cache. */
const held = new Map<Held, Map<string, Entry<unknown>>>();
let heldBytes = 0;

function release(entry: Held): void {
  if (held.delete(entry)) heldBytes -= entry.bytes;
}

function sizeOf(value: unknown): number {
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return 0; // not JSON (a cycle, a BigInt): counted by the per-cache bound only
  }
}

/** The memos' estimated total size now (tests, /metrics). */
export function memoBytes(): number {
  return heldBytes;
}

/**
 * Remembers `compute()` under `key` until the data changes. Bounded: the oldest entries go
 * first when the cache holds `max` keys, or when all memos together pass `budget` bytes
 * (the oldest of any cache then).
 */
export function memoUntilWrite<T>(
  cache: Map<string, Entry<T>>,
  key: string,
  compute: () => T,
  max = 200,
  budget = MEMO_BUDGET_BYTES,
): T {
  const version = dataVersion();
  const hit = cache.get(key);
  if (hit && hit.version === version) return hit.value;
  const value = compute();
  if (hit) release(hit as unknown as Held);
  cache.delete(key);
  const entry: Held = { version, value, key, bytes: sizeOf(value) };
  cache.set(key, entry as Entry<T>);
  held.set(entry, cache as Map<string, Entry<unknown>>);
  heldBytes += entry.bytes;
  if (cache.size > max) {
    const oldest = cache.keys().next().value!;
    release(cache.get(oldest) as unknown as Held);
    cache.delete(oldest);
  }
  for (const [old, owner] of held) {
    if (heldBytes <= budget || old === entry) break;
    release(old);
    if (owner.get(old.key) === old) owner.delete(old.key);
  }
  return value;
}
