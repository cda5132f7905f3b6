
import { blob, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Times are stored as integer milliseconds since the epoch throughout the schema. */
export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** As the reader typed it (a-z 0-9 _ -), shown in mentions. */
  username: text('username').notNull(),
  /** Lower-cased username: the unique key, so `Minji` and `minji` cannot both exist. */
  usernameKey: text('username_key').notNull().unique(),
  displayName: text('display_name').notNull(),
  passwordHash: text('password_hash').notNull(),
  /** 'ko' | 'en', or null to follow Accept-Language. */
  locale: text('locale'),
  /** IANA time zone for dates, or null for the server's. */
  timeZone: text('time_zone'),
  /** Reader font size step, 0 = default. */
  fontStep: integer('font_step').notNull().default(0),
  isAdmin: integer('is_admin', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull(),
  /** Set by a site admin: every session ended, sign-in refused until unsuspended. */
  suspendedAt: integer('suspended_at'),
});

/**
 * Usernames of deleted accounts, kept (the lower-cased key and when) only for the cooling-off
 * period, so nobody can take over a name others still recognise in a discussion.
 */
export const deletedUsernames = sqliteTable('deleted_usernames', {
  usernameKey: text('username_key').primaryKey(),
  deletedAt: integer('deleted_at').notNull(),
});

/**
 * A session as Lucia's published design describes it: the cookie holds `id.secret`, we store
 * only SHA-256(secret), so a leaked database cannot be replayed as cookies.
 */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    secretHash: blob('secret_hash', { mode: 'buffer' }).notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

export type User = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
