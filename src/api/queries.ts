/** Storing personal access tokens: one query per need, no decisions (those are in ./policy.ts). */
import { and, count, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/connection';
import { apiTokens, users, type ApiScope, type ApiToken, type User } from '../../db/schema';

export function insertApiToken(db: Db, input: { userId: number; name: string; tokenHash: string; prefix: string; scope: ApiScope; createdAt: number; expiresAt: number | null }): ApiToken {
  return db.insert(apiTokens).values(input).returning().get();
}

/** A reader's tokens, newest first (revoked ones too, so they can see what they revoked). */
export function tokensOf(db: Db, userId: number, limit = 100): ApiToken[] {
  return db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.createdAt), desc(apiTokens.id)).limit(limit).all();
}

export function countActiveTokens(db: Db, userId: number): number {
  return db.select({ n: count() }).from(apiTokens).where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt))).get()?.n ?? 0;
}

/** Revokes one of the reader's own tokens; false when it is not theirs or already revoked. */
export function revokeApiToken(db: Db, userId: number, tokenId: number, now: number): boolean {
  const result = db
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .run();
  return result.changes > 0;
}

/** The token with this hash and its owner. */
export function tokenByHash(db: Db, tokenHash: string): { token: ApiToken; user: User } | undefined {
  return db.select({ token: apiTokens, user: users }).from(apiTokens).innerJoin(users, eq(users.id, apiTokens.userId)).where(eq(apiTokens.tokenHash, tokenHash)).get();
}

export function touchApiToken(db: Db, tokenId: number, now: number): void {
  db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, tokenId)).run();
}
