/**
 * Warm answers (src/http/warm-answers.ts) and the session cache (src/auth/session-cache.ts): a
 * chapter page asked again is answered before the middleware chain only while nothing it was
 * decided from has changed, only to the session it was decided for, and byte for byte as the
 * full pipeline answered it. Every change that decides access takes effect on the next request.
 *
 * Both caches hold only while the database's change stamp stands (`changeStamp`,
 * db/connection.ts). On SQLite it moves only when something was written; PostgreSQL has no such
 * counter for other processes' commits, so there it moves on every reading and neither cache
 * ever answers: these caching tests are SQLite's (left out of `npm run test:pg`), and
 * tests/pg/warm-answers.test.ts checks that on PostgreSQL every request goes the full way,
 * with the same answer.
 */
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { memberships, sessions as sessionRows, users } from '../../../db/schema';
import { SessionCache } from '../../../src/auth';
import { cookieFrom } from '../../../src/http/forms';
import { signIn, signUp, type Client, type TestApp } from '../../helpers/app';
import { load, openApp, room, testApp } from './warm-room';
import { addMemberRow, createClubRow, importSampleBook, setProgressRow, startReadingRow, userIdOf } from '../../helpers/fixtures';

describe('warm answers', () => {
  it('answer a chapter page asked again with the same bytes and headers as the full way, and a new request id', async () => {
    const { alice, url } = await room();
    const first = await load(alice, url);
    expect(first.warm).toBe(false);
    const second = await load(alice, url);
    expect(second.warm).toBe(true);
    expect(second.response.status).toBe(200);
    expect(second.html).toBe(first.html);
    const headersOf = (r: Response) => Object.fromEntries([...r.headers].filter(([name]) => name !== 'x-request-id'));
    expect(headersOf(second.response)).toEqual(headersOf(first.response));
    expect(second.response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(second.response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.response.headers.get('x-request-id')).not.toBe(first.response.headers.get('x-request-id'));
  });

  it("never answer one reader's page to another, nor to a forged secret of a real session", async () => {
    const { alice, bob, url } = await room();
    await load(alice, url);
    expect((await load(alice, url)).warm).toBe(true);
    const asBob = await load(bob, url);
    expect(asBob.warm).toBe(false);
    expect(asBob.html).toContain('Bob Park');
    expect(asBob.html).not.toContain('Alice Kim');

    const [name, token] = [...alice.cookies].find(([n]) => n.includes('session'))!;
    const forged = new (alice.constructor as new (app: TestApp) => Client)(testApp);
    forged.cookies.set(name, `${token.split('.')[0]}.${'a'.repeat(52)}`);
    const answer = await load(forged, url);
    expect(answer.warm).toBe(false);
    expect(answer.response.status).toBe(404); // a private club, to someone signed out
    expect(answer.html).not.toContain('Alice Kim');
  });

  it('go the full way after a role change, a ban and a sign-out everywhere, which show at once', async () => {
    // Others' changes reach a cached page after the stale window (page-cache.ts): none here.
    const { alice, bob, club, url } = await room(0);
    const bobId = await userIdOf(testApp, 'bob');
    const warmFor = async (client: Client) => {
      await load(client, url);
      return (await load(client, url)).warm;
    };

    expect(await warmFor(bob)).toBe(true);
    expect((await alice.post(`/clubs/${club.id}/members/${bobId}/role`, { role: 'moderator' })).status).toBe(303);
    const promoted = await load(bob, url);
    expect(promoted.warm).toBe(false);
    expect(promoted.html).toContain('badge-role">Moderator<');

    expect(await warmFor(bob)).toBe(true);
    expect((await alice.post(`/clubs/${club.id}/members/${bobId}/role`, { role: 'member' })).status).toBe(303);
    expect((await alice.post(`/clubs/${club.id}/moderation/restrictions`, { action: 'ban', user_id: bobId, reason: 'trolling' })).status).toBe(303);
    const banned = await load(bob, url);
    expect(banned.warm).toBe(false);
    expect(banned.response.status).toBe(404);

    expect(await warmFor(alice)).toBe(true);
    const otherDevice = await signIn(testApp, 'alice');
    expect(await warmFor(otherDevice)).toBe(true);
    expect((await alice.post('/account/logout-everywhere')).status).toBe(303);
    const signedOut = await load(otherDevice, url);
    expect(signedOut.warm).toBe(false);
    expect(signedOut.response.status).toBe(404);
  });

  it('go the full way after any write, even one no event tells of: a membership row deleted by hand', async () => {
    const { bob, url } = await room();
    await load(bob, url);
    expect((await load(bob, url)).warm).toBe(true);
    await testApp.db.delete(memberships).where(eq(memberships.userId, await userIdOf(testApp, 'bob')));
    const removed = await load(bob, url);
    expect(removed.warm).toBe(false);
    expect(removed.response.status).toBe(404);
    expect(removed.html).not.toContain('paragraph-text'); // the private club's text is gone to him
  });

  it('go the full way when the page is old, the session is due for renewal, or the request differs', async () => {
    const { alice, url } = await room();
    await load(alice, url);
    expect((await load(alice, url)).warm).toBe(true);
    testApp.clock.advance(16_000); // past the page cache's 15 s
    expect((await load(alice, url)).warm).toBe(false);
    expect((await load(alice, url)).warm).toBe(true);

    for (const [headers, path] of [
      [{ 'hx-request': 'true' }, url],
      [{ 'accept-encoding': 'identity' }, url],
      [{}, `${url}?from=home`],
      [{ 'accept-language': 'ko' }, url],
    ] as const) {
      expect((await load(alice, path, headers)).warm).toBe(false);
    }

    testApp.clock.advance(24 * 60 * 60 * 1000); // a day: the session's expiry slides (a write and a new cookie)
    const renewed = await load(alice, url);
    expect(renewed.warm).toBe(false);
    expect(renewed.response.headers.get('set-cookie')).toMatch(/marginalia_session=/);
    await load(alice, url);
    expect((await load(alice, url)).warm).toBe(true);
  });

  it('answer in the language the reader now asks for', async () => {
    const { alice, url } = await room();
    const english = await load(alice, url);
    expect(english.response.headers.get('content-language')).toBe('en');
    expect((await load(alice, url)).warm).toBe(true);
    expect((await alice.post('/locale', { locale: 'ko', next: url })).status).toBe(303);
    const korean = await load(alice, url);
    expect(korean.warm).toBe(false);
    expect(korean.response.headers.get('content-language')).toBe('ko');
    const again = await load(alice, url);
    expect(again.warm).toBe(true);
    expect(again.response.headers.get('content-language')).toBe('ko');
    expect(again.html).toBe(korean.html);
  });
});

describe('the session cache', () => {
  it('keeps a validated session until anything is written, and refuses a wrong secret', async () => {
    await openApp();
    const alice = await signUp(testApp, 'alice');
    const token = [...alice.cookies].find(([n]) => n.includes('session'))![1];
    const sessions = new SessionCache(testApp.db);
    const now = testApp.clock.now;
    expect(sessions.recognise(token, now)).toBeNull(); // nothing kept yet
    const validated = (await sessions.validate(token, now))!;
    expect(validated.user.username).toBe('alice');
    expect(sessions.recognise(token, now)?.session.id).toBe(validated.session.id);
    expect(sessions.recognise(`${token.split('.')[0]}.${'b'.repeat(52)}`, now)).toBeNull();
    expect(Object.isFrozen(sessions.recognise(token, now)!.user)).toBe(true);
    await testApp.db.update(users).set({ displayName: 'Alice K.' }).where(eq(users.username, 'alice'));
    expect(sessions.recognise(token, now)).toBeNull();
    expect((await sessions.validate(token, now))?.user.displayName).toBe('Alice K.');
    await testApp.db.delete(sessionRows);
    expect(sessions.recognise(token, now)).toBeNull();
    expect(await sessions.validate(token, now)).toBeNull();
  });

  it('reads a cookie as Hono does', () => {
    const header = 'other=1; marginalia_session = abc.def ; locale="ko"; x=%E2%9C%93';
    expect(cookieFrom(header, 'marginalia_session')).toBe('abc.def');
    expect(cookieFrom(header, 'locale')).toBe('ko');
    expect(cookieFrom(header, 'x')).toBe('✓');
    expect(cookieFrom(header, 'session')).toBeUndefined();
    expect(cookieFrom('a_marginalia_session=1', 'marginalia_session')).toBeUndefined();
  });
});
