/**
 * Accessibility as a test: axe-core (WCAG 2.0–2.2 A and AA) on every page type, in Korean and
 * English, at phone (390 px) and desktop (1280 px) widths, with zero serious or critical
 * violations. Each page is also photographed at both widths in both languages
 * (`test-results/a11y-<page>-<lang>-<width>.png`, the first screen) for a person to look at.
 *
 * Pages: home, sign-up, sign-in, account, library, book, library reader, my clubs, new club,
 * club home (with its members), club chapter (with a paragraph chosen and its thread open),
 * the club's book page, schedule, book picker, invitations, an invitation signed out, polls,
 * a poll, the new-poll form, upload form, upload preview, a paragraph's comments page, the
 * chapter discussion page and the error page.
 */
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleChapterRow } from '../helpers/fixtures';
import { DESKTOP, PHONE, RESULTS, seriousViolations, serverAndBrowser } from './harness';
import { seedKoreanClub } from './world';

const env = serverAndBrowser();
const PASSWORD = 'correct horse battery';

type Who = 'host' | 'reader' | 'visitor';
type Locale = 'en' | 'ko';

async function signedIn(locale: Locale, username: string, register: boolean): Promise<BrowserContext> {
  const context = await env.browser.newContext({ viewport: DESKTOP, locale: locale === 'ko' ? 'ko-KR' : 'en-US' });
  const page = await context.newPage();
  const form = register ? 'register' : 'login';
  await page.goto(`${env.server.url}/${form}`);
  await page.fill('#username', username);
  if (register) await page.fill('#displayName', username === 'host' ? '주인 Host' : '독자 Reader');
  await page.fill('#password', PASSWORD);
  if (register) await page.fill('#passwordConfirm', PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith(`/${form}`)), page.click(`form[action="/${form}"] button[type="submit"]`)]);
  await page.close();
  return context;
}

let contexts: Record<Locale, Record<Who, BrowserContext>>;
let pages: { name: string; who: Who; path: string; prepare?: (page: Page) => Promise<void> }[];
let close: () => void;

beforeAll(async () => {
  const { server } = env;
  const hostEn = await signedIn('en', 'host', true); // the first account: site admin, may upload
  const readerEn = await signedIn('en', 'reader', true);
  contexts = {
    en: { host: hostEn, reader: readerEn, visitor: await env.browser.newContext({ viewport: DESKTOP, locale: 'en-US' }) },
    ko: { host: await signedIn('ko', 'host', false), reader: await signedIn('ko', 'reader', false), visitor: await env.browser.newContext({ viewport: DESKTOP, locale: 'ko-KR' }) },
  };

  const world = await seedKoreanClub(server, { owner: 'host', members: ['reader'], targetBytes: 60_000 });
  const { club, reading } = world;
  const c11 = world.chapter('1.1.');
  const c12 = world.chapter('1.2.');
  await world.setProgress(world.memberIds[0]!, c12.lastPosition);
  await world.say(c11, 0, '첫 문단이 좋았어요. *정말로*.');
  await world.say(c12, 1, 'What did everyone think of this line?', world.memberIds[0]);
  await world.say(c12, 4, '뒤에 나올 이야기', world.ownerId);
  const poll = await world.poll('다음에는 어떤 책을 읽을까요?', ['소설', '시집', '에세이'], { chapterId: c12.id });
  await world.poll('Which evening suits you?', ['Thursday', 'Friday', 'Saturday'], { kind: 'ranked', minChoices: 1, maxChoices: 3 });
  const last = world.chapters[world.chapters.length - 2]!;
  await scheduleChapterRow(world.seed, reading.id, last.id, Date.now() + 7 * 86_400_000);
  const paragraph = await world.textParagraph(c12, 1);
  close = world.close;

  // An invitation link (shown once) and an upload waiting for its preview, made through the UI.
  const page = await hostEn.newPage();
  await page.goto(`${server.url}/clubs/${club.id}/invitations`);
  await Promise.all([page.waitForLoadState('load'), page.click('.invitation-form button[type="submit"]')]);
  const link = await page.inputValue('#invitation-link');
  await page.goto(`${server.url}/library/upload`);
  await page.setInputFiles('#upload-file', { name: '작은 책.txt', mimeType: 'text/plain', buffer: Buffer.from('작은 책\n\n제1장 봄\n\n봄에는 책방 문을 열었어요.\n\n제2장 여름\n\n여름에는 긴 책을 읽었어요.\n') });
  await Promise.all([page.waitForURL(/\/library\/uploads\/[a-z2-7]+$/), page.click('.upload-form button[type="submit"]')]);
  const preview = new URL(page.url()).pathname;
  await page.close();

  pages = [
    { name: 'home', who: 'visitor', path: '/' },
    { name: 'home-signed-in', who: 'reader', path: '/' },
    { name: 'register', who: 'visitor', path: '/register' },
    { name: 'login', who: 'visitor', path: '/login' },
    { name: 'account', who: 'reader', path: '/account' },
    { name: 'library', who: 'reader', path: '/library' },
    { name: 'book', who: 'reader', path: `/books/${world.editionId}` },
    { name: 'reader', who: 'reader', path: `/books/${world.editionId}/chapters/${c11.ordinal}` },
    { name: 'clubs', who: 'reader', path: '/clubs' },
    { name: 'club-new', who: 'reader', path: '/clubs/new' },
    { name: 'club-home', who: 'host', path: `/clubs/${club.id}` },
    { name: 'club-home-member', who: 'reader', path: `/clubs/${club.id}` },
    {
      name: 'club-chapter',
      who: 'reader',
      path: `/clubs/${club.id}/chapters/${c12.ordinal}`,
      prepare: async (tab) => {
        // A paragraph chosen (its actions shown) and a thread open in its margin.
        const para = tab.locator(`#p-${paragraph.ordinal}`);
        await para.locator('.paragraph-text').click();
        await para.locator('.comment-count').click();
        await para.locator('.threads .comment').first().waitFor();
      },
    },
    { name: 'club-chapter-ahead', who: 'reader', path: `/clubs/${club.id}/chapters/${world.chapter('2.1.').ordinal}` },
    { name: 'club-book', who: 'reader', path: `/clubs/${club.id}/readings/${reading.id}` },
    { name: 'schedule', who: 'host', path: `/clubs/${club.id}/readings/${reading.id}/schedule` },
    { name: 'pick', who: 'host', path: `/clubs/${club.id}/readings/new` },
    { name: 'invitations', who: 'host', path: `/clubs/${club.id}/invitations` },
    { name: 'invite-signed-out', who: 'visitor', path: new URL(link).pathname },
    { name: 'polls', who: 'reader', path: `/clubs/${club.id}/polls` },
    { name: 'poll', who: 'reader', path: `/clubs/${club.id}/polls/${poll.id}` },
    { name: 'poll-new', who: 'host', path: `/clubs/${club.id}/polls/new` },
    { name: 'upload', who: 'host', path: `/library/upload?club=${club.id}` },
    { name: 'upload-preview', who: 'host', path: preview },
    { name: 'paragraph-comments', who: 'reader', path: `/clubs/${club.id}/paragraphs/${paragraph.id}/comments` },
    { name: 'discussion', who: 'reader', path: `/clubs/${club.id}/discussion/${c11.id}` },
    { name: 'error', who: 'reader', path: '/no/such/page' },
  ];
});

afterAll(async () => {
  close?.();
  for (const byWho of Object.values(contexts ?? {})) for (const context of Object.values(byWho)) await context.close();
});

describe('the reading page on a touch phone', () => {
  it('shows the chosen paragraph’s actions at thumb size and full contrast, and nothing under the others', async () => {
    const context = await env.browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: 'ko-KR' });
    const page = await context.newPage();
    await page.goto(`${env.server.url}/login`);
    await page.fill('#username', 'reader');
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('form[action="/login"] button[type="submit"]')]);
    const chapter = pages.find((entry) => entry.name === 'club-chapter')!;
    await page.goto(`${env.server.url}${chapter.path}`);
    expect(await page.evaluate(() => matchMedia('(pointer: coarse)').matches)).toBe(true);
    // Out of the way: no paragraph shows its actions until one is chosen.
    expect(await page.locator('.reader-text .add-comment:visible, .reader-text .progress-here:visible').count()).toBe(0);
    const para = page.locator('.reader-text .para:not(.para-heading)').nth(3);
    await para.locator('.paragraph-text').tap();
    const sizes = await para.evaluate((el) =>
      [...el.querySelectorAll<HTMLElement>('.add-comment, .progress-here')].map((action) => {
        const box = action.getBoundingClientRect();
        const style = getComputedStyle(action);
        return { width: box.width, height: box.height, opacity: Number(style.opacity), fontSize: parseFloat(style.fontSize) };
      }),
    );
    expect(sizes).toHaveLength(2);
    for (const size of sizes) {
      expect(size.height).toBeGreaterThanOrEqual(44);
      expect(size.width).toBeGreaterThanOrEqual(44);
      expect(size.opacity).toBe(1);
      expect(size.fontSize).toBeGreaterThanOrEqual(15);
    }
    expect(await page.locator('.reader-text .add-comment:visible').count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]); // contrast of the shown actions included
    await page.screenshot({ path: join(RESULTS, 'a11y-club-chapter-touch-ko-390.png') });
    await context.close();
  });
});

describe('every page type at phone and desktop widths', () => {
  it.each(['en', 'ko'] as const)('in %s has no serious or critical axe violations', async (locale) => {
    const tabs = new Map<Who, Page>();
    const found: string[] = [];
    for (const entry of pages) {
      let page = tabs.get(entry.who);
      if (!page) tabs.set(entry.who, (page = await contexts[locale][entry.who].newPage()));
      for (const [width, viewport] of [
        ['390', PHONE],
        ['1280', DESKTOP],
      ] as const) {
        await page.setViewportSize(viewport);
        await page.goto(`${env.server.url}${entry.path}`);
        expect(await page.getAttribute('html', 'lang'), entry.name).toBe(locale);
        await entry.prepare?.(page);
        for (const line of await seriousViolations(page)) found.push(`${entry.name} ${locale} ${width}: ${line}`);
        await page.screenshot({ path: join(RESULTS, `a11y-${entry.name}-${locale}-${width}.png`) });
      }
    }
    for (const page of tabs.values()) await page.close();
    expect(found).toEqual([]);
  }, 240_000);
});
