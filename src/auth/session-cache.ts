/**
 * Validated sessions, kept between requests while nothing in the database has changed.
 *
 * Validating a cookie costs a query joining the session and its reader, mapped by Drizzle, and
 * a SHA-256: about a fifth of what a chapter page served from the page cache costs the server.
 * The answer depends only on the database and the clock, so it is kept per session id with
 * the database's change stamp (`changeStamp`, db/connection.ts) read *before* the lookup, and
 * reused only while:
 *
 * - the stamp has not moved: any write anywhere (a sign-out, a sign-out everywhere, a
 *   suspension, a changed setting, a deleted account, a renewal) drops every kept answer, so
 *   revocation still takes effect on the very next request;
 * - the session has not expired and is not yet due for renewal (renewing writes, so it goes the
 *   full way, and so does the request after it);
 * - the presented secret hashes to the one the database holds (SHA-256, compared in constant
 *   time, as the full check does); a forged secret with a real id gets nothing.
 *
 * Only the hash of the secret is kept, never the token. The kept session and reader are frozen:
 * every request sees the same objects.
 *
 * A hit costs no database work; only a miss awaits the database.
 *
 * @example
 * const sessions = new SessionCache(db);
 * const validated = await sessions.validate(token, now); // the full check when the cache cannot answer
 * const known = sessions.recognise(token, now); // the cache alone, synchronously (null: ask validate)
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { changeStamp, type Db } from '../../db/connection';
import { LruCache } from '../lib/lru-cache';
import { SESSION_LIFETIME_MS, SESSION_RENEW_INTERVAL_MS, validateSessionToken, type ValidatedSession } from './session';

interface Kept {
  stamp: string;
  secretHash: Buffer;
  validated: ValidatedSession;
  /** The first moment the kept answer is no longer right: expiry, or renewal falling due. */
  until: number;
}

/** One entry is under half a kilobyte; 10,000 sessions are a few megabytes at most. */
const DEFAULT_ENTRIES = 10_000;

export class SessionCache {
  private readonly kept: LruCache<string, Kept>;
  private readonly stamp: () => string;

  constructor(
    private readonly db: Db,
    entries = DEFAULT_ENTRIES,
  ) {
    this.kept = new LruCache(entries);
    this.stamp = changeStamp(db);
  }

  /** The session of `token` and its reader, or null; from the cache when it may answer, else the full check. */
  async validate(token: string, now: number): Promise<ValidatedSession | null> {
    const stamp = this.stamp();
    const hit = this.lookup(token, now, stamp);
    if (hit) return hit;
    const validated = await validateSessionToken(this.db, token, now);
    if (validated && !validated.renewed) this.keep(token, validated, stamp);
    return validated;
  }

  /**
   * The session of `token` when the cache alone can vouch for it now (nothing written since it
   * was validated, not expired, no renewal due, the secret right); null means "ask `validate`".
   */
  recognise(token: string, now: number): ValidatedSession | null {
    return this.lookup(token, now, this.stamp());
  }

  private lookup(token: string, now: number, stamp: string): ValidatedSession | null {
    const dot = token.indexOf('.');
    if (dot <= 0) return null;
    const kept = this.kept.get(token.slice(0, dot));
    if (!kept || kept.stamp !== stamp || now >= kept.until) return null;
    const secret = token.slice(dot + 1);
    if (secret.length > 128 || secret.includes('.')) return null;
    return timingSafeEqual(createHash('sha256').update(secret).digest(), kept.secretHash) ? kept.validated : null;
  }

  private keep(token: string, validated: ValidatedSession, stamp: string): void {
    const dot = token.indexOf('.');
    const session = Object.freeze({ ...validated.session });
    const until = Math.min(session.expiresAt, session.expiresAt - SESSION_LIFETIME_MS + SESSION_RENEW_INTERVAL_MS);
    this.kept.set(token.slice(0, dot), {
      stamp,
      secretHash: createHash('sha256').update(token.slice(dot + 1)).digest(),
      validated: Object.freeze({ session, user: Object.freeze({ ...validated.user }), renewed: false }),
      until,
    });
  }
}
