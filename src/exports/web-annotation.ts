/**
 * A member's notes as W3C Web Annotations (Web Annotation Data Model, W3C Recommendation
 * 23 February 2017), in JSON-LD with the model's own context. Pure: no I/O.
 *
 * - An **annotation** per comment: `motivation` `commenting` (a root) or `replying` (a reply,
 *   whose `target` is its parent annotation's IRI, as the model's section 3.3.5 example does).
 *   The body is one `TextualBody` holding the member's own Markdown (`format` `text/markdown`,
 *   `language` the club's language). Nothing of anyone else is written: not the parent's text,
 *   not a quoted reply.
 * - A **passage** or **paragraph** comment targets a `SpecificResource` whose `source` is the
 *   edition's paragraph URL (`…/books/:edition/chapters/:n#p-:m`) with two selectors of that
 *   paragraph's text: a `TextQuoteSelector` (`exact`, `prefix`, `suffix`, up to 32 characters of
 *   context) and a `TextPositionSelector`. A whole paragraph is quoted whole (`start` 0).
 *   A chapter comment targets the chapter's URL itself.
 * - **Positions are code points.** The model counts characters (section 4.2.5); Marginalia
 *   stores UTF-16 code units (what browsers' ranges use), so offsets are converted on the way
 *   out ({@link codePointOffset}) and back on the way in ({@link utf16Offset}). For Hangul,
 *   kana and every other BMP text they are the same number; they differ after an emoji.
 * - An **AnnotationCollection** is paged into **AnnotationPage**s of {@link ANNOTATIONS_PER_PAGE}:
 *   the collection embeds its first page and names the last; each page is served at the
 *   collection's URL with `page=N` (1-based) and links `next`/`prev` and `partOf`.
 *
 * @example
 * const doc = annotationCollection(notes, { id: 'https://x/account/annotations/export.jsonld', label: 'My notes' }, new Date());
 */
import type { ExportedNote } from './types';

export const ANNO_CONTEXT = 'http://www.w3.org/ns/anno.jsonld';
/** The media type of a Web Annotation document (section 6 of the protocol; the model's `profile`). */
export const ANNO_MEDIA_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"';
export const ANNOTATIONS_PER_PAGE = 100;

/** Code points before `utf16` in `text` (an offset the model counts in characters). */
export function codePointOffset(text: string, utf16: number): number {
  let count = 0;
  for (let i = 0; i < utf16 && i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i += 1;
    }
    count += 1;
  }
  return count;
}

/** The UTF-16 offset of the `codePoints`-th character of `text` (clamped to its length). */
export function utf16Offset(text: string, codePoints: number): number {
  let at = 0;
  for (let n = 0; n < codePoints && at < text.length; n++) {
    const code = text.codePointAt(at) ?? 0;
    at += code > 0xffff ? 2 : 1;
  }
  return at;
}

const iso = (ms: number) => new Date(ms).toISOString();

export type WebAnnotation = Record<string, unknown> & { id: string; type: 'Annotation' };

/** One note as a Web Annotation (with its own `@context`, so each item stands alone). */
export function webAnnotation(note: ExportedNote): WebAnnotation {
  const annotation: WebAnnotation = {
    '@context': ANNO_CONTEXT,
    id: note.annotationId,
    type: 'Annotation',
    motivation: note.kind === 'reply' ? 'replying' : 'commenting',
    created: iso(note.createdAt),
    ...(note.editedAt !== null ? { modified: iso(note.editedAt) } : {}),
    creator: { type: 'Person', name: note.author.displayName, nickname: note.author.username },
    body: { type: 'TextualBody', value: note.body, format: 'text/markdown', language: note.bodyLanguage, purpose: note.kind === 'reply' ? 'replying' : 'commenting' },
    target: targetOf(note),
  };
  return annotation;
}

function targetOf(note: ExportedNote): unknown {
  if (note.kind === 'reply' && note.parentAnnotationId) return note.parentAnnotationId;
  if (note.quote && note.paragraphUrl) {
    const { quote } = note;
    const quoteSelector: Record<string, unknown> = { type: 'TextQuoteSelector', exact: quote.exact };
    if (quote.prefix !== '') quoteSelector.prefix = quote.prefix;
    if (quote.suffix !== '') quoteSelector.suffix = quote.suffix;
    return {
      type: 'SpecificResource',
      source: note.paragraphUrl,
      selector: [
        quoteSelector,
        { type: 'TextPositionSelector', start: codePointOffset(quote.paragraphText, quote.start), end: codePointOffset(quote.paragraphText, quote.end) },
      ],
    };
  }
  return note.paragraphUrl ?? note.chapterUrl;
}

export interface CollectionInfo {
  /** The collection's IRI (its pages add `page=N`). */
  id: string;
  label: string;
  perPage?: number;
}

export function pageUrl(collectionId: string, page: number): string {
  return `${collectionId}${collectionId.includes('?') ? '&' : '?'}page=${page}`;
}

export function pageCount(total: number, perPage = ANNOTATIONS_PER_PAGE): number {
  return Math.max(1, Math.ceil(total / perPage));
}

/** The collection document: total, label, the first page embedded and the last one named. */
export function annotationCollection(notes: readonly ExportedNote[], info: CollectionInfo): Record<string, unknown> {
  const perPage = info.perPage ?? ANNOTATIONS_PER_PAGE;
  const pages = pageCount(notes.length, perPage);
  const collection: Record<string, unknown> = {
    '@context': ANNO_CONTEXT,
    id: info.id,
    type: 'AnnotationCollection',
    label: info.label,
    total: notes.length,
  };
  if (notes.length > 0) {
    const { '@context': _context, ...first } = annotationPage(notes, info, 1);
    void _context;
    collection.first = first;
    collection.last = pageUrl(info.id, pages);
  }
  return collection;
}

/** Page `page` (1-based) of the collection; null past the last page. */
export function annotationPage(notes: readonly ExportedNote[], info: CollectionInfo, page: number): Record<string, unknown> {
  const perPage = info.perPage ?? ANNOTATIONS_PER_PAGE;
  const pages = pageCount(notes.length, perPage);
  const startIndex = (page - 1) * perPage;
  const doc: Record<string, unknown> = {
    '@context': ANNO_CONTEXT,
    id: pageUrl(info.id, page),
    type: 'AnnotationPage',
    partOf: { id: info.id, label: info.label, total: notes.length },
    startIndex,
    items: notes.slice(startIndex, startIndex + perPage).map(webAnnotation),
  };
  if (page > 1) doc.prev = pageUrl(info.id, page - 1);
  if (page < pages) doc.next = pageUrl(info.id, page + 1);
  return doc;
}
