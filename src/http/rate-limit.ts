/**
 * Fixed-window rate limiting, with the counters in a {@link RateCounterStore}: the database's
 * (`databaseRateCounters`, src/http/rate-counters.ts) in the app, so every app process on one
 * database counts against the same limits; memory for a limiter on its own (unit tests). A
 * window starts at the first event counted for a key and lasts `windowMs`; the store starts,
 * counts or restarts it in one atomic step, so parallel requests in several processes never
 * count past the limit.
 *
 * @example
 * const limiter = new RateLimiter({ limit: 6, windowMs: 60_000 });
 * const verdict = await limiter.consume(`ip:${ip}`, Date.now());
 * if (!verdict.allowed) return tooMany(verdict.retryAfterSeconds);
 */
export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

export interface RateVerdict {
  allowed: boolean;
  remaining: number;
  retryAfterSeconds: number;
}

/** A key's current window: when it started and how many events it counted (at most limit + 1). */
export interface CounterWindow {
  startedAt: number;
  count: number;
}

/**
 * Where the counters live; the one engine-specific piece of rate limiting. Every method is one
 * atomic step on one (limiter, key) row.
 */
export interface RateCounterStore {
  /** The key's window as it stands (ended or not), or undefined. */
  read(limiter: string, key: string): Promise<CounterWindow | undefined>;
  /**
   * Starts a window at `now` (count 1) when the key has none or its window ended; otherwise
   * counts one more event, stopping at `rule.limit + 1`. Returns the window after the step.
   */
  count(limiter: string, key: string, now: number, rule: RateLimitRule): Promise<CounterWindow>;
  /** Gives back one counted event (one refused, at limit + 1, was never counted), never below zero. */
  refund(limiter: string, key: string, limit: number): Promise<void>;
  reset(limiter: string, key: string): Promise<void>;
}

/** Counters in this process's memory: for a limiter used on its own; the app uses the database's. */
export class MemoryRateCounters implements RateCounterStore {
  private readonly windows = new Map<string, CounterWindow & { endsAt: number }>();

  async read(limiter: string, key: string): Promise<CounterWindow | undefined> {
    return this.readNow(limiter, key);
  }

  /** The same, without waiting: the database store falls back to these counters synchronously. */
  readNow(limiter: string, key: string): CounterWindow | undefined {
    return this.windows.get(`${limiter}\n${key}`);
  }

  async count(limiter: string, key: string, now: number, rule: RateLimitRule): Promise<CounterWindow> {
    return this.countNow(limiter, key, now, rule);
  }

  countNow(limiter: string, key: string, now: number, rule: RateLimitRule): CounterWindow {
    const id = `${limiter}\n${key}`;
    let window = this.windows.get(id);
    if (!window || window.endsAt <= now) {
      window = { startedAt: now, endsAt: now + rule.windowMs, count: 0 };
      this.windows.set(id, window);
      if (this.windows.size > 50_000) this.sweep(now);
    }
    window.count = Math.min(window.count + 1, rule.limit + 1);
    return { startedAt: window.startedAt, count: window.count };
  }

  async refund(limiter: string, key: string, limit: number): Promise<void> {
    this.refundNow(limiter, key, limit);
  }

  refundNow(limiter: string, key: string, limit: number): void {
    const window = this.windows.get(`${limiter}\n${key}`);
    if (window) window.count = Math.max(0, Math.min(window.count, limit) - 1);
  }

  async reset(limiter: string, key: string): Promise<void> {
    this.windows.delete(`${limiter}\n${key}`);
  }

  private sweep(now: number) {
    for (const [id, window] of this.windows) if (window.endsAt <= now) this.windows.delete(id);
  }
}

export class RateLimiter {
  /**
   * @param name tells this limiter's counters apart from other limiters' in a shared store
   *   (`createRateLimiters` names each after its rule).
   */
  constructor(
    readonly rule: RateLimitRule,
    private readonly store: RateCounterStore = new MemoryRateCounters(),
    readonly name = 'limit',
  ) {}

  /** Looks without counting: is `key` already over its limit? */
  async check(key: string, now: number): Promise<RateVerdict> {
    const window = await this.store.read(this.name, key);
    if (!window || now - window.startedAt >= this.rule.windowMs) return { allowed: true, remaining: this.rule.limit, retryAfterSeconds: 0 };
    return this.verdict(window, window.count < this.rule.limit, now);
  }

  /** Counts one event for `key` and says whether it was within the limit. */
  async consume(key: string, now: number): Promise<RateVerdict> {
    const window = await this.store.count(this.name, key, now, this.rule);
    return this.verdict(window, window.count <= this.rule.limit, now);
  }

  /**
   * Gives back one event counted in the current window. For limits on *failed* attempts: count
   * the attempt before the slow check (so parallel requests cannot all pass `check` first), then
   * refund it when the attempt succeeds.
   */
  refund(key: string): Promise<void> {
    return this.store.refund(this.name, key, this.rule.limit);
  }

  reset(key: string): Promise<void> {
    return this.store.reset(this.name, key);
  }

  private verdict(window: CounterWindow, allowed: boolean, now: number): RateVerdict {
    return {
      allowed,
      remaining: Math.max(0, this.rule.limit - window.count),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((window.startedAt + this.rule.windowMs - now) / 1000)),
    };
  }
}

/**
 * The limits, documented in the README:
 * - failed sign-ins (see `src/auth/login-throttle.ts`): 6 a minute per IP; 5 per 15 minutes per
 *   client (address, or browser with a device cookie) and username; 10 per 15 minutes per
 *   username from untrusted clients only, so strangers cannot lock the owner's browser out;
 * - wrong current passwords on the account page: 10 per 15 minutes per account;
 * - sign-ups: 5 an hour per IP;
 * - sign-ups through a usable invitation link: 100 an hour per IP and invitation (the most uses
 *   an invitation can have), so a club can sign up together from one café's wifi; the
 *   invitation's use count is what bounds them (see src/clubs/invite-signup.ts);
 * - posting (comments, replies, votes, uploads): 30 a minute per reader;
 * - book uploads: 10 an hour per person (each one is parsed, which costs real CPU);
 * - JSON API requests: 120 a minute per personal access token (writes count against the
 *   posting limit as well, like the pages').
 */
export const DEFAULT_RATE_LIMITS = {
  loginPerIp: { limit: 6, windowMs: 60_000 },
  loginPerClient: { limit: 5, windowMs: 15 * 60_000 },
  loginPerUsername: { limit: 10, windowMs: 15 * 60_000 },
  passwordChangePerUser: { limit: 10, windowMs: 15 * 60_000 },
  registerPerIp: { limit: 5, windowMs: 60 * 60_000 },
  registerWithInvitationPerIp: { limit: 100, windowMs: 60 * 60_000 },
  postingPerUser: { limit: 30, windowMs: 60_000 },
  uploadsPerUser: { limit: 10, windowMs: 60 * 60_000 },
  apiPerToken: { limit: 120, windowMs: 60_000 },
} satisfies Record<string, RateLimitRule>;

export type RateLimiters = { [K in keyof typeof DEFAULT_RATE_LIMITS]: RateLimiter };

/**
 * The app's limiters, each with its rule (the defaults, or `rules`), counting in `store`: pass
 * the database's (`databaseRateCounters(db)`) so that every process counts together; without
 * one, each call gets counters of its own in memory.
 */
export function createRateLimiters(rules: Partial<Record<keyof typeof DEFAULT_RATE_LIMITS, RateLimitRule>> = {}, store: RateCounterStore = new MemoryRateCounters()): RateLimiters {
  const merged = { ...DEFAULT_RATE_LIMITS, ...rules };
  const limiters = {} as Record<keyof typeof DEFAULT_RATE_LIMITS, RateLimiter>;
  for (const name of Object.keys(DEFAULT_RATE_LIMITS) as (keyof typeof DEFAULT_RATE_LIMITS)[]) limiters[name] = new RateLimiter(merged[name], store, name);
  return limiters;
}
