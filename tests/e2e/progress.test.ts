/**
 * Finding 1 of issue #10 in a real browser: one peek ahead must not spoil anything.
 *
 * A member whose progress is at the end of chapter 1.2 of the 550 KB-shaped Korean book opens
 * chapter 3.1 from the contents and scrolls it to the end, reading at a human pace (the page's
 * clock is Playwright's, so "twenty seconds a screen" takes no real time), then goes back. Their
 * progress is still 1.2, and no comment anchored after 1.2 appears anywhere in their pages.
 * Then they read on in 1.3 and progress does move: the script works, it only refuses to
 * count a peek. Also: a page left open in a background tab moves nothing.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DESKTOP, expectNoOverflow, newContext, PHONE, registerThroughForm, RESULTS, screenshot, serverAndBrowser, switchLocale } from './harness';
import { seedKoreanClub } from './world';

const env = serverAndBrowser();

/** Scrolls to the end of the chapter a screen at a time, "reading" each screen for `msPerScreen` of page time. */
async function readToTheEnd(page: Page, msPerScreen: number) {
  for (let i = 0; i < 400; i++) {
    await page.mouse.wheel(0, 600);
    await page.waitForTimeout(60); // a real frame, so the IntersectionObserver sees the new screen
    await page.clock.runFor(msPerScreen);
    const atEnd = await page.evaluate(() => window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2);
    if (atEnd) return;
  }
  throw new Error('never reached the end of the chapter');
}

describe('reading ahead never moves progress', () => {
  it('a member at 1.2 opens 3.1 from the contents, reads it to the end, goes back: still 1.2, nothing after 1.2 shown', async () => {
    const { server, browser } = env;
    const host = await newContext(browser);
    await registerThroughForm(host.page, server.url, 'host', 'correct horse battery', '주인');
    const reader = await newContext(browser, { viewport: PHONE, locale: 'ko-KR' });
    await registerThroughForm(reader.page, server.url, 'reader', 'correct horse battery', '독자');

    const world = await seedKoreanClub(server, { owner: 'host', members: ['reader'] });
    const { club, reading } = world;
    const [c12, c13, c21, c31] = [world.chapter('1.2.'), world.chapter('1.3.'), world.chapter('2.1.'), world.chapter('3.1.')];
    const readerId = world.memberIds[0]!;
    await world.setProgress(readerId, c12.lastPosition);
    await world.say(c12, 3, '1.2에 대한 이야기 (보여도 돼요)');
    await world.say(c13, 2, 'SPOILER-1.3 곧 읽을 곳');
    await world.say(c21, 5, 'SPOILER-2.1 한참 뒤');
    await world.say(c31, 0, 'SPOILER-3.1 첫 문단');
    await world.say(c31, 40, 'SPOILER-3.1 마지막 즈음');
    const stored = () => world.progressOf(readerId);

    const page = reader.page;
    await page.clock.install();
    const reports: number[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith(`/readings/${reading.id}/progress`) && response.request().method() === 'POST') reports.push(response.status());
    });

    // The contents (the club's book page), then 3.1 from it.
    await page.goto(`${server.url}/clubs/${club.id}/readings/${reading.id}`);
    await Promise.all([page.waitForURL(new RegExp(`/chapters/${c31.ordinal}$`)), page.click(`a[href$="/chapters/${c31.ordinal}"]`)]);
    expect(await page.textContent('.progress-ahead')).toContain(`내 진도(${c12.title})보다 앞서 읽고 있어요. 이곳의 이야기는 숨겨져 있어요.`);
    expect(await page.getAttribute('#reading-progress', 'data-standing')).toBe('ahead');
    await screenshot(page, 'progress-ahead-ko-390');
    await readToTheEnd(page, 20_000);
    await page.clock.runFor(10_000);
    await page.goBack();
    await page.waitForURL(new RegExp(`/readings/${reading.id}$`));
    expect(reports).toEqual([]); // the script never even asked
    expect(await stored()).toBe(c12.lastPosition);

    // Nothing anchored after 1.2 anywhere: club home, the contents, 1.2, 1.3, 3.1 and its threads.
    const pages = [`/clubs/${club.id}`, `/clubs/${club.id}/readings/${reading.id}`, ...[c12, c13, c31].map((chapter) => `/clubs/${club.id}/chapters/${chapter.ordinal}`)];
    for (const path of pages) {
      await page.goto(`${server.url}${path}`);
      const html = await page.content();
      expect(html, path).not.toContain('SPOILER');
      // …while what was said about 1.2 itself is there.
      if (path.endsWith(`/chapters/${c12.ordinal}`)) expect(html).toContain('class="comment-count"');
    }
    await page.goto(`${server.url}/clubs/${club.id}/chapters/${c31.ordinal}`);
    for (const count of await page.locator('.comment-count').all()) {
      await count.click();
      await page.waitForTimeout(200);
    }
    expect(await page.content()).not.toContain('SPOILER');
    // The club home still says where to continue: 1.3, not 3.1.
    await page.goto(`${server.url}/clubs/${club.id}`);
    expect(await page.textContent('.club-current .actions a.button')).toContain(c13.title);

    // A page left open in a background tab gathers nothing.
    await page.goto(`${server.url}/clubs/${club.id}/chapters/${c13.ordinal}`);
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await page.clock.runFor(120_000);
    expect(await stored()).toBe(c12.lastPosition);

    // Reading on from 1.2 into 1.3, at a reading pace, does move progress.
    await page.reload();
    const moved = page.waitForResponse((response) => response.url().endsWith(`/readings/${reading.id}/progress`) && response.request().method() === 'POST');
    await page.mouse.wheel(0, 10);
    await page.waitForTimeout(60);
    await page.clock.runFor(60_000);
    expect((await moved).status()).toBe(200);
    expect(await stored()).toBeGreaterThan(c12.lastPosition);
    expect(await stored()).toBeLessThanOrEqual(c13.lastPosition);
    await page.waitForFunction(() => document.querySelector('#reading-progress')?.getAttribute('data-standing') === 'reading');

    // How the reading page looks: the text clear, the chosen paragraph's actions under it (a
    // phone) or beside it (a desktop), in both languages; and the notice when ahead.
    await page.clock.resume();
    for (const locale of ['ko', 'en'] as const) {
      await switchLocale(page, locale);
      for (const [width, viewport] of [['390', PHONE], ['1280', DESKTOP]] as const) {
        await page.setViewportSize(viewport);
        await page.goto(`${server.url}/clubs/${club.id}/chapters/${c13.ordinal}`);
        await page.screenshot({ path: join(RESULTS, `progress-chapter-top-${locale}-${width}.png`) });
        const chosen = page.locator('.reader-text .para:not(.para-heading)').nth(6);
        await chosen.locator('.paragraph-text').click();
        await expect.poll(() => chosen.locator('.progress-here').isVisible()).toBe(true);
        await chosen.scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(RESULTS, `progress-chapter-chosen-${locale}-${width}.png`) });
        await page.goto(`${server.url}/clubs/${club.id}/chapters/${c31.ordinal}`);
        await page.screenshot({ path: join(RESULTS, `progress-chapter-ahead-${locale}-${width}.png`) });
        if (width === '390') await expectNoOverflow(page);
      }
    }

    expect(reader.problems).toEqual([]);
    await world.close();
    await host.context.close();
    await reader.context.close();
  });
});
