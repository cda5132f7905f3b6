/** Queries about readers' accounts. */
import { and, count, eq, gt } from 'drizzle-orm';
import { first, transaction, type Db } from '../../db/connection';
import { deletedUsernames, sessions, users, type User } from '../../db/schema';

export async function findUserByUsername(db: Db, username: string): Promise<User | undefined> {
  return first(await db.select().from(users).where(eq(users.usernameKey, username.toLowerCase())).limit(1));
}

export async function findUserById(db: Db, id: number): Promise<User | undefined> {
  return first(await db.select().from(users).where(eq(users.id, id)).limit(1));
}

/**
 * Creates an account. The first account on a fresh database becomes the site administrator
 * (who may upload books); the check and the insert share one transaction so two simultaneous
 * first sign-ups cannot both become admin. Returns null when the username is taken.
 */
export async function createUser(
  db: Db,
  input: { username: string; displayName: string; passwordHash: string; locale: string | null },
  now: number,
): Promise<User | null> {
  // The unique username key decides a taken name (insert-or-ignore), not a look first: two
  // sign-ups for one name reaching two processes at once get one account and one "taken".
  // The transaction (the write lock from its start on SQLite, serializable on PostgreSQL) makes
  // the count and the insert one step: two first sign-ups cannot both count no one.
  return transaction(db, async (tx) => {
    const [counted] = await tx.select({ n: count() }).from(users);
    const isFirst = (counted?.n ?? 0) === 0;
    const [created] = await tx
      .insert(users)
      .values({ ...input, usernameKey: input.username.toLowerCase(), isAdmin: isFirst, createdAt: now })
      .onConflictDoNothing({ target: users.usernameKey })
      .returning();
    return created ?? null;
  });
}

export async function updateProfile(db: Db, userId: number, profile: { displayName: string; locale: string | null; timeZone: string | null }): Promise<void> {
  await db.update(users).set(profile).where(eq(users.id, userId));
}

export async function updatePasswordHash(db: Db, userId: number, passwordHash: string): Promise<void> {
  await db.update(users).set({ passwordHash }).where(eq(users.id, userId));
}

export async function updateLocale(db: Db, userId: number, locale: string): Promise<void> {
  await db.update(users).set({ locale }).where(eq(users.id, userId));
}

export async function updateFontStep(db: Db, userId: number, fontStep: number): Promise<void> {
  await db.update(users).set({ fontStep }).where(eq(users.id, userId));
}

export async function countUserSessions(db: Db, userId: number): Promise<number> {
  const [counted] = await db.select({ n: count() }).from(sessions).where(eq(sessions.userId, userId));
  return counted?.n ?? 0;
}

/** How long the username of a deleted account stays reserved. */
export const USERNAME_COOLING_OFF_MS = 30 * 24 * 60 * 60_000;

/** Whether a username belonged to an account deleted less than the cooling-off period ago. */
export async function usernameInCoolingOff(db: Db, username: string, now: number): Promise<boolean> {
  const found = await db
    .select({ key: deletedUsernames.usernameKey })
    .from(deletedUsernames)
    .where(and(eq(deletedUsernames.usernameKey, username.toLowerCase()), gt(deletedUsernames.deletedAt, now - USERNAME_COOLING_OFF_MS)))
    .limit(1);
  return found.length > 0;
}
