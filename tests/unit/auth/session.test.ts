import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { sessions, users } from '../../../db/schema';
import { openTestDatabase, type TestDatabase } from '../../helpers/engine';
import {
  createSession,
  deleteExpiredSessions,
  deleteSession,
  deleteUserSessions,
  SESSION_LIFETIME_MS,
  SESSION_RENEW_INTERVAL_MS,
  validateSessionToken,
} from '../../../src/auth/session';

const T0 = Date.UTC(2026, 0, 1);
const DAY = 24 * 60 * 60 * 1000;

let opened: TestDatabase;
let userId: number;
let otherUserId: number;

async function addUser(name: string): Promise<number> {
  const [user] = await opened.db
    .insert(users)
    .values({ username: name, usernameKey: name, displayName: name, passwordHash: 'x', createdAt: T0 })
    .returning();
  return user!.id;
}

beforeEach(async () => {
  opened = await openTestDatabase(':memory:');
  userId = await addUser('minji');
  otherUserId = await addUser('dohyun');
});
afterEach(() => opened.close());

/** The stored session rows, as the database holds them. */
const rows = () => opened.db.select().from(sessions);

describe('session tokens', () => {
  it('are an 80-bit id and a 256-bit secret in lower-case base32, different every time', async () => {
    const tokens = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const { token, id } = await createSession(opened.db, userId, T0);
      expect(token).toMatch(/^[a-z2-7]{16}\.[a-z2-7]{52}$/);
      expect(token.startsWith(`${id}.`)).toBe(true);
      tokens.add(token);
    }
    expect(tokens.size).toBe(50);
  });

  it('store SHA-256 of the secret only', async () => {
    const { token, id } = await createSession(opened.db, userId, T0);
    const secret = token.split('.')[1]!;
    const [row] = await rows();
    expect(row!.id).toBe(id);
    expect(Buffer.from(row!.secretHash).toString('hex')).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(await rows())).not.toContain(secret);
  });

  it('validate to the session and its user', async () => {
    const created = await createSession(opened.db, userId, T0);
    const validated = await validateSessionToken(opened.db, created.token, T0 + 1000);
    expect(validated).not.toBeNull();
    expect(validated!.user.id).toBe(userId);
    expect(validated!.session).toEqual({ id: created.id, userId, createdAt: T0, expiresAt: T0 + SESSION_LIFETIME_MS });
    expect(validated!.renewed).toBe(false);
  });

  it.each([
    ['empty', () => ''],
    ['no dot', (t: string) => t.replace('.', '')],
    ['only the id', (t: string) => t.split('.')[0]!],
    ['empty secret', (t: string) => `${t.split('.')[0]}.`],
    ['three parts', (t: string) => `${t}.x`],
    ['wrong secret', (t: string) => `${t.split('.')[0]}.${'a'.repeat(52)}`],
    ['secret one character short', (t: string) => t.slice(0, -1)],
    ['unknown id', (t: string) => `aaaaaaaaaaaaaaaa.${t.split('.')[1]}`],
    ['huge', (t: string) => `${t}${'a'.repeat(10_000)}`],
    ['upper-cased', (t: string) => t.toUpperCase()],
  ])('refuse a %s token', async (_what, forge) => {
    const { token } = await createSession(opened.db, userId, T0);
    expect(await validateSessionToken(opened.db, forge(token), T0)).toBeNull();
    expect(await validateSessionToken(opened.db, token, T0)).not.toBeNull();
  });

  it('expire after the lifetime without use, and the row is deleted', async () => {
    const { token } = await createSession(opened.db, userId, T0);
    expect(await validateSessionToken(opened.db, token, T0 + SESSION_LIFETIME_MS - 1)).not.toBeNull();
    const fresh = await createSession(opened.db, userId, T0);
    expect(await validateSessionToken(opened.db, fresh.token, T0 + SESSION_LIFETIME_MS)).toBeNull();
    expect((await rows()).map((r) => r.id)).not.toContain(fresh.id);
  });

  it('slide: renewed once a day has passed, not before', async () => {
    const { token, id } = await createSession(opened.db, userId, T0);
    expect((await validateSessionToken(opened.db, token, T0 + SESSION_RENEW_INTERVAL_MS - 1))!.renewed).toBe(false);
    const renewed = (await validateSessionToken(opened.db, token, T0 + 2 * DAY))!;
    expect(renewed.renewed).toBe(true);
    expect(renewed.session.expiresAt).toBe(T0 + 2 * DAY + SESSION_LIFETIME_MS);
    expect((await rows()).find((r) => r.id === id)!.expiresAt).toBe(T0 + 2 * DAY + SESSION_LIFETIME_MS);
    expect((await validateSessionToken(opened.db, token, T0 + 2 * DAY + 1000))!.renewed).toBe(false);
    expect(await validateSessionToken(opened.db, token, T0 + 31 * DAY)).not.toBeNull();
  });

  it('end with the user account', async () => {
    const { token } = await createSession(opened.db, userId, T0);
    await opened.db.delete(users).where(eq(users.id, userId));
    expect(await validateSessionToken(opened.db, token, T0)).toBeNull();
    expect(await rows()).toHaveLength(0);
  });
});

describe('ending sessions', () => {
  it('deleteSession ends one', async () => {
    const a = await createSession(opened.db, userId, T0);
    const b = await createSession(opened.db, userId, T0);
    await deleteSession(opened.db, a.id);
    expect(await validateSessionToken(opened.db, a.token, T0)).toBeNull();
    expect(await validateSessionToken(opened.db, b.token, T0)).not.toBeNull();
  });

  it('deleteUserSessions ends all of one reader’s, optionally but one', async () => {
    const a = await createSession(opened.db, userId, T0);
    const b = await createSession(opened.db, userId, T0);
    const c = await createSession(opened.db, userId, T0);
    const other = await createSession(opened.db, otherUserId, T0);
    await deleteUserSessions(opened.db, userId, b.id);
    expect((await rows()).map((r) => r.id).sort()).toEqual([b.id, other.id].sort());
    await deleteUserSessions(opened.db, userId);
    expect((await rows()).map((r) => r.id)).toEqual([other.id]);
    for (const s of [a, c]) expect(await validateSessionToken(opened.db, s.token, T0)).toBeNull();
  });

  it('deleteExpiredSessions removes only expired rows', async () => {
    await createSession(opened.db, userId, T0);
    const recent = await createSession(opened.db, userId, T0 + 10 * DAY);
    expect(await deleteExpiredSessions(opened.db, T0 + SESSION_LIFETIME_MS + 1)).toBe(1);
    expect((await rows()).map((r) => r.id)).toEqual([recent.id]);
  });
});
