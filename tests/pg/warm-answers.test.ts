/**
 * Warm answers and the session cache on PostgreSQL: the change stamp moves on every reading
 * there (db/connection.ts, `changeStamp`), so neither cache ever answers, and every request
 * goes the full way with the same answer. SQLite's caching behaviour is
 * tests/integration/http/warm-answers.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { users } from '../../db/schema';
import { SessionCache } from '../../src/auth';
import { signUp } from '../helpers/app';
import { load, openApp, room, testApp } from '../integration/http/warm-room';

describe('warm answers on PostgreSQL', () => {
  it('never answer: every request goes the full way, and answers as it did', async () => {
    const { alice, bob, url } = await room();
    const first = await load(alice, url);
    const again = await load(alice, url);
    expect([first.warm, again.warm]).toEqual([false, false]);
    expect(again.response.status).toBe(200);
    expect(again.html).toBe(first.html);
    const asBob = await load(bob, url);
    expect(asBob.warm).toBe(false);
    expect(asBob.html).toContain('Bob Park');
    expect(asBob.html).not.toContain('Alice Kim');
  });

  it('the session cache keeps nothing (the stamp moves on every reading), and validates every time', async () => {
    await openApp();
    const alice = await signUp(testApp, 'alice');
    const token = [...alice.cookies].find(([n]) => n.includes('session'))![1];
    const sessions = new SessionCache(testApp.db);
    const now = testApp.clock.now;
    expect((await sessions.validate(token, now))?.user.username).toBe('alice');
    expect(sessions.recognise(token, now)).toBeNull();
    await testApp.db.update(users).set({ displayName: 'Alice K.' }).where(eq(users.username, 'alice'));
    expect((await sessions.validate(token, now))?.user.displayName).toBe('Alice K.');
    expect(await sessions.validate(`${token.split('.')[0]}.${'b'.repeat(52)}`, now)).toBeNull();
  });
});
