/**
 * The mail thread (src/notifications/mail-thread.ts): the server sends mail and builds digests
 * in a worker thread with its own database connection. The same outbox, the same rendering at
 * send time, so the same guarantees: a reply's mail is sent once in the reader's language, a
 * digest gathers the day once, and a second round sends nothing more.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notificationMails } from '../../../db/schema';
import { makeNotifyRoom, postReply, postRoot, startInbox, type Inbox, type NotifyRoom } from './world';

let inbox: Inbox;
let room: NotifyRoom | undefined;
beforeEach(async () => {
  inbox = await startInbox();
});
afterEach(async () => {
  await room?.notifications.service.stop();
  await room?.testApp.close();
  room = undefined;
  await inbox.close();
});

describe('the mail thread', () => {
  it('sends a reply’s mail once and a day’s digest once, from its own thread and connection', async () => {
    room = await makeNotifyRoom({ inbox, notifications: { mailThread: true } });
    const service = room.notifications.service;
    expect(service.thread).not.toBeNull();
    expect(service.worker).toBeNull(); // nothing is sent from the app's own thread
    for (const who of ['alice', 'bob'] as const) await room.setProgress(who, 21);
    await room.alice.post('/locale', { locale: 'ko', next: '/' });
    for (const [who, email] of [['alice', 'instant'], ['bob', 'daily']] as const) {
      expect((await room[who].post('/notifications/preferences', { address: `${who}@example.org`, inapp_0: '1', email_0: email })).status).toBe(303);
    }
    const root = await postRoot(room, 'alice', 1, 3, '등불이 깜박여요');
    const bobs = await postReply(room, 'bob', root, '심장처럼요');
    await postReply(room, 'alice', bobs, 'a reply for bob’s digest');

    expect((await service.deliver())?.sent).toBe(1);
    expect(inbox.mails.map((m) => m.envelopeTo)).toEqual([['alice@example.org']]);
    expect(inbox.mails[0]!.text).toContain('심장처럼요');

    // The digests job, built in the thread at the job's moment (the next morning in the reader's zone).
    await service.tick(); // the jobs' first run: from now on
    room.testApp.clock.now = Date.UTC(2026, 10, 2, 9, 5); // past the next 08:00 in any zone the reader may be in
    const round = await service.tick();
    expect(round.jobs).toContain('digests');
    expect(round.delivery?.sent).toBe(1);
    expect(inbox.mails.map((m) => m.envelopeTo)).toEqual([['alice@example.org'], ['bob@example.org']]);
    expect(inbox.mails[1]!.text).toContain('a reply for bob’s digest');

    expect((await service.deliver())?.sent).toBe(0);
    expect(inbox.mails).toHaveLength(2);
    const states = await room.testApp.db.select({ state: notificationMails.state }).from(notificationMails).orderBy(notificationMails.id);
    expect(states.map((s) => s.state)).toEqual(['sent', 'sent']);
  });
});
