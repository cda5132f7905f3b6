/**
 * Notifications in the app: each kind reaches the right reader once, the bell counts it, the
 * list says it and leads to the exact place, one or all are marked read, and a notification
 * of someone else is as absent as one that does not exist.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { comments, invitations, meetingRsvps, meetings, notificationSources, scheduleEntries } from '../../../db/schema';
import { transaction, type Db } from '../../../db/connection';
import { createApp } from '../../../src/app';
import { createPoll, optionIdsOf, pollFields } from '../polls/room';
import { anotherProcess, listText, makeNotifyRoom, notificationsOf, postReply, postRoot, type NotifyRoom } from './world';

let room: NotifyRoom;
afterEach(async () => {
  await room?.notifications.service.stop();
  await room?.testApp.close();
});

const HOUR = 3600_000;

function bellOf(html: string): string | null {
  return /class="nav-bell-count"[^>]*>([^<]+)</.exec(html)?.[1] ?? null;
}

describe('a reply', () => {
  it('tells the parent comment’s author once: the bell shows 1, the list names who and where, opening it lands on the thread and marks it read', async () => {
    room = await makeNotifyRoom();
    for (const who of ['alice', 'bob'] as const) await room.setProgress(who, 21);
    const root = await postRoot(room, 'alice', 1, 3, 'The lantern flickers here.');
    expect(await notificationsOf(room, room.ids.alice)).toHaveLength(0);
    const reply = await postReply(room, 'bob', root, 'It does, like a heartbeat.');

    const mine = await notificationsOf(room, room.ids.alice);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.kind).toBe('reply');
    expect(await notificationsOf(room, room.ids.bob)).toHaveLength(0);

    const page = await (await room.alice.get(`/clubs/${room.clubId}`)).text();
    expect(bellOf(page)).toBe('1');
    expect(page).toContain('<span class="visually-hidden"> unread</span>');

    const text = await listText(room, room.alice);
    expect(text).toContain(`${room.usernames.bob} replied to your comment in Chapter 1. The first evening`);
    expect(text).toContain('It does, like a heartbeat.');

    const paragraph = (await room.paragraphs(1))[2]!;
    const open = await room.alice.post(`/notifications/${mine[0]!.id}/open`);
    expect(open.status).toBe(303);
    expect(open.headers.get('location')).toBe(`/clubs/${room.clubId}/paragraphs/${paragraph.id}/comments#c-${reply}`);
    const thread = await (await room.alice.get(open.headers.get('location')!)).text();
    expect(thread).toContain(`id="c-${reply}"`);
    expect(bellOf(thread)).toBeNull();
    expect((await notificationsOf(room, room.ids.alice))[0]!.readAt).not.toBeNull();
  });

  it('says only where a reply is when its thread is past the recipient’s progress', async () => {
    room = await makeNotifyRoom();
    await room.setProgress('alice', 21);
    await room.setProgress('bob', 21);
    const root = await postRoot(room, 'alice', 3, 2, 'What the ending means');
    await postReply(room, 'bob', root, 'The keeper was the lantern all along');
    // Alice, who wrote the root, always sees her own thread: she is told who and what.
    expect(await listText(room, room.alice)).toContain('The keeper was the lantern all along');

    // Bob's root in chapter 3, replied to by the owner, while Bob moves back to chapter 1.
    const bobsRoot = await postRoot(room, 'bob', 3, 4, 'A guess about the keeper');
    await room.setProgress('owner', 21);
    await postReply(room, 'owner', bobsRoot, 'Read on: SECRET-ENDING');
    await room.setProgress('bob', 7); // the gate is asked when the list is shown, not when the reply came
    const bobs = await listText(room, room.bob);
    // Bob wrote the root, but not the reply: on the chapter page he would not see it at 1.7,
    // so neither does the notification. It says where, not who or what.
    expect(bobs).toContain('A new reply in Chapter 3. The third evening (ahead of you)');
    expect(bobs).not.toContain('SECRET-ENDING');
    expect(bobs).not.toContain(room.usernames.owner);
    const [n] = await notificationsOf(room, room.ids.bob);
    const open = await room.bob.post(`/notifications/${n!.id}/open`);
    expect(open.headers.get('location')).toBe(`/clubs/${room.clubId}/chapters/3#p-4`);
  });
});

describe('a mention', () => {
  it('reaches a member named with @, and says only the chapter when the comment is ahead of them', async () => {
    room = await makeNotifyRoom();
    await room.setProgress('alice', 21);
    await room.setProgress('bob', 7);
    await postRoot(room, 'alice', 3, 3, `@${room.usernames.bob} the keeper dies here SPOILER-TEXT`);
    await postRoot(room, 'alice', 1, 3, `@${room.usernames.moderator} and @nobody-here, look`);
    const bob = await notificationsOf(room, room.ids.bob);
    expect(bob.map((n) => n.kind)).toEqual(['mention']);
    const text = await listText(room, room.bob);
    expect(text).toContain('You were mentioned in');
    expect(text).toContain('(ahead of you)');
    expect(text).not.toContain('SPOILER-TEXT');
    expect(text).not.toContain(room.usernames.alice);
    // The moderator (no progress yet) is mentioned in chapter 1, paragraph 3: ahead of them too.
    expect((await notificationsOf(room, room.ids.moderator)).map((n) => n.kind)).toEqual(['mention']);
    // An outsider is never told, even if named.
    await postRoot(room, 'alice', 1, 4, `@${room.usernames.outsider} hello`);
    expect(await notificationsOf(room, room.ids.outsider)).toHaveLength(0);
  });

  it('a reply that also mentions the parent’s author tells them once', async () => {
    room = await makeNotifyRoom();
    for (const who of ['alice', 'bob'] as const) await room.setProgress(who, 21);
    const root = await postRoot(room, 'alice', 1, 3, 'Hello');
    await postReply(room, 'bob', root, `@${room.usernames.alice} yes`);
    expect((await notificationsOf(room, room.ids.alice)).map((n) => n.kind)).toEqual(['reply']);
  });
});

describe('reactions', () => {
  it('are gathered into one notification while unread: "3 people reacted"', async () => {
    room = await makeNotifyRoom();
    for (const who of ['alice', 'bob', 'owner', 'moderator'] as const) await room.setProgress(who, 21);
    const id = await postRoot(room, 'alice', 1, 3, 'React to me');
    for (const who of ['bob', 'owner', 'moderator'] as const) {
      expect((await room[who].post(`/clubs/${room.clubId}/comments/${id}/react`, { reaction: 'like' })).status).toBe(303);
    }
    await room.bob.post(`/clubs/${room.clubId}/comments/${id}/react`, { reaction: 'funny' });
    // Her own reaction tells nobody.
    await room.alice.post(`/clubs/${room.clubId}/comments/${id}/react`, { reaction: 'like' });
    const mine = await notificationsOf(room, room.ids.alice);
    expect(mine).toHaveLength(1);
    expect(await listText(room, room.alice)).toContain('3 people reacted to your comment');

    await room.alice.post('/notifications/read-all');
    await room.owner.post(`/clubs/${room.clubId}/comments/${id}/react`, { reaction: 'funny' });
    expect(await notificationsOf(room, room.ids.alice)).toHaveLength(2);
    expect(await listText(room, room.alice)).toContain('1 person reacted to your comment');
  });
});

describe('moderation, members and invitations', () => {
  it('tells the author of a hidden comment, with the moderator’s reason', async () => {
    room = await makeNotifyRoom();
    await room.setProgress('alice', 21);
    const id = await postRoot(room, 'alice', 1, 3, 'Heated words');
    expect((await room.moderator.post(`/clubs/${room.clubId}/moderation/comments/${id}`, { decision: 'hide', reason: 'too heated for chapter one' })).status).toBe(303);
    const mine = await notificationsOf(room, room.ids.alice);
    expect(mine.map((n) => n.kind)).toEqual(['moderated']);
    const text = await listText(room, room.alice);
    expect(text).toContain('A moderator hid your comment in');
    expect(text).toContain('Reason: too heated for chapter one');
  });

  it('tells moderators of a new member, and the inviter that their invitation was accepted (once, not twice)', async () => {
    room = await makeNotifyRoom();
    const created = await room.moderator.post(`/clubs/${room.clubId}/invitations`, { role: 'member', maxUses: '5', expiresInHours: '48' });
    expect(created.status).toBe(200);
    const link = /\/invite\/([A-Za-z0-9_-]+)/.exec(await created.text());
    expect(link).not.toBeNull();
    expect(await room.testApp.db.select().from(invitations)).toHaveLength(1);
    const joined = await room.outsider.post(`/invite/${link![1]}`);
    expect(joined.status).toBe(303);
    expect((await notificationsOf(room, room.ids.moderator)).map((n) => n.kind)).toEqual(['invitation_accepted']);
    expect((await notificationsOf(room, room.ids.owner)).map((n) => n.kind)).toEqual(['member_joined']);
    expect(await notificationsOf(room, room.ids.alice)).toHaveLength(0);
    expect(await listText(room, room.moderator)).toContain(`accepted your invitation to Club`);
  });
});

describe('polls', () => {
  it('an opened poll tells every member but its maker; closing it tells who could not see the results while open', async () => {
    room = await makeNotifyRoom();
    const pollId = await createPoll(room.moderator, room.clubId, { resultsVisibility: 'after_vote' });
    for (const who of ['owner', 'alice', 'bob'] as const) expect((await notificationsOf(room, room.ids[who])).map((n) => n.kind)).toEqual(['poll_opened']);
    expect(await notificationsOf(room, room.ids.moderator)).toHaveLength(0);
    expect(await listText(room, room.bob)).toContain('New poll: “Which chapter should we discuss first?”');

    const [firstOption] = await optionIdsOf({ app: room.testApp } as never, pollId);
    await room.alice.post(`/clubs/${room.clubId}/polls/${pollId}/vote`, { choice: firstOption! });
    expect((await room.moderator.post(`/clubs/${room.clubId}/polls/${pollId}/close`)).status).toBe(303);
    // Alice voted (she saw results already); Bob and the owner did not; the moderator ran it
    // and, like the owner, sees results once closed.
    const results = async (who: 'owner' | 'moderator' | 'alice' | 'bob') => (await notificationsOf(room, room.ids[who])).filter((n) => n.kind === 'poll_results').length;
    expect([await results('alice'), await results('bob'), await results('owner'), await results('moderator')]).toEqual([0, 1, 1, 1]);
    expect(await listText(room, room.bob)).toContain('The results of “Which chapter should we discuss first?” are in');
  });

  it('a poll on a chapter that is not open to the reader yet names neither its question nor its chapter', async () => {
    room = await makeNotifyRoom();
    const chapter3 = room.chapters[2]!;
    await room.testApp.db.insert(scheduleEntries).values({ readingId: room.readingId, chapterId: chapter3.id, opensAt: room.testApp.clock.now + 48 * HOUR });
    await createPoll(room.owner, room.clubId, { ...pollFields({ target: `chapter:${chapter3.id}`, question: 'Did the keeper SPOILER die?' }) });
    const text = await listText(room, room.bob);
    expect(text).toContain('A new poll in Club');
    expect(text).not.toContain('SPOILER');
  });
});

describe('marking read and other people’s notifications', () => {
  it('marks one, then all; someone else’s notification answers 404 like one that does not exist', async () => {
    room = await makeNotifyRoom();
    for (const who of ['alice', 'bob'] as const) await room.setProgress(who, 21);
    const root = await postRoot(room, 'alice', 1, 3, 'one');
    await postReply(room, 'bob', root, 'r1');
    await postReply(room, 'bob', root, 'r2');
    const [a, b] = await notificationsOf(room, room.ids.alice);
    expect((await room.bob.post(`/notifications/${a!.id}/read`)).status).toBe(404);
    expect((await room.bob.post(`/notifications/${a!.id}/open`)).status).toBe(404);
    expect((await room.bob.post(`/notifications/999999/open`)).status).toBe(404);
    expect((await room.visitor.post(`/notifications/${a!.id}/read`)).status).toBe(303);
    expect((await notificationsOf(room, room.ids.alice)).every((n) => n.readAt === null)).toBe(true);

    expect((await room.alice.post(`/notifications/${a!.id}/read`)).status).toBe(303);
    expect(bellOf(await (await room.alice.get('/notifications')).text())).toBe('1');
    const all = await room.alice.post('/notifications/read-all');
    expect(all.headers.get('location')).toBe('/notifications?done=all');
    expect((await notificationsOf(room, room.ids.alice)).find((n) => n.id === b!.id)!.readAt).not.toBeNull();
    expect(await (await room.alice.get('/notifications?done=all')).text()).toContain('All notifications are marked read.');
    // A cross-site POST is still refused on these routes.
    expect((await room.alice.post('/notifications/read-all', {}, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  });

  it('signed out, the notifications and preferences pages ask to sign in', async () => {
    room = await makeNotifyRoom();
    expect((await room.visitor.get('/notifications')).headers.get('location')).toBe('/login?next=%2Fnotifications');
    expect((await room.visitor.get('/notifications/preferences')).status).toBe(303);
  });
});

describe('the outbox of sources', () => {
  it('is written in the causing transaction: a rolled-back comment leaves none, a committed one survives a crash before any listener ran', async () => {
    room = await makeNotifyRoom();
    await room.setProgress('alice', 21);
    const root = await postRoot(room, 'alice', 1, 3, 'root');
    const paragraphId = (await room.paragraphs(1))[2]!.id;
    const insertReply = (db: Db) =>
      db
        .insert(comments)
        .values({ clubId: room.clubId, readingId: room.readingId, chapterId: room.chapters[0]!.id, paragraphId, parentId: root, rootId: root, anchorPosition: 3, authorId: room.ids.bob, body: 'written outside the app', createdAt: room.testApp.clock.now });
    await expect(
      transaction(room.testApp.db, async (tx) => {
        await insertReply(tx);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await room.testApp.db.select().from(notificationSources)).toHaveLength(0);

    // Committed with no bus event at all (as if the process died right after the commit).
    await insertReply(room.testApp.db);
    expect(await room.testApp.db.select().from(notificationSources)).toHaveLength(1);
    // A new process on the same database: its worker round turns the source into the notification.
    const other = await anotherProcess(room);
    let service: NonNullable<Parameters<NonNullable<Parameters<typeof createApp>[0]['onNotifications']>>[0]>['service'] | undefined;
    createApp({ db: other.db, config: room.testApp.config, clock: () => room.testApp.clock.now, onNotifications: (n) => (service = n.service) });
    await service!.tick();
    await other.close();
    expect((await notificationsOf(room, room.ids.alice)).map((n) => n.kind)).toEqual(['reply']);
    expect(await room.testApp.db.select().from(notificationSources)).toHaveLength(0);
    // Another round makes nothing more.
    await room.notifications.service.tick();
    expect(await notificationsOf(room, room.ids.alice)).toHaveLength(1);
    const [rootRow] = await room.testApp.db.select().from(comments).where(eq(comments.id, root));
    expect(rootRow).toBeDefined();
  });
});

describe('the scheduler', () => {
  it('announces a scheduled chapter when it opens, once, and catches up once after downtime', async () => {
    room = await makeNotifyRoom();
    const { clock } = room.testApp;
    await room.notifications.service.tick(); // first run: jobs start from now
    await room.testApp.db.insert(scheduleEntries).values({ readingId: room.readingId, chapterId: room.chapters[1]!.id, opensAt: clock.now + 2 * HOUR });
    await room.testApp.db.insert(scheduleEntries).values({ readingId: room.readingId, chapterId: room.chapters[2]!.id, opensAt: clock.now + 30 * HOUR });
    clock.advance(HOUR);
    await room.notifications.service.tick();
    expect(await notificationsOf(room, room.ids.bob)).toHaveLength(0);
    clock.advance(2 * HOUR);
    const first = await room.notifications.service.tick();
    expect(first.jobs).toContain('chapter-openings');
    expect((await notificationsOf(room, room.ids.bob)).map((n) => n.kind)).toEqual(['chapter_opened']);
    await room.notifications.service.tick();
    expect(await notificationsOf(room, room.ids.bob)).toHaveLength(1);

    // Down for two days: one run covers it; chapter 3 is announced once.
    clock.advance(48 * HOUR);
    const caughtUp = await room.notifications.service.tick();
    expect(caughtUp.jobs.filter((j) => j === 'chapter-openings')).toHaveLength(1);
    expect(await notificationsOf(room, room.ids.bob)).toHaveLength(2);
    expect(await listText(room, room.bob)).toMatch(/is open in Club/);
    expect((await room.bob.post(`/notifications/${(await notificationsOf(room, room.ids.bob))[1]!.id}/open`)).headers.get('location')).toBe(`/clubs/${room.clubId}/chapters/3`);
  });

  it('reminds members who have not voted when a poll closes within a day, once', async () => {
    room = await makeNotifyRoom();
    const { clock } = room.testApp;
    await room.notifications.service.tick();
    const closes = new Date(clock.now + 30 * HOUR).toISOString().slice(0, 16);
    const pollId = await createPoll(room.moderator, room.clubId, { closesAt: closes });
    const [firstOption] = await optionIdsOf({ app: room.testApp } as never, pollId);
    await room.alice.post(`/clubs/${room.clubId}/polls/${pollId}/vote`, { choice: firstOption! });
    clock.advance(5 * HOUR);
    await room.notifications.service.tick();
    const closing = async (who: 'alice' | 'bob' | 'owner') => (await notificationsOf(room, room.ids[who])).filter((n) => n.kind === 'poll_closing').length;
    expect([await closing('alice'), await closing('bob'), await closing('owner')]).toEqual([0, 0, 0]);
    clock.advance(2 * HOUR);
    await room.notifications.service.tick();
    expect([await closing('alice'), await closing('bob'), await closing('owner')]).toEqual([0, 1, 1]);
    clock.advance(HOUR);
    await room.notifications.service.tick();
    expect(await closing('bob')).toBe(1);
    expect(await listText(room, room.bob)).toContain('you have not voted yet');
  });

  it('reminds the club of a meeting a day before it starts, once, except members not going', async () => {
    room = await makeNotifyRoom();
    const { clock, db } = room.testApp;
    await room.notifications.service.tick();
    const [meeting] = await db
      .insert(meetings)
      .values({ clubId: room.clubId, title: 'Chapter one night', place: 'Café Lumen', startsAt: clock.now + 30 * HOUR, createdBy: room.ids.moderator, createdAt: clock.now })
      .returning();
    await db.insert(meetingRsvps).values({ meetingId: meeting!.id, userId: room.ids.alice, answer: 'not_going', updatedAt: clock.now });
    const reminded = async (who: 'alice' | 'bob' | 'owner') => (await notificationsOf(room, room.ids[who])).filter((n) => n.kind === 'meeting_soon').length;
    clock.advance(5 * HOUR);
    await room.notifications.service.tick();
    expect([await reminded('alice'), await reminded('bob'), await reminded('owner')]).toEqual([0, 0, 0]);
    clock.advance(2 * HOUR);
    await room.notifications.service.tick();
    expect([await reminded('alice'), await reminded('bob'), await reminded('owner')]).toEqual([0, 1, 1]);
    clock.advance(HOUR);
    await room.notifications.service.tick();
    expect(await reminded('bob')).toBe(1);
    expect(await listText(room, room.bob)).toContain('meets soon: “Chapter one night”');
    const id = (await notificationsOf(room, room.ids.bob)).find((n) => n.kind === 'meeting_soon')!.id;
    expect((await room.bob.post(`/notifications/${id}/open`)).headers.get('location')).toBe(`/clubs/${room.clubId}/meetings/${meeting!.id}`);
  });
});
