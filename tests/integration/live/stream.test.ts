/**
 * The live chapter page over real HTTP: who may open a stream, what each reader receives for
 * each event (through the spoiler gate and the poll results rule, as their next page load
 * would show it), replay after a reconnection, and the caps.
 *
 * Room: the sample book has chapters of a heading + 6 paragraphs (chapter 2 = positions 8–14).
 * Alice writes; Bob has read everything; the owner has read only the first paragraph of
 * chapter 2 (behind); the moderator has read everything.
 */
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/connection';
import { makeTestApp, type Client } from '../../helpers/app';
import { createClubRow, scheduleChapterRow, userIdOf } from '../../helpers/fixtures';
import { makeRoom, type AnnotationRoom } from '../annotations/room';
import { createPoll, optionIdsOf } from '../polls/room';
import { listen, openStream, partialFor, type SseMessage, type SseReader } from './sse';

let room: AnnotationRoom;
let base: string;
const chapter2 = () => room.chapters[1]!;
const para12 = () => room.paragraphs(2)[4]!; // position 12
const streamPath = () => `/clubs/${room.clubId}/live/${room.readingId}/${chapter2().id}`;
const url = (path: string) => `/clubs/${room.clubId}${path}`;

beforeAll(async () => {
  room = await makeRoom();
  await room.setProgress('bob', 21);
  await room.setProgress('moderator', 21);
  await room.setProgress('owner', 9);
  await room.setProgress('alice', 9);
  ({ base } = await listen(room.testApp));
});

async function open(client: Client | null, headers: Record<string, string> = {}): Promise<SseReader> {
  const reader = await openStream(base, streamPath(), client, headers);
  expect(reader.status).toBe(200);
  await reader.waitFor((m) => m.event === 'live:open');
  return reader;
}

const withId = (m: SseMessage) => m.id !== null && m.event === '';
const lastCommentId = async () => (await rows<{ id: number }>(room.testApp.db, sql`select max(id) as id from comments`))[0]!.id;

async function post(client: Client, fields: Record<string, string | number>) {
  const response = await client.post(url('/comments'), { reading_id: room.readingId, ...fields });
  expect(response.status, await response.clone().text()).toBe(303);
  return await lastCommentId();
}

/** The next message with an id that each reader gets after `action`. */
async function nextFor<T>(readers: SseReader[], action: () => Promise<T>): Promise<{ result: T; got: SseMessage[] }> {
  // Let what earlier steps sent arrive first, so that "next" means "caused by this action".
  await new Promise((r) => setTimeout(r, 150));
  const counts = readers.map((r) => r.messages.length);
  const result = await action();
  const got = await Promise.all(readers.map((r, i) => r.waitFor((m) => r.messages.indexOf(m) >= counts[i]! && withId(m))));
  return { result, got };
}

describe('who may open a stream', () => {
  it('answers 404 exactly where the chapter page does', async () => {
    expect((await openStream(base, streamPath(), room.outsider)).status).toBe(404);
    expect((await openStream(base, streamPath(), null)).status).toBe(404);
    expect((await openStream(base, `/clubs/${room.clubId}/live/${room.readingId}/999999`, room.bob)).status).toBe(404);
    const other = await createClubRow(room.testApp, { ownerId: room.ids.bob, name: 'Elsewhere' });
    expect((await openStream(base, `/clubs/${other.id}/live/${room.readingId}/${chapter2().id}`, room.bob)).status).toBe(404);
    const chapter3 = room.chapters[2]!;
    await scheduleChapterRow(room.testApp, room.readingId, chapter3.id, room.testApp.clock.now + 86_400_000);
    expect((await openStream(base, `/clubs/${room.clubId}/live/${room.readingId}/${chapter3.id}`, room.bob)).status).toBe(404);
    const stream = await openStream(base, streamPath(), room.bob);
    expect(stream.status).toBe(200);
    stream.close();
  });
});

describe('each reader gets what they may see', () => {
  let bob: SseReader, owner: SseReader, alice: SseReader;
  beforeAll(async () => {
    [bob, owner, alice] = await Promise.all([open(room.bob), open(room.owner), open(room.alice)]);
  });

  it('a paragraph comment: the caught-up reader gets the count, the reader behind only a count further on', async () => {
    const { got } = await nextFor([bob, owner, alice], () => post(room.alice, { paragraph_id: para12().id, body: 'PARA-SECRET the lantern goes out' }));
    const [toBob, toOwner, toAlice] = got.map((m) => partialFor(m, `#margin-summary-${para12().id}`)!);
    expect(toBob).toContain('comment-count');
    expect(toBob).not.toContain('hidden-count');
    expect(toOwner).not.toContain('comment-count');
    expect(toOwner).toContain('hidden-count');
    expect(toAlice).toContain('comment-count'); // her own
    for (const m of got) expect(m.data).not.toContain('PARA-SECRET');
    expect(bob.messages.some((m) => m.event === 'live:threads' && m.data === String(para12().id))).toBe(true);
  });

  it('a chapter comment: the text reaches those who may read it, never the reader behind', async () => {
    const { got } = await nextFor([bob, owner, alice], () => post(room.alice, { chapter_id: chapter2().id, body: 'CHAPTER-SECRET the ending!' }));
    const [toBob, toOwner, toAlice] = got;
    expect(toBob!.data).toContain('CHAPTER-SECRET');
    expect(toAlice!.data).toContain('CHAPTER-SECRET');
    expect(toOwner!.data).not.toContain('CHAPTER-SECRET');
    expect(partialFor(toOwner!, '#reveal-slot')).toContain('spoiler-reveal');
  });

  it('a reply, an edit, a reaction, a moderator hide and a deletion follow the same gate', async () => {
    const rootId = await lastCommentId();
    let step: { got: SseMessage[] } = await nextFor([bob, owner], () => post(room.bob, { parent_id: rootId, body: "REPLY-SECRET yes" }));
    expect(step.got[0]!.data).toContain('REPLY-SECRET');
    expect(step.got[1]!.data).not.toContain('REPLY-SECRET');
    const replyId = await lastCommentId();

    step = await nextFor([bob, owner], () => room.alice.post(url(`/comments/${rootId}/edit`), { body: 'EDITED-SECRET the real ending' }));
    expect(step.got[0]!.data).toContain('EDITED-SECRET');
    expect(step.got[1]!.data).not.toContain('EDITED-SECRET');

    step = await nextFor([bob, owner], () => room.moderator.post(url(`/comments/${rootId}/react`), { reaction: 'like' }));
    expect(step.got[0]!.data).toContain('EDITED-SECRET');
    expect(step.got[1]!.data).not.toContain('EDITED-SECRET');

    await room.setProgress('alice', 21);
    step = await nextFor([bob, alice], () => room.moderator.post(url(`/comments/${replyId}/moderate`), { action: 'hide', reason: 'Please be kind' }));
    await room.setProgress('alice', 9);
    expect(step.got[0]!.data).toContain('REPLY-SECRET'); // Bob wrote it: the author still sees a hidden comment
    expect(step.got[1]!.data).not.toContain('REPLY-SECRET');
    expect(step.got[1]!.data).toContain('Hidden by a moderator');

    step = await nextFor([bob], () => room.bob.post(url(`/comments/${replyId}/delete`), {}));
    expect(step.got[0]!.data).not.toContain('REPLY-SECRET');
  });

  it('a reader whose progress moves gets what it opens', async () => {
    const { got } = await nextFor([owner], () => room.owner.post(`/clubs/${room.clubId}/readings/${room.readingId}/progress`, { position: 14 }));
    expect(got[0]!.data).toContain('EDITED-SECRET');
    expect(partialFor(got[0]!, `#margin-summary-${para12().id}`)).toContain('comment-count');
    expect(bob.messages.filter(withId).at(-1)!.data).not.toContain('margin-summary-' + room.paragraphs(2)[1]!.id); // not Bob's event
    await room.setProgress('owner', 9);
  });

  it("a reader's own progress redraws only the paragraphs it passes, not the whole page", async () => {
    await room.setProgress('alice', 9);
    const own = await open(room.alice);
    const { got } = await nextFor([own], () => room.alice.post(`/clubs/${room.clubId}/readings/${room.readingId}/progress`, { position: 11 }));
    const [, p9, p10, p11, p12] = room.paragraphs(2);
    expect(got[0]!.data).toContain(`#margin-summary-${p10!.id}`);
    expect(got[0]!.data).toContain(`#margin-summary-${p11!.id}`);
    expect(got[0]!.data).not.toContain(`#margin-summary-${p9!.id}`);
    expect(got[0]!.data).not.toContain(`#margin-summary-${p12!.id}`);
    expect(got[0]!.data).not.toContain('#discussion');
    expect(got[0]!.data).not.toContain('#chapter-polls');
    own.close();
    await room.setProgress('alice', 9);
  });

  it('poll results reach nobody before the poll says so, through the stream or the page', async () => {
    const counts = [bob, owner].map((r) => r.messages.length);
    const pollId = await createPoll(room.moderator, room.clubId, { target: `chapter:${chapter2().id}`, resultsVisibility: 'after_close', option_1: 'Lamp', option_2: 'Moon' });
    await bob.waitFor((m) => bob.messages.indexOf(m) >= counts[0]! && m.data.includes(`poll-${pollId}`));
    const [lamp] = await optionIdsOf({ app: room.testApp } as never, pollId);
    // (The voter's own streams are not sent their own vote: their page swapped it from the answer.)
    const voted = await nextFor([owner, alice], () => room.bob.post(url(`/polls/${pollId}/vote`), { choice: lamp! }));
    for (const m of voted.got) {
      expect(partialFor(m, '#chapter-polls')).toContain('poll-results-hidden');
      expect(m.data).not.toContain('poll-bars');
    }
    const page = await (await room.owner.get(`/clubs/${room.clubId}/chapters/2`)).text();
    expect(page).not.toContain('poll-bars');
    const closed = await nextFor([bob, owner], () => room.moderator.post(url(`/polls/${pollId}/close`), {}));
    for (const m of closed.got) expect(m.data).toContain('poll-bars');
  });

  it('after_vote: only the reader who voted gets the results', async () => {
    const pollId = await createPoll(room.moderator, room.clubId, { target: `chapter:${chapter2().id}`, resultsVisibility: 'after_vote', option_1: 'Sea', option_2: 'Hill' });
    const [sea] = await optionIdsOf({ app: room.testApp } as never, pollId);
    await bob.waitFor((m) => m.data.includes(`poll-${pollId}`)); // the poll opening, first
    const before = bob.messages.length;
    const { got } = await nextFor([owner], () => room.bob.post(url(`/polls/${pollId}/vote`), { choice: sea! }));
    const card = (m: SseMessage) => /<section class="poll-card[^"]*" id="poll-(\d+)"[\s\S]*?<\/section>/g;
    const cardOf = (m: SseMessage) => [...m.data.matchAll(card(m))].find((match) => match[1] === String(pollId))![0];
    expect(cardOf(got[0]!)).not.toContain('poll-bars');
    // The voter sees the results on their page; their own stream is not sent their own vote.
    const page = await (await room.bob.get(`/clubs/${room.clubId}/chapters/2`)).text();
    expect(cardOf({ event: '', id: null, data: page })).toContain('poll-bars');
    expect(bob.messages.slice(before).some((m) => partialFor(m, '#chapter-polls') !== null)).toBe(false);
  });
});

describe('one render per class of readers', () => {
  it('readers the gate treats alike get the same bytes; a reader behind, or one whose own comment counts, gets their own', async () => {
    const [bob, moderator, owner, alice] = await Promise.all([open(room.bob), open(room.moderator), open(room.owner), open(room.alice)]);
    const { got } = await nextFor([bob, moderator, owner, alice], () => post(room.alice, { paragraph_id: para12().id, body: 'CLASS-SECRET margins only' }));
    const [toBob, toModerator, toOwner, toAlice] = got;
    // Bob and the moderator have both read past the chapter: one class, byte-identical messages.
    expect(toModerator!.data).toBe(toBob!.data);
    expect(toModerator!.id).toBe(toBob!.id);
    // The owner (position 9) is behind paragraph 12: another class, the count further on only.
    expect(toOwner!.data).not.toBe(toBob!.data);
    expect(partialFor(toOwner!, `#margin-summary-${para12().id}`)).toContain('hidden-count');
    // Alice is at the owner's position, but sees her own comment: not the owner's class.
    expect(toAlice!.data).not.toBe(toOwner!.data);
    expect(partialFor(toAlice!, `#margin-summary-${para12().id}`)).toContain('comment-count');
    for (const m of got) expect(m.data).not.toContain('CLASS-SECRET');
    for (const reader of [bob, moderator, owner, alice]) reader.close();
  });

  it('the stream is answered with the headers every page has, as text/event-stream', async () => {
    const abort = new AbortController();
    const response = await fetch(`${base}${streamPath()}`, { headers: { accept: 'text/event-stream', cookie: room.bob.cookieHeader }, signal: abort.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('x-hono-already-sent')).toBeNull();
    abort.abort();
  });
});

describe('order', () => {
  it('events close together reach each stream in their order, each once, also while another stream opens', async () => {
    const watcher = await open(room.bob);
    const before = watcher.messages.length;
    const bodies = ['ORDER-ONE', 'ORDER-TWO', 'ORDER-THREE', 'ORDER-FOUR'];
    const first = await nextFor([watcher], () => post(room.alice, { chapter_id: chapter2().id, body: bodies[0]! }));
    const seenId = first.got[0]!.id!;
    // A stream opening meanwhile, from what a page had seen: its replay takes its turn among the club's drawings.
    const opening = open(room.moderator, { 'last-event-id': seenId });
    for (const body of bodies.slice(1)) await post(room.alice, { chapter_id: chapter2().id, body });
    const late = await opening;
    for (const [reader, from] of [
      [watcher, before],
      [late, 0],
    ] as const) {
      await reader.waitFor((m) => reader.messages.indexOf(m) >= from && withId(m) && m.data.includes('ORDER-FOUR'));
      const drawn = reader.since(from).filter(withId);
      const seqs = drawn.map((m) => Number(m.id!.split('-')[1]));
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(new Set(seqs).size).toBe(seqs.length);
      // The last drawing of the discussion is the newest: no older drawing arrived after it.
      const last = drawn.filter((m) => m.data.includes('ORDER-')).at(-1)!;
      for (const body of bodies) expect(last.data).toContain(body);
    }
    // The late stream was sent nothing its page had already seen.
    const seenSeq = Number(seenId.split('-')[1]);
    expect(late.messages.filter(withId).every((m) => Number(m.id!.split('-')[1]) > seenSeq)).toBe(true);
    watcher.close();
    late.close();
  });
});

describe('reconnecting', () => {
  it('Last-Event-ID replays exactly the events missed, once each, in order', async () => {
    const first = await open(room.bob);
    const seen = await nextFor([first], () => post(room.alice, { paragraph_id: para12().id, body: 'before the break' }));
    const lastSeen = seen.got[0]!.id!;
    first.close();
    await first.ended;
    const missed: number[] = [];
    missed.push(await post(room.alice, { paragraph_id: para12().id, body: 'missed one' }));
    missed.push(await post(room.alice, { chapter_id: chapter2().id, body: 'MISSED-TWO' }));
    await new Promise((r) => setTimeout(r, 50));
    const again = await openStream(base, streamPath(), room.bob, { 'last-event-id': lastSeen });
    await again.waitFor((m) => withId(m) && m.data.includes('MISSED-TWO'));
    await new Promise((r) => setTimeout(r, 200));
    const ids = again.messages.filter(withId).map((m) => m.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    expect(ids).not.toContain(lastSeen);
    const [epoch, seq] = lastSeen.split('-');
    expect(ids.map((id) => Number(id!.split('-')[1]))).toEqual(ids.map((id) => Number(id!.split('-')[1])).sort((a, b) => a - b));
    expect(ids.every((id) => id!.startsWith(`${epoch}-`) && Number(id!.split('-')[1]) > Number(seq))).toBe(true);
    // And the stream goes on with the next event, once.
    const next = await nextFor([again], () => post(room.alice, { paragraph_id: para12().id, body: 'after' }));
    expect(again.messages.filter((m) => m.id === next.got[0]!.id)).toHaveLength(1);
    again.close();
  });

  it('an id from before a restart (or too old) catches up from the database: only what changed since its time', async () => {
    const since = room.testApp.clock.now;
    room.testApp.clock.advance(1000);
    const para10 = room.paragraphs(2)[2]!;
    await post(room.alice, { paragraph_id: para10.id, body: 'while Bob was away' });
    const stream = await openStream(base, streamPath(), room.bob, { 'last-event-id': `zzzz-5-${since.toString(36)}` });
    const caughtUp = await stream.waitFor(withId);
    expect(partialFor(caughtUp, `#margin-summary-${para10.id}`)).toContain('comment-count');
    expect(caughtUp.data).not.toContain(`#margin-summary-${para12().id}`); // nothing changed there since
    expect(caughtUp.data).not.toContain('#discussion');
    expect(caughtUp.data).not.toContain('#chapter-polls');
    expect(stream.messages.filter(withId)).toHaveLength(1);
    stream.close();
  });

  it('an id that is not ours draws nothing (the page stays as it was drawn)', async () => {
    const stream = await open(room.bob, { 'last-event-id': 'nonsense' });
    await new Promise((r) => setTimeout(r, 200));
    expect(stream.messages.filter(withId)).toHaveLength(0);
    stream.close();
  });
});

describe('caps', () => {
  it('refuses a sixth stream of one reader (429) and streams beyond the process maximum (503)', async () => {
    const testApp = await makeTestApp({ config: { liveStreamsPerMember: 2, liveStreamsMax: 3 } });
    const small = await makeRoom({ testApp, names: 'cap' });
    const { base: capBase } = await listen(testApp);
    const path = `/clubs/${small.clubId}/live/${small.readingId}/${small.chapters[0]!.id}`;
    const a = [await openStream(capBase, path, small.alice), await openStream(capBase, path, small.alice)];
    expect(a.map((s) => s.status)).toEqual([200, 200]);
    const third = await openStream(capBase, path, small.alice);
    expect(third.status).toBe(429);
    expect(third.raw).toMatch(/too many live pages/);
    expect((await openStream(capBase, path, small.bob)).status).toBe(200);
    expect((await openStream(capBase, path, small.owner)).status).toBe(503);
    a[0]!.close();
    await a[0]!.ended;
    await new Promise((r) => setTimeout(r, 100));
    expect((await openStream(capBase, path, small.owner)).status).toBe(200);
    expect(await userIdOf(testApp, 'alicecap')).toBeGreaterThan(0);
  });
});
