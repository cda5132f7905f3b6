import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db, type Sqlite } from '../../../db/connection';
import { importBook, storeParsedBook } from '../../../src/books/store';
import { ImportError, parseBook } from '../../../src/books/import/index';
import { listChapters, listHeadings, listParagraphs } from '../../../src/books/queries';

const TABLES = ['books', 'editions', 'chapters', 'paragraphs', 'pending_imports'] as const;

function counts(sqlite: Sqlite): Record<string, number> {
  return Object.fromEntries(TABLES.map((table) => [table, (sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n]));
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
let sqlite: Sqlite;
beforeEach(() => {
  ({ db, sqlite } = openDatabase(':memory:'));
});
afterEach(() => sqlite.close());

describe('importBook', () => {
  it('stores chapters and paragraphs with ordinals, positions and headings', () => {
    const result = importBook({ db, sqlite }, { bytes: markdownBook(), filename: 'store.md', now: 1000 });
    expect(result.status).toBe('imported');
    const chapters = listChapters(db, result.editionId);
    expect(chapters.map((c) => [c.ordinal, c.title, c.kind])).toEqual([
      [1, '', 'front'],
      [2, 'Chapter 1', 'body'],
      [3, 'Chapter 2', 'body'],
    ]);
    const second = listParagraphs(db, chapters[1]!.id);
    expect(second.map((p) => [p.ordinal, p.kind, p.text])).toEqual([
      [1, 'heading', 'Part One'],
      [2, 'heading', 'Chapter 1'],
      [3, 'text', 'First chapter, first paragraph.'],
      [4, 'heading', 'A section'],
      [5, 'text', 'Section text.'],
    ]);
    // Global positions run through the whole edition without gaps.
    const all = chapters.flatMap((c) => listParagraphs(db, c.id));
    expect(all.map((p) => p.position)).toEqual(all.map((_, i) => i + 1));
    expect(chapters[1]!.firstPosition).toBe(2);
    expect(chapters[1]!.lastPosition).toBe(6);
    expect(listHeadings(db, result.editionId).map((h) => [h.chapterOrdinal, h.depth, h.text])).toEqual([
      [2, 1, 'Part One'],
      [2, 2, 'Chapter 1'],
      [2, 3, 'A section'],
      [3, 2, 'Chapter 2'],
    ]);
  });

  it('recognises the same bytes again and changes nothing', () => {
    const first = importBook({ db, sqlite }, { bytes: markdownBook(), filename: 'store.md', now: 1000 });
    const before = counts(sqlite);
    const again = importBook({ db, sqlite }, { bytes: markdownBook(), filename: 'renamed.md', now: 2000, overrides: { title: 'Other' } });
    expect(again).toEqual({ status: 'duplicate', bookId: first.bookId, editionId: first.editionId });
    expect(counts(sqlite)).toEqual(before);
  });

  it('adds a changed file of the same book as a new edition beside the old one', () => {
    const first = importBook({ db, sqlite }, { bytes: markdownBook(), filename: 'store.md', now: 1000 });
    const oldChapters = listChapters(db, first.editionId);
    const oldText = oldChapters.flatMap((c) => listParagraphs(db, c.id));
    const second = importBook({ db, sqlite }, { bytes: markdownBook(' With a correction.'), filename: 'store-v2.md', now: 2000 });
    expect(second.status).toBe('imported');
    expect(second.bookId).toBe(first.bookId);
    expect(second.editionId).not.toBe(first.editionId);
    expect(counts(sqlite).books).toBe(1);
    expect(counts(sqlite).editions).toBe(2);
    // The old edition is intact: same rows, same ids.
    expect(listChapters(db, first.editionId)).toEqual(oldChapters);
    expect(oldChapters.flatMap((c) => listParagraphs(db, c.id))).toEqual(oldText);
  });

  it('identifies a book by title and author, case and spacing aside', () => {
    const a = importBook({ db, sqlite }, { bytes: markdownBook(), filename: 'a.md', now: 1 });
    const b = importBook({ db, sqlite }, { bytes: markdownBook('!'), filename: 'b.md', now: 2, overrides: { title: 'store   TEST', author: 'tester' } });
    const c = importBook({ db, sqlite }, { bytes: markdownBook('?'), filename: 'c.md', now: 3, overrides: { author: 'Someone Else' } });
    expect(b.bookId).toBe(a.bookId);
    expect(c.bookId).not.toBe(a.bookId);
  });

  it('leaves nothing behind when parsing fails', () => {
    importBook({ db, sqlite }, { bytes: markdownBook(), filename: 'store.md', now: 1000 });
    const before = counts(sqlite);
    for (const [bytes, filename] of [
      [new Uint8Array(), 'empty.txt'],
      [new Uint8Array([0, 1, 2, 3, 0, 0, 255, 254, 0, 7]), 'junk.txt'],
      [encode('PK\u0003\u0004 not really a zip'), 'broken.epub'],
      [encode('text'), 'book.pdf'],
    ] as const) {
      expect(() => importBook({ db, sqlite }, { bytes, filename, now: 2000 })).toThrow(ImportError);
      expect(counts(sqlite)).toEqual(before);
    }
  });

  it('rolls back the whole book when a write fails half-way', () => {
    importBook({ db, sqlite }, { bytes: markdownBook(), filename: 'store.md', now: 1000 });
    const before = counts(sqlite);
    const book = parseBook({ bytes: markdownBook(' changed'), filename: 'store2.md' });
    // Sabotage the last paragraph: NOT NULL fails after the book, edition and most rows are written.
    const last = book.sections[book.sections.length - 1]!;
    (last.paragraphs as unknown as (string | null)[]).push(null);
    expect(() => storeParsedBook({ db, sqlite }, book, { hash: 'sabotaged', filename: 'store2.md', userId: null, now: 3000 })).toThrow();
    expect(counts(sqlite)).toEqual(before);
  });

  it('reports progress chapter by chapter', () => {
    const seen: string[] = [];
    importBook({ db, sqlite }, { bytes: markdownBook(), filename: 'store.md', now: 1000, onProgress: (done, total) => seen.push(`${done}/${total}`) });
    expect(seen).toEqual(['1/3', '2/3', '3/3']);
  });
});
