/**
 * Search in a real browser: a reader types a two-syllable Korean word into the club home's
 * search box; htmx asks as they type (no page load), the results appear in the live region,
 * and the first book result lands on its paragraph (`#p-N`). The same search without
 * JavaScript is a plain page; screenshots of it at 390 px and 1280 px in Korean and English.
 * No CSP violations, no page errors, nothing wider than a phone.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connection';
import type { TestApp } from '../helpers/app';
import { createClubRow, importSampleBook, setProgressRow, startReadingRow, userIdOf } from '../helpers/fixtures';
import { DESKTOP, expectNoOverflow, newContext, PHONE, registerThroughForm, type RunningServer, screenshot, shootEverywhere, withServerAndBrowser } from './harness';

let server: RunningServer;
let browser: Browser;
withServerAndBrowser((started) => ({ server, browser } = started));

describe('searching a club', () => {
  it('types 등불, sees results without a page load, and lands on the paragraph', async () => {
    const { page, problems } = await newContext(browser, { viewport: PHONE });
    await registerThroughForm(page, server.url, 'searcher', 'correct horse battery', '검색하는 사람');

    const { db, sqlite } = openDatabase(join(server.dir, 'e2e.db'));
    const seed = { db, sqlite, clock: { now: Date.now(), advance() {} } } as unknown as TestApp;
    const book = importSampleBook(seed);
    const userId = userIdOf(seed, 'searcher');
    const club = createClubRow(seed, { ownerId: userId, name: '등불 모임' });
    const reading = startReadingRow(seed, club.id, book.editionId);
    setProgressRow(seed, reading.id, userId, 7); // chapter 1 read; chapters 2 and 3 ahead
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
    await shootEverywhere(page, 'search-page');
    expect(problems).toEqual([]);
  });
});
