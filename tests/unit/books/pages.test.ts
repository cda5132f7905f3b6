import { describe, expect, it } from 'vitest';
import type { OutlineSection } from '../../../src/books/import/types';
import { splitIntoPages, tocTree, type Page } from '../../../src/books/pages';

type S = [kind: OutlineSection['kind'], depth: number, title: string, paragraphs: number];

function outline(...rows: S[]): OutlineSection[] {
  let n = 0;
  return rows.map(([kind, depth, title, count]) => ({
    kind,
    depth,
    title,
    paragraphs: Array.from({ length: count }, () => `text ${++n}`),
  }));
}

const summary = (pages: Page[]) => pages.map((page) => `${page.kind}:${page.title}`);

/** Concatenating the pages must give back every heading and paragraph once, in order. */
function expectLossless(sections: OutlineSection[], pages: Page[]) {
  const expected = sections.flatMap((section) => [
    ...(section.title ? [`h${section.depth}:${section.title}`] : []),
    ...section.paragraphs.map((text) => `t:${text}`),
  ]);
  const actual = pages.flatMap((page) => page.paragraphs.map((p) => (p.kind === 'heading' ? `h${p.depth}:${p.text}` : `t:${p.text}`)));
  expect(actual).toEqual(expected);
  for (const page of pages) expect(page.paragraphs.some((p) => p.kind === 'text')).toBe(true);
}

describe('splitIntoPages', () => {
  it('makes one page per chapter in a chapters-only book', () => {
    const sections = outline(['body', 1, 'One', 3], ['body', 1, 'Two', 2], ['body', 1, 'Three', 1]);
    const pages = splitIntoPages(sections);
    expect(summary(pages)).toEqual(['body:One', 'body:Two', 'body:Three']);
    expectLossless(sections, pages);
  });

  it('keeps sections inside their chapter when chapters have text of their own', () => {
    const sections = outline(['body', 1, 'One', 2], ['body', 2, 'One.a', 2], ['body', 2, 'One.b', 2], ['body', 1, 'Two', 1], ['body', 2, 'Two.a', 3]);
    const pages = splitIntoPages(sections);
    expect(summary(pages)).toEqual(['body:One', 'body:Two']);
    expectLossless(sections, pages);
  });

  it('splits parts into chapter pages, the part heading opening its first chapter (content books: # Part / ## Chapter / ### section)', () => {
    const sections = outline(
      ['front', 1, '', 2],
      ['body', 1, 'Part One', 0],
      ['body', 2, 'Chapter 1', 2],
      ['body', 3, 'Length', 2],
      ['body', 3, 'Talk', 2],
      ['body', 2, 'Chapter 2', 1],
      ['body', 3, 'Where', 2],
      ['body', 1, 'Part Two', 0],
      ['body', 2, 'Chapter 3', 1],
      ['body', 2, 'Chapter 4', 1],
    );
    const pages = splitIntoPages(sections);
    expect(summary(pages)).toEqual(['front:', 'body:Chapter 1', 'body:Chapter 2', 'body:Chapter 3', 'body:Chapter 4']);
    expect(pages[1]!.paragraphs.slice(0, 2).map((p) => p.text)).toEqual(['Part One', 'Chapter 1']);
    expect(pages[1]!.depth).toBe(2);
    expectLossless(sections, pages);
  });

  it('handles the first real book: prologue before parts, empty chapters over sections, back matter', () => {
    const sections = outline(
      ['front', 1, '', 12],
      ['body', 1, '프롤로그', 4],
      ['body', 1, '제1부: 봄, 첫 모임', 0],
      ['body', 2, '1.1. 책방 문을 열다', 0],
      ['body', 3, '간판 없는 책방', 7],
      ['body', 3, '첫 번째 책을 고르는 법', 4],
      ['body', 2, '1.2. 여섯 사람의 밑줄', 0],
      ['body', 3, '밑줄의 모양은 사람마다 다르다', 5],
      ['body', 1, '제2부 여름', 0],
      ['body', 2, '2.1. 칠백 쪽짜리 소설', 0],
      ['body', 3, '완독이라는 작은 산', 5],
      ['body', 2, '2.2. 투표로 정한 다음 책', 0],
      ['body', 3, '한 표 차이의 결말', 3],
      ['back', 1, '', 2],
    );
    const pages = splitIntoPages(sections);
    expect(summary(pages)).toEqual([
      'front:',
      'body:프롤로그',
      'body:1.1. 책방 문을 열다',
      'body:1.2. 여섯 사람의 밑줄',
      'body:2.1. 칠백 쪽짜리 소설',
      'body:2.2. 투표로 정한 다음 책',
      'back:',
    ]);
    expectLossless(sections, pages);
  });

  it('gives a part with an introduction a page of its own', () => {
    const sections = outline(
      ['body', 1, 'Part One', 2],
      ['body', 2, 'Chapter 1', 2],
      ['body', 2, 'Chapter 2', 2],
      ['body', 1, 'Part Two', 0],
      ['body', 2, 'Chapter 3', 2],
      ['body', 2, 'Chapter 4', 2],
      ['body', 1, 'Part Three', 0],
      ['body', 2, 'Chapter 5', 2],
      ['body', 2, 'Chapter 6', 2],
    );
    const pages = splitIntoPages(sections);
    expect(summary(pages)).toEqual(['body:Part One', 'body:Chapter 1', 'body:Chapter 2', 'body:Chapter 3', 'body:Chapter 4', 'body:Chapter 5', 'body:Chapter 6']);
    expectLossless(sections, pages);
  });

  it('does not rename a chapter after a lone subtitle under it (Moby-Dick, chapter 40)', () => {
    const sections = outline(
      ['front', 1, 'EXTRACTS', 2],
      ['front', 2, 'Extracts.', 5],
      ['body', 1, 'Chapter 39.', 3],
      ['body', 1, 'Chapter 40. Midnight, Forecastle.', 0],
      ['body', 2, 'HARPOONEERS AND SAILORS.', 9],
      ['body', 1, 'Chapter 41. Moby Dick.', 4],
    );
    const pages = splitIntoPages(sections);
    expect(summary(pages)).toEqual(['front:EXTRACTS', 'body:Chapter 39.', 'body:Chapter 40. Midnight, Forecastle.', 'body:Chapter 41. Moby Dick.']);
    expectLossless(sections, pages);
  });

  it('reads a lone top-level heading over the whole body as a wrapper (# Book title / ## Part / ### Chapter)', () => {
    const sections = outline(
      ['body', 1, 'The Book', 0],
      ['body', 2, 'Part A', 0],
      ['body', 3, 'Chapter 1', 2],
      ['body', 3, 'Chapter 2', 2],
      ['body', 2, 'Part B', 0],
      ['body', 3, 'Chapter 3', 2],
      ['body', 3, 'Chapter 4', 2],
    );
    const pages = splitIntoPages(sections);
    expect(summary(pages)).toEqual(['body:Chapter 1', 'body:Chapter 2', 'body:Chapter 3', 'body:Chapter 4']);
    expect(pages[0]!.paragraphs.slice(0, 3).map((p) => p.text)).toEqual(['The Book', 'Part A', 'Chapter 1']);
    expectLossless(sections, pages);
  });

  it('keeps front, body and back matter on separate pages, even when untitled', () => {
    const sections = outline(['front', 1, '', 3], ['front', 1, 'Copyright', 1], ['body', 1, 'One', 2], ['back', 1, '', 2]);
    const pages = splitIntoPages(sections);
    expect(summary(pages)).toEqual(['front:', 'front:Copyright', 'body:One', 'back:']);
    expectLossless(sections, pages);
  });

  it('never makes a page of headings only: trailing and leading empty headings join a neighbour', () => {
    const sections = outline(['body', 1, 'Empty start', 0], ['body', 1, 'One', 2], ['body', 1, 'Two', 2], ['body', 1, 'Empty end', 0]);
    const pages = splitIntoPages(sections);
    expect(summary(pages)).toEqual(['body:One', 'body:Two']);
    expect(pages[0]!.paragraphs[0]!.text).toBe('Empty start');
    expect(pages[1]!.paragraphs.at(-1)!.text).toBe('Empty end');
    expectLossless(sections, pages);
  });

  it('handles a book with a single untitled section, and an empty outline', () => {
    const sections = outline(['body', 1, '', 5]);
    expect(summary(splitIntoPages(sections))).toEqual(['body:']);
    expect(splitIntoPages([])).toEqual([]);
  });

  it('survives depth jumps (1 → 3) and stays lossless on a random outline', () => {
    const jump = outline(['body', 1, 'One', 1], ['body', 3, 'Deep', 2], ['body', 1, 'Two', 1]);
    expectLossless(jump, splitIntoPages(jump));
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 200; round++) {
      const rows: S[] = [];
      const kinds: OutlineSection['kind'][] = ['front', 'body', 'body', 'body', 'back'];
      let kindIndex = 0;
      const count = 1 + Math.floor(random() * 25);
      for (let i = 0; i < count; i++) {
        if (random() < 0.1 && kindIndex < kinds.length - 1) kindIndex++;
        rows.push([kinds[kindIndex]!, 1 + Math.floor(random() * 4), random() < 0.1 ? '' : `H${i}`, Math.floor(random() * 3)]);
      }
      if (!rows.some((row) => row[3] > 0)) rows[0]![3] = 1;
      const sections = outline(...rows);
      expectLossless(sections, splitIntoPages(sections));
    }
  });
});

describe('tocTree', () => {
  it('nests headings by depth across chapters and gives untitled chapters an entry', () => {
    const tree = tocTree(
      [
        { ordinal: 1, title: '', kind: 'front' },
        { ordinal: 2, title: 'Chapter 1', kind: 'body' },
        { ordinal: 3, title: 'Chapter 2', kind: 'body' },
        { ordinal: 4, title: '', kind: 'back' },
      ],
      [
        { chapterOrdinal: 2, ordinal: 1, depth: 1, text: 'Part One' },
        { chapterOrdinal: 2, ordinal: 2, depth: 2, text: 'Chapter 1' },
        { chapterOrdinal: 2, ordinal: 5, depth: 3, text: 'Section a' },
        { chapterOrdinal: 3, ordinal: 1, depth: 2, text: 'Chapter 2' },
      ],
    );
    const shape = (entries: typeof tree): unknown[] => entries.map((e) => [e.title || `(${e.kind})`, e.chapterOrdinal, e.paragraphOrdinal, shape(e.children)]);
    expect(shape(tree)).toEqual([
      ['(front)', 1, null, []],
      ['Part One', 2, 1, [['Chapter 1', 2, 2, [['Section a', 2, 5, []]]], ['Chapter 2', 3, 1, []]]],
      ['(back)', 4, null, []],
    ]);
  });
});
