/**
 * Direction as data (issue #15): an edition stores its direction and writing mode; the reader
 * sets `dir` and `lang` on the book text only; CJK books offer vertical writing as the reader's
 * choice, remembered in a cookie; ruby and verse lines survive import and render.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { editions } from '../../../db/schema';
import { importBook } from '../../../src/books/store';
import { bookEpub } from '../../fixtures/books/epub';
import { Client, makeTestApp, type TestApp } from '../../helpers/app';

let testApp: TestApp;
beforeEach(async () => {
  testApp = await makeTestApp();
});
afterEach(async () => await testApp.close());

async function importEpub(bytes: Uint8Array): Promise<number> {
  const result = await importBook(testApp, { bytes, filename: 'book.epub', now: testApp.clock.now });
  if (result.status !== 'imported') throw new Error('not imported');
  return result.editionId;
}

const arabic = () =>
  bookEpub({
    lang: 'ar',
    spineAttributes: 'page-progression-direction="rtl"',
    docs: [{ name: 'c.xhtml', navTitle: 'الفصل الأول', bodyAttributes: 'dir="rtl"', body: '<h1>الفصل الأول</h1><p>حسنًا! إن أردنا أن نفهم.</p><p>سطر أول<br/>سطر ثانٍ</p>' }],
  });

const japanese = () =>
  bookEpub({
    lang: 'ja',
    spineAttributes: 'page-progression-direction="rtl"',
    extraFiles: { 'OEBPS/v.css': 'html { writing-mode: vertical-rl; }' },
    docs: [{ name: 'c.xhtml', navTitle: '一', stylesheet: 'v.css', body: '<h1>一</h1><p><ruby>山路<rt>やまみち</rt></ruby>を登りながら、こう考えた。</p>' }],
  });

describe('direction and writing mode', () => {
  it('stores them on the edition', async () => {
    const ar = await importEpub(arabic());
    const ja = await importEpub(japanese());
    const rows = await testApp.db.select({ id: editions.id, direction: editions.direction, writingMode: editions.writingMode }).from(editions).orderBy(editions.id);
    expect(rows).toEqual([
      { id: ar, direction: 'rtl', writingMode: 'horizontal-tb' },
      { id: ja, direction: 'ltr', writingMode: 'vertical-rl' },
    ]);
  });

  it('an Arabic chapter: dir and lang on the book text only, the interface keeps the reader’s direction; verse lines kept', async () => {
    const id = await importEpub(arabic());
    const html = await (await new Client(testApp).get(`/books/${id}/chapters/1`)).text();
    expect(html).toContain('<div class="reader-text" lang="ar" dir="rtl">');
    expect(html.match(/dir="rtl"/g)).toHaveLength(1);
    expect(html).toMatch(/<html lang="en"(?! dir)/);
    expect(html).toContain('<p class="paragraph-text">سطر أول\nسطر ثانٍ</p>');
  });

  it('a Japanese chapter: ruby rendered, horizontal by default, vertical when the reader picks it (remembered)', async () => {
    const id = await importEpub(japanese());
    const reader = new Client(testApp);
    let html = await (await reader.get(`/books/${id}/chapters/1`)).text();
    expect(html).toContain('<ruby>山路<rt>やまみち</rt></ruby>を登りながら、こう考えた。');
    expect(html).toContain('class="reader font-step-0"');
    expect(html).toMatch(/<button[^>]*name="mode" value="vertical" aria-pressed="false"/);

    const chosen = await reader.post('/reader/writing', { mode: 'vertical', next: `/books/${id}/chapters/1` });
    expect(chosen.status).toBe(303);
    expect(chosen.headers.get('location')).toBe(`/books/${id}/chapters/1`);
    html = await (await reader.get(`/books/${id}/chapters/1`)).text();
    expect(html).toContain('class="reader font-step-0 reader-vertical"');
    expect(html).toMatch(/<button[^>]*name="mode" value="vertical" aria-pressed="true"/);

    await reader.post('/reader/writing', { mode: 'horizontal', next: `/books/${id}/chapters/1` });
    expect(await (await reader.get(`/books/${id}/chapters/1`)).text()).not.toContain('reader-vertical');
  });

  it('no vertical choice for a book that does not offer it', async () => {
    const id = await importEpub(arabic());
    expect(await (await new Client(testApp).get(`/books/${id}/chapters/1`)).text()).not.toContain('/reader/writing');
  });
});
