/**
 * Personal access tokens: created on the account's tokens page and shown once, stored hashed,
 * named, scoped, expiring, revocable, rate limited per token; only `Authorization: Bearer`
 * authenticates the API (never a session cookie), and the same-origin check does not stand in
 * the way of a bearer request from a script.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { apiTokens, users } from '../../../db/schema';
import { hashApiToken } from '../../../src/api/tokens';
import { makeTestApp, signUp, type TestApp } from '../../helpers/app';
import { userIdOf } from '../../helpers/fixtures';
import { api, createToken } from './api-room';

let testApp: TestApp;
afterEach(() => testApp?.close());

describe('the tokens page', () => {
  it('is linked from the account page, and sends signed-out readers to sign in', async () => {
    testApp = await makeTestApp();
    const reader = await signUp(testApp, 'reader');
    expect(await (await reader.get('/account')).text()).toContain('href="/account/tokens"');
    const visitor = await signUp(testApp, 'other');
    visitor.cookies.clear();
    const response = await visitor.get('/account/tokens');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?next=%2Faccount%2Ftokens');
  });

  it('shows a new token once, keeps only its SHA-256, and lists it by name, scope and prefix', async () => {
    testApp = await makeTestApp();
    const reader = await signUp(testApp, 'reader');
    const created = await reader.post('/account/tokens', { name: 'Obsidian sync', scope: 'read', expiry: '30' });
    expect(created.status).toBe(200);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const html = await created.text();
    const token = /id="new-token"[^>]*>\s*(mgl_[a-z2-7]{32})/.exec(html)![1]!;
    const [row] = await testApp.db.select().from(apiTokens).where(eq(apiTokens.userId, await userIdOf(testApp, 'reader')));
    expect(row).toMatchObject({ name: 'Obsidian sync', scope: 'read', tokenHash: hashApiToken(token), prefix: token.slice(0, 8), lastUsedAt: null, revokedAt: null });
    expect(row!.expiresAt).toBe(testApp.clock.now + 30 * 86_400_000);
    expect(JSON.stringify(await testApp.db.select().from(apiTokens))).not.toContain(token);
    const later = await (await reader.get('/account/tokens')).text();
    expect(later).not.toContain(token);
    expect(later).toContain('Obsidian sync');
    expect(later).toContain(`${token.slice(0, 8)}…`);
  });

  it('refuses a form without a name or with an unknown scope (422, input kept, nothing written)', async () => {
    testApp = await makeTestApp();
    const reader = await signUp(testApp, 'reader');
    const empty = await reader.post('/account/tokens', { name: '   ', scope: 'read', expiry: '' });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('Give the token a name.');
    const scope = await reader.post('/account/tokens', { name: 'Kept name', scope: 'admin', expiry: '' });
    expect(scope.status).toBe(422);
    expect(await scope.text()).toContain('value="Kept name"');
    const expiry = await reader.post('/account/tokens', { name: 'x', scope: 'read', expiry: '12' });
    expect(expiry.status).toBe(422);
    expect(await testApp.db.select({ n: count() }).from(apiTokens)).toEqual([{ n: 0 }]);
  });

  it('says it in Korean for a Korean reader', async () => {
    testApp = await makeTestApp();
    const reader = await signUp(testApp, 'reader', { acceptLanguage: 'ko' });
    const html = await (await reader.post('/account/tokens', { name: '옵시디언', scope: 'read write', expiry: '' })).text();
    expect(html).toContain('지금 복사해 두세요');
  });
});

describe('authenticating the API', () => {
  it('answers 401 with WWW-Authenticate: Bearer without a token, with a session cookie only, or with a malformed one', async () => {
    testApp = await makeTestApp();
    const reader = await signUp(testApp, 'reader');
    const none = await api(testApp, null, 'GET', '/clubs');
    expect(none.status).toBe(401);
    expect(none.contentType).toBe('application/problem+json');
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="marginalia"');
    expect(none.body).toMatchObject({ type: 'about:blank', title: 'Unauthorized', status: 401 });
    const cookie = await api(testApp, null, 'GET', '/clubs', undefined, { cookie: reader.cookieHeader });
    expect(cookie.status).toBe(401);
    const cookiePost = await api(testApp, null, 'PUT', '/clubs/1/readings/1/progress', { position: 1 }, { cookie: reader.cookieHeader, 'sec-fetch-site': 'same-origin' });
    expect(cookiePost.status).toBe(401);
    const malformed = await api(testApp, 'not-a-token', 'GET', '/clubs');
    expect(malformed.status).toBe(401);
    expect(malformed.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('lets a bearer request write without fetch metadata or Origin, and even from another site', async () => {
    testApp = await makeTestApp();
    const reader = await signUp(testApp, 'reader');
    const token = await createToken(reader, { scope: 'read write' });
    // No club to write to: the write passes authentication and the same-origin check and reaches the handler (404).
    const plain = await api(testApp, token, 'PUT', '/clubs/1/readings/1/progress', { position: 1 });
    expect(plain.status).toBe(404);
    const crossSite = await api(testApp, token, 'PUT', '/clubs/1/readings/1/progress', { position: 1 }, { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' });
    expect(crossSite.status).toBe(404);
    expect(crossSite.contentType).toBe('application/problem+json');
  });

  it('refuses a read token that writes (403, insufficient_scope) and lets it read', async () => {
    testApp = await makeTestApp();
    const reader = await signUp(testApp, 'reader');
    const token = await createToken(reader, { scope: 'read' });
    expect((await api(testApp, token, 'GET', '/me')).body).toMatchObject({ user: { username: 'reader' }, token: { scope: 'read' } });
    const write = await api(testApp, token, 'PUT', '/clubs/1/readings/1/progress', { position: 1 });
    expect(write.status).toBe(403);
    expect(write.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    const remove = await api(testApp, token, 'DELETE', '/clubs/1/comments/1');
    expect(remove.status).toBe(403);
  });

  it('stops a revoked token at once, and only the owner can revoke (404 for anyone else)', async () => {
    testApp = await makeTestApp();
    const reader = await signUp(testApp, 'reader');
    const stranger = await signUp(testApp, 'stranger');
    const token = await createToken(reader);
    expect((await api(testApp, token, 'GET', '/clubs')).status).toBe(200);
    const id = (await testApp.db.select().from(apiTokens))[0]!.id;
    expect((await stranger.post(`/account/tokens/${id}/revoke`)).status).toBe(404);
    expect((await api(testApp, token, 'GET', '/clubs')).status).toBe(200);
    const revoked = await reader.post(`/account/tokens/${id}/revoke`);
    expect(revoked.status).toBe(303);
    expect(revoked.headers.get('location')).toBe('/account/tokens?done=revoked');
    const after = await api(testApp, token, 'GET', '/clubs');
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(await (await reader.get('/account/tokens?done=revoked')).text()).toContain('The token was revoked.');
  });

  it('stops an expired token, and a suspended owner’s token', async () => {
    testApp = await makeTestApp();
    const reader = await signUp(testApp, 'reader');
    const token = await createToken(reader, { expiry: '7' });
    const forever = await createToken(reader, { expiry: '' });
    testApp.clock.advance(7 * 86_400_000 - 1);
    expect((await api(testApp, token, 'GET', '/clubs')).status).toBe(200);
    testApp.clock.advance(1);
    expect((await api(testApp, token, 'GET', '/clubs')).status).toBe(401);
    expect((await api(testApp, forever, 'GET', '/clubs')).status).toBe(200);
    await testApp.db.update(users).set({ suspendedAt: testApp.clock.now }).where(eq(users.id, await userIdOf(testApp, 'reader')));
    expect((await api(testApp, forever, 'GET', '/clubs')).status).toBe(401);
  });

  it('records when a token was last used (to the minute)', async () => {
    testApp = await makeTestApp();
    const reader = await signUp(testApp, 'reader');
    const token = await createToken(reader);
    const lastUsed = async () => (await testApp.db.select().from(apiTokens))[0]!.lastUsedAt;
    await api(testApp, token, 'GET', '/clubs');
    const first = testApp.clock.now;
    expect(await lastUsed()).toBe(first);
    testApp.clock.advance(30_000);
    await api(testApp, token, 'GET', '/clubs');
    expect(await lastUsed()).toBe(first);
    testApp.clock.advance(30_000);
    await api(testApp, token, 'GET', '/clubs');
    expect(await lastUsed()).toBe(testApp.clock.now);
  });

  it('limits requests per token (429 with Retry-After), each token on its own', async () => {
    testApp = await makeTestApp({ rateLimits: { apiPerToken: { limit: 3, windowMs: 60_000 } } });
    const reader = await signUp(testApp, 'reader');
    const token = await createToken(reader);
    const other = await createToken(reader, { name: 'other' });
    for (let i = 0; i < 3; i++) expect((await api(testApp, token, 'GET', '/clubs')).status).toBe(200);
    const limited = await api(testApp, token, 'GET', '/clubs');
    expect(limited.status).toBe(429);
    expect(limited.contentType).toBe('application/problem+json');
    expect(limited.headers.get('retry-after')).toBe('60');
    expect((await api(testApp, other, 'GET', '/clubs')).status).toBe(200);
    testApp.clock.advance(60_000);
    expect((await api(testApp, token, 'GET', '/clubs')).status).toBe(200);
  });

  it('answers problems for unknown paths, bad ids and bodies that are not JSON', async () => {
    testApp = await makeTestApp();
    const reader = await signUp(testApp, 'reader', { acceptLanguage: 'ko' });
    const token = await createToken(reader);
    const unknown = await api(testApp, token, 'GET', '/nowhere');
    expect(unknown.status).toBe(404);
    expect(unknown.contentType).toBe('application/problem+json');
    expect((await api(testApp, token, 'GET', '/clubs/abc/polls')).status).toBe(404);
    const notJson = await testApp.app.request('/api/v1/clubs/1/readings/1/progress', { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
    expect(notJson.headers.get('content-type')).toBe('application/problem+json');
    const korean = await api(testApp, token, 'GET', '/nowhere', undefined, { 'accept-language': 'ko' });
    expect((korean.body as { detail: string }).detail).toBe('여기에는 아무것도 없거나, 볼 수 없는 내용이에요.');
  });
});

describe('tokens and the account', () => {
  it('are deleted with the account', async () => {
    testApp = await makeTestApp();
    const reader = await signUp(testApp, 'leaver');
    const token = await createToken(reader);
    const gone = await reader.post('/account/delete', { comments: 'delete', password: 'correct horse battery' });
    expect(gone.status).toBe(303);
    expect(await testApp.db.select({ n: count() }).from(apiTokens)).toEqual([{ n: 0 }]);
    expect((await api(testApp, token, 'GET', '/me')).status).toBe(401);
  });
});
