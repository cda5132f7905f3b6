/**
 * Moving a club's reading to a corrected edition: comments re-anchored (exact, fuzzy, chapter,
 * orphaned), the old anchors kept, progress moved, all in one transaction.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, asc, count, eq } from 'drizzle-orm';
import { memberships, comments, paragraphs, pollOptions, polls, pollVotes, readingProgress, readings } from '../../../db/schema';
import { applyEditionMove, planEditionMove, REANCHOR_MIN_SCORE } from '../../../src/annotations';
import { selectorFor } from '../../../src/annotations/selectors';
import { importBook } from '../../../src/books/store';
import { InProcessEventBus, type DomainEvent } from '../../../src/events';
import { Client, makeTestApp, signIn, signUp, type TestApp } from '../../helpers/app';
import { addMemberRow, createClubRow, setProgressRow, startReadingRow, userIdOf } from '../../helpers/fixtures';
import { editionOneMarkdown, editionTwoMarkdown, PARAGRAPHS } from '../../fixtures/books/two-editions';
import { byClass, textOf } from './html';

let testApp: TestApp;
afterEach(() => testApp.close());

interface World {
  clubId: number;
  readingId: number;
  ed1: number;
  ed2: number;
  owner: Client;
  alice: Client;
  ids: { owner: number; alice: number; bob: number };
}
let world: World;

async function importText(text: string, name: string) {
  return (await importBook(testApp, { bytes: new TextEncoder().encode(text), filename: name, now: testApp.clock.now })).editionId;
}

async function paragraphByText(editionId: number, text: string) {
  const row = (await testApp.db.select().from(paragraphs).where(eq(paragraphs.editionId, editionId))).find((p) => p.text === text);
  if (!row) throw new Error(`no paragraph ${text}`);
  return row;
}

async function commentByBody(body: string) {
  const [row] = await testApp.db.select().from(comments).where(eq(comments.body, body));
  if (!row) throw new Error(`no comment ${body}`);
  return row;
}

async function editionOf(readingId: number) {
  const [reading] = await testApp.db.select().from(readings).where(eq(readings.id, readingId));
  return reading!.editionId;
}

beforeEach(async () => {
  testApp = await makeTestApp();
  const owner = await signUp(testApp, 'owner');
  const alice = await signUp(testApp, 'alice');
  await signUp(testApp, 'bob');
  const ids = { owner: await userIdOf(testApp, 'owner'), alice: await userIdOf(testApp, 'alice'), bob: await userIdOf(testApp, 'bob') };
  const ed1 = await importText(editionOneMarkdown(), 'valley-1.md');
  const ed2 = await importText(editionTwoMarkdown(), 'valley-2.md');
  const club = await createClubRow(testApp, { ownerId: ids.owner });
  await addMemberRow(testApp, club.id, ids.alice);
  await addMemberRow(testApp, club.id, ids.bob);
  const reading = await startReadingRow(testApp, club.id, ed1);
  world = { clubId: club.id, readingId: reading.id, ed1, ed2, owner, alice, ids };

  await setProgressRow(testApp, reading.id, ids.owner, 100);
  await setProgressRow(testApp, reading.id, ids.alice, (await paragraphByText(ed1, PARAGRAPHS.jun)).position);
  await setProgressRow(testApp, reading.id, ids.bob, (await paragraphByText(ed1, PARAGRAPHS.goatsChase)).position);

  const post = async (fields: Record<string, string | number>) => {
    const response = await owner.post(`/clubs/${club.id}/comments`, fields);
    expect(response.status, await response.clone().text()).toBe(303);
  };
  const passage = async (text: string, quote: string, body: string) => {
    const p = await paragraphByText(ed1, text);
    const start = text.indexOf(quote);
    const s = selectorFor(text, start, start + quote.length);
    await post({ paragraph_id: p.id, passage_start: s.start, passage_end: s.end, passage_exact: s.exact, body });
  };
  await passage(PARAGRAPHS.lantern, 'the lantern swung', 'unchanged passage');
  await passage(PARAGRAPHS.bell, 'the drowned bell', 'split passage');
  await passage(PARAGRAPHS.jun, 'teh wrong moment', 'typo passage');
  await passage(PARAGRAPHS.goatsHat, "ate the miller's hat", 'removed passage');
  await passage(PARAGRAPHS.korean, '윤 초시네 증손녀딸', 'korean passage');
  await post({ paragraph_id: (await paragraphByText(ed1, PARAGRAPHS.mill)).id, body: 'typo paragraph' });
  await post({ paragraph_id: (await paragraphByText(ed1, PARAGRAPHS.goatsChase)).id, body: 'removed paragraph' });
  const chapter2 = (await paragraphByText(ed1, PARAGRAPHS.mill)).chapterId;
  await post({ chapter_id: chapter2, body: 'chapter talk' });
  await post({ parent_id: (await commentByBody('typo passage')).id, body: 'a reply to the typo' });
});

describe('moving a reading to a corrected edition', () => {
  it('re-anchors every comment, keeps old anchors, orphans the removed section and moves progress', async () => {
    const plan = await planEditionMove(testApp.db, { clubId: world.clubId, readingId: world.readingId, fromEditionId: world.ed1, editionId: world.ed2 });
    expect(plan.counts).toEqual({ exact: 3, fuzzy: 2, chapter: 1, orphaned: 2 });
    // The dry run wrote nothing.
    expect((await commentByBody('unchanged passage')).reanchorMethod).toBeNull();

    const before = await commentByBody('typo passage');
    const events = new InProcessEventBus();
    const seen: DomainEvent[] = [];
    events.subscribe('*', (event) => void seen.push(event), 'once');
    await applyEditionMove({ ...testApp, events }, plan, world.ids.owner, testApp.clock.now);
    expect(seen).toEqual([expect.objectContaining({ type: 'reading.edition_changed', readingId: world.readingId, fromEditionId: world.ed1, editionId: world.ed2, exact: 4, fuzzy: 2, orphaned: 2 })]);

    expect(await editionOf(world.readingId)).toBe(world.ed2);

    const unchanged = await commentByBody('unchanged passage');
    expect(unchanged).toMatchObject({ reanchorMethod: 'exact', reanchorScore: 1, orphaned: false, paragraphId: (await paragraphByText(world.ed2, PARAGRAPHS.lantern)).id, passageExact: 'the lantern swung' });

    const split = await commentByBody('split passage');
    const second = await paragraphByText(world.ed2, PARAGRAPHS.bellSecond);
    expect(split).toMatchObject({ reanchorMethod: 'exact', reanchorScore: 1, paragraphId: second.id, anchorPosition: second.position });
    expect(second.text.slice(split.passageStart!, split.passageEnd!)).toBe('the drowned bell');

    const typo = await commentByBody('typo passage');
    const junFixed = await paragraphByText(world.ed2, PARAGRAPHS.junFixed);
    expect(typo.reanchorMethod).toBe('fuzzy');
    expect(typo.reanchorScore!).toBeGreaterThanOrEqual(REANCHOR_MIN_SCORE);
    expect(typo.reanchorScore!).toBeLessThan(1);
    expect(typo).toMatchObject({ paragraphId: junFixed.id, passageExact: 'the wrong moment', chapterId: junFixed.chapterId });
    expect(typo.previousAnchor).toMatchObject({ editionId: world.ed1, paragraphId: before.paragraphId, selector: { exact: 'teh wrong moment' } });
    // The reply follows its root.
    expect(await commentByBody('a reply to the typo')).toMatchObject({ paragraphId: junFixed.id, anchorPosition: junFixed.position, orphaned: false });

    expect(await commentByBody('typo paragraph')).toMatchObject({ reanchorMethod: 'fuzzy', paragraphId: (await paragraphByText(world.ed2, PARAGRAPHS.millFixed)).id });
    expect(await commentByBody('korean passage')).toMatchObject({ reanchorMethod: 'exact', paragraphId: (await paragraphByText(world.ed2, PARAGRAPHS.korean)).id });

    const chapter = await commentByBody('chapter talk');
    const millFixed = await paragraphByText(world.ed2, PARAGRAPHS.millFixed);
    expect(chapter).toMatchObject({ reanchorMethod: 'chapter', chapterId: millFixed.chapterId, paragraphId: null });

    for (const body of ['removed passage', 'removed paragraph']) {
      const orphan = await commentByBody(body);
      expect(orphan.orphaned).toBe(true);
      expect(orphan.reanchorMethod).toBe('orphaned');
      expect(orphan.reanchorScore!).toBeLessThan(REANCHOR_MIN_SCORE);
      // Not moved: still on the old edition's paragraph.
      expect(orphan.paragraphId).toBe(orphan.previousAnchor!.paragraphId);
    }

    const progressRows = await testApp.db.select().from(readingProgress).where(eq(readingProgress.readingId, world.readingId)).orderBy(asc(readingProgress.userId));
    const progress = new Map(progressRows.map((r) => [r.userId, r.position]));
    expect(progress.get(world.ids.alice)).toBe(junFixed.position);
    // Bob was in the removed section: back to the last paragraph before it that has a match.
    expect(progress.get(world.ids.bob)).toBe(millFixed.position);
    expect(progress.get(world.ids.owner)).toBe((await paragraphByText(world.ed2, PARAGRAPHS.korean)).position);
  });

  it('shows the moved comments at the right passage on the new edition’s chapter page', async () => {
    await applyEditionMove({ ...testApp, events: new InProcessEventBus() }, await planEditionMove(testApp.db, { clubId: world.clubId, readingId: world.readingId, fromEditionId: world.ed1, editionId: world.ed2 }), world.ids.owner, testApp.clock.now);
    const response = await world.owner.get(`/clubs/${world.clubId}/chapters/1`);
    expect(response.status).toBe(200);
    const html = await response.text();
    const marks = byClass(html, 'annotated').map((m) => textOf(m));
    expect(marks).toEqual(expect.arrayContaining(['the lantern swung', 'the drowned bell', 'the wrong moment']));
    const chapter2 = await (await world.owner.get(`/clubs/${world.clubId}/chapters/2`)).text();
    expect(chapter2).toContain('chapter talk');
    expect(chapter2).not.toContain('removed passage');
  });
});

describe('the moderator pages', () => {
  const editionPath = () => `/clubs/${world.clubId}/readings/${world.readingId}/edition`;

  it('refuses members (403), outsiders of a private club and moderators of another club (404)', async () => {
    const outsider = await signUp(testApp, 'outsider');
    const otherOwner = await signUp(testApp, 'otherowner');
    const other = await createClubRow(testApp, { ownerId: await userIdOf(testApp, 'otherowner'), name: 'Other club' });
    const otherReading = await startReadingRow(testApp, other.id, world.ed1);
    expect((await world.alice.get(editionPath())).status).toBe(403);
    expect((await world.alice.post(editionPath(), { edition_id: world.ed2 })).status).toBe(403);
    expect((await world.alice.get(`/clubs/${world.clubId}/orphans`)).status).toBe(403);
    expect((await outsider.get(editionPath())).status).toBe(404);
    expect((await outsider.get(`/clubs/${world.clubId}/orphans`)).status).toBe(404);
    // Another club's reading id under this club, and this club's comment under another club.
    expect((await world.owner.get(`/clubs/${world.clubId}/readings/${otherReading.id}/edition`)).status).toBe(404);
    expect((await otherOwner.post(`/clubs/${other.id}/orphans/${(await commentByBody('removed passage')).id}`, { action: 'leave' })).status).toBe(404);
    expect(await editionOf(world.readingId)).toBe(world.ed1);
  });

  it('moves the chapter polls with their chapters, votes kept, in the same move', async () => {
    const chapter2 = (await paragraphByText(world.ed1, PARAGRAPHS.mill)).chapterId;
    const fields = { target: `chapter:${chapter2}`, question: 'Was the miller right?', option_1: 'Yes', option_2: 'No', kind: 'single', voters: 'anonymous', resultsVisibility: 'always', opensAt: '', closesAt: '' };
    const created = await world.owner.post(`/clubs/${world.clubId}/polls`, fields);
    expect(created.status, await created.clone().text()).toBe(303);
    const pollId = Number(/\/polls\/(\d+)$/.exec(created.headers.get('location')!)![1]);
    const [option] = await testApp.db.select({ id: pollOptions.id }).from(pollOptions).where(eq(pollOptions.pollId, pollId)).orderBy(asc(pollOptions.ordinal)).limit(1);
    expect((await world.alice.post(`/clubs/${world.clubId}/polls/${pollId}/vote`, { choice: option!.id })).status).toBe(303);

    expect((await world.owner.post(editionPath(), { edition_id: world.ed2 })).status).toBe(303);
    const [moved] = await testApp.db.select().from(polls).where(eq(polls.id, pollId));
    expect(moved!.chapterId).toBe((await paragraphByText(world.ed2, PARAGRAPHS.millFixed)).chapterId);
    expect(moved!.chapterId).not.toBe(chapter2);
    expect((await testApp.db.select({ n: count() }).from(pollVotes).where(eq(pollVotes.pollId, pollId)))[0]).toEqual({ n: 1 });
    // And the new edition's chapter page shows it.
    expect(await (await world.owner.get(`/clubs/${world.clubId}/chapters/2`)).text()).toContain('Was the miller right?');
  });

  it('a private note the move could not place goes to its author’s own queue, never the moderators’', async () => {
    const removed = await paragraphByText(world.ed1, PARAGRAPHS.goatsChase);
    await setProgressRow(testApp, world.readingId, world.ids.alice, removed.position);
    const note = await world.alice.post(`/clubs/${world.clubId}/comments`, { paragraph_id: removed.id, body: 'my own lost note', visibility: 'private' });
    expect(note.status).toBe(303);
    expect((await world.owner.post(editionPath(), { edition_id: world.ed2 })).status).toBe(303);
    const id = (await commentByBody('my own lost note')).id;
    expect((await commentByBody('my own lost note')).orphaned).toBe(true);

    // The moderators never see it; its author is told on the club home and places it herself.
    expect(await (await world.owner.get(`/clubs/${world.clubId}/orphans`)).text()).not.toContain('my own lost note');
    expect(await (await world.alice.get(`/clubs/${world.clubId}`)).text()).toContain(`/clubs/${world.clubId}/my-orphans`);
    expect(await (await world.alice.get(`/clubs/${world.clubId}/my-orphans`)).text()).toContain('my own lost note');
    const bob = await signIn(testApp, 'bob');
    expect(await (await bob.get(`/clubs/${world.clubId}/my-orphans`)).text()).not.toContain('my own lost note');
    // Nobody else can settle it: another member's and the owner's queues answer 404 for its id.
    expect((await bob.post(`/clubs/${world.clubId}/my-orphans/${id}`, { action: 'leave' })).status).toBe(404);
    expect((await world.owner.post(`/clubs/${world.clubId}/orphans/${id}`, { action: 'leave' })).status).toBe(404);
    expect((await commentByBody('my own lost note')).orphaned).toBe(true);

    expect((await world.alice.post(`/clubs/${world.clubId}/my-orphans/${id}`, { action: 'leave' })).status).toBe(303);
    expect(await commentByBody('my own lost note')).toMatchObject({ orphaned: false, reanchorMethod: 'left_on_chapter', paragraphId: null });
    expect(await (await world.alice.get(`/clubs/${world.clubId}`)).text()).not.toContain(`/clubs/${world.clubId}/my-orphans`);
  });

  it('a moderator who has not read as far sees how many wait further on, not their words', async () => {
    expect((await world.owner.post(editionPath(), { edition_id: world.ed2 })).status).toBe(303);
    const moderatorId = await userIdOf(testApp, 'bob');
    await testApp.db.update(memberships).set({ role: 'moderator' }).where(and(eq(memberships.clubId, world.clubId), eq(memberships.userId, moderatorId)));
    await setProgressRow(testApp, world.readingId, moderatorId, 0);
    const bob = await signIn(testApp, 'bob');
    const queue = await (await bob.get(`/clubs/${world.clubId}/orphans`)).text();
    for (const body of ['removed passage', 'removed paragraph', 'typo passage', 'typo paragraph']) expect(queue).not.toContain(body);
    expect(queue).toContain('4 more are further on than you have read');
    expect((await bob.post(`/clubs/${world.clubId}/orphans/${(await commentByBody('typo passage')).id}`, { action: 'confirm' })).status).toBe(404);
  });

  it('previews, applies, and settles the queue: confirm, leave on the chapter, re-attach', async () => {
    const page = await (await world.owner.get(`${editionPath()}?edition=${world.ed2}`)).text();
    expect(page).toContain('3 found exactly, 2 by a close match, 1 chapter comments, 2 to settle by hand.');
    const applied = await world.owner.post(editionPath(), { edition_id: world.ed2 });
    expect(applied.status).toBe(303);
    expect(applied.headers.get('location')).toBe(`/clubs/${world.clubId}/orphans`);

    const queue = await (await world.owner.get(`/clubs/${world.clubId}/orphans`)).text();
    for (const body of ['removed passage', 'removed paragraph', 'typo passage', 'typo paragraph']) expect(queue).toContain(body);
    expect(queue).toContain('Was on: “ate the miller&#39;s hat”');

    const typo = await commentByBody('typo passage');
    expect((await world.owner.post(`/clubs/${world.clubId}/orphans/${typo.id}`, { action: 'confirm' })).status).toBe(303);
    expect((await commentByBody('typo passage')).reanchorMethod).toBe('confirmed');

    const removedParagraph = await commentByBody('removed paragraph');
    expect((await world.owner.post(`/clubs/${world.clubId}/orphans/${removedParagraph.id}`, { action: 'leave' })).status).toBe(303);
    expect(await commentByBody('removed paragraph')).toMatchObject({ orphaned: false, reanchorMethod: 'left_on_chapter', paragraphId: null, chapterId: (await paragraphByText(world.ed2, PARAGRAPHS.millFixed)).chapterId });

    const removedPassage = await commentByBody('removed passage');
    const refused = await world.owner.post(`/clubs/${world.clubId}/orphans/${removedPassage.id}`, { action: 'reattach', chapter_ordinal: 2, paragraph_ordinal: 2, exact: 'not in the text' });
    expect(refused.headers.get('location')).toContain('error=no_passage');
    expect((await commentByBody('removed passage')).orphaned).toBe(true);
    const mill = await paragraphByText(world.ed2, PARAGRAPHS.millFixed);
    expect((await world.owner.post(`/clubs/${world.clubId}/orphans/${removedPassage.id}`, { action: 'reattach', chapter_ordinal: 2, paragraph_ordinal: mill.ordinal, exact: 'the river' })).status).toBe(303);
    expect(await commentByBody('removed passage')).toMatchObject({ orphaned: false, reanchorMethod: 'manual', paragraphId: mill.id, passageExact: 'the river', passageStart: mill.text.indexOf('the river') });

    const after = await (await world.owner.get(`/clubs/${world.clubId}/orphans`)).text();
    expect(after).not.toContain('removed passage');
    expect(after).toContain('typo paragraph');
  });
});
