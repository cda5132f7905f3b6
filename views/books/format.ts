/** Small formatting helpers shared by the books views (no data access). */
import { formatNumber as formatLocaleNumber, type Translator } from '../../src/i18n';

export { chapterName } from '../../src/books';

/** "Korean", "영어"… from a language code, in the reader's UI language. */
export function languageName(locale: string, code: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function formatDate(locale: string, ms: number): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(ms));
}

export function formatNumber(locale: string, n: number): string {
  return formatLocaleNumber(locale, n);
}

/**
 * A book's size in words, the same everywhere it is shown (library, book page, picker, upload
 * preview): its reader chapters and its paragraphs of text (headings are not paragraphs).
 */
export function bookCounts(t: Translator, counts: { chapters: number; paragraphs: number }): { chapters: string; paragraphs: string } {
  return { chapters: t('books.count.chapters', { count: counts.chapters }), paragraphs: t('books.count.paragraphs', { count: counts.paragraphs }) };
}

export const FORMAT_LABELS: Record<string, string> = { txt: 'TXT', md: 'Markdown', epub: 'EPUB' };

/** Link to a place in a chapter. */
export function chapterHref(editionId: number, chapterOrdinal: number, paragraphOrdinal?: number | null): string {
  return `/books/${editionId}/chapters/${chapterOrdinal}${paragraphOrdinal ? `#p-${paragraphOrdinal}` : ''}`;
}

export { encodingLabel } from '../../src/books';
