/**
 * Notifications in a real browser: B replies to A's comment; A's bell shows 1; A opens the bell,
 * then the notification, and lands on the thread with B's reply; the bell is back to none.
 * Then the notifications page and the preferences page, at 390 and 1280 px, in English and
 * Korean (screenshots in test-results/), with no CSP violation and nothing wider than a phone.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connection';
import type { TestApp } from '../helpers/app';
import { addMemberRow, createClubRow, importSampleBook, setProgressRow, startReadingRow, userIdOf } from '../helpers/fixtures';
import { DESKTOP, newContext, PHONE, registerThroughForm, seriousViolations, shootEverywhere, type RunningServer, withServerAndBrowser } from './harness';

let server: RunningServer;
let browser: Browser;
withServerAndBrowser((started) => ({ server, browser } = started));

describe('the bell', () => {
  it('B replies to A; A’s bell shows 1; opening it lands on the thread', async () => {
    const a = await newContext(browser, { viewport: DESKTOP });
    const b = await newContext(browser, { viewport: PHONE });
    await registerThroughForm(a.page, server.url, 'bell_a', 'correct horse battery', 'Ahn Reader');
    await registerThroughForm(b.page, server.url, 'bell_b', 'correct horse battery', '박독자');

    const { db, sqlite } = openDatabase(join(server.dir, 'e2e.db'));
    const seed = { db, sqlite, clock: { now: Date.now(), advance() {} } } as unknown as TestApp;
    const book = await importSampleBook(seed);
    const aId = await userIdOf(seed, 'bell_a');
    const bId = await userIdOf(seed, 'bell_b');
    const club = await createClubRow(seed, { ownerId: aId, name: 'Lantern readers' });
    await addMemberRow(seed, club.id, bId);
    const reading = await startReadingRow(seed, club.id, book.editionId);
    await setProgressRow(seed, reading.id, aId, 14);
    await setProgressRow(seed, reading.id, bId, 14);
    const paragraph = (await db.select().from((await import('../../db/schema')).paragraphs)).find((p) => p.chapterId === book.chapters[1]!.id && p.ordinal === 3)!;
    sqlite.close();
    const threadPath = `/clubs/${club.id}/paragraphs/${paragraph.id}/comments`;

    // A writes a comment on ¶3 of chapter 2 from the paragraph's discussion page.
    await a.page.goto(`${server.url}${threadPath}`);
    await a.page.fill('form.new-comment textarea', 'Why do the keepers climb at dusk?');
    await Promise.all([a.page.waitForLoadState('load'), a.page.click('form.new-comment button[type="submit"]')]);
    // A owns the club, so B's joining was a notification already: A marks everything read.
    await a.page.goto(`${server.url}/notifications`);
    expect(await a.page.textContent('.notification-text')).toContain('박독자 joined Lantern readers');
    await Promise.all([a.page.waitForURL(/done=all/), a.page.click('text=Mark all read')]);
    expect(await a.page.locator('.nav-bell-count').count()).toBe(0);

    // B opens the same discussion and replies to A.
    await b.page.goto(`${server.url}${threadPath}`);
    const root = b.page.locator('.comment-root').first();
    const rootId = (await root.getAttribute('id'))!.replace('c-', '');
    await root.locator('summary', { hasText: 'Reply' }).first().click();
    await b.page.fill(`#body-reply-${rootId}`, 'Because the light is kinder then.');
    await b.page.locator(`#body-reply-${rootId}`).locator('xpath=ancestor::form').locator('button[type="submit"]').click();
    await b.page.waitForSelector('text=Because the light is kinder then.');

    // A's bell shows 1.
    await a.page.goto(`${server.url}/clubs/${club.id}`);
    expect((await a.page.textContent('.nav-bell-count'))?.trim()).toBe('1');
    expect((await a.page.textContent('.nav-bell'))?.replace(/\s+/g, ' ').trim()).toBe('Notifications 1 unread');
    await a.page.setViewportSize(PHONE);
    await shootEverywhere(a.page, 'notifications-bell');

    // The bell leads to the list; the notification leads to the thread, open at B's reply.
    await Promise.all([a.page.waitForURL(/\/notifications$/), a.page.click('.nav-bell')]);
    expect(await a.page.textContent('.notification-text')).toContain('박독자 replied to your comment in Chapter 2');
    expect(await seriousViolations(a.page)).toEqual([]);
    await shootEverywhere(a.page, 'notifications-list');
    await Promise.all([a.page.waitForURL((url) => url.pathname === threadPath), a.page.click('.notification-text')]);
    expect(new URL(a.page.url()).hash).toMatch(/^#c-\d+$/);
    const replyId = new URL(a.page.url()).hash.slice(1);
    expect(await a.page.textContent(`#${replyId}`)).toContain('Because the light is kinder then.');
    expect(await a.page.locator('.nav-bell-count').count()).toBe(0);

    // The preferences page (e-mail is not set up on this server, and it says so).
    await a.page.goto(`${server.url}/notifications/preferences`);
    expect(await a.page.textContent('main')).toContain('E-mail is not set up on this server');
    expect(await seriousViolations(a.page)).toEqual([]);
    await shootEverywhere(a.page, 'notifications-preferences');
    await a.page.uncheck('input[name="inapp_0"]');
    await Promise.all([a.page.waitForURL(/saved=1/), a.page.click('form[action="/notifications/preferences"] button[type="submit"]')]);
    expect(await a.page.textContent('[role="status"]')).toContain('Saved.');

    expect(a.problems).toEqual([]);
    expect(b.problems).toEqual([]);
    await a.context.close();
    await b.context.close();
  });
});
