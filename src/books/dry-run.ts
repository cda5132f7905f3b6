/**
 * A dry run of an import: what a moderator sees before the book is saved (title, outline with
 * paragraph counts, warnings in words). Pure; used by the CLI and the upload preview.
 *
 * @example
 * const summary = dryRunSummary(parseBook({ bytes, filename }), 'ko');
 * summary.outline[0]; // { depth: 1, title: '', paragraphs: 12 }
 */
import { translate, type MessageKey } from '../i18n/index';
import type { ParsedBook } from './import/types';
import { paginate } from './pages';

export interface DryRunSummary {
  title: string;
  author: string | null;
  language: string;
  encoding: string;
  paragraphs: number;
  outline: { depth: number; title: string; paragraphs: number }[];
  warnings: string[];
}

export function dryRunSummary(book: ParsedBook, locale: 'en' | 'ko' = 'en'): DryRunSummary {
  return {
    title: book.title,
    author: book.author,
    language: book.language,
    encoding: book.encoding,
    paragraphs: book.sections.reduce((sum, section) => sum + section.paragraphs.length, 0),
    outline: book.sections.map((section) => ({ depth: section.depth, title: section.title, paragraphs: section.paragraphs.length })),
    // The importer's warnings, and the page splitter's (chapters split for length).
    warnings: [...book.warnings, ...paginate(book.sections).warnings].map((warning) =>
      translate(locale, `import.warning.${warning.code}` as MessageKey, warning.params),
    ),
  };
}
