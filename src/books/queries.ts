/** Reading books: the library, an edition's chapters, a chapter's paragraphs. */
import { and, asc, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/connection';
import { books, chapters, editions, paragraphs, type Chapter, type Edition, type Paragraph } from '../../db/schema';

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
      paragraphCount: editions.paragraphCount,
      importedAt: editions.importedAt,
    })
    .from(editions)
    .innerJoin(books, eq(books.id, editions.bookId))
    .orderBy(asc(books.title), desc(editions.importedAt))
    .all();
}

export function getEdition(db: Db, editionId: number): Edition | undefined {
  return db.select().from(editions).where(eq(editions.id, editionId)).get();
}

export function listChapters(db: Db, editionId: number): Chapter[] {
  return db.select().from(chapters).where(eq(chapters.editionId, editionId)).orderBy(asc(chapters.ordinal)).all();
}

export function getChapterByOrdinal(db: Db, editionId: number, ordinal: number): Chapter | undefined {
  return db
    .select()
    .from(chapters)
    .where(and(eq(chapters.editionId, editionId), eq(chapters.ordinal, ordinal)))
    .get();
}

export function getChapterById(db: Db, chapterId: number): Chapter | undefined {
  return db.select().from(chapters).where(eq(chapters.id, chapterId)).get();
}

export function listParagraphs(db: Db, chapterId: number): Paragraph[] {
  return db.select().from(paragraphs).where(eq(paragraphs.chapterId, chapterId)).orderBy(asc(paragraphs.ordinal)).all();
}

export function getParagraph(db: Db, paragraphId: number): Paragraph | undefined {
  return db.select().from(paragraphs).where(eq(paragraphs.id, paragraphId)).get();
}

/** All headings of an edition in reading order: the table of contents tree. */
export function listHeadings(db: Db, editionId: number) {
  return db
    .select({ chapterOrdinal: chapters.ordinal, ordinal: paragraphs.ordinal, depth: paragraphs.depth, text: paragraphs.text, position: paragraphs.position })
    .from(paragraphs)
    .innerJoin(chapters, eq(chapters.id, paragraphs.chapterId))
    .where(and(eq(paragraphs.editionId, editionId), eq(paragraphs.kind, 'heading')))
    .orderBy(asc(paragraphs.position))
    .all();
}
