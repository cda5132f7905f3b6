import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './auth';
import { chapters } from './books';
import { clubs, readings } from './clubs';

/**
 * A club's meeting, run by a moderator from a chapter page (src/live): at most one running per
 * club (`endedAt` null). `spotlight*` is what the meeting is on now (a paragraph, or a thread by
 * its root comment); the ended meeting stays as the club home's short record.
 */
export const meetingSessions = sqliteTable(
  'meeting_sessions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clubId: integer('club_id')
      .notNull()
      .references(() => clubs.id, { onDelete: 'cascade' }),
    readingId: integer('reading_id')
      .notNull()
      .references(() => readings.id, { onDelete: 'cascade' }),
    chapterId: integer('chapter_id')
      .notNull()
      .references(() => chapters.id, { onDelete: 'cascade' }),
    startedBy: integer('started_by').references(() => users.id, { onDelete: 'set null' }),
    startedAt: integer('started_at').notNull(),
    endedAt: integer('ended_at'),
    spotlightKind: text('spotlight_kind', { enum: ['paragraph', 'thread'] }),
    spotlightId: integer('spotlight_id'),
  },
  (t) => [uniqueIndex('meeting_sessions_one_running_idx').on(t.clubId).where(sql`ended_at is null`), index('meeting_sessions_club_idx').on(t.clubId, t.startedAt)],
);

/** Who came: members who had the meeting's chapter open while it ran (once each). */
export const sessionAttendees = sqliteTable(
  'meeting_session_attendees',
  {
    meetingId: integer('session_id')
      .notNull()
      .references(() => meetingSessions.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    joinedAt: integer('joined_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.userId] })],
);

/** What a meeting spotlighted or discussed, in order: paragraphs, threads (root comment), polls opened or voted on. */
export const sessionMoments = sqliteTable(
  'meeting_session_moments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    meetingId: integer('session_id')
      .notNull()
      .references(() => meetingSessions.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['paragraph', 'thread', 'poll'] }).notNull(),
    targetId: integer('target_id').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [uniqueIndex('meeting_session_moments_once_idx').on(t.meetingId, t.kind, t.targetId)],
);

export type LiveMeeting = typeof meetingSessions.$inferSelect;
