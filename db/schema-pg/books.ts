/** PostgreSQL mirror of db/schema/books.ts (what each column means is written there). */
import { index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { bytea, millis } from './columns';
import { users } from './auth';

export const books = pgTable(
  'books',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    title: text('title').notNull(),
    author: text('author'),
    identityKey: text('identity_key').notNull(),
    language: text('language').notNull(),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [uniqueIndex('books_identity_idx').on(t.identityKey)],
);

export const editions = pgTable(
  'editions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    bookId: integer('book_id')
      .notNull()
      .references(() => books.id, { onDelete: 'cascade' }),
    contentHash: text('content_hash').notNull().unique(),
    title: text('title').notNull(),
    author: text('author'),
    language: text('language').notNull(),
    direction: text('direction', { enum: ['ltr', 'rtl'] }).notNull().default('ltr'),
    writingMode: text('writing_mode', { enum: ['horizontal-tb', 'vertical-rl'] }).notNull().default('horizontal-tb'),
    format: text('format', { enum: ['txt', 'md', 'epub'] }).notNull(),
    encoding: text('encoding').notNull(),
    sourceName: text('source_name').notNull(),
    paragraphCount: integer('paragraph_count').notNull(),
    chapterCount: integer('chapter_count').notNull(),
    warnings: jsonb('warnings').$type<{ code: string; params: Record<string, string | number> }[]>().notNull(),
    importedAt: millis('imported_at').notNull(),
    importedBy: integer('imported_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [index('editions_book_idx').on(t.bookId)],
);

export const chapters = pgTable(
  'chapters',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    editionId: integer('edition_id')
      .notNull()
      .references(() => editions.id, { onDelete: 'cascade' }),
    ordinal: integer('ordinal').notNull(),
    title: text('title').notNull(),
    kind: text('kind', { enum: ['front', 'body', 'back'] }).notNull(),
    depth: integer('depth').notNull(),
    firstPosition: integer('first_position').notNull(),
    lastPosition: integer('last_position').notNull(),
    paragraphCount: integer('paragraph_count').notNull(),
  },
  (t) => [uniqueIndex('chapters_edition_ordinal_idx').on(t.editionId, t.ordinal)],
);

export const paragraphs = pgTable(
  'paragraphs',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    editionId: integer('edition_id')
      .notNull()
      .references(() => editions.id, { onDelete: 'cascade' }),
    chapterId: integer('chapter_id')
      .notNull()
      .references(() => chapters.id, { onDelete: 'cascade' }),
    ordinal: integer('ordinal').notNull(),
    position: integer('position').notNull(),
    kind: text('kind', { enum: ['text', 'heading'] }).notNull(),
    depth: integer('depth').notNull().default(0),
    text: text('text').notNull(),
    ruby: jsonb('ruby').$type<{ start: number; end: number; text: string }[]>(),
  },
  (t) => [
    uniqueIndex('paragraphs_chapter_ordinal_idx').on(t.chapterId, t.ordinal),
    uniqueIndex('paragraphs_edition_position_idx').on(t.editionId, t.position),
  ],
);

export const pendingImports = pgTable('pending_imports', {
  id: text('id').primaryKey(),
  userId: integer('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  clubId: integer('club_id'),
  filename: text('filename').notNull(),
  bytes: bytea('bytes').notNull(),
  overrides: jsonb('overrides').$type<{ title?: string; author?: string; language?: string; encoding?: string }>().notNull(),
  createdAt: millis('created_at').notNull(),
});

