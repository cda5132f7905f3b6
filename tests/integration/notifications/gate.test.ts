/**
 * The spoiler matrix of notifications, like the gate's own: what a notification says about a
 * comment is decided when it is shown (or mailed), for the reader as they are then — progress,
 * chapters revealed, the chapter's scheduled opening, membership, moderation — by the
 * annotations area's gate. A comment the reader may not read yet is named by its chapter only.
 *
 * Positions: chapter 1 = 1–7, chapter 2 = 8–14, chapter 3 = 15–21 (a heading and 6 paragraphs
 * each); a chapter's own discussion is anchored at its last paragraph.
 */
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { memberships, notifications, scheduleEntries, spoilerReveals } from '../../../db/schema';
import { listText, makeNotifyRoom, notificationsOf, settled, startInbox, type Inbox, type NotifyRoom } from './world';

let room: NotifyRoom;
let inbox: Inbox;

const COMMENTS = [
  { key: 'c1p3', chapter: 1, ordinal: 3, anchor: 3 },
  { key: 'c2p3', chapter: 2, ordinal: 3, anchor: 10 },
  { key: 'c2thread', chapter: 2, ordinal: null, anchor: 14 },
  { key: 'c3p3', chapter: 3, ordinal: 3, anchor: 17 },
] as const;

const VIEWERS: { name: string; progress: number; reveal?: number; scheduledShut?: number; left?: boolean; sees: string[] }[] = [
  { name: 'not started', progress: 0, sees: [] },
  { name: 'at 1.2 (position 2)', progress: 2, sees: [] },
  { name: 'at the end of chapter 1', progress: 7, sees: ['c1p3'] },
  { name: 'in chapter 2, before its end', progress: 12, sees: ['c1p3', 'c2p3'] },
  { name: 'at the end of chapter 2', progress: 14, sees: ['c1p3', 'c2p3', 'c2thread'] },
  { name: 'at the end of chapter 1, chapter 3 revealed', progress: 7, reveal: 3, sees: ['c1p3', 'c3p3'] },
  { name: 'finished, chapter 3 scheduled to open tomorrow', progress: 21, scheduledShut: 3, sees: ['c1p3', 'c2p3', 'c2thread'] },
  { name: 'finished', progress: 21, sees: ['c1p3', 'c2p3', 'c2thread', 'c3p3'] },
  { name: 'finished, but left the club', progress: 21, left: true, sees: [] },
];

beforeAll(async () => {
  inbox = await startInbox();
  room = await makeNotifyRoom({ inbox });
  await room.setProgress('alice', 21);
  for (const comment of COMMENTS) {
    const place = comment.ordinal === null ? { chapter_id: room.chapters[comment.chapter - 1]!.id } : { paragraph_id: (await room.paragraphs(comment.chapter))[comment.ordinal - 1]!.id };
    const res = await room.alice.post(`/clubs/${room.clubId}/comments`, { ...place, body: `@${room.usernames.bob} SECRET-${comment.key}` });
    expect(res.status).toBe(303);
  }
  expect(await notificationsOf(room, room.ids.bob)).toHaveLength(COMMENTS.length);
});
afterAll(async () => {
  await room.notifications.service.stop();
  await room.testApp.close();
  await inbox.close();
});

async function setViewer(viewer: (typeof VIEWERS)[number]) {
  const { db } = room.testApp;
  await room.setProgress('bob', viewer.progress);
  await db.delete(spoilerReveals);
  await db.delete(scheduleEntries);
  if (viewer.reveal) await db.insert(spoilerReveals).values({ readingId: room.readingId, userId: room.ids.bob, chapterId: room.chapters[viewer.reveal - 1]!.id, createdAt: room.testApp.clock.now });
  if (viewer.scheduledShut) await db.insert(scheduleEntries).values({ readingId: room.readingId, chapterId: room.chapters[viewer.scheduledShut - 1]!.id, opensAt: room.testApp.clock.now + 86_400_000 });
  const [isMember] = await db.select().from(memberships).where(and(eq(memberships.clubId, room.clubId), eq(memberships.userId, room.ids.bob)));
  if (viewer.left && isMember) await db.delete(memberships).where(and(eq(memberships.clubId, room.clubId), eq(memberships.userId, room.ids.bob)));
  if (!viewer.left && !isMember) await db.insert(memberships).values({ clubId: room.clubId, userId: room.ids.bob, role: 'member', joinedAt: room.testApp.clock.now });
}

describe('a mention, as the mentioned reader sees it', () => {
  for (const viewer of VIEWERS) {
    it(`${viewer.name}: reads ${viewer.sees.length ? viewer.sees.join(', ') : 'none'}, and the rest only by chapter`, async () => {
      await setViewer(viewer);
      const text = await listText(room, room.bob);
      for (const comment of COMMENTS) {
        const secret = `SECRET-${comment.key}`;
        if (viewer.sees.includes(comment.key)) expect(text).toContain(secret);
        else expect(text).not.toContain(secret);
      }
      const aheadCount = (text.match(/\(ahead of you\)/g) ?? []).length;
      expect(aheadCount).toBe(viewer.left ? 0 : COMMENTS.length - viewer.sees.length);
    });
  }
});

describe('a mail says only what the list says', () => {
  it('an instant mail about a comment ahead of the reader carries its chapter, never its text', async () => {
    await setViewer(VIEWERS[2]!);
    await room.testApp.db.update(notifications).set({ mailStatus: 'instant' }).where(eq(notifications.recipientId, room.ids.bob));
    await room.bob.post('/notifications/preferences', { address: 'bob@example.org', inapp_0: '1', email_0: 'instant' });
    // A new mention in chapter 3 while Bob is at the end of chapter 1.
    const res = await room.alice.post(`/clubs/${room.clubId}/comments`, { paragraph_id: (await room.paragraphs(3))[4]!.id, body: `@${room.usernames.bob} SECRET-mail-text` });
    expect(res.status).toBe(303);
    await settled(room);
    await room.notifications.service.deliver();
    expect(inbox.mails).toHaveLength(1);
    const mail = inbox.mails[0]!;
    expect(mail.raw).not.toContain('SECRET');
    expect(mail.text).toContain('You were mentioned in Chapter 3. The third evening (ahead of you)');
    expect(mail.text).toContain(`http://localhost:3000/clubs/${room.clubId}/chapters/3#p-5`);
  });

  it('a comment a moderator hid is no longer quoted, even to a reader who has read past it: the notification says it is gone', async () => {
    await setViewer(VIEWERS[7]!);
    const [first] = await notificationsOf(room, room.ids.bob);
    const commentId = first!.facts.commentId as number;
    expect((await room.moderator.post(`/clubs/${room.clubId}/moderation/comments/${commentId}`, { decision: 'hide', reason: 'spoiler' })).status).toBe(303);
    const text = await listText(room, room.bob);
    expect(text).not.toContain('SECRET-c1p3');
    expect(text).toContain('A comment you were told about is no longer there.');
  });
});
