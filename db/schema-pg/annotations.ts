import { sql } from 'drizzle-orm';
/** PostgreSQL mirror of db/schema/annotations.ts (what each column means is written there). */
import { boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { millis } from './columns';
import { REACTIONS, REANCHOR_METHODS, type PreviousAnchor } from '../schema/annotations';
import { users } from './auth';
import { chapters, paragraphs } from './books';
import { clubs, readings } from './clubs';

export const comments = pgTable(
  'comments',
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
    paragraphId: integer('paragraph_id').references(() => paragraphs.id, { onDelete: 'cascade' }),
    parentId: integer('parent_id'),
    rootId: integer('root_id'),
    anchorPosition: integer('anchor_position').notNull(),
    passageStart: integer('passage_start'),
    passageEnd: integer('passage_end'),
    passageExact: text('passage_exact'),
    passagePrefix: text('passage_prefix'),
    passageSuffix: text('passage_suffix'),
    quotedText: text('quoted_text'),
    authorId: integer('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    visibility: text('visibility', { enum: ['club', 'private'] }).notNull().default('club'),
    createdAt: millis('created_at').notNull(),
    editedAt: millis('edited_at'),
    deletedAt: millis('deleted_at'),
    moderation: text('moderation', { enum: ['hidden', 'removed'] }),
    moderationReason: text('moderation_reason'),
    moderatedBy: integer('moderated_by').references(() => users.id, { onDelete: 'set null' }),
    reanchorScore: doublePrecision('reanchor_score'),
    reanchorMethod: text('reanchor_method', { enum: REANCHOR_METHODS }),
    previousAnchor: jsonb('previous_anchor').$type<PreviousAnchor>(),
    orphaned: boolean('orphaned').notNull().default(false),
  },
  (t) => [
    index('comments_reading_chapter_idx').on(t.readingId, t.chapterId),
    index('comments_root_idx').on(t.rootId),
    index('comments_club_created_idx').on(t.clubId, t.createdAt),
    index('comments_author_created_idx').on(t.authorId, t.createdAt),
    index('comments_reading_created_idx').on(t.readingId, t.createdAt, t.id),
    index('comments_waiting_idx')
      .on(t.readingId)
      .where(sql`${t.parentId} is null and ${t.deletedAt} is null and (${t.orphaned} = true or ${t.reanchorMethod} = 'fuzzy')`),
  ],
);

export const commentRevisions = pgTable(
  'comment_revisions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    commentId: integer('comment_id')
      .notNull()
      .references(() => comments.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [index('comment_revisions_comment_idx').on(t.commentId)],
);

export const reactions = pgTable(
  'reactions',
  {
    commentId: integer('comment_id')
      .notNull()
      .references(() => comments.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    reaction: text('reaction', { enum: REACTIONS }).notNull(),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.commentId, t.userId, t.reaction] })],
);

