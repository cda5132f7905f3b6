/** PostgreSQL mirror of db/schema/polls.ts (what each column means is written there). */
import { index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { millis } from './columns';
import { users } from './auth';
import { chapters } from './books';
import { clubs, readings } from './clubs';

export const polls = pgTable(
  'polls',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
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
    opensAt: millis('opens_at'),
    closesAt: millis('closes_at'),
    closedAt: millis('closed_at'),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [index('polls_club_idx').on(t.clubId), index('polls_chapter_idx').on(t.chapterId)],
);

export const pollOptions = pgTable(
  'poll_options',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    ordinal: integer('ordinal').notNull(),
    label: text('label').notNull(),
  },
  (t) => [uniqueIndex('poll_options_poll_ordinal_idx').on(t.pollId, t.ordinal)],
);

export const pollVotes = pgTable(
  'poll_votes',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [uniqueIndex('poll_votes_one_per_member_idx').on(t.pollId, t.userId)],
);

export const pollVoteChoices = pgTable(
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

