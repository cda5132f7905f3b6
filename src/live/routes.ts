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
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { getChapterById } from '../books';
import { chapterOpensAt, clubAccessOr404, getReading } from '../clubs';
import { notFound } from '../http/errors';
import { parseId } from '../http/forms';
import type { AppEnv, AreaDeps } from '../http/types';
import { viewerTimeZone } from '../i18n/zoned-time';
import { liveCan } from './policy';
import type { LiveService } from './service';

export function liveRoutes(deps: AreaDeps, live: LiveService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/clubs/:id/live/:readingId/:chapterId', (c) => {
    const user = c.get('user');
    const access = clubAccessOr404(deps, c.req.param('id'), user);
    const reading = getReading(deps.db, access.club.id, parseId(c.req.param('readingId')) ?? Number.NaN);
    const chapter = getChapterById(deps.db, parseId(c.req.param('chapterId')) ?? Number.NaN);
    if (!reading || !chapter || chapter.editionId !== reading.editionId) throw notFound();
    if (!liveCan(access, 'watchChapter', { opensAt: chapterOpensAt(deps.db, reading.id, chapter.id), now: deps.clock() })) throw notFound();

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
    return streamSSE(c, (sse) =>
      live.run(sse, { clubId: access.club.id, readingId: reading.id, chapterId: chapter.id }, { user, locale: c.get('locale'), timeZone: viewerTimeZone(user?.timeZone) }, lastId),
    );
  });

  return app;
}
