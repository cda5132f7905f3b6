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

  it('allows `limit` events in a window and refuses the next with the seconds left', async () => {
    const limiter = new RateLimiter({ limit: 3, windowMs: 60_000 });
    expect(await limiter.consume('a', T0)).toEqual({ allowed: true, remaining: 2, retryAfterSeconds: 0 });
    expect(await limiter.consume('a', T0 + 1)).toEqual({ allowed: true, remaining: 1, retryAfterSeconds: 0 });
    expect(await limiter.consume('a', T0 + 2)).toEqual({ allowed: true, remaining: 0, retryAfterSeconds: 0 });
    expect(await limiter.consume('a', T0 + 10_000)).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 50 });
    expect(await limiter.consume('a', T0 + 59_001)).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
  });

  it('opens again when the window has passed', async () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 60_000 });
    expect((await limiter.consume('a', T0)).allowed).toBe(true);
    expect((await limiter.consume('a', T0 + 59_999)).allowed).toBe(false);
    expect((await limiter.consume('a', T0 + 60_000)).allowed).toBe(true);
  });

  it('keeps keys apart', async () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 1_000 });
    expect((await limiter.consume('a', T0)).allowed).toBe(true);
    expect((await limiter.consume('b', T0)).allowed).toBe(true);
    expect((await limiter.consume('a', T0)).allowed).toBe(false);
  });

  it('check looks without counting', async () => {
    const limiter = new RateLimiter({ limit: 2, windowMs: 1_000 });
    for (let i = 0; i < 5; i++) expect((await limiter.check('a', T0)).allowed).toBe(true);
    await limiter.consume('a', T0);
    expect(await limiter.check('a', T0)).toMatchObject({ allowed: true, remaining: 1 });
    await limiter.consume('a', T0);
    expect(await limiter.check('a', T0 + 250)).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
  });

  it('refused events do not extend the window', async () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 10_000 });
    await limiter.consume('a', T0);
    for (let t = 1; t < 10; t++) await limiter.consume('a', T0 + t * 1000);
    expect((await limiter.consume('a', T0 + 10_000)).allowed).toBe(true);
  });

  it('reset forgives a key', async () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 60_000 });
    await limiter.consume('a', T0);
    expect((await limiter.check('a', T0)).allowed).toBe(false);
    await limiter.reset('a');
    expect((await limiter.consume('a', T0)).allowed).toBe(true);
  });

  it('a refused event after a refund still counts the refund (refused events were never counted)', async () => {
    const limiter = new RateLimiter({ limit: 2, windowMs: 60_000 });
    await limiter.consume('a', T0);
    await limiter.consume('a', T0);
    expect((await limiter.consume('a', T0)).allowed).toBe(false);
    await limiter.refund('a');
    expect(await limiter.consume('a', T0)).toMatchObject({ allowed: true, remaining: 0 });
    expect((await limiter.consume('a', T0)).allowed).toBe(false);
  });
});

describe('RateLimiter in memory', () => {
  const RateLimiter = RateLimiterBase;
  it('keeps working when many keys pile up (old windows are swept)', async () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 1_000 });
    for (let i = 0; i < 50_001; i++) await limiter.consume(`k${i}`, T0);
    await limiter.consume('late', T0 + 5_000);
    expect((await limiter.consume('k1', T0 + 5_000)).allowed).toBe(true);
    expect((await limiter.consume('late', T0 + 5_000)).allowed).toBe(false);
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

  it('accepts overrides and gives each app its own counters', async () => {
    const a = createRateLimiters({ loginPerIp: { limit: 1, windowMs: 1000 } });
    const b = createRateLimiters();
    expect(a.loginPerIp.rule.limit).toBe(1);
    expect(a.loginPerUsername.rule).toEqual(DEFAULT_RATE_LIMITS.loginPerUsername);
    await a.loginPerIp.consume('ip', T0);
    expect((await a.loginPerIp.check('ip', T0)).allowed).toBe(false);
    expect((await b.loginPerIp.check('ip', T0)).allowed).toBe(true);
  });
});

describe.each(stores)('RateLimiter.refund in %s', (_name, store) => {
  const RateLimiter = class extends RateLimiterBase {
    constructor(rule: RateLimitRule) {
      super(rule, store());
    }
  };

  it('gives back one counted event, never going below zero', async () => {
    const limiter = new RateLimiter({ limit: 2, windowMs: 60_000 });
    await limiter.consume('a', T0);
    await limiter.consume('a', T0);
    expect((await limiter.check('a', T0)).allowed).toBe(false);
    await limiter.refund('a');
    expect(await limiter.check('a', T0)).toMatchObject({ allowed: true, remaining: 1 });
    await limiter.refund('a');
    await limiter.refund('a');
    await limiter.refund('unknown');
    expect((await limiter.check('a', T0)).remaining).toBe(2);
    expect((await limiter.consume('a', T0)).remaining).toBe(1);
  });
});

describe('rate limits in the database, shared by several processes', () => {
  it('counts the events of two connections to one file against one limit, per limiter', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marginalia-rate-'));
    const first = openDatabase(join(dir, 'test.db'));
    const second = openDatabase(join(dir, 'test.db'));
    try {
      const a = createRateLimiters({ loginPerIp: { limit: 6, windowMs: 60_000 } }, databaseRateCounters(first.db));
      const b = createRateLimiters({ loginPerIp: { limit: 6, windowMs: 60_000 } }, databaseRateCounters(second.db));
      let allowed = 0;
      for (let i = 0; i < 10; i++) if ((await (i % 2 ? a : b).loginPerIp.consume('203.0.113.9', T0 + i)).allowed) allowed += 1;
      expect(allowed).toBe(6);
      expect(await a.loginPerIp.check('203.0.113.9', T0 + 20)).toMatchObject({ allowed: false, retryAfterSeconds: 60 });
      // Another limiter with the same key counts on its own.
      expect((await b.registerPerIp.consume('203.0.113.9', T0)).allowed).toBe(true);
      await b.loginPerIp.refund('203.0.113.9');
      expect((await a.loginPerIp.consume('203.0.113.9', T0 + 30)).allowed).toBe(true);
      expect((await b.loginPerIp.consume('203.0.113.9', T0 + 31)).allowed).toBe(false);
    } finally {
      first.sqlite.close();
      second.sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts events arriving at once (not one after another) against the limit, never past it', async () => {
    const { db, sqlite } = openDatabase(':memory:');
    try {
      const limiters = createRateLimiters({ loginPerIp: { limit: 6, windowMs: 60_000 } }, databaseRateCounters(db));
      const verdicts = await Promise.all(Array.from({ length: 10 }, (_, i) => limiters.loginPerIp.consume('203.0.113.9', T0 + i)));
      expect(verdicts.filter((v) => v.allowed)).toHaveLength(6);
      expect(await db.select({ count: rateLimitCounters.count }).from(rateLimitCounters)).toEqual([{ count: 7 }]);
    } finally {
      sqlite.close();
    }
  });

  it('prunes windows that ended, at most once a minute', async () => {
    const { db } = openDatabase(':memory:');
    const limiters = createRateLimiters({}, databaseRateCounters(db));
    for (let i = 0; i < 5; i++) await limiters.loginPerIp.consume(`10.0.0.${i}`, T0);
    expect(await db.select().from(rateLimitCounters)).toHaveLength(5);
    await limiters.loginPerIp.consume('10.0.1.1', T0 + 59_999);
    expect(await db.select().from(rateLimitCounters)).toHaveLength(6);
    await limiters.loginPerIp.consume('10.0.1.2', T0 + 60_000);
    expect((await db.select({ key: rateLimitCounters.key }).from(rateLimitCounters)).map((r) => r.key).sort()).toEqual(['10.0.1.1', '10.0.1.2']);
  });
});

describe('rate limits when the database cannot take a write', () => {
  it('count in memory instead, so the limit still holds and the request is not refused for the disk', async () => {
    const { db, sqlite } = openDatabase(':memory:');
    const limiters = createRateLimiters({ loginPerIp: { limit: 2, windowMs: 60_000 } }, databaseRateCounters(db));
    expect((await limiters.loginPerIp.consume('10.0.0.1', T0)).allowed).toBe(true);
    sqlite.pragma('query_only = ON'); // writes now fail as on a read-only file (SQLITE_READONLY)
    expect((await limiters.loginPerIp.consume('10.0.0.1', T0 + 1)).allowed).toBe(true);
    expect((await limiters.loginPerIp.consume('10.0.0.1', T0 + 2)).allowed).toBe(true);
    expect((await limiters.loginPerIp.consume('10.0.0.1', T0 + 3)).allowed).toBe(false);
    expect((await limiters.loginPerIp.check('10.0.0.1', T0 + 4)).allowed).toBe(false);
  });
});
