/**
 * The live stream of a chapter page:
 *
 *   GET /clubs/:id/live/:readingId/:chapterId[?since=<event id>]    text/event-stream
 *
 * The same checks as the chapter page (the club visible to the reader: 404 otherwise; the
 * reading of this club and the chapter of its book: 404; the chapter open to the reader: 404),
 * then the caps: 429 beyond the streams one reader may hold, 503 when the process holds its
 * maximum (or is shutting down). A refused or lost stream leaves the page as it is.
 * `Last-Event-ID` (a reconnection) or `since` (the page's own id) says what was seen already.
 */
import { Hono, type Context } from 'hono';
import { MeetingErrorPage } from '../../views/live/meeting';
import { getChapterById, getParagraph } from '../books';
import { chapterBasePath, chapterOpensAt, clubAccessOr404, getReading, type ClubAccess } from '../clubs';
import { notFound } from '../http/errors';
import { parseId, readForm } from '../http/forms';
import { pageContext, sendPage, seeOther } from '../http/page';
import { refuse } from '../http/guards';
import type { AppEnv, AreaDeps } from '../http/types';
import type { MessageKey } from '../i18n';
import { viewerTimeZone } from '../i18n/zoned-time';
import { liveCan, meetingCan } from './policy';
import { endMeeting, insertMeeting, meetingOf, setSpotlight, threadRoot } from './queries';
import type { LiveService } from './service';
import { respondWithStream } from './sink';

export function liveRoutes(deps: AreaDeps, live: LiveService, streaming: boolean): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  meetingRoutes(app, deps, live);
  if (!streaming) return app;

  app.get('/clubs/:id/live/:readingId/:chapterId', async (c) => {
    const user = c.get('user');
    const access = await clubAccessOr404(deps, c.req.param('id'), user);
    const reading = await getReading(deps.db, access.club.id, parseId(c.req.param('readingId')) ?? Number.NaN);
    const chapter = await getChapterById(deps.db, parseId(c.req.param('chapterId')) ?? Number.NaN);
    if (!reading || !chapter || chapter.editionId !== reading.editionId) throw notFound();
    if (!liveCan(access, 'watchChapter', { opensAt: await chapterOpensAt(deps.db, reading.id, chapter.id), now: deps.clock() })) throw notFound();

    const admission = live.hub.admit(user?.id ?? null);
    if (admission !== 'ok') {
      c.header('Retry-After', '60');
      c.header('Cache-Control', 'no-store');
      return c.text(c.get('t')(admission === 'member-cap' ? 'live.refused.member_cap' : 'live.refused.busy'), admission === 'member-cap' ? 429 : 503);
    }
    const lastId = c.req.header('Last-Event-ID') || c.req.query('since') || null;
    c.header('Cache-Control', 'no-store');
    // Tells nginx and similar proxies not to buffer the stream.
    c.header('X-Accel-Buffering', 'no');
    return respondWithStream(
      c,
      (sink) =>
        live.run(sink, { clubId: access.club.id, readingId: reading.id, chapterId: chapter.id }, { user, locale: c.get('locale'), timeZone: viewerTimeZone(user?.timeZone) }, lastId),
      (error) => deps.log?.({ level: 'error', message: `live stream: ${error.message}`, stack: error.stack }),
    );
  });

  return app;
}

/**
 * Meeting mode (moderators only; members see the banner):
 *
 *   POST /clubs/:id/meeting-mode                      reading_id, chapter_id   start (one per club)
 *   POST /clubs/:id/meeting-mode/:meetingId/spotlight  paragraph_id | comment_id
 *   POST /clubs/:id/meeting-mode/:meetingId/end
 *
 * Each answers 303 to the chapter page (the club home after the end); a meeting of another
 * club is 404 like a missing one; a member who is not a moderator gets 403; a target outside
 * the meeting's chapter, or a second meeting, 422 with the reason.
 */
function meetingRoutes(app: Hono<AppEnv>, deps: AreaDeps, live: LiveService): void {
  const { db } = deps;
  const chapterUrl = async (access: ClubAccess, readingId: number, chapterId: number) => {
    const reading = await getReading(db, access.club.id, readingId);
    const chapter = await getChapterById(db, chapterId);
    return reading && chapter ? `${chapterBasePath(access.club.id, reading)}/${chapter.ordinal}` : `/clubs/${access.club.id}`;
  };
  const unprocessable = async (c: Context<AppEnv>, key: MessageKey, back: string) => sendPage(c, <MeetingErrorPage page={await pageContext(c)} message={c.get('t')(key)} back={back} />, 422);
  const meetingFor = async (c: Context<AppEnv>, access: ClubAccess) => {
    const meeting = await meetingOf(db, access.club.id, parseId(c.req.param('meetingId')) ?? Number.NaN);
    if (!meeting) throw notFound();
    return meeting;
  };

  app.post('/clubs/:id/meeting-mode', async (c) => {
    const user = c.get('user');
    const access = await clubAccessOr404(deps, c.req.param('id'), user);
    if (!user || !meetingCan(access, 'start')) return refuse(c);
    const form = await readForm(c);
    const reading = await getReading(db, access.club.id, parseId(String(form.reading_id ?? '')) ?? Number.NaN);
    const chapter = await getChapterById(db, parseId(String(form.chapter_id ?? '')) ?? Number.NaN);
    if (!reading || !chapter || chapter.editionId !== reading.editionId || reading.endedAt !== null) throw notFound();
    const now = deps.clock();
    const meetingId = await insertMeeting(db, { clubId: access.club.id, readingId: reading.id, chapterId: chapter.id, startedBy: user.id, startedAt: now });
    const back = `${chapterBasePath(access.club.id, reading)}/${chapter.ordinal}`;
    if (meetingId === null) return unprocessable(c, 'live.meeting.error.already', back);
    await live.meetingStarted(meetingId, { clubId: access.club.id, readingId: reading.id, chapterId: chapter.id });
    await deps.events.publish({ type: 'meeting.started', actorId: user.id, clubId: access.club.id, meetingId, readingId: reading.id, chapterId: chapter.id });
    return seeOther(c, `${back}#meeting-banner`);
  });

  app.post('/clubs/:id/meeting-mode/:meetingId/spotlight', async (c) => {
    const user = c.get('user');
    const access = await clubAccessOr404(deps, c.req.param('id'), user);
    const meeting = await meetingFor(c, access);
    if (!user || !meetingCan(access, 'spotlight', meeting)) return meeting.endedAt !== null && access.isModerator ? seeOther(c, `/clubs/${access.club.id}`) : refuse(c);
    const form = await readForm(c);
    const back = await chapterUrl(access, meeting.readingId, meeting.chapterId);
    let target: { kind: 'paragraph' | 'thread'; id: number } | null = null;
    const paragraphId = parseId(String(form.paragraph_id ?? ''));
    const commentId = parseId(String(form.comment_id ?? ''));
    if (paragraphId !== null) {
      const paragraph = await getParagraph(db, paragraphId);
      if (paragraph && paragraph.chapterId === meeting.chapterId && paragraph.kind !== 'heading') target = { kind: 'paragraph', id: paragraph.id };
    } else if (commentId !== null) {
      const root = await threadRoot(db, meeting.readingId, commentId);
      if (root && root.chapterId === meeting.chapterId) target = { kind: 'thread', id: root.id };
    }
    if (!target) return unprocessable(c, 'live.meeting.error.target', back);
    await setSpotlight(db, meeting.id, target.kind, target.id, deps.clock());
    await deps.events.publish({ type: 'meeting.spotlighted', actorId: user.id, clubId: access.club.id, meetingId: meeting.id, kind: target.kind, targetId: target.id });
    return seeOther(c, `${back}#meeting-banner`);
  });

  app.post('/clubs/:id/meeting-mode/:meetingId/end', async (c) => {
    const user = c.get('user');
    const access = await clubAccessOr404(deps, c.req.param('id'), user);
    const meeting = await meetingFor(c, access);
    if (meeting.endedAt !== null && access.isModerator) return seeOther(c, `/clubs/${access.club.id}#meeting-records-title`);
    if (!user || !meetingCan(access, 'end', meeting)) return refuse(c);
    await endMeeting(db, meeting.id, deps.clock());
    await deps.events.publish({ type: 'meeting.ended', actorId: user.id, clubId: access.club.id, meetingId: meeting.id });
    return seeOther(c, `/clubs/${access.club.id}#meeting-records-title`);
  });
}
