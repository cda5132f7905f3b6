/**
 * The live chapter page in a real browser, three readers of one club on chapter 2:
 * A (has read it) posts in the chapter's discussion and on a paragraph; B (caught up) sees the
 * comment appear and the margin count go up without reloading; C (behind) sees the counts
 * "further on" change and never the text. All three see who is reading. No CSP violations.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connection';
import type { TestApp } from '../helpers/app';
import { addMemberRow, createClubRow, importSampleBook, setProgressRow, startReadingRow, userIdOf } from '../helpers/fixtures';
import { DESKTOP, newContext, PHONE, registerThroughForm, type RunningServer, screenshot, withServerAndBrowser } from './harness';

let server: RunningServer;
let browser: Browser;
withServerAndBrowser((started) => ({ server, browser } = started), { LIVE_UPDATES: 'true' });

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
    const book = importSampleBook(seed);
    const [aId, bId, cId] = ['live_a', 'live_b', 'live_c'].map((name) => userIdOf(seed, name));
    const club = createClubRow(seed, { ownerId: aId!, name: 'Live lanterns' });
    addMemberRow(seed, club.id, bId!);
    addMemberRow(seed, club.id, cId!);
    const reading = startReadingRow(seed, club.id, book.editionId);
    setProgressRow(seed, reading.id, aId!, 14);
    setProgressRow(seed, reading.id, bId!, 14);
    setProgressRow(seed, reading.id, cId!, 9);
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
    await a.page.click('#p-7 .threads .comment-root details.comment-action summary');
    await a.page.fill('#p-7 .threads .comment-root textarea[name="body"]', 'And the lamp knows the most.');
    await a.page.click('#p-7 .threads .comment-root form.comment-form button[type="submit"]');
    await b.page.waitForFunction(() => (document.querySelector('#p-7 .threads')?.textContent ?? '').includes('lamp knows the most'), null, { timeout: 15_000, polling: 200 });

    await screenshot(b.page, 'live-b-caught-up-1280');
    await screenshot(c.page, 'live-c-behind-390');
    for (const reader of [a, b, c]) expect(reader.problems).toEqual([]);
    for (const reader of [a, b, c]) await reader.context.close();
  });
});
