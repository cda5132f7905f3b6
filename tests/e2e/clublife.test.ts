/**
 * Club life in a real browser. A meeting on chapter 1.1 is proposed through the form, two
 * members RSVP with the buttons, and its agenda differs for the member who is behind (counts,
 * not text). The moderator moves it a day later and then cancels it with a reason: the member
 * sees it cancelled with no RSVP buttons, and the one going was told of both. Then the next book: a round of nominations (one from the library, one typed with a
 * link), a ranked vote, the moderator ends it and makes the winner the club's reading in one
 * click. Screenshots at 390 and 1280 px in English and Korean; no CSP violations, nothing wider
 * than a phone, no serious axe findings.
 */
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { importBook } from '../../src/books/store';
import { sampleMarkdownBook } from '../helpers/fixtures';
import { newContext, registerThroughForm, seriousViolations, shootEverywhere, withServerAndBrowser, type RunningServer } from './harness';
import { seedKoreanClub } from './world';

let server: RunningServer;
let browser: Browser;
withServerAndBrowser((started) => ({ server, browser } = started));

describe('club life', () => {
  it('a meeting with RSVPs and a per-reader agenda; then nominate, vote, and the winner becomes the reading', async () => {
    const moderator = await newContext(browser);
    const ahead = await newContext(browser);
    const behind = await newContext(browser);
    await registerThroughForm(moderator.page, server.url, 'moddy', undefined, '진행자 Moddy');
    await registerThroughForm(ahead.page, server.url, 'minji', undefined, '민지');
    await registerThroughForm(behind.page, server.url, 'jisoo', undefined, '지수');
    const world = await seedKoreanClub(server, { owner: 'moddy', members: ['minji', 'jisoo'] });
    const clubId = world.club.id;
    const chapter = world.chapter('1.1.');
    const [minjiId, jisooId] = world.memberIds as [number, number];
    await world.say(chapter, 0, '첫 장면의 등불이 무슨 뜻일까요? THREAD-TEXT', minjiId);
    await world.setProgress(minjiId, chapter.lastPosition);
    await world.setProgress(jisooId, 0);
    const other = await importBook(world.seed, { bytes: new TextEncoder().encode(sampleMarkdownBook({ title: 'Moon Harbour' })), filename: 'moon.md', now: Date.now() });
    world.close();

    // --- the moderator proposes a meeting on chapter 1.1 from the club home
    const mod = moderator.page;
    await mod.goto(`${server.url}/clubs/${clubId}`);
    await Promise.all([mod.waitForURL(/\/meetings$/), mod.click(`.club-life-card a[href="/clubs/${clubId}/meetings"]`)]);
    expect(await seriousViolations(mod)).toEqual([]);
    await shootEverywhere(mod, 'clublife-meetings-form');
    await mod.fill('#meeting-title', '1.1 이야기 나누는 밤');
    await mod.fill('#meeting-place', '마포 책방 2층');
    const when = new Date(Date.now() + 3 * 86_400_000);
    await mod.fill('#meeting-starts', `${when.toISOString().slice(0, 10)}T19:30`);
    await mod.selectOption('#meeting-chapter', String(chapter.id));
    await Promise.all([mod.waitForURL(/\/meetings\/\d+/), mod.click('#propose button[type="submit"]')]);
    const meetingPath = new URL(mod.url()).pathname;
    expect(await mod.textContent('[role="status"]')).toContain('The meeting is proposed.');

    // --- two members RSVP
    for (const [member, answer] of [
      [ahead.page, 'going'],
      [behind.page, 'maybe'],
    ] as const) {
      await member.goto(`${server.url}${meetingPath}`);
      await Promise.all([member.waitForURL(/done=rsvp/), member.click(`#rsvp button[value="${answer}"]`)]);
    }
    await behind.page.reload();
    expect(await behind.page.textContent('.rsvp-counts')).toBe('Going 1 · maybe 1 · not going 0');

    // --- the agenda: the member who finished 1.1 reads the thread; the one behind sees a count
    await ahead.page.reload();
    expect(await ahead.page.textContent('#agenda')).toContain('THREAD-TEXT');
    const behindAgenda = await behind.page.textContent('#agenda');
    expect(behindAgenda).not.toContain('THREAD-TEXT');
    expect(behindAgenda).toMatch(/1 thread in 1\.1\..*\(you have not read it yet\)/);
    expect(await seriousViolations(behind.page)).toEqual([]);
    await shootEverywhere(behind.page, 'clublife-meeting-behind');
    await shootEverywhere(ahead.page, 'clublife-meeting-ahead');

    // --- the moderator moves the meeting a day later (a bad link first comes back with the input kept), then cancels it
    await mod.goto(`${server.url}${meetingPath}`);
    const whenBefore = await mod.textContent('.meeting-facts dd');
    await Promise.all([mod.waitForURL(/\/edit$/), mod.click(`a[href="${meetingPath}/edit"]`)]);
    expect(await mod.inputValue('#meeting-title')).toBe('1.1 이야기 나누는 밤');
    expect(await seriousViolations(mod)).toEqual([]);
    await shootEverywhere(mod, 'clublife-meeting-edit');
    const later = new Date(when.getTime() + 86_400_000);
    await mod.fill('#meeting-starts', `${later.toISOString().slice(0, 10)}T20:00`);
    await mod.fill('#meeting-call', 'javascript:alert(1)');
    await Promise.all([mod.waitForLoadState('load'), mod.click('#edit-meeting button[type="submit"]')]);
    expect(await mod.textContent('#meeting-call-error')).toContain('http');
    expect(await mod.inputValue('#meeting-starts')).toBe(`${later.toISOString().slice(0, 10)}T20:00`);
    await mod.fill('#meeting-call', '');
    await Promise.all([mod.waitForURL(/done=edited/), mod.click('#edit-meeting button[type="submit"]')]);
    expect(await mod.textContent('[role="status"]')).toContain('The meeting is updated.');
    expect(await mod.textContent('.meeting-facts dd')).not.toBe(whenBefore);
    await shootEverywhere(mod, 'clublife-meeting-edited');
    await Promise.all([mod.waitForURL(/\/edit$/), mod.click(`a[href="${meetingPath}/edit"]`)]);
    await mod.fill('#cancel-reason', '책방 사정으로 다음 주로 미뤄요.');
    await Promise.all([mod.waitForURL(/done=cancelled/), mod.click('#cancel-meeting button[type="submit"]')]);
    expect(await mod.textContent('#cancelled')).toContain('책방 사정으로 다음 주로 미뤄요.');
    await behind.page.goto(`${server.url}${meetingPath}`);
    expect(await behind.page.locator('#rsvp button').count()).toBe(0);
    expect(await seriousViolations(behind.page)).toEqual([]);
    await shootEverywhere(behind.page, 'clublife-meeting-cancelled');
    await behind.page.goto(`${server.url}/clubs/${clubId}/meetings`);
    expect(await behind.page.textContent('.meeting-cancelled')).toContain('Cancelled');
    await shootEverywhere(behind.page, 'clublife-meetings-cancelled');
    // The member who said going heard of both: the new time and the cancellation.
    await ahead.page.goto(`${server.url}/notifications`);
    const told = await ahead.page.textContent('main');
    expect(told).toContain('moved to');
    expect(told).toContain('is cancelled');
    await shootEverywhere(ahead.page, 'clublife-meeting-changed-notifications');

    // --- a discussion question at the end of 1.1: the member ahead answers, the one behind sees a count
    const chapterUrl = `${server.url}/clubs/${clubId}/chapters/${chapter.ordinal}`;
    await mod.goto(chapterUrl);
    await mod.fill('#question-body', '주인공은 왜 책방 문을 다시 열었을까요?');
    await Promise.all([mod.waitForURL(/#question-\d+$/), mod.click('#add-question button[type="submit"]')]);
    await ahead.page.goto(chapterUrl);
    await ahead.page.locator('.question textarea[name="body"]').fill('혼자가 아니라는 걸 알았기 때문이에요. ANSWER-TEXT');
    await Promise.all([ahead.page.waitForURL(/#answer-\d+$/), ahead.page.click('.question button[type="submit"]')]);
    expect(await ahead.page.textContent('#questions')).toContain('ANSWER-TEXT');
    await behind.page.goto(chapterUrl);
    const behindQuestions = await behind.page.textContent('#questions');
    expect(behindQuestions).toContain('주인공은 왜');
    expect(behindQuestions).not.toContain('ANSWER-TEXT');
    expect(behindQuestions).toContain('1 answer. It opens when you reach the end of this chapter.');
    for (const [page, who] of [
      [behind.page, 'behind'],
      [ahead.page, 'ahead'],
    ] as const) {
      await shootEverywhere(page, `clublife-questions-${who}`, { element: '#questions' });
    }

    // --- the next book: nominations
    await mod.goto(`${server.url}/clubs/${clubId}/next-book`);
    await Promise.all([mod.waitForLoadState('load'), mod.click(`form[action="/clubs/${clubId}/next-book/open"] button`)]);
    await ahead.page.goto(`${server.url}/clubs/${clubId}/next-book`);
    await ahead.page.selectOption('#nominate-edition', String(other.editionId));
    await ahead.page.fill('#nominate-reason', '바다 이야기가 읽고 싶어요');
    await Promise.all([ahead.page.waitForURL(/done=nominated/), ahead.page.click('#nominate button[type="submit"]')]);
    await behind.page.goto(`${server.url}/clubs/${clubId}/next-book`);
    await behind.page.fill('#nominate-title', '소년이 온다');
    await behind.page.fill('#nominate-author', '한강');
    await behind.page.fill('#nominate-link', 'javascript:alert(1)');
    await Promise.all([behind.page.waitForLoadState('load'), behind.page.click('#nominate button[type="submit"]')]);
    expect(await behind.page.textContent('#nominate-link-error')).toContain('http');
    expect(await behind.page.inputValue('#nominate-title')).toBe('소년이 온다');
    await behind.page.fill('#nominate-link', 'https://example.org/human-acts');
    await Promise.all([behind.page.waitForURL(/done=nominated/), behind.page.click('#nominate button[type="submit"]')]);

    // --- the vote (ranked), two ballots and the moderator's; then the moderator ends it
    await mod.reload();
    await Promise.all([mod.waitForLoadState('load'), mod.click('#start-vote button[type="submit"]')]);
    for (const [page, first] of [
      [ahead.page, 'Moon Harbour'],
      [behind.page, 'Moon Harbour'],
      [mod, '소년이 온다'],
    ] as const) {
      await page.goto(`${server.url}/clubs/${clubId}/next-book`);
      if (page === behind.page) {
        expect(await seriousViolations(page)).toEqual([]);
        await shootEverywhere(page, 'clublife-ballot');
      }
      await page.getByLabel(`Rank for ${first}`).selectOption('1');
      await Promise.all([page.waitForURL(/done=voted/), page.click('#ballot button[type="submit"]')]);
    }
    await mod.goto(`${server.url}/clubs/${clubId}/next-book`);
    await Promise.all([mod.waitForLoadState('load'), mod.click('form[action$="/close"] button')]);
    expect(await mod.textContent('#results')).toContain('The winner: Moon Harbour');
    await shootEverywhere(mod, 'clublife-next-book-result', { allowedScrollers: '.poll-rounds-wrap' });
    await Promise.all([mod.waitForURL(new RegExp(`/clubs/${clubId}\\?done=adopted`)), mod.click('form[action$="/adopt"] button')]);
    expect(await mod.textContent('main')).toContain('Moon Harbour');

    // The finished Korean book is on the shelf.
    await mod.goto(`${server.url}/clubs/${clubId}/shelf`);
    expect(await mod.textContent('.shelf')).toBeTruthy();
    await shootEverywhere(mod, 'clublife-shelf');

    for (const context of [moderator, ahead, behind]) {
      expect(context.problems).toEqual([]);
      await context.context.close();
    }
  }, 180_000);
});
