/**
 * Notification e-mail against a real SMTP server (`smtp-server` on a free port): one mail per
 * reply in the reader's language with the right links and RFC 8058 headers, one-click
 * unsubscribe without a session, a digest that gathers a day once, and a worker killed between
 * sending and marking that does not send twice.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { notificationMails, notificationPreferences, users } from '../../../db/schema';
import { createApp } from '../../../src/app';
import type { MailTransport, Notifications } from '../../../src/notifications';
import { anotherProcess, makeNotifyRoom, notificationsOf, postReply, postRoot, rawHeader, settled, startInbox, unsubscribeUrlOf, type Inbox, type NotifyRoom } from './world';

let inbox: Inbox;
let room: NotifyRoom;
beforeEach(async () => {
  inbox = await startInbox();
});
afterEach(async () => {
  // Not `stop()`: the exactly-once tests leave a round that never ends (a transport that "died").
  await room?.notifications.service.settled();
  await room?.testApp.close();
  await inbox.close();
});

const HOUR = 3600_000;

async function wantsMail(r: NotifyRoom, who: 'alice' | 'bob', email: 'instant' | 'daily' | 'weekly', address: string) {
  const res = await r[who].post('/notifications/preferences', { address, inapp_0: '1', email_0: email });
  expect(res.status).toBe(303);
}

/** The outbox, once the writes so far have made their mail rows. */
async function mailRows(r: NotifyRoom) {
  await settled(r);
  return r.testApp.db.select().from(notificationMails).orderBy(notificationMails.id);
}

describe('a reply by e-mail', () => {
  it('sends one mail in the recipient’s language, with the thread’s link, a stable Message-ID and one-click unsubscribe headers', async () => {
    room = await makeNotifyRoom({ inbox });
    for (const who of ['alice', 'bob'] as const) await room.setProgress(who, 21);
    await room.alice.post('/locale', { locale: 'ko', next: '/' });
    await wantsMail(room, 'alice', 'instant', 'alice@example.org');
    const root = await postRoot(room, 'alice', 1, 3, '등불이 깜박여요');
    const reply = await postReply(room, 'bob', root, '심장처럼요');
    expect(inbox.mails).toHaveLength(0); // nothing is sent until the worker's round

    const report = await room.notifications.service.deliver();
    expect(report?.sent).toBe(1);
    expect(inbox.mails).toHaveLength(1);
    const mail = inbox.mails[0]!;
    expect(mail.envelopeTo).toEqual(['alice@example.org']);
    expect(mail.subject).toBe(`마지널리아: ${room.usernames.bob}님이 Chapter 1. The first evening에서 내 댓글에 답글을 달았어요`);
    const threadUrl = `http://localhost:3000/clubs/${room.clubId}/paragraphs/${(await room.paragraphs(1))[2]!.id}/comments#c-${reply}`;
    expect(mail.text).toContain(threadUrl);
    expect(mail.text).toContain('심장처럼요');
    expect(mail.html).toContain(`href="${threadUrl}"`);
    expect(mail.html).toContain('lang="ko"');
    const row = (await mailRows(room))[0]!;
    expect(mail.messageId).toBe(row.messageId);
    expect(row.state).toBe('sent');
    const unsubscribeUrl = unsubscribeUrlOf(mail.raw).href;
    expect(unsubscribeUrl).toMatch(new RegExp(`^http://localhost:3000/notifications/unsubscribe\\?token=${room.ids.alice}\\.${room.clubId}\\.`));
    expect(rawHeader(mail.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');

    // Another round sends nothing more.
    expect((await room.notifications.service.deliver())?.sent).toBe(0);
    expect(inbox.mails).toHaveLength(1);
  });

  it('one-click unsubscribe works with a cross-site POST and no session; a forged token changes nothing', async () => {
    room = await makeNotifyRoom({ inbox });
    for (const who of ['alice', 'bob'] as const) await room.setProgress(who, 21);
    await wantsMail(room, 'alice', 'instant', 'alice@example.org');
    const root = await postRoot(room, 'alice', 1, 3, 'hello');
    await postReply(room, 'bob', root, 'first');
    await room.notifications.service.deliver();
    const url = unsubscribeUrlOf(inbox.mails[0]!.raw);

    const forged = url.search.replace(/\.[A-Za-z0-9_-]{43}$/, `.${'A'.repeat(43)}`);
    const refused = await room.testApp.app.request(`${url.pathname}${forged}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site', origin: 'https://mail.example.net' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(refused.status).toBe(404);
    const otherUser = await room.testApp.app.request(`${url.pathname}${url.search.replace(`token=${room.ids.alice}.`, `token=${room.ids.bob}.`)}`, { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' }, body: 'List-Unsubscribe=One-Click' });
    expect(otherUser.status).toBe(404);

    const done = await room.testApp.app.request(`${url.pathname}${url.search}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site', origin: 'https://mail.example.net' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(done.status).toBe(200);
    const club = (await room.testApp.db.select().from(notificationPreferences)).find((p) => p.userId === room.ids.alice && p.clubId === room.clubId);
    expect(club?.email).toBe('never');
    // The same-origin check still guards every other POST.
    expect((await room.testApp.app.request('/notifications/read-all', { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    // GET shows a confirmation form (a person clicking the link), and does not unsubscribe by itself.
    expect((await room.testApp.app.request(`${url.pathname}${url.search}`)).status).toBe(200);

    await postReply(room, 'bob', root, 'second');
    await room.notifications.service.deliver();
    expect(inbox.mails).toHaveLength(1);
    expect(await notificationsOf(room, room.ids.alice)).toHaveLength(2); // still in the app
  });

  it('says on the preferences page when e-mail is off, and makes no mail rows', async () => {
    room = await makeNotifyRoom();
    const page = await (await room.alice.get('/notifications/preferences')).text();
    expect(page).toContain('E-mail is not set up on this server');
    expect(page).not.toContain('name="address"');
    await room.alice.post('/notifications/preferences', { inapp_0: '1', email_0: 'instant' });
    await room.setProgress('alice', 21);
    await room.setProgress('bob', 21);
    const root = await postRoot(room, 'alice', 1, 3, 'hello');
    await postReply(room, 'bob', root, 'hi');
    expect(await mailRows(room)).toHaveLength(0);
  });

  it('refuses a bad address with 422 and keeps what was typed', async () => {
    room = await makeNotifyRoom({ inbox });
    const res = await room.alice.post('/notifications/preferences', { address: 'not-an-address', inapp_0: '1', email_0: 'daily' });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('value="not-an-address"');
    expect(html).toContain('Enter an e-mail address');
    expect((await room.alice.post('/notifications/preferences', { address: 'a@example.org', inapp_0: '1', email_0: 'hourly' })).status).toBe(422);
  });
});

describe('digests', () => {
  it('gather a day’s notifications once, at 8 in the morning of the reader’s time zone, in their language', async () => {
    room = await makeNotifyRoom({ inbox });
    const { clock } = room.testApp;
    for (const who of ['alice', 'bob'] as const) await room.setProgress(who, 21);
    await room.testApp.db.update(users).set({ timeZone: 'Asia/Seoul', locale: 'ko' }).where(eq(users.id, room.ids.alice));
    await wantsMail(room, 'alice', 'daily', 'alice@example.org');
    await room.notifications.service.tick(); // the jobs' first run: from now on
    // 09:00 UTC = 18:00 in Seoul: three replies in the evening.
    const root = await postRoot(room, 'alice', 1, 3, 'evening');
    for (const body of ['one', 'two', 'three']) {
      clock.advance(HOUR);
      await postReply(room, 'bob', root, body);
    }
    await room.notifications.service.tick();
    expect(inbox.mails).toHaveLength(0);
    // 23:05 UTC = 08:05 the next morning in Seoul.
    clock.now = Date.UTC(2026, 10, 1, 23, 5);
    const round = await room.notifications.service.tick();
    expect(round.jobs).toContain('digests');
    expect(inbox.mails).toHaveLength(1);
    const digest = inbox.mails[0]!;
    expect(digest.subject).toBe('마지널리아의 하루 소식');
    expect(digest.text).toContain('지난 요약 이후 알림 3개예요');
    for (const body of ['one', 'two', 'three']) expect(digest.text).toContain(body);
    expect(rawHeader(digest.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');

    // Later rounds the same day send nothing again.
    clock.advance(HOUR);
    await room.notifications.service.tick();
    clock.advance(5 * HOUR);
    await room.notifications.service.tick();
    expect(inbox.mails).toHaveLength(1);

    // A new reply waits for the next morning, and comes alone.
    await postReply(room, 'bob', root, 'four');
    clock.now = Date.UTC(2026, 10, 2, 23, 5);
    await room.notifications.service.tick();
    expect(inbox.mails).toHaveLength(2);
    expect(inbox.mails[1]!.text).toContain('알림 1개예요');
    expect(inbox.mails[1]!.text).toContain('four');
    expect(inbox.mails[1]!.text).not.toContain('three');
  });

  it('a server down at 8 sends the missed digest once when it is back, not once per missed day', async () => {
    room = await makeNotifyRoom({ inbox });
    const { clock } = room.testApp;
    for (const who of ['alice', 'bob'] as const) await room.setProgress(who, 21);
    await wantsMail(room, 'alice', 'daily', 'alice@example.org');
    await room.notifications.service.tick();
    const root = await postRoot(room, 'alice', 1, 3, 'before the outage');
    await postReply(room, 'bob', root, 'missed');
    clock.advance(4 * 24 * HOUR);
    await room.notifications.service.tick();
    await room.notifications.service.tick();
    expect(inbox.mails).toHaveLength(1);
    expect((await mailRows(room)).filter((m) => m.kind === 'daily')).toHaveLength(1);
  });
});

describe('exactly once', () => {
  /** A transport that really sends, then never returns: the worker is dead between send and mark. */
  function dyingAfterSend(port: number): MailTransport & { sent: number } {
    const transport = {
      sent: 0,
      async send(mail: Parameters<MailTransport['send']>[0]) {
        const { smtpTransportFor } = await import('./smtp');
        await smtpTransportFor(port).send(mail);
        transport.sent++;
        await new Promise(() => {}); // the process "dies" here: nothing after this runs
      },
    };
    return transport;
  }

  it('a worker killed after the server accepted the mail and before marking it: the next worker does not send it again', async () => {
    const dying = dyingAfterSend(inbox.port);
    room = await makeNotifyRoom({ inbox, notifications: { transport: dying } });
    const first = room.notifications;
    for (const who of ['alice', 'bob'] as const) await room.setProgress(who, 21);
    await wantsMail(room, 'alice', 'instant', 'alice@example.org');
    const root = await postRoot(room, 'alice', 1, 3, 'hello');
    await postReply(room, 'bob', root, 'sent once');
    void first.service.deliver();
    await expect.poll(() => inbox.mails.length, { timeout: 10_000 }).toBe(1);
    expect((await mailRows(room))[0]!.state).toBe('sending');

    // A new process on the same database, after the first one's lease ran out.
    room.testApp.clock.advance(10 * 60_000);
    const other = await anotherProcess(room);
    let second: Notifications | undefined;
    createApp({ db: other.db, config: room.testApp.config, clock: () => room.testApp.clock.now, notifications: { timers: false }, onNotifications: (n) => (second = n) });
    const report = await second!.service.deliver();
    await second!.service.stop();
    await other.close();
    expect(report).toMatchObject({ sent: 0, unconfirmed: 1 });
    expect(inbox.mails).toHaveLength(1);
    expect((await mailRows(room))[0]!.state).toBe('unconfirmed');
  });

  it('a worker killed after claiming, before anything reached the server: the next worker sends it, once', async () => {
    const never: MailTransport = { send: () => new Promise(() => {}) };
    room = await makeNotifyRoom({ inbox, notifications: { transport: never } });
    for (const who of ['alice', 'bob'] as const) await room.setProgress(who, 21);
    await wantsMail(room, 'alice', 'instant', 'alice@example.org');
    const root = await postRoot(room, 'alice', 1, 3, 'hello');
    await postReply(room, 'bob', root, 'to be sent');
    // The row as a worker leaves it when it dies after claiming and before 'sending' is
    // committed (while rendering): nothing has reached the server yet.
    await room.testApp.db.update(notificationMails).set({ state: 'claimed', claimToken: 'dead', leaseUntil: room.testApp.clock.now + 60_000 });
    room.testApp.clock.advance(2 * 60_000);
    const other = await anotherProcess(room);
    let second: Notifications | undefined;
    createApp({ db: other.db, config: room.testApp.config, clock: () => room.testApp.clock.now, notifications: { timers: false }, onNotifications: (n) => (second = n) });
    const report = await second!.service.deliver();
    await second!.service.deliver();
    await second!.service.stop();
    await other.close();
    expect(report).toMatchObject({ sent: 1, recovered: 1 });
    expect(inbox.mails).toHaveLength(1);
    expect((await mailRows(room))[0]!.state).toBe('sent');
  });

  it('a server that refuses is tried again with backoff, and two workers never send one row twice', async () => {
    room = await makeNotifyRoom({ inbox });
    for (const who of ['alice', 'bob'] as const) await room.setProgress(who, 21);
    await wantsMail(room, 'alice', 'instant', 'alice@example.org');
    const root = await postRoot(room, 'alice', 1, 3, 'hello');
    await inbox.close();
    await postReply(room, 'bob', root, 'retry me');
    const failed = await room.notifications.service.deliver();
    expect(failed?.retried).toBe(1);
    const row = (await mailRows(room))[0]!;
    expect(row.state).toBe('pending');
    expect(row.nextAttemptAt).toBe(room.testApp.clock.now + 60_000);
    inbox = await startInbox();
    // The config still points at the old port: a worker with a transport to the new one.
    room.testApp.clock.advance(61_000);
    const other = await anotherProcess(room);
    const { smtpTransportFor } = await import('./smtp');
    const workers: Notifications[] = [];
    for (let i = 0; i < 2; i++) {
      createApp({ db: other.db, config: room.testApp.config, clock: () => room.testApp.clock.now, notifications: { timers: false, transport: smtpTransportFor(inbox.port) }, onNotifications: (n) => workers.push(n) });
    }
    const reports = await Promise.all(workers.map((w) => w.service.deliver()));
    await other.close();
    expect(reports.reduce((sum, r) => sum + (r?.sent ?? 0), 0)).toBe(1);
    expect(inbox.mails).toHaveLength(1);
  });
});
