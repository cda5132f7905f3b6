/** Storing personal access tokens: one query per need, no decisions (those are in ./policy.ts). */
import { and, count, desc, eq, isNull, sql } from 'drizzle-orm';
import { first, prepared, type Db } from '../../db/connection';
import { apiTokens, users, type ApiScope, type ApiToken, type User } from '../../db/schema';

export async function insertApiToken(db: Db, input: { userId: number; name: string; tokenHash: string; prefix: string; scope: ApiScope; createdAt: number; expiresAt: number | null }): Promise<ApiToken> {
  const [token] = await db.insert(apiTokens).values(input).returning();
  return token!;
}

/** A reader's tokens, newest first (revoked ones too, so they can see what they revoked). */
export async function tokensOf(db: Db, userId: number, limit = 100): Promise<ApiToken[]> {
  return db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.createdAt), desc(apiTokens.id)).limit(limit);
}

export async function countActiveTokens(db: Db, userId: number): Promise<number> {
  const [counted] = await db.select({ n: count() }).from(apiTokens).where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)));
  return counted?.n ?? 0;
}

/** Revokes one of the reader's own tokens; false when it is not theirs or already revoked. */
export async function revokeApiToken(db: Db, userId: number, tokenId: number, now: number): Promise<boolean> {
  const revoked = await db
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return revoked.length > 0;
}

/** The token with this hash and its owner (every API request asks: prepared once). */
export async function tokenByHash(db: Db, tokenHash: string): Promise<{ token: ApiToken; user: User } | undefined> {
  const byHash = prepared(db, 'api-token-by-hash', (db) =>
    db
      .select({ token: apiTokens, user: users })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(eq(apiTokens.tokenHash, sql.placeholder('tokenHash')))
      .prepare(),
  );
  return first(await byHash.execute({ tokenHash }));
}

export async function touchApiToken(db: Db, tokenId: number, now: number): Promise<void> {
  await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, tokenId));
}
