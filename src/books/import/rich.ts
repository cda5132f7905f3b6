/**
 * What a paragraph keeps beyond its words: line breaks (verse, addresses, `<br>`) and ruby
 * (`<ruby>漢字<rt>かんじ</rt></ruby>`).
 *
 * While a book is read, a paragraph is one string in which a few private-use characters mark
 * that structure, so every string step on the way (whitespace collapsing, NFC, splitting a long
 * paragraph, comparing with a heading) works as before:
 *
 *   LINE          a line break inside the paragraph
 *   RUBY_OPEN base RUBY_TEXT annotation RUBY_CLOSE   one ruby pair
 *
 * At the end (`finishParagraph`) the string becomes what is stored: the paragraph's **text**,
 * in which a line break is `\n` (rendered with `white-space: pre-line`) and a ruby pair is its
 * base only, so passage offsets count what a reader selects; and the **ruby** annotations as
 * offsets into that text (`{ start, end, text }`), drawn as `<ruby>…<rt>…</rt></ruby>`.
 */
import { cleanText } from './text';
import type { RubyMark } from './types';

export const LINE = '\ue003';
export const RUBY_OPEN = '\ue000';
export const RUBY_TEXT = '\ue001';
export const RUBY_CLOSE = '\ue002';
const MARKERS = /[\ue000-\ue003]/u;

/** The words only: ruby annotations dropped, line breaks as spaces (for headings and comparisons). */
export function plainText(marked: string): string {
  if (!MARKERS.test(marked)) return cleanText(marked);
  return cleanText(marked.replace(/\ue001[^\ue000\ue002]*(\ue002|$)/gu, '').replace(/[\ue000\ue002]/gu, '').replace(/\ue003/gu, ' '));
}

/** Collapses whitespace around line marks: no blank line at either end, at most one blank line in a row. */
function cleanLines(marked: string): string {
  const lines = marked.split(LINE).map(cleanText);
  while (lines.length > 0 && lines[0] === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.filter((line, i) => line !== '' || lines[i - 1] !== '').join('\n');
}

export interface FinishedParagraph {
  text: string;
  ruby: RubyMark[];
}

/**
 * Marked string → stored text and ruby offsets. A ruby base without annotation stays plain
 * text; an annotation without a base is dropped; whitespace is collapsed as everywhere else.
 */
export function finishParagraph(marked: string): FinishedParagraph {
  if (!MARKERS.test(marked)) return { text: cleanText(marked), ruby: [] };
  // First the lines (cleanText per line), then the ruby pairs, whose offsets are in the final text.
  const lined = cleanLines(marked);
  let text = '';
  const ruby: RubyMark[] = [];
  let i = 0;
  while (i < lined.length) {
    const ch = lined[i]!;
    if (ch === RUBY_OPEN) {
      const sep = lined.indexOf(RUBY_TEXT, i + 1);
      const nextOpen = lined.indexOf(RUBY_OPEN, i + 1);
      const close = lined.indexOf(RUBY_CLOSE, i + 1);
      if (sep < 0 || (nextOpen >= 0 && nextOpen < sep) || (close >= 0 && close < sep)) {
        i++; // a base with no annotation: its text stays, the mark goes
        continue;
      }
      const end = close < 0 ? lined.length : close;
      const base = lined.slice(i + 1, sep).replace(MARKERS, '');
      const annotation = cleanText(lined.slice(sep + 1, end).replace(/[\ue000-\ue003]/gu, ''));
      const start = text.length;
      text += base;
      if (base.trim() && annotation) ruby.push({ start, end: text.length, text: annotation });
      i = end + 1;
      continue;
    }
    if (ch === RUBY_TEXT) {
      // An annotation with no base: skip to its end.
      const close = lined.indexOf(RUBY_CLOSE, i + 1);
      i = close < 0 ? lined.length : close + 1;
      continue;
    }
    if (ch !== RUBY_CLOSE) text += ch;
    i++;
  }
  // Whitespace at the very ends may have come from inside a ruby pair: trim and shift.
  const lead = text.length - text.trimStart().length;
  const trimmed = text.trim();
  return {
    text: trimmed,
    ruby: ruby
      .map((r) => ({ start: r.start - lead, end: r.end - lead, text: r.text }))
      .filter((r) => r.start >= 0 && r.end <= trimmed.length && r.start < r.end),
  };
}

/** The ruby marks that fall inside `[from, to)` of a text, shifted to start at `from`. */
export function rubyWithin(ruby: readonly RubyMark[], from: number, to: number): RubyMark[] {
  return ruby.filter((r) => r.start >= from && r.end <= to).map((r) => ({ start: r.start - from, end: r.end - from, text: r.text }));
}
