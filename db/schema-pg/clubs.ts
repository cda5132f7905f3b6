/** PostgreSQL mirror of db/schema/clubs.ts (what each column means is written there). */
import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { millis } from './columns';
import { CLUB_ROLES } from '../schema/clubs';
import { users } from './auth';
import { chapters, editions } from './books';

export const clubs = pgTable('clubs', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  language: text('language').notNull(),
  visibility: text('visibility', { enum: ['private', 'public'] }).notNull(),
  createdAt: millis('created_at').notNull(),
});

export const memberships = pgTable(
  'memberships',
  {
    clubId: integer('club_id')
      .notNull()
      .references(() => clubs.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: CLUB_ROLES }).notNull(),
    progressHidden: boolean('progress_hidden').notNull().default(false),
    joinedAt: millis('joined_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clubId, t.userId] }), index('memberships_user_idx').on(t.userId)],
);

export const invitations = pgTable(
  'invitations',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    clubId: integer('club_id')
      .notNull()
      .references(() => clubs.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    role: text('role', { enum: ['moderator', 'member'] }).notNull(),
    maxUses: integer('max_uses').notNull(),
    uses: integer('uses').notNull().default(0),
    expiresAt: millis('expires_at').notNull(),
    revokedAt: millis('revoked_at'),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [index('invitations_club_idx').on(t.clubId)],
);

export const readings = pgTable(
  'readings',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    clubId: integer('club_id')
      .notNull()
      .references(() => clubs.id, { onDelete: 'cascade' }),
    editionId: integer('edition_id')
      .notNull()
      .references(() => editions.id, { onDelete: 'restrict' }),
    startedAt: millis('started_at').notNull(),
    endedAt: millis('ended_at'),
  },
  (t) => [
    index('readings_club_idx').on(t.clubId),
    uniqueIndex('readings_one_current_idx').on(t.clubId).where(sql`ended_at is null`),
  ],
);

export const scheduleEntries = pgTable(
  'schedule_entries',
  {
    readingId: integer('reading_id')
      .notNull()
      .references(() => readings.id, { onDelete: 'cascade' }),
    chapterId: integer('chapter_id')
      .notNull()
      .references(() => chapters.id, { onDelete: 'cascade' }),
    opensAt: millis('opens_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.readingId, t.chapterId] })],
);

export const readingProgress = pgTable(
  'reading_progress',
  {
    readingId: integer('reading_id')
      .notNull()
      .references(() => readings.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.readingId, t.userId] })],
);

export const spoilerReveals = pgTable(
  'spoiler_reveals',
  {
    readingId: integer('reading_id')
      .notNull()
      .references(() => readings.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    chapterId: integer('chapter_id')
      .notNull()
      .references(() => chapters.id, { onDelete: 'cascade' }),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.readingId, t.userId, t.chapterId] })],
);

export const bookmarks = pgTable(
  'bookmarks',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    editionId: integer('edition_id')
      .notNull()
      .references(() => editions.id, { onDelete: 'cascade' }),
    chapterOrdinal: integer('chapter_ordinal').notNull(),
    paragraphOrdinal: integer('paragraph_ordinal').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.editionId] })],
);

