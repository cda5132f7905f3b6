import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './auth';
import { chapters, paragraphs } from './books';
import { clubs, readings } from './clubs';

export const REANCHOR_METHODS = ['exact', 'fuzzy', 'chapter', 'orphaned', 'confirmed', 'manual', 'left_on_chapter'] as const;
export type ReanchorMethod = (typeof REANCHOR_METHODS)[number];

export interface PreviousAnchor {
  editionId: number;
  chapterId: number;
  paragraphId: number | null;
  anchorPosition: number;
  selector: { exact: string; prefix: string; suffix: string; start: number; end: number } | null;
}

/**
 * A comment in a club's reading. Roots anchor to a paragraph (optionally a passage inside it)
 * or, with no paragraph, to the chapter's discussion thread. Replies copy their root's anchor,
 * so one spoiler gate decides a whole thread.
 */
export const comments = sqliteTable(
  'comments',
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
    paragraphId: integer('paragraph_id').references(() => paragraphs.id, { onDelete: 'cascade' }),
    /** Null for a root comment. */
    parentId: integer('parent_id'),
    /** The thread's root (itself for a root). */
    rootId: integer('root_id'),
    /** Global position the spoiler gate compares with reading progress. */
    anchorPosition: integer('anchor_position').notNull(),
    /** W3C Web Annotation selectors for a passage; all null for a whole paragraph. */
    passageStart: integer('passage_start'),
    passageEnd: integer('passage_end'),
    passageExact: text('passage_exact'),
    passagePrefix: text('passage_prefix'),
    passageSuffix: text('passage_suffix'),
    /** Text of the comment a reply quotes, copied when the reply is written. */
    quotedText: text('quoted_text'),
    authorId: integer('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    visibility: text('visibility', { enum: ['club', 'private'] }).notNull().default('club'),
    createdAt: integer('created_at').notNull(),
    editedAt: integer('edited_at'),
    deletedAt: integer('deleted_at'),
    /** A moderator's action: hidden (body kept, not shown) or removed (body erased). */
    moderation: text('moderation', { enum: ['hidden', 'removed'] }),
    moderationReason: text('moderation_reason'),
    moderatedBy: integer('moderated_by').references(() => users.id, { onDelete: 'set null' }),
    /** Set when the reading moved to another edition: how the anchor was found again (0–1). */
    reanchorScore: real('reanchor_score'),
    reanchorMethod: text('reanchor_method', { enum: REANCHOR_METHODS }),
    /** The anchor before the last move (old edition's ids and selector), kept for moderators. */
    previousAnchor: text('previous_anchor', { mode: 'json' }).$type<PreviousAnchor>(),
    /** Below the re-anchoring threshold: not moved, waiting in the moderators' orphan queue. */
    orphaned: integer('orphaned', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    index('comments_reading_chapter_idx').on(t.readingId, t.chapterId),
    index('comments_root_idx').on(t.rootId),
    index('comments_club_created_idx').on(t.clubId, t.createdAt),
    // A member's recent comments (young-account limit and slow mode, on every post): without it
    // each post scanned every comment of the site.
    index('comments_author_created_idx').on(t.authorId, t.createdAt),
    // A reading's newest comments (the club home's recent discussion): walked newest first and
    // stopped at the limit, instead of sorting every comment of the reading on every visit.
    index('comments_reading_created_idx').on(t.readingId, t.createdAt, t.id),
    // Root comments waiting in the re-anchoring queue (counted on every club home visit): only
    // those are in it, so the count does not grow with the reading's comments.
    index('comments_waiting_idx')
      .on(t.readingId)
      .where(sql`${t.parentId} is null and ${t.deletedAt} is null and (${t.orphaned} = 1 or ${t.reanchorMethod} = 'fuzzy')`),
  ],
);

/** Earlier bodies of an edited comment. */
export const commentRevisions = sqliteTable(
  'comment_revisions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    commentId: integer('comment_id')
      .notNull()
      .references(() => comments.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('comment_revisions_comment_idx').on(t.commentId)],
);

export const REACTIONS = ['like', 'insightful', 'funny', 'moved', 'question'] as const;
export type Reaction = (typeof REACTIONS)[number];

export const reactions = sqliteTable(
  'reactions',
  {
    commentId: integer('comment_id')
      .notNull()
      .references(() => comments.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    reaction: text('reaction', { enum: REACTIONS }).notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.commentId, t.userId, t.reaction] })],
);

export type Comment = typeof comments.$inferSelect;
