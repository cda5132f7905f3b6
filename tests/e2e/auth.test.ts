/**
 * The foundation in a real browser: sign up, sign out, sign in, switch to Korean and back,
 * with no CSP violations or page errors, and screenshots at phone and desktop widths.
 */
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DESKTOP, expectNoOverflow, newContext, PHONE, registerThroughForm, type RunningServer, screenshot, withServerAndBrowser } from './harness';

let server: RunningServer;
let browser: Browser;
withServerAndBrowser((started) => ({ server, browser } = started));

/** Korean text is drawn with a font that has Hangul, not as empty boxes. */
async function expectHangulGlyphs(page: Page, selector: string) {
  const widths = await page.evaluate((sel) => {
    const element = document.querySelector(sel)!;
    const font = getComputedStyle(element).font;
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d')!;
    context.font = font;
    // Distinct syllables drawn as "tofu" boxes would all have the same width and pixels.
    const draw = (text: string) => {
      context.clearRect(0, 0, 300, 100);
      context.fillText(text, 10, 50);
      return [...context.getImageData(0, 0, 300, 100).data].join(',');
    };
    return { a: draw('가'), b: draw('힣'), c: draw('독'), fonts: document.fonts.status };
  }, selector);
  expect(new Set([widths.a, widths.b, widths.c]).size).toBe(3);
}

describe('accounts in the browser', () => {
  it('sign up, sign out, sign in, and switch language, at desktop and phone widths', async () => {
    for (const [label, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      const { context, page, problems } = await newContext(browser, { viewport });
      const username = `minji_${label}`;
      try {
        // Home, signed out, in English.
        await page.goto(`${server.url}/`);
        expect(await page.getAttribute('html', 'lang')).toBe('en');
        await expect.poll(() => page.textContent('h1')).toBe('Marginalia');
        await expectNoOverflow(page);
        await screenshot(page, `home-en-${label}`);

        await page.goto(`${server.url}/register`);
        await expectNoOverflow(page);
        await screenshot(page, `register-${label}`);

        // A validation error comes back in the form, with what was typed kept.
        await page.fill('#username', 'x');
        await page.fill('#displayName', '김민지');
        await page.fill('#password', 'short');
        await page.fill('#passwordConfirm', 'short');
        await Promise.all([page.waitForLoadState('load'), page.click('form[action="/register"] button[type="submit"]')]);
        expect(await page.textContent('.form-errors')).toContain('Usernames are 3–32 characters');
        expect(await page.inputValue('#displayName')).toBe('김민지');
        await expectNoOverflow(page);
        await screenshot(page, `register-errors-${label}`);

        // Sign up.
        await registerThroughForm(page, server.url, username, 'correct horse battery', '김민지');
        expect(new URL(page.url()).pathname).toBe('/');
        expect(await page.textContent('.welcome')).toBe('Welcome, 김민지.');
        expect(await page.textContent('.nav-user')).toBe('김민지');
        const cookies = await context.cookies();
        const session = cookies.find((cookie) => cookie.name === 'marginalia_session');
        expect(session?.httpOnly).toBe(true);
        expect(session?.sameSite).toBe('Lax');
        expect(await page.evaluate(() => document.cookie)).not.toContain('marginalia_session');

        // Sign out.
        await Promise.all([page.waitForURL(`${server.url}/`), page.click('form[action="/logout"] button')]);
        expect(await page.locator('.nav-user').count()).toBe(0);
        expect(await page.textContent('.site-nav')).toContain('Sign in');

        // A wrong password, then sign in.
        await page.goto(`${server.url}/login`);
        await screenshot(page, `login-${label}`);
        await page.fill('#username', username);
        await page.fill('#password', 'wrong password!');
        await Promise.all([page.waitForLoadState('load'), page.click('form[action="/login"] button[type="submit"]')]);
        expect(await page.textContent('.form-errors')).toContain('That username and password do not match an account.');
        await page.fill('#password', 'correct horse battery');
        await Promise.all([page.waitForURL(`${server.url}/`), page.click('form[action="/login"] button[type="submit"]')]);
        expect(await page.textContent('.welcome')).toBe('Welcome, 김민지.');

        // Switch to Korean: the visible texts change, and the page stays where it was.
        await page.goto(`${server.url}/account`);
        expect(await page.textContent('h1')).toBe('Your account');
        await page.selectOption('#locale-select', 'ko');
        await Promise.all([page.waitForURL(`${server.url}/account`), page.click('.language-switch button')]);
        expect(await page.getAttribute('html', 'lang')).toBe('ko');
        expect(await page.textContent('h1')).toBe('내 계정');
        expect(await page.textContent('.site-nav')).toContain('로그아웃');
        await expectHangulGlyphs(page, 'h1');
        await expectNoOverflow(page);
        await screenshot(page, `account-ko-${label}`);

        await page.goto(`${server.url}/`);
        expect(await page.textContent('.welcome')).toBe('김민지님, 어서 오세요.');
        expect(await page.textContent('.lede')).toContain('한 권의 책을');
        await expectHangulGlyphs(page, '.lede');
        await expectNoOverflow(page);
        await screenshot(page, `home-ko-${label}`);

        // And back to English.
        await page.selectOption('#locale-select', 'en');
        await Promise.all([page.waitForURL(`${server.url}/`), page.click('.language-switch button')]);
        expect(await page.getAttribute('html', 'lang')).toBe('en');
        expect(await page.textContent('.welcome')).toBe('Welcome, 김민지.');
        await page.goto(`${server.url}/account`);
        expect(await page.textContent('h1')).toBe('Your account');
        await expectNoOverflow(page);
        await screenshot(page, `account-en-${label}`);

        // Signed out, the Korean home page too (Accept-Language).
        const korean = await newContext(browser, { viewport, locale: 'ko-KR' });
        try {
          await korean.page.goto(`${server.url}/`);
          expect(await korean.page.getAttribute('html', 'lang')).toBe('ko');
          expect(await korean.page.textContent('.actions')).toContain('계정 만들기');
          await expectNoOverflow(korean.page);
          await screenshot(korean.page, `home-ko-signed-out-${label}`);
          await korean.page.goto(`${server.url}/no-such-page`);
          expect(await korean.page.textContent('h1')).toBe('페이지를 찾을 수 없어요');
          expect(korean.problems).toEqual([]);
        } finally {
          await korean.context.close();
        }

        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    }
  });
});
