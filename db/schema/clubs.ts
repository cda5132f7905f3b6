import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './auth';
import { chapters, editions } from './books';

export const clubs = sqliteTable('clubs', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  language: text('language').notNull(),
  visibility: text('visibility', { enum: ['private', 'public'] }).notNull(),
  createdAt: integer('created_at').notNull(),
});

export const CLUB_ROLES = ['owner', 'moderator', 'member'] as const;
export type ClubRole = (typeof CLUB_ROLES)[number];

export const memberships = sqliteTable(
  'memberships',
  {
    clubId: integer('club_id')
      .notNull()
      .references(() => clubs.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: CLUB_ROLES }).notNull(),
    /** The member chose to hide their reading progress from others. */
    progressHidden: integer('progress_hidden', { mode: 'boolean' }).notNull().default(false),
    joinedAt: integer('joined_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clubId, t.userId] }), index('memberships_user_idx').on(t.userId)],
);

/** An invitation link. Only SHA-256 of its token is stored. */
export const invitations = sqliteTable(
  'invitations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clubId: integer('club_id')
      .notNull()
      .references(() => clubs.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    role: text('role', { enum: ['moderator', 'member'] }).notNull(),
    maxUses: integer('max_uses').notNull(),
    uses: integer('uses').notNull().default(0),
    expiresAt: integer('expires_at').notNull(),
    revokedAt: integer('revoked_at'),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('invitations_club_idx').on(t.clubId)],
);

/** A club reading one edition. The current reading has no `endedAt`; earlier ones stay browsable. */
export const readings = sqliteTable(
  'readings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clubId: integer('club_id')
      .notNull()
      .references(() => clubs.id, { onDelete: 'cascade' }),
    editionId: integer('edition_id')
      .notNull()
      .references(() => editions.id, { onDelete: 'restrict' }),
    startedAt: integer('started_at').notNull(),
    endedAt: integer('ended_at'),
  },
  (t) => [
    index('readings_club_idx').on(t.clubId),
    uniqueIndex('readings_one_current_idx').on(t.clubId).where(sql`ended_at is null`),
  ],
);

/** From `opensAt` on, members may read the chapter and its discussion. No row: open at once. */
export const scheduleEntries = sqliteTable(
  'schedule_entries',
  {
    readingId: integer('reading_id')
      .notNull()
      .references(() => readings.id, { onDelete: 'cascade' }),
    chapterId: integer('chapter_id')
      .notNull()
      .references(() => chapters.id, { onDelete: 'cascade' }),
    opensAt: integer('opens_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.readingId, t.chapterId] })],
);

/** How far a member has read in a club's reading: a global paragraph position (0 = not started). */
export const readingProgress = sqliteTable(
  'reading_progress',
  {
    readingId: integer('reading_id')
      .notNull()
      .references(() => readings.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.readingId, t.userId] })],
);

/** A reader chose to see a chapter's discussion before reaching it. Deleting the row undoes it. */
export const spoilerReveals = sqliteTable(
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
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.readingId, t.userId, t.chapterId] })],
);

/** Where a reader last was in an edition outside any club (the library reader). */
export const bookmarks = sqliteTable(
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
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.editionId] })],
);

export type Club = typeof clubs.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type Reading = typeof readings.$inferSelect;
