/**
 * Heading shapes shared by the table-of-contents matcher and the heading-pattern fallback.
 *
 * A heading's *shape* is what marks it (`제1부`, `제3장`, `1.2.`, `Chapter IV`, `PART ONE`) or
 * `bare` when nothing does. Depth is never hard-coded per shape: the shapes present in one book
 * are ranked (part above chapter above 1-number above 2-number …) and numbered from 1, and bare
 * titles sit one level below the marked heading they follow. So `제1부 / 1.1. / bare` gives
 * depths 1/2/3, while a book with only `1.1. / bare` gives 1/2.
 */
import { headingKey } from './text';
import type { SectionKind } from './types';

export type ShapeName = 'part' | 'chapter' | `num${number}` | 'special' | 'bare';

export interface HeadingShape {
  shape: ShapeName;
  /** Normalised marker ('part:2', 'num:2.1') used to pair a TOC entry with its body line. */
  marker: string | null;
  /** The words after the marker. */
  rest: string;
}

const KO_NUMERALS = '일이삼사오육칠팔구십백';
const EN_NUMBER_WORDS =
  'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last';

const PART_KO = new RegExp(`^제\\s*(\\d+|[${KO_NUMERALS}]+)\\s*부(?=$|[\\s:.：])[\\s:.：]*(.*)$`, 'u');
const CHAPTER_KO = new RegExp(`^제\\s*(\\d+|[${KO_NUMERALS}]+)\\s*장(?=$|[\\s:.：])[\\s:.：]*(.*)$`, 'u');
const PART_EN = new RegExp(`^(?:part|book)\\s+(\\d+|[ivxlcdm]+|${EN_NUMBER_WORDS})\\b[\\s:.—–-]*(.*)$`, 'iu');
const CHAPTER_EN = new RegExp(`^(?:chapter|chap\\.)\\s+(\\d+|[ivxlcdm]+|${EN_NUMBER_WORDS})\\b[\\s:.—–-]*(.*)$`, 'iu');
const NUMBERED = /^(\d{1,3}(?:\.\d{1,3})+\.?|\d{1,3}\.)\s+(\S.*)$/u;

/** Titles that stand at the top level whatever precedes them. */
const SPECIAL_BODY = ['프롤로그', '에필로그', '서문', '머리말', '들어가며', '들어가는글', '나가며', '나오며', '맺음말', '마치며', '작가의말', '저자의말', '추천의글', 'prologue', 'epilogue', 'preface', 'foreword', 'introduction', 'afterword', '序章', '終章', 'あとがき', 'まえがき'];
const SPECIAL_BACK = ['감사의말', '감사의글', '참고문헌', '찾아보기', '미주', '주석', '옮긴이의말', '저자소개', '지은이소개', 'acknowledgments', 'acknowledgements', 'bibliography', 'references', 'index', 'notes', 'abouttheauthor'];
const TOC_TITLES = ['차례', '목차', 'contents', 'tableofcontents', '目次'];

export function isTocTitle(text: string): boolean {
  return TOC_TITLES.includes(headingKey(text));
}

export function specialKind(text: string): SectionKind | null {
  const key = headingKey(text);
  if (SPECIAL_BODY.includes(key)) return 'body';
  if (SPECIAL_BACK.includes(key)) return 'back';
  return null;
}

function numberValue(token: string): string {
  return /^\d+$/.test(token) ? String(Number(token)) : token.toLowerCase();
}

/** The shape of a heading (or TOC entry) text. `allowSingleNumber` accepts `3. Title`, which is too common in prose to trust without a TOC. */
export function headingShape(text: string, allowSingleNumber = true): HeadingShape {
  let m = PART_KO.exec(text) ?? PART_EN.exec(text);
  if (m) return { shape: 'part', marker: `part:${numberValue(m[1]!)}`, rest: m[2] ?? '' };
  m = CHAPTER_KO.exec(text) ?? CHAPTER_EN.exec(text);
  if (m) return { shape: 'chapter', marker: `chapter:${numberValue(m[1]!)}`, rest: m[2] ?? '' };
  m = NUMBERED.exec(text);
  if (m) {
    const parts = m[1]!.replace(/\.$/, '').split('.');
    if (parts.length >= 2 || allowSingleNumber) {
      return { shape: `num${parts.length}`, marker: `num:${parts.map(numberValue).join('.')}`, rest: m[2]! };
    }
  }
  if (specialKind(text)) return { shape: 'special', marker: null, rest: text };
  return { shape: 'bare', marker: null, rest: text };
}

function shapeRank(shape: ShapeName): number {
  if (shape === 'part') return 0;
  if (shape === 'chapter') return 1;
  if (shape.startsWith('num')) return Number(shape.slice(3)) + 0.5;
  return Infinity;
}

/**
 * Depth for each heading in a sequence, derived from the shapes present (see module comment).
 * `special` titles (prologue, epilogue, acknowledgements) are always depth 1.
 */
export function assignDepths(shapes: ShapeName[]): number[] {
  const marked = [...new Set(shapes.filter((s) => shapeRank(s) !== Infinity))].sort((a, b) => shapeRank(a) - shapeRank(b));
  const depthOf = new Map(marked.map((shape, index) => [shape, index + 1]));
  let parentDepth = 0;
  return shapes.map((shape) => {
    const depth = depthOf.get(shape);
    if (depth !== undefined) {
      parentDepth = depth;
      return depth;
    }
    if (shape === 'special') {
      parentDepth = 0;
      return 1;
    }
    return parentDepth + 1;
  });
}
