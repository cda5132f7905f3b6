import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from '../../../db/connection';
import { users } from '../../../db/schema';
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

let opened: OpenedDatabase;
let userId: number;
let otherUserId: number;

function addUser(name: string): number {
  return opened.db
    .insert(users)
    .values({ username: name, usernameKey: name, displayName: name, passwordHash: 'x', createdAt: T0 })
    .returning()
    .get().id;
}

beforeEach(() => {
  opened = openDatabase(':memory:');
  userId = addUser('minji');
  otherUserId = addUser('dohyun');
});
afterEach(() => opened.sqlite.close());

const rows = () => opened.sqlite.prepare('select * from sessions').all() as { id: string; secret_hash: Buffer; user_id: number; expires_at: number }[];

describe('session tokens', () => {
  it('are an 80-bit id and a 256-bit secret in lower-case base32, different every time', () => {
    const tokens = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const { token, id } = createSession(opened.db, userId, T0);
      expect(token).toMatch(/^[a-z2-7]{16}\.[a-z2-7]{52}$/);
      expect(token.startsWith(`${id}.`)).toBe(true);
      tokens.add(token);
    }
    expect(tokens.size).toBe(50);
  });

  it('store SHA-256 of the secret only', () => {
    const { token, id } = createSession(opened.db, userId, T0);
    const secret = token.split('.')[1]!;
    const [row] = rows();
    expect(row!.id).toBe(id);
    expect(Buffer.from(row!.secret_hash).toString('hex')).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(rows())).not.toContain(secret);
  });

  it('validate to the session and its user', () => {
    const created = createSession(opened.db, userId, T0);
    const validated = validateSessionToken(opened.db, created.token, T0 + 1000);
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
  ])('refuse a %s token', (_what, forge) => {
    const { token } = createSession(opened.db, userId, T0);
    expect(validateSessionToken(opened.db, forge(token), T0)).toBeNull();
    expect(validateSessionToken(opened.db, token, T0)).not.toBeNull();
  });

  it('expire after the lifetime without use, and the row is deleted', () => {
    const { token } = createSession(opened.db, userId, T0);
    expect(validateSessionToken(opened.db, token, T0 + SESSION_LIFETIME_MS - 1)).not.toBeNull();
    const fresh = createSession(opened.db, userId, T0);
    expect(validateSessionToken(opened.db, fresh.token, T0 + SESSION_LIFETIME_MS)).toBeNull();
    expect(rows().map((r) => r.id)).not.toContain(fresh.id);
  });

  it('slide: renewed once a day has passed, not before', () => {
    const { token, id } = createSession(opened.db, userId, T0);
    expect(validateSessionToken(opened.db, token, T0 + SESSION_RENEW_INTERVAL_MS - 1)!.renewed).toBe(false);
    const renewed = validateSessionToken(opened.db, token, T0 + 2 * DAY)!;
    expect(renewed.renewed).toBe(true);
    expect(renewed.session.expiresAt).toBe(T0 + 2 * DAY + SESSION_LIFETIME_MS);
    expect(rows().find((r) => r.id === id)!.expires_at).toBe(T0 + 2 * DAY + SESSION_LIFETIME_MS);
    expect(validateSessionToken(opened.db, token, T0 + 2 * DAY + 1000)!.renewed).toBe(false);
    expect(validateSessionToken(opened.db, token, T0 + 31 * DAY)).not.toBeNull();
  });

  it('end with the user account', () => {
    const { token } = createSession(opened.db, userId, T0);
    opened.sqlite.prepare('delete from users where id = ?').run(userId);
    expect(validateSessionToken(opened.db, token, T0)).toBeNull();
    expect(rows()).toHaveLength(0);
  });
});

describe('ending sessions', () => {
  it('deleteSession ends one', () => {
    const a = createSession(opened.db, userId, T0);
    const b = createSession(opened.db, userId, T0);
    deleteSession(opened.db, a.id);
    expect(validateSessionToken(opened.db, a.token, T0)).toBeNull();
    expect(validateSessionToken(opened.db, b.token, T0)).not.toBeNull();
  });

  it('deleteUserSessions ends all of one reader’s, optionally but one', () => {
    const a = createSession(opened.db, userId, T0);
    const b = createSession(opened.db, userId, T0);
    const c = createSession(opened.db, userId, T0);
    const other = createSession(opened.db, otherUserId, T0);
    deleteUserSessions(opened.db, userId, b.id);
    expect(rows().map((r) => r.id).sort()).toEqual([b.id, other.id].sort());
    deleteUserSessions(opened.db, userId);
    expect(rows().map((r) => r.id)).toEqual([other.id]);
    expect([a, c].every((s) => validateSessionToken(opened.db, s.token, T0) === null)).toBe(true);
  });

  it('deleteExpiredSessions removes only expired rows', () => {
    createSession(opened.db, userId, T0);
    const recent = createSession(opened.db, userId, T0 + 10 * DAY);
    expect(deleteExpiredSessions(opened.db, T0 + SESSION_LIFETIME_MS + 1)).toBe(1);
    expect(rows().map((r) => r.id)).toEqual([recent.id]);
  });
});
