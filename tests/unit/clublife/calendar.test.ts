/**
 * The calendar writer, read back with ical.js: times written in the member's zone (Seoul, and
 * Berlin on both sides of the end of summer time on 25 October 2026) keep their instants.
 */
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { calendarText, type CalendarMeeting } from '../../../src/clublife/calendar';

const meeting = (id: number, startsAt: number): CalendarMeeting => ({ id, clubId: 1, clubName: '등불 모임', title: `Meeting ${id}`, place: 'Café, upstairs; room 2', callLink: null, startsAt, durationMinutes: 120, sequence: 0, cancelled: false, url: `https://example.org/clubs/1/meetings/${id}` });

function parse(text: string) {
  const component = new ICAL.Component(ICAL.parse(text));
  for (const zone of component.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  return component.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
}

// 18:00 in Berlin on the Saturday before the change (CEST, UTC+2) and the Saturday after (CET, UTC+1).
const BEFORE = Date.UTC(2026, 9, 24, 16, 0);
const AFTER = Date.UTC(2026, 9, 31, 17, 0);

describe('calendarText', () => {
  it('Europe/Berlin across the DST change: 18:00 local both times, the right instants', () => {
    const text = calendarText([meeting(1, BEFORE), meeting(2, AFTER)], { name: 'Feed', timeZone: 'Europe/Berlin', host: 'example.org', now: BEFORE - 86_400_000 });
    expect(text).toContain('DTSTART;TZID=Europe/Berlin:20261024T180000');
    expect(text).toContain('DTSTART;TZID=Europe/Berlin:20261031T180000');
    const [a, b] = parse(text);
    expect(a!.startDate.toJSDate().getTime()).toBe(BEFORE);
    expect(b!.startDate.toJSDate().getTime()).toBe(AFTER);
    expect(a!.startDate.hour).toBe(18);
    expect(b!.startDate.hour).toBe(18);
    expect(b!.endDate.toJSDate().getTime()).toBe(AFTER + 2 * 3_600_000);
    expect(a!.uid).toBe('meeting-1@example.org');
    expect(a!.summary).toBe('Meeting 1 (등불 모임)');
    expect(a!.location).toBe('Café, upstairs; room 2');
  });

  it('Asia/Seoul: the same instants at Seoul wall times (no DST; 01:00 and 02:00 the next day)', () => {
    const text = calendarText([meeting(1, BEFORE), meeting(2, AFTER)], { name: 'Feed', timeZone: 'Asia/Seoul', host: 'example.org', now: 0 });
    expect(text).toContain('DTSTART;TZID=Asia/Seoul:20261025T010000');
    expect(text).toContain('DTSTART;TZID=Asia/Seoul:20261101T020000');
    const [a, b] = parse(text);
    expect(a!.startDate.toJSDate().getTime()).toBe(BEFORE);
    expect(b!.startDate.toJSDate().getTime()).toBe(AFTER);
    expect(a!.startDate.zone?.tzid).toBe('Asia/Seoul');
  });

  it('an unknown zone falls back to UTC', () => {
    const text = calendarText([meeting(1, BEFORE)], { name: 'Feed', timeZone: 'Mars/Olympus', host: 'example.org', now: 0 });
    expect(text).toContain('DTSTART:20261024T160000Z');
    expect(parse(text)[0]!.startDate.toJSDate().getTime()).toBe(BEFORE);
  });
});

describe('a cancelled meeting', () => {
  it('is written STATUS:CANCELLED with its SEQUENCE; the others are CONFIRMED', () => {
    const text = calendarText([{ ...meeting(1, BEFORE), cancelled: true, sequence: 3 }, meeting(2, AFTER)], { name: 'Feed', timeZone: 'Asia/Seoul', host: 'example.org', now: 0 });
    const [a, b] = parse(text);
    expect(a!.component.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(a!.sequence).toBe(3);
    expect(b!.component.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(b!.sequence).toBe(0);
  });
});
