/**
 * Right-to-left and vertical books in a real browser (issue #15).
 *
 * An Arabic book (built here, text written for this test): a member selects a passage in a
 * right-to-left paragraph with a real DOM Selection, comments on it, and the passage is marked;
 * the interface around the text keeps the reader's direction. A Japanese book set vertically:
 * the reader picks "Vertical" and the chapter is laid out top to bottom with its ruby. Screenshots
 * at 390 px and 1280 px; no CSP violations, nothing wider than a phone.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connection';
import { importBook } from '../../src/books/store';
import type { TestApp } from '../helpers/app';
import { addMemberRow, createClubRow, setProgressRow, startReadingRow, userIdOf } from '../helpers/fixtures';
import { bookEpub } from '../fixtures/books/epub';
import { DESKTOP, expectNoOverflow, newContext, PHONE, registerThroughForm, screenshot, serverAndBrowser } from './harness';

const running = serverAndBrowser();

const ARABIC_PARAGRAPHS = [
  'كان النادي يقرأ كتابًا واحدًا كل شهر، ويلتقي الأعضاء مساء كل خميس في المكتبة الصغيرة.',
  'قالت المشرفة إنّ القراءة معًا تجعل الكتاب الطويل أقصر، لأنّ كلّ واحد يحمل جزءًا من الطريق.',
  'وفي الفصل الثاني، كتبت إحدى العضوات ملاحظة في الهامش عن جملة أعجبتها كثيرًا.',
];

function seed(file: string) {
  const { db, sqlite } = openDatabase(join(running.server.dir, 'e2e.db'));
  return { seedApp: { db, sqlite, clock: { now: Date.now(), advance() {} } } as unknown as TestApp, close: async () => sqlite.close(), file };
}

describe('right-to-left and vertical books', () => {
  it('selects a passage in an Arabic chapter and comments on it; the page around it stays left to right', async () => {
    const reader = await newContext(running.browser, { viewport: DESKTOP });
    await registerThroughForm(reader.page, running.server.url, 'arabic_reader', 'correct horse battery', 'Layla');
    const { seedApp, close } = seed('ar');
    const stored = await importBook(seedApp, {
      bytes: bookEpub({
        lang: 'ar',
        title: 'نادي القراءة',
        spineAttributes: 'page-progression-direction="rtl"',
        docs: [{ name: 'c1.xhtml', navTitle: 'الفصل الأول', bodyAttributes: 'dir="rtl"', body: `<h1>الفصل الأول</h1>${ARABIC_PARAGRAPHS.map((p) => `<p>${p}</p>`).join('')}` }],
      }),
      filename: 'nadi.epub',
      now: Date.now(),
    });
    const userId = await userIdOf(seedApp, 'arabic_reader');
    const club = await createClubRow(seedApp, { ownerId: userId, name: 'Arabic readers' });
    const reading = await startReadingRow(seedApp, club.id, stored.editionId);
    await setProgressRow(seedApp, reading.id, userId, 4);
    close();

    const page = reader.page;
    await page.goto(`${running.server.url}/clubs/${club.id}/chapters/1`);
    expect(await page.getAttribute('.reader-text', 'dir')).toBe('rtl');
    expect(await page.getAttribute('.reader-text', 'lang')).toBe('ar');
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('.club-chapter')!).direction)).toBe('ltr');
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('#p-3 .paragraph-text')!).direction)).toBe('rtl');

    const quote = 'القراءة معًا';
    const start = ARABIC_PARAGRAPHS[1]!.indexOf(quote);
    await page.evaluate(
      ({ start, end }) => {
        const text = document.querySelector('#p-3 .paragraph-text')!;
        const node = text.firstChild as Text;
        const range = document.createRange();
        range.setStart(node, start);
        range.setEnd(node, end);
        window.getSelection()!.removeAllRanges();
        window.getSelection()!.addRange(range);
        text.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
      },
      { start, end: start + quote.length },
    );
    await page.waitForSelector('#passage-action:not([hidden])');
    await screenshot(page, 'books-arabic-selection-1280');
    await page.click('#passage-action');
    await page.waitForSelector('#passage-form:not([hidden])');
    expect(await page.inputValue('#passage-form input[name="passage_exact"]')).toBe(quote);
    await page.fill('#passage-body', 'جملة جميلة — a lovely line.');
    await Promise.all([page.waitForURL(/\/chapters\/1#p-3$/), page.click('#passage-form button[type="submit"]')]);
    await page.waitForSelector('#p-3 mark.annotated');
    expect(await page.textContent('#p-3 mark.annotated')).toBe(quote);
    // The mark sits inside the right-to-left text; the margin beside it reads left to right.
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('#p-3 .margin')!).direction)).toBe('ltr');
    await screenshot(page, 'books-arabic-commented-1280');
    await page.setViewportSize(PHONE);
    await expectNoOverflow(page);
    await screenshot(page, 'books-arabic-commented-390');

    // The library reader of the same chapter.
    await page.goto(`${running.server.url}/books/${stored.editionId}/chapters/1`);
    expect(await page.getAttribute('.reader-text', 'dir')).toBe('rtl');
    await expectNoOverflow(page);
    await screenshot(page, 'books-arabic-reader-390');
    await page.setViewportSize(DESKTOP);
    await screenshot(page, 'books-arabic-reader-1280');
    expect(reader.problems).toEqual([]);
    await reader.context.close();
  });

  it('a Japanese chapter in vertical writing, by the reader’s choice, with ruby', async () => {
    const { seedApp, close } = seed('ja');
    const lines = Array.from({ length: 12 }, (_, i) => `<p><ruby>山路<rt>やまみち</rt></ruby>を登りながら、${i + 1}度目にこう考えた。<ruby>智<rt>ち</rt></ruby>に働けば角が立つ。</p>`).join('');
    const stored = await importBook(seedApp, {
      bytes: bookEpub({
        lang: 'ja',
        title: '山の道',
        spineAttributes: 'page-progression-direction="rtl"',
        extraFiles: { 'OEBPS/v.css': 'html { -epub-writing-mode: vertical-rl; writing-mode: vertical-rl; }' },
        docs: [{ name: 'c1.xhtml', navTitle: '一', stylesheet: 'v.css', body: `<h1>一</h1>${lines}` }],
      }),
      filename: 'yama.epub',
      now: Date.now(),
    });
    close();
    const reader = await newContext(running.browser, { viewport: PHONE });
    const page = reader.page;
    await page.goto(`${running.server.url}/books/${stored.editionId}/chapters/1`);
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('.reader-text')!).writingMode)).toBe('horizontal-tb');
    expect(await page.locator('.reader-text ruby rt').first().textContent()).toBe('やまみち');
    await Promise.all([page.waitForURL(/\/chapters\/1$/), page.click('.writing-control button[value="vertical"]')]);
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('.reader-text')!).writingMode)).toBe('vertical-rl');
    await expectNoOverflow(page, '.reader-text');
    await screenshot(page, 'books-japanese-vertical-390');
    await page.setViewportSize(DESKTOP);
    await screenshot(page, 'books-japanese-vertical-1280');
    // Remembered on the next visit.
    await page.reload();
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('.reader-text')!).writingMode)).toBe('vertical-rl');
    expect(reader.problems).toEqual([]);
    await reader.context.close();
  });
});
