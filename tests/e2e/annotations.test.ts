/**
 * Annotations in a real browser, with two readers of one club.
 *
 * A, further ahead, selects a passage in chapter 2 (a real DOM Selection, then mouseup, as a
 * mouse would leave it), presses "Comment on passage" and posts. B, still in chapter 1, sees
 * neither the comment nor its mark — only "1 comment further on". B reads on, then sees the
 * passage highlighted, opens its thread in the margin (htmx, no page load) and replies. A sees
 * the reply. Screenshots at 390 px and 1280 px; no CSP violations, no page errors, nothing wider
 * than a phone.
 *
 * The club and the reading are seeded with the test fixtures straight into the server's
 * database file (the clubs UI has its own browser test); everything about comments goes
 * through the browser.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connection';
import type { TestApp } from '../helpers/app';
import { addMemberRow, createClubRow, importSampleBook, setProgressRow, startReadingRow, userIdOf } from '../helpers/fixtures';
import { DESKTOP, expectNoOverflow, newContext, PHONE, registerThroughForm, type RunningServer, screenshot, withServerAndBrowser } from './harness';

let server: RunningServer;
let browser: Browser;
/** Set by the first test: the club and paragraph the second one comes back to. */
let shared: { clubId: number; paragraphId: number } | null = null;
withServerAndBrowser((started) => ({ server, browser } = started));

/** Select characters [start, end) of a paragraph's text with a real DOM Selection, then release the mouse. */
async function selectPassage(page: Page, ordinal: number, start: number, end: number) {
  await page.evaluate(
    ({ ordinal, start, end }) => {
      const text = document.querySelector(`#p-${ordinal} .paragraph-text`)!;
      const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
      const range = document.createRange();
      let offset = 0;
      let node: Node | null;
      while ((node = walker.nextNode())) {
        const length = (node as Text).data.length;
        if (start >= offset && start <= offset + length) range.setStart(node, start - offset);
        if (end >= offset && end <= offset + length) {
          range.setEnd(node, end - offset);
          break;
        }
        offset += length;
      }
      const selection = window.getSelection()!;
      selection.removeAllRanges();
      selection.addRange(range);
      text.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
    },
    { ordinal, start, end },
  );
}

describe('two readers, one passage', () => {
  it('A comments on a passage ahead of B; B sees only a count, reads on, sees it and replies; A sees the reply', async () => {
    const a = await newContext(browser, { viewport: DESKTOP });
    const b = await newContext(browser, { viewport: PHONE });
    await registerThroughForm(a.page, server.url, 'reader_a', 'correct horse battery', 'Ahn Reader');
    await registerThroughForm(b.page, server.url, 'reader_b', 'correct horse battery', '박독자');

    // Seed the club: A owns it, B is a member; A has read chapter 2 (positions 8–14), B chapter 1 only.
    const { db, sqlite } = openDatabase(join(server.dir, 'e2e.db'));
    const seed = { db, sqlite, clock: { now: Date.now(), advance() {} } } as unknown as TestApp;
    const book = await importSampleBook(seed);
    const aId = await userIdOf(seed, 'reader_a');
    const bId = await userIdOf(seed, 'reader_b');
    const club = await createClubRow(seed, { ownerId: aId, name: 'Lantern readers' });
    await addMemberRow(seed, club.id, bId);
    const reading = await startReadingRow(seed, club.id, book.editionId);
    await setProgressRow(seed, reading.id, aId, 14);
    await setProgressRow(seed, reading.id, bId, 7);
    const chapterUrl = `${server.url}/clubs/${club.id}/chapters/2`;
    shared = { clubId: club.id, paragraphId: book.chapters[1]!.id };

    // A selects "the keepers climbed the hill" in ¶3 of chapter 2 and comments on it.
    await a.page.goto(chapterUrl);
    const paragraphText = await a.page.textContent('#p-3 .paragraph-text');
    const quote = 'the keepers climbed the hill';
    const start = paragraphText!.indexOf(quote);
    expect(start).toBeGreaterThan(0);
    await selectPassage(a.page, 3, start, start + quote.length);
    await a.page.waitForSelector('#passage-action:not([hidden])');
    await screenshot(a.page, 'annotations-a-selection-1280');
    await a.page.click('#passage-action');
    await a.page.waitForSelector('#passage-form:not([hidden])');
    expect(await a.page.textContent('[data-passage-quote]')).toBe(quote);
    expect(await a.page.inputValue('#passage-form input[name="passage_exact"]')).toBe(quote);
    await a.page.fill('#passage-body', 'Why do they *always* climb at dusk? Ask @reader_b.');
    await screenshot(a.page, 'annotations-a-form-1280');
    await Promise.all([a.page.waitForURL(/\/chapters\/2#p-3$/), a.page.click('#passage-form button[type="submit"]')]);
    await a.page.waitForSelector('#p-3 mark.annotated');
    expect(await a.page.textContent('#p-3 mark.annotated')).toBe(quote);
    expect(await a.page.textContent('#p-3 .comment-count')).toBe('1 comment');
    await screenshot(a.page, 'annotations-a-after-post-1280');

    // B, in chapter 1, opens chapter 2: no mark, no comment, only the count. (Without its live
    // stream: progress.js reports the paragraphs on B's screen as read, and the live page would
    // then show their comments at once; tests/e2e/live.test.ts is about that.)
    await b.page.route('**/live/**', (route) => route.abort());
    await b.page.goto(chapterUrl);
    expect(await b.page.locator('mark.annotated').count()).toBe(0);
    expect(await b.page.locator('text=always').count()).toBe(0);
    expect((await b.page.textContent('#p-3 .hidden-count'))?.trim()).toBe('1 comment further on');
    expect(await b.page.locator('.spoiler-reveal').count()).toBe(1);
    await expectNoOverflow(b.page);
    await screenshot(b.page, 'annotations-b-behind-390');
    await b.page.setViewportSize(DESKTOP);
    await screenshot(b.page, 'annotations-b-behind-1280');
    await b.page.setViewportSize(PHONE);

    // B reads on to the end of chapter 2 and says so ("I have read up to here" on its last
    // paragraph, sent from the page as the button does), then sees the passage marked and
    // opens its thread in place.
    const said = await b.page.evaluate(async (url) => (await fetch(url, { method: 'POST', body: new URLSearchParams({ position: '14', mode: 'forward' }) })).status, `/clubs/${club.id}/readings/${reading.id}/progress`);
    expect(said).toBe(200);
    await b.page.unroute('**/live/**');
    await b.page.goto(chapterUrl);
    await b.page.waitForSelector('#p-3 mark.annotated');
    const urlBefore = b.page.url();
    await b.page.click('#p-3 .comment-count');
    await b.page.waitForSelector('#p-3 .threads .comment-body');
    expect(b.page.url()).toBe(urlBefore);
    expect(await b.page.textContent('#p-3 .threads .comment-body')).toContain('Why do they always climb at dusk?');
    expect(await b.page.textContent('#p-3 .threads .comment-passage')).toContain(quote);
    await expectNoOverflow(b.page);
    await screenshot(b.page, 'annotations-b-thread-390');

    // B replies from the margin (htmx swaps the thread; no navigation).
    await b.page.click('#p-3 .threads .comment-root details.comment-action summary');
    await b.page.fill('#p-3 .threads .comment-root textarea[name="body"]', 'Because the lamp has to be lit before dark. 등불!');
    await b.page.click('#p-3 .threads .comment-root form.comment-form button[type="submit"]');
    await b.page.waitForSelector('#p-3 .threads .comment-reply .comment-body');
    expect(b.page.url()).toBe(urlBefore);
    expect(await b.page.textContent('#p-3 .threads .comment-reply .comment-body')).toContain('lamp has to be lit');
    expect((await b.page.textContent('#p-3 .comment-count'))?.trim()).toBe('2 comments');
    await expectNoOverflow(b.page);
    await screenshot(b.page, 'annotations-b-replied-390');
    await b.page.setViewportSize(DESKTOP);
    await screenshot(b.page, 'annotations-b-replied-1280');

    // A sees the reply.
    await a.page.goto(chapterUrl);
    await a.page.click('#p-3 .comment-count');
    await a.page.waitForSelector('#p-3 .threads .comment-reply .comment-body');
    expect(await a.page.textContent('#p-3 .threads .comment-reply .comment-author')).toBe('박독자');
    expect(await a.page.textContent('#p-3 .threads .comment-reply .comment-body')).toContain('lamp has to be lit');
    await screenshot(a.page, 'annotations-a-sees-reply-1280');
    await a.page.setViewportSize(PHONE);
    await expectNoOverflow(a.page);
    await screenshot(a.page, 'annotations-a-sees-reply-390');

    // Closing the thread folds it away again.
    await a.page.click('#p-3 .threads-close');
    expect(await a.page.locator('#p-3 .threads .comment').count()).toBe(0);

    shared.paragraphId = Number(await a.page.getAttribute('#p-3', 'data-paragraph-id'));
    expect(a.problems).toEqual([]);
    expect(b.problems).toEqual([]);
    sqlite.close();
    await a.context.close();
    await b.context.close();
  });

  it('works without JavaScript: the margin link opens a page whose form posts and comes back', async () => {
    expect(shared).not.toBeNull();
    const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.fill('#username', 'reader_b');
    await page.fill('#password', 'correct horse battery');
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('form[action="/login"] button[type="submit"]')]);

    await page.goto(`${server.url}/clubs/${shared!.clubId}/chapters/2`);
    await Promise.all([page.waitForURL(/\/paragraphs\/\d+\/comments$/), page.click('#p-3 .comment-count')]);
    expect(await page.locator('.comment-body').count()).toBe(2);
    await page.click('.comment-root details.comment-action summary');
    await page.fill('.comment-root textarea[name="body"]', 'Posted without JavaScript.');
    await Promise.all([page.waitForURL(/\/comments#c-\d+$/), page.click('.comment-root form.comment-form button[type="submit"]')]);
    expect(await page.locator('.comment-reply .comment-body').last().textContent()).toContain('Posted without JavaScript.');
    await expectNoOverflow(page);
    await screenshot(page, 'annotations-nojs-paragraph-page-390');
    await context.close();
  });
});
