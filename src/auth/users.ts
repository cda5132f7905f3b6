/** Queries about readers' accounts. */
import { and, count, eq, gt } from 'drizzle-orm';
import type { Db } from '../../db/connection';
import { deletedUsernames, sessions, users, type User } from '../../db/schema';

export function findUserByUsername(db: Db, username: string): User | undefined {
  return db.select().from(users).where(eq(users.usernameKey, username.toLowerCase())).get();
}

export function findUserById(db: Db, id: number): User | undefined {
  return db.select().from(users).where(eq(users.id, id)).get();
}

/**
 * Creates an account. The first account on a fresh database becomes the site administrator
 * (who may upload books); the check and the insert share one transaction so two simultaneous
 * first sign-ups cannot both become admin. Returns null when the username is taken.
 */
export function createUser(
  db: Db,
  input: { username: string; displayName: string; passwordHash: string; locale: string | null },
  now: number,
): User | null {
  // The unique username key decides a taken name (insert-or-ignore), not a look first: two
  // sign-ups for one name reaching two processes at once get one account and one "taken".
  return db.transaction((tx) => {
    const isFirst = (tx.select({ n: count() }).from(users).get()?.n ?? 0) === 0;
    const created = tx
      .insert(users)
      .values({ ...input, usernameKey: input.username.toLowerCase(), isAdmin: isFirst, createdAt: now })
      .onConflictDoNothing({ target: users.usernameKey })
      .returning()
      .get();
    return created ?? null;
  }, { behavior: 'immediate' });
}

export function updateProfile(db: Db, userId: number, profile: { displayName: string; locale: string | null; timeZone: string | null }): void {
  db.update(users).set(profile).where(eq(users.id, userId)).run();
}

export function updatePasswordHash(db: Db, userId: number, passwordHash: string): void {
  db.update(users).set({ passwordHash }).where(eq(users.id, userId)).run();
}

export function updateLocale(db: Db, userId: number, locale: string): void {
  db.update(users).set({ locale }).where(eq(users.id, userId)).run();
}

export function updateFontStep(db: Db, userId: number, fontStep: number): void {
  db.update(users).set({ fontStep }).where(eq(users.id, userId)).run();
}

export function countUserSessions(db: Db, userId: number): number {
  return db.select({ n: count() }).from(sessions).where(eq(sessions.userId, userId)).get()?.n ?? 0;
}

/** How long the username of a deleted account stays reserved. */
export const USERNAME_COOLING_OFF_MS = 30 * 24 * 60 * 60_000;

/** Whether a username belonged to an account deleted less than the cooling-off period ago. */
export function usernameInCoolingOff(db: Db, username: string, now: number): boolean {
  return !!db
    .select({ key: deletedUsernames.usernameKey })
    .from(deletedUsernames)
    .where(and(eq(deletedUsernames.usernameKey, username.toLowerCase()), gt(deletedUsernames.deletedAt, now - USERNAME_COOLING_OFF_MS)))
    .get();
}
