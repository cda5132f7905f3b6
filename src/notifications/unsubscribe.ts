/**
 * One-click unsubscribe (RFC 8058) without signing in: every mail carries a link whose token
 * says whose e-mail to stop and for which club (0: every club), signed with HMAC-SHA-256. The
 * key is 32 random bytes made on first use and kept in the database (`notification_state`), so
 * links survive restarts and every process on the same database agrees on them. Tokens carry
 * no expiry: an unsubscribe link must keep working as long as the mail may be read, and all
 * it can do is turn e-mail off. Compared in constant time.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from '@oslojs/encoding';
import { isTransactionHandle, runtimeOf, type Db, type EngineRuntime } from '../../db/connection';
import { setStateValueIfAbsent, stateValue } from './queries';

const KEY = 'unsubscribe_key';
const TOKEN = /^(\d{1,12})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;
/** Per database (its engine, shared by the outer handle and every transaction's). */
const keys = new WeakMap<EngineRuntime, Uint8Array>();

/**
 * The key, kept in memory once it is known to be committed: read or made through a
 * transaction's handle, it may still be rolled back with it (and another key made by someone
 * else), so it is kept only when read on the outer handle ({@link readyUnsubscribeKey}).
 */
async function signingKey(db: Db): Promise<Uint8Array> {
  const runtime = runtimeOf(db);
  const kept = keys.get(runtime);
  if (kept) return kept;
  await setStateValueIfAbsent(db, KEY, randomBytes(32).toString('hex'));
  const key = new Uint8Array(Buffer.from((await stateValue(db, KEY))!, 'hex'));
  if (!isTransactionHandle(db)) keys.set(runtime, key);
  return key;
}

/** Reads (or makes) the signing key on the outer handle, so mails composed in transactions find it kept. */
export async function readyUnsubscribeKey(db: Db): Promise<void> {
  await signingKey(runtimeOf(db).outer);
}

async function signature(db: Db, userId: number, clubId: number): Promise<Uint8Array> {
  // node:crypto's native HMAC-SHA-256: the same bytes as a JavaScript one, and every mail signs one.
  return createHmac('sha256', await signingKey(db)).update(`unsubscribe:${userId}:${clubId}`).digest();
}

export async function unsubscribeToken(db: Db, userId: number, clubId: number): Promise<string> {
  return `${userId}.${clubId}.${encodeBase64urlNoPadding(await signature(db, userId, clubId))}`;
}

/** Whose e-mail the token stops (and in which club, 0 = all), or null when it is not ours. */
export async function readUnsubscribeToken(db: Db, token: string | undefined | null): Promise<{ userId: number; clubId: number } | null> {
  const match = TOKEN.exec(token ?? '');
  if (!match) return null;
  const userId = Number(match[1]);
  const clubId = Number(match[2]);
  let given: Uint8Array;
  try {
    given = decodeBase64urlIgnorePadding(match[3]!);
  } catch {
    return null;
  }
  return given.length === 32 && constantTimeEqual(given, await signature(db, userId, clubId)) ? { userId, clubId } : null;
}

export const UNSUBSCRIBE_PATH = '/notifications/unsubscribe';
