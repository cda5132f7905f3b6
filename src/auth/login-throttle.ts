/**
 * Slowing password guessing at sign-in without handing strangers a way to lock a member out
 * (OWASP ASVS 4.0.3 2.2.1 and 5.0 6.1.1/6.3.1; the "device cookies" scheme of OWASP's "Slow Down
 * Online Guessing Attacks with Device Cookies").
 *
 * A plain "10 failures per username, then 15 minutes locked" lets anyone who knows a username
 * keep its owner out. Here every failed attempt counts against three things, none of which a
 * stranger can fill for the owner's own browser:
 *
 * - the address (6 a minute): one address guessing, whatever the accounts;
 * - the client and the username (5 per 15 minutes): the client is the browser when it holds a
 *   device cookie for that username, the address otherwise. One client guessing one account
 *   over a longer time; a client only ever locks itself out;
 * - the username, for *untrusted* clients only (10 per 15 minutes): many addresses on one
 *   account (a botnet). When it is full, untrusted clients are refused for that account (a
 *   "soft lock-out"), while trusted ones still sign in.
 *
 * Trusted, for one username: a browser holding a device cookie issued when that account signed
 * in (or signed up) there, or an address from which that account signed in within the last 30
 * days (at most {@link KNOWN_ADDRESSES_PER_ACCOUNT} addresses an account, the latest). Neither
 * can be obtained without the password. So guesses at one account are bounded without anything
 * of the owner's: 10 + 3 × 5 = 25 per 15 minutes (100 an hour, ASVS 2.2.1's ceiling).
 *
 * Each attempt is counted *before* the slow password check, so many parallel guesses cannot
 * all pass the check first; a successful sign-in gives its own attempt back. Counting is one
 * atomic step per counter, and an attempt one counter refuses gives back what the others
 * counted, so several app processes on one database (each counter is a row there, see
 * src/http/rate-counters.ts) never let more through than one would. The device-cookie key and
 * the known addresses are in a {@link LoginTrustStore}: the database's in the app
 * (`databaseLoginTrust`, src/auth/login-trust.ts), so a browser trusted by one process is
 * trusted by every other and after a restart; memory in unit tests.
 *
 * @example
 * const throttle = new LoginThrottle(limits);
 * const verdict = await throttle.begin({ address, usernameKey, deviceCookie, now });
 * if (!verdict.allowed) throw new HttpError(429, verdict.messageKey, …);
 * if (await passwordIsRight()) setDeviceCookie(await throttle.succeeded(verdict.attempt, now));
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MessageKey } from '../i18n';
import type { RateLimiter, RateLimiters } from '../http/rate-limit';

/** How long an address keeps the trust of a successful sign-in, and a device cookie lives. */
export const KNOWN_ADDRESS_MS = 30 * 24 * 60 * 60 * 1000;
export const DEVICE_COOKIE_MAX_AGE_MS = 365 * 24 * 60 * 60 * 1000;
export const KNOWN_ADDRESSES_PER_ACCOUNT = 3;
const MAX_ACCOUNTS_REMEMBERED = 50_000;

export type LoginLimiters = Pick<RateLimiters, 'loginPerIp' | 'loginPerClient' | 'loginPerUsername'>;

/** An attempt that was counted; give it to {@link LoginThrottle.succeeded} when the password was right. */
export interface CountedAttempt {
  address: string;
  usernameKey: string;
  counted: [RateLimiter, string][];
}

export type LoginVerdict =
  | { allowed: true; attempt: CountedAttempt }
  | { allowed: false; retryAfterSeconds: number; messageKey: MessageKey };

/**
 * What makes a client trusted, kept where every process sees it; the one engine-specific piece
 * of the throttle. The database's answers are promises; the memory's are plain values.
 */
export interface LoginTrustStore {
  /** The key that signs device cookies: the same in every process that shares this store. */
  deviceKey(): Buffer | Promise<Buffer>;
  /** When `usernameKey` last signed in from `address`, if it did. */
  lastSignInFrom(usernameKey: string, address: string): number | undefined | Promise<number | undefined>;
  /** Remembers a sign-in from `address`, keeping the account's {@link KNOWN_ADDRESSES_PER_ACCOUNT} latest addresses. */
  rememberAddress(usernameKey: string, address: string, now: number): void | Promise<void>;
}

/** Trust in this process's memory: a new device key on every start, addresses forgotten on restart. */
export class MemoryLoginTrust implements LoginTrustStore {
  private readonly key = randomBytes(32);
  /** usernameKey → address → when that account last signed in from there. */
  private readonly knownAddresses = new Map<string, Map<string, number>>();

  deviceKey(): Buffer {
    return this.key;
  }

  lastSignInFrom(usernameKey: string, address: string): number | undefined {
    return this.knownAddresses.get(usernameKey)?.get(address);
  }

  rememberAddress(usernameKey: string, address: string, now: number): void {
    let addresses = this.knownAddresses.get(usernameKey);
    if (addresses) this.knownAddresses.delete(usernameKey); // re-inserted below: the map stays in order of last use
    else addresses = new Map();
    addresses.delete(address);
    addresses.set(address, now);
    while (addresses.size > KNOWN_ADDRESSES_PER_ACCOUNT) addresses.delete(addresses.keys().next().value!);
    this.knownAddresses.set(usernameKey, addresses);
    while (this.knownAddresses.size > MAX_ACCOUNTS_REMEMBERED) this.knownAddresses.delete(this.knownAddresses.keys().next().value!);
  }
}

export class LoginThrottle {
  constructor(
    private readonly limits: LoginLimiters,
    private readonly trust: LoginTrustStore = new MemoryLoginTrust(),
  ) {}

  /** Before the password check: refuses, or counts the attempt against every limit that applies. */
  async begin(input: { address: string; usernameKey: string; deviceCookie: string | undefined; now: number }): Promise<LoginVerdict> {
    const { address, usernameKey, now } = input;
    const device = await this.deviceIdFor(input.deviceCookie, usernameKey, now);
    const trusted = device !== null || (await this.isKnownAddress(usernameKey, address, now));
    const client = device !== null ? `device:${device}` : `ip:${address}`;

    const applicable: [RateLimiter, string, MessageKey][] = [
      [this.limits.loginPerIp, address, 'error.429.body'],
      [this.limits.loginPerClient, `${client}|${usernameKey}`, 'error.429.body'],
    ];
    if (!trusted) applicable.push([this.limits.loginPerUsername, usernameKey, 'auth.error.untrusted_throttled']);

    // Count on every counter, each in one atomic step; when one refuses, give back what the
    // others counted, so a refused attempt counts nowhere (as if it had only been checked).
    const counted: [RateLimiter, string][] = [];
    for (const [limiter, key, messageKey] of applicable) {
      const verdict = await limiter.consume(key, now);
      if (!verdict.allowed) {
        for (const [done, doneKey] of counted) await done.refund(doneKey);
        return { allowed: false, retryAfterSeconds: verdict.retryAfterSeconds, messageKey };
      }
      counted.push([limiter, key]);
    }
    return { allowed: true, attempt: { address, usernameKey, counted } };
  }

  /**
   * The password was right: gives the attempt back, remembers the address for this account, and
   * returns a new device cookie value for the browser. Also called after a sign-up.
   */
  async succeeded(attempt: Pick<CountedAttempt, 'address' | 'usernameKey'> & { counted?: CountedAttempt['counted'] }, now: number): Promise<string> {
    for (const [limiter, key] of attempt.counted ?? []) await limiter.refund(key);
    await this.trust.rememberAddress(attempt.usernameKey, attempt.address, now);
    return this.issueDeviceCookie(attempt.usernameKey, now);
  }

  /** `<issued, base36>.<random id>.<HMAC of username, issued and id>`: the username stays out of the cookie. */
  async issueDeviceCookie(usernameKey: string, now: number): Promise<string> {
    const issued = now.toString(36);
    const id = randomBytes(12).toString('base64url');
    return `${issued}.${id}.${await this.mac(usernameKey, issued, id)}`;
  }

  /** The device's id when `cookie` was issued to this username's sign-in and has not expired. */
  private async deviceIdFor(cookie: string | undefined, usernameKey: string, now: number): Promise<string | null> {
    if (!cookie || cookie.length > 200) return null;
    const [issued, id, mac, extra] = cookie.split('.');
    if (!issued || !id || !mac || extra !== undefined) return null;
    const issuedAt = Number.parseInt(issued, 36);
    if (!Number.isFinite(issuedAt) || issuedAt > now || now - issuedAt > DEVICE_COOKIE_MAX_AGE_MS) return null;
    const expected = Buffer.from(await this.mac(usernameKey, issued, id));
    const presented = Buffer.from(mac);
    return expected.length === presented.length && timingSafeEqual(expected, presented) ? id : null;
  }

  private async mac(usernameKey: string, issued: string, id: string): Promise<string> {
    return createHmac('sha256', await this.trust.deviceKey()).update(`${usernameKey}\n${issued}\n${id}`).digest('base64url');
  }

  private async isKnownAddress(usernameKey: string, address: string, now: number): Promise<boolean> {
    const at = await this.trust.lastSignInFrom(usernameKey, address);
    return at !== undefined && now - at < KNOWN_ADDRESS_MS;
  }
}
