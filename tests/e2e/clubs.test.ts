/**
 * Clubs in a real browser. An owner creates a private club, picks one of the shipped books,
 * sets a schedule and creates an invitation link. A second reader (another browser context)
 * opens the link signed out, signs up through it, joins, opens a chapter and reads (scrolling,
 * then a "read up to here" button); their progress then appears on the club page for the owner.
 * Screenshots of the club home and the chapter page at 390 px and 1280 px in Korean and
 * English, with no CSP violations and nothing wider than a phone screen.
 */
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DESKTOP, newContext, PHONE, registerThroughForm, RESULTS, type RunningServer, screenshot, shootEverywhere, withServerAndBrowser } from './harness';

let server: RunningServer;
let browser: Browser;
withServerAndBrowser((started) => ({ server, browser } = started), { IMPORT_CONTENT: 'true' });

/** A `datetime-local` value `days` from now in the browser's clock (the server reads it in its own zone). */
function localInput(days: number): string {
  const date = new Date(Date.now() + days * 86_400_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T19:00`;
}

describe('a private club, from invitation to progress', () => {
  it('owner invites, reader joins through the link and reads, owner sees the progress', async () => {
    const owner = await newContext(browser, { viewport: DESKTOP });
    const reader = await newContext(browser, { viewport: PHONE });

    // The owner creates a private club.
    await registerThroughForm(owner.page, server.url, 'minji', 'correct horse battery', '민지');
    await owner.page.goto(`${server.url}/clubs`);
    await owner.page.click('a[href="/clubs/new"]');
    await owner.page.fill('#name', '목요일 밤 독서 모임');
    await owner.page.fill('#description', '한 달에 한 권, 목요일 밤마다 만나요.\nWe read one book a month.');
    await owner.page.selectOption('#language', 'ko');
    await Promise.all([owner.page.waitForURL(/\/clubs\/\d+\?done=created$/), owner.page.click('form.club-form button[type="submit"]')]);
    const clubPath = new URL(owner.page.url()).pathname;
    expect(await owner.page.textContent('.club-name')).toContain('목요일 밤 독서 모임');

    // It picks the shipped Korean book.
    await owner.page.click(`a[href="${clubPath}/readings/new"]`);
    const korean = owner.page.locator('.pick-item', { hasText: '함께 읽는 법' });
    await Promise.all([owner.page.waitForURL(/\?done=book$/), korean.locator('button').click()]);
    expect(await owner.page.textContent('.club-current')).toContain('함께 읽는 법');

    // A schedule: chapter 4 onwards opens a week apart, from next week.
    await owner.page.click('.club-current a[href$="/schedule"]');
    const chapterCount = await owner.page.locator('#schedule-to option').count();
    expect(chapterCount).toBeGreaterThan(4);
    await owner.page.selectOption('#schedule-from', '4');
    await owner.page.selectOption('#schedule-to', String(chapterCount));
    await owner.page.fill('#schedule-opens', localInput(7));
    await owner.page.fill('#schedule-every', '7');
    await Promise.all([owner.page.waitForURL(/schedule\?saved=1$/), owner.page.click('.schedule-form button[value="set"]')]);
    await screenshot(owner.page, 'clubs-schedule-en-1280');

    // An invitation link.
    await owner.page.goto(`${server.url}${clubPath}/invitations`);
    await owner.page.fill('#invite-uses', '3');
    await Promise.all([owner.page.waitForLoadState('load'), owner.page.click('.invitation-form button[type="submit"]')]);
    const link = await owner.page.inputValue('#invitation-link');
    expect(link).toMatch(new RegExp(`^${server.url}/invite/[a-z2-7]{32}$`));
    await screenshot(owner.page, 'clubs-invitations-en-1280');

    // The reader follows it signed out: the club, and a way in; signing up joins at once.
    await reader.page.goto(link);
    expect(new URL(reader.page.url()).pathname).toMatch(/^\/invite\//);
    expect(await reader.page.textContent('h1')).toContain('목요일 밤 독서 모임');
    await screenshot(reader.page, 'clubs-invite-signed-out-en-390');
    await reader.page.click('.invite-page a[href^="/register?next="]');
    expect(await reader.page.textContent('.auth-form .flash')).toContain('목요일 밤 독서 모임');
    await reader.page.fill('#username', 'seoyeon');
    await reader.page.fill('#displayName', '서연');
    await reader.page.fill('#password', 'correct horse battery');
    await reader.page.fill('#passwordConfirm', 'correct horse battery');
    await Promise.all([reader.page.waitForURL(/\?done=joined$/), reader.page.click('form[action="/register"] button[type="submit"]')]);
    expect(await reader.page.textContent('.flash')).toContain('Welcome');

    // The reader opens the first chapter with text and reads by scrolling, a screen at a
    // reading pace (the page's clock is Playwright's, so the minutes take no real time).
    await reader.page.clock.install();
    await reader.page.click('.club-current a.button');
    await reader.page.waitForSelector('.club-chapter .para');
    const progressUrl = await reader.page.getAttribute('.club-chapter', 'data-progress-url');
    expect(progressUrl).toMatch(/\/clubs\/\d+\/readings\/\d+\/progress$/);
    const reported = reader.page.waitForResponse((response) => response.url().endsWith(progressUrl!) && response.request().method() === 'POST');
    for (let i = 0; i < 6; i++) {
      await reader.page.mouse.wheel(0, 500);
      await reader.page.waitForTimeout(60);
      await reader.page.clock.runFor(20_000);
    }
    expect((await reported).status()).toBe(200);
    await reader.page.waitForFunction(() => Number(document.querySelector('#reading-progress progress')?.getAttribute('value')) > 0);

    // Then, in the next chapter, "I have read up to here" near the end (sent in the background by progress.js).
    await Promise.all([reader.page.waitForURL(/\/chapters\/\d+$/), reader.page.click('a[rel="next"]')]);
    await reader.page.waitForSelector('.club-chapter .para');
    const target = Number(await reader.page.locator('button.progress-here[form="progress-forward"]').last().getAttribute('value'));
    const button = reader.page.locator(`button.progress-here[value="${target}"]`);
    expect(await button.isVisible()).toBe(false); // out of the way until the paragraph is chosen
    await reader.page.locator(`.para[data-position="${target}"] .paragraph-text`).click(); // a tap on the paragraph chooses it
    await button.scrollIntoViewIfNeeded();
    const clicked = reader.page.waitForResponse((response) => response.url().endsWith(progressUrl!) && response.request().method() === 'POST');
    await button.click();
    expect((await clicked).status()).toBe(200);
    await reader.page.waitForFunction(
      (position) => document.querySelector(`.para[data-position="${position}"]`)?.classList.contains('para-read'),
      target,
    );
    expect(new URL(reader.page.url()).hash).toBe(''); // no page load: the script sent it
    await reader.page.evaluate(() => window.scrollTo(0, 0));
    await shootEverywhere(reader.page, 'clubs-chapter', { allowedScrollers: '.club-table-wrap' });
    // What a phone shows first, and the paragraph controls up close (not full-page).
    await reader.page.setViewportSize(PHONE);
    await reader.page.screenshot({ path: join(RESULTS, 'clubs-chapter-top-en-390.png') });
    await reader.page.locator(`.para[data-position="${target}"]`).scrollIntoViewIfNeeded();
    await reader.page.screenshot({ path: join(RESULTS, 'clubs-chapter-margin-en-390.png') });
    await reader.page.setViewportSize(DESKTOP);
    await reader.page.locator(`.para[data-position="${target}"]`).scrollIntoViewIfNeeded();
    await reader.page.screenshot({ path: join(RESULTS, 'clubs-chapter-margin-en-1280.png') });
    await reader.page.setViewportSize(PHONE);

    // A chapter that has not opened yet shows its date, not its text.
    const chapterUrl = new URL(reader.page.url());
    await reader.page.goto(`${server.url}${chapterUrl.pathname.replace(/\/\d+$/, '/5')}`);
    expect(await reader.page.textContent('.chapter-closed-notice')).toMatch(/opens on/);
    expect(await reader.page.locator('.reader-text').count()).toBe(0);
    await screenshot(reader.page, 'clubs-chapter-closed-en-390');

    // The owner sees the reader's progress on the club page.
    await owner.page.goto(`${server.url}${clubPath}`);
    const member = owner.page.locator('.member', { hasText: '서연' });
    const value = Number(await member.locator('progress').getAttribute('value'));
    expect(value).toBeGreaterThan(0);
    await shootEverywhere(owner.page, 'clubs-home', { allowedScrollers: '.club-table-wrap' });

    // The reader's own view of the club home, on a phone.
    await reader.page.goto(`${server.url}${clubPath}`);
    await screenshot(reader.page, 'clubs-home-member-en-390');
    await reader.page.goto(`${server.url}/clubs`);
    await screenshot(reader.page, 'clubs-mine-en-390');

    // Without JavaScript, the "read up to here" buttons are plain forms that post and come back.
    const noJsContext = await browser.newContext({ viewport: PHONE, locale: 'ko-KR', javaScriptEnabled: false });
    const noJs = await noJsContext.newPage();
    await registerThroughForm(noJs, server.url, 'jiho', 'correct horse battery', '지호');
    await noJs.goto(link);
    await Promise.all([noJs.waitForURL(/\?done=joined$/), noJs.click('.invite-page button[type="submit"]')]);
    await noJs.goto(`${server.url}${chapterUrl.pathname.replace(/\/\d+$/, '/3')}`);
    const third = noJs.locator('button.progress-here[form="progress-forward"]').nth(2);
    const position = await third.getAttribute('value');
    await noJs.screenshot({ path: join(RESULTS, 'clubs-chapter-nojs-ko-390.png') });
    await Promise.all([noJs.waitForURL(/#p-\d+$/), third.click()]);
    expect(await noJs.getAttribute(`.para[data-position="${position}"]`, 'class')).toContain('para-read');
    expect(Number(await noJs.getAttribute('#reading-progress progress', 'value'))).toBeGreaterThan(0);
    await noJs.setViewportSize(DESKTOP);
    await noJs.goto(`${server.url}${chapterUrl.pathname.replace(/\/\d+$/, '/3')}`);
    await noJs.screenshot({ path: join(RESULTS, 'clubs-chapter-nojs-ko-1280.png') });
    await noJsContext.close();

    expect(owner.problems).toEqual([]);
    expect(reader.problems).toEqual([]);
    await owner.context.close();
    await reader.context.close();
  });
});
