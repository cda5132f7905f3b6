/** Reading books: the library, an edition's chapters, a chapter's paragraphs, the reader's bookmark. */
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { first, prepared, type Db } from '../../db/connection';
import { bookmarks, books, chapters, editions, paragraphs, type Chapter, type Edition, type Paragraph } from '../../db/schema';

/**
 * How many paragraphs of text an edition has, as people count them. Headings have positions
 * (progress and anchors count them, so `editions.paragraph_count` does) but are not
 * paragraphs; the upload preview counts the same thing in the parsed book (`dryRunSummary`),
 * so a book shows one number everywhere.
 */
// Written with explicit table names: Drizzle drops the qualifier in single-table selects, which
// would make `id` mean the paragraph's own id inside the subquery.
const textParagraphs = sql<number>`(select count(*) from "paragraphs" as "p" where "p"."edition_id" = "editions"."id" and "p"."kind" = 'text')`.mapWith(Number);

/** Every edition in the library; `paragraphCount` is paragraphs of text (see `textParagraphs`). */
export function listLibrary(db: Db) {
  return db
    .select({
      bookId: books.id,
      editionId: editions.id,
      title: editions.title,
      author: editions.author,
      language: editions.language,
      format: editions.format,
      chapterCount: editions.chapterCount,
      paragraphCount: textParagraphs,
      importedAt: editions.importedAt,
    })
    .from(editions)
    .innerJoin(books, eq(books.id, editions.bookId))
    .orderBy(asc(books.title), desc(editions.importedAt));
}

/** Ids from URLs may be NaN (`idParam`): no row has one, and PostgreSQL refuses to compare one. */
const isId = (value: number) => Number.isSafeInteger(value);

export async function getEdition(db: Db, editionId: number): Promise<Edition | undefined> {
  if (!isId(editionId)) return undefined;
  return first(await db.select().from(editions).where(eq(editions.id, editionId)).limit(1));
}

/** Paragraphs of text in an edition, the number people see (see `textParagraphs`). */
export async function textParagraphCount(db: Db, editionId: number): Promise<number> {
  return first(await db.select({ count: textParagraphs }).from(editions).where(eq(editions.id, editionId)).limit(1))?.count ?? 0;
}

export function listChapters(db: Db, editionId: number): Promise<Chapter[]> {
  return db.select().from(chapters).where(eq(chapters.editionId, editionId)).orderBy(asc(chapters.ordinal));
}

export async function getChapterByOrdinal(db: Db, editionId: number, ordinal: number): Promise<Chapter | undefined> {
  if (!isId(ordinal)) return undefined;
  return first(
    await db
      .select()
      .from(chapters)
      .where(and(eq(chapters.editionId, editionId), eq(chapters.ordinal, ordinal)))
      .limit(1),
  );
}

export async function getChapterById(db: Db, chapterId: number): Promise<Chapter | undefined> {
  if (!isId(chapterId)) return undefined;
  const query = prepared(db, 'chapter-by-id', (db) => db.select().from(chapters).where(eq(chapters.id, sql.placeholder('id'))).prepare());
  return first(await query.execute({ id: chapterId }));
}

export function listParagraphs(db: Db, chapterId: number): Promise<Paragraph[]> {
  return db.select().from(paragraphs).where(eq(paragraphs.chapterId, chapterId)).orderBy(asc(paragraphs.ordinal));
}

export async function getParagraph(db: Db, paragraphId: number): Promise<Paragraph | undefined> {
  if (!isId(paragraphId)) return undefined;
  const query = prepared(db, 'paragraph-by-id', (db) => db.select().from(paragraphs).where(eq(paragraphs.id, sql.placeholder('id'))).prepare());
  return first(await query.execute({ id: paragraphId }));
}

/** All headings of an edition in reading order: the table of contents tree. */
export function listHeadings(db: Db, editionId: number) {
  return db
    .select({ chapterOrdinal: chapters.ordinal, ordinal: paragraphs.ordinal, depth: paragraphs.depth, text: paragraphs.text, position: paragraphs.position })
    .from(paragraphs)
    .innerJoin(chapters, eq(chapters.id, paragraphs.chapterId))
    .where(and(eq(paragraphs.editionId, editionId), eq(paragraphs.kind, 'heading')))
    .orderBy(asc(paragraphs.position));
}

/** Editions of one book, newest first. */
export function listEditionsOfBook(db: Db, bookId: number) {
  return db
    .select({ id: editions.id, title: editions.title, language: editions.language, format: editions.format, importedAt: editions.importedAt, sourceName: editions.sourceName })
    .from(editions)
    .where(eq(editions.bookId, bookId))
    .orderBy(desc(editions.importedAt), desc(editions.id));
}

/** Chapter outline of an edition without its text: what navigation needs. */
export function listChapterHeads(db: Db, editionId: number) {
  return db
    .select({ id: chapters.id, ordinal: chapters.ordinal, title: chapters.title, kind: chapters.kind, paragraphCount: chapters.paragraphCount })
    .from(chapters)
    .where(eq(chapters.editionId, editionId))
    .orderBy(asc(chapters.ordinal));
}

export interface Bookmark {
  chapterOrdinal: number;
  paragraphOrdinal: number;
  updatedAt: number;
}

export async function getBookmark(db: Db, userId: number, editionId: number): Promise<Bookmark | undefined> {
  return first(
    await db
      .select({ chapterOrdinal: bookmarks.chapterOrdinal, paragraphOrdinal: bookmarks.paragraphOrdinal, updatedAt: bookmarks.updatedAt })
      .from(bookmarks)
      .where(and(eq(bookmarks.userId, userId), eq(bookmarks.editionId, editionId)))
      .limit(1),
  );
}

export async function saveBookmark(db: Db, input: { userId: number; editionId: number; chapterOrdinal: number; paragraphOrdinal: number; now: number }): Promise<void> {
  const place = { chapterOrdinal: input.chapterOrdinal, paragraphOrdinal: input.paragraphOrdinal, updatedAt: input.now };
  await db
    .insert(bookmarks)
    .values({ userId: input.userId, editionId: input.editionId, ...place })
    .onConflictDoUpdate({ target: [bookmarks.userId, bookmarks.editionId], set: place });
}
