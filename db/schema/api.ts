import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './auth';

/** The scopes a personal access token may carry: reading only, or reading and writing. */
export const API_SCOPES = ['read', 'read write'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/**
 * A personal access token for the JSON API (`/api/v1`). Only the SHA-256 of the secret is
 * stored (hex); the secret itself is shown once, when the token is created. A revoked token
 * keeps its row (the owner sees when it was revoked) but never authenticates again.
 */
export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** The first characters of the secret (`mgl_` and a few more), so the owner can tell tokens apart. */
    prefix: text('prefix').notNull(),
    scope: text('scope', { enum: API_SCOPES }).notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at'),
    lastUsedAt: integer('last_used_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [uniqueIndex('api_tokens_hash_idx').on(t.tokenHash), index('api_tokens_user_idx').on(t.userId)],
);

export type ApiToken = typeof apiTokens.$inferSelect;
