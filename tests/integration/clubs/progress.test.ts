/**
 * Reading progress moves by itself only when the reader reads on (the shared rule in
 * `src/clubs/progress-rule.js`), never by peeking ahead; a reader ahead of their progress is
 * told so, and "I have read up to here" says first how many comments it opens.
 *
 * Sample book positions: chapter 1 is 1–7, chapter 2 is 8–14, chapter 3 is 15–21 (each chapter
 * starts with its heading); chapter 3 opens to members a day after the clock's start.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { paragraphs } from '../../../db/schema';
import { insertComment } from '../../../src/annotations/queries';
import { setProgressRow } from '../../helpers/fixtures';
import { makeWorld, storedProgress, textOf, type ClubSetup, type ClubWorld } from './world';

let world: ClubWorld;
beforeAll(async () => {
  world = await makeWorld();
});
afterAll(async () => await world.close());

const progressOf = (readingId: number, userId: number) => storedProgress(world, readingId, userId);

const url = (setup: ClubSetup) => `/clubs/${setup.clubId}/readings/${setup.readingId}/progress`;

const paragraphAt = async (position: number) =>
  (await world.testApp.db.select().from(paragraphs).where(and(eq(paragraphs.editionId, world.book.editionId), eq(paragraphs.position, position))).limit(1))[0]!;

/** A club comment by `author` on the paragraph at `position`. */
async function comment(setup: ClubSetup, position: number, author: number, body: string, visibility: 'club' | 'private' = 'club') {
  const paragraph = await paragraphAt(position);
  return await insertComment(world.testApp.db, {
    clubId: setup.clubId,
    readingId: setup.readingId,
    chapterId: paragraph.chapterId,
    paragraphId: paragraph.id,
    parentId: null,
    rootId: null,
    anchorPosition: position,
    passage: null,
    quotedText: null,
    authorId: author,
    body,
    visibility,
    createdAt: world.testApp.clock.now,
  });
}

/** An automatic report of reading `from`…`to` of a chapter, each paragraph on screen `ms`. */
function autoReport(setup: ClubSetup, chapterFirst: number, to: number, ms: number | ((position: number) => number), who: keyof ClubWorld['clients'] = 'member') {
  const times = Array.from({ length: to - chapterFirst + 1 }, (_, i) => (typeof ms === 'number' ? ms : ms(chapterFirst + i)));
  return world.clients[who].htmx(url(setup), { method: 'POST', fields: { mode: 'auto', position: to, from: chapterFirst, dwell: times.join(','), chapter: 2 } });
}

describe('automatic reports follow the shared rule', () => {
  test('reading on from the stored position, at a reading pace, moves progress', async () => {
    const setup = await world.makeClub();
    await setProgressRow(world.testApp, setup.readingId, world.ids.member, 7);
    const response = await autoReport(setup, 8, 12, 60_000);
    expect(response.status).toBe(200);
    expect(await progressOf(setup.readingId, world.ids.member)).toBe(12);
    expect(await response.text()).toContain('data-standing="reading"');
  });

  test('a report that skips ahead is refused (409) and moves nothing', async () => {
    const setup = await world.makeClub();
    await setProgressRow(world.testApp, setup.readingId, world.ids.member, 3);
    // Chapter 2 read with every word on screen for a minute: still ahead of position 3.
    const response = await autoReport(setup, 8, 14, 60_000);
    expect(response.status).toBe(409);
    expect(textOf(await response.text())).toContain('Your progress was not moved');
    expect(await progressOf(setup.readingId, world.ids.member)).toBe(3);
  });

  test('a flick, a skipped paragraph or no evidence at all moves nothing', async () => {
    const setup = await world.makeClub();
    await setProgressRow(world.testApp, setup.readingId, world.ids.member, 7);
    expect((await autoReport(setup, 8, 14, 150)).status).toBe(409);
    expect((await autoReport(setup, 8, 12, (position) => (position === 10 ? 0 : 60_000))).status).toBe(409);
    expect((await world.clients.member.htmx(url(setup), { method: 'POST', fields: { mode: 'auto', position: 9 } })).status).toBe(409);
    expect((await world.clients.member.htmx(url(setup), { method: 'POST', fields: { mode: 'auto', position: 9, from: 8, dwell: 'x,1' } })).status).toBe(409);
    expect(await progressOf(setup.readingId, world.ids.member)).toBe(7);
    // The same reading, only as far as it was really read, is fine.
    expect((await autoReport(setup, 8, 9, 60_000)).status).toBe(200);
    expect(await progressOf(setup.readingId, world.ids.member)).toBe(9);
  });

  test('rereading never moves progress back', async () => {
    const setup = await world.makeClub();
    await setProgressRow(world.testApp, setup.readingId, world.ids.member, 14);
    expect((await autoReport(setup, 1, 5, 60_000)).status).toBe(200);
    expect(await progressOf(setup.readingId, world.ids.member)).toBe(14);
  });

  test('a moderator’s preview of a closed chapter never moves their progress by itself', async () => {
    const setup = await world.makeClub();
    await setProgressRow(world.testApp, setup.readingId, world.ids.moderator, 14);
    const response = await autoReport(setup, 15, 18, 60_000, 'moderator');
    expect(response.status).toBe(409);
    expect(textOf(await response.text())).toContain('Reading a preview does not move your progress.');
    expect(await progressOf(setup.readingId, world.ids.moderator)).toBe(14);
    const page = await (await world.clients.moderator.get(`/clubs/${setup.clubId}/chapters/3`)).text();
    expect(page).toContain('data-progress-auto="off"');
    expect(textOf(page)).toContain('reading this preview does not move your progress');
  });
});

describe('reading ahead', () => {
  test('the chapter says so, keeps the discussion hidden, and counts what “I have read up to here” would open', async () => {
    const setup = await world.makeClub();
    await setProgressRow(world.testApp, setup.readingId, world.ids.member, 3);
    await comment(setup, 5, world.ids.owner, 'About paragraph five');
    await comment(setup, 9, world.ids.owner, 'Spoiler at nine');
    await comment(setup, 12, world.ids.moderator, 'Spoiler at twelve');
    await comment(setup, 12, world.ids.owner, 'A private note at twelve', 'private');
    await comment(setup, 13, world.ids.member, 'My own comment at thirteen');
    const html = await (await world.clients.member.get(`/clubs/${setup.clubId}/chapters/2`)).text();
    const text = textOf(html);
    expect(text).toContain('You are reading ahead of your progress (Chapter 1. The first evening). Discussion here stays hidden.');
    expect(html).toContain('data-standing="ahead"');
    const thread = async (position: number) => (await world.clients.member.get(`/clubs/${setup.clubId}/paragraphs/${(await paragraphAt(position)).id}/comments`)).text();
    expect(await thread(9)).not.toContain('Spoiler at nine');
    expect(await thread(12)).not.toContain('Spoiler at twelve');
    // Cumulative from position 3: 5 and 9 by paragraph 9, 12 too by paragraph 12; never the
    // private note of someone else, nor the member's own comment (they see it already).
    expect(html).toMatch(/value="9" data-opens="2" aria-describedby="progress-opens-9"/);
    expect(html).toMatch(/value="12" data-opens="3"/);
    expect(html).toMatch(/value="14" data-opens="3"/);
    expect(text).toContain('Opens 2 comments.');
    expect(text).toContain('Opens 3 comments.');

    // Saying so deliberately opens them.
    const said = await world.clients.member.post(url(setup), { position: 12, mode: 'forward' });
    expect(said.status).toBe(303);
    expect(await progressOf(setup.readingId, world.ids.member)).toBe(12);
    expect(await thread(12)).toContain('Spoiler at twelve');
    expect(await thread(12)).not.toContain('A private note at twelve');
    expect(await (await world.clients.member.get(`/clubs/${setup.clubId}/chapters/2`)).text()).toContain('data-standing="reading"');
  });

  test('a member who has read the chapter before sees no notice (rereading)', async () => {
    const setup = await world.makeClub();
    await setProgressRow(world.testApp, setup.readingId, world.ids.member, 14);
    const html = await (await world.clients.member.get(`/clubs/${setup.clubId}/chapters/1`)).text();
    expect(html).toContain('data-standing="read"');
    expect(html).not.toContain('reading ahead');
  });

  test('a member who has not started is ahead anywhere but where the book starts', async () => {
    const setup = await world.makeClub();
    expect(await (await world.clients.member.get(`/clubs/${setup.clubId}/chapters/1`)).text()).toContain('data-standing="reading"');
    const second = textOf(await (await world.clients.member.get(`/clubs/${setup.clubId}/chapters/2`)).text());
    expect(second).toContain('You are reading ahead of your progress (not started yet).');
  });
});
