/**
 * The book importer: one pure function from an uploaded file to a `ParsedBook`.
 *
 * @example
 * const book = parseBook({ bytes, filename: 'sample-ko-toc.txt' });
 * book.sections.filter((s) => s.kind === 'body').map((s) => s.title);
 * // ['프롤로그', '제1부: 봄, 첫 모임', '1.1. 책방 문을 열다', '간판 없는 책방', …]
 *
 * Format by file extension: `.txt`/`.text` → plain text, `.md`/`.markdown` → Markdown,
 * `.epub` → EPUB. Overrides (`title`, `author`, `language`) win over anything found in the
 * file; otherwise metadata wins over detection. Every paragraph and title is NFC-normalised
 * with whitespace collapsed; paragraphs over `maxParagraphChars` are split at a sentence or
 * word boundary (warning `paragraph_split`). Failures throw `ImportError`.
 */
import { createHash } from 'node:crypto';
import { decodeText } from './decode';
import { parseEpub } from './epub/index';
import { parseMarkdown } from './markdown';
import { parsePlainText } from './plain';
import { directionOf } from './direction';
import { finishParagraph, rubyWithin } from './rich';
import { cleanText, detectLanguage, primaryLanguage, splitLongParagraph } from './text';
import {
  DEFAULT_IMPORT_LIMITS,
  ImportError,
  type BookFormat,
  type ImportLimits,
  type ImportWarning,
  type OutlineSection,
  type ParsedBook,
  type RubyMark,
  type TextDirection,
  type WritingMode,
} from './types';

export * from './types';

export interface ParseBookInput {
  bytes: Uint8Array;
  filename: string;
  title?: string;
  author?: string;
  language?: string;
  /** Text files: the encoding the uploader chose in the preview (one of `UPLOAD_ENCODINGS`). */
  encoding?: string;
}

const EXTENSIONS: Record<string, BookFormat> = { txt: 'txt', text: 'txt', md: 'md', markdown: 'md', epub: 'epub' };

export function formatOf(filename: string): BookFormat | null {
  const ext = /\.([A-Za-z0-9]+)$/.exec(filename)?.[1]?.toLowerCase() ?? '';
  return EXTENSIONS[ext] ?? null;
}

function fileStem(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? filename;
  return cleanText(base.replace(/\.[^.]+$/, '').replace(/[_-]+/g, ' ')) || 'Untitled';
}

/** SHA-256 of the uploaded bytes, hex: the identity of one edition of a book. */
export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function parseBook(input: ParseBookInput, limits: ImportLimits = DEFAULT_IMPORT_LIMITS): ParsedBook {
  const { bytes, filename } = input;
  const format = formatOf(filename);
  if (!format) {
    throw new ImportError('unsupported_format', { ext: /\.([^.]+)$/.exec(filename)?.[1] ?? filename });
  }
  if (bytes.length === 0) throw new ImportError('empty_file');
  if (bytes.length > limits.maxFileBytes) {
    throw new ImportError('too_large', { size: bytes.length, limit: limits.maxFileBytes });
  }

  let title: string | null;
  let author: string | null;
  let language: string | null = null;
  let encoding = 'utf-8';
  let encodingAlternatives: string[] = [];
  let sections: OutlineSection[];
  let warnings: ImportWarning[];
  let contentDirection: TextDirection | null = null;
  let writingMode: WritingMode = 'horizontal-tb';

  if (format === 'epub') {
    if (!(bytes[0] === 0x50 && bytes[1] === 0x4b)) throw new ImportError('epub_invalid', { detail: 'not a ZIP archive' });
    ({ title, author, language, sections, warnings, direction: contentDirection, writingMode } = parseEpub(bytes, limits));
  } else {
    if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) throw new ImportError('binary');
    const decoded = decodeText(bytes, input.encoding);
    encoding = decoded.encoding;
    encodingAlternatives = decoded.alternatives;
    const text = decoded.text.replace(/^\ufeff/, '');
    if (format === 'md') {
      ({ title, author, language, sections, warnings } = parseMarkdown(text));
      language = primaryLanguage(language);
    } else {
      ({ title, author, sections, warnings } = parsePlainText(text));
    }
  }

  // Final pass: NFC + collapsed whitespace everywhere (line breaks of verse kept), ruby marks
  // turned into offsets, long paragraphs split, empties dropped.
  let split = 0;
  for (const section of sections) {
    section.title = cleanText(section.title);
    const paragraphs: string[] = [];
    const ruby: (RubyMark[] | undefined)[] = [];
    for (const paragraph of section.paragraphs) {
      const finished = finishParagraph(paragraph);
      if (!finished.text) continue;
      const pieces = splitLongParagraph(finished.text, limits.maxParagraphChars);
      if (pieces.length > 1) split++;
      let from = 0;
      for (const piece of pieces) {
        const at = finished.text.indexOf(piece, from);
        from = at + piece.length;
        paragraphs.push(piece);
        const marks = finished.ruby.length > 0 ? rubyWithin(finished.ruby, at, at + piece.length) : [];
        ruby.push(marks.length > 0 ? marks : undefined);
      }
    }
    section.paragraphs = paragraphs;
    if (ruby.some((marks) => marks !== undefined)) section.ruby = ruby;
    else delete section.ruby;
  }
  if (split > 0) warnings.push({ code: 'paragraph_split', params: { count: split, limit: limits.maxParagraphChars } });
  if (!sections.some((section) => section.paragraphs.length > 0)) throw new ImportError('no_text');

  const sample = sections
    .flatMap((section) => section.paragraphs)
    .join('\n')
    .slice(0, 200_000);
  const bookLanguage = primaryLanguage(input.language) ?? language ?? detectLanguage(sample);
  return {
    title: cleanText(input.title ?? '') || cleanText(title ?? '') || fileStem(filename),
    author: cleanText(input.author ?? '') || cleanText(author ?? '') || null,
    language: bookLanguage,
    direction: directionOf(bookLanguage, input.language ? null : contentDirection),
    writingMode,
    encoding,
    encodingAlternatives,
    format,
    sections,
    warnings,
  };
}
