/**
 * Meeting mode over real HTTP: who may start, spotlight and end a meeting (a matrix of roles,
 * with another club's ids answering 404 like missing ones); the banner each reader sees on the
 * club home, on chapter pages and through the stream, following their progress (a spotlight
 * ahead of a reader says so without where); and the record an ended meeting leaves.
 *
 * Room (the sample book: chapters of a heading + 6 paragraphs; chapter 2 = positions 8–14):
 * Bob and the moderator have read everything, the owner and Alice only up to position 9.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/connection';
import { meetingSessions, memberships } from '../../../db/schema';
import type { Client } from '../../helpers/app';
import { makeRoom, type AnnotationRoom } from '../annotations/room';
import { createPoll, optionIdsOf } from '../polls/room';
import { listen, openStream, partialFor, type SseReader } from './sse';

let room: AnnotationRoom;
let other: AnnotationRoom;
let base: string;
const chapter2 = () => room.chapters[1]!;
const para = (ordinalInChapter: number) => room.paragraphs(2)[ordinalInChapter]!; // [0] is the heading
const club = (path = '') => `/clubs/${room.clubId}${path}`;
const running = async () => (await room.testApp.db.select().from(meetingSessions).where(and(eq(meetingSessions.clubId, room.clubId), isNull(meetingSessions.endedAt))))[0];

beforeAll(async () => {
  room = await makeRoom();
  other = await makeRoom({ testApp: room.testApp });
  await room.setProgress('bob', 21);
  await room.setProgress('moderator', 21);
  await room.setProgress('owner', 21);
  await room.setProgress('alice', 9);
  ({ base } = await listen(room.testApp));
});

async function start(client: Client, clubId = room.clubId, readingId = room.readingId, chapterId = chapter2().id) {
  return client.post(`/clubs/${clubId}/meeting-mode`, { reading_id: readingId, chapter_id: chapterId });
}

describe('who may run a meeting', () => {
  it('members and others: 403 for a member, 404 for an outsider and a visitor of a private club', async () => {
    expect((await start(room.alice)).status).toBe(403);
    expect((await start(room.outsider)).status).toBe(404);
    expect((await start(room.visitor)).status).toBe(404);
    expect(await running()).toBeUndefined();
  });

  it("another club's reading or chapter is 404, exactly as a missing one", async () => {
    expect((await start(room.moderator, room.clubId, other.readingId)).status).toBe(404);
    expect((await start(room.moderator, room.clubId, 999_999)).status).toBe(404);
    expect(await running()).toBeUndefined();
  });

  it('a moderator starts one meeting; a second is refused (422) until it ends', async () => {
    const response = await start(room.moderator);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(club('/chapters/2#meeting-banner'));
    const again = await start(room.owner);
    expect(again.status).toBe(422);
    expect(await again.text()).toContain('A meeting is already running in this club');
  });

  it("spotlight and end: members 403, a meeting id of another club 404, a target outside the chapter 422", async () => {
    const meeting = (await running())!;
    expect((await room.alice.post(club(`/meeting-mode/${meeting.id}/spotlight`), { paragraph_id: para(2).id })).status).toBe(403);
    expect((await room.alice.post(club(`/meeting-mode/${meeting.id}/end`), {})).status).toBe(403);
    expect((await room.outsider.post(club(`/meeting-mode/${meeting.id}/end`), {})).status).toBe(404);
    // The other club's meeting, through this club's path (and this club's meeting through the other's).
    expect((await other.moderator.post(`/clubs/${other.clubId}/meeting-mode`, { reading_id: other.readingId, chapter_id: other.chapters[1]!.id })).status).toBe(303);
    const theirs = (await room.testApp.db.select({ id: meetingSessions.id }).from(meetingSessions).where(eq(meetingSessions.clubId, other.clubId)))[0]!.id;
    expect((await room.moderator.post(club(`/meeting-mode/${theirs}/spotlight`), { paragraph_id: para(2).id })).status).toBe(404);
    expect((await room.moderator.post(club(`/meeting-mode/${theirs}/end`), {})).status).toBe(404);
    expect((await other.moderator.post(`/clubs/${other.clubId}/meeting-mode/${meeting.id}/end`, {})).status).toBe(404);
    // A paragraph of chapter 1 is not this meeting's.
    const wrong = await room.moderator.post(club(`/meeting-mode/${meeting.id}/spotlight`), { paragraph_id: room.paragraphs(1)[2]!.id });
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain('Choose a paragraph or a thread');
    expect((await other.moderator.post(`/clubs/${other.clubId}/meeting-mode/${theirs}/end`, {})).status).toBe(303);
  });
});

describe('the banner follows each reader', () => {
  let bob: SseReader;
  let alice: SseReader;

  it('the club home shows it with a link to the chapter; the chapter page too', async () => {
    const home = await (await room.bob.get(club())).text();
    expect(home).toContain('id="meeting-banner"');
    expect(home).toContain(`href="${club('/chapters/2')}"`);
    const page = await (await room.bob.get(club('/chapters/2'))).text();
    expect(page).toContain('Meeting now:');
    // Only moderators get the controls.
    expect(page).not.toContain('meeting-spotlight-form');
    expect(await (await room.moderator.get(club('/chapters/2'))).text()).toContain('meeting-spotlight-form');
  });

  it('a spotlight reaches the caught-up reader with a jump link, and the reader behind only as "ahead of you"', async () => {
    const path = `/clubs/${room.clubId}/live/${room.readingId}/${chapter2().id}`;
    bob = await openStream(base, path, room.bob);
    alice = await openStream(base, path, room.alice);
    for (const reader of [bob, alice]) await reader.waitFor((m) => m.event === 'live:open');
    const counts = [bob.messages.length, alice.messages.length];
    const meeting = (await running())!;
    // Paragraph 5 of chapter 2 = position 12: Bob has read it, Alice (9) has not.
    expect((await room.moderator.post(club(`/meeting-mode/${meeting.id}/spotlight`), { paragraph_id: para(5).id })).status).toBe(303);
    const forBob = await bob.waitFor((m) => bob.messages.indexOf(m) >= counts[0]! && partialFor(m, '#meeting-banner') !== null);
    const forAlice = await alice.waitFor((m) => alice.messages.indexOf(m) >= counts[1]! && partialFor(m, '#meeting-banner') !== null);
    const bobBanner = partialFor(forBob, '#meeting-banner')!;
    const aliceBanner = partialFor(forAlice, '#meeting-banner')!;
    expect(bobBanner).toContain(`Now: paragraph ${para(5).ordinal}`);
    expect(bobBanner).toContain(`href="#p-${para(5).ordinal}"`);
    expect(aliceBanner).toContain('The meeting is at a paragraph ahead of you.');
    expect(aliceBanner).not.toContain('#p-');
    expect(aliceBanner).not.toContain(`paragraph ${para(5).ordinal}`);
    // And the page load says the same.
    expect(await (await room.alice.get(club('/chapters/2'))).text()).toContain('The meeting is at a paragraph ahead of you.');
  });

  it("a thread spotlight never carries the thread's text, and stays ahead for the reader behind", async () => {
    const posted = await room.bob.post(club('/comments'), { reading_id: room.readingId, paragraph_id: para(5).id, body: 'THREAD-SECRET about the lamp' });
    expect(posted.status).toBe(303);
    const rootId = (await rows<{ id: number }>(room.testApp.db, sql`select max(id) as id from comments`))[0]!.id;
    const counts = [bob.messages.length, alice.messages.length];
    const meeting = (await running())!;
    expect((await room.moderator.post(club(`/meeting-mode/${meeting.id}/spotlight`), { comment_id: rootId })).status).toBe(303);
    const forBob = await bob.waitFor((m) => bob.messages.indexOf(m) >= counts[0]! && partialFor(m, '#meeting-banner') !== null);
    const forAlice = await alice.waitFor((m) => alice.messages.indexOf(m) >= counts[1]! && partialFor(m, '#meeting-banner') !== null);
    expect(partialFor(forBob, '#meeting-banner')).toContain(`Now: a thread on paragraph ${para(5).ordinal}`);
    expect(partialFor(forAlice, '#meeting-banner')).toContain('ahead of you');
    for (const m of [...bob.messages, ...alice.messages]) if (partialFor(m, '#meeting-banner')) expect(m.data).not.toContain('THREAD-SECRET');
    expect(await (await room.moderator.get(club('/chapters/2'))).text()).toContain('thread by');
  });

  it('a poll opened and voted in during the meeting updates live and is part of the record; ending leaves the record on the club home', async () => {
    const pollId = await createPoll(room.moderator, room.clubId, { target: `chapter:${chapter2().id}`, resultsVisibility: 'always', option_1: 'Lamp', option_2: 'Moon' });
    const [lamp] = await optionIdsOf({ app: room.testApp } as never, pollId);
    const count = bob.messages.length;
    expect((await room.alice.post(club(`/polls/${pollId}/vote`), { choice: lamp! })).status).toBeLessThan(400);
    await bob.waitFor((m) => bob.messages.indexOf(m) >= count && (partialFor(m, '#chapter-polls') ?? '').includes('poll-bars'));
    const meeting = (await running())!;
    const before = bob.messages.length;
    expect((await room.moderator.post(club(`/meeting-mode/${meeting.id}/end`), {})).status).toBe(303);
    const ended = await bob.waitFor((m) => bob.messages.indexOf(m) >= before && partialFor(m, '#meeting-banner') !== null);
    expect(partialFor(ended, '#meeting-banner')).not.toContain('Meeting now');
    bob.close();
    alice.close();
    const home = await (await room.owner.get(club())).text();
    expect(home).toContain('Past meetings');
    const record = /<li class="meeting-record"[\s\S]*?<\/li>/.exec(home)![0];
    expect(record).toContain(`¶${para(5).ordinal}`);
    expect(record).toContain('1 thread');
    expect(record).toContain('1 poll');
    expect(record).toContain(room.usernames.bob); // display names default to the username in the room
    expect(record).toContain(room.usernames.alice);
    // A member who hides their progress is counted, not named (as on the presence line).
    await room.testApp.db.update(memberships).set({ progressHidden: true }).where(and(eq(memberships.clubId, room.clubId), eq(memberships.userId, room.ids.alice)));
    const hidden = /<li class="meeting-record"[\s\S]*?<\/li>/.exec(await (await room.owner.get(club())).text())![0];
    expect(hidden).not.toContain(room.usernames.alice);
    expect(hidden).toContain('and 1 other');
    await room.testApp.db.update(memberships).set({ progressHidden: false }).where(and(eq(memberships.clubId, room.clubId), eq(memberships.userId, room.ids.alice)));
    expect(record).not.toContain('THREAD-SECRET');
    expect(home).not.toContain('id="meeting-banner"');
  });
});
