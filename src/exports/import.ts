/**
 * Reading an uploaded W3C Web Annotation document and finding each annotation's place in a
 * book. Pure: the edition's paragraphs come in, the notes to write (and the ones that did not
 * match) go out.
 *
 * **What is accepted** (checked with zod, {@link IMPORT_MAX_ANNOTATIONS} annotations at most,
 * the file itself at most {@link IMPORT_MAX_BYTES}): an `AnnotationCollection` (its embedded
 * `first` page), an `AnnotationPage`, a single `Annotation`, or a JSON array of annotations —
 * what Marginalia exports and what Hypothesis-style tools write. A collection that declares a
 * larger `total` than it carries is reported (its other pages were not uploaded).
 *
 * **What becomes a note**: an annotation whose target carries a `TextQuoteSelector` (directly,
 * in a `SpecificResource`, or in a list of them) and whose body has text. Its place is found
 * by the annotations area's re-anchoring (`reanchorPassage`: the exact quote with the most
 * context, then a fuzzy match above its threshold), with the `TextPositionSelector` and, when
 * the `source` names a paragraph of this very edition, that paragraph as hints. A quote that
 * covers a whole paragraph becomes a note on the paragraph. Replies (they answer someone, and
 * an import writes only private notes), chapter-level annotations (no quote to find) and
 * annotations whose quote is not in the book are listed as not imported, with the reason —
 * never dropped silently.
 *
 * Bodies: `TextualBody` values (or `bodyValue`); `text/html` bodies are reduced to their text;
 * everything else is taken as the Markdown it most likely is. Then the comment body rules apply
 * (NFC, at most `COMMENT_MAX_CHARS`).
 */
import sanitizeHtml from 'sanitize-html';
import { z } from 'zod';
import { COMMENT_MAX_CHARS, MAX_PASSAGE_CHARS, normalizeCommentBody, reanchorPassage, validateSelector, type EditionParagraph } from '../annotations';
import type { UnmatchedReason } from './types';
import { utf16Offset } from './web-annotation';

/** The largest file an import reads. */
export const IMPORT_MAX_BYTES = 2 * 1024 * 1024;
/** The most annotations one import takes (each is looked for in the whole book). */
export const IMPORT_MAX_ANNOTATIONS = 500;

const text = z.string().max(200_000);
const typeIs = (name: string) => z.union([z.literal(name), z.array(z.string()).refine((list) => list.includes(name))]);

const quoteSelector = z.object({ type: typeIs('TextQuoteSelector'), exact: text, prefix: text.optional(), suffix: text.optional() }).loose();
const positionSelector = z.object({ type: typeIs('TextPositionSelector'), start: z.number().int().min(0), end: z.number().int().min(0) }).loose();
const anySelector = z.object({ type: z.union([z.string(), z.array(z.string())]) }).loose();
const selectorField = z.union([anySelector, z.array(anySelector).max(20), z.string()]);

const specificResource = z.object({ source: z.union([z.string(), z.object({ id: z.string() }).loose()]).optional(), selector: selectorField.optional() }).loose();
const targetField = z.union([z.string(), specificResource, z.array(z.union([z.string(), specificResource])).max(20)]);

const textualBody = z.object({ type: z.union([z.string(), z.array(z.string())]).optional(), value: text.optional(), format: z.string().max(200).optional(), purpose: z.union([z.string(), z.array(z.string())]).optional() }).loose();
const bodyField = z.union([z.string(), textualBody, z.array(z.union([z.string(), textualBody])).max(20)]);

export const annotationSchema = z
  .object({
    type: typeIs('Annotation'),
    motivation: z.union([z.string(), z.array(z.string())]).optional(),
    body: bodyField.optional(),
    bodyValue: text.optional(),
    target: targetField,
  })
  .loose();

const pageSchema = z.object({ type: typeIs('AnnotationPage'), items: z.array(z.unknown()).max(IMPORT_MAX_ANNOTATIONS, 'exports.import.error.too_many') }).loose();
const collectionSchema = z
  .object({ type: typeIs('AnnotationCollection'), total: z.number().int().min(0).optional(), first: z.union([z.string(), pageSchema]).optional() })
  .loose();

export type ImportAnnotation = z.infer<typeof annotationSchema>;

export type ParsedUpload =
  | { ok: true; annotations: unknown[]; declaredTotal: number | null }
  | { ok: false; error: 'exports.import.error.not_json' | 'exports.import.error.not_annotations' | 'exports.import.error.too_many' | 'exports.import.error.other_pages' };

/** The annotations an uploaded document carries (each still to be checked one by one). */
export function parseUpload(raw: string): ParsedUpload {
  let json: unknown;
  try {
    json = JSON.parse(raw.replace(/^\uFEFF/, ''));
  } catch {
    return { ok: false, error: 'exports.import.error.not_json' };
  }
  const tooMany = (n: number) => n > IMPORT_MAX_ANNOTATIONS;
  if (Array.isArray(json)) return tooMany(json.length) ? { ok: false, error: 'exports.import.error.too_many' } : { ok: true, annotations: json, declaredTotal: null };
  const collection = collectionSchema.safeParse(json);
  if (collection.success) {
    const first = collection.data.first;
    if (typeof first === 'string') return { ok: false, error: 'exports.import.error.other_pages' };
    const items = first?.items ?? [];
    const total = collection.data.total ?? null;
    return { ok: true, annotations: items, declaredTotal: total !== null && total > items.length ? total : null };
  }
  if (collection.error.issues.some((issue) => issue.message === 'exports.import.error.too_many')) return { ok: false, error: 'exports.import.error.too_many' };
  const page = pageSchema.safeParse(json);
  if (page.success) return { ok: true, annotations: page.data.items, declaredTotal: null };
  if (page.error.issues.some((issue) => issue.message === 'exports.import.error.too_many')) return { ok: false, error: 'exports.import.error.too_many' };
  if (annotationSchema.safeParse(json).success) return { ok: true, annotations: [json], declaredTotal: null };
  return { ok: false, error: 'exports.import.error.not_annotations' };
}

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const hasType = (value: { type?: unknown }, name: string) => asList(value.type as string | string[] | undefined).includes(name);

/** The annotation's text: the first textual body with a value (HTML reduced to its text). */
export function bodyTextOf(annotation: ImportAnnotation): string | null {
  if (typeof annotation.bodyValue === 'string') return annotation.bodyValue;
  for (const body of asList(annotation.body)) {
    if (typeof body === 'string') continue; // an IRI: an external body we do not fetch
    if (typeof body.value !== 'string') continue;
    if ((body.format ?? '').toLowerCase().startsWith('text/html')) return sanitizeHtml(body.value, { allowedTags: [], allowedAttributes: {} });
    return body.value;
  }
  return null;
}

export interface QuoteTarget {
  source: string | null;
  exact: string;
  prefix: string;
  suffix: string;
  /** Code points, as the model counts. */
  start: number | null;
  end: number | null;
}

/** The first target carrying a TextQuoteSelector, with the position selector beside it. */
export function quoteTargetOf(annotation: ImportAnnotation): QuoteTarget | null {
  for (const target of asList(annotation.target)) {
    if (typeof target === 'string') continue;
    const selectors = asList(target.selector).filter((s): s is z.infer<typeof anySelector> => typeof s !== 'string');
    const quote = selectors.map((s) => quoteSelector.safeParse(s)).find((r) => r.success)?.data;
    if (!quote) continue;
    const position = selectors.map((s) => positionSelector.safeParse(s)).find((r) => r.success)?.data;
    const source = typeof target.source === 'string' ? target.source : (target.source?.id ?? null);
    return { source, exact: quote.exact, prefix: quote.prefix ?? '', suffix: quote.suffix ?? '', start: position?.start ?? null, end: position?.end ?? null };
  }
  return null;
}

export function isReply(annotation: ImportAnnotation): boolean {
  return asList(annotation.motivation).includes('replying');
}

export interface ImportParagraph extends EditionParagraph {
  ordinal: number;
  chapterOrdinal: number;
}

/** A note to write: on a paragraph, with a passage or (a whole paragraph quoted) without. */
export interface AnchoredNote {
  index: number;
  paragraph: ImportParagraph;
  passage: { start: number; end: number; exact: string; prefix: string; suffix: string } | null;
  body: string;
}

export interface UnmatchedNote {
  index: number;
  reason: UnmatchedReason;
  exact: string | null;
  body: string;
}

/**
 * Where each annotation goes in the edition (`paragraphs` in reading order). `paragraphOfSource`
 * turns a `source` IRI into a paragraph of this edition when it names one (a hint only).
 */
export function anchorAnnotations(
  annotations: readonly unknown[],
  paragraphs: readonly ImportParagraph[],
  paragraphOfSource: (source: string) => ImportParagraph | undefined,
): { anchored: AnchoredNote[]; unmatched: UnmatchedNote[] } {
  const anchored: AnchoredNote[] = [];
  const unmatched: UnmatchedNote[] = [];
  const byId = new Map(paragraphs.map((p) => [p.id, p]));
  const range = { min: paragraphs[0]?.position ?? 0, max: paragraphs[paragraphs.length - 1]?.position ?? 0 };

  annotations.forEach((value, i) => {
    const index = i + 1;
    const parsed = annotationSchema.safeParse(value);
    if (!parsed.success) return unmatched.push({ index, reason: 'invalid', exact: null, body: '' });
    const annotation = parsed.data;
    const rawBody = bodyTextOf(annotation) ?? '';
    const target = quoteTargetOf(annotation);
    const miss = (reason: UnmatchedReason) => unmatched.push({ index, reason, exact: target?.exact ?? null, body: rawBody });
    if (isReply(annotation)) return miss('reply');
    if (!target || target.exact.normalize('NFC').trim() === '') return miss('no_quote');
    const body = normalizeCommentBody(rawBody);
    if (!body.ok) return miss(body.error === 'empty' ? 'empty_body' : 'body_too_long');

    const exact = target.exact.normalize('NFC');
    const hint = target.source ? paragraphOfSource(target.source) : undefined;
    const start = hint && target.start !== null ? utf16Offset(hint.text, target.start) : (target.start ?? 0);
    const found = reanchorPassage(
      {
        paragraphText: hint?.text ?? '',
        paragraphPosition: hint?.position ?? range.min,
        selector: { exact, prefix: target.prefix.normalize('NFC'), suffix: target.suffix.normalize('NFC'), start, end: start + exact.length },
      },
      paragraphs,
      range,
    );
    if (found.orphaned) return miss('not_found');
    const paragraph = byId.get(found.paragraphId)!;
    if (found.start === 0 && found.end === paragraph.text.length) {
      return anchored.push({ index, paragraph, passage: null, body: body.body });
    }
    const checked = validateSelector(paragraph.text, { start: found.start, end: found.end, exact: found.selector.exact });
    if (!checked.ok || checked.selector.end - checked.selector.start > MAX_PASSAGE_CHARS) return miss('not_found');
    const { selector } = checked;
    anchored.push({ index, paragraph, passage: { start: selector.start, end: selector.end, exact: selector.exact, prefix: selector.prefix, suffix: selector.suffix }, body: body.body });
  });
  return { anchored, unmatched };
}

export { COMMENT_MAX_CHARS };
