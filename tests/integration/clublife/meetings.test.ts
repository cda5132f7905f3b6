/**
 * Meetings through HTTP: a fixed meeting with RSVP counts, a date poll decided by the winner
 * rule, the meeting's ICS and the member's private feed (parsed back with ical.js), the feed's
 * token stored hashed and revocable, and the `meeting.scheduled` event for reminders.
 */
import ICAL from 'ical.js';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { calendarFeeds, meetings } from '../../../db/schema';
import { InProcessEventBus, type DomainEvent } from '../../../src/events';
import { DAY, makeRoom, setTimeZone, textOf, type PollRoom } from './room';

let room: PollRoom;
beforeEach(async () => {
  room = await makeRoom();
});
afterEach(() => room.app.close());

/** `2026-11-05T19:00` style wall time in the reader's zone (the test users have none: the server's zone is UTC here). */
const wall = (ms: number) => new Date(ms).toISOString().slice(0, 16);

function vevents(text: string) {
  const component = new ICAL.Component(ICAL.parse(text));
  for (const zone of component.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  return component.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
}

describe('meetings', () => {
  it('a fixed meeting: members RSVP, counts and names show, and the ICS has the meeting', async () => {
    const startsAt = Date.UTC(2026, 10, 20, 10, 0);
    const res = await room.moderator.post(`/clubs/${room.clubId}/meetings`, { title: 'Chapter one night', place: 'Café Lumen', callLink: 'https://meet.example.org/abc', when: 'fixed', startsAt: wall(startsAt), durationMinutes: '90' });
    expect(res.status).toBe(303);
    const path = res.headers.get('location')!.split('?')[0]!;
    await room.members[0].post(`${path}/rsvp`, { answer: 'going' });
    await room.members[1].post(`${path}/rsvp`, { answer: 'going' });
    await room.members[2].post(`${path}/rsvp`, { answer: 'maybe' });
    await room.members[2].post(`${path}/rsvp`, { answer: 'not_going' });
    expect((await room.members[0].post(`${path}/rsvp`, { answer: 'perhaps' })).status).toBe(422);
    expect((await room.outsider.post(`${path}/rsvp`, { answer: 'going' })).status).toBe(404);
    const page = await textOf(room.members[0], path);
    expect(page).toContain('Going 2 · maybe 0 · not going 1');
    expect(page).toContain('Minji 민지');

    const ics = await room.members[0].get(`${path}/meeting.ics`);
    expect(ics.headers.get('content-type')).toContain('text/calendar');
    const [event] = vevents(await ics.text());
    expect(event!.summary).toBe('Chapter one night (Lantern Club)');
    expect(event!.location).toContain('Café Lumen');
    expect(event!.startDate.toJSDate().getTime()).toBe(startsAt);
    expect(event!.endDate.toJSDate().getTime()).toBe(startsAt + 90 * 60_000);
  });

  it('refuses a meeting without place or link, a javascript: link and a past time, keeping the input', async () => {
    const base = `/clubs/${room.clubId}/meetings`;
    const future = wall(room.app.clock.now + DAY);
    const noPlace = await room.moderator.post(base, { title: 'Somewhere', when: 'fixed', startsAt: future });
    expect(noPlace.status).toBe(422);
    expect(await noPlace.text()).toContain('Give a place or a call link.');
    const js = await room.moderator.post(base, { title: 'Evil', callLink: 'javascript:alert(1)', when: 'fixed', startsAt: future });
    expect(js.status).toBe(422);
    const past = await room.moderator.post(base, { title: 'Yesterday', place: 'Here', when: 'fixed', startsAt: wall(room.app.clock.now - DAY) });
    expect(past.status).toBe(422);
    expect(await past.text()).toContain('value="Yesterday"');
    expect((await room.members[0].post(base, { title: 'Mine', place: 'Here', when: 'fixed', startsAt: future })).status).toBe(403);
    expect(await room.app.db.select().from(meetings)).toHaveLength(0);
  });

  it('a date poll: members mark times, the rule names the best (ties shown), the moderator fixes it and an event says so', async () => {
    await room.app.close();
    const seen: DomainEvent[] = [];
    const events = new InProcessEventBus();
    events.subscribe(
      'meeting.scheduled',
      (event) => {
        seen.push(event);
      },
      'once',
    );
    room = await makeRoom({ events });
    const t1 = room.app.clock.now + 2 * DAY;
    const t2 = t1 + DAY;
    const t3 = t2 + DAY;
    const res = await room.moderator.post(`/clubs/${room.clubId}/meetings`, { title: 'When shall we meet?', place: 'Library', when: 'poll', slot_1: wall(t1), slot_2: wall(t2), slot_3: wall(t3) });
    expect(res.status).toBe(303);
    const path = res.headers.get('location')!.split('?')[0]!;
    const meeting = (await room.app.db.select().from(meetings))[0]!;
    expect(meeting.startsAt).toBeNull();
    const page = await textOf(room.members[0], path);
    const slotIds = [...page.matchAll(/name="slot_(\d+)" value="yes"/g)].map((m) => m[1]!);
    expect(slotIds).toHaveLength(3);
    const [s1, s2, s3] = slotIds;
    // RSVP waits for a time.
    expect((await room.members[0].post(`${path}/rsvp`, { answer: 'going' })).status).toBe(403);
    await room.members[0].post(`${path}/marks`, { [`slot_${s1}`]: 'yes', [`slot_${s2}`]: 'yes', [`slot_${s3}`]: 'no' });
    await room.members[1].post(`${path}/marks`, { [`slot_${s1}`]: 'yes', [`slot_${s2}`]: 'yes', [`slot_${s3}`]: 'yes' });
    expect(await textOf(room.members[0], path)).toContain('These times are tied');
    await room.members[2].post(`${path}/marks`, { [`slot_${s1}`]: 'no', [`slot_${s2}`]: 'maybe' });
    const after = await textOf(room.members[0], path);
    expect(after).not.toContain('These times are tied');
    expect(after).toMatch(/slot slot-best[\s\S]*?Yes 2 · if need be 1 · no 0/);
    expect((await room.members[0].post(`${path}/marks`, { [`slot_${s1}`]: 'sure' })).status).toBe(422);

    // Not a member's decision; another meeting's slot is not this one's.
    expect((await room.members[0].post(`${path}/decide`, { slotId: s2! })).status).toBe(403);
    expect((await room.moderator.post(`${path}/decide`, { slotId: '999999' })).status).toBe(404);
    expect((await room.moderator.post(`${path}/decide`, { slotId: s2! })).status).toBe(303);
    expect((await room.app.db.select().from(meetings))[0]!.startsAt).toBe(t2);
    expect((await room.members[0].post(`${path}/marks`, { [`slot_${s1}`]: 'yes' })).status).toBe(403);
    expect((await room.members[0].post(`${path}/rsvp`, { answer: 'going' })).status).toBe(303);
    expect(seen).toEqual([{ type: 'meeting.scheduled', actorId: room.ids.moderator, clubId: room.clubId, meetingId: meeting.id, startsAt: t2, rescheduled: false }]);
  });
});

describe('the private calendar feed', () => {
  it('is made, shown once, stored hashed, lists meetings of the member’s clubs in their zone, and is revoked', async () => {
    const userId = room.ids.member1;
    await setTimeZone(room.app, userId, 'Asia/Seoul');
    const startsAt = Date.UTC(2026, 10, 20, 10, 0); // 19:00 in Seoul
    await room.moderator.post(`/clubs/${room.clubId}/meetings`, { title: 'Seoul evening', place: 'Café', when: 'fixed', startsAt: wall(startsAt) });
    const made = await room.members[0].post(`/clubs/${room.clubId}/meetings/feed`, {});
    expect(made.status).toBe(200);
    const html = await made.text();
    const link = html.match(/webcal:\/\/[^"]+\/calendar\/([a-z2-7]{32})\.ics/);
    expect(link).not.toBeNull();
    const token = link![1]!;
    const stored = (await room.app.db.select().from(calendarFeeds).where(eq(calendarFeeds.userId, userId)))[0]!;
    expect(stored.tokenHash).not.toContain(token);
    expect(stored.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    // The token is not shown again.
    expect(await textOf(room.members[0], `/clubs/${room.clubId}/meetings`)).not.toContain(token);

    const feed = await room.anonymous.get(`/calendar/${token}.ics`);
    expect(feed.status).toBe(200);
    const text = await feed.text();
    expect(text).toContain('DTSTART;TZID=Asia/Seoul:20261120T190000');
    const [event] = vevents(text);
    expect(event!.startDate.toJSDate().getTime()).toBe(startsAt);
    expect(event!.startDate.zone?.tzid).toBe('Asia/Seoul');

    // A made-up token, and the old one after a new link or revoking: 404.
    expect((await room.anonymous.get(`/calendar/${'a'.repeat(32)}.ics`)).status).toBe(404);
    const again = await (await room.members[0].post(`/clubs/${room.clubId}/meetings/feed`, {})).text();
    const token2 = again.match(/\/calendar\/([a-z2-7]{32})\.ics/)![1]!;
    expect(token2).not.toBe(token);
    expect((await room.anonymous.get(`/calendar/${token}.ics`)).status).toBe(404);
    expect((await room.members[0].post(`/clubs/${room.clubId}/meetings/feed/revoke`, {})).status).toBe(303);
    expect((await room.anonymous.get(`/calendar/${token2}.ics`)).status).toBe(404);
  });

  it('in Europe/Berlin across the start of summer time: 18:00 local on both sides, the right instants', async () => {
    await setTimeZone(room.app, room.ids.member2, 'Europe/Berlin');
    const before = Date.UTC(2027, 2, 27, 17, 0); // Saturday 18:00 CET (UTC+1)
    const after = Date.UTC(2027, 2, 29, 16, 0); // Monday 18:00 CEST (UTC+2)
    for (const at of [before, after]) await room.moderator.post(`/clubs/${room.clubId}/meetings`, { title: `Berlin ${at}`, place: 'Café', when: 'fixed', startsAt: wall(at) });
    const html = await (await room.members[1].post(`/clubs/${room.clubId}/meetings/feed`, {})).text();
    const token = html.match(/\/calendar\/([a-z2-7]{32})\.ics/)![1]!;
    const text = await (await room.anonymous.get(`/calendar/${token}.ics`)).text();
    expect(text).toContain('DTSTART;TZID=Europe/Berlin:20270327T180000');
    expect(text).toContain('DTSTART;TZID=Europe/Berlin:20270329T180000');
    const events = vevents(text);
    expect(events.map((e) => e.startDate.toJSDate().getTime())).toEqual([before, after]);
    expect(events.map((e) => e.startDate.hour)).toEqual([18, 18]);
  });

  it('an outsider’s feed does not carry the club’s meetings', async () => {
    await room.moderator.post(`/clubs/${room.clubId}/meetings`, { title: 'Members only', place: 'Café', when: 'fixed', startsAt: wall(room.app.clock.now + DAY) });
    expect((await room.outsider.post(`/clubs/${room.clubId}/meetings/feed`, {})).status).toBe(404);
  });
});
