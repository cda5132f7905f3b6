/** PostgreSQL mirror of db/schema/clublife.ts (what each column means is written there). */
import { index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { millis } from './columns';
import { PICK_METHODS, RSVP_ANSWERS, SHELF_MARKS, SLOT_MARKS } from '../schema/clublife';
import { users } from './auth';
import { books, chapters, editions } from './books';
import { clubs, readings } from './clubs';

export const bookPicks = pgTable(
  'book_picks',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    clubId: integer('club_id')
      .notNull()
      .references(() => clubs.id, { onDelete: 'cascade' }),
    method: text('method', { enum: PICK_METHODS }).notNull().default('ranked'),
    votingStartedAt: millis('voting_started_at'),
    votingEndsAt: millis('voting_ends_at'),
    closedAt: millis('closed_at'),
    adoptedReadingId: integer('adopted_reading_id').references(() => readings.id, { onDelete: 'set null' }),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [index('book_picks_club_idx').on(t.clubId)],
);

export const nominations = pgTable(
  'nominations',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    pickId: integer('pick_id')
      .notNull()
      .references(() => bookPicks.id, { onDelete: 'cascade' }),
    bookId: integer('book_id').references(() => books.id, { onDelete: 'set null' }),
    editionId: integer('edition_id').references(() => editions.id, { onDelete: 'set null' }),
    title: text('title').notNull(),
    author: text('author').notNull().default(''),
    link: text('link'),
    dedupeKey: text('dedupe_key').notNull(),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [uniqueIndex('nominations_pick_key_idx').on(t.pickId, t.dedupeKey)],
);

export const nominationBackers = pgTable(
  'nomination_backers',
  {
    nominationId: integer('nomination_id')
      .notNull()
      .references(() => nominations.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    reason: text('reason').notNull().default(''),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.nominationId, t.userId] })],
);

export const pickVotes = pgTable(
  'pick_votes',
  {
    pickId: integer('pick_id')
      .notNull()
      .references(() => bookPicks.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    nominationId: integer('nomination_id')
      .notNull()
      .references(() => nominations.id, { onDelete: 'cascade' }),
    rank: integer('rank').notNull(),
  },
  (t) => [primaryKey({ columns: [t.pickId, t.userId, t.nominationId] })],
);

export const meetings = pgTable(
  'meetings',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    clubId: integer('club_id')
      .notNull()
      .references(() => clubs.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    place: text('place').notNull().default(''),
    callLink: text('call_link'),
    startsAt: millis('starts_at'),
    durationMinutes: integer('duration_minutes').notNull().default(90),
    readingId: integer('reading_id').references(() => readings.id, { onDelete: 'set null' }),
    chapterId: integer('chapter_id').references(() => chapters.id, { onDelete: 'set null' }),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: millis('created_at').notNull(),
    sequence: integer('sequence').notNull().default(0),
    cancelledAt: millis('cancelled_at'),
    cancelReason: text('cancel_reason'),
  },
  (t) => [index('meetings_club_idx').on(t.clubId)],
);

export const meetingSlots = pgTable(
  'meeting_slots',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    startsAt: millis('starts_at').notNull(),
  },
  (t) => [uniqueIndex('meeting_slots_time_idx').on(t.meetingId, t.startsAt)],
);

export const slotMarks = pgTable(
  'slot_marks',
  {
    slotId: integer('slot_id')
      .notNull()
      .references(() => meetingSlots.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    mark: text('mark', { enum: SLOT_MARKS }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.slotId, t.userId] })],
);

export const meetingRsvps = pgTable(
  'meeting_rsvps',
  {
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    answer: text('answer', { enum: RSVP_ANSWERS }).notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.userId] })],
);

export const calendarFeeds = pgTable('calendar_feeds', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: millis('created_at').notNull(),
});

export const discussionQuestions = pgTable(
  'discussion_questions',
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
    body: text('body').notNull(),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [index('discussion_questions_chapter_idx').on(t.readingId, t.chapterId)],
);

export const questionAnswers = pgTable(
  'question_answers',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    questionId: integer('question_id')
      .notNull()
      .references(() => discussionQuestions.id, { onDelete: 'cascade' }),
    parentId: integer('parent_id'),
    authorId: integer('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [index('question_answers_question_idx').on(t.questionId)],
);

export const shelfMarks = pgTable(
  'shelf_marks',
  {
    readingId: integer('reading_id')
      .notNull()
      .references(() => readings.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    mark: text('mark', { enum: SHELF_MARKS }).notNull(),
    rating: integer('rating'),
    line: text('line').notNull().default(''),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.readingId, t.userId] })],
);

