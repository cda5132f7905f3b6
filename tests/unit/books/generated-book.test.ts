import { describe, expect, it } from 'vitest';
import { dryRunSummary } from '../../../src/books/dry-run';
import { parseBook } from '../../../src/books/import/index';
import { generateKoreanBook } from '../../fixtures/books/korean-book';

describe('a generated book in the shape of the real one (~550 KB)', () => {
  const generated = generateKoreanBook();
  const bytes = new TextEncoder().encode(generated.text);
  parseBook({ bytes, filename: 'warm-up.txt' }); // JIT warm-up so the timing below is the steady state
  const started = performance.now();
  const book = parseBook({ bytes, filename: 'book.txt' });
  const elapsed = performance.now() - started;
  const { expected } = generated;

  it('imports quickly', () => {
    console.log(`generated book: ${(bytes.length / 1024).toFixed(0)} KB, ${expected.paragraphs} paragraphs, imported in ${elapsed.toFixed(0)} ms`);
    expect(bytes.length).toBeGreaterThan(450_000);
  });

  it('has the real book’s structure', () => {
    expect(expected.tocEntries).toBe(106);
    const body = book.sections.filter((s) => s.kind === 'body');
    expect(body.filter((s) => /^제\d+부/.test(s.title))).toHaveLength(expected.parts);
    expect(body.filter((s) => /^\d+\.\d+\. /.test(s.title))).toHaveLength(expected.chapters);
    expect(body.filter((s) => s.depth === 3)).toHaveLength(expected.sections);
    expect(body.map((s) => ({ depth: s.depth, title: s.title }))).toEqual(expected.headings);
  });

  it('has the expected paragraphs, front and back matter', () => {
    expect(book.title).toBe(expected.title);
    expect(book.author).toBe(expected.author);
    expect(book.sections.reduce((n, s) => n + s.paragraphs.length, 0)).toBe(expected.paragraphs);
    expect(book.sections[0]).toMatchObject({ kind: 'front', title: '' });
    expect(book.sections[0]!.paragraphs).toHaveLength(expected.frontParagraphs);
    expect(book.sections[1]).toMatchObject({ title: '프롤로그', depth: 1 });
    expect(book.sections[1]!.paragraphs).toHaveLength(expected.prologueParagraphs);
    expect(book.sections.at(-1)).toMatchObject({ kind: 'back', title: '' });
    expect(book.sections.at(-1)!.paragraphs).toHaveLength(expected.backParagraphs);
    expect(expected.paragraphs).toBeGreaterThan(2500);
  });

  it('joins every page-break split and warns only about the missing heading', () => {
    const all = new Set(book.sections.flatMap((s) => s.paragraphs));
    expect(expected.joinedParagraphs.length).toBeGreaterThan(10);
    for (const paragraph of expected.joinedParagraphs) expect(all.has(paragraph)).toBe(true);
    expect(book.warnings).toEqual(expected.missingTocTitles.map((title) => ({ code: 'toc_entry_not_found', params: { title } })));
  });

  it('gives near-matched headings the TOC wording and drops the body line', () => {
    const all = new Set(book.sections.flatMap((s) => s.paragraphs));
    const titles = new Set(book.sections.map((s) => s.title));
    expect(expected.nearMatches.length).toBeGreaterThanOrEqual(6);
    for (const [tocTitle, bodyLine] of expected.nearMatches) {
      expect(titles.has(tocTitle)).toBe(true);
      expect(all.has(bodyLine)).toBe(false);
    }
  });

  it('scales down for small targets and stays correct', () => {
    const small = generateKoreanBook({ targetBytes: 60_000, seed: 7 });
    const parsed = parseBook({ bytes: new TextEncoder().encode(small.text), filename: 's.txt' });
    expect(parsed.sections.filter((s) => s.kind === 'body').map((s) => ({ depth: s.depth, title: s.title }))).toEqual(small.expected.headings);
    expect(parsed.sections.reduce((n, s) => n + s.paragraphs.length, 0)).toBe(small.expected.paragraphs);
  });

  it('summarises as a dry run, in English and Korean', () => {
    const en = dryRunSummary(book);
    expect(en.paragraphs).toBe(expected.paragraphs);
    expect(en.outline).toHaveLength(book.sections.length);
    expect(en.warnings).toEqual([
      `The table of contents lists “${expected.missingTocTitles[0]}”, but that heading was not found in the text; its text stays in the section before it.`,
    ]);
    const ko = dryRunSummary(book, 'ko');
    expect(ko.warnings[0]).toContain(expected.missingTocTitles[0]);
    expect(ko.warnings[0]).toContain('차례');
    expect(ko).toMatchObject({ title: expected.title, author: expected.author, language: 'ko', encoding: 'utf-8' });
  });
});
