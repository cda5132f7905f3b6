import { describe, expect, it } from 'vitest';
import { parseBook } from '../../../src/books/import/index';
import { joinPageBreaks } from '../../../src/books/import/plain';
import { SMALL_KO_EXPECTED, SMALL_KO_TEXT } from '../../fixtures/books/small-ko';

const utf8 = (text: string) => new TextEncoder().encode(text);
const txt = (text: string, extra: Partial<Parameters<typeof parseBook>[0]> = {}) =>
  parseBook({ bytes: utf8(text), filename: 'book.txt', ...extra });

describe('plain text with a table of contents (hand-written sample, all quirks)', () => {
  const book = txt(SMALL_KO_TEXT);

  it('takes the title from the first line and the author from the colophon (quirk 1)', () => {
    expect(book.title).toBe(SMALL_KO_EXPECTED.title);
    expect(book.author).toBe(SMALL_KO_EXPECTED.author);
    expect(book.language).toBe('ko');
    expect(book.encoding).toBe('utf-8');
    expect(book.format).toBe('txt');
  });

  it('gives the outline the TOC describes, with the TOC wording and derived depths (quirks 2–5, 10)', () => {
    expect(book.sections.map((s) => ({ depth: s.depth, title: s.title, kind: s.kind, paragraphs: s.paragraphs.length }))).toEqual(
      SMALL_KO_EXPECTED.outline,
    );
  });

  it('keeps front matter as its own section, and the TOC block out of the text', () => {
    expect(book.sections[0]!.paragraphs).toEqual(SMALL_KO_EXPECTED.front);
    const all = book.sections.flatMap((s) => s.paragraphs);
    expect(all.some((p) => /\*\*\d+\*\*$/.test(p) || p === '차례')).toBe(false);
  });

  it('does not keep a near-matched body heading as a paragraph (quirk 5)', () => {
    const all = book.sections.flatMap((s) => s.paragraphs);
    expect(all).not.toContain('컨텍스트 없는 조언');
    expect(all).not.toContain('제2부 여름, 잡초와의 씨름');
    expect(all).not.toContain('"상추는 언제 뿌려요?"');
  });

  it('warns about the TOC entry with no heading and leaves its text in the previous section (quirk 6)', () => {
    expect(book.warnings).toEqual([{ code: 'toc_entry_not_found', params: { title: SMALL_KO_EXPECTED.missing[0] } }]);
  });

  it('keeps quoted lines that look like headings as paragraphs (quirk 7)', () => {
    const chapter = book.sections.find((s) => s.title === '1.1. 흙을 고르는 날')!;
    expect(chapter.paragraphs[0]).toBe('"돌멩이 많은 밭을 (먼저) 고르세요."');
    const section = book.sections.find((s) => s.title === '돌멩이 많은 밭')!;
    expect(section.paragraphs).toContain('"이 돌로 담을 쌓으면 어떨까요?"');
  });

  it('joins a paragraph split mid-word by a page break, and keeps the caption (quirks 8, 9)', () => {
    const section = book.sections.find((s) => s.title === '호스 하나로 나누어 쓰는 법')!;
    expect(section.paragraphs).toEqual([SMALL_KO_EXPECTED.joined, '수도꼭지 옆에 붙은 종이 사진.']);
  });

  it('puts the repeated title and closing note in back matter (quirk 10)', () => {
    expect(book.sections.at(-1)).toEqual({
      depth: 1,
      title: '',
      kind: 'back',
      paragraphs: ['골목 끝 정원의 사계: 이웃들이 함께 가꾼 작은 텃밭 이야기', '이 글은 시험용으로 쓴 짧은 예시입니다.'],
    });
  });

  it('loses and duplicates nothing: every body word of the source is in exactly one paragraph', () => {
    const all = book.sections.flatMap((s) => s.paragraphs).join('\n');
    for (const line of ['옆집 할머니의 한마디가 더 정확했습니다.', '첫 모임에서 들은 조언이었습니다.', '이 글은 그 한 해의 기록입니다.']) {
      expect(all.split(line).length - 1).toBe(1);
    }
  });

  it('lets overrides win over what the file says', () => {
    const overridden = txt(SMALL_KO_TEXT, { title: '다른 제목', author: '다른 사람', language: 'en' });
    expect([overridden.title, overridden.author, overridden.language]).toEqual(['다른 제목', '다른 사람', 'en']);
  });
});

describe('TOC matching details', () => {
  const toc = (entries: string[]) => ['책 제목', '', ...entries.flatMap((e) => [e, ''])].join('\n');

  it('prefers the later standalone heading over an earlier exact quote of it', () => {
    const text = [
      toc(['하나 **1**', '둘째 마당의 이야기 **2**', '셋 **3**']),
      '하나', '', '"둘째 마당의 이야기"', '', '본문 하나입니다.', '', '둘째 마당의 이야기', '', '본문 둘입니다.', '', '셋', '', '본문 셋입니다.',
    ].join('\n');
    const book = txt(text);
    const two = book.sections.find((s) => s.title === '둘째 마당의 이야기')!;
    expect(two.paragraphs).toEqual(['본문 둘입니다.']);
    expect(book.sections.find((s) => s.title === '하나')!.paragraphs).toEqual(['"둘째 마당의 이야기"', '본문 하나입니다.']);
  });

  it('prefers an exact match over an earlier near match', () => {
    const text = [
      toc(['첫째 **1**', '바다로 가는 기차 **2**', '끝 **3**']),
      '첫째', '', '바다로 가는 기자', '', '본문.', '', '바다로 가는 기차', '', '기차 이야기.', '', '끝', '', '마지막.',
    ].join('\n');
    const book = txt(text);
    expect(book.sections.find((s) => s.title === '첫째')!.paragraphs).toEqual(['바다로 가는 기자', '본문.']);
    expect(book.sections.find((s) => s.title === '바다로 가는 기차')!.paragraphs).toEqual(['기차 이야기.']);
  });

  it('derives depths from the shapes present: without parts, chapters are depth 1', () => {
    const text = [toc(['1.1. 처음 **1**', '작은 절 **1**', '1.2. 다음 **2**']), '1.1. 처음', '', '작은 절', '', '가.', '', '1.2. 다음', '', '나.'].join('\n');
    expect(txt(text).sections.filter((s) => s.kind === 'body').map((s) => [s.depth, s.title])).toEqual([
      [1, '1.1. 처음'],
      [2, '작은 절'],
      [1, '1.2. 다음'],
    ]);
  });

  it('does not trust a "TOC" whose entries are mostly absent from the body', () => {
    const text = ['가격표', '', '사과 3', '', '배 4', '', '감 5', '', '제1장 시작', '', '본문입니다.'].join('\n');
    const book = txt(text);
    expect(book.warnings.map((w) => w.code)).toEqual(['no_toc_heading_patterns']);
    expect(book.sections.map((s) => s.title)).toEqual(['', '제1장 시작']);
  });
});

describe('page-break joins', () => {
  it('joins only prose ending mid-word with a Hangul continuation', () => {
    expect(joinPageBreaks(['첫 문장입니다. 그리고 유', '튜브에 올렸습니다.'])).toEqual(['첫 문장입니다. 그리고 유튜브에 올렸습니다.']);
    expect(joinPageBreaks(['간판 없는 책방', '책방에는 간판이 없었습니다.'])).toHaveLength(2);
    expect(joinPageBreaks(['끝난 문장입니다.', '새 문장입니다.'])).toHaveLength(2);
    expect(joinPageBreaks(['첫 문장입니다. 그리고 유', '"따옴표로 시작"'])).toHaveLength(2);
    expect(joinPageBreaks(['English text. And then', 'more text.'])).toHaveLength(2);
  });
});

describe('plain text without a TOC: heading patterns', () => {
  it('recognises Korean patterns and warns', () => {
    const text = ['제목', '', '제1부 시작', '', '제1장 첫날', '', '첫날 이야기입니다.', '', '1.2. 둘째 절', '', '둘째 이야기입니다.', '', '에필로그', '', '끝입니다.'].join('\n');
    const book = txt(text);
    expect(book.warnings).toEqual([{ code: 'no_toc_heading_patterns', params: {} }]);
    expect(book.sections.map((s) => [s.depth, s.title, s.kind, s.paragraphs.length])).toEqual([
      [1, '', 'front', 1],
      [1, '제1부 시작', 'body', 0],
      [2, '제1장 첫날', 'body', 1],
      [3, '1.2. 둘째 절', 'body', 1],
      [1, '에필로그', 'body', 1],
    ]);
  });

  it('recognises English patterns in hard-wrapped text and joins wrapped lines', () => {
    const wrapped = (n: number) =>
      Array.from({ length: 3 }, (_, i) => `This is line ${i + 1} of paragraph ${n}, wrapped at a fixed width`).join('\n');
    const text = [
      'The Sea Book', '', 'by Someone Else', '', 'Prologue', '', wrapped(1), '', 'PART ONE', '', 'CHAPTER 12', '', wrapped(2), '', wrapped(3), '',
      'Chapter IV. The Storm', '', wrapped(4), '', 'Epilogue', '', wrapped(5),
    ].join('\n');
    const book = txt(text);
    expect(book.title).toBe('The Sea Book');
    expect(book.author).toBe('Someone Else');
    expect(book.language).toBe('en');
    expect(book.sections.map((s) => [s.depth, s.title, s.paragraphs.length])).toEqual([
      [1, '', 2],
      [1, 'Prologue', 1],
      [1, 'PART ONE', 0],
      [2, 'CHAPTER 12', 2],
      [2, 'Chapter IV. The Storm', 1],
      [1, 'Epilogue', 1],
    ]);
    expect(book.sections[3]!.paragraphs[0]).toBe(
      'This is line 1 of paragraph 2, wrapped at a fixed width This is line 2 of paragraph 2, wrapped at a fixed width This is line 3 of paragraph 2, wrapped at a fixed width',
    );
  });

  it('makes one section of a text with no headings at all, and says so', () => {
    const book = txt('그냥 글입니다.\n\n두 번째 문단입니다.');
    expect(book.warnings.map((w) => w.code)).toEqual(['no_headings']);
    expect(book.sections).toEqual([{ depth: 1, title: '', kind: 'body', paragraphs: ['그냥 글입니다.', '두 번째 문단입니다.'] }]);
  });
});

describe('normalisation and limits', () => {
  it('NFC-normalises decomposed Hangul and collapses whitespace', () => {
    const book = txt('한국어   책\t제목\n\n본문  입니다.'.normalize('NFD'));
    expect(book.title).toBe('한국어 책 제목');
    const all = book.sections.flatMap((s) => s.paragraphs);
    expect(all).toContain('본문 입니다.');
    expect(all.every((p) => p === p.normalize('NFC'))).toBe(true);
  });

  it('splits a paragraph over the limit at sentence ends, losing nothing, with a warning', () => {
    const long = Array.from({ length: 40 }, (_, i) => `문장 ${i}번입니다.`).join(' ');
    const book = parseBook(
      { bytes: utf8(long), filename: 'a.txt' },
      { maxFileBytes: 1e6, maxUncompressedBytes: 1e6, maxEntries: 10, maxEntryBytes: 1e6, maxParagraphChars: 100 },
    );
    const paragraphs = book.sections.flatMap((s) => s.paragraphs);
    expect(paragraphs.length).toBeGreaterThan(3);
    expect(paragraphs.every((p) => p.length <= 100 && p.endsWith('.'))).toBe(true);
    expect(paragraphs.join(' ')).toBe(long);
    expect(book.warnings.map((w) => w.code)).toContain('paragraph_split');
  });
});
