import { describe, expect, it } from "vitest";
import { RateLimiter } from "~/utils/rate-limit.server";

const MINUTE = 60_000;

describe("RateLimiter (10 sign-in attempts a minute)", () => {
  it("lets ten attempts through and limits the eleventh", () => {
    const limiter = new RateLimiter(10, MINUTE);
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 10; i++) {
      expect(limiter.hit("email:ada@example.com", t0 + i * 1000)).toEqual({
        limited: false,
        retryAfterSeconds: 0,
      });
    }
    const eleventh = limiter.hit("email:ada@example.com", t0 + 10_000);
    expect(eleventh.limited).toBe(true);
    // the oldest counted attempt (t0) leaves the window at t0 + 60 s: 50 s from now
    expect(eleventh.retryAfterSeconds).toBe(50);
  });

  it("counts each key on its own", () => {
    const limiter = new RateLimiter(10, MINUTE);
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 11; i++) limiter.hit("email:ada@example.com", t0 + i);
    expect(limiter.hit("email:ada@example.com", t0 + 20).limited).toBe(true);
    expect(limiter.hit("email:grace@example.com", t0 + 20).limited).toBe(false);
  });

  it("slides: an attempt is accepted again as soon as the oldest one is a minute old", () => {
    const limiter = new RateLimiter(10, MINUTE);
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 10; i++) limiter.hit("k", t0 + i * 5_000); // t0 .. t0 + 45 s
    // the attempt at t0 has left the window: nine remain, this is the tenth
    expect(limiter.hit("k", t0 + 60_001).limited).toBe(false);
    // the window is full again; the oldest counted attempt (t0 + 5 s) leaves in 5 s
    expect(limiter.hit("k", t0 + 60_002)).toEqual({ limited: true, retryAfterSeconds: 5 });
  });

  it("accepts again after a quiet minute, whatever happened before", () => {
    const limiter = new RateLimiter(10, MINUTE);
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 30; i++) limiter.hit("k", t0 + i);
    expect(limiter.hit("k", t0 + 31).limited).toBe(true);
    expect(limiter.hit("k", t0 + 31 + MINUTE).limited).toBe(false);
  });

  it("always asks to wait at least one second, and never longer than the window", () => {
    const limiter = new RateLimiter(2, MINUTE);
    const t0 = 1_700_000_000_000;
    limiter.hit("k", t0);
    limiter.hit("k", t0 + 59_900);
    const decision = limiter.hit("k", t0 + 59_999);
    expect(decision.limited).toBe(true);
    expect(decision.retryAfterSeconds).toBe(1);
    const fresh = new RateLimiter(1, MINUTE);
    fresh.hit("k", t0);
    expect(fresh.hit("k", t0).retryAfterSeconds).toBe(60);
  });

  it("forgets everything on reset", () => {
    const limiter = new RateLimiter(1, MINUTE);
    limiter.hit("k", 1000);
    expect(limiter.hit("k", 1001).limited).toBe(true);
    limiter.reset();
    expect(limiter.hit("k", 1002).limited).toBe(false);
  });
});
