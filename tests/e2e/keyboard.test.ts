/**
 * Keyboard only, in a real browser: a member signs in, reads (j / k between paragraphs, Tab to
 * the paragraph's "I have read up to here", Enter), comments on a paragraph, replies to a
 * comment and votes in the chapter's poll, without a mouse. After every htmx swap focus lands
 * on what the swap brought (the comment box, the new comment, the new reply, "You voted."),
 * and what a screen reader should hear is in the page's live region.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DESKTOP, newContext, registerThroughForm, screenshot, serverAndBrowser } from './harness';
import { seedKoreanClub } from './world';

const env = serverAndBrowser();

/** What has focus: its tag, classes and a little of its text. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el ? { tag: el.tagName.toLowerCase(), className: el.className, text: (el.innerText || '').slice(0, 200), id: el.id } : null;
  });

/** Presses Tab until the focused element matches `selector` (at most `max` times). */
async function tabTo(page: Page, selector: string, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}; focus is on ${JSON.stringify(await focused(page))}`);
}

describe('a member with only a keyboard', () => {
  it('reads, comments, replies and votes', async () => {
    const { server, browser } = env;
    const host = await newContext(browser);
    await registerThroughForm(host.page, server.url, 'host', 'correct horse battery', '주인');
    const { context, page, problems } = await newContext(browser, { viewport: DESKTOP });
    await registerThroughForm(page, server.url, 'reader', 'correct horse battery', 'Reader');
    await page.goto(`${server.url}/`);
    await page.keyboard.press('Tab'); // the skip link comes first
    expect((await focused(page))?.text).toBe('Skip to content');

    const world = await seedKoreanClub(server, { owner: 'host', members: ['reader'], targetBytes: 120_000 });
    const c12 = world.chapter('1.2.');
    const readerId = world.memberIds[0]!;
    const first = await world.textParagraph(c12, 0);
    await world.setProgress(readerId, first.position); // read the first paragraph of 1.2
    await world.say(c12, 0, '이 문장에서 모임이 시작되는 것 같아요.');
    await world.poll('이 장에서 가장 좋았던 장면은?', ['책방 문', '밑줄', '질문'], { chapterId: c12.id });
    await page.goto(`${server.url}/clubs/${world.club.id}/chapters/${c12.ordinal}`);

    // Read: j moves from paragraph to paragraph; Tab reaches the chosen one's actions.
    for (let i = 0; i < 4; i++) await page.keyboard.press('j');
    const chosen = await focused(page);
    expect(chosen?.className).toContain('para');
    expect(chosen?.className).toContain('para-active');
    await tabTo(page, '.para-active button.progress-here');
    const target = Number(await page.evaluate(() => (document.activeElement as HTMLButtonElement).value));
    expect(target).toBeGreaterThan(first.position);
    await page.keyboard.press('Enter');
    await expect.poll(() => world.progressOf(readerId)).toBe(target);
    await expect.poll(() => page.textContent('#live-status')).toBe('Your progress was saved.');

    // Comment on the next paragraph: "Comment" → the box has focus → type → post → the new comment has focus.
    await page.keyboard.press('Escape');
    await page.keyboard.press('j');
    await tabTo(page, '.para-active .add-comment');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page))?.tag).toBe('textarea');
    await page.keyboard.type('키보드로만 쓴 댓글이에요. Written with the keyboard alone.');
    await tabTo(page, '.para-active .new-comment button[type="submit"]');
    await page.keyboard.press('Enter');
    // Focus lands on the new comment (and stays there when the live stream redraws its thread).
    await expect.poll(async () => { const f = await focused(page); return !!f && /\bcomment\b/.test(f.className) && f.text.includes('Written with the keyboard alone.'); }).toBe(true);
    await screenshot(page, 'keyboard-commented-en-1280');

    // Reply to the host's comment on the first paragraph: open its thread, Reply, type, post.
    const firstPara = `#p-${first.ordinal}`;
    await page.focus(firstPara); // (where k would go; the focus call keeps the test short)
    await tabTo(page, `${firstPara} .comment-count`);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page))?.text ?? '').toContain('이 문장에서 모임이 시작되는 것 같아요.');
    await tabTo(page, `${firstPara} .comment-action > summary`);
    await page.keyboard.press('Enter');
    await tabTo(page, `${firstPara} .comment-action[open] textarea`);
    await page.keyboard.type('저도 그렇게 읽었어요.');
    await tabTo(page, `${firstPara} .comment-action[open] button[type="submit"]`);
    await page.keyboard.press('Enter');
    await expect.poll(async () => { const f = await focused(page); return !!f && f.className.includes('comment-reply') && f.text.includes('저도 그렇게 읽었어요.'); }).toBe(true);

    // Vote in the chapter's poll: Tab to its options, Space, Tab to Vote, Enter; "You voted." has focus and is said.
    await tabTo(page, '.poll-card input[type="radio"]', 400);
    await page.keyboard.press('ArrowDown'); // the second option
    await tabTo(page, '.poll-card .poll-ballot-form button[type="submit"]');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page))?.text ?? '').toContain('You voted');
    await expect.poll(() => page.textContent('#live-status')).toContain('You voted');
    await screenshot(page, 'keyboard-voted-en-1280');

    expect(problems).toEqual([]);
    await world.close();
    await context.close();
    await host.context.close();
  });
});
