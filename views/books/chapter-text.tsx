/**
 * The text of a chapter: every paragraph and heading with its stable anchor (`#p-12`, the
 * ordinal within the chapter) and its id for comments. Areas decorate paragraphs without
 * touching this markup: passage highlights go inside the text, anything else (comment counts,
 * "read up to here") goes in the paragraph's margin slot.
 *
 * Markup, relied on by `views/static/passage.js` and `reader.js`:
 *   <div class="reader-text" lang="ar" dir="rtl">        the book's language and direction, on the text only
 *     <div class="para" id="p-12" data-paragraph-id="345" data-ordinal="12" data-position="812">
 *       <p class="paragraph-text">…text, with <mark> for passages and <ruby>…<rt>…</rt></ruby>…</p>
 *       <div class="margin">…slot…</div>
 *     </div>
 *   </div>
 *
 * A paragraph's text is exactly what passage offsets count: line breaks of verse are `\n`
 * (shown by `white-space: pre-line`), ruby bases are in it and ruby annotations (`<rt>`) are
 * not, so `passage.js` skips `<rt>` when it counts.
 */
import type { FC } from 'hono/jsx';
import { childHtml, element, markup } from '../html';
import { escapeHtml } from '../../src/http/errors';
import type { BookTextSetting, Highlight, ParagraphDecoration, ParagraphView, RubyView } from '../../src/books';

export type { BookTextSetting, Highlight, ParagraphDecoration, ParagraphView, RubyView };

/** Escaped text of `[from, to)` with `<mark>` around the (merged, sorted) highlights that reach into it. */
function markedRange(text: string, merged: readonly Highlight[], from: number, to: number): string {
  let html = '';
  let cursor = from;
  for (const span of merged) {
    const start = Math.max(span.start, from);
    const end = Math.min(span.end, to);
    if (end <= start) continue;
    html += escapeHtml(text.slice(cursor, start));
    const cls = ['passage', span.className].filter(Boolean).join(' ');
    const title = span.label ? ` title="${escapeHtml(span.label)}"` : '';
    html += `<mark class="${escapeHtml(cls)}"${title}>${escapeHtml(text.slice(start, end))}</mark>`;
    cursor = end;
  }
  return html + escapeHtml(text.slice(cursor, to));
}

/**
 * Escaped paragraph text with `<mark>` around highlights (overlapping ones merged) and
 * `<ruby>base<rt>annotation</rt></ruby>` where the paragraph has ruby. A highlight that
 * crosses a ruby base is cut at its edges, so the markup stays well nested.
 */
export function paragraphTextHtml(text: string, highlights: readonly Highlight[] = [], ruby: readonly RubyView[] = []): string {
  const spans = highlights
    .filter((h) => h.start < h.end && h.start >= 0 && h.end <= text.length)
    .sort((a, b) => a.start - b.start);
  const merged: Highlight[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  const pairs = ruby.filter((r) => r.start < r.end && r.start >= 0 && r.end <= text.length).sort((a, b) => a.start - b.start);
  let html = '';
  let cursor = 0;
  for (const pair of pairs) {
    if (pair.start < cursor) continue; // overlapping ruby: keep the first
    html += markedRange(text, merged, cursor, pair.start);
    html += `<ruby>${markedRange(text, merged, pair.start, pair.end)}<rt>${escapeHtml(pair.text)}</rt></ruby>`;
    cursor = pair.end;
  }
  return html + markedRange(text, merged, cursor, text.length);
}

/**
 * Every paragraph with its decoration. A chapter has hundreds of paragraphs, so the markup is
 * built as strings (`../html.ts`, escaped exactly as hono/jsx escapes) rather than thousands of
 * JSX elements; it is the markup described at the top of this file.
 */
export const ChapterText: FC<{
  paragraphs: readonly ParagraphView[];
  decorate?: (paragraph: ParagraphView) => ParagraphDecoration | undefined;
  /** The book's language and direction; without it the text inherits both. */
  setting?: BookTextSetting;
}> = ({ paragraphs, decorate, setting }) => {
  // The margin is interface, in the reader's own direction (both UI languages run left to right).
  const marginDir = setting?.dir === 'rtl' ? 'ltr' : undefined;
  let html = '';
  for (const paragraph of paragraphs) {
    const decoration = decorate?.(paragraph);
    const text = paragraphTextHtml(paragraph.text, decoration?.highlights, paragraph.ruby ?? []);
    const level = Math.min(6, Math.max(2, paragraph.depth + 1));
    const inner =
      (paragraph.kind === 'heading' ? element(`h${level}`, { class: 'paragraph-text' }, text) : element('p', { class: 'paragraph-text' }, text)) +
      (decoration?.margin !== undefined ? element('div', { class: 'margin', dir: marginDir }, childHtml(decoration.margin)) : '');
    html += element(
      'div',
      {
        class: ['para', paragraph.kind === 'heading' ? 'para-heading' : '', decoration?.className].filter(Boolean).join(' '),
        id: `p-${paragraph.ordinal}`,
        'data-paragraph-id': paragraph.id,
        'data-ordinal': paragraph.ordinal,
        'data-position': paragraph.position,
      },
      inner,
    );
  }
  return markup(element('div', { class: 'reader-text', lang: setting?.lang, dir: setting?.dir }, html));
};
