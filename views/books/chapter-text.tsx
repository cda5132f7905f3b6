/**
 * The text of a chapter: every paragraph and heading with its stable anchor (`#p-12`, the
 * ordinal within the chapter) and its id for comments. Areas decorate paragraphs without
 * touching this markup: passage highlights go inside the text, anything else (comment counts,
 * "read up to here") goes in the paragraph's margin slot.
 *
 * Markup, relied on by `views/static/passage.js` and `reader.js`:
 *   <div class="para" id="p-12" data-paragraph-id="345" data-ordinal="12" data-position="812">
 *     <p class="paragraph-text">…text, with <mark> for passages…</p>
 *     <div class="margin">…slot…</div>
 *   </div>
 */
import type { FC } from 'hono/jsx';
import { raw } from 'hono/html';
import { escapeHtml } from '../../src/http/errors';
import type { Highlight, ParagraphDecoration, ParagraphView } from '../../src/books';

export type { Highlight, ParagraphDecoration, ParagraphView };

/** Escaped paragraph text with `<mark>` around highlights; overlapping highlights are merged. */
export function paragraphTextHtml(text: string, highlights: readonly Highlight[] = []): string {
  if (highlights.length === 0) return escapeHtml(text);
  const spans = highlights
    .filter((h) => h.start < h.end && h.start >= 0 && h.end <= text.length)
    .sort((a, b) => a.start - b.start);
  const merged: Highlight[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  let html = '';
  let cursor = 0;
  for (const span of merged) {
    html += escapeHtml(text.slice(cursor, span.start));
    const cls = ['passage', span.className].filter(Boolean).join(' ');
    const title = span.label ? ` title="${escapeHtml(span.label)}"` : '';
    html += `<mark class="${escapeHtml(cls)}"${title}>${escapeHtml(text.slice(span.start, span.end))}</mark>`;
    cursor = span.end;
  }
  return html + escapeHtml(text.slice(cursor));
}

export const ChapterText: FC<{
  paragraphs: readonly ParagraphView[];
  decorate?: (paragraph: ParagraphView) => ParagraphDecoration | undefined;
}> = ({ paragraphs, decorate }) => (
  <div class="reader-text">
    {paragraphs.map((paragraph) => {
      const decoration = decorate?.(paragraph);
      const text = raw(paragraphTextHtml(paragraph.text, decoration?.highlights));
      const level = Math.min(6, Math.max(2, paragraph.depth + 1));
      const Heading = `h${level}` as 'h2';
      return (
        <div
          class={['para', paragraph.kind === 'heading' ? 'para-heading' : '', decoration?.className].filter(Boolean).join(' ')}
          id={`p-${paragraph.ordinal}`}
          data-paragraph-id={paragraph.id}
          data-ordinal={paragraph.ordinal}
          data-position={paragraph.position}
        >
          {paragraph.kind === 'heading' ? <Heading class="paragraph-text">{text}</Heading> : <p class="paragraph-text">{text}</p>}
          {decoration?.margin !== undefined && <div class="margin">{decoration.margin}</div>}
        </div>
      );
    })}
  </div>
);
