/**
 * Storing an imported book: one transaction per import, so a failure leaves no half book.
 *
 * - The same bytes again (same SHA-256) are recognised and change nothing.
 * - A different file of a book we already have (same title and author) becomes a new
 *   edition beside the old one; clubs keep the edition they read.
 */
import { eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { engineOf, first, rows, transaction, type Db } from '../../db/connection';
import { books, chapters, editions, paragraphs } from '../../db/schema';
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

/**
 * Title and author, folded, joined by U+001F (the unit separator). PostgreSQL text cannot hold
 * U+0000, which joined them before; db/connection.ts rewrites such keys of older SQLite
 * libraries when it opens them (`rewriteNulKeys`).
 */
export function bookIdentityKey(title: string, author: string | null): string {
  const norm = (s: string) => s.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
  return `${norm(title)}\u001f${norm(author ?? '')}`;
}

export async function findEditionByHash(db: Db, hash: string) {
  return first(await db.select({ id: editions.id, bookId: editions.bookId, title: editions.title }).from(editions).where(eq(editions.contentHash, hash)).limit(1));
}

/** The book a parsed file would become an edition of, if the library already has it. */
export async function findBookByIdentity(db: Db, title: string, author: string | null) {
  return first(await db.select({ id: books.id, title: books.title }).from(books).where(eq(books.identityKey, bookIdentityKey(title, author))).limit(1));
}

/** Called while rows are written: `done` of `total` reader chapters stored. */
export type ImportProgress = (done: number, total: number) => void;

/**
 * Parses (may throw ImportError) and stores the book. Called inside another transaction (the
 * upload confirm deletes its pending row in the same one), the inner transaction becomes a
 * savepoint, so the whole still commits or rolls back as one.
 */
export async function importBook(
  deps: { db: Db },
  input: {
    bytes: Uint8Array;
    filename: string;
    overrides?: ImportOverrides;
    userId?: number | null;
    now: number;
    limits?: ImportLimits;
    onProgress?: ImportProgress;
  },
): Promise<StoredImport> {
  const hash = contentHash(input.bytes);
  const existing = await findEditionByHash(deps.db, hash);
  if (existing) return { status: 'duplicate', bookId: existing.bookId, editionId: existing.id };
  const book = parseBook({ bytes: input.bytes, filename: input.filename, ...input.overrides }, input.limits);
  return storeParsedBook(deps, book, { hash, filename: input.filename, userId: input.userId ?? null, now: input.now, onProgress: input.onProgress });
}

/** Rows per insert statement: a few statements for thousands of paragraphs, each a bounded JSON value. */
const ROWS_PER_INSERT = 1000;

/** Stores a parsed book in one transaction (`db` may be a transaction's handle: then a savepoint). */
export function storeParsedBook(
  { db }: { db: Db },
  book: ParsedBook,
  meta: { hash: string; filename: string; userId: number | null; now: number; onProgress?: ImportProgress },
): Promise<StoredImport> {
  const { pages, warnings: pageWarnings } = paginate(book.sections);
  const warnings = [...book.warnings, ...pageWarnings];
  const paragraphTotal = pages.reduce((sum, page) => sum + page.paragraphs.length, 0);

  return transaction(db, async (tx): Promise<StoredImport> => {
    const again = await findEditionByHash(tx, meta.hash);
    if (again) return { status: 'duplicate', bookId: again.bookId, editionId: again.id };

    const identityKey = bookIdentityKey(book.title, book.author);
    const bookRow =
      first(await tx.select({ id: books.id }).from(books).where(eq(books.identityKey, identityKey)).limit(1)) ??
      first(
        await tx
          .insert(books)
          .values({ title: book.title, author: book.author, identityKey, language: book.language, createdAt: meta.now })
          .returning({ id: books.id }),
      )!;

    const [edition] = await tx
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
      .returning({ id: editions.id });
    const editionId = edition!.id;

    // Chapters first (their ids, by ordinal), then the paragraphs, a thousand rows a statement.
    let position = 0;
    const chapterRows = pages.map((page, index) => {
      const firstPosition = position + 1;
      position += page.paragraphs.length;
      return [editionId, index + 1, page.title, page.kind, page.depth, firstPosition, position, page.paragraphs.length];
    });
    const chapterIds = new Map<number, number>();
    for (const chunk of chunks(chapterRows, ROWS_PER_INSERT)) {
      const inserted = await insertRows<{ id: number; ordinal: number }>(tx, chapters, CHAPTER_COLUMNS, chunk, sql`returning ${sql.identifier('id')}, ${sql.identifier('ordinal')}`);
      for (const row of inserted) chapterIds.set(Number(row.ordinal), Number(row.id));
    }

    let pending: unknown[][] = [];
    let stored = 0;
    const flush = async () => {
      if (pending.length > 0) await insertRows(tx, paragraphs, PARAGRAPH_COLUMNS, pending);
      pending = [];
      for (; stored < pages.length && (chapterRows[stored]![6] as number) <= position; stored++) meta.onProgress?.(stored + 1, pages.length);
    };
    position = 0;
    for (const [index, page] of pages.entries()) {
      const chapterId = chapterIds.get(index + 1)!;
      for (const [ordinal, paragraph] of page.paragraphs.entries()) {
        position += 1;
        const ruby = paragraph.ruby && paragraph.ruby.length > 0 ? JSON.stringify(paragraph.ruby) : null;
        pending.push([editionId, chapterId, ordinal + 1, position, paragraph.kind, paragraph.depth, paragraph.text, ruby]);
        if (pending.length === ROWS_PER_INSERT) await flush();
      }
    }
    await flush();

    return { status: 'imported', bookId: bookRow.id, editionId, book, chapters: pages.length, paragraphs: paragraphTotal };
  });
}

type ColumnKind = 'integer' | 'text' | 'json';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const CHAPTER_COLUMNS: readonly (readonly [AnySQLiteColumn, ColumnKind])[] = [
  [chapters.editionId, 'integer'],
  [chapters.ordinal, 'integer'],
  [chapters.title, 'text'],
  [chapters.kind, 'text'],
  [chapters.depth, 'integer'],
  [chapters.firstPosition, 'integer'],
  [chapters.lastPosition, 'integer'],
  [chapters.paragraphCount, 'integer'],
];

const PARAGRAPH_COLUMNS: readonly (readonly [AnySQLiteColumn, ColumnKind])[] = [
  [paragraphs.editionId, 'integer'],
  [paragraphs.chapterId, 'integer'],
  [paragraphs.ordinal, 'integer'],
  [paragraphs.position, 'integer'],
  [paragraphs.kind, 'text'],
  [paragraphs.depth, 'integer'],
  [paragraphs.text, 'text'],
  [paragraphs.ruby, 'json'],
];

/**
 * Inserts many rows in one statement whose only bound value is the rows themselves: a JSON
 * array of arrays (values in `columns` order; a JSON column's value as its JSON text, or
 * null), unpacked by the engine (SQLite `json_each`, PostgreSQL `json_array_elements`).
 * A Drizzle multi-row insert builds its SQL value by value, which for a book costs several
 * times what writing its rows does (measured on a 3,000-paragraph book: ~400 ms against
 * ~70 ms); this costs one `JSON.stringify`. `returning` is the statement's `returning …` clause.
 */
async function insertRows<R = never>(
  db: Db,
  table: SQLiteTable,
  columns: readonly (readonly [AnySQLiteColumn, ColumnKind])[],
  values: readonly unknown[][],
  returning?: SQL,
): Promise<R[]> {
  const pg = engineOf(db) === 'pg';
  const names = sql.join(columns.map(([column]) => sql.identifier(column.name)), sql`, `);
  const picked = sql.join(
    columns.map(([, kind], index) => {
      const value = sql`${sql.identifier('r')}.${sql.identifier('value')} ->> ${sql.raw(String(index))}`;
      if (kind === 'integer') return sql`cast(${value} as integer)`;
      return kind === 'json' && pg ? sql`cast(${value} as jsonb)` : value;
    }),
    sql`, `,
  );
  // PostgreSQL refuses a lone surrogate escaped in JSON (`\ud800`, which an EPUB's `&#xD800;`
  // can produce); as a bound string it would have become U+FFFD, so it becomes that here too.
  const json = JSON.stringify(values, pg ? (_key, value: unknown) => (typeof value === 'string' ? value.replace(LONE_SURROGATE, '\uFFFD') : value) : undefined);
  const source = pg ? sql`json_array_elements(cast(${json} as json)) as r(value)` : sql`json_each(${json}) as r`;
  return rows<R>(db, sql`insert into ${table} (${names}) select ${picked} from ${source} ${returning ?? sql``}`);
}

function chunks<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < rows.length; start += size) out.push(rows.slice(start, start + size));
  return out;
}
