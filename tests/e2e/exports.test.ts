/**
 * Exports in a real browser: a member finds "take it with you" on the club home, opens her
 * annotations page, downloads her Web Annotation file and uploads it again through the import
 * form (nothing is written twice: the result page lists why); a moderator makes the club's
 * annotated edition of a chapter, anonymised, and opens the printable page. Screenshots at
 * 390 and 1280 px in English and Korean, in print too; no CSP violations, nothing wider than a
 * phone, no serious accessibility violations.
 */
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { insertComment } from '../../src/annotations/queries';
import { userIdOf } from '../helpers/fixtures';
import { DESKTOP, newContext, registerThroughForm, type RunningServer, screenshot, seriousViolations, shootEverywhere, withServerAndBrowser } from './harness';
import { seedKoreanClub } from './world';

let server: RunningServer;
let browser: Browser;
withServerAndBrowser((started) => ({ server, browser } = started));

describe('taking annotations out, and bringing them back', () => {
  it('a member exports and re-imports her notes; a moderator prints the annotated edition', async () => {
    const host = await newContext(browser);
    const member = await newContext(browser);
    await registerThroughForm(host.page, server.url, 'host', undefined, '진행자');
    await registerThroughForm(member.page, server.url, 'minji', undefined, '민지');
    const world = await seedKoreanClub(server, { owner: 'host', members: ['minji'], targetBytes: 30_000 });
    const minjiId = await userIdOf(world.seed, 'minji');
    const chapter = world.chapters.find((row) => row.kind === 'body' && row.paragraphCount > 3)!;
    try {
      await world.say(chapter, 0, '첫 문단이 정말 아름다워요. 개울가 장면이 오래 남아요.', minjiId);
      await world.say(chapter, 1, '진행자의 생각: 이 문단에서 **분위기**가 바뀌어요.');
      const first = await world.textParagraph(chapter, 2);
      await insertComment(world.db, {
        clubId: world.club.id, readingId: world.reading.id, chapterId: chapter.id, paragraphId: first.id, parentId: null, rootId: null,
        anchorPosition: first.position, passage: null, quotedText: null, authorId: minjiId, body: '나만 보는 메모: 다시 읽기', visibility: 'private', createdAt: Date.now(),
      });
      await world.poll('이 장의 분위기는?', ['밝아요', '쓸쓸해요'], { chapterId: chapter.id });
      await world.setProgress(minjiId, chapter.lastPosition);
    } finally {
      world.close();
    }

    // --- the member: the club home's card leads to her annotations page
    const page = member.page;
    await page.goto(`${server.url}/clubs/${world.club.id}`);
    await expect(page.locator('.club-exports').count()).resolves.toBe(1);
    await page.locator('.club-exports').scrollIntoViewIfNeeded();
    await screenshot(page, 'exports-club-home-en-1280');
    await Promise.all([page.waitForURL(/\/account\/annotations$/), page.click('.club-exports a[href="/account/annotations"]')]);
    expect(await seriousViolations(page)).toEqual([]);
    await shootEverywhere(page, 'exports-account');

    const download = await page.request.get(`${server.url}/account/annotations/export.jsonld?club=${world.club.id}`);
    expect(download.headers()['content-type']).toBe('application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"');
    const doc = (await download.json()) as { total: number };
    expect(doc.total).toBe(2);

    await page.setInputFiles('#import-file', { name: 'minji.jsonld', mimeType: 'application/ld+json', buffer: Buffer.from(JSON.stringify(doc)) });
    await Promise.all([page.waitForLoadState('load'), page.click('form[action="/account/annotations/upload"] button[type="submit"]')]);
    await expect(page.locator('.flash').textContent()).resolves.toContain('0 of 2');
    await expect(page.locator('.import-unmatched tbody tr').count()).resolves.toBe(2);
    await shootEverywhere(page, 'exports-import-result', { allowedScrollers: '.club-table-wrap' });

    // --- the moderator: the annotated edition of the chapter, anonymised
    const mod = host.page;
    await mod.goto(`${server.url}/clubs/${world.club.id}`);
    await Promise.all([mod.waitForURL(/\/annotated-edition$/), mod.click(`.club-exports a[href="/clubs/${world.club.id}/annotated-edition"]`)]);
    await shootEverywhere(mod, 'annotated-edition-form');
    await mod.selectOption('#edition-chapter', String(chapter.ordinal));
    await mod.check('input[name="names"][value="anonymous"]');
    await Promise.all([mod.waitForURL(/\/annotated-edition\/print\?/), mod.click('form[action$="/annotated-edition/print"] button[type="submit"]:not([formaction])')]);
    const text = (await mod.textContent('main')) ?? '';
    expect(text).toContain('첫 문단이 정말 아름다워요');
    expect(text).not.toContain('나만 보는 메모');
    expect(text).not.toContain('민지');
    expect(text).toMatch(/Member 1|회원 1/);
    expect(await seriousViolations(mod)).toEqual([]);
    await shootEverywhere(mod, 'annotated-edition');
    await mod.emulateMedia({ media: 'print' });
    await mod.setViewportSize(DESKTOP);
    await screenshot(mod, 'annotated-edition-print');
    await mod.emulateMedia({ media: 'screen' });

    expect([...host.problems, ...member.problems]).toEqual([]);
    await host.context.close();
    await member.context.close();
  });
});
