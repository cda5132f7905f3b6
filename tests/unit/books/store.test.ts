import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../../db/connection';
import { openTestDatabase, type TestDatabase } from '../../helpers/engine';
import { importBook, storeParsedBook } from '../../../src/books/store';
import { ImportError, parseBook } from '../../../src/books/import/index';
import { listChapters, listHeadings, listParagraphs } from '../../../src/books/queries';

const TABLES = ['books', 'editions', 'chapters', 'paragraphs', 'pending_imports'] as const;

async function counts(db: Db): Promise<Record<string, number>> {
  const entries: [string, number][] = [];
  for (const table of TABLES) {
    const [row] = await rows<{ n: number }>(db, sql`select count(*) as n from ${sql.identifier(table)}`);
    entries.push([table, Number(row!.n)]);
  }
  return Object.fromEntries(entries);
}

const encode = (text: string) => new TextEncoder().encode(text);

function markdownBook(extra = ''): Uint8Array {
  return encode(
    [
      '---',
      'title: Store Test',
      'author: Tester',
      'lang: en',
      '---',
      '',
      'A front paragraph.',
      '',
      '# Part One',
      '',
      '## Chapter 1',
      '',
      'First chapter, first paragraph.',
      '',
      '### A section',
      '',
      'Section text.',
      '',
      '## Chapter 2',
      '',
      `Second chapter.${extra}`,
      '',
    ].join('\n'),
  );
}

let db: Db;
let database: TestDatabase;
beforeEach(async () => {
  database = await openTestDatabase(':memory:');
  db = database.db;
});
afterEach(async () => await database.close());

const paragraphsOf = async (chapters: readonly { id: number }[]) => (await Promise.all(chapters.map((c) => listParagraphs(db, c.id)))).flat();

describe('importBook', () => {
  it('stores chapters and paragraphs with ordinals, positions and headings', async () => {
    const result = await importBook({ db }, { bytes: markdownBook(), filename: 'store.md', now: 1000 });
    expect(result.status).toBe('imported');
    const chapters = await listChapters(db, result.editionId);
    expect(chapters.map((c) => [c.ordinal, c.title, c.kind])).toEqual([
      [1, '', 'front'],
      [2, 'Chapter 1', 'body'],
      [3, 'Chapter 2', 'body'],
    ]);
    const second = await listParagraphs(db, chapters[1]!.id);
    expect(second.map((p) => [p.ordinal, p.kind, p.text])).toEqual([
      [1, 'heading', 'Part One'],
      [2, 'heading', 'Chapter 1'],
      [3, 'text', 'First chapter, first paragraph.'],
      [4, 'heading', 'A section'],
      [5, 'text', 'Section text.'],
    ]);
    // Global positions run through the whole edition without gaps.
    const all = await paragraphsOf(chapters);
    expect(all.map((p) => p.position)).toEqual(all.map((_, i) => i + 1));
    expect(chapters[1]!.firstPosition).toBe(2);
    expect(chapters[1]!.lastPosition).toBe(6);
    expect((await listHeadings(db, result.editionId)).map((h) => [h.chapterOrdinal, h.depth, h.text])).toEqual([
      [2, 1, 'Part One'],
      [2, 2, 'Chapter 1'],
      [2, 3, 'A section'],
      [3, 2, 'Chapter 2'],
    ]);
  });

  it('recognises the same bytes again and changes nothing', async () => {
    const first = await importBook({ db }, { bytes: markdownBook(), filename: 'store.md', now: 1000 });
    const before = await counts(db);
    const again = await importBook({ db }, { bytes: markdownBook(), filename: 'renamed.md', now: 2000, overrides: { title: 'Other' } });
    expect(again).toEqual({ status: 'duplicate', bookId: first.bookId, editionId: first.editionId });
    expect(await counts(db)).toEqual(before);
  });

  it('adds a changed file of the same book as a new edition beside the old one', async () => {
    const first = await importBook({ db }, { bytes: markdownBook(), filename: 'store.md', now: 1000 });
    const oldChapters = await listChapters(db, first.editionId);
    const oldText = await paragraphsOf(oldChapters);
    const second = await importBook({ db }, { bytes: markdownBook(' With a correction.'), filename: 'store-v2.md', now: 2000 });
    expect(second.status).toBe('imported');
    expect(second.bookId).toBe(first.bookId);
    expect(second.editionId).not.toBe(first.editionId);
    expect((await counts(db)).books).toBe(1);
    expect((await counts(db)).editions).toBe(2);
    // The old edition is intact: same rows, same ids.
    expect(await listChapters(db, first.editionId)).toEqual(oldChapters);
    expect(await paragraphsOf(oldChapters)).toEqual(oldText);
  });

  it('identifies a book by title and author, case and spacing aside', async () => {
    const a = await importBook({ db }, { bytes: markdownBook(), filename: 'a.md', now: 1 });
    const b = await importBook({ db }, { bytes: markdownBook('!'), filename: 'b.md', now: 2, overrides: { title: 'store   TEST', author: 'tester' } });
    const c = await importBook({ db }, { bytes: markdownBook('?'), filename: 'c.md', now: 3, overrides: { author: 'Someone Else' } });
    expect(b.bookId).toBe(a.bookId);
    expect(c.bookId).not.toBe(a.bookId);
  });

  it('leaves nothing behind when parsing fails', async () => {
    await importBook({ db }, { bytes: markdownBook(), filename: 'store.md', now: 1000 });
    const before = await counts(db);
    for (const [bytes, filename] of [
      [new Uint8Array(), 'empty.txt'],
      [new Uint8Array([0, 1, 2, 3, 0, 0, 255, 254, 0, 7]), 'junk.txt'],
      [encode('PK\u0003\u0004 not really a zip'), 'broken.epub'],
      [encode('text'), 'book.pdf'],
    ] as const) {
      await expect(importBook({ db }, { bytes, filename, now: 2000 })).rejects.toThrow(ImportError);
      expect(await counts(db)).toEqual(before);
    }
  });

  it('rolls back the whole book when a write fails half-way', async () => {
    await importBook({ db }, { bytes: markdownBook(), filename: 'store.md', now: 1000 });
    const before = await counts(db);
    const book = parseBook({ bytes: markdownBook(' changed'), filename: 'store2.md' });
    // Sabotage the last paragraph: NOT NULL fails after the book, edition and most rows are written.
    const last = book.sections[book.sections.length - 1]!;
    (last.paragraphs as unknown as (string | null)[]).push(null);
    await expect(storeParsedBook({ db }, book, { hash: 'sabotaged', filename: 'store2.md', userId: null, now: 3000 })).rejects.toThrow();
    expect(await counts(db)).toEqual(before);
  });

  it('reports progress chapter by chapter', async () => {
    const seen: string[] = [];
    await importBook({ db }, { bytes: markdownBook(), filename: 'store.md', now: 1000, onProgress: (done, total) => seen.push(`${done}/${total}`) });
    expect(seen).toEqual(['1/3', '2/3', '3/3']);
  });
});
