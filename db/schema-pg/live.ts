/** PostgreSQL mirror of db/schema/live.ts (what each column means is written there). */
import { sql } from 'drizzle-orm';
import { index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { millis } from './columns';
import { users } from './auth';
import { chapters } from './books';
import { clubs, readings } from './clubs';

export const meetingSessions = pgTable(
  'meeting_sessions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
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
    startedAt: millis('started_at').notNull(),
    endedAt: millis('ended_at'),
    spotlightKind: text('spotlight_kind', { enum: ['paragraph', 'thread'] }),
    spotlightId: integer('spotlight_id'),
  },
  (t) => [uniqueIndex('meeting_sessions_one_running_idx').on(t.clubId).where(sql`ended_at is null`), index('meeting_sessions_club_idx').on(t.clubId, t.startedAt)],
);

export const sessionAttendees = pgTable(
  'meeting_session_attendees',
  {
    meetingId: integer('session_id')
      .notNull()
      .references(() => meetingSessions.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    joinedAt: millis('joined_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.userId] })],
);

export const sessionMoments = pgTable(
  'meeting_session_moments',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    meetingId: integer('session_id')
      .notNull()
      .references(() => meetingSessions.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['paragraph', 'thread', 'poll'] }).notNull(),
    targetId: integer('target_id').notNull(),
    at: millis('at').notNull(),
  },
  (t) => [uniqueIndex('meeting_session_moments_once_idx').on(t.meetingId, t.kind, t.targetId)],
);

