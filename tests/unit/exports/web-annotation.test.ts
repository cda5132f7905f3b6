import { describe, expect, it } from 'vitest';
import { annotationCollection, annotationPage, codePointOffset, utf16Offset, webAnnotation } from '../../../src/exports/web-annotation';
import { escapeMarkdown, notesCsv, bookMarkdown } from '../../../src/exports/documents';
import type { ExportedNote } from '../../../src/exports';
import { translator } from '../../../src/i18n';
import { schemaErrors } from './schema';

const text = '소년은 개울가에서 소녀를 보자 곧 윤 초시네 증손녀딸이라는 걸 알 수 있었다. 🌙 달이 떴다.';

function note(overrides: Partial<ExportedNote> = {}): ExportedNote {
  return {
    commentId: 1,
    annotationId: 'http://localhost:3000/clubs/1/paragraphs/5/comments#c-1',
    parentAnnotationId: null,
    kind: 'passage',
    clubId: 1,
    clubName: '소나기 모임',
    bodyLanguage: 'ko',
    editionId: 3,
    bookTitle: '소나기',
    bookAuthor: '황순원',
    bookLanguage: 'ko',
    bookDirection: 'ltr',
    chapterOrdinal: 2,
    chapterName: '1',
    chapterUrl: 'http://localhost:3000/books/3/chapters/2',
    paragraphOrdinal: 4,
    paragraphUrl: 'http://localhost:3000/books/3/chapters/2#p-4',
    quote: { exact: '개울가에서', prefix: '소년은 ', suffix: ' 소녀를 보자 곧 윤 초시네 증손녀딸이라는 걸 알 수', start: 4, end: 9, paragraphText: text },
    body: '물가의 **장면**이 좋아요.',
    visibility: 'private',
    hidden: false,
    createdAt: Date.UTC(2026, 10, 1),
    editedAt: null,
    author: { username: 'alice', displayName: '앨리스' },
    ...overrides,
  };
}

describe('W3C Web Annotation writer', () => {
  it('counts TextPositionSelector offsets in code points, and converts back', () => {
    const at = text.indexOf('달');
    expect(codePointOffset(text, at)).toBe(at - 1); // the moon emoji is two UTF-16 units, one character
    expect(utf16Offset(text, at - 1)).toBe(at);
    expect(codePointOffset(text, 4)).toBe(4); // Hangul: the same number
  });

  it('writes a passage note that satisfies the schema, with both selectors on a SpecificResource', () => {
    const annotation = webAnnotation(note());
    expect(schemaErrors('annotation', annotation)).toEqual([]);
    expect(annotation).toMatchObject({
      '@context': 'http://www.w3.org/ns/anno.jsonld',
      type: 'Annotation',
      motivation: 'commenting',
      body: { type: 'TextualBody', format: 'text/markdown', language: 'ko', value: '물가의 **장면**이 좋아요.' },
      target: {
        type: 'SpecificResource',
        source: 'http://localhost:3000/books/3/chapters/2#p-4',
        selector: [
          { type: 'TextQuoteSelector', exact: '개울가에서', prefix: '소년은 ' },
          { type: 'TextPositionSelector', start: 4, end: 9 },
        ],
      },
    });
  });

  it('a reply targets its parent annotation and carries nothing of it', () => {
    const reply = webAnnotation(note({ kind: 'reply', parentAnnotationId: 'http://localhost:3000/clubs/1/paragraphs/5/comments#c-9', quote: null }));
    expect(schemaErrors('annotation', reply)).toEqual([]);
    expect(reply.motivation).toBe('replying');
    expect(reply.target).toBe('http://localhost:3000/clubs/1/paragraphs/5/comments#c-9');
  });

  it('the schema can fail: it refuses an annotation without a target, a bad context, or a selector without exact', () => {
    const good = webAnnotation(note());
    expect(schemaErrors('annotation', { ...good, target: undefined })).not.toEqual([]);
    expect(schemaErrors('annotation', { ...good, '@context': 'http://example.org/ctx' })).not.toEqual([]);
    expect(schemaErrors('annotation', { ...good, target: { type: 'SpecificResource', source: 'http://x/y', selector: { type: 'TextQuoteSelector', prefix: 'a' } } })).not.toEqual([]);
    expect(schemaErrors('annotation', { ...good, body: { type: 'TextualBody', value: 'x', language: 'not a tag!' } })).not.toEqual([]);
  });

  it('pages a collection: the first page embedded, the last named, next/prev between pages', () => {
    const notes = Array.from({ length: 5 }, (_, i) => note({ commentId: i + 1, annotationId: `http://localhost:3000/clubs/1/paragraphs/5/comments#c-${i + 1}` }));
    const info = { id: 'http://localhost:3000/account/annotations/export.jsonld?club=1', label: 'mine', perPage: 2 };
    const collection = annotationCollection(notes, info);
    expect(schemaErrors('collection', collection)).toEqual([]);
    expect(collection).toMatchObject({ type: 'AnnotationCollection', total: 5, last: `${info.id}&page=3` });
    expect((collection.first as { items: unknown[] }).items).toHaveLength(2);
    const second = annotationPage(notes, info, 2);
    expect(schemaErrors('document', second)).toEqual([]);
    expect(second).toMatchObject({ type: 'AnnotationPage', startIndex: 2, prev: `${info.id}&page=1`, next: `${info.id}&page=3`, partOf: { id: info.id, total: 5 } });
    expect(annotationPage(notes, info, 3).next).toBeUndefined();
    expect(schemaErrors('collection', annotationCollection([], info))).toEqual([]);
  });
});

describe('Markdown and CSV of my notes', () => {
  const t = translator('en');

  it('CSV: header, BOM, RFC 4180 quoting, and formulas made harmless', () => {
    const csv = notesCsv([note({ body: '=HYPERLINK("http://evil","x")' }), note({ body: '+1, "quoted"\nline two' }), note({ body: '@SUM(A1)' }), note({ body: '-2' })], t);
    expect(csv.startsWith('\uFEFFbook,chapter,paragraph,passage,start,end,kind,visibility,club,created,edited,comment,url\r\n')).toBe(true);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csv).toContain(`"'+1, ""quoted""\nline two"`);
    expect(csv).toContain(`'@SUM(A1)`);
    expect(csv).toContain(`,'-2,`);
    expect(csv).toContain('개울가에서');
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(5);
  });

  it('Markdown quotes the passage, then my comment, and escapes book text', () => {
    const md = bookMarkdown([note(), note({ quote: { ...note().quote!, exact: '# not a *heading*' } })], t, Date.UTC(2026, 10, 2));
    expect(md).toContain('# 소나기\n');
    expect(md).toContain('> 개울가에서\n\n물가의 **장면**이 좋아요.');
    expect(md).toContain('> \\# not a \\*heading\\*');
    expect(escapeMarkdown('1. a [link](x) <b>')).toBe('1\\. a \\[link\\](x) \\<b\\>');
  });
});
