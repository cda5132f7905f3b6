/**
 * Changing a meeting through HTTP: a moderator edits its details and its time (422 with the
 * form kept and nothing written on bad input; SEQUENCE bumped; a new time is
 * `meeting.scheduled` with `rescheduled: true`), cancels it with a reason (RSVP and marks
 * closed, out of "upcoming", STATUS:CANCELLED in the ICS and the feed read back with ical.js,
 * no reminder) and restores it. Members who said going or maybe are told (`meeting_changed`);
 * a member may do none of it (403), and another club's meeting is 404 like a missing one.
 */
import ICAL from 'ical.js';
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { meetings, meetingSlots, notifications } from '../../../db/schema';
import { InProcessEventBus, type DomainEvent } from '../../../src/events';
import type { Notifications } from '../../../src/notifications';
import { DAY, makeRoom, roomIn, setTimeZone, textOf, type PollRoom } from './room';

let room: PollRoom;
afterEach(() => room.app.close());

const HOUR = 3_600_000;
/** `2026-11-05T19:00` style wall time (the test users have no zone: the server's, UTC here). */
const wall = (ms: number) => new Date(ms).toISOString().slice(0, 16);

function vevents(text: string) {
  const component = new ICAL.Component(ICAL.parse(text));
  for (const zone of component.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  return component.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
}

/** A room listening to club-life events, with the notifications service at hand. */
async function watchedRoom() {
  const seen: DomainEvent[] = [];
  const events = new InProcessEventBus();
  events.subscribe(
    '*',
    (event) => {
      if (event.type.startsWith('meeting.')) seen.push(event);
    },
    'every-process',
  );
  let service: Notifications | null = null;
  room = await makeRoom({ events, appOptions: { notifications: { transport: null, timers: false }, onNotifications: (n) => (service = n) } });
  return { seen, notifications: () => service! };
}

async function propose(fields: Record<string, string>): Promise<{ id: number; path: string }> {
  const res = await room.moderator.post(`/clubs/${room.clubId}/meetings`, { place: 'Café Lumen', when: 'fixed', durationMinutes: '90', ...fields });
  expect(res.status).toBe(303);
  const path = res.headers.get('location')!.split('?')[0]!;
  return { id: Number(/meetings\/(\d+)/.exec(path)![1]), path };
}

const meetingRow = async (id: number) => (await room.app.db.select().from(meetings).where(eq(meetings.id, id)))[0]!;
const changedFor = (userId: number) =>
  room.app.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.recipientId, userId), eq(notifications.kind, 'meeting_changed')))
    .orderBy(notifications.id);

/** The edit form's fields for a meeting, as the page fills them, with `overrides`. */
async function editFields(path: string, overrides: Record<string, string> = {}): Promise<Record<string, string>> {
  const html = await textOf(room.moderator, `${path}/edit`);
  const form = /<form[^>]*id="edit-meeting"[\s\S]*?<\/form>/.exec(html)![0];
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) fields[m[1]!] = m[2]!.replace(/&amp;/g, '&');
  const selected = /<option value="(\d*)" selected/.exec(form);
  fields.chapterId = selected ? selected[1]! : '';
  return { ...fields, ...overrides };
}

describe('editing a meeting', () => {
  it('refuses bad input with 422, the form and input kept, the errors translated, and writes nothing', async () => {
    await watchedRoom();
    const startsAt = room.app.clock.now + 3 * DAY;
    const { id, path } = await propose({ title: 'Chapter one night', startsAt: wall(startsAt), callLink: 'https://meet.example.org/abc' });
    const before = await meetingRow(id);
    const bad = await room.moderator.post(`${path}/edit`, await editFields(path, { title: 'Renamed night', callLink: 'javascript:alert(1)', startsAt: wall(room.app.clock.now - DAY), durationMinutes: '5' }));
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain('value="Renamed night"');
    expect(html).toContain('value="javascript:alert(1)"');
    expect(html).toContain('A link must start with http:// or https://.');
    expect(html).toContain('This time has already passed.');
    expect(html).toContain('Between 15 and 600 minutes.');
    const noPlace = await room.moderator.post(`${path}/edit`, await editFields(path, { place: '', callLink: '' }));
    expect(noPlace.status).toBe(422);
    expect(await noPlace.text()).toContain('Give a place or a call link.');
    // In Korean for a Korean reader.
    room.moderator.acceptLanguage = 'ko';
    const ko = await room.moderator.post(`${path}/edit`, await editFields(path, { title: '' }));
    expect(ko.status).toBe(422);
    expect(await ko.text()).toContain('제목이 필요해요.');
    room.moderator.acceptLanguage = undefined;
    expect(await meetingRow(id)).toEqual(before);
  });

  it('changes the details and the time: SEQUENCE goes up, the ICS follows, `meeting.scheduled` says rescheduled, going and maybe are told', async () => {
    const { seen } = await watchedRoom();
    const startsAt = room.app.clock.now + 3 * DAY;
    const { id, path } = await propose({ title: 'Chapter one night', startsAt: wall(startsAt) });
    await room.members[0].post(`${path}/rsvp`, { answer: 'going' });
    await room.members[1].post(`${path}/rsvp`, { answer: 'maybe' });
    await room.members[2].post(`${path}/rsvp`, { answer: 'not_going' });
    await room.moderator.post(`${path}/rsvp`, { answer: 'going' });
    const icsBefore = vevents(await (await room.members[0].get(`${path}/meeting.ics`)).text())[0]!;
    seen.length = 0;

    const moved = startsAt + DAY + 30 * 60_000;
    const res = await room.moderator.post(`${path}/edit`, await editFields(path, { title: 'Chapter one, at last', place: 'Library, room 2', startsAt: wall(moved), durationMinutes: '120', chapterId: String(room.chapters[0]!.id) }));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${path}?done=edited`);
    const row = await meetingRow(id);
    expect(row).toMatchObject({ title: 'Chapter one, at last', place: 'Library, room 2', startsAt: moved, durationMinutes: 120, chapterId: room.chapters[0]!.id, readingId: room.readingId });
    expect(row.sequence).toBeGreaterThan(icsBefore.sequence);
    expect(seen).toEqual([
      { type: 'meeting.edited', actorId: room.ids.moderator, clubId: room.clubId, meetingId: id, sequence: row.sequence },
      { type: 'meeting.scheduled', actorId: room.ids.moderator, clubId: room.clubId, meetingId: id, startsAt: moved, rescheduled: true },
    ]);
    expect(await textOf(room.moderator, `${path}?done=edited`)).toContain('The meeting is updated.');
    const page = await textOf(room.members[0], path);
    expect(page).toContain('Library, room 2');
    expect(page).toContain('id="agenda"');

    const ics = vevents(await (await room.members[0].get(`${path}/meeting.ics`)).text())[0]!;
    expect(ics.sequence).toBeGreaterThan(icsBefore.sequence);
    expect(ics.startDate.toJSDate().getTime()).toBe(moved);
    expect(ics.endDate.toJSDate().getTime()).toBe(moved + 120 * 60_000);
    expect(ics.summary).toBe('Chapter one, at last (Lantern Club)');

    // Told: going and maybe; not the member not going, not the moderator who moved it.
    expect(await Promise.all([room.ids.member1, room.ids.member2, room.ids.member3, room.ids.moderator].map(async (u) => (await changedFor(u)).length))).toEqual([1, 1, 0, 0]);
    expect((await changedFor(room.ids.member1))[0]!.facts).toEqual({ meetingId: id, change: 'time', startsAt: moved });
    const list = await textOf(room.members[0], '/notifications');
    expect(list).toContain('Lantern Club: “Chapter one, at last” moved to');
    room.members[1].acceptLanguage = 'ko';
    expect(await textOf(room.members[1], '/notifications')).toContain('“Chapter one, at last” 모임 시간이 바뀌었어요 (새 시간:');
  });

  it('a change of details only: SEQUENCE up, no `meeting.scheduled`, nobody told; sending the form unchanged writes nothing', async () => {
    const { seen } = await watchedRoom();
    const { id, path } = await propose({ title: 'Typo nihgt', startsAt: wall(room.app.clock.now + 2 * DAY) });
    await room.members[0].post(`${path}/rsvp`, { answer: 'going' });
    const before = await meetingRow(id);
    seen.length = 0;
    const unchanged = await room.moderator.post(`${path}/edit`, await editFields(path));
    expect(unchanged.headers.get('location')).toBe(`${path}?done=unchanged`);
    expect(await meetingRow(id)).toEqual(before);
    expect((await room.moderator.post(`${path}/edit`, await editFields(path, { title: 'Typo night' }))).status).toBe(303);
    expect(await meetingRow(id)).toMatchObject({ title: 'Typo night', startsAt: before.startsAt, sequence: before.sequence + 1 });
    expect(seen.map((e) => e.type)).toEqual(['meeting.edited']);
    expect(await changedFor(room.ids.member1)).toHaveLength(0);
  });

  it('the edit form shows the time in the moderator’s own zone', async () => {
    await watchedRoom();
    await setTimeZone(room.app, room.ids.moderator, 'Asia/Seoul');
    const { path } = await propose({ title: 'Seoul evening', startsAt: '2026-11-20T19:00' });
    expect((await meetingRow(Number(/(\d+)$/.exec(path)![1]))).startsAt).toBe(Date.UTC(2026, 10, 20, 10, 0));
    expect(await textOf(room.moderator, `${path}/edit`)).toContain('name="startsAt" type="datetime-local" required="" value="2026-11-20T19:00"');
  });

  it('a meeting still choosing its time: details change, the candidate times stay, the time stays undecided', async () => {
    await watchedRoom();
    const t1 = room.app.clock.now + 2 * DAY;
    const { id, path } = await propose({ title: 'When?', when: 'poll', slot_1: wall(t1), slot_2: wall(t1 + DAY) });
    const form = await editFields(path, { title: 'When shall we meet?', startsAt: wall(t1 + 5 * DAY) });
    expect(await textOf(room.moderator, `${path}/edit`)).toContain('Members are still choosing among the candidate times');
    expect((await room.moderator.post(`${path}/edit`, form)).status).toBe(303);
    expect(await meetingRow(id)).toMatchObject({ title: 'When shall we meet?', startsAt: null });
    expect((await room.app.db.select().from(meetingSlots).where(eq(meetingSlots.meetingId, id))).map((s) => s.startsAt)).toEqual([t1, t1 + DAY]);
  });
});

describe('cancelling a meeting', () => {
  it('keeps it visible and marked, closes RSVP, leaves "upcoming", and the ICS and feed say STATUS:CANCELLED with a higher SEQUENCE', async () => {
    const { seen } = await watchedRoom();
    const startsAt = room.app.clock.now + 3 * DAY;
    const { id, path } = await propose({ title: 'Chapter one night', startsAt: wall(startsAt) });
    await room.members[0].post(`${path}/rsvp`, { answer: 'going' });
    await room.members[2].post(`${path}/rsvp`, { answer: 'not_going' });
    const feedHtml = await (await room.members[0].post(`/clubs/${room.clubId}/meetings/feed`, {})).text();
    const token = /\/calendar\/([a-z2-7]{32})\.ics/.exec(feedHtml)![1]!;
    const sequenceBefore = vevents(await (await room.anonymous.get(`/calendar/${token}.ics`)).text())[0]!.sequence;
    expect(await textOf(room.members[0], `/clubs/${room.clubId}`)).toContain('Next meeting: Chapter one night');

    // A reason over 500 characters: 422, the reason kept, nothing written.
    const long = 'x'.repeat(501);
    const refused = await room.moderator.post(`${path}/cancel`, { reason: long });
    expect(refused.status).toBe(422);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toContain(`>${long}</textarea>`);
    expect(refusedHtml).toContain('This is too long.');
    expect((await meetingRow(id)).cancelledAt).toBeNull();

    seen.length = 0;
    const res = await room.moderator.post(`${path}/cancel`, { reason: 'The café is closed for repairs.' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${path}?done=cancelled`);
    expect(seen).toEqual([{ type: 'meeting.cancelled', actorId: room.ids.moderator, clubId: room.clubId, meetingId: id, startsAt }]);
    const row = await meetingRow(id);
    expect(row.cancelledAt).toBe(room.app.clock.now);
    expect(row.cancelReason).toBe('The café is closed for repairs.');

    const page = await textOf(room.members[1], path);
    expect(page).toContain('This meeting was cancelled');
    expect(page).toContain('Reason: The café is closed for repairs.');
    expect(page).not.toContain(`action="${path}/rsvp"`);
    expect(page).not.toContain(`${path}/edit`);
    expect((await room.members[1].post(`${path}/rsvp`, { answer: 'going' })).status).toBe(403);
    expect((await room.moderator.get(`${path}/edit`)).status).toBe(403);
    expect((await room.moderator.post(`${path}/edit`, { title: 'x', place: 'y', startsAt: wall(startsAt) })).status).toBe(403);
    expect((await room.moderator.post(`${path}/cancel`, {})).status).toBe(403);

    const list = await textOf(room.members[0], `/clubs/${room.clubId}/meetings`);
    expect(list).not.toContain('<h3>Upcoming</h3>');
    expect(list).toMatch(/<h3>Cancelled<\/h3>[\s\S]*Chapter one night[\s\S]*badge-cancelled/);
    expect(await textOf(room.members[0], `/clubs/${room.clubId}`)).not.toContain('Next meeting: Chapter one night');

    const [ics] = vevents(await (await room.members[0].get(`${path}/meeting.ics`)).text());
    expect(ics!.component.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(ics!.sequence).toBeGreaterThan(sequenceBefore);
    expect(ics!.summary).toBe('Cancelled: Chapter one night (Lantern Club)');
    const [fed] = vevents(await (await room.anonymous.get(`/calendar/${token}.ics`)).text());
    expect(fed!.uid).toBe(ics!.uid);
    expect(fed!.component.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(fed!.sequence).toBeGreaterThan(sequenceBefore);

    // Told: the member going; not the one not going.
    expect((await changedFor(room.ids.member1)).map((n) => n.facts)).toEqual([{ meetingId: id, change: 'cancelled', startsAt }]);
    expect(await changedFor(room.ids.member3)).toHaveLength(0);
    const told = await textOf(room.members[0], '/notifications');
    expect(told).toContain('Lantern Club: “Chapter one night” is cancelled');
    expect(told).toContain('The café is closed for repairs.');
    room.members[0].acceptLanguage = 'ko';
    expect(await textOf(room.members[0], '/notifications')).toContain('“Chapter one night” 모임이 취소됐어요');
  });

  it('closes the candidate times of a meeting still choosing', async () => {
    await watchedRoom();
    const t1 = room.app.clock.now + 2 * DAY;
    const { path } = await propose({ title: 'When?', when: 'poll', slot_1: wall(t1), slot_2: wall(t1 + DAY) });
    const slot = /name="slot_(\d+)" value="yes"/.exec(await textOf(room.members[0], path))![1]!;
    expect((await room.moderator.post(`${path}/cancel`, {})).status).toBe(303);
    const page = await textOf(room.members[0], path);
    expect(page).not.toContain(`name="slot_${slot}"`);
    expect(page).not.toContain(`${path}/decide`);
    expect((await room.members[0].post(`${path}/marks`, { [`slot_${slot}`]: 'yes' })).status).toBe(403);
    expect((await room.moderator.post(`${path}/decide`, { slotId: slot })).status).toBe(403);
  });

  it('is not reminded of; a meeting that is still on is', async () => {
    const { notifications: service } = await watchedRoom();
    await service().service.tick();
    const { id: off, path } = await propose({ title: 'Called off', startsAt: wall(room.app.clock.now + 30 * HOUR) });
    const { id: on } = await propose({ title: 'Still on', startsAt: wall(room.app.clock.now + 30 * HOUR) });
    expect((await room.moderator.post(`${path}/cancel`, { reason: '' })).status).toBe(303);
    room.app.clock.advance(7 * HOUR);
    await service().service.tick();
    const reminded = async (meetingId: number) => (await room.app.db.select().from(notifications).where(eq(notifications.kind, 'meeting_soon'))).filter((n) => n.facts.meetingId === meetingId).length;
    expect(await reminded(on)).toBeGreaterThan(0);
    expect(await reminded(off)).toBe(0);
  });

  it('is restored by a moderator before it starts: RSVP opens again, STATUS:CONFIRMED, SEQUENCE up again, going and maybe told', async () => {
    const { seen } = await watchedRoom();
    const startsAt = room.app.clock.now + 3 * DAY;
    const { id, path } = await propose({ title: 'On again', startsAt: wall(startsAt) });
    await room.members[0].post(`${path}/rsvp`, { answer: 'maybe' });
    await room.moderator.post(`${path}/cancel`, { reason: 'Rain' });
    const cancelledSequence = (await meetingRow(id)).sequence;
    expect((await room.members[0].post(`${path}/restore`, {})).status).toBe(403);
    seen.length = 0;
    const res = await room.moderator.post(`${path}/restore`, {});
    expect(res.headers.get('location')).toBe(`${path}?done=restored`);
    expect(seen).toEqual([{ type: 'meeting.restored', actorId: room.ids.moderator, clubId: room.clubId, meetingId: id, startsAt }]);
    expect(await meetingRow(id)).toMatchObject({ cancelledAt: null, cancelReason: null, sequence: cancelledSequence + 1 });
    const [ics] = vevents(await (await room.members[0].get(`${path}/meeting.ics`)).text());
    expect(ics!.component.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(ics!.sequence).toBe(cancelledSequence + 1);
    expect((await room.members[1].post(`${path}/rsvp`, { answer: 'going' })).status).toBe(303);
    expect((await changedFor(room.ids.member1)).map((n) => n.facts.change)).toEqual(['cancelled', 'restored']);
    expect((await room.moderator.post(`${path}/restore`, {})).status).toBe(403);
  });

  it('a meeting that has started can no longer be edited, cancelled or restored', async () => {
    await watchedRoom();
    const { path } = await propose({ title: 'Tonight', startsAt: wall(room.app.clock.now + HOUR) });
    room.app.clock.advance(2 * HOUR);
    expect((await room.moderator.get(`${path}/edit`)).status).toBe(403);
    expect((await room.moderator.post(`${path}/cancel`, {})).status).toBe(403);
    expect(await textOf(room.moderator, path)).not.toContain(`${path}/edit`);
  });
});

describe('who may', () => {
  it('a member gets 403 on every change; a signed-out reader and an outsider of this private club 404', async () => {
    await watchedRoom();
    const { id, path } = await propose({ title: 'Ours', startsAt: wall(room.app.clock.now + 2 * DAY) });
    const before = await meetingRow(id);
    const fields = { title: 'Theirs', place: 'Elsewhere', startsAt: wall(room.app.clock.now + 3 * DAY) };
    expect((await room.members[0].get(`${path}/edit`)).status).toBe(403);
    expect((await room.members[0].post(`${path}/edit`, fields)).status).toBe(403);
    expect((await room.members[0].post(`${path}/cancel`, { reason: 'no' })).status).toBe(403);
    expect(await textOf(room.members[0], path)).not.toContain(`${path}/edit`);
    expect((await room.anonymous.post(`${path}/edit`, fields)).status).toBe(404);
    expect((await room.outsider.post(`${path}/cancel`, {})).status).toBe(404);
    expect(await meetingRow(id)).toEqual(before);
    // The owner may.
    expect((await room.owner.post(`${path}/edit`, await editFields(path, { title: 'Owned' }))).status).toBe(303);
  });

  it('another club’s meeting is 404 for its moderators, exactly like a missing one, and nothing is written', async () => {
    await watchedRoom();
    const other = await roomIn(room.app, { prefix: 'other' });
    const res = await other.moderator.post(`/clubs/${other.clubId}/meetings`, { title: 'Theirs', place: 'Café', when: 'fixed', startsAt: wall(room.app.clock.now + 2 * DAY) });
    const foreign = Number(/meetings\/(\d+)/.exec(res.headers.get('location')!)![1]);
    const before = await meetingRow(foreign);
    for (const client of [room.owner, room.moderator]) {
      for (const meetingId of [foreign, 999_999]) {
        const base = `/clubs/${room.clubId}/meetings/${meetingId}`;
        expect((await client.get(`${base}/edit`)).status).toBe(404);
        expect((await client.post(`${base}/edit`, { title: 'Mine now', place: 'Here', startsAt: wall(room.app.clock.now + 3 * DAY) })).status).toBe(404);
        expect((await client.post(`${base}/cancel`, { reason: 'mine' })).status).toBe(404);
        expect((await client.post(`${base}/restore`, {})).status).toBe(404);
      }
    }
    expect(await meetingRow(foreign)).toEqual(before);
  });
});
