/** PostgreSQL mirror of db/schema/auth.ts (what each column means is written there). */
import { boolean, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { bytea, millis } from './columns';

export const users = pgTable('users', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  username: text('username').notNull(),
  usernameKey: text('username_key').notNull().unique(),
  displayName: text('display_name').notNull(),
  passwordHash: text('password_hash').notNull(),
  locale: text('locale'),
  timeZone: text('time_zone'),
  fontStep: integer('font_step').notNull().default(0),
  isAdmin: boolean('is_admin').notNull().default(false),
  createdAt: millis('created_at').notNull(),
  suspendedAt: millis('suspended_at'),
});

export const deletedUsernames = pgTable('deleted_usernames', {
  usernameKey: text('username_key').primaryKey(),
  deletedAt: millis('deleted_at').notNull(),
});

export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    secretHash: bytea('secret_hash').notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: millis('created_at').notNull(),
    expiresAt: millis('expires_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

