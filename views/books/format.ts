/** Small formatting helpers shared by the books views (no data access). */
import type { Translator } from '../../src/i18n';

/** A chapter's name for navigation: its title, or "Front matter"/"Back matter" when untitled. */
export function chapterName(t: Translator, chapter: { title: string; kind: 'front' | 'body' | 'back' }): string {
  if (chapter.title) return chapter.title;
  if (chapter.kind === 'front') return t('books.chapter.front_matter');
  if (chapter.kind === 'back') return t('books.chapter.back_matter');
  return t('books.chapter.untitled');
}

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
  return new Intl.NumberFormat(locale).format(n);
}

export const FORMAT_LABELS: Record<string, string> = { txt: 'TXT', md: 'Markdown', epub: 'EPUB' };

/** Link to a place in a chapter. */
export function chapterHref(editionId: number, chapterOrdinal: number, paragraphOrdinal?: number | null): string {
  return `/books/${editionId}/chapters/${chapterOrdinal}${paragraphOrdinal ? `#p-${paragraphOrdinal}` : ''}`;
}

export { encodingLabel } from '../../src/books';
