/**
 * The tokens page in a real browser: create a token (shown once), use it against the API,
 * revoke it; in English and Korean at phone and desktop widths, without CSP violations,
 * overflow or serious accessibility problems. Look at test-results/api-tokens-*.png.
 */
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DESKTOP, expectNoOverflow, newContext, PHONE, registerThroughForm, screenshot, seriousViolations, shootWidths, switchLocale, type RunningServer, withServerAndBrowser } from './harness';

let server: RunningServer;
let browser: Browser;
withServerAndBrowser((started) => ({ server, browser } = started));

describe('personal access tokens in the browser', () => {
  it('creates a token shown once, which works against the API until it is revoked', async () => {
    const { context, page, problems } = await newContext(browser, { viewport: DESKTOP });
    try {
      await registerThroughForm(page, server.url, 'tokenreader');
      await page.goto(`${server.url}/account`);
      await Promise.all([page.waitForLoadState('load'), page.click('a[href="/account/tokens"]')]);
      expect(new URL(page.url()).pathname).toBe('/account/tokens');

      const tokens: string[] = [];
      for (const locale of ['en', 'ko'] as const) {
        await switchLocale(page, locale);
        await page.fill('#token-name', locale === 'en' ? 'Obsidian sync' : '옵시디언 동기화');
        await page.check('#scope-write');
        await page.selectOption('#token-expiry', '30');
        await Promise.all([page.waitForLoadState('load'), page.click('form[action="/account/tokens"] button[type="submit"]')]);
        const token = ((await page.textContent('#new-token')) ?? '').trim();
        expect(token).toMatch(/^mgl_[a-z2-7]{32}$/);
        tokens.push(token);
        expect(await seriousViolations(page)).toEqual([]);
        await shootWidths(page, `api-tokens-created-${locale}`);
      }
      await switchLocale(page, 'en');

      // Shown once: the page itself, loaded again, no longer has it.
      await page.goto(`${server.url}/account/tokens`);
      expect(await page.locator('#new-token').count()).toBe(0);
      expect(await page.content()).not.toContain(tokens[0]!);

      // The token works from outside the browser, as a script would use it.
      const me = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${tokens[0]}` } });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ user: { username: 'tokenreader' }, token: { name: 'Obsidian sync', scope: 'read write' } });

      // Revoke the first: the list says so, and the API no longer takes it.
      await Promise.all([page.waitForLoadState('load'), page.click('.token-list li:last-child form button')]);
      expect(await page.textContent('.flash')).toContain('The token was revoked.');
      expect((await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${tokens[0]}` } })).status).toBe(401);
      expect((await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${tokens[1]}` } })).status).toBe(200);
      await page.setViewportSize(PHONE);
      await expectNoOverflow(page);
      await screenshot(page, 'api-tokens-list-en-390');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
