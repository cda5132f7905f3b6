import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './auth';
import { chapters } from './books';
import { clubs, readings } from './clubs';

/** A moderator's poll on a chapter of the club's reading, or on the club itself. */
export const polls = sqliteTable(
  'polls',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clubId: integer('club_id')
      .notNull()
      .references(() => clubs.id, { onDelete: 'cascade' }),
    readingId: integer('reading_id').references(() => readings.id, { onDelete: 'cascade' }),
    chapterId: integer('chapter_id').references(() => chapters.id, { onDelete: 'cascade' }),
    question: text('question').notNull(),
    kind: text('kind', { enum: ['single', 'multiple', 'ranked'] }).notNull(),
    minChoices: integer('min_choices').notNull().default(1),
    maxChoices: integer('max_choices').notNull().default(1),
    voters: text('voters', { enum: ['anonymous', 'public'] }).notNull(),
    resultsVisibility: text('results_visibility', {
      enum: ['always', 'after_vote', 'after_close', 'after_chapter'],
    }).notNull(),
    opensAt: integer('opens_at'),
    closesAt: integer('closes_at'),
    /** Set when closed by hand; cleared on reopen. */
    closedAt: integer('closed_at'),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('polls_club_idx').on(t.clubId), index('polls_chapter_idx').on(t.chapterId)],
);

export const pollOptions = sqliteTable(
  'poll_options',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    ordinal: integer('ordinal').notNull(),
    label: text('label').notNull(),
  },
  (t) => [uniqueIndex('poll_options_poll_ordinal_idx').on(t.pollId, t.ordinal)],
);

/** One ballot per member per poll, enforced by the unique index. */
export const pollVotes = sqliteTable(
  'poll_votes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('poll_votes_one_per_member_idx').on(t.pollId, t.userId)],
);

/** The options on a ballot; `rank` orders them for ranked polls (1 = first preference). */
export const pollVoteChoices = sqliteTable(
  'poll_vote_choices',
  {
    voteId: integer('vote_id')
      .notNull()
      .references(() => pollVotes.id, { onDelete: 'cascade' }),
    optionId: integer('option_id')
      .notNull()
      .references(() => pollOptions.id, { onDelete: 'cascade' }),
    rank: integer('rank').notNull(),
  },
  (t) => [primaryKey({ columns: [t.voteId, t.optionId] })],
);

export type Poll = typeof polls.$inferSelect;
