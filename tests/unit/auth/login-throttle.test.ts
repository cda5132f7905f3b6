import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../../db/connection';
import { createRateLimiters } from '../../../src/http/rate-limit';
import { databaseRateCounters } from '../../../src/http/rate-counters';
import { DEVICE_COOKIE_MAX_AGE_MS, KNOWN_ADDRESS_MS, LoginThrottle, type LoginVerdict } from '../../../src/auth/login-throttle';
import { databaseLoginTrust } from '../../../src/auth/login-trust';
import { openTestDatabase, type TestDatabase } from '../../helpers/engine';

const T0 = Date.UTC(2026, 10, 1);

/** A throttle as one app process has it: counters and trust in the database `db`. */
function onDatabase(db: Db) {
  return new LoginThrottle(createRateLimiters({}, databaseRateCounters(db)), databaseLoginTrust(db));
}

/** The databases a test opened, closed after it. */
const opened: TestDatabase[] = [];
afterEach(async () => {
  for (const database of opened.splice(0)) await database.close();
});

/** A throttle on a fresh database of the engine under test. */
async function onFreshDatabase(): Promise<LoginThrottle> {
  const database = await openTestDatabase(':memory:');
  opened.push(database);
  return onDatabase(database.db);
}

const kinds: [string, () => Promise<LoginThrottle>][] = [
  ['in memory', async () => new LoginThrottle(createRateLimiters())],
  ['in the database', onFreshDatabase],
];

/** One attempt that fails (or succeeds, returning the device cookie). */
async function attempt(throttle: LoginThrottle, input: { address: string; usernameKey?: string; deviceCookie?: string; now?: number }, succeed = false): Promise<LoginVerdict & { cookie?: string }> {
  const verdict = await throttle.begin({ usernameKey: 'minji', deviceCookie: undefined, now: T0, ...input });
  if (verdict.allowed && succeed) return { ...verdict, cookie: await throttle.succeeded(verdict.attempt, input.now ?? T0) };
  return verdict;
}

describe.each(kinds)('LoginThrottle %s', (_kind, fresh) => {
  it('soft-locks untrusted clients of one account after 10 failures from many addresses, and only them', async () => {
    const throttle = await fresh();
    const owner = await attempt(throttle, { address: '198.51.100.7' }, true);
    for (let i = 0; i < 10; i++) expect((await attempt(throttle, { address: `203.0.113.${i}` })).allowed).toBe(true);
    const refused = await attempt(throttle, { address: '203.0.113.200' });
    expect(refused).toMatchObject({ allowed: false, messageKey: 'auth.error.untrusted_throttled' });
    // The owner's address and the owner's browser (from anywhere) are trusted and pass.
    expect((await attempt(throttle, { address: '198.51.100.7' })).allowed).toBe(true);
    expect((await attempt(throttle, { address: '192.0.2.99', deviceCookie: owner.cookie })).allowed).toBe(true);
    // Another account is not touched.
    expect((await attempt(throttle, { address: '203.0.113.201', usernameKey: 'dohyun' })).allowed).toBe(true);
  });

  it('gives a device cookie only to the account that signed in, and refuses forged, altered or expired ones', async () => {
    const throttle = await fresh();
    const mallory = (await attempt(throttle, { address: '203.0.113.5', usernameKey: 'mallory' }, true)).cookie!;
    for (let i = 0; i < 10; i++) await attempt(throttle, { address: `203.0.113.${20 + i}` });
    const [issued, id, mac] = mallory.split('.');
    const altered = `${issued}.${id}.${mac!.slice(0, -2)}${mac!.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const cookie of [mallory, altered, 'x.y.z', '', 'a'.repeat(500), `${mallory}.extra`]) {
      expect((await attempt(throttle, { address: '203.0.113.99', deviceCookie: cookie })).allowed, cookie).toBe(false);
    }
    const owner = await fresh();
    const cookie = (await attempt(owner, { address: '198.51.100.7' }, true)).cookie!;
    const later = T0 + DEVICE_COOKIE_MAX_AGE_MS + 1;
    for (let i = 0; i < 10; i++) await attempt(owner, { address: `203.0.113.${i}`, now: later });
    expect((await attempt(owner, { address: '192.0.2.1', deviceCookie: cookie, now: later })).allowed).toBe(false);
  });

  it('trusts an address for 30 days after a sign-in from it, and at most the 3 latest addresses of an account', async () => {
    const throttle = await fresh();
    for (const address of ['10.1.0.1', '10.1.0.2', '10.1.0.3', '10.1.0.4']) await attempt(throttle, { address }, true);
    for (let i = 0; i < 10; i++) await attempt(throttle, { address: `203.0.113.${i}` });
    expect((await attempt(throttle, { address: '10.1.0.1' })).allowed).toBe(false);
    for (const address of ['10.1.0.2', '10.1.0.3', '10.1.0.4']) expect((await attempt(throttle, { address })).allowed, address).toBe(true);

    const later = T0 + KNOWN_ADDRESS_MS;
    for (let i = 0; i < 10; i++) await attempt(throttle, { address: `203.0.113.${i}`, now: later });
    expect((await attempt(throttle, { address: '10.1.0.4', now: later })).allowed).toBe(false);
  });

  it('limits a trusted browser on its own: 5 failures lock that browser for the account, nobody else', async () => {
    const throttle = await fresh();
    const cookie = (await attempt(throttle, { address: '198.51.100.7' }, true)).cookie!;
    for (let i = 0; i < 5; i++) expect((await attempt(throttle, { address: `192.0.2.${i}`, deviceCookie: cookie })).allowed).toBe(true);
    expect(await attempt(throttle, { address: '192.0.2.50', deviceCookie: cookie })).toMatchObject({ allowed: false, messageKey: 'error.429.body' });
    expect((await attempt(throttle, { address: '198.51.100.7' })).allowed).toBe(true);
  });

  it('gives a successful attempt back to every counter it was counted on', async () => {
    const throttle = await fresh();
    for (let i = 0; i < 20; i++) expect((await attempt(throttle, { address: '198.51.100.8', usernameKey: 'minji' }, true)).allowed).toBe(true);
    for (let i = 0; i < 5; i++) expect((await attempt(throttle, { address: '198.51.100.8', usernameKey: 'minji' })).allowed).toBe(true);
    expect((await attempt(throttle, { address: '198.51.100.8', usernameKey: 'minji' })).allowed).toBe(false);
  });
});

describe('LoginThrottle in several processes on one database', () => {
  // Two SQLite connections on one file stand for two processes (SQLite's own case, whatever the engine under test).
  it('trusts in one process the browser and the address another process saw sign in, and counts failures together', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marginalia-throttle-'));
    const first = openDatabase(join(dir, 'test.db'));
    const second = openDatabase(join(dir, 'test.db'));
    try {
      const [a, b] = [onDatabase(first.db), onDatabase(second.db)];
      const cookie = (await attempt(a, { address: '198.51.100.7' }, true)).cookie!;
      // Ten strangers, spread over both processes, fill the account's untrusted limit…
      for (let i = 0; i < 10; i++) expect((await attempt(i % 2 ? a : b, { address: `203.0.113.${i}` })).allowed).toBe(true);
      expect(await attempt(b, { address: '203.0.113.77' })).toMatchObject({ allowed: false, messageKey: 'auth.error.untrusted_throttled' });
      expect((await attempt(a, { address: '203.0.113.78' })).allowed).toBe(false);
      // …while the owner's browser and address, seen by the first process, pass in the second.
      expect((await attempt(b, { address: '192.0.2.99', deviceCookie: cookie })).allowed).toBe(true);
      expect((await attempt(b, { address: '198.51.100.7' })).allowed).toBe(true);
    } finally {
      first.sqlite.close();
      second.sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an attempt one counter refuses is given back to the counters that had counted it', async () => {
    const throttle = await onFreshDatabase();
    // Five failures on one account fill that client's counter (5 per 15 minutes); the address has 5 of its 6 a minute.
    for (let i = 0; i < 5; i++) expect((await attempt(throttle, { address: '203.0.113.5', usernameKey: 'user0', now: T0 + i })).allowed).toBe(true);
    // The sixth is refused by the client's counter, after the address's had counted it: given back.
    expect(await attempt(throttle, { address: '203.0.113.5', usernameKey: 'user0', now: T0 + 10 })).toMatchObject({ allowed: false, messageKey: 'error.429.body' });
    expect((await attempt(throttle, { address: '203.0.113.5', usernameKey: 'user1', now: T0 + 11 })).allowed).toBe(true);
    expect((await attempt(throttle, { address: '203.0.113.5', usernameKey: 'user2', now: T0 + 12 })).allowed).toBe(false);
  });
});
