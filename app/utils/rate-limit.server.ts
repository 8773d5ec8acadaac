/**
 * A sliding-window counter in memory: enough for one server process, which is how Triad
 * runs (one SQLite file, one process). Keys are free-form ("login:email:ada@x", "api:token:7").
 */
export type RateDecision = { limited: boolean; retryAfterSeconds: number };

export class RateLimiter {
  private hits = new Map<string, number[]>();
  private lastSweep = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one attempt for `key` and says whether it is over the limit. */
  hit(key: string, now = Date.now()): RateDecision {
    this.sweep(now);
    const since = now - this.windowMs;
    const recent = (this.hits.get(key) ?? []).filter((t) => t > since);
    recent.push(now);
    this.hits.set(key, recent);
    if (recent.length <= this.limit) return { limited: false, retryAfterSeconds: 0 };
    const oldestCounted = recent[recent.length - this.limit - 1];
    return {
      limited: true,
      retryAfterSeconds: Math.max(1, Math.ceil((oldestCounted + this.windowMs - now) / 1000)),
    };
  }

  reset(): void {
    this.hits.clear();
  }

  private sweep(now: number) {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [key, times] of this.hits) {
      if (times.every((t) => t <= now - this.windowMs)) this.hits.delete(key);
    }
  }
}

/** A positive number from the environment, or the fallback. */
export function envLimit(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Sign-in attempts: more than 10 a minute per e-mail or per client answers 429. */
export const loginLimiter = new RateLimiter(envLimit("TRIAD_LOGIN_LIMIT", 10), 60_000);
