/**
 * Sessions, following the design Lucia's authors now publish for applications to own
 * (lucia-auth.com, "Sessions" / `auth_session.ts`). The `lucia` npm package is deprecated;
 * this file is that design written for our schema with `@oslojs/crypto` and `@oslojs/encoding`.
 *
 * A token is `<id>.<secret>`:
 * - `id`: 10 random bytes (80 bits), base32. It is only a lookup key, so guessing one
 *   buys nothing without the secret.
 * - `secret`: 32 random bytes (256 bits), base32. We store SHA-256(secret) and never the
 *   secret itself, so someone who reads the database (a backup, a leaked file) cannot turn a
 *   row back into a working cookie. SHA-256 rather than a slow hash is right here: the secret
 *   has full entropy, so there is nothing to brute-force.
 * - The stored and presented hashes are compared in constant time, so response timing tells
 *   an attacker nothing about how many leading bytes of a forged secret were right.
 *
 * Expiry slides: a session lives for {@link SESSION_LIFETIME_MS} after its last use. Book clubs
 * meet weekly or monthly, so 30 days of inactivity covers a missed meeting without signing
 * people out, while a lost device stops working within a month. The new expiry is written at
 * most once per {@link SESSION_RENEW_INTERVAL_MS}, so validating a session is a read, not a
 * write, on almost every request.
 */
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { and, eq, lt, ne, sql } from 'drizzle-orm';
import { getRandomValues } from 'node:crypto';
import { first, prepared, type Db } from '../../db/connection';
import { sessions, users, type User } from '../../db/schema';
import { writeIfPossible } from '../http/storage-errors';

export const SESSION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
export const SESSION_RENEW_INTERVAL_MS = 24 * 60 * 60 * 1000;

export interface Session {
  id: string;
  userId: number;
  createdAt: number;
  expiresAt: number;
}

export interface SessionWithToken extends Session {
  token: string;
}

export interface ValidatedSession {
  session: Session;
  user: User;
  /** True when the expiry moved: the cookie must be sent again with the new lifetime. */
  renewed: boolean;
}

function randomBase32(bytes: number): string {
  return encodeBase32LowerCaseNoPadding(getRandomValues(new Uint8Array(bytes)));
}

function hashSecret(secret: string): Uint8Array {
  return sha256(new TextEncoder().encode(secret));
}

export async function createSession(db: Db, userId: number, now: number): Promise<SessionWithToken> {
  const id = randomBase32(10);
  const secret = randomBase32(32);
  const session: Session = { id, userId, createdAt: now, expiresAt: now + SESSION_LIFETIME_MS };
  await db.insert(sessions).values({ ...session, secretHash: Buffer.from(hashSecret(secret)) });
  return { ...session, token: `${id}.${secret}` };
}

/** Returns the session and its user, or null for a malformed, unknown, forged or expired token. */
export async function validateSessionToken(db: Db, token: string, now: number): Promise<ValidatedSession | null> {
  const [id, secret, ...rest] = token.split('.');
  if (!id || !secret || rest.length > 0 || id.length > 64 || secret.length > 128) return null;

  const sessionWithUser = prepared(db, 'session-with-user', (db) =>
    db
      .select({ session: sessions, user: users })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.id, sql.placeholder('id')))
      .prepare(),
  );
  const row = first(await sessionWithUser.execute({ id }));
  if (!row) return null;

  if (!constantTimeEqual(hashSecret(secret), new Uint8Array(row.session.secretHash))) return null;

  if (now >= row.session.expiresAt) {
    await writeIfPossible(() => deleteSession(db, id)); // housekeeping deletes it later if not now
    return null;
  }

  const session: Session = {
    id: row.session.id,
    userId: row.session.userId,
    createdAt: row.session.createdAt,
    expiresAt: row.session.expiresAt,
  };
  const due = session.expiresAt - now <= SESSION_LIFETIME_MS - SESSION_RENEW_INTERVAL_MS;
  // Renewing is a convenience: when storage refuses the write (a full or read-only disk), the
  // page is still served, on the expiry the session had.
  const renewed = due && (await writeIfPossible(async () => {
      await db.update(sessions).set({ expiresAt: now + SESSION_LIFETIME_MS }).where(eq(sessions.id, id));
    }));
  if (renewed) session.expiresAt = now + SESSION_LIFETIME_MS;
  return { session, user: row.user, renewed };
}

export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Signs a reader out everywhere, optionally keeping the session they are using now. */
export async function deleteUserSessions(db: Db, userId: number, exceptSessionId?: string): Promise<void> {
  await db
    .delete(sessions)
    .where(exceptSessionId ? and(eq(sessions.userId, userId), ne(sessions.id, exceptSessionId)) : eq(sessions.userId, userId));
}

/** Housekeeping: expired rows are useless, remove them (run at start-up and periodically); how many went. */
export async function deleteExpiredSessions(db: Db, now: number): Promise<number> {
  const deleted = await db.delete(sessions).where(lt(sessions.expiresAt, now)).returning({ id: sessions.id });
  return deleted.length;
}
