/**
 * The shapes the book importer hands to the rest of Marginalia.
 *
 * The importer is pure: bytes in, a `ParsedBook` out (or an `ImportError`). It never touches
 * the database or the network, so the same function serves the upload route, the CLI dry run
 * and the benchmark.
 */

export type BookFormat = 'txt' | 'md' | 'epub';

/** `front` and `back` are the pages around the book proper (title page, colophon, closing note). */
export type SectionKind = 'front' | 'body' | 'back';

/** A non-fatal finding. `code` is rendered through `translate(locale, 'import.warning.' + code, params)`. */
export interface ImportWarning {
  code: string;
  params: Record<string, string | number>;
}

/** A ruby annotation over `text.slice(start, end)` of a paragraph (UTF-16 offsets, like passages). */
export interface RubyMark {
  start: number;
  end: number;
  text: string;
}

/** Which way the book's lines run: set on the book text in the reader, never on the interface around it. */
export type TextDirection = 'ltr' | 'rtl';
export type WritingMode = 'horizontal-tb' | 'vertical-rl';

/** One heading of the book and the paragraphs that follow it up to the next heading. */
export interface OutlineSection {
  /** 1 = top level (part, or chapter when the book has no parts). */
  depth: number;
  /** As the table of contents words it; '' for front or back matter that has no heading. */
  title: string;
  kind: SectionKind;
  /** NFC-normalised, whitespace collapsed, never empty strings. Verse keeps its line breaks as `\n`. */
  paragraphs: string[];
  /** Ruby annotations of `paragraphs[i]`, when it has any (same indices). */
  ruby?: (RubyMark[] | undefined)[];
}

export interface ParsedBook {
  title: string;
  author: string | null;
  /** Primary language subtag: 'ko', 'ja', 'en', … */
  language: string;
  /** What the bytes were decoded from: 'utf-8', 'utf-16le', 'utf-16be', 'euc-kr', … */
  encoding: string;
  /** Other encodings the bytes also read as (legacy text files only), for the preview's override. */
  encodingAlternatives: string[];
  format: BookFormat;
  /** From the language, the EPUB's `page-progression-direction` and the content's `dir`. */
  direction: TextDirection;
  /** `vertical-rl` when the EPUB's CSS sets it (Japanese, Chinese): the reader may choose it. */
  writingMode: WritingMode;
  /** Reading order. Every heading is one entry. */
  sections: OutlineSection[];
  warnings: ImportWarning[];
}

export interface ImportLimits {
  /** Size of the uploaded file itself (any format). */
  maxFileBytes: number;
  /** EPUB: sum of the declared uncompressed sizes of all entries. */
  maxUncompressedBytes: number;
  /** EPUB: number of entries in the archive. */
  maxEntries: number;
  /** EPUB: declared (and actual) uncompressed size of any one entry. */
  maxEntryBytes: number;
  /** Longer paragraphs are split at a sentence or word boundary (with a warning), never cut. */
  maxParagraphChars: number;
}

/**
 * Defaults, chosen to fit any real book with room to spare while keeping one import's memory
 * bounded (a few hundred MB at worst):
 * - 20 MB per uploaded file: a long novel as EPUB with images is 1–10 MB; plain text of
 *   the longest novels is under 10 MB.
 * - 200 MB declared uncompressed in total, 50 MB per entry, 5,000 entries: EPUBs are
 *   mostly text and images; anything beyond this is a zip bomb or not a book.
 * - 10,000 characters per paragraph: a Korean paragraph is rarely over 1,000; longer
 *   "paragraphs" come from text without line breaks and would make anchoring unwieldy.
 */
export const DEFAULT_IMPORT_LIMITS: ImportLimits = {
  maxFileBytes: 20 * 1024 * 1024,
  maxUncompressedBytes: 200 * 1024 * 1024,
  maxEntries: 5_000,
  maxEntryBytes: 50 * 1024 * 1024,
  maxParagraphChars: 10_000,
};

export const IMPORT_ERROR_CODES = [
  'empty_file',
  'too_large',
  'binary',
  'no_text',
  'no_text_images',
  'no_text_fixed_layout',
  'unsupported_format',
  'bad_encoding',
  'bad_encoding_mojibake',
  'epub_invalid',
  'epub_drm',
  'epub_too_many_entries',
  'epub_too_large',
  'epub_path_escape',
  'import_timeout',
  'import_too_complex',
] as const;

export type ImportErrorCode = (typeof IMPORT_ERROR_CODES)[number];

/**
 * A file that cannot be imported. `code` maps to `import.error.<code>` in the message
 * catalogue; `params` fill its placeholders.
 */
export class ImportError extends Error {
  constructor(
    public code: ImportErrorCode,
    public params: Record<string, string | number> = {},
  ) {
    super(`import failed: ${code}${Object.keys(params).length ? ' ' + JSON.stringify(params) : ''}`);
    this.name = 'ImportError';
  }
}
