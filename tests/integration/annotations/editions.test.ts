/**
 * Moving a club's reading to a corrected edition: comments re-anchored (exact, fuzzy, chapter,
 * orphaned), the old anchors kept, progress moved, all in one transaction.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { comments, paragraphs, polls, readingProgress, readings } from '../../../db/schema';
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

function importText(text: string, name: string) {
  return importBook(testApp, { bytes: new TextEncoder().encode(text), filename: name, now: testApp.clock.now }).editionId;
}

function paragraphByText(editionId: number, text: string) {
  const row = testApp.db.select().from(paragraphs).where(eq(paragraphs.editionId, editionId)).all().find((p) => p.text === text);
  if (!row) throw new Error(`no paragraph ${text}`);
  return row;
}

function commentByBody(body: string) {
  const row = testApp.db.select().from(comments).where(eq(comments.body, body)).get();
  if (!row) throw new Error(`no comment ${body}`);
  return row;
}

beforeEach(async () => {
  testApp = makeTestApp();
  const owner = await signUp(testApp, 'owner');
  const alice = await signUp(testApp, 'alice');
  await signUp(testApp, 'bob');
  const ids = { owner: userIdOf(testApp, 'owner'), alice: userIdOf(testApp, 'alice'), bob: userIdOf(testApp, 'bob') };
  const ed1 = importText(editionOneMarkdown(), 'valley-1.md');
  const ed2 = importText(editionTwoMarkdown(), 'valley-2.md');
  const club = createClubRow(testApp, { ownerId: ids.owner });
  addMemberRow(testApp, club.id, ids.alice);
  addMemberRow(testApp, club.id, ids.bob);
  const reading = startReadingRow(testApp, club.id, ed1);
  world = { clubId: club.id, readingId: reading.id, ed1, ed2, owner, alice, ids };

  setProgressRow(testApp, reading.id, ids.owner, 100);
  setProgressRow(testApp, reading.id, ids.alice, paragraphByText(ed1, PARAGRAPHS.jun).position);
  setProgressRow(testApp, reading.id, ids.bob, paragraphByText(ed1, PARAGRAPHS.goatsChase).position);

  const post = async (fields: Record<string, string | number>) => {
    const response = await owner.post(`/clubs/${club.id}/comments`, fields);
    expect(response.status, await response.clone().text()).toBe(303);
  };
  const passage = async (text: string, quote: string, body: string) => {
    const p = paragraphByText(ed1, text);
    const start = text.indexOf(quote);
    const s = selectorFor(text, start, start + quote.length);
    await post({ paragraph_id: p.id, passage_start: s.start, passage_end: s.end, passage_exact: s.exact, body });
  };
  await passage(PARAGRAPHS.lantern, 'the lantern swung', 'unchanged passage');
  await passage(PARAGRAPHS.bell, 'the drowned bell', 'split passage');
  await passage(PARAGRAPHS.jun, 'teh wrong moment', 'typo passage');
  await passage(PARAGRAPHS.goatsHat, "ate the miller's hat", 'removed passage');
  await passage(PARAGRAPHS.korean, '윤 초시네 증손녀딸', 'korean passage');
  await post({ paragraph_id: paragraphByText(ed1, PARAGRAPHS.mill).id, body: 'typo paragraph' });
  await post({ paragraph_id: paragraphByText(ed1, PARAGRAPHS.goatsChase).id, body: 'removed paragraph' });
  const chapter2 = paragraphByText(ed1, PARAGRAPHS.mill).chapterId;
  await post({ chapter_id: chapter2, body: 'chapter talk' });
  await post({ parent_id: commentByBody('typo passage').id, body: 'a reply to the typo' });
});

describe('moving a reading to a corrected edition', () => {
  it('re-anchors every comment, keeps old anchors, orphans the removed section and moves progress', () => {
    const plan = planEditionMove(testApp.db, { clubId: world.clubId, readingId: world.readingId, fromEditionId: world.ed1, editionId: world.ed2 });
    expect(plan.counts).toEqual({ exact: 3, fuzzy: 2, chapter: 1, orphaned: 2 });
    // The dry run wrote nothing.
    expect(commentByBody('unchanged passage').reanchorMethod).toBeNull();

    const before = commentByBody('typo passage');
    const events = new InProcessEventBus();
    const seen: DomainEvent[] = [];
    events.subscribe('*', (event) => void seen.push(event), 'once');
    applyEditionMove({ ...testApp, events }, plan, world.ids.owner, testApp.clock.now);
    expect(seen).toEqual([expect.objectContaining({ type: 'reading.edition_changed', readingId: world.readingId, fromEditionId: world.ed1, editionId: world.ed2, exact: 4, fuzzy: 2, orphaned: 2 })]);

    expect(testApp.db.select().from(readings).where(eq(readings.id, world.readingId)).get()!.editionId).toBe(world.ed2);

    const unchanged = commentByBody('unchanged passage');
    expect(unchanged).toMatchObject({ reanchorMethod: 'exact', reanchorScore: 1, orphaned: false, paragraphId: paragraphByText(world.ed2, PARAGRAPHS.lantern).id, passageExact: 'the lantern swung' });

    const split = commentByBody('split passage');
    const second = paragraphByText(world.ed2, PARAGRAPHS.bellSecond);
    expect(split).toMatchObject({ reanchorMethod: 'exact', reanchorScore: 1, paragraphId: second.id, anchorPosition: second.position });
    expect(second.text.slice(split.passageStart!, split.passageEnd!)).toBe('the drowned bell');

    const typo = commentByBody('typo passage');
    const junFixed = paragraphByText(world.ed2, PARAGRAPHS.junFixed);
    expect(typo.reanchorMethod).toBe('fuzzy');
    expect(typo.reanchorScore!).toBeGreaterThanOrEqual(REANCHOR_MIN_SCORE);
    expect(typo.reanchorScore!).toBeLessThan(1);
    expect(typo).toMatchObject({ paragraphId: junFixed.id, passageExact: 'the wrong moment', chapterId: junFixed.chapterId });
    expect(typo.previousAnchor).toMatchObject({ editionId: world.ed1, paragraphId: before.paragraphId, selector: { exact: 'teh wrong moment' } });
    // The reply follows its root.
    expect(commentByBody('a reply to the typo')).toMatchObject({ paragraphId: junFixed.id, anchorPosition: junFixed.position, orphaned: false });

    expect(commentByBody('typo paragraph')).toMatchObject({ reanchorMethod: 'fuzzy', paragraphId: paragraphByText(world.ed2, PARAGRAPHS.millFixed).id });
    expect(commentByBody('korean passage')).toMatchObject({ reanchorMethod: 'exact', paragraphId: paragraphByText(world.ed2, PARAGRAPHS.korean).id });

    const chapter = commentByBody('chapter talk');
    const millFixed = paragraphByText(world.ed2, PARAGRAPHS.millFixed);
    expect(chapter).toMatchObject({ reanchorMethod: 'chapter', chapterId: millFixed.chapterId, paragraphId: null });

    for (const body of ['removed passage', 'removed paragraph']) {
      const orphan = commentByBody(body);
      expect(orphan.orphaned).toBe(true);
      expect(orphan.reanchorMethod).toBe('orphaned');
      expect(orphan.reanchorScore!).toBeLessThan(REANCHOR_MIN_SCORE);
      // Not moved: still on the old edition's paragraph.
      expect(orphan.paragraphId).toBe(orphan.previousAnchor!.paragraphId);
    }

    const progress = new Map(testApp.db.select().from(readingProgress).where(eq(readingProgress.readingId, world.readingId)).orderBy(asc(readingProgress.userId)).all().map((r) => [r.userId, r.position]));
    expect(progress.get(world.ids.alice)).toBe(junFixed.position);
    // Bob was in the removed section: back to the last paragraph before it that has a match.
    expect(progress.get(world.ids.bob)).toBe(millFixed.position);
    expect(progress.get(world.ids.owner)).toBe(paragraphByText(world.ed2, PARAGRAPHS.korean).position);
  });

  it('shows the moved comments at the right passage on the new edition’s chapter page', async () => {
    applyEditionMove({ ...testApp, events: new InProcessEventBus() }, planEditionMove(testApp.db, { clubId: world.clubId, readingId: world.readingId, fromEditionId: world.ed1, editionId: world.ed2 }), world.ids.owner, testApp.clock.now);
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
    const other = createClubRow(testApp, { ownerId: userIdOf(testApp, 'otherowner'), name: 'Other club' });
    const otherReading = startReadingRow(testApp, other.id, world.ed1);
    expect((await world.alice.get(editionPath())).status).toBe(403);
    expect((await world.alice.post(editionPath(), { edition_id: world.ed2 })).status).toBe(403);
    expect((await world.alice.get(`/clubs/${world.clubId}/orphans`)).status).toBe(403);
    expect((await outsider.get(editionPath())).status).toBe(404);
    expect((await outsider.get(`/clubs/${world.clubId}/orphans`)).status).toBe(404);
    // Another club's reading id under this club, and this club's comment under another club.
    expect((await world.owner.get(`/clubs/${world.clubId}/readings/${otherReading.id}/edition`)).status).toBe(404);
    expect((await otherOwner.post(`/clubs/${other.id}/orphans/${commentByBody('removed passage').id}`, { action: 'leave' })).status).toBe(404);
    expect(testApp.db.select().from(readings).where(eq(readings.id, world.readingId)).get()!.editionId).toBe(world.ed1);
  });

  it('moves the chapter polls with their chapters, votes kept, in the same move', async () => {
    const chapter2 = paragraphByText(world.ed1, PARAGRAPHS.mill).chapterId;
    const fields = { target: `chapter:${chapter2}`, question: 'Was the miller right?', option_1: 'Yes', option_2: 'No', kind: 'single', voters: 'anonymous', resultsVisibility: 'always', opensAt: '', closesAt: '' };
    const created = await world.owner.post(`/clubs/${world.clubId}/polls`, fields);
    expect(created.status, await created.clone().text()).toBe(303);
    const pollId = Number(/\/polls\/(\d+)$/.exec(created.headers.get('location')!)![1]);
    const option = testApp.sqlite.prepare('select id from poll_options where poll_id = ? order by ordinal').get(pollId) as { id: number };
    expect((await world.alice.post(`/clubs/${world.clubId}/polls/${pollId}/vote`, { choice: option.id })).status).toBe(303);

    expect((await world.owner.post(editionPath(), { edition_id: world.ed2 })).status).toBe(303);
    const moved = testApp.db.select().from(polls).where(eq(polls.id, pollId)).get()!;
    expect(moved.chapterId).toBe(paragraphByText(world.ed2, PARAGRAPHS.millFixed).chapterId);
    expect(moved.chapterId).not.toBe(chapter2);
    expect(testApp.sqlite.prepare('select count(*) as n from poll_votes where poll_id = ?').get(pollId)).toEqual({ n: 1 });
    // And the new edition's chapter page shows it.
    expect(await (await world.owner.get(`/clubs/${world.clubId}/chapters/2`)).text()).toContain('Was the miller right?');
  });

  it('a private note the move could not place goes to its author’s own queue, never the moderators’', async () => {
    const removed = paragraphByText(world.ed1, PARAGRAPHS.goatsChase);
    setProgressRow(testApp, world.readingId, world.ids.alice, removed.position);
    const note = await world.alice.post(`/clubs/${world.clubId}/comments`, { paragraph_id: removed.id, body: 'my own lost note', visibility: 'private' });
    expect(note.status).toBe(303);
    expect((await world.owner.post(editionPath(), { edition_id: world.ed2 })).status).toBe(303);
    const id = commentByBody('my own lost note').id;
    expect(commentByBody('my own lost note').orphaned).toBe(true);

    // The moderators never see it; its author is told on the club home and places it herself.
    expect(await (await world.owner.get(`/clubs/${world.clubId}/orphans`)).text()).not.toContain('my own lost note');
    expect(await (await world.alice.get(`/clubs/${world.clubId}`)).text()).toContain(`/clubs/${world.clubId}/my-orphans`);
    expect(await (await world.alice.get(`/clubs/${world.clubId}/my-orphans`)).text()).toContain('my own lost note');
    const bob = await signIn(testApp, 'bob');
    expect(await (await bob.get(`/clubs/${world.clubId}/my-orphans`)).text()).not.toContain('my own lost note');
    // Nobody else can settle it: another member's and the owner's queues answer 404 for its id.
    expect((await bob.post(`/clubs/${world.clubId}/my-orphans/${id}`, { action: 'leave' })).status).toBe(404);
    expect((await world.owner.post(`/clubs/${world.clubId}/orphans/${id}`, { action: 'leave' })).status).toBe(404);
    expect(commentByBody('my own lost note').orphaned).toBe(true);

    expect((await world.alice.post(`/clubs/${world.clubId}/my-orphans/${id}`, { action: 'leave' })).status).toBe(303);
    expect(commentByBody('my own lost note')).toMatchObject({ orphaned: false, reanchorMethod: 'left_on_chapter', paragraphId: null });
    expect(await (await world.alice.get(`/clubs/${world.clubId}`)).text()).not.toContain(`/clubs/${world.clubId}/my-orphans`);
  });

  it('a moderator who has not read as far sees how many wait further on, not their words', async () => {
    expect((await world.owner.post(editionPath(), { edition_id: world.ed2 })).status).toBe(303);
    const moderatorId = userIdOf(testApp, 'bob');
    testApp.sqlite.prepare("update memberships set role = 'moderator' where club_id = ? and user_id = ?").run(world.clubId, moderatorId);
    setProgressRow(testApp, world.readingId, moderatorId, 0);
    const bob = await signIn(testApp, 'bob');
    const queue = await (await bob.get(`/clubs/${world.clubId}/orphans`)).text();
    for (const body of ['removed passage', 'removed paragraph', 'typo passage', 'typo paragraph']) expect(queue).not.toContain(body);
    expect(queue).toContain('4 more are further on than you have read');
    expect((await bob.post(`/clubs/${world.clubId}/orphans/${commentByBody('typo passage').id}`, { action: 'confirm' })).status).toBe(404);
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

    const typo = commentByBody('typo passage');
    expect((await world.owner.post(`/clubs/${world.clubId}/orphans/${typo.id}`, { action: 'confirm' })).status).toBe(303);
    expect(commentByBody('typo passage').reanchorMethod).toBe('confirmed');

    const removedParagraph = commentByBody('removed paragraph');
    expect((await world.owner.post(`/clubs/${world.clubId}/orphans/${removedParagraph.id}`, { action: 'leave' })).status).toBe(303);
    expect(commentByBody('removed paragraph')).toMatchObject({ orphaned: false, reanchorMethod: 'left_on_chapter', paragraphId: null, chapterId: paragraphByText(world.ed2, PARAGRAPHS.millFixed).chapterId });

    const removedPassage = commentByBody('removed passage');
    const refused = await world.owner.post(`/clubs/${world.clubId}/orphans/${removedPassage.id}`, { action: 'reattach', chapter_ordinal: 2, paragraph_ordinal: 2, exact: 'not in the text' });
    expect(refused.headers.get('location')).toContain('error=no_passage');
    expect(commentByBody('removed passage').orphaned).toBe(true);
    const mill = paragraphByText(world.ed2, PARAGRAPHS.millFixed);
    expect((await world.owner.post(`/clubs/${world.clubId}/orphans/${removedPassage.id}`, { action: 'reattach', chapter_ordinal: 2, paragraph_ordinal: mill.ordinal, exact: 'the river' })).status).toBe(303);
    expect(commentByBody('removed passage')).toMatchObject({ orphaned: false, reanchorMethod: 'manual', paragraphId: mill.id, passageExact: 'the river', passageStart: mill.text.indexOf('the river') });

    const after = await (await world.owner.get(`/clubs/${world.clubId}/orphans`)).text();
    expect(after).not.toContain('removed passage');
    expect(after).toContain('typo paragraph');
  });
});
