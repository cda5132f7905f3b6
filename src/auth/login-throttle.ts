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
 * all pass the check first; a successful sign-in gives its own attempt back. The counters live
 * in memory like every rate limit here, and so do the device key and the known addresses: a
 * restart forgets all of them, which only forgives (and makes a browser untrusted until its
 * next sign-in).
 *
 * @example
 * const throttle = new LoginThrottle(limits);
 * const verdict = throttle.begin({ address, usernameKey, deviceCookie, now });
 * if (!verdict.allowed) throw new HttpError(429, verdict.messageKey, …);
 * if (await passwordIsRight()) setDeviceCookie(throttle.succeeded(verdict.attempt, now));
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

export class LoginThrottle {
  /** Signs device cookies; new on every start, so a restart makes every browser untrusted again. */
  private readonly deviceKey = randomBytes(32);
  /** usernameKey → address → when that account last signed in from there. */
  private readonly knownAddresses = new Map<string, Map<string, number>>();

  constructor(private readonly limits: LoginLimiters) {}

  /** Before the password check: refuses, or counts the attempt against every limit that applies. */
  begin(input: { address: string; usernameKey: string; deviceCookie: string | undefined; now: number }): LoginVerdict {
    const { address, usernameKey, now } = input;
    const device = this.deviceIdFor(input.deviceCookie, usernameKey, now);
    const trusted = device !== null || this.isKnownAddress(usernameKey, address, now);
    const client = device !== null ? `device:${device}` : `ip:${address}`;

    const applicable: [RateLimiter, string, MessageKey][] = [
      [this.limits.loginPerIp, address, 'error.429.body'],
      [this.limits.loginPerClient, `${client}|${usernameKey}`, 'error.429.body'],
    ];
    if (!trusted) applicable.push([this.limits.loginPerUsername, usernameKey, 'auth.error.untrusted_throttled']);

    for (const [limiter, key, messageKey] of applicable) {
      const verdict = limiter.check(key, now);
      if (!verdict.allowed) return { allowed: false, retryAfterSeconds: verdict.retryAfterSeconds, messageKey };
    }
    // No await between the checks above and the counting below: parallel requests see each other.
    for (const [limiter, key] of applicable) limiter.consume(key, now);
    return { allowed: true, attempt: { address, usernameKey, counted: applicable.map(([limiter, key]) => [limiter, key]) } };
  }

  /**
   * The password was right: gives the attempt back, remembers the address for this account, and
   * returns a new device cookie value for the browser. Also called after a sign-up.
   */
  succeeded(attempt: Pick<CountedAttempt, 'address' | 'usernameKey'> & { counted?: CountedAttempt['counted'] }, now: number): string {
    for (const [limiter, key] of attempt.counted ?? []) limiter.refund(key);
    this.rememberAddress(attempt.usernameKey, attempt.address, now);
    return this.issueDeviceCookie(attempt.usernameKey, now);
  }

  /** `<issued, base36>.<random id>.<HMAC of username, issued and id>`: the username stays out of the cookie. */
  issueDeviceCookie(usernameKey: string, now: number): string {
    const issued = now.toString(36);
    const id = randomBytes(12).toString('base64url');
    return `${issued}.${id}.${this.mac(usernameKey, issued, id)}`;
  }

  /** The device's id when `cookie` was issued to this username's sign-in and has not expired. */
  private deviceIdFor(cookie: string | undefined, usernameKey: string, now: number): string | null {
    if (!cookie || cookie.length > 200) return null;
    const [issued, id, mac, extra] = cookie.split('.');
    if (!issued || !id || !mac || extra !== undefined) return null;
    const issuedAt = Number.parseInt(issued, 36);
    if (!Number.isFinite(issuedAt) || issuedAt > now || now - issuedAt > DEVICE_COOKIE_MAX_AGE_MS) return null;
    const expected = Buffer.from(this.mac(usernameKey, issued, id));
    const presented = Buffer.from(mac);
    return expected.length === presented.length && timingSafeEqual(expected, presented) ? id : null;
  }

  private mac(usernameKey: string, issued: string, id: string): string {
    return createHmac('sha256', this.deviceKey).update(`${usernameKey}\n${issued}\n${id}`).digest('base64url');
  }

  private isKnownAddress(usernameKey: string, address: string, now: number): boolean {
    const at = this.knownAddresses.get(usernameKey)?.get(address);
    return at !== undefined && now - at < KNOWN_ADDRESS_MS;
  }

  private rememberAddress(usernameKey: string, address: string, now: number): void {
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
