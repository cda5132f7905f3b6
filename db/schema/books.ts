import { blob, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './auth';

/** A work, independent of any particular file. Editions hang off it. */
export const books = sqliteTable(
  'books',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    title: text('title').notNull(),
    author: text('author'),
    /** Lower-cased title + author: how a changed file of the same book is recognised. */
    identityKey: text('identity_key').notNull(),
    language: text('language').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('books_identity_idx').on(t.identityKey)],
);

/** One imported file of a book. The text of an edition never changes once imported. */
export const editions = sqliteTable(
  'editions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    bookId: integer('book_id')
      .notNull()
      .references(() => books.id, { onDelete: 'cascade' }),
    /** SHA-256 of the uploaded bytes: importing the same file twice is recognised. */
    contentHash: text('content_hash').notNull().unique(),
    title: text('title').notNull(),
    author: text('author'),
    language: text('language').notNull(),
    /** Which way the book's lines run; set on the book text only, never on the page around it. */
    direction: text('direction', { enum: ['ltr', 'rtl'] }).notNull().default('ltr'),
    /** `vertical-rl` when the book is set vertically (Japanese, Chinese): the reader may choose it. */
    writingMode: text('writing_mode', { enum: ['horizontal-tb', 'vertical-rl'] }).notNull().default('horizontal-tb'),
    format: text('format', { enum: ['txt', 'md', 'epub'] }).notNull(),
    encoding: text('encoding').notNull(),
    sourceName: text('source_name').notNull(),
    paragraphCount: integer('paragraph_count').notNull(),
    chapterCount: integer('chapter_count').notNull(),
    /** JSON array of { code, params } import warnings. */
    warnings: text('warnings', { mode: 'json' }).$type<{ code: string; params: Record<string, string | number> }[]>().notNull(),
    importedAt: integer('imported_at').notNull(),
    importedBy: integer('imported_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [index('editions_book_idx').on(t.bookId)],
);

/** A reading unit: one page of the reader. Deeper headings live inside it as heading paragraphs. */
export const chapters = sqliteTable(
  'chapters',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    editionId: integer('edition_id')
      .notNull()
      .references(() => editions.id, { onDelete: 'cascade' }),
    /** 1-based, reading order. Appears in URLs: /books/:edition/chapters/:ordinal. */
    ordinal: integer('ordinal').notNull(),
    title: text('title').notNull(),
    kind: text('kind', { enum: ['front', 'body', 'back'] }).notNull(),
    depth: integer('depth').notNull(),
    /** Global positions (see paragraphs.position) of the first and last paragraph. */
    firstPosition: integer('first_position').notNull(),
    lastPosition: integer('last_position').notNull(),
    paragraphCount: integer('paragraph_count').notNull(),
  },
  (t) => [uniqueIndex('chapters_edition_ordinal_idx').on(t.editionId, t.ordinal)],
);

/**
 * Every block of text: stable id, ordinal within its chapter (the `#p-12` anchor) and a global
 * position in the edition, which is what reading progress and spoiler gating compare.
 */
export const paragraphs = sqliteTable(
  'paragraphs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    editionId: integer('edition_id')
      .notNull()
      .references(() => editions.id, { onDelete: 'cascade' }),
    chapterId: integer('chapter_id')
      .notNull()
      .references(() => chapters.id, { onDelete: 'cascade' }),
    ordinal: integer('ordinal').notNull(),
    position: integer('position').notNull(),
    kind: text('kind', { enum: ['text', 'heading'] }).notNull(),
    /** Outline depth for headings (1 = top level), 0 for text. */
    depth: integer('depth').notNull().default(0),
    text: text('text').notNull(),
    /** Ruby annotations over the text, as JSON `[{ start, end, text }]` (UTF-16 offsets); null when none. */
    ruby: text('ruby', { mode: 'json' }).$type<{ start: number; end: number; text: string }[]>(),
  },
  (t) => [
    uniqueIndex('paragraphs_chapter_ordinal_idx').on(t.chapterId, t.ordinal),
    uniqueIndex('paragraphs_edition_position_idx').on(t.editionId, t.position),
  ],
);

/** An uploaded file waiting for its uploader to confirm or cancel the preview. */
export const pendingImports = sqliteTable('pending_imports', {
  id: text('id').primaryKey(),
  userId: integer('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** Club whose reading this upload is for, when a moderator uploads from a club. */
  clubId: integer('club_id'),
  filename: text('filename').notNull(),
  bytes: blob('bytes', { mode: 'buffer' }).notNull(),
  overrides: text('overrides', { mode: 'json' }).$type<{ title?: string; author?: string; language?: string; encoding?: string }>().notNull(),
  createdAt: integer('created_at').notNull(),
});

export type Book = typeof books.$inferSelect;
export type Edition = typeof editions.$inferSelect;
export type Chapter = typeof chapters.$inferSelect;
export type Paragraph = typeof paragraphs.$inferSelect;
