/**
 * Fixed-window rate limiting in memory. One process serves the app (SQLite allows one writer
 * anyway), so counters in memory are exact; they reset on restart, which only forgives.
 *
 * @example
 * const limiter = new RateLimiter({ limit: 6, windowMs: 60_000 });
 * const verdict = limiter.consume(`ip:${ip}`, Date.now());
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

export class RateLimiter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(readonly rule: RateLimitRule) {}

  /** Looks without counting: is `key` already over its limit? */
  check(key: string, now: number): RateVerdict {
    return this.verdict(this.current(key, now), now);
  }

  /** Counts one event for `key` and says whether it was within the limit. */
  consume(key: string, now: number): RateVerdict {
    const window = this.current(key, now);
    if (window.count < this.rule.limit) window.count += 1;
    else return this.verdict(window, now);
    return { allowed: true, remaining: this.rule.limit - window.count, retryAfterSeconds: 0 };
  }

  /**
   * Gives back one event counted in the current window. For limits on *failed* attempts: count
   * the attempt before the slow check (so parallel requests cannot all pass `check` first), then
   * refund it when the attempt succeeds.
   */
  refund(key: string): void {
    const window = this.windows.get(key);
    if (window && window.count > 0) window.count -= 1;
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private current(key: string, now: number) {
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= this.rule.windowMs) {
      window = { startedAt: now, count: 0 };
      this.windows.set(key, window);
      if (this.windows.size > 50_000) this.sweep(now);
    }
    return window;
  }

  private verdict(window: { startedAt: number; count: number }, now: number): RateVerdict {
    const allowed = window.count < this.rule.limit;
    return {
      allowed,
      remaining: Math.max(0, this.rule.limit - window.count),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((window.startedAt + this.rule.windowMs - now) / 1000)),
    };
  }

  private sweep(now: number) {
    for (const [key, window] of this.windows) if (now - window.startedAt >= this.rule.windowMs) this.windows.delete(key);
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

export function createRateLimiters(rules: Partial<Record<keyof typeof DEFAULT_RATE_LIMITS, RateLimitRule>> = {}): RateLimiters {
  const merged = { ...DEFAULT_RATE_LIMITS, ...rules };
  return {
    loginPerIp: new RateLimiter(merged.loginPerIp),
    loginPerClient: new RateLimiter(merged.loginPerClient),
    loginPerUsername: new RateLimiter(merged.loginPerUsername),
    passwordChangePerUser: new RateLimiter(merged.passwordChangePerUser),
    registerPerIp: new RateLimiter(merged.registerPerIp),
    registerWithInvitationPerIp: new RateLimiter(merged.registerWithInvitationPerIp),
    postingPerUser: new RateLimiter(merged.postingPerUser),
    uploadsPerUser: new RateLimiter(merged.uploadsPerUser),
    apiPerToken: new RateLimiter(merged.apiPerToken),
  };
}
