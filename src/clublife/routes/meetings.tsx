/**
 * Meetings and the calendar.
 *
 *   GET  /clubs/:clubId/meetings                   list, the form to propose one, the reader's feed
 *   POST /clubs/:clubId/meetings                   a moderator proposes (fixed time or candidate times)
 *   GET  /clubs/:clubId/meetings/:meetingId        one meeting: time poll or RSVP, and its agenda
 *   POST /clubs/:clubId/meetings/:meetingId/marks  a member marks candidate times yes / if need be / no
 *   POST /clubs/:clubId/meetings/:meetingId/decide a moderator fixes one candidate time
 *   POST /clubs/:clubId/meetings/:meetingId/rsvp   going / maybe / not going
 *   GET  /clubs/:clubId/meetings/:meetingId/edit   a moderator's form: details (and a fixed time), and cancelling
 *   POST /clubs/:clubId/meetings/:meetingId/edit   save the changes (SEQUENCE bumped; a new time is `meeting.scheduled`, rescheduled)
 *   POST /clubs/:clubId/meetings/:meetingId/cancel cancel with an optional reason (it stays listed, answers close)
 *   POST /clubs/:clubId/meetings/:meetingId/restore a cancelled meeting that has not started is on again
 *   GET  /clubs/:clubId/meetings/:meetingId/meeting.ics   the meeting as an iCalendar file
 *   POST /clubs/:clubId/meetings/feed              make (or replace) the reader's private feed link
 *   POST /clubs/:clubId/meetings/feed/revoke       turn the feed off
 *   GET  /calendar/:token.ics                      the feed (the token is the permission)
 */
import { Hono } from 'hono';
import { MeetingEditPage, MeetingPage, MeetingsPage } from '../../../views/clublife/meetings';
import { chapterLabel, currentReading, type ClubAccess } from '../../clubs';
import { getChapterById, listChapters } from '../../books';
import { transaction, type Db } from '../../../db/connection';
import { notFound } from '../../http/errors';
import { parseId, readForm, type FieldErrors, type FormData } from '../../http/forms';
import type { MessageKey, Translator } from '../../i18n';
import { pageContext, seeOther, sendPage } from '../../http/page';
import type { AppEnv, AreaDeps } from '../../http/types';
import { toDateTimeLocalValue, viewerTimeZone } from '../../i18n/zoned-time';
import { calendarText, type CalendarMeeting } from '../calendar';
import { hashFeedToken, newFeedToken } from '../feed-token';
import { clubLifeCan, clubLifeRefusal, type LifeTarget } from '../policy';
import { meetingSummary, meetingTarget, meetingView } from '../present';
import {
  attendeesOf,
  clubMeetings,
  decideTime,
  feedMeetings,
  feedOwner,
  hasFeed,
  insertMeeting,
  meetingOfClub,
  replaceFeed,
  revokeFeed,
  setMeetingCancelled,
  slotsOf,
  updateMeeting,
  writeMarks,
  writeRsvp,
  type MeetingChanges,
} from '../queries';
import { parseCancelReason, parseMarks, parseMeeting, parseMeetingEdit, parseRsvp } from '../validation';
import type { Meeting } from '../../../db/schema';
import type { C, LifeKit, MeetingNotifier } from './shared';

/** Past meetings stay in the feed for this long. */
const FEED_PAST_MS = 90 * 86_400_000;

export function meetingRoutes(deps: AreaDeps, kit: LifeKit, notify: MeetingNotifier | null): Hono<AppEnv> {
  const { db, clock, events } = deps;
  const app = new Hono<AppEnv>();

  const target = (m: Meeting): LifeTarget => meetingTarget(m, clock());

  async function meetingFor(c: C, access: ClubAccess): Promise<Meeting> {
    const meeting = await meetingOfClub(db, access.club.id, kit.idParam(c, 'meetingId'));
    if (!meeting) throw notFound();
    return meeting;
  }

  /**
   * The agenda's chapter: one of the current reading's (anything else is ignored), or — when
   * editing — the chapter the meeting already names, kept even if its reading has since ended.
   */
  async function agendaChapter(access: ClubAccess, chapterId: number | null, meeting: Meeting | null): Promise<{ readingId: number | null; chapterId: number | null }> {
    if (chapterId === null) return { readingId: null, chapterId: null };
    if (meeting && meeting.chapterId === chapterId) return { readingId: meeting.readingId, chapterId };
    const reading = await currentReading(db, access.club.id);
    const ok = reading !== undefined && (await listChapters(db, reading.editionId)).some((ch) => ch.id === chapterId);
    return ok ? { readingId: reading!.id, chapterId } : { readingId: null, chapterId: null };
  }

  /** The chapters a meeting may talk about: the current reading's, and the one it already names. */
  async function chapterChoices(access: ClubAccess, t: Translator, meeting: Meeting | null): Promise<{ id: number; label: string }[]> {
    const reading = await currentReading(db, access.club.id);
    const choices = reading ? (await listChapters(db, reading.editionId)).map((ch) => ({ id: ch.id, label: chapterLabel(t, ch) })) : [];
    if (meeting?.chapterId != null && !choices.some((ch) => ch.id === meeting.chapterId)) {
      const own = await getChapterById(db, meeting.chapterId);
      if (own) choices.unshift({ id: own.id, label: chapterLabel(t, own) });
    }
    return choices;
  }

  async function renderList(c: C, access: ClubAccess, status: 200 | 422 = 200, values?: FormData, errors?: FieldErrors, newLink: string | null = null) {
    const now = clock();
    const all = (await clubMeetings(db, access.club.id)).map(meetingSummary);
    const chapters = await chapterChoices(access, c.get('t'), null);
    const feedActive = await hasFeed(db, access.userId!);
    return sendPage(
      c,
      <MeetingsPage
        page={await pageContext(c)}
        ui={kit.ui(c)}
        frame={await kit.frame(access)}
        upcoming={all.filter((m) => !m.cancelled && m.startsAt !== null && m.startsAt >= now).sort((a, b) => a.startsAt! - b.startsAt!)}
        choosing={all.filter((m) => !m.cancelled && m.startsAt === null)}
        cancelled={all.filter((m) => m.cancelled && (m.startsAt === null || m.startsAt >= now))}
        past={all.filter((m) => m.startsAt !== null && m.startsAt < now)}
        canPropose={clubLifeCan(access, 'proposeMeeting')}
        chapters={chapters}
        feed={{ active: feedActive, newLink }}
        notice={status === 200 ? kit.notice(c) : null}
        values={values}
        errors={errors}
      />,
      status,
    );
  }

  app.get('/clubs/:clubId{[0-9]+}/meetings', async (c) => {
    const access = await kit.access(c);
    const refusal = clubLifeRefusal(access, 'view');
    if (refusal) return kit.refuseWith(c, refusal);
    return renderList(c, access);
  });

  app.post('/clubs/:clubId{[0-9]+}/meetings', async (c) => {
    const access = await kit.access(c);
    const refusal = clubLifeRefusal(access, 'proposeMeeting');
    if (refusal) return kit.refuseWith(c, refusal, true);
    const form = await readForm(c);
    const parsed = parseMeeting(form, clock(), kit.ui(c).timeZone);
    if (!parsed.ok) return renderList(c, access, 422, form, parsed.errors);
    await kit.posting(c);
    const meeting = await insertMeeting(
      db,
      { clubId: access.club.id, ...parsed.data, ...(await agendaChapter(access, parsed.data.chapterId, null)) },
      access.userId!,
      clock(),
    );
    if (meeting.startsAt !== null) await events.publish({ type: 'meeting.scheduled', actorId: access.userId, clubId: access.club.id, meetingId: meeting.id, startsAt: meeting.startsAt, rescheduled: false });
    else await events.publish({ type: 'meeting.proposed', actorId: access.userId, clubId: access.club.id, meetingId: meeting.id });
    return seeOther(c, `/clubs/${access.club.id}/meetings/${meeting.id}?done=created`);
  });

  async function renderMeeting(c: C, access: ClubAccess, meeting: Meeting, status: 200 | 422 = 200) {
    const view = await meetingView(db, access, c.get('t'), meeting, clock());
    return sendPage(c, <MeetingPage page={await pageContext(c)} ui={kit.ui(c)} frame={await kit.frame(access)} meeting={view} notice={status === 200 ? kit.notice(c) : null} error={status === 422 ? 'clublife.error.marks' : null} />, status);
  }

  app.get('/clubs/:clubId{[0-9]+}/meetings/:meetingId{[0-9]+}', async (c) => {
    const access = await kit.access(c);
    const meeting = await meetingFor(c, access);
    const refusal = clubLifeRefusal(access, 'view');
    if (refusal) return kit.refuseWith(c, refusal);
    return renderMeeting(c, access, meeting);
  });

  app.post('/clubs/:clubId{[0-9]+}/meetings/:meetingId{[0-9]+}/marks', async (c) => {
    const access = await kit.access(c);
    const meeting = await meetingFor(c, access);
    const refusal = clubLifeRefusal(access, 'markSlot', target(meeting));
    if (refusal) return kit.refuseWith(c, refusal);
    const form = await readForm(c);
    const marks = parseMarks(form, (await slotsOf(db, meeting.id)).map((s) => s.id));
    if (!marks) return renderMeeting(c, access, meeting, 422);
    await kit.posting(c);
    await writeMarks(db, access.userId!, marks);
    await events.publish({ type: 'meeting.answered', actorId: access.userId, clubId: access.club.id, meetingId: meeting.id });
    return seeOther(c, `${c.req.path.replace(/\/marks$/, '')}?done=marks#slots`);
  });

  app.post('/clubs/:clubId{[0-9]+}/meetings/:meetingId{[0-9]+}/decide', async (c) => {
    const access = await kit.access(c);
    const meeting = await meetingFor(c, access);
    const refusal = clubLifeRefusal(access, 'decideTime', target(meeting));
    if (refusal) return kit.refuseWith(c, refusal, true);
    const slotId = parseId((await readForm(c)).slotId);
    const slot = (await slotsOf(db, meeting.id)).find((s) => s.id === slotId);
    if (!slot) throw notFound();
    await decideTime(db, meeting.id, slot.startsAt);
    await events.publish({ type: 'meeting.scheduled', actorId: access.userId, clubId: access.club.id, meetingId: meeting.id, startsAt: slot.startsAt, rescheduled: false });
    return seeOther(c, `/clubs/${access.club.id}/meetings/${meeting.id}`);
  });

  app.post('/clubs/:clubId{[0-9]+}/meetings/:meetingId{[0-9]+}/rsvp', async (c) => {
    const access = await kit.access(c);
    const meeting = await meetingFor(c, access);
    const refusal = clubLifeRefusal(access, 'rsvp', target(meeting));
    if (refusal) return kit.refuseWith(c, refusal);
    const answer = parseRsvp((await readForm(c)).answer);
    if (!answer) return renderMeeting(c, access, meeting, 422);
    await kit.posting(c);
    await writeRsvp(db, meeting.id, access.userId!, answer, clock());
    await events.publish({ type: 'meeting.answered', actorId: access.userId, clubId: access.club.id, meetingId: meeting.id });
    return seeOther(c, `/clubs/${access.club.id}/meetings/${meeting.id}?done=rsvp#rsvp`);
  });

  // ---- changing a meeting (moderators) -------------------------------------------------------

  /** The edit form filled with the meeting as it is (times in the reader's zone). */
  function valuesOf(c: C, m: Meeting): Record<string, string> {
    return {
      title: m.title,
      place: m.place,
      callLink: m.callLink ?? '',
      startsAt: m.startsAt !== null ? toDateTimeLocalValue(m.startsAt, kit.ui(c).timeZone) : '',
      durationMinutes: String(m.durationMinutes),
      chapterId: m.chapterId !== null ? String(m.chapterId) : '',
    };
  }

  async function renderEdit(c: C, access: ClubAccess, meeting: Meeting, status: 200 | 422 = 200, values?: FormData, errors?: FieldErrors, cancel?: { reason: string; error: MessageKey | null }) {
    const t = c.get('t');
    const view = await meetingView(db, access, t, meeting, clock());
    const chapters = await chapterChoices(access, t, meeting);
    return sendPage(
      c,
      <MeetingEditPage
        page={await pageContext(c)}
        ui={kit.ui(c)}
        frame={await kit.frame(access)}
        meeting={view}
        chapters={chapters}
        values={values ?? valuesOf(c, meeting)}
        errors={errors}
        cancel={cancel}
      />,
      status,
    );
  }

  /** Tells those who said going or maybe (not the moderator who did it), in the write's own transaction (`tx`). */
  async function tellAttendees(tx: Db, meeting: Meeting, actorId: number, facts: { change: 'time' | 'cancelled' | 'restored'; startsAt: number | null }, now: number): Promise<void> {
    if (!notify) return;
    for (const recipientId of await attendeesOf(tx, meeting.id, meeting.clubId)) {
      if (recipientId !== actorId) await notify({ recipientId, clubId: meeting.clubId, kind: 'meeting_changed', facts: { meetingId: meeting.id, ...facts } }, now, tx);
    }
  }

  app.get('/clubs/:clubId{[0-9]+}/meetings/:meetingId{[0-9]+}/edit', async (c) => {
    const access = await kit.access(c);
    const meeting = await meetingFor(c, access);
    // The page is for whoever may edit or cancel; a cancelled meeting answers why not (wrong_phase).
    const refusal = clubLifeRefusal(access, 'editMeeting', target(meeting));
    if (refusal) return kit.refuseWith(c, refusal, true);
    return renderEdit(c, access, meeting);
  });

  app.post('/clubs/:clubId{[0-9]+}/meetings/:meetingId{[0-9]+}/edit', async (c) => {
    const access = await kit.access(c);
    const meeting = await meetingFor(c, access);
    const refusal = clubLifeRefusal(access, 'editMeeting', target(meeting));
    if (refusal) return kit.refuseWith(c, refusal, true);
    const form = await readForm(c);
    const now = clock();
    const parsed = parseMeetingEdit(form, meeting.startsAt !== null, now, kit.ui(c).timeZone);
    if (!parsed.ok) return renderEdit(c, access, meeting, 422, form, parsed.errors);
    const { startsAt, chapterId, ...details } = parsed.data;
    const wanted: MeetingChanges = { ...details, ...(await agendaChapter(access, chapterId, meeting)), ...(startsAt !== null ? { startsAt } : {}) };
    const changes = Object.fromEntries(Object.entries(wanted).filter(([key, value]) => meeting[key as keyof MeetingChanges] !== value)) as MeetingChanges;
    const back = `/clubs/${access.club.id}/meetings/${meeting.id}`;
    if (Object.keys(changes).length === 0) return seeOther(c, `${back}?done=unchanged`);
    await kit.posting(c);
    const moved = changes.startsAt !== undefined;
    const sequence = await transaction(db, async (tx) => {
      const next = await updateMeeting(tx, meeting.id, changes);
      if (moved) await tellAttendees(tx, meeting, access.userId!, { change: 'time', startsAt: changes.startsAt! }, now);
      return next;
    });
    await events.publish({ type: 'meeting.edited', actorId: access.userId, clubId: access.club.id, meetingId: meeting.id, sequence });
    if (moved) await events.publish({ type: 'meeting.scheduled', actorId: access.userId, clubId: access.club.id, meetingId: meeting.id, startsAt: changes.startsAt!, rescheduled: true });
    return seeOther(c, `${back}?done=edited`);
  });

  app.post('/clubs/:clubId{[0-9]+}/meetings/:meetingId{[0-9]+}/cancel', async (c) => {
    const access = await kit.access(c);
    const meeting = await meetingFor(c, access);
    const refusal = clubLifeRefusal(access, 'cancelMeeting', target(meeting));
    if (refusal) return kit.refuseWith(c, refusal, true);
    const form = await readForm(c);
    const reason = parseCancelReason(form);
    if (!reason.ok) return renderEdit(c, access, meeting, 422, undefined, undefined, { reason: form.reason ?? '', error: reason.errors.reason ?? null });
    await kit.posting(c);
    const now = clock();
    await transaction(db, async (tx) => {
      await setMeetingCancelled(tx, meeting.id, now, reason.data);
      await tellAttendees(tx, meeting, access.userId!, { change: 'cancelled', startsAt: meeting.startsAt }, now);
    });
    await events.publish({ type: 'meeting.cancelled', actorId: access.userId, clubId: access.club.id, meetingId: meeting.id, startsAt: meeting.startsAt });
    return seeOther(c, `/clubs/${access.club.id}/meetings/${meeting.id}?done=cancelled`);
  });

  app.post('/clubs/:clubId{[0-9]+}/meetings/:meetingId{[0-9]+}/restore', async (c) => {
    const access = await kit.access(c);
    const meeting = await meetingFor(c, access);
    const refusal = clubLifeRefusal(access, 'restoreMeeting', target(meeting));
    if (refusal) return kit.refuseWith(c, refusal, true);
    await kit.posting(c);
    const now = clock();
    await transaction(db, async (tx) => {
      await setMeetingCancelled(tx, meeting.id, null, null);
      await tellAttendees(tx, meeting, access.userId!, { change: 'restored', startsAt: meeting.startsAt }, now);
    });
    await events.publish({ type: 'meeting.restored', actorId: access.userId, clubId: access.club.id, meetingId: meeting.id, startsAt: meeting.startsAt });
    return seeOther(c, `/clubs/${access.club.id}/meetings/${meeting.id}?done=restored`);
  });

  // ---- the calendar ------------------------------------------------------------------------

  const calendarMeeting = (c: C, m: Meeting, clubName: string, t: Translator): CalendarMeeting => ({
    id: m.id,
    clubId: m.clubId,
    clubName,
    // Some calendar apps ignore STATUS in a subscribed feed: the title says it too.
    title: m.cancelledAt !== null ? t('clublife.ics.cancelled_title', { title: m.title }) : m.title,
    cancelled: m.cancelledAt !== null,
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

  app.get('/clubs/:clubId{[0-9]+}/meetings/:meetingId{[0-9]+}/meeting.ics', async (c) => {
    const access = await kit.access(c);
    const meeting = await meetingFor(c, access);
    const refusal = clubLifeRefusal(access, 'view');
    if (refusal) return kit.refuseWith(c, refusal);
    if (meeting.startsAt === null) throw notFound();
    const host = new URL(c.req.url).hostname;
    const text = calendarText([calendarMeeting(c, meeting, access.club.name, c.get('t'))], { name: meeting.title, timeZone: kit.ui(c).timeZone, host, now: clock() });
    return sendCalendar(c, text, `meeting-${meeting.id}.ics`);
  });

  // The new token is shown once, in the answer to this POST (only its hash is stored, and it
  // never travels in a URL the browser keeps in its history).
  app.post('/clubs/:clubId{[0-9]+}/meetings/feed', async (c) => {
    const access = await kit.access(c);
    const refusal = clubLifeRefusal(access, 'view');
    if (refusal) return kit.refuseWith(c, refusal);
    const { token, tokenHash } = newFeedToken();
    await replaceFeed(db, access.userId!, tokenHash, clock());
    return renderList(c, access, 200, undefined, undefined, `webcal://${new URL(c.req.url).host}/calendar/${token}.ics`);
  });

  app.post('/clubs/:clubId{[0-9]+}/meetings/feed/revoke', async (c) => {
    const access = await kit.access(c);
    const refusal = clubLifeRefusal(access, 'view');
    if (refusal) return kit.refuseWith(c, refusal);
    await revokeFeed(db, access.userId!);
    return seeOther(c, `/clubs/${access.club.id}/meetings?done=revoked#feed`);
  });

  app.get('/calendar/:file{[a-z2-7]{32}\\.ics}', async (c) => {
    const token = c.req.param('file').slice(0, -4);
    const owner = await feedOwner(db, hashFeedToken(token));
    if (!owner) throw notFound();
    const rows = await feedMeetings(db, owner.id, clock() - FEED_PAST_MS);
    const name = c.get('t')('clublife.feed.calendar_name', { name: owner.displayName });
    const text = calendarText(
      rows.map((r) => calendarMeeting(c, r.meeting, r.clubName, c.get('t'))),
      { name, timeZone: viewerTimeZone(owner.timeZone), host: new URL(c.req.url).hostname, now: clock() },
    );
    return sendCalendar(c, text, 'meetings.ics');
  });

  return app;
}
