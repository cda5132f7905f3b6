import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../db/connection';
import { rateLimitCounters } from '../../../db/schema';
import { createRateLimiters, DEFAULT_RATE_LIMITS, MemoryRateCounters, RateLimiter as RateLimiterBase, type RateCounterStore, type RateLimitRule } from '../../../src/http/rate-limit';
import { databaseRateCounters } from '../../../src/http/rate-counters';

const T0 = 1_000_000;

const stores: [string, () => RateCounterStore][] = [
  ['memory', () => new MemoryRateCounters()],
  ['the database', () => databaseRateCounters(openDatabase(':memory:').db)],
];

describe.each(stores)('RateLimiter counting in %s', (_name, store) => {
  const RateLimiter = class extends RateLimiterBase {
    constructor(rule: RateLimitRule) {
      super(rule, store());
    }
  };

  it('allows `limit` events in a window and refuses the next with the seconds left', () => {
    const limiter = new RateLimiter({ limit: 3, windowMs: 60_000 });
    expect(limiter.consume('a', T0)).toEqual({ allowed: true, remaining: 2, retryAfterSeconds: 0 });
    expect(limiter.consume('a', T0 + 1)).toEqual({ allowed: true, remaining: 1, retryAfterSeconds: 0 });
    expect(limiter.consume('a', T0 + 2)).toEqual({ allowed: true, remaining: 0, retryAfterSeconds: 0 });
    expect(limiter.consume('a', T0 + 10_000)).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 50 });
    expect(limiter.consume('a', T0 + 59_001)).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
  });

  it('opens again when the window has passed', () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 60_000 });
    expect(limiter.consume('a', T0).allowed).toBe(true);
    expect(limiter.consume('a', T0 + 59_999).allowed).toBe(false);
    expect(limiter.consume('a', T0 + 60_000).allowed).toBe(true);
  });

  it('keeps keys apart', () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 1_000 });
    expect(limiter.consume('a', T0).allowed).toBe(true);
    expect(limiter.consume('b', T0).allowed).toBe(true);
    expect(limiter.consume('a', T0).allowed).toBe(false);
  });

  it('check looks without counting', () => {
    const limiter = new RateLimiter({ limit: 2, windowMs: 1_000 });
    for (let i = 0; i < 5; i++) expect(limiter.check('a', T0).allowed).toBe(true);
    limiter.consume('a', T0);
    expect(limiter.check('a', T0)).toMatchObject({ allowed: true, remaining: 1 });
    limiter.consume('a', T0);
    expect(limiter.check('a', T0 + 250)).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
  });

  it('refused events do not extend the window', () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 10_000 });
    limiter.consume('a', T0);
    for (let t = 1; t < 10; t++) limiter.consume('a', T0 + t * 1000);
    expect(limiter.consume('a', T0 + 10_000).allowed).toBe(true);
  });

  it('reset forgives a key', () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 60_000 });
    limiter.consume('a', T0);
    expect(limiter.check('a', T0).allowed).toBe(false);
    limiter.reset('a');
    expect(limiter.consume('a', T0).allowed).toBe(true);
  });

  it('a refused event after a refund still counts the refund (refused events were never counted)', () => {
    const limiter = new RateLimiter({ limit: 2, windowMs: 60_000 });
    limiter.consume('a', T0);
    limiter.consume('a', T0);
    expect(limiter.consume('a', T0).allowed).toBe(false);
    limiter.refund('a');
    expect(limiter.consume('a', T0)).toMatchObject({ allowed: true, remaining: 0 });
    expect(limiter.consume('a', T0).allowed).toBe(false);
  });
});

describe('RateLimiter in memory', () => {
  const RateLimiter = RateLimiterBase;
  it('keeps working when many keys pile up (old windows are swept)', () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 1_000 });
    for (let i = 0; i < 50_001; i++) limiter.consume(`k${i}`, T0);
    limiter.consume('late', T0 + 5_000);
    expect(limiter.consume('k1', T0 + 5_000).allowed).toBe(true);
    expect(limiter.consume('late', T0 + 5_000).allowed).toBe(false);
  });
});

describe('createRateLimiters', () => {
  it('uses the documented defaults', () => {
    expect(DEFAULT_RATE_LIMITS.loginPerIp).toEqual({ limit: 6, windowMs: 60_000 });
    expect(DEFAULT_RATE_LIMITS.loginPerUsername).toEqual({ limit: 10, windowMs: 15 * 60_000 });
    expect(DEFAULT_RATE_LIMITS.registerPerIp).toEqual({ limit: 5, windowMs: 60 * 60_000 });
    const limiters = createRateLimiters();
    expect(limiters.loginPerIp.rule).toEqual(DEFAULT_RATE_LIMITS.loginPerIp);
  });

  it('accepts overrides and gives each app its own counters', () => {
    const a = createRateLimiters({ loginPerIp: { limit: 1, windowMs: 1000 } });
    const b = createRateLimiters();
    expect(a.loginPerIp.rule.limit).toBe(1);
    expect(a.loginPerUsername.rule).toEqual(DEFAULT_RATE_LIMITS.loginPerUsername);
    a.loginPerIp.consume('ip', T0);
    expect(a.loginPerIp.check('ip', T0).allowed).toBe(false);
    expect(b.loginPerIp.check('ip', T0).allowed).toBe(true);
  });
});

describe.each(stores)('RateLimiter.refund in %s', (_name, store) => {
  const RateLimiter = class extends RateLimiterBase {
    constructor(rule: RateLimitRule) {
      super(rule, store());
    }
  };

  it('gives back one counted event, never going below zero', () => {
    const limiter = new RateLimiter({ limit: 2, windowMs: 60_000 });
    limiter.consume('a', T0);
    limiter.consume('a', T0);
    expect(limiter.check('a', T0).allowed).toBe(false);
    limiter.refund('a');
    expect(limiter.check('a', T0)).toMatchObject({ allowed: true, remaining: 1 });
    limiter.refund('a');
    limiter.refund('a');
    limiter.refund('unknown');
    expect(limiter.check('a', T0).remaining).toBe(2);
    expect(limiter.consume('a', T0).remaining).toBe(1);
  });
});

describe('rate limits in the database, shared by several processes', () => {
  it('counts the events of two connections to one file against one limit, per limiter', () => {
    const dir = mkdtempSync(join(tmpdir(), 'marginalia-rate-'));
    const first = openDatabase(join(dir, 'test.db'));
    const second = openDatabase(join(dir, 'test.db'));
    try {
      const a = createRateLimiters({ loginPerIp: { limit: 6, windowMs: 60_000 } }, databaseRateCounters(first.db));
      const b = createRateLimiters({ loginPerIp: { limit: 6, windowMs: 60_000 } }, databaseRateCounters(second.db));
      const allowed = Array.from({ length: 10 }, (_, i) => ((i % 2 ? a : b).loginPerIp.consume('203.0.113.9', T0 + i).allowed ? 1 : 0) as number);
      expect(allowed.reduce((x, y) => x + y)).toBe(6);
      expect(a.loginPerIp.check('203.0.113.9', T0 + 20)).toMatchObject({ allowed: false, retryAfterSeconds: 60 });
      // Another limiter with the same key counts on its own.
      expect(b.registerPerIp.consume('203.0.113.9', T0).allowed).toBe(true);
      b.loginPerIp.refund('203.0.113.9');
      expect(a.loginPerIp.consume('203.0.113.9', T0 + 30).allowed).toBe(true);
      expect(b.loginPerIp.consume('203.0.113.9', T0 + 31).allowed).toBe(false);
    } finally {
      first.sqlite.close();
      second.sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prunes windows that ended, at most once a minute', () => {
    const { db } = openDatabase(':memory:');
    const limiters = createRateLimiters({}, databaseRateCounters(db));
    for (let i = 0; i < 5; i++) limiters.loginPerIp.consume(`10.0.0.${i}`, T0);
    expect(db.select().from(rateLimitCounters).all()).toHaveLength(5);
    limiters.loginPerIp.consume('10.0.1.1', T0 + 59_999);
    expect(db.select().from(rateLimitCounters).all()).toHaveLength(6);
    limiters.loginPerIp.consume('10.0.1.2', T0 + 60_000);
    expect(db.select({ key: rateLimitCounters.key }).from(rateLimitCounters).all().map((r) => r.key).sort()).toEqual(['10.0.1.1', '10.0.1.2']);
  });
});

describe('rate limits when the database cannot take a write', () => {
  it('count in memory instead, so the limit still holds and the request is not refused for the disk', () => {
    const { db, sqlite } = openDatabase(':memory:');
    const limiters = createRateLimiters({ loginPerIp: { limit: 2, windowMs: 60_000 } }, databaseRateCounters(db));
    expect(limiters.loginPerIp.consume('10.0.0.1', T0).allowed).toBe(true);
    sqlite.pragma('query_only = ON'); // writes now fail as on a read-only file (SQLITE_READONLY)
    expect(limiters.loginPerIp.consume('10.0.0.1', T0 + 1).allowed).toBe(true);
    expect(limiters.loginPerIp.consume('10.0.0.1', T0 + 2).allowed).toBe(true);
    expect(limiters.loginPerIp.consume('10.0.0.1', T0 + 3).allowed).toBe(false);
    expect(limiters.loginPerIp.check('10.0.0.1', T0 + 4).allowed).toBe(false);
  });
});
