/**
 * Search in a real browser: a reader types a two-syllable Korean word into the club home's
 * search box; htmx asks as they type (no page load), the results appear in the live region,
 * and the first book result lands on its paragraph (`#p-N`). The same search without
 * JavaScript is a plain page; screenshots of it at 390 px and 1280 px in Korean and English.
 * An answer still on its way when the reader typed on never replaces the newer one. Without
 * JavaScript the form loads the results page. No CSP violations, no page errors, no serious
 * accessibility violations, nothing wider than a phone.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { openDatabase } from '../../db/connection';
import { clubs, comments, memberships, paragraphs } from '../../db/schema';
import type { TestApp } from '../helpers/app';
import { createClubRow, importSampleBook, setProgressRow, startReadingRow, userIdOf } from '../helpers/fixtures';
import { DESKTOP, expectNoOverflow, newContext, PHONE, registerThroughForm, type RunningServer, screenshot, seriousViolations, shootEverywhere, withServerAndBrowser } from './harness';

let server: RunningServer;
let browser: Browser;
withServerAndBrowser((started) => ({ server, browser } = started));

describe('searching a club', () => {
  it('types 등불, sees results without a page load, and lands on the paragraph', async () => {
    const { page, problems } = await newContext(browser, { viewport: PHONE });
    await registerThroughForm(page, server.url, 'searcher', 'correct horse battery', '검색하는 사람');

    const { db, sqlite } = openDatabase(join(server.dir, 'e2e.db'));
    const seed = { db, sqlite, clock: { now: Date.now(), advance() {} } } as unknown as TestApp;
    const book = await importSampleBook(seed);
    const userId = await userIdOf(seed, 'searcher');
    const club = await createClubRow(seed, { ownerId: userId, name: '등불 모임' });
    const reading = await startReadingRow(seed, club.id, book.editionId);
    await setProgressRow(seed, reading.id, userId, 7); // chapter 1 read; chapters 2 and 3 ahead
    // A comment of theirs on chapter 1, so the discussion has a result too.
    const [paragraph] = await db.select().from(paragraphs).where(and(eq(paragraphs.editionId, book.editionId), eq(paragraphs.position, 3)));
    await db.insert(comments).values({
      clubId: club.id,
      readingId: reading.id,
      chapterId: paragraph!.chapterId,
      paragraphId: paragraph!.id,
      anchorPosition: paragraph!.position,
      authorId: userId,
      body: '등불이 흔들리는 장면이 좋았어요. The lantern scene.',
      visibility: 'club',
      createdAt: Date.now(),
    });
    sqlite.close();

    await page.goto(`${server.url}/clubs/${club.id}`);
    const before = page.url();
    await page.locator('#search-q').pressSequentially('등불', { delay: 60 });
    await page.waitForSelector('#search-results mark');
    expect(page.url()).toBe(before); // htmx swapped the results in; no navigation
    expect(await page.getAttribute('#search-results', 'aria-live')).toBe('polite');
    expect(await page.textContent('#search-results')).toContain('(ahead of you)');
    await expectNoOverflow(page);
    await screenshot(page, 'search-home-typed-390');

    const first = page.locator('#search-results .search-hits a').first();
    const href = await first.getAttribute('href');
    expect(href).toMatch(new RegExp(`/clubs/${club.id}/chapters/1#p-\\d+$`));
    await Promise.all([page.waitForURL(/#p-\d+$/), first.click()]);
    const anchor = new URL(page.url()).hash;
    expect(await page.locator(anchor).count()).toBe(1);
    expect(await page.textContent(`${anchor}`)).toContain('등불');

    // The plain page (what the form loads without JavaScript), in both languages and widths.
    await page.goto(`${server.url}/clubs/${club.id}/search?q=${encodeURIComponent('등불')}`);
    await page.setViewportSize(DESKTOP);
    expect(await page.textContent('#search-results')).toContain('등불이 흔들리는 장면');
    expect(await seriousViolations(page)).toEqual([]);
    await shootEverywhere(page, 'search-page');

    // The last answer wins: an answer still on its way when the reader typed on never lands.
    await page.goto(`${server.url}/clubs/${club.id}`);
    let releaseSlow = () => {};
    const slowHeld = new Promise<void>((resolve) => (releaseSlow = resolve));
    let slowAsked = () => {};
    const slowSeen = new Promise<void>((resolve) => (slowAsked = resolve));
    await page.route(/\/search\?q=%EB%B0%94%EB%9E%8C/, async (route) => {
      slowAsked();
      await slowHeld; // held until the newer answer is on the page
      await route.continue().catch(() => {}); // htmx may have aborted it already
    });
    await page.locator('#search-q').fill('바람');
    await slowSeen;
    await page.locator('#search-q').fill('등불');
    await page.waitForSelector('#search-results mark:text("등불")');
    releaseSlow();
    await page.waitForLoadState('networkidle');
    expect(await page.locator('#search-results mark').allTextContents()).not.toContain('바람');
    expect(await page.locator('#search-results mark').first().textContent()).toBe('등불');
    expect(problems).toEqual([]);
  });

  it('without JavaScript the form loads the results page', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE });
    const page = await context.newPage();
    await registerThroughForm(page, server.url, 'nojs', 'correct horse battery', '스크립트 없이');
    const { db, sqlite } = openDatabase(join(server.dir, 'e2e.db'));
    const seed = { db, sqlite, clock: { now: Date.now(), advance() {} } } as unknown as TestApp;
    const [club] = await db.select({ id: clubs.id }).from(clubs).where(eq(clubs.name, '등불 모임'));
    await db.insert(memberships).values({ clubId: club!.id, userId: await userIdOf(seed, 'nojs'), role: 'member', joinedAt: Date.now() });
    sqlite.close();
    await page.goto(`${server.url}/clubs/${club!.id}`);
    await page.locator('#search-q').fill('등불');
    await Promise.all([page.waitForURL(/\/search\?q=/), page.locator('#search-q').press('Enter')]);
    expect(new URL(page.url()).pathname).toBe(`/clubs/${club!.id}/search`);
    // Progress 0: the book is found, but only as ahead of them, with no words of it.
    expect(await page.textContent('#search-results')).toContain('(ahead of you)');
    expect(await page.locator('#search-results mark').count()).toBe(0);
    await context.close();
  });
});
