/**
 * Vertical writing is the reader's choice, for the books it suits.
 *
 * Japanese and Chinese books (and Korean ones) may be read top to bottom, right to left
 * (`writing-mode: vertical-rl`, ruby beside the line). We never impose it: the default is
 * horizontal, and a reader who picks "vertical" keeps it (a cookie, per browser, for every
 * book that offers it) until they pick "horizontal" again. An edition offers the choice when
 * its text is CJK or its EPUB was set vertically (`editions.writing_mode`).
 */
export const WRITING_COOKIE = 'writing_mode';

export type ReaderWriting = 'vertical' | 'horizontal';

const CJK = new Set(['ja', 'zh', 'ko']);

export function offersVerticalWriting(edition: { language: string; writingMode: string }): boolean {
  return edition.writingMode === 'vertical-rl' || CJK.has(edition.language);
}

/** The cookie's or the form's value, or null for anything else. */
export function writingModeFrom(value: string | undefined): ReaderWriting | null {
  return value === 'vertical' || value === 'horizontal' ? value : null;
}
