/**
 * The read memos (app/models/data-version.server.ts) are bounded twice: by entries per cache
 * and by the estimated size of all memos together, the oldest entry of any cache going first;
 * and, as before, a write makes every memo compute again.
 */
import { describe, expect, it } from "vitest";
import { memoBytes, memoUntilWrite, noteWrite } from "~/models/data-version.server";

type Cache = Map<string, { version: string; value: string }>;

const counter = () => {
  let n = 0;
  return { next: (value: string) => () => ((n += 1), value), count: () => n };
};

describe("memo bounds", () => {
  it("keeps at most `max` entries per cache, dropping the oldest", () => {
    const cache: Cache = new Map();
    const computed = counter();
    for (const key of ["a", "b", "c"]) memoUntilWrite(cache, key, computed.next(key), 2);
    expect([...cache.keys()]).toEqual(["b", "c"]);
    memoUntilWrite(cache, "c", computed.next("c"), 2);
    expect(computed.count()).toBe(3); // c was remembered
    memoUntilWrite(cache, "a", computed.next("a"), 2);
    expect(computed.count()).toBe(4); // a was dropped, so computed again
  });

  it("drops the oldest entries of any cache once all memos pass the byte budget", () => {
    const first: Cache = new Map();
    const second: Cache = new Map();
    const big = "x".repeat(10_000); // about 10 KB of JSON each
    const before = memoBytes();
    const budget = before + 25_000; // room for two
    memoUntilWrite(first, "one", () => big, 100, budget);
    memoUntilWrite(second, "two", () => big, 100, budget);
    expect(memoBytes() - before).toBeGreaterThan(20_000);
    memoUntilWrite(second, "three", () => big, 100, budget);
    // The oldest ("one", in the other cache) went; the two newest stay.
    expect(first.has("one")).toBe(false);
    expect([...second.keys()]).toEqual(["two", "three"]);
    expect(memoBytes()).toBeLessThanOrEqual(budget);
  });

  it("keeps a value larger than the whole budget only until the next one comes", () => {
    const cache: Cache = new Map();
    const budget = 500; // less than the memos of the tests before: they all go first
    memoUntilWrite(cache, "huge", () => "y".repeat(1_000), 100, budget);
    expect(cache.has("huge")).toBe(true);
    memoUntilWrite(cache, "small", () => "z", 100, budget);
    expect(cache.has("huge")).toBe(false);
    expect(cache.has("small")).toBe(true);
    expect(memoBytes()).toBeLessThanOrEqual(budget);
  });

  it("computes again after a write, and replacing an entry does not count it twice", () => {
    const cache: Cache = new Map();
    const computed = counter();
    memoUntilWrite(cache, "k", computed.next("v".repeat(1000)));
    const held = memoBytes();
    memoUntilWrite(cache, "k", computed.next("v".repeat(1000)));
    expect(computed.count()).toBe(1);
    noteWrite();
    memoUntilWrite(cache, "k", computed.next("v".repeat(1000)));
    expect(computed.count()).toBe(2);
    expect(memoBytes()).toBe(held);
  });
});
