/**
 * An edition's text direction: right to left for the languages written so (Arabic, Hebrew,
 * Persian, Urdu, …), or when the book's own content says `dir="rtl"`; left to right otherwise.
 * Japanese and Chinese books with `page-progression-direction="rtl"` are *vertical*, not RTL:
 * their lines run top to bottom and the reader may choose `writing-mode: vertical-rl`.
 */
import type { TextDirection } from './types';

const RTL_LANGUAGES = new Set(['ar', 'arc', 'ckb', 'dv', 'fa', 'he', 'iw', 'ks', 'ku', 'ps', 'sd', 'syr', 'ug', 'ur', 'yi']);

export function isRtlLanguage(language: string): boolean {
  return RTL_LANGUAGES.has(language.toLowerCase().split(/[-_]/)[0] ?? '');
}

/** `content`: what the book itself declares (EPUB `dir` and progression), null when it says nothing. */
export function directionOf(language: string, content: TextDirection | null): TextDirection {
  if (isRtlLanguage(language)) return 'rtl';
  return content ?? 'ltr';
}
