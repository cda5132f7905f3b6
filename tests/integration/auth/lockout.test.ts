/**
 * Issue #16, "anyone can lock a member out": strangers' failed sign-ins must not keep a member
 * out of the browser and network they use, while guessing from one address stays stopped and
 * guessing one account from many addresses stays slow (`src/auth/login-throttle.ts`).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, DEFAULT_PASSWORD, makeTestApp, signUp, type TestApp } from '../../helpers/app';

let testApp: TestApp;
beforeEach(async () => {
  testApp = await makeTestApp();
});
afterEach(() => testApp.close());

const MINUTE = 60_000;
const login = (client: Client, password: string, username = 'minji') => client.post('/login', { username, password });
const stranger = (ip: string) => new Client(testApp, { ip });

/** `count` wrong passwords for `username`, each from its own fresh address; returns the statuses. */
async function distributedGuesses(count: number, prefix: string, username = 'minji'): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) statuses.push((await login(stranger(`${prefix}.${Math.floor(i / 250)}.${i % 250}`), `guess ${i}`, username)).status);
  return statuses;
}

describe('sign-in without a lock-out strangers can trigger', () => {
  it('lets the owner sign in from their address and their browser however many strangers fail elsewhere', async () => {
    const browser = await signUp(testApp, 'minji', { ip: '198.51.100.7' });
    await browser.post('/logout');
    const statuses = await distributedGuesses(60, '203.0');
    expect(statuses.filter((s) => s === 422)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50);

    // Their address (another browser at home), their browser (on the road, a new address)…
    expect((await login(stranger('198.51.100.7'), DEFAULT_PASSWORD)).status).toBe(303);
    browser.ip = '192.0.2.44';
    const signedIn = await login(browser, DEFAULT_PASSWORD);
    expect(signedIn.status).toBe(303);
    expect((await browser.get('/account')).status).toBe(200);
    // …even after a typo of their own there.
    const typo = stranger('198.51.100.7');
    expect((await login(typo, 'correct horse batery')).status).toBe(422);
    expect((await login(typo, DEFAULT_PASSWORD)).status).toBe(303);
  });

  it('does not let a device cookie of another account, or a made-up one, count as trusted', async () => {
    await signUp(testApp, 'minji', { ip: '198.51.100.7' });
    const mallory = await signUp(testApp, 'mallory', { ip: '203.0.113.5' });
    expect([...mallory.cookies.keys()]).toContain('marginalia_device');
    await distributedGuesses(10, '203.1');
    expect((await login(mallory, 'another guess')).status).toBe(429);
    const forger = stranger('203.0.113.6');
    forger.cookies.set('marginalia_device', `${Date.now().toString(36)}.abc.def`);
    expect((await login(forger, 'one more guess')).status).toBe(429);
  });

  it('still stops one address guessing one account, and one address guessing many', async () => {
    await signUp(testApp, 'minji', { ip: '198.51.100.7' });
    await signUp(testApp, 'dohyun', { ip: '198.51.100.8' });
    const guesser = stranger('203.0.113.50');
    // Slowly (under the per-address minute limit): 5 per 15 minutes on one account.
    for (let i = 0; i < 5; i++) {
      expect((await login(guesser, `slow guess ${i}`)).status).toBe(422);
      testApp.clock.advance(2 * MINUTE);
    }
    const refused = await login(guesser, DEFAULT_PASSWORD);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60);
    // That address may still sign in to another account, and the owner is unaffected.
    expect((await login(guesser, DEFAULT_PASSWORD, 'dohyun')).status).toBe(303);
    expect((await login(stranger('198.51.100.7'), DEFAULT_PASSWORD)).status).toBe(303);

    // Quickly, across accounts: 6 a minute per address.
    const sprayer = stranger('203.0.113.60');
    const spray = await Promise.all(Array.from({ length: 12 }, (_, i) => login(sprayer, 'Password1!', `someone${i}`)));
    expect(spray.filter((r) => r.status === 422)).toHaveLength(6);
    expect(spray.filter((r) => r.status === 429)).toHaveLength(6);

    // Parallel guesses from one address at one account cannot slip past the count either.
    const parallel = await Promise.all(Array.from({ length: 12 }, (_, i) => login(stranger('203.0.113.70'), `parallel ${i}`, 'dohyun')));
    expect(parallel.filter((r) => r.status === 422)).toHaveLength(5);
  });

  it('slows guessing one account from many addresses to 10 untrusted guesses per 15 minutes', async () => {
    await signUp(testApp, 'minji', { ip: '198.51.100.7' });
    let wrong = 0;
    for (let window = 0; window < 4; window++) {
      const statuses = await distributedGuesses(25, `10.${window + 10}`);
      wrong += statuses.filter((s) => s === 422).length;
      expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
      testApp.clock.advance(15 * MINUTE);
    }
    expect(wrong).toBe(40);
    // In parallel too.
    const parallel = await Promise.all(Array.from({ length: 20 }, (_, i) => login(stranger(`10.99.0.${i}`), `parallel ${i}`)));
    expect(parallel.filter((r) => r.status === 422)).toHaveLength(10);
    const refused = parallel.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60);
  });

  it('explains the soft lock-out in the reader’s language', async () => {
    await signUp(testApp, 'minji', { ip: '198.51.100.7' });
    await distributedGuesses(10, '203.2');
    const refused = await new Client(testApp, { ip: '203.0.113.9', acceptLanguage: 'ko' }).post('/login', { username: 'minji', password: DEFAULT_PASSWORD });
    expect(refused.status).toBe(429);
    expect(await refused.text()).toMatch(/(?:약 )?\d+(?:초|분|시간) 뒤에 다시 시도하거나, 전에 로그인한 적 있는 브라우저나 네트워크에서 로그인해 주세요\./);
  });
});
