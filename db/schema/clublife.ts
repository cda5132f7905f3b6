/**
 * Club life (src/clublife): choosing the next book, meetings and their calendar, discussion
 * questions at the end of a chapter, and the shelf of finished readings.
 */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './auth';
import { books, chapters, editions } from './books';
import { clubs, readings } from './clubs';

export const PICK_METHODS = ['ranked', 'approval'] as const;
export type PickMethod = (typeof PICK_METHODS)[number];

/**
 * One round of choosing the next book: nominations while `votingStartedAt` is null, then a
 * vote until `votingEndsAt` (or `closedAt`, set by hand); `adoptedReadingId` once the winner
 * became the club's reading.
 */
export const bookPicks = sqliteTable(
  'book_picks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clubId: integer('club_id')
      .notNull()
      .references(() => clubs.id, { onDelete: 'cascade' }),
    method: text('method', { enum: PICK_METHODS }).notNull().default('ranked'),
    votingStartedAt: integer('voting_started_at'),
    votingEndsAt: integer('voting_ends_at'),
    closedAt: integer('closed_at'),
    adoptedReadingId: integer('adopted_reading_id').references(() => readings.id, { onDelete: 'set null' }),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('book_picks_club_idx').on(t.clubId)],
);

/** A book put forward: from the library (`editionId`) or by title and author. Duplicates share one row (`dedupeKey`). */
export const nominations = sqliteTable(
  'nominations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
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
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('nominations_pick_key_idx').on(t.pickId, t.dedupeKey)],
);

/** Who put a nomination forward, and their line on why (several when duplicates were merged). */
export const nominationBackers = sqliteTable(
  'nomination_backers',
  {
    nominationId: integer('nomination_id')
      .notNull()
      .references(() => nominations.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    reason: text('reason').notNull().default(''),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.nominationId, t.userId] })],
);

/** A member's ballot: one row per nomination chosen; `rank` 1… for ranked votes, 1 for approval. */
export const pickVotes = sqliteTable(
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

/** A meeting: fixed (`startsAt`) or still choosing among candidate times (`startsAt` null). */
export const meetings = sqliteTable(
  'meetings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clubId: integer('club_id')
      .notNull()
      .references(() => clubs.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    place: text('place').notNull().default(''),
    callLink: text('call_link'),
    startsAt: integer('starts_at'),
    durationMinutes: integer('duration_minutes').notNull().default(90),
    /** The chapter the meeting talks about (its agenda), in `readingId`. */
    readingId: integer('reading_id').references(() => readings.id, { onDelete: 'set null' }),
    chapterId: integer('chapter_id').references(() => chapters.id, { onDelete: 'set null' }),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
    /** Bumped on every change: the ICS SEQUENCE. */
    sequence: integer('sequence').notNull().default(0),
    /** Set when a moderator cancels it (it stays visible, marked cancelled); null again when restored. */
    cancelledAt: integer('cancelled_at'),
    /** The moderator's reason (≤ 500 characters, may be empty); null when not cancelled. */
    cancelReason: text('cancel_reason'),
  },
  (t) => [index('meetings_club_idx').on(t.clubId)],
);

export const meetingSlots = sqliteTable(
  'meeting_slots',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    startsAt: integer('starts_at').notNull(),
  },
  (t) => [uniqueIndex('meeting_slots_time_idx').on(t.meetingId, t.startsAt)],
);

export const SLOT_MARKS = ['yes', 'maybe', 'no'] as const;
export type SlotMark = (typeof SLOT_MARKS)[number];

export const slotMarks = sqliteTable(
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

export const RSVP_ANSWERS = ['going', 'maybe', 'not_going'] as const;
export type RsvpAnswer = (typeof RSVP_ANSWERS)[number];

export const meetingRsvps = sqliteTable(
  'meeting_rsvps',
  {
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    answer: text('answer', { enum: RSVP_ANSWERS }).notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.userId] })],
);

/** A member's private calendar feed. Only SHA-256 of the token is stored; deleting the row revokes it. */
export const calendarFeeds = sqliteTable('calendar_feeds', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: integer('created_at').notNull(),
});

/** A moderator's question for the end of a chapter. */
export const discussionQuestions = sqliteTable(
  'discussion_questions',
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
    body: text('body').notNull(),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('discussion_questions_chapter_idx').on(t.readingId, t.chapterId)],
);

/** An answer (`parentId` null) or a reply to one answer (one level). Anchored at the chapter's end. */
export const questionAnswers = sqliteTable(
  'question_answers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    questionId: integer('question_id')
      .notNull()
      .references(() => discussionQuestions.id, { onDelete: 'cascade' }),
    parentId: integer('parent_id'),
    authorId: integer('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('question_answers_question_idx').on(t.questionId)],
);

export const SHELF_MARKS = ['all', 'partly', 'not'] as const;
export type ShelfMark = (typeof SHELF_MARKS)[number];

/** A member's own mark on a finished reading, with an optional 1–5 rating and a line. */
export const shelfMarks = sqliteTable(
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
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.readingId, t.userId] })],
);

export type BookPick = typeof bookPicks.$inferSelect;
export type Nomination = typeof nominations.$inferSelect;
export type Meeting = typeof meetings.$inferSelect;
export type DiscussionQuestion = typeof discussionQuestions.$inferSelect;
