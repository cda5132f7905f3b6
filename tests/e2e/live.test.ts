/**
 * The live chapter page in a real browser, three readers of one club on chapter 2:
 * A (has read it) posts in the chapter's discussion and on a paragraph; B (caught up) sees the
 * comment appear and the margin count go up without reloading; C (behind) sees the counts
 * "further on" change and never the text. All three see who is reading. No CSP violations.
 *
 * Then a meeting: the moderator starts it and spotlights a paragraph; B's page offers the jump
 * and scrolls only when B follows it; C (behind) is told the meeting is ahead, without where.
 * Through those swaps B keeps keyboard focus and the chosen paragraph, and C's reading progress
 * still reports.
 */
import { and, eq } from 'drizzle-orm';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connection';
import { readingProgress } from '../../db/schema';
import type { TestApp } from '../helpers/app';
import { addMemberRow, createClubRow, importSampleBook, setProgressRow, startReadingRow, userIdOf } from '../helpers/fixtures';
import { DESKTOP, newContext, PHONE, registerThroughForm, RESULTS, type RunningServer, screenshot, switchLocale, withServerAndBrowser } from './harness';

let server: RunningServer;
let browser: Browser;
// The same accounts post in both tests: past the few comments a young account may post a day.
withServerAndBrowser((started) => ({ server, browser } = started), { YOUNG_ACCOUNT_COMMENTS: '0' });

describe('three readers, one live chapter', () => {
  it('A posts; B sees it appear; C sees only the counts change', async () => {
    const a = await newContext(browser, { viewport: DESKTOP });
    const b = await newContext(browser, { viewport: DESKTOP });
    // C's window shows only the top of the chapter, so progress.js never reports C further than ¶2.
    const c = await newContext(browser, { viewport: { width: PHONE.width, height: 360 } });
    await registerThroughForm(a.page, server.url, 'live_a', 'correct horse battery', 'Ahn');
    await registerThroughForm(b.page, server.url, 'live_b', 'correct horse battery', 'Bae');
    await registerThroughForm(c.page, server.url, 'live_c', 'correct horse battery', 'Cho');

    const { db, sqlite } = openDatabase(join(server.dir, 'e2e.db'));
    const seed = { db, sqlite, clock: { now: Date.now(), advance() {} } } as unknown as TestApp;
    const book = await importSampleBook(seed);
    const [aId, bId, cId] = await Promise.all(['live_a', 'live_b', 'live_c'].map((name) => userIdOf(seed, name)));
    const club = await createClubRow(seed, { ownerId: aId!, name: 'Live lanterns' });
    await addMemberRow(seed, club.id, bId!);
    await addMemberRow(seed, club.id, cId!);
    const reading = await startReadingRow(seed, club.id, book.editionId);
    await setProgressRow(seed, reading.id, aId!, 14);
    await setProgressRow(seed, reading.id, bId!, 14);
    await setProgressRow(seed, reading.id, cId!, 9);
    sqlite.close();
    const chapterUrl = `${server.url}/clubs/${club.id}/chapters/2`;

    for (const reader of [a, b, c]) await reader.page.goto(chapterUrl);
    for (const reader of [a, b, c]) await reader.page.waitForFunction(() => /3 reading this chapter now/.test(document.querySelector('#live-presence')?.textContent ?? ''), null, { timeout: 15_000, polling: 200 });
    expect(await b.page.textContent('#live-presence')).toContain('Ahn');

    // A writes in the chapter's own discussion (htmx, no navigation).
    const secret = 'The lamp goes out at the very end.';
    await a.page.fill('#discussion form.new-comment textarea[name="body"]', secret);
    await a.page.click('#discussion form.new-comment button[type="submit"]');
    await a.page.waitForSelector(`#discussion .comment-body:has-text("${secret}")`);

    await b.page.waitForSelector(`#discussion .comment-body:has-text("${secret}")`, { timeout: 15_000 });
    await c.page.waitForFunction(() => /1 comment further on/.test(document.querySelector('#reveal')?.textContent ?? ''), null, { timeout: 15_000, polling: 200 });
    expect(await c.page.locator(`text=${secret}`).count()).toBe(0);

    // A comments on paragraph 3 from its margin.
    await a.page.click('#p-7 .paragraph-text'); // choose the paragraph: its actions show
    await a.page.click('#p-7 .add-comment');
    await a.page.waitForSelector('#p-7 .threads textarea[name="body"]');
    await a.page.fill('#p-7 .threads textarea[name="body"]', 'The keepers know more than they say.');
    await a.page.click('#p-7 .threads form.comment-form button[type="submit"]');
    await a.page.waitForSelector('#p-7 .threads .comment-body');

    await b.page.waitForFunction(() => (document.querySelector('#p-7 .comment-count')?.textContent ?? '').trim() === '1 comment', null, { timeout: 15_000, polling: 200 });
    await c.page.waitForFunction(() => (document.querySelector('#p-7 .hidden-count')?.textContent ?? '').trim() === '1 comment further on', null, { timeout: 15_000, polling: 200 });
    expect(await c.page.locator('text=keepers know more').count()).toBe(0);
    expect(await c.page.locator(`text=${secret}`).count()).toBe(0);

    // B opens that thread; A replies; B's open thread shows the reply without a reload.
    await b.page.click('#p-7 .comment-count');
    await b.page.waitForSelector('#p-7 .threads .comment-body');
    // Focus went into the thread; B reads on elsewhere (a thread a reader is in is redrawn only
    // once they leave it, so it never takes their focus away).
    await b.page.click('h1');
    await a.page.click('#p-7 .threads .comment-root details.comment-action summary');
    await a.page.fill('#p-7 .threads .comment-root textarea[name="body"]', 'And the lamp knows the most.');
    await a.page.click('#p-7 .threads .comment-root form.comment-form button[type="submit"]');
    await b.page.waitForFunction(() => (document.querySelector('#p-7 .threads')?.textContent ?? '').includes('lamp knows the most'), null, { timeout: 15_000, polling: 200 });

    await screenshot(b.page, 'live-b-caught-up-1280');
    await screenshot(c.page, 'live-c-behind-390');
    for (const reader of [a, b, c]) expect(reader.problems).toEqual([]);
    for (const reader of [a, b, c]) await reader.context.close();
  });

  it("a meeting: the spotlight reaches B (who jumps only on consent) and C only as 'ahead'; focus and progress survive the swaps", async () => {
    const a = await newContext(browser, { viewport: DESKTOP });
    const b = await newContext(browser, { viewport: DESKTOP });
    const c = await newContext(browser, { viewport: { width: PHONE.width, height: 500 } });
    // The same three readers as above (registration is rate limited per address), signed in again.
    for (const [reader, name] of [[a, 'live_a'], [b, 'live_b'], [c, 'live_c']] as const) {
      await reader.page.goto(`${server.url}/login`);
      await reader.page.fill('#username', name);
      await reader.page.fill('#password', 'correct horse battery');
      await Promise.all([reader.page.waitForURL((u) => !u.pathname.startsWith('/login')), reader.page.click('main form button[type="submit"]')]);
    }
    const { db, sqlite } = openDatabase(join(server.dir, 'e2e.db'));
    const seed = { db, sqlite, clock: { now: Date.now(), advance() {} } } as unknown as TestApp;
    const book = await importSampleBook(seed);
    const [aId, bId, cId] = await Promise.all(['live_a', 'live_b', 'live_c'].map((name) => userIdOf(seed, name)));
    const club = await createClubRow(seed, { ownerId: aId!, name: 'Meeting lanterns' });
    await addMemberRow(seed, club.id, bId!);
    await addMemberRow(seed, club.id, cId!);
    const reading = await startReadingRow(seed, club.id, book.editionId);
    await setProgressRow(seed, reading.id, aId!, 14);
    await setProgressRow(seed, reading.id, bId!, 14);
    await setProgressRow(seed, reading.id, cId!, 8);
    const progressOfC = async () =>
      (await db.select({ position: readingProgress.position }).from(readingProgress).where(and(eq(readingProgress.readingId, reading.id), eq(readingProgress.userId, cId!))))[0]!.position;
    const chapterUrl = `${server.url}/clubs/${club.id}/chapters/2`;

    await c.page.clock.install();
    for (const reader of [a, b, c]) await reader.page.goto(chapterUrl);
    for (const reader of [a, b, c]) await reader.page.waitForFunction(() => /3 reading this chapter now/.test(document.querySelector('#live-presence')?.textContent ?? ''), null, { timeout: 15_000, polling: 200 });

    // B chooses paragraph 3 with the keyboard and tabs to its "Comment" link.
    await b.page.focus('#p-3');
    await b.page.keyboard.press('Tab');
    const focusedBefore = await b.page.evaluate(() => document.activeElement?.className ?? '');
    expect(focusedBefore).toContain('add-comment');

    // A starts the meeting (a plain form) and spotlights paragraph 5.
    await Promise.all([a.page.waitForURL(/#meeting-banner$/), a.page.click('.meeting-start-form button')]);
    await b.page.waitForSelector('#meeting-banner .meeting-title', { timeout: 15_000 });
    await a.page.selectOption('#meeting-paragraph', { label: 'Paragraph 5' });
    await Promise.all([a.page.waitForURL(/#meeting-banner$/), a.page.click('.meeting-spotlight-form button')]);
    await b.page.waitForFunction(() => (document.querySelector('#meeting-banner .meeting-spotlight')?.textContent ?? '').includes('Now: paragraph 5'), null, { timeout: 15_000, polling: 200 });
    await c.page.waitForFunction(() => (document.querySelector('#meeting-banner')?.textContent ?? '').includes('The meeting is at a paragraph ahead of you.'), null, { timeout: 15_000, polling: 200 });
    expect(await c.page.locator('#meeting-banner a[href^="#p-"]').count()).toBe(0);

    expect(await b.page.evaluate(() => document.activeElement?.className ?? '')).toContain('add-comment'); // the banner's swaps left it there
    // A comment on paragraph 3 by A swaps B's margin summary there: B's focus and choice stay.
    await a.page.click('#p-3 .paragraph-text');
    await a.page.click('#p-3 .add-comment');
    await a.page.fill('#p-3 .threads textarea[name="body"]', 'Look at the light here.');
    await a.page.click('#p-3 .threads form.comment-form button[type="submit"]');
    await a.page.waitForSelector('#p-3 .threads .comment-body');
    await b.page.waitForFunction(() => (document.querySelector('#p-3 .comment-count')?.textContent ?? '').trim() === '1 comment', null, { timeout: 15_000, polling: 200 });
    expect(await b.page.evaluate(() => document.activeElement?.closest('.para')?.id ?? '')).toBe('p-3');
    expect(await b.page.evaluate(() => document.activeElement?.className ?? '')).toContain('add-comment');
    expect(await b.page.getAttribute('#p-3', 'class')).toContain('para-active');

    // The page has not moved by itself; B follows the jump, and paragraph 5 is on screen.
    const inView = (page: typeof b.page, selector: string) =>
      page.evaluate((sel) => {
        const box = document.querySelector(sel)!.getBoundingClientRect();
        return box.top >= 0 && box.top < window.innerHeight;
      }, selector);
    await b.page.setViewportSize({ width: DESKTOP.width, height: 500 });
    await b.page.evaluate(() => window.scrollTo(0, 0));
    await b.page.waitForTimeout(100);
    expect(await inView(b.page, '#p-5')).toBe(false);
    await b.page.click('#meeting-banner .meeting-jump');
    await b.page.waitForFunction(() => location.hash === '#p-5');
    expect(await inView(b.page, '#p-5')).toBe(true);

    // C reads on at a reading pace after those swaps: the progress script still reports.
    const reported = c.page.waitForResponse((response) => response.url().endsWith(`/readings/${reading.id}/progress`) && response.request().method() === 'POST');
    await c.page.evaluate(() => document.querySelector('#p-2')!.scrollIntoView({ block: 'start' }));
    await c.page.mouse.wheel(0, 10);
    await c.page.waitForTimeout(60);
    await c.page.clock.runFor(60_000);
    expect((await reported).status()).toBe(200);
    expect(await progressOfC()).toBeGreaterThan(8);
    await c.page.clock.resume();

    // How the banner looks, for a member and for the moderator, in both languages and widths.
    for (const locale of ['en', 'ko'] as const) {
      for (const [width, viewport] of [['390', PHONE], ['1280', DESKTOP]] as const) {
        for (const [who, reader] of [['member', b], ['moderator', a]] as const) {
          await switchLocale(reader.page, locale);
          await reader.page.setViewportSize(viewport);
          await reader.page.goto(chapterUrl);
          await reader.page.locator('#meeting-banner').scrollIntoViewIfNeeded();
          await reader.page.screenshot({ path: join(RESULTS, `live-meeting-${who}-${locale}-${width}.png`) });
        }
      }
    }
    await switchLocale(a.page, 'en');
    // Ending it leaves the record on the club home.
    await a.page.goto(chapterUrl);
    await Promise.all([a.page.waitForURL(new RegExp(`/clubs/${club.id}#meeting-records-title$`)), a.page.click('.meeting-end-form button')]);
    expect(await a.page.textContent('.meeting-record')).toContain('¶5');
    await a.page.screenshot({ path: join(RESULTS, 'live-meeting-record-en-1280.png'), fullPage: true });
    sqlite.close();
    for (const reader of [a, b, c]) expect(reader.problems).toEqual([]);
    for (const reader of [a, b, c]) await reader.context.close();
  });
});
