/**
 * Storing an imported book: one transaction per import, so a failure leaves no half book.
 *
 * - The same bytes again (same SHA-256) are recognised and change nothing.
 * - A different file of a book we already have (same title and author) becomes a new
 *   edition beside the old one; clubs keep the edition they read.
 */
import { eq } from 'drizzle-orm';
import type { Db, Sqlite } from '../../db/connection';
import { books, editions } from '../../db/schema';
import { contentHash, parseBook } from './import';
import type { ImportLimits, ParsedBook } from './import/types';
import { paginate } from './pages';

export interface ImportOverrides {
  title?: string;
  author?: string;
  language?: string;
  /** Text files: the encoding the uploader chose in the preview. */
  encoding?: string;
}

export type StoredImport =
  | { status: 'imported'; bookId: number; editionId: number; book: ParsedBook; chapters: number; paragraphs: number }
  | { status: 'duplicate'; bookId: number; editionId: number };

export function bookIdentityKey(title: string, author: string | null): string {
  const norm = (s: string) => s.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
  return `${norm(title)}\u0000${norm(author ?? '')}`;
}

export function findEditionByHash(db: Db, hash: string) {
  return db.select({ id: editions.id, bookId: editions.bookId, title: editions.title }).from(editions).where(eq(editions.contentHash, hash)).get();
}

/** The book a parsed file would become an edition of, if the library already has it. */
export function findBookByIdentity(db: Db, title: string, author: string | null) {
  return db.select({ id: books.id, title: books.title }).from(books).where(eq(books.identityKey, bookIdentityKey(title, author))).get();
}

/** Called while rows are written: `done` of `total` reader chapters stored. */
export type ImportProgress = (done: number, total: number) => void;

/**
 * Parses (may throw ImportError) and stores the book. Called inside another transaction (the
 * upload confirm deletes its pending row in the same one), the inner transaction becomes a
 * savepoint, so the whole still commits or rolls back as one.
 */
export function importBook(
  deps: { db: Db; sqlite: Sqlite },
  input: {
    bytes: Uint8Array;
    filename: string;
    overrides?: ImportOverrides;
    userId?: number | null;
    now: number;
    limits?: ImportLimits;
    onProgress?: ImportProgress;
  },
): StoredImport {
  const hash = contentHash(input.bytes);
  const existing = findEditionByHash(deps.db, hash);
  if (existing) return { status: 'duplicate', bookId: existing.bookId, editionId: existing.id };
  const book = parseBook({ bytes: input.bytes, filename: input.filename, ...input.overrides }, input.limits);
  return storeParsedBook(deps, book, { hash, filename: input.filename, userId: input.userId ?? null, now: input.now, onProgress: input.onProgress });
}

export function storeParsedBook(
  { db, sqlite }: { db: Db; sqlite: Sqlite },
  book: ParsedBook,
  meta: { hash: string; filename: string; userId: number | null; now: number; onProgress?: ImportProgress },
): StoredImport {
  const { pages, warnings: pageWarnings } = paginate(book.sections);
  const warnings = [...book.warnings, ...pageWarnings];
  const paragraphTotal = pages.reduce((sum, page) => sum + page.paragraphs.length, 0);

  return sqlite
    .transaction(() => {
      const again = findEditionByHash(db, meta.hash);
      if (again) return { status: 'duplicate' as const, bookId: again.bookId, editionId: again.id };

      const identityKey = bookIdentityKey(book.title, book.author);
      const bookRow =
        db.select({ id: books.id }).from(books).where(eq(books.identityKey, identityKey)).get() ??
        db
          .insert(books)
          .values({ title: book.title, author: book.author, identityKey, language: book.language, createdAt: meta.now })
          .returning({ id: books.id })
          .get();

      const edition = db
        .insert(editions)
        .values({
          bookId: bookRow.id,
          contentHash: meta.hash,
          title: book.title,
          author: book.author,
          language: book.language,
          direction: book.direction,
          writingMode: book.writingMode,
          format: book.format,
          encoding: book.encoding,
          sourceName: meta.filename,
          paragraphCount: paragraphTotal,
          chapterCount: pages.length,
          warnings,
          importedAt: meta.now,
          importedBy: meta.userId,
        })
        .returning({ id: editions.id })
        .get();

      // Thousands of rows: one prepared statement each, inside the transaction, is the fast path.
      const insertChapter = sqlite.prepare(
        'insert into chapters (edition_id, ordinal, title, kind, depth, first_position, last_position, paragraph_count) values (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      const insertParagraph = sqlite.prepare(
        'insert into paragraphs (edition_id, chapter_id, ordinal, position, kind, depth, text, ruby) values (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      let position = 0;
      pages.forEach((page, index) => {
        const first = position + 1;
        const last = position + page.paragraphs.length;
        const chapterId = Number(
          insertChapter.run(edition.id, index + 1, page.title, page.kind, page.depth, first, last, page.paragraphs.length).lastInsertRowid,
        );
        page.paragraphs.forEach((paragraph, ordinal) => {
          position += 1;
          const ruby = paragraph.ruby && paragraph.ruby.length > 0 ? JSON.stringify(paragraph.ruby) : null;
          insertParagraph.run(edition.id, chapterId, ordinal + 1, position, paragraph.kind, paragraph.depth, paragraph.text, ruby);
        });
        meta.onProgress?.(index + 1, pages.length);
      });

      return { status: 'imported' as const, bookId: bookRow.id, editionId: edition.id, book, chapters: pages.length, paragraphs: paragraphTotal };
    })
    .immediate();
}
