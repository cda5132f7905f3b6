/**
 * Calendar files: one meeting as an `.ics` download, and a member's private feed (every
 * scheduled meeting of every club they belong to), written with `ical-generator`.
 *
 * Times are written in the member's time zone (`DTSTART;TZID=Asia/Seoul:…`) with the zone's
 * VTIMEZONE (from `@touch4it/ical-timezones`), so a calendar app shows the wall time the club
 * meant, also across a daylight-saving change. Instants come from the database as UTC ms and
 * are turned into that zone's wall time by `luxon` (ical-generator formats a plain `Date` in
 * the server's own zone, which is wrong whenever the two differ).
 *
 * A cancelled meeting stays in the file with `STATUS:CANCELLED` and a higher SEQUENCE (RFC 5545
 * §3.8.1.11), which is how a calendar that already holds it learns of the cancellation; every
 * other meeting is `STATUS:CONFIRMED`, so a restored one is confirmed again.
 *
 * Pure apart from the clock passed in; the routes load the rows.
 */
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import { DateTime } from 'luxon';

export interface CalendarMeeting {
  id: number;
  clubId: number;
  clubName: string;
  title: string;
  place: string;
  callLink: string | null;
  startsAt: number;
  durationMinutes: number;
  sequence: number;
  /** Cancelled by a moderator: written `STATUS:CANCELLED` (with its bumped SEQUENCE), so subscribed calendars mark or drop it. */
  cancelled: boolean;
  /** Absolute URL of the meeting page. */
  url: string;
}

export interface CalendarOptions {
  /** The calendar's name ("Marginalia: Alice's meetings"). */
  name: string;
  /** IANA zone the times are written in. */
  timeZone: string;
  /** The host name used in UIDs (`meeting-7@example.org`). */
  host: string;
  now: number;
}

/** An iCalendar text with one VEVENT per meeting. */
export function calendarText(meetings: readonly CalendarMeeting[], options: CalendarOptions): string {
  const zone = DateTime.now().setZone(options.timeZone).isValid ? options.timeZone : 'UTC';
  const calendar = ical({ name: options.name, prodId: { company: 'Marginalia', product: 'club-meetings' }, method: ICalCalendarMethod.PUBLISH });
  if (zone !== 'UTC') calendar.timezone({ name: zone, generator: getVtimezoneComponent });
  const at = (ms: number) => DateTime.fromMillis(ms, { zone });
  for (const meeting of meetings) {
    const location = [meeting.place, meeting.callLink].filter(Boolean).join(' · ');
    calendar.createEvent({
      id: `meeting-${meeting.id}@${options.host}`,
      sequence: meeting.sequence,
      status: meeting.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      start: at(meeting.startsAt),
      end: at(meeting.startsAt + meeting.durationMinutes * 60_000),
      timezone: zone === 'UTC' ? null : zone,
      stamp: at(options.now),
      summary: `${meeting.title} (${meeting.clubName})`,
      location: location || null,
      url: meeting.url,
      description: meeting.callLink ? `${meeting.url}\n${meeting.callLink}` : meeting.url,
    });
  }
  return calendar.toString();
}
