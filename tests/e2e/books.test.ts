/**
 * Books in a real browser: the first account (site admin) uploads a small Korean text book with
 * a table of contents, sees the preview, confirms, opens a chapter, follows a paragraph link and
 * moves between paragraphs with the keyboard. Screenshots of the library, the preview and a
 * chapter at 390 px and 1280 px, in English and Korean, with no CSP violations and nothing wider
 * than a phone screen.
 */
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DESKTOP, newContext, PHONE, registerThroughForm, type RunningServer, screenshot, shootEverywhere, withServerAndBrowser } from './harness';

let server: RunningServer;
let browser: Browser;
withServerAndBrowser((started) => ({ server, browser } = started));

/** A small Korean book exported to text: title, author line, a table of contents with page numbers, three chapters. */
function koreanBook(): string {
  const sentences = [
    '책방 문을 여는 아침에는 늘 커피 냄새가 먼저 들어왔어요.',
    '사람들은 한 권의 책을 들고 와서 조용히 자리에 앉았어요.',
    '누군가 밑줄을 그은 문장을 소리 내어 읽자 다들 고개를 끄덕였어요.',
    '이야기는 늦은 밤까지 이어졌고, 아무도 서두르지 않았어요.',
  ];
  const titles = ['제1장 문을 열다', '제2장 첫 모임', '제3장 마지막 밤'];
  const lines = ['작은 책방 안내서', '', '지은이: 시험 작가', '', '차례', '', '제1장 문을 열다 3', '제2장 첫 모임 7', '제3장 마지막 밤 12', ''];
  titles.forEach((title, c) => {
    lines.push(title, '');
    for (let p = 1; p <= 12; p++) {
      lines.push(`${c + 1}장의 ${p}번째 문단이에요. ${[0, 1, 2].map((i) => sentences[(p + i) % 4]).join(' ')}`, '');
    }
  });
  return lines.join('\n');
}

describe('books in the browser', () => {
  it('upload → preview → confirm → read a chapter → follow a paragraph link', async () => {
    const { context, page, problems } = await newContext(browser, { viewport: DESKTOP });
    try {
      await registerThroughForm(page, server.url, 'librarian', 'correct horse battery', '사서');

      // The library offers the upload to the site admin.
      await page.goto(`${server.url}/library`);
      await page.click('a[href="/library/upload"]');
      await page.waitForURL(/\/library\/upload$/);
      await page.setInputFiles('#upload-file', { name: 'small-ko.txt', mimeType: 'text/plain', buffer: Buffer.from(koreanBook(), 'utf8') });
      await Promise.all([page.waitForURL(/\/library\/uploads\/[a-z2-7]+$/), page.click('form[data-upload-form] button[type="submit"]')]);

      // The preview: title, language, encoding, and the outline with paragraph counts.
      expect(await page.textContent('.preview-book-title')).toBe('작은 책방 안내서');
      const outline = await page.$$eval('.outline-entry', (items) => items.map((item) => item.textContent));
      expect(outline).toEqual(['(opening pages)2 ¶', '제1장 문을 열다12 ¶', '제2장 첫 모임12 ¶', '제3장 마지막 밤12 ¶']);
      expect(await page.textContent('.preview-summary')).toContain('UTF-8');
      await shootEverywhere(page, 'books-preview');

      await Promise.all([page.waitForURL(/\/books\/\d+\?imported=1$/), page.click('text=Add to the library')]);
      expect(await page.textContent('.flash')).toContain('added to the library');
      const bookUrl = page.url().replace(/\?.*$/, '');

      await page.goto(`${server.url}/library`);
      expect(await page.textContent('.book-list')).toContain('작은 책방 안내서');
      await shootEverywhere(page, 'books-library');

      // The book page: contents as a tree; open the second chapter from it.
      await page.goto(bookUrl);
      await shootEverywhere(page, 'books-book');
      await Promise.all([page.waitForURL(/\/chapters\/3#p-1$/), page.click('.book-toc a:text("제2장 첫 모임")')]);
      expect(await page.getAttribute('main', 'lang')).toBe('ko');
      expect(await page.textContent('#p-1')).toBe('제2장 첫 모임');
      await shootEverywhere(page, 'books-chapter');

      // A paragraph link: the paragraph is the :target and is scrolled to the top.
      await page.goto(`${page.url().replace(/#.*$/, '')}#p-3`);
      await page.waitForFunction(() => document.querySelector(':target')?.id === 'p-3');
      const top = await page.evaluate(() => document.getElementById('p-3')!.getBoundingClientRect().top);
      expect(Math.abs(top)).toBeLessThan(40);
      await screenshot(page, 'books-chapter-target-p3');

      // Keyboard: j moves focus to the next paragraph and the address follows.
      await page.keyboard.press('j');
      await page.keyboard.press('j');
      await page.waitForFunction(() => location.hash === '#p-4');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('p-4');
      await page.keyboard.press('k');
      await page.waitForFunction(() => location.hash === '#p-3');

      // Larger text, remembered.
      await Promise.all([page.waitForLoadState('load'), page.click('.font-control button[title="Larger text"]')]);
      expect(await page.getAttribute('article.reader', 'class')).toContain('font-step-1');

      // Next chapter link.
      await Promise.all([page.waitForURL(/\/chapters\/4$/), page.click('.chapter-nav-bottom a[rel="next"]')]);
      expect(await page.textContent('#p-1')).toBe('제3장 마지막 밤');

      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
