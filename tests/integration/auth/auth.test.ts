/**
 * Accounts and sessions through HTTP, against a real SQLite file: sign-up and its validation,
 * sign-in, sign-out, Lucia-style session tokens (hashed secret, sliding expiry), the cookie,
 * and the account page.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sessions, users as usersTable } from '../../../db/schema';
import { SESSION_LIFETIME_MS } from '../../../src/auth/session';
import { Client, DEFAULT_PASSWORD, makeTestApp, signIn, signUp, type TestApp } from '../../helpers/app';

const DAY = 24 * 60 * 60 * 1000;
const COOKIE = 'marginalia_session';

let testApp: TestApp;
let ipCounter = 0;
/** A fresh client on its own address, so the sign-up limit per IP never interferes. */
const freshClient = (options: { acceptLanguage?: string } = {}) => new Client(testApp, { ip: `192.0.2.${++ipCounter % 250}`, ...options });

beforeEach(async () => {
  testApp = await makeTestApp();
});
afterEach(() => testApp.close());

const users = () => testApp.db.select().from(usersTable).orderBy(usersTable.id);
const sessionRows = () => testApp.db.select().from(sessions);
const userNamed = async (username: string) => (await users()).find((u) => u.usernameKey === username.toLowerCase());
const tokenOf = (client: Client) => client.cookies.get(COOKIE)!;
const sessionCookieLine = (response: Response) => response.headers.getSetCookie().find((line) => line.startsWith(`${COOKIE}=`));

function registration(fields: Partial<Record<'username' | 'displayName' | 'password' | 'passwordConfirm', string>> = {}) {
  return {
    username: 'minji',
    displayName: '민지',
    password: DEFAULT_PASSWORD,
    passwordConfirm: fields.password ?? DEFAULT_PASSWORD,
    ...fields,
  };
}

describe('sign-up', () => {
  it('creates the account, signs the reader in with a session cookie and redirects with 303', async () => {
    const client = freshClient();
    const response = await client.post('/register', registration({ username: 'minji', displayName: '김민지' }));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    expect(tokenOf(client)).toMatch(/^[a-z2-7]+\.[a-z2-7]+$/);
    expect(await sessionRows()).toHaveLength(1);

    const home = await client.get('/');
    const html = await home.text();
    expect(html).toContain('Welcome, 김민지.');
    expect(html).toContain('action="/logout"');
  });

  it('stores an argon2id hash with the agreed parameters, never the password', async () => {
    await signUp(testApp, 'minji');
    const hash = (await userNamed('minji'))!.passwordHash;
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(hash).not.toContain(DEFAULT_PASSWORD);
  });

  it('follows a safe `next` path but never an open redirect', async () => {
    const a = await freshClient().post('/register', { ...registration({ username: 'reader_a' }), next: '/account' });
    expect(a.headers.get('location')).toBe('/account');
    const b = await freshClient().post('/register', { ...registration({ username: 'reader_b' }), next: '//evil.example/' });
    expect(b.headers.get('location')).toBe('/');
  });

  it('makes the first account the administrator and no later one', async () => {
    await signUp(testApp, 'first');
    await signUp(testApp, 'second');
    expect((await userNamed('first'))!.isAdmin).toBe(true);
    expect((await userNamed('second'))!.isAdmin).toBe(false);
  });

  it('accepts a Hangul display name and stores it NFC-normalised', async () => {
    const decomposed = '김민지'.normalize('NFD');
    expect(decomposed).not.toBe('김민지');
    const response = await freshClient().post('/register', registration({ displayName: `  ${decomposed}  ` }));
    expect(response.status).toBe(303);
    const stored = (await userNamed('minji'))!.displayName;
    expect(stored).toBe('김민지'.normalize('NFC'));
    expect(stored.length).toBe(3);
  });

  it('accepts the boundaries: 3 and 32 character usernames, 50 character names, 8 and 255 character passwords', async () => {
    expect((await freshClient().post('/register', registration({ username: 'abc', password: 'x'.repeat(8) }))).status).toBe(303);
    expect((await freshClient().post('/register', registration({ username: 'a'.repeat(32), displayName: '가'.repeat(50), password: 'y'.repeat(255) }))).status).toBe(303);
    expect(await users()).toHaveLength(2);
  });

  const invalid: [string, ReturnType<typeof registration>, string, string][] = [
    ['a two-letter username', registration({ username: 'mj' }), 'username', 'Usernames are 3–32 characters'],
    ['a 33-letter username', registration({ username: 'a'.repeat(33) }), 'username', 'Usernames are 3–32 characters'],
    ['a username with a space', registration({ username: 'min ji' }), 'username', 'Usernames are 3–32 characters'],
    ['a username with a dot', registration({ username: 'min.ji' }), 'username', 'Usernames are 3–32 characters'],
    ['a Hangul username', registration({ username: '민지민지' }), 'username', 'Usernames are 3–32 characters'],
    ['a 51-character display name', registration({ displayName: '가'.repeat(51) }), 'displayName', 'Display names are 1–50 characters.'],
    ['an empty display name', registration({ displayName: '   ' }), 'displayName', 'Display names are 1–50 characters.'],
    ['a display name with a control character', registration({ displayName: 'Min\u0007ji' }), 'displayName', 'Display names cannot contain control characters.'],
    ['a display name with a bidi override', registration({ displayName: 'Min\u202Eji' }), 'displayName', 'Display names cannot contain control characters.'],
    ['a 7-character password', registration({ password: 'x'.repeat(7) }), 'password', 'Passwords are 8–255 characters.'],
    ['a 256-character password', registration({ password: 'x'.repeat(256) }), 'password', 'Passwords are 8–255 characters.'],
    ['two different passwords', registration({ password: DEFAULT_PASSWORD, passwordConfirm: 'something else' }), 'passwordConfirm', 'The two passwords are not the same.'],
  ];

  it.each(invalid)('refuses %s with 422, the message beside the field, the input kept and nothing written', async (_what, fields, field, message) => {
    const client = freshClient();
    const response = await client.post('/register', fields);
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain(message);
    expect(html).toContain(`id="${field}-error"`);
    expect(html).toContain(`aria-invalid="true"`);
    // What the reader typed is kept (escaped), except passwords.
    if (field !== 'username') expect(html).toContain(`value="${fields.username}"`);
    expect(html).not.toContain(fields.password);
    expect(await users()).toHaveLength(0);
    expect(await sessionRows()).toHaveLength(0);
    expect(client.cookies.has(COOKIE)).toBe(false);
  });

  it('shows validation errors in Korean to a Korean reader', async () => {
    const response = await freshClient({ acceptLanguage: 'ko-KR,ko;q=0.9' }).post('/register', registration({ username: 'x' }));
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('아이디는 a–z, 0–9, _, - 로 된 3–32자여야 해요.');
  });

  it('refuses a username that differs only in case with 409, a message, and nothing written', async () => {
    await signUp(testApp, 'Minji');
    const before = await users();
    const client = freshClient();
    const response = await client.post('/register', registration({ username: 'minji', displayName: 'Someone else' }));
    expect(response.status).toBe(409);
    const html = await response.text();
    expect(html).toContain('That username is taken.');
    expect(html).toContain('value="minji"');
    expect(await users()).toEqual(before);
    expect(await sessionRows()).toHaveLength(1);
    expect(client.cookies.has(COOKIE)).toBe(false);
  });

  it('does not let a signed-out reader’s Accept-Language become a saved setting', async () => {
    await signUp(testApp, 'minji', { acceptLanguage: 'ko-KR,ko;q=0.9' });
    expect((await userNamed('minji'))!.locale).toBeNull();
  });

  it('keeps the language a signed-out reader chose with the switch', async () => {
    const client = freshClient();
    await client.post('/locale', { locale: 'ko', next: '/register' });
    expect((await client.post('/register', registration())).status).toBe(303);
    expect((await userNamed('minji'))!.locale).toBe('ko');
  });
});

describe('sign-in and sign-out', () => {
  it('gives a wrong password and an unknown username exactly the same response', async () => {
    await signUp(testApp, 'minji');
    const wrongPassword = await freshClient().post('/login', { username: 'minji', password: 'not the password' });
    const wrongBody = await wrongPassword.text();

    // The same request once the account no longer exists.
    await testApp.db.delete(usersTable);
    const unknown = await freshClient().post('/login', { username: 'minji', password: 'not the password' });
    const unknownBody = await unknown.text();

    expect(wrongPassword.status).toBe(422);
    expect(unknown.status).toBe(wrongPassword.status);
    expect(unknownBody).toBe(wrongBody);
    expect(wrongBody).toContain('That username and password do not match an account.');
    expect(wrongPassword.headers.getSetCookie()).toEqual(unknown.headers.getSetCookie());

    // And a different unknown username differs only by the echoed username.
    const other = await freshClient().post('/login', { username: 'nobody', password: 'not the password' });
    expect(other.status).toBe(422);
    expect((await other.text()).replaceAll('nobody', 'minji')).toBe(wrongBody);
  });

  it('signs in with the right password, ignoring the case of the username', async () => {
    await signUp(testApp, 'Minji');
    const client = freshClient();
    const response = await client.post('/login', { username: 'MINJI', password: DEFAULT_PASSWORD, next: '/account' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/account');
    expect((await client.get('/account')).status).toBe(200);
  });

  it('creates a new session with a new token on every sign-in', async () => {
    await signUp(testApp, 'minji');
    const first = await signIn(testApp, 'minji');
    const second = await signIn(testApp, 'minji');
    expect(tokenOf(first)).not.toBe(tokenOf(second));
    expect(tokenOf(first).split('.')[0]).not.toBe(tokenOf(second).split('.')[0]);
    expect(await sessionRows()).toHaveLength(3);
  });

  it('signing in again in the same browser ends the session it replaces', async () => {
    const client = await signUp(testApp, 'minji');
    const before = tokenOf(client);
    expect((await client.post('/login', { username: 'minji', password: DEFAULT_PASSWORD })).status).toBe(303);
    expect(tokenOf(client)).not.toBe(before);
    expect((await sessionRows()).map((s) => s.id)).toEqual([tokenOf(client).split('.')[0]]);
  });

  it('sign-out deletes the session row and the cookie, and the old token stops working', async () => {
    const client = await signUp(testApp, 'minji');
    const token = tokenOf(client);
    const sessionId = token.split('.')[0];
    expect((await sessionRows()).map((s) => s.id)).toEqual([sessionId]);

    const response = await client.post('/logout');
    expect(response.status).toBe(303);
    expect(sessionCookieLine(response)).toMatch(/^marginalia_session=;.*Max-Age=0/);
    expect(client.cookies.has(COOKIE)).toBe(false);
    expect(await sessionRows()).toHaveLength(0);

    const replay = new Client(testApp);
    replay.cookies.set(COOKIE, token);
    const account = await replay.get('/account');
    expect(account.status).toBe(303);
    expect(account.headers.get('location')).toBe('/login?next=%2Faccount');
    const home = await replay.get('/');
    expect(await home.text()).not.toContain('action="/logout"');
  });
});

describe('sessions', () => {
  it('keeps only SHA-256 of the secret: the secret itself is nowhere in the sessions table', async () => {
    const client = await signUp(testApp, 'minji');
    const [id, secret] = tokenOf(client).split('.') as [string, string];
    expect(id).toHaveLength(16); // 10 random bytes, base32: 80 bits
    expect(secret).toHaveLength(52); // 32 random bytes, base32: 256 bits
    const [row] = await sessionRows();
    expect(row!.id).toBe(id);
    expect(Buffer.from(row!.secretHash).equals(createHash('sha256').update(secret).digest())).toBe(true);
    // Every column, and the stored hash as hex and as text.
    const dump = (await sessionRows()).map((r) => ({ ...r, h: r.secretHash.toString('hex'), t: r.secretHash.toString('latin1') }));
    const text = JSON.stringify(dump).toLowerCase();
    expect(text).not.toContain(secret);
    expect(text).not.toContain(Buffer.from(secret).toString('hex'));
  });

  it('refuses a token with the right id but a wrong secret, and malformed tokens', async () => {
    const client = await signUp(testApp, 'minji');
    const [id, secret] = tokenOf(client).split('.') as [string, string];
    const forged = `${id}.${secret.slice(0, -1)}${secret.endsWith('a') ? 'b' : 'a'}`;
    for (const token of [forged, id, `${id}.`, `.${secret}`, `${id}.${secret}.x`, `${id}.${'a'.repeat(5000)}`]) {
      const attacker = new Client(testApp);
      attacker.cookies.set(COOKIE, token);
      const response = await attacker.get('/account');
      expect(response.status, token).toBe(303);
      expect(response.headers.get('location')).toMatch(/^\/login/);
    }
    // The real session is untouched by the forgeries.
    expect((await client.get('/account')).status).toBe(200);
  });

  it('expires after 30 days without use and deletes the row', async () => {
    const client = await signUp(testApp, 'minji');
    testApp.clock.advance(29 * DAY);
    const stillIn = new Client(testApp);
    stillIn.cookies.set(COOKIE, tokenOf(client));
    // Just before the end (without using it, since use would renew it).
    testApp.clock.advance(DAY - 1);
    expect((await stillIn.get('/account')).status).toBe(200);

    const other = await signUp(testApp, 'dohyun');
    testApp.clock.advance(SESSION_LIFETIME_MS);
    const response = await other.get('/account');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/login/);
    expect(sessionCookieLine(response)).toMatch(/Max-Age=0/);
    expect((await sessionRows()).map((s) => s.userId)).not.toContain((await userNamed('dohyun'))!.id);
  });

  it('slides: a session used on day 2 gets a new expiry and the cookie is sent again', async () => {
    const client = await signUp(testApp, 'minji');
    const startedAt = testApp.clock.now;
    expect((await sessionRows())[0]!.expiresAt).toBe(startedAt + SESSION_LIFETIME_MS);

    // Within the first day nothing is written and no cookie is re-sent.
    testApp.clock.advance(60 * 60 * 1000);
    const early = await client.get('/');
    expect(sessionCookieLine(early)).toBeUndefined();
    expect((await sessionRows())[0]!.expiresAt).toBe(startedAt + SESSION_LIFETIME_MS);

    testApp.clock.advance(DAY);
    const dayTwo = await client.get('/');
    expect(dayTwo.status).toBe(200);
    const line = sessionCookieLine(dayTwo);
    expect(line).toBeDefined();
    expect(line).toContain(tokenOf(client));
    expect(line).toContain(`Max-Age=${SESSION_LIFETIME_MS / 1000}`);
    expect((await sessionRows())[0]!.expiresAt).toBe(testApp.clock.now + SESSION_LIFETIME_MS);

    // 31 days after sign-in the renewed session still works; without renewal it would not.
    testApp.clock.advance(29 * DAY);
    expect(testApp.clock.now - startedAt).toBeGreaterThan(SESSION_LIFETIME_MS);
    expect((await client.get('/account')).status).toBe(200);
  });
});

describe('the session cookie', () => {
  it('is HttpOnly, SameSite=Lax, Path=/ and not Secure over http', async () => {
    const client = freshClient();
    const response = await client.post('/register', registration());
    const line = sessionCookieLine(response)!;
    expect(line).toBeDefined();
    const attributes = line.split(';').map((a) => a.trim().toLowerCase());
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=lax');
    expect(attributes).toContain('path=/');
    expect(attributes).not.toContain('secure');
    expect(attributes.some((a) => a.startsWith('domain='))).toBe(false);
    expect(attributes).toContain(`max-age=${SESSION_LIFETIME_MS / 1000}`);
  });

  it('is Secure with the __Host- prefix when the origin is https', async () => {
    const secureApp = await makeTestApp({ config: { origin: 'https://marginalia.example' } });
    try {
      const client = new Client(secureApp);
      const response = await client.post('/register', registration());
      expect(response.status).toBe(303);
      const line = response.headers.getSetCookie().find((l) => l.startsWith('__Host-marginalia_session='));
      expect(line).toBeDefined();
      const attributes = line!.split(';').map((a) => a.trim().toLowerCase());
      expect(attributes).toContain('secure');
      expect(attributes).toContain('httponly');
      expect(attributes).toContain('samesite=lax');
      expect(attributes).toContain('path=/');
      expect(attributes.some((a) => a.startsWith('domain='))).toBe(false);
      expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      // The prefixed cookie is the one that is read back.
      expect((await client.get('/account')).status).toBe(200);
      const logout = await client.post('/logout');
      expect(logout.headers.getSetCookie().join('\n')).toMatch(/__Host-marginalia_session=;.*Max-Age=0.*Secure/);
      // An unprefixed cookie with a valid token is not accepted on https.
      const plain = new Client(secureApp);
      const again = await signIn(secureApp, 'minji');
      plain.cookies.set(COOKIE, again.cookies.get('__Host-marginalia_session')!);
      expect((await plain.get('/account')).status).toBe(303);
    } finally {
      await secureApp.close();
    }
  });
});

describe('the account page', () => {
  it('sends signed-out readers to sign in and back', async () => {
    const response = await freshClient().get('/account');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?next=%2Faccount');
    const login = await freshClient().get('/login?next=%2Faccount');
    expect(await login.text()).toContain('Please sign in to continue.');
  });

  it('changes display name, language and time zone', async () => {
    const client = await signUp(testApp, 'minji', { displayName: 'Minji' });
    const page = await client.get('/account');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Username: minji');

    const response = await client.post('/account/profile', { displayName: '김민지'.normalize('NFD'), locale: 'ko', timeZone: 'Asia/Seoul' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/account?done=profile');
    const row = (await userNamed('minji'))!;
    expect(row.displayName).toBe('김민지');
    expect(row.locale).toBe('ko');
    expect(row.timeZone).toBe('Asia/Seoul');

    const after = await (await client.get('/account?done=profile')).text();
    expect(after).toContain('lang="ko"');
    expect(after).toContain('저장했어요.');
    expect(after).toContain('<option value="Asia/Seoul" selected="">');

    // Back to following the browser.
    await client.post('/account/profile', { displayName: '김민지', locale: '', timeZone: '' });
    expect((await userNamed('minji'))!.locale).toBeNull();
    expect((await userNamed('minji'))!.timeZone).toBeNull();
  });

  it('refuses an invalid profile with 422 and keeps the stored one', async () => {
    const client = await signUp(testApp, 'minji', { displayName: 'Minji' });
    for (const fields of [
      { displayName: '가'.repeat(51), locale: '', timeZone: '' },
      { displayName: 'Minji', locale: 'fr', timeZone: '' },
      { displayName: 'Minji', locale: '', timeZone: 'Mars/Olympus_Mons' },
    ]) {
      const response = await client.post('/account/profile', fields);
      expect(response.status).toBe(422);
    }
    expect(await userNamed('minji')).toMatchObject({ displayName: 'Minji', locale: null, timeZone: null });
  });

  it('refuses a password change when the current password is wrong', async () => {
    const client = await signUp(testApp, 'minji');
    const hashBefore = (await userNamed('minji'))!.passwordHash;
    const response = await client.post('/account/password', { currentPassword: 'wrong password', newPassword: 'a brand new one', newPasswordConfirm: 'a brand new one' });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('Your current password is not right.');
    expect((await userNamed('minji'))!.passwordHash).toBe(hashBefore);
  });

  it('limits guesses of the current password (a stolen session cannot brute-force it)', async () => {
    const client = await signUp(testApp, 'minji');
    const guess = (currentPassword: string) => client.post('/account/password', { currentPassword, newPassword: 'a brand new one', newPasswordConfirm: 'a brand new one' });
    const statuses = await Promise.all(Array.from({ length: 12 }, (_, i) => guess(`guess number ${i}`)));
    expect(statuses.filter((r) => r.status === 422)).toHaveLength(10);
    expect(statuses.filter((r) => r.status === 429)).toHaveLength(2);
    const refused = await guess(DEFAULT_PASSWORD);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    testApp.clock.advance(15 * 60_000);
    expect((await guess(DEFAULT_PASSWORD)).status).toBe(303);
  });

  it('refuses a too-short or mismatched new password', async () => {
    const client = await signUp(testApp, 'minji');
    const short = await client.post('/account/password', { currentPassword: DEFAULT_PASSWORD, newPassword: 'short', newPasswordConfirm: 'short' });
    expect(short.status).toBe(422);
    const mismatch = await client.post('/account/password', { currentPassword: DEFAULT_PASSWORD, newPassword: 'a brand new one', newPasswordConfirm: 'another one' });
    expect(mismatch.status).toBe(422);
    expect(await mismatch.text()).toContain('The two passwords are not the same.');
  });

  it('changing the password ends every other session and keeps the current one', async () => {
    const current = await signUp(testApp, 'minji');
    const otherDevice = await signIn(testApp, 'minji');
    const someoneElse = await signUp(testApp, 'dohyun');
    expect((await otherDevice.get('/account')).status).toBe(200);

    const response = await current.post('/account/password', { currentPassword: DEFAULT_PASSWORD, newPassword: 'a brand new one', newPasswordConfirm: 'a brand new one' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/account?done=password');

    expect((await current.get('/account')).status).toBe(200);
    expect((await otherDevice.get('/account')).status).toBe(303);
    expect((await someoneElse.get('/account')).status).toBe(200);

    await expect(signIn(testApp, 'minji', DEFAULT_PASSWORD)).rejects.toThrow(/422/);
    await signIn(testApp, 'minji', 'a brand new one');
  });

  it('"sign out everywhere" ends every session of the reader, the current one included', async () => {
    const current = await signUp(testApp, 'minji');
    const otherDevice = await signIn(testApp, 'minji');
    const someoneElse = await signUp(testApp, 'dohyun');
    expect(await (await current.get('/account')).text()).toContain('Signed in on 2 devices, including this one.');

    const response = await current.post('/account/logout-everywhere');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?done=everywhere');
    expect(current.cookies.has(COOKIE)).toBe(false);

    expect((await otherDevice.get('/account')).status).toBe(303);
    expect((await sessionRows()).map((s) => s.userId)).toEqual([(await userNamed('dohyun'))!.id]);
    expect((await someoneElse.get('/account')).status).toBe(200);
    expect(await (await current.get('/login?done=everywhere')).text()).toContain('You were signed out on every device.');
  });
});
