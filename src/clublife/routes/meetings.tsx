/**
 * Meetings and the calendar.
 *
 *   GET  /clubs/:clubId/meetings                   list, the form to propose one, the reader's feed
 *   POST /clubs/:clubId/meetings                   a moderator proposes (fixed time or candidate times)
 *   GET  /clubs/:clubId/meetings/:meetingId        one meeting: time poll or RSVP, and its agenda
 *   POST /clubs/:clubId/meetings/:meetingId/marks  a member marks candidate times yes / if need be / no
 *   POST /clubs/:clubId/meetings/:meetingId/decide a moderator fixes one candidate time
 *   POST /clubs/:clubId/meetings/:meetingId/rsvp   going / maybe / not going
 *   GET  /clubs/:clubId/meetings/:meetingId/meeting.ics   the meeting as an iCalendar file
 *   POST /clubs/:clubId/meetings/feed              make (or replace) the reader's private feed link
 *   POST /clubs/:clubId/meetings/feed/revoke       turn the feed off
 *   GET  /calendar/:token.ics                      the feed (the token is the permission)
 */
import { Hono } from 'hono';
import { MeetingPage, MeetingsPage } from '../../../views/clublife/meetings';
import { chapterLabel, currentReading, type ClubAccess } from '../../clubs';
import { listChapters } from '../../books';
import { notFound } from '../../http/errors';
import { parseId, readForm, type FieldErrors, type FormData } from '../../http/forms';
import { pageContext, seeOther, sendPage } from '../../http/page';
import type { AppEnv, AreaDeps } from '../../http/types';
import { viewerTimeZone } from '../../i18n/zoned-time';
import { calendarText, type CalendarMeeting } from '../calendar';
import { hashFeedToken, newFeedToken } from '../feed-token';
import { clubLifeCan, clubLifeRefusal, type LifeTarget } from '../policy';
import { meetingView } from '../present';
import { clubMeetings, decideTime, feedMeetings, feedOwner, hasFeed, insertMeeting, meetingOfClub, replaceFeed, revokeFeed, slotsOf, writeMarks, writeRsvp } from '../queries';
import { parseMarks, parseMeeting, parseRsvp } from '../validation';
import type { Meeting } from '../../../db/schema';
import type { C, LifeKit } from './shared';

/** Past meetings stay in the feed for this long. */
const FEED_PAST_MS = 90 * 86_400_000;

export function meetingRoutes(deps: AreaDeps, kit: LifeKit): Hono<AppEnv> {
  const { db, sqlite, clock, events } = deps;
  const app = new Hono<AppEnv>();

  const target = (m: Meeting): LifeTarget => ({ clubId: m.clubId, timeDecided: m.startsAt !== null, now: clock() });

  function meetingFor(c: C, access: ClubAccess): Meeting {
    const meeting = meetingOfClub(db, access.club.id, kit.idParam(c, 'meetingId'));
    if (!meeting) throw notFound();
    return meeting;
  }

  function renderList(c: C, access: ClubAccess, status: 200 | 422 = 200, values?: FormData, errors?: FieldErrors, newLink: string | null = null) {
    const now = clock();
    const all = clubMeetings(db, access.club.id).map((m) => ({ id: m.id, title: m.title, startsAt: m.startsAt, place: m.place, href: `/clubs/${m.clubId}/meetings/${m.id}` }));
    const reading = currentReading(db, access.club.id);
    const t = c.get('t');
    const chapters = reading ? listChapters(db, reading.editionId).map((ch) => ({ id: ch.id, label: chapterLabel(t, ch) })) : [];
    return sendPage(
      c,
      <MeetingsPage
        page={pageContext(c)}
        ui={kit.ui(c)}
        frame={kit.frame(access)}
        upcoming={all.filter((m) => m.startsAt !== null && m.startsAt >= now).sort((a, b) => a.startsAt! - b.startsAt!)}
        choosing={all.filter((m) => m.startsAt === null)}
        past={all.filter((m) => m.startsAt !== null && m.startsAt < now)}
        canPropose={clubLifeCan(access, 'proposeMeeting')}
        chapters={chapters}
        feed={{ active: hasFeed(db, access.userId!), newLink }}
        notice={status === 200 ? kit.notice(c) : null}
        values={values}
        errors={errors}
      />,
      status,
    );
  }

  app.get('/clubs/:clubId{[0-9]+}/meetings', (c) => {
    const access = kit.access(c);
    const refusal = clubLifeRefusal(access, 'view');
    if (refusal) return kit.refuseWith(c, refusal);
    return renderList(c, access);
  });

  app.post('/clubs/:clubId{[0-9]+}/meetings', async (c) => {
    const access = kit.access(c);
    const refusal = clubLifeRefusal(access, 'proposeMeeting');
    if (refusal) return kit.refuseWith(c, refusal, true);
    const form = await readForm(c);
    const parsed = parseMeeting(form, clock(), kit.ui(c).timeZone);
    if (!parsed.ok) return renderList(c, access, 422, form, parsed.errors);
    const reading = currentReading(db, access.club.id);
    const chapterId = parsed.data.chapterId;
    // The agenda's chapter must be one of the current reading's (anything else is ignored).
    const chapterOk = chapterId !== null && reading !== undefined && listChapters(db, reading.editionId).some((ch) => ch.id === chapterId);
    kit.posting(c);
    const meeting = insertMeeting(
      db,
      sqlite,
      { clubId: access.club.id, ...parsed.data, readingId: chapterOk ? reading!.id : null, chapterId: chapterOk ? chapterId : null },
      access.userId!,
      clock(),
    );
    if (meeting.startsAt !== null) events.publish({ type: 'meeting.scheduled', actorId: access.userId, clubId: access.club.id, meetingId: meeting.id, startsAt: meeting.startsAt, rescheduled: false });
    else events.publish({ type: 'meeting.proposed', actorId: access.userId, clubId: access.club.id, meetingId: meeting.id });
    return seeOther(c, `/clubs/${access.club.id}/meetings/${meeting.id}?done=created`);
  });

  function renderMeeting(c: C, access: ClubAccess, meeting: Meeting, status: 200 | 422 = 200) {
    const view = meetingView(db, access, c.get('t'), meeting, clock());
    return sendPage(c, <MeetingPage page={pageContext(c)} ui={kit.ui(c)} frame={kit.frame(access)} meeting={view} notice={status === 200 ? kit.notice(c) : null} error={status === 422 ? 'clublife.error.marks' : null} />, status);
  }

  app.get('/clubs/:clubId{[0-9]+}/meetings/:meetingId{[0-9]+}', (c) => {
    const access = kit.access(c);
    const meeting = meetingFor(c, access);
    const refusal = clubLifeRefusal(access, 'view');
    if (refusal) return kit.refuseWith(c, refusal);
    return renderMeeting(c, access, meeting);
  });

  app.post('/clubs/:clubId{[0-9]+}/meetings/:meetingId{[0-9]+}/marks', async (c) => {
    const access = kit.access(c);
    const meeting = meetingFor(c, access);
    const refusal = clubLifeRefusal(access, 'markSlot', target(meeting));
    if (refusal) return kit.refuseWith(c, refusal);
    const marks = parseMarks(await readForm(c), slotsOf(db, meeting.id).map((s) => s.id));
    if (!marks) return renderMeeting(c, access, meeting, 422);
    kit.posting(c);
    writeMarks(db, sqlite, access.userId!, marks);
    events.publish({ type: 'meeting.answered', actorId: access.userId, clubId: access.club.id, meetingId: meeting.id });
    return seeOther(c, `${c.req.path.replace(/\/marks$/, '')}?done=marks#slots`);
  });

  app.post('/clubs/:clubId{[0-9]+}/meetings/:meetingId{[0-9]+}/decide', async (c) => {
    const access = kit.access(c);
    const meeting = meetingFor(c, access);
    const refusal = clubLifeRefusal(access, 'decideTime', target(meeting));
    if (refusal) return kit.refuseWith(c, refusal, true);
    const slotId = parseId((await readForm(c)).slotId);
    const slot = slotsOf(db, meeting.id).find((s) => s.id === slotId);
    if (!slot) throw notFound();
    decideTime(db, meeting.id, slot.startsAt);
    events.publish({ type: 'meeting.scheduled', actorId: access.userId, clubId: access.club.id, meetingId: meeting.id, startsAt: slot.startsAt, rescheduled: false });
    return seeOther(c, `/clubs/${access.club.id}/meetings/${meeting.id}`);
  });

  app.post('/clubs/:clubId{[0-9]+}/meetings/:meetingId{[0-9]+}/rsvp', async (c) => {
    const access = kit.access(c);
    const meeting = meetingFor(c, access);
    const refusal = clubLifeRefusal(access, 'rsvp', target(meeting));
    if (refusal) return kit.refuseWith(c, refusal);
    const answer = parseRsvp((await readForm(c)).answer);
    if (!answer) return renderMeeting(c, access, meeting, 422);
    kit.posting(c);
    writeRsvp(db, meeting.id, access.userId!, answer, clock());
    events.publish({ type: 'meeting.answered', actorId: access.userId, clubId: access.club.id, meetingId: meeting.id });
    return seeOther(c, `/clubs/${access.club.id}/meetings/${meeting.id}?done=rsvp#rsvp`);
  });

  const calendarMeeting = (c: C, m: Meeting, clubName: string): CalendarMeeting => ({
    id: m.id,
    clubId: m.clubId,
    clubName,
    title: m.title,
    place: m.place,
    callLink: m.callLink,
    startsAt: m.startsAt!,
    durationMinutes: m.durationMinutes,
    sequence: m.sequence,
    url: new URL(`/clubs/${m.clubId}/meetings/${m.id}`, c.req.url).href,
  });

  function sendCalendar(c: C, text: string, filename: string) {
    c.header('Content-Type', 'text/calendar; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="${filename}"`);
    c.header('Cache-Control', 'no-store');
    return c.body(text);
  }

  app.get('/clubs/:clubId{[0-9]+}/meetings/:meetingId{[0-9]+}/meeting.ics', (c) => {
    const access = kit.access(c);
    const meeting = meetingFor(c, access);
    const refusal = clubLifeRefusal(access, 'view');
    if (refusal) return kit.refuseWith(c, refusal);
    if (meeting.startsAt === null) throw notFound();
    const host = new URL(c.req.url).hostname;
    const text = calendarText([calendarMeeting(c, meeting, access.club.name)], { name: meeting.title, timeZone: kit.ui(c).timeZone, host, now: clock() });
    return sendCalendar(c, text, `meeting-${meeting.id}.ics`);
  });

  // The new token is shown once, in the answer to this POST (only its hash is stored, and it
  // never travels in a URL the browser keeps in its history).
  app.post('/clubs/:clubId{[0-9]+}/meetings/feed', (c) => {
    const access = kit.access(c);
    const refusal = clubLifeRefusal(access, 'view');
    if (refusal) return kit.refuseWith(c, refusal);
    const { token, tokenHash } = newFeedToken();
    replaceFeed(db, access.userId!, tokenHash, clock());
    return renderList(c, access, 200, undefined, undefined, `webcal://${new URL(c.req.url).host}/calendar/${token}.ics`);
  });

  app.post('/clubs/:clubId{[0-9]+}/meetings/feed/revoke', (c) => {
    const access = kit.access(c);
    const refusal = clubLifeRefusal(access, 'view');
    if (refusal) return kit.refuseWith(c, refusal);
    revokeFeed(db, access.userId!);
    return seeOther(c, `/clubs/${access.club.id}/meetings?done=revoked#feed`);
  });

  app.get('/calendar/:file{[a-z2-7]{32}\\.ics}', (c) => {
    const token = c.req.param('file').slice(0, -4);
    const owner = feedOwner(db, hashFeedToken(token));
    if (!owner) throw notFound();
    const rows = feedMeetings(db, owner.id, clock() - FEED_PAST_MS);
    const name = c.get('t')('clublife.feed.calendar_name', { name: owner.displayName });
    const text = calendarText(
      rows.map((r) => calendarMeeting(c, r.meeting, r.clubName)),
      { name, timeZone: viewerTimeZone(owner.timeZone), host: new URL(c.req.url).hostname, now: clock() },
    );
    return sendCalendar(c, text, 'meetings.ics');
  });

  return app;
}
