import { describe, expect, it } from 'vitest';
import { anchorAnnotations, IMPORT_MAX_ANNOTATIONS, parseUpload, type ImportParagraph } from '../../../src/exports/import';

const paragraphs: ImportParagraph[] = [
  { id: 11, text: '第一章', position: 1, chapterId: 1, ordinal: 1, chapterOrdinal: 1 },
  { id: 12, text: '吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。', position: 2, chapterId: 1, ordinal: 2, chapterOrdinal: 1 },
  { id: 13, text: '何でも薄暗いじめじめした所でニャーニャー泣いていた事だけは記憶している。', position: 3, chapterId: 1, ordinal: 3, chapterOrdinal: 1 },
];

const annotation = (exact: string, body = 'メモ', extra: Record<string, unknown> = {}) => ({
  '@context': 'http://www.w3.org/ns/anno.jsonld',
  type: 'Annotation',
  body: { type: 'TextualBody', value: body, format: 'text/markdown' },
  target: { type: 'SpecificResource', source: 'https://elsewhere.example/book', selector: [{ type: 'TextQuoteSelector', exact }] },
  ...extra,
});

describe('reading an uploaded Web Annotation document', () => {
  it('accepts a collection, a page, an array or one annotation, and refuses the rest with a message key', () => {
    const a = annotation('名前はまだ無い');
    expect(parseUpload(JSON.stringify({ type: 'AnnotationCollection', total: 1, first: { type: 'AnnotationPage', items: [a] } }))).toMatchObject({ ok: true, annotations: [a], declaredTotal: null });
    expect(parseUpload(JSON.stringify({ type: 'AnnotationCollection', total: 3, first: { type: 'AnnotationPage', items: [a] } }))).toMatchObject({ ok: true, declaredTotal: 3 });
    expect(parseUpload(JSON.stringify({ type: 'AnnotationPage', items: [a, a] }))).toMatchObject({ ok: true, annotations: [a, a] });
    expect(parseUpload(`\uFEFF${JSON.stringify([a])}`)).toMatchObject({ ok: true, annotations: [a] });
    expect(parseUpload(JSON.stringify(a))).toMatchObject({ ok: true, annotations: [a] });
    expect(parseUpload('not json')).toEqual({ ok: false, error: 'exports.import.error.not_json' });
    expect(parseUpload('{"type":"Person"}')).toEqual({ ok: false, error: 'exports.import.error.not_annotations' });
    expect(parseUpload(JSON.stringify({ type: 'AnnotationCollection', first: 'https://x/page1' }))).toEqual({ ok: false, error: 'exports.import.error.other_pages' });
    expect(parseUpload(JSON.stringify({ type: 'AnnotationPage', items: Array.from({ length: IMPORT_MAX_ANNOTATIONS + 1 }, () => a) }))).toEqual({ ok: false, error: 'exports.import.error.too_many' });
  });

  it('finds each quote again, makes a whole-paragraph quote a paragraph note, and lists every miss with its reason', () => {
    const { anchored, unmatched } = anchorAnnotations(
      [
        annotation('名前はまだ無い'),
        annotation('何でも薄暗いじめじめした所でニャーニャー泣いていた事だけは記憶している。', '段落'),
        annotation('この文は本にない、まったく別の文章です'),
        annotation('吾輩は猫である', 'reply', { motivation: 'replying' }),
        { type: 'Annotation', body: { type: 'TextualBody', value: 'no quote' }, target: 'https://x/y' },
        annotation('名前はまだ無い', '   '),
        { type: 'Person' },
        annotation('名前はまだ無い', '<p>HTML <b>body</b></p>', { body: { type: 'TextualBody', value: '<p>HTML <b>body</b></p>', format: 'text/html' } }),
      ],
      paragraphs,
      () => undefined,
    );
    expect(anchored.map((n) => [n.index, n.paragraph.id, n.passage?.exact ?? null, n.body])).toEqual([
      [1, 12, '名前はまだ無い', 'メモ'],
      [2, 13, null, '段落'],
      [8, 12, '名前はまだ無い', 'HTML body'],
    ]);
    expect(anchored[0]!.passage).toMatchObject({ start: 8, end: 15, prefix: '吾輩は猫である。' });
    expect(unmatched.map((n) => [n.index, n.reason])).toEqual([
      [3, 'not_found'],
      [4, 'reply'],
      [5, 'no_quote'],
      [6, 'empty_body'],
      [7, 'invalid'],
    ]);
  });
});
