/**
 * The protection every feature inherits: same-origin check on state changes, rate limits,
 * security headers, body limits, error pages without stack traces, and logs without secrets.
 */
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { closeDatabase } from '../../../db/connection';
import { users } from '../../../db/schema';
import { Client, DEFAULT_PASSWORD, makeTestApp, ORIGIN, signIn, signUp, type TestApp } from '../../helpers/app';

let testApp: TestApp;
beforeEach(async () => {
  testApp = await makeTestApp();
});
afterEach(async () => {
  await testApp.close();
});

const usersIn = async (app: TestApp) => (await app.db.select({ n: count() }).from(users))[0]!.n;
const userCount = () => usersIn(testApp);

const REGISTRATION = { username: 'mallory', displayName: 'Mallory', password: DEFAULT_PASSWORD, passwordConfirm: DEFAULT_PASSWORD };

/** The same registration in each content type a cross-site page could send. */
function bodies(): [string, () => { body: BodyInit; headers: Record<string, string> }][] {
  return [
    ['urlencoded', () => ({ body: new URLSearchParams(REGISTRATION).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } })],
    [
      'multipart',
      () => {
        const form = new FormData();
        for (const [name, value] of Object.entries(REGISTRATION)) form.append(name, value);
        return { body: form, headers: {} };
      },
    ],
    ['text/plain', () => ({ body: new URLSearchParams(REGISTRATION).toString(), headers: { 'content-type': 'text/plain' } })],
    ['JSON', () => ({ body: JSON.stringify(REGISTRATION), headers: { 'content-type': 'application/json' } })],
  ];
}

describe('same-origin check on state changes (CSRF)', () => {
  const post = (make: () => { body: BodyInit; headers: Record<string, string> }, extra: Record<string, string>, path = '/register', method = 'POST') => {
    const { body, headers } = make();
    return testApp.app.request(path, { method, body, headers: { 'x-forwarded-for': '198.51.100.7', ...headers, ...extra } });
  };

  describe.each(bodies())('%s bodies', (_type, make) => {
    it('refuses Sec-Fetch-Site: cross-site with 403 and writes nothing', async () => {
      const response = await post(make, { 'sec-fetch-site': 'cross-site' });
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('did not come from Marginalia itself');
      expect(await userCount()).toBe(0);
    });

    it('refuses Sec-Fetch-Site: same-site (a sibling subdomain) with 403', async () => {
      expect((await post(make, { 'sec-fetch-site': 'same-site', origin: 'http://evil.localhost:3000' })).status).toBe(403);
      expect(await userCount()).toBe(0);
    });

    it('refuses a foreign Origin without Sec-Fetch-Site with 403', async () => {
      expect((await post(make, { origin: 'https://evil.example' })).status).toBe(403);
      expect((await post(make, { origin: 'null' })).status).toBe(403);
      expect((await post(make, { origin: 'http://localhost:3001' })).status).toBe(403);
      expect(await userCount()).toBe(0);
    });

    it('refuses a request with neither header with 403', async () => {
      expect((await post(make, {})).status).toBe(403);
      expect(await userCount()).toBe(0);
    });

    it('refuses a cross-site request even when it claims our Origin', async () => {
      expect((await post(make, { 'sec-fetch-site': 'cross-site', origin: ORIGIN })).status).toBe(403);
      expect(await userCount()).toBe(0);
    });

    it('allows our own Origin without Sec-Fetch-Site, and Sec-Fetch-Site: same-origin', async () => {
      const byOrigin = await post(make, { origin: ORIGIN });
      const byFetchMetadata = await post(make, { 'sec-fetch-site': 'same-origin' }, '/locale');
      expect(byOrigin.status).not.toBe(403);
      expect(byFetchMetadata.status).not.toBe(403);
    });
  });

  it('lets a urlencoded and a multipart form from our own origin actually register', async () => {
    const [urlencoded, multipart] = bodies();
    expect((await post(urlencoded![1], { origin: ORIGIN })).status).toBe(303);
    const { body, headers } = multipart![1]();
    const form = body as FormData;
    form.set('username', 'mallory2');
    expect((await testApp.app.request('/register', { method: 'POST', body: form, headers: { ...headers, 'sec-fetch-site': 'same-origin' } })).status).toBe(303);
    expect(await userCount()).toBe(2);
  });

  it('applies to sign-out, the language switch and every other method', async () => {
    const client = await signUp(testApp, 'minji');
    for (const [path, method] of [
      ['/logout', 'POST'],
      ['/locale', 'POST'],
      ['/account/logout-everywhere', 'POST'],
      ['/account', 'PUT'],
      ['/account', 'DELETE'],
      ['/account', 'PATCH'],
    ] as const) {
      const response = await testApp.app.request(path, { method, headers: { cookie: client.cookieHeader, 'sec-fetch-site': 'cross-site' } });
      expect(response.status, `${method} ${path}`).toBe(403);
    }
    // Still signed in: the forged sign-outs did nothing.
    expect((await client.get('/account')).status).toBe(200);
  });

  it('lets GET and HEAD through without fetch metadata', async () => {
    expect((await testApp.app.request('/', { headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(200);
    expect((await testApp.app.request('/login', { method: 'HEAD' })).status).toBe(200);
  });
});

describe('rate limits', () => {
  const wrongLogin = (ip: string, username = 'minji') => new Client(testApp, { ip }).post('/login', { username, password: 'wrong password' });

  it('refuses the 7th failed sign-in within a minute from one IP with 429 and Retry-After', async () => {
    await signUp(testApp, 'minji');
    for (let attempt = 1; attempt <= 6; attempt++) expect((await wrongLogin('203.0.113.1', `user${attempt}`)).status).toBe(422);
    const refused = await wrongLogin('203.0.113.1', 'minji');
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await refused.text()).toContain(`Please try again in ${retryAfter === 60 ? 'a minute' : `${retryAfter} seconds`}.`);
    // Even the right password is refused from that address until the window ends…
    expect((await new Client(testApp, { ip: '203.0.113.1' }).post('/login', { username: 'minji', password: DEFAULT_PASSWORD })).status).toBe(429);
    // …while another address is unaffected.
    await signIn(testApp, 'minji', DEFAULT_PASSWORD, '203.0.113.2');

    testApp.clock.advance(60_000);
    await signIn(testApp, 'minji', DEFAULT_PASSWORD, '203.0.113.1');
  });

  it('counts the address our proxy saw (the last X-Forwarded-For entry), not one the client made up', async () => {
    await signUp(testApp, 'minji');
    const spoofed = (fake: string) =>
      new Client(testApp, { ip: `${fake}, 203.0.113.9` }).post('/login', { username: `spoof${fake}`, password: 'wrong password' });
    for (let attempt = 1; attempt <= 6; attempt++) expect((await spoofed(`10.9.9.${attempt}`)).status).toBe(422);
    expect((await spoofed('10.9.9.99')).status).toBe(429);
  });

  it('cannot be dodged by sending many sign-ins at once (the attempt is counted before the password is checked)', async () => {
    await signUp(testApp, 'minji');
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => wrongLogin('203.0.113.60', `parallel${i}`)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 422)).toHaveLength(6);
    expect(statuses.filter((s) => s === 429)).toHaveLength(14);

    const perUser = await Promise.all(Array.from({ length: 20 }, (_, i) => wrongLogin(`198.18.0.${i + 1}`, 'minji')));
    expect(perUser.filter((r) => r.status === 422)).toHaveLength(10);
  });

  it('does not count successful sign-ins against the address', async () => {
    await signUp(testApp, 'minji');
    for (let n = 0; n < 10; n++) await signIn(testApp, 'minji', DEFAULT_PASSWORD, '203.0.113.70');
    for (let attempt = 1; attempt <= 6; attempt++) expect((await wrongLogin('203.0.113.70', `u${attempt}`)).status).toBe(422);
    expect((await wrongLogin('203.0.113.70', 'u7')).status).toBe(429);
  });

  it('does not count sign-up forms with typos against the address', async () => {
    const ip = '203.0.113.80';
    for (let n = 0; n < 8; n++) {
      const response = await new Client(testApp, { ip }).post('/register', { ...REGISTRATION, passwordConfirm: 'typo typo typo' });
      expect(response.status).toBe(422);
    }
    await signUp(testApp, 'careful', { ip });
  });

  it('limits failed sign-ins per username across many IPs for browsers the account has not used (a soft lock-out)', async () => {
    await signUp(testApp, 'minji', { ip: '198.51.100.20' });
    for (let attempt = 1; attempt <= 10; attempt++) expect((await wrongLogin(`203.0.113.${attempt}`)).status).toBe(422);
    const refused = await wrongLogin('203.0.113.99', 'MINJI');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60);
    expect(await refused.text()).toContain('from browsers it has not used before');
    // An unfamiliar browser waits even with the right password; the owner's own address does not,
    // and another account is unaffected.
    expect((await new Client(testApp, { ip: '203.0.113.100' }).post('/login', { username: 'minji', password: DEFAULT_PASSWORD })).status).toBe(429);
    await signIn(testApp, 'minji', DEFAULT_PASSWORD, '198.51.100.20');
    await signUp(testApp, 'dohyun');
    await signIn(testApp, 'dohyun', DEFAULT_PASSWORD, '203.0.113.101');

    testApp.clock.advance(15 * 60_000);
    await signIn(testApp, 'minji', DEFAULT_PASSWORD, '203.0.113.102');
  });

  it('limits sign-ups per IP, and allows them again after the window', async () => {
    const ip = '203.0.113.50';
    for (let n = 1; n <= 5; n++) await signUp(testApp, `reader${n}`, { ip });
    const refused = await new Client(testApp, { ip }).post('/register', { ...REGISTRATION, username: 'reader6' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await userCount()).toBe(5);
    await signUp(testApp, 'elsewhere', { ip: '203.0.113.51' });

    testApp.clock.advance(60 * 60_000);
    await signUp(testApp, 'reader6', { ip });
    expect(await userCount()).toBe(7);
  });

  it('answers 429 in the reader’s language', async () => {
    for (let attempt = 1; attempt <= 6; attempt++) await wrongLogin('203.0.113.9', `u${attempt}`);
    const refused = await new Client(testApp, { ip: '203.0.113.9', acceptLanguage: 'ko' }).post('/login', { username: 'x', password: 'y' });
    expect(refused.status).toBe(429);
    expect(await refused.text()).toMatch(/(약 )?\d+(초|분) 뒤에 다시 시도해 주세요\./);
  });
});

describe('security headers', () => {
  function expectSecurityHeaders(response: Response) {
    const csp = response.headers.get('content-security-policy') ?? '';
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
    const scriptSrc = directives.get('script-src') ?? directives.get('default-src');
    expect(scriptSrc).toBeDefined();
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(scriptSrc).not.toContain("'unsafe-eval'");
    expect(scriptSrc!.every((source) => source === "'self'" || source.startsWith("'nonce-"))).toBe(true);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('style-src')).not.toContain("'unsafe-inline'");
    expect(response.headers.get('referrer-policy')).toMatch(/^(same-origin|no-referrer|strict-origin(-when-cross-origin)?)$/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  }

  it('are on HTML pages, signed out and signed in', async () => {
    expectSecurityHeaders(await testApp.app.request('/'));
    expectSecurityHeaders(await testApp.app.request('/login'));
    const client = await signUp(testApp, 'minji');
    expectSecurityHeaders(await client.get('/account'));
  });

  it('are on 404 pages, redirects, 403 and 429 responses', async () => {
    const missing = await testApp.app.request('/no/such/page');
    expect(missing.status).toBe(404);
    expectSecurityHeaders(missing);
    expectSecurityHeaders(await testApp.app.request('/static/nothing.js'));
    expectSecurityHeaders(await testApp.app.request('/account'));
    expectSecurityHeaders(await testApp.app.request('/logout', { method: 'POST' }));
  });

  it('are on static files, which are versioned and cached for a year', async () => {
    const home = await (await testApp.app.request('/')).text();
    const css = home.match(/href="(\/static\/app\.css\?v=[0-9a-f]+)"/)?.[1];
    const htmx = home.match(/src="(\/static\/htmx\.min\.js\?v=[0-9a-f]+)"/)?.[1];
    expect(css).toBeDefined();
    expect(htmx).toBeDefined();
    for (const url of [css!, htmx!]) {
      const response = await testApp.app.request(url);
      expect(response.status).toBe(200);
      expectSecurityHeaders(response);
      expect(response.headers.get('cache-control')).toContain('max-age=31536000');
    }
    expect((await testApp.app.request(htmx!)).headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('every page names the icon, and /favicon.ico (asked for by browsers on their own) answers with it', async () => {
    const home = await (await testApp.app.request('/')).text();
    const icon = home.match(/<link rel="icon" href="(\/static\/favicon\.svg\?v=[0-9a-f]+)" type="image\/svg\+xml"/)?.[1];
    expect(icon).toBeDefined();
    const [named, asked] = [await testApp.app.request(icon!), await testApp.app.request('/favicon.ico')];
    for (const response of [named, asked]) {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/svg+xml');
      expectSecurityHeaders(response);
    }
    expect(await asked.text()).toBe(await named.text());
  });

  it('are on /healthz', async () => {
    expectSecurityHeaders(await testApp.app.request('/healthz'));
  });

  it('pages load nothing from other hosts and carry no inline script or style', async () => {
    const client = await signUp(testApp, 'minji');
    for (const path of ['/', '/login', '/register', '/account', '/nowhere']) {
      const html = await (await (path === '/login' || path === '/register' ? new Client(testApp) : client).get(path)).text();
      const urls = [...html.matchAll(/\s(?:src|href|action)="([^"]*)"/g)].map((m) => m[1]!);
      expect(urls.length).toBeGreaterThan(0);
      for (const url of urls) expect(url, `${path}: ${url}`).toMatch(/^(\/(?!\/)|#)/);
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      expect(html).not.toMatch(/\sstyle="/);
      expect(html).not.toMatch(/\shx-on/);
      expect(html).not.toMatch(/<style/);
      expect(html).toContain('<meta name="htmx-config"');
    }
  });
});

describe('request body limit', () => {
  it('refuses a body over maxBodyBytes with a 413 page in the reader’s language and writes nothing', async () => {
    const big = new URLSearchParams({ ...REGISTRATION, displayName: 'x'.repeat(testApp.config.maxBodyBytes) }).toString();
    const response = await testApp.app.request('/register', {
      method: 'POST',
      body: big,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', 'accept-language': 'ko-KR,ko;q=0.9' },
    });
    expect(response.status).toBe(413);
    const html = await response.text();
    expect(html).toContain('lang="ko"');
    expect(html).toContain('너무 커요');
    expect(html).toContain('64 KB');
    expect(await userCount()).toBe(0);
  });

  it('refuses on the declared Content-Length alone, and for multipart bodies', async () => {
    const small = await makeTestApp({ config: { maxBodyBytes: 1024 } });
    try {
      const declared = await small.app.request('/register', {
        method: 'POST',
        body: 'x'.repeat(2048),
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '2048', 'sec-fetch-site': 'same-origin' },
      });
      expect(declared.status).toBe(413);
      expect(await declared.text()).toContain('larger than the limit of 1 KB');

      const form = new FormData();
      for (const [name, value] of Object.entries(REGISTRATION)) form.append(name, value);
      form.append('padding', 'y'.repeat(2048));
      const multipart = await small.app.request('/register', { method: 'POST', body: form, headers: { 'sec-fetch-site': 'same-origin' } });
      expect(multipart.status).toBe(413);
      expect(await usersIn(small)).toBe(0);

      // Just under the limit is fine.
      const fits = await new Client(small).post('/register', REGISTRATION);
      expect(fits.status).toBe(303);
    } finally {
      await small.close();
    }
  });
});

describe('error pages', () => {
  it('a 500 shows the request id and no stack trace, in the reader’s language, and the log keeps the stack', async () => {
    testApp.app.get('/boom', () => {
      throw new Error('secret internal detail at db/connection.ts:42');
    });
    for (const [acceptLanguage, title] of [
      ['en', 'Something went wrong'],
      ['ko', '문제가 생겼어요'],
    ] as const) {
      const response = await testApp.app.request('/boom', { headers: { 'accept-language': acceptLanguage } });
      expect(response.status).toBe(500);
      const requestId = response.headers.get('x-request-id')!;
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      const html = await response.text();
      expect(html).toContain(title);
      expect(html).toContain(requestId);
      expect(html).not.toContain('secret internal detail');
      expect(html).not.toMatch(/\bat .*\.(ts|js):\d+/);
      const logged = testApp.logs.find((line) => line.requestId === requestId && typeof line.stack === 'string');
      expect(logged?.message).toContain('secret internal detail');
    }
  });

  it('a 500 page is still rendered when the database is gone', async () => {
    const client = await signUp(testApp, 'minji');
    // Asked once while it answers, so the health check's kept statement outlives the database.
    expect((await testApp.app.request('/healthz')).status).toBe(200);
    await closeDatabase(testApp.db);
    const response = await client.get('/', { 'accept-language': 'ko' });
    expect(response.status).toBe(500);
    const html = await response.text();
    expect(html).toContain('문제가 생겼어요');
    expect(html).toContain(response.headers.get('x-request-id')!);
    expect(html).not.toMatch(/TypeError|database connection is not open|\.ts:\d+/);

    const health = await testApp.app.request('/healthz');
    expect(health.status).toBe(503);
    expect(await health.text()).toBe('database unavailable');
    // Already closed: afterEach has the folder left to remove (and, on PostgreSQL, the database to drop).
    const { close, dir } = testApp;
    testApp = {
      ...testApp,
      close: async () => {
        await close().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });

  it('403 and 404 pages are translated', async () => {
    const notFound = await testApp.app.request('/nope', { headers: { 'accept-language': 'ko' } });
    expect(notFound.status).toBe(404);
    expect(await notFound.text()).toContain('페이지를 찾을 수 없어요');
    const forbidden = await testApp.app.request('/logout', { method: 'POST', headers: { 'accept-language': 'ko', 'sec-fetch-site': 'cross-site' } });
    expect(forbidden.status).toBe(403);
    const html = await forbidden.text();
    expect(html).toContain('허용되지 않아요');
    expect(html).toContain('마지널리아에서 보낸 것이 아니어서');
  });

  it('an htmx request gets a fragment, not a whole page', async () => {
    const response = await testApp.app.request('/nope', { headers: { 'hx-request': 'true' } });
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).not.toContain('<html');
    expect(html).toContain('role="alert"');
  });
});

describe('health and logs', () => {
  it('/healthz answers 200 while the database answers', async () => {
    const response = await testApp.app.request('/healthz');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
  });

  it('logs one line per request with its id, and never a password, a token or a cookie', async () => {
    const secretPassword = 'hunter2 but longer';
    const client = await signUp(testApp, 'minji', { password: secretPassword });
    const token = client.cookies.get('marginalia_session')!;
    await client.get('/account?next=x');
    await client.post('/account/password', { currentPassword: secretPassword, newPassword: 'another secret pw', newPasswordConfirm: 'another secret pw' });
    await new Client(testApp).post('/login', { username: 'minji', password: 'wrong but secret' });

    expect(testApp.logs.length).toBeGreaterThanOrEqual(4);
    for (const line of testApp.logs) {
      expect(line.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(line).toHaveProperty('method');
      expect(line).toHaveProperty('status');
    }
    expect(testApp.logs.map((l) => `${l.method} ${l.path} ${l.status}`)).toContain('POST /register 303');
    const text = JSON.stringify(testApp.logs);
    for (const secret of [secretPassword, 'another secret pw', 'wrong but secret', token, token.split('.')[1]!, 'marginalia_session']) {
      expect(text).not.toContain(secret);
    }
  });
});
