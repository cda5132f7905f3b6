/**
 * The shelf.
 *
 *   GET  /clubs/:clubId/shelf                      finished readings, marks, statistics
 *   POST /clubs/:clubId/shelf/:readingId/mark      the reader's own mark, rating and line
 */
import { Hono } from 'hono';
import { ShelfPage } from '../../../views/clublife/shelf';
import { getReading, type ClubAccess } from '../../clubs';
import { notFound } from '../../http/errors';
import { readForm } from '../../http/forms';
import { pageContext, seeOther, sendPage } from '../../http/page';
import type { AppEnv, AreaDeps } from '../../http/types';
import type { MessageKey } from '../../i18n';
import { clubLifeRefusal } from '../policy';
import { shelfView } from '../present';
import { writeShelfMark } from '../queries';
import { parseShelfMark } from '../validation';
import type { C, LifeKit } from './shared';

export function shelfRoutes(deps: AreaDeps, kit: LifeKit): Hono<AppEnv> {
  const { db, clock, events } = deps;
  const app = new Hono<AppEnv>();

  async function render(c: C, access: ClubAccess, status: 200 | 422 = 200, error: { readingId: number; key: MessageKey } | null = null) {
    const ui = kit.ui(c);
    const shelf = await shelfView(db, access, ui.timeZone, clock());
    return sendPage(c, <ShelfPage page={await pageContext(c)} ui={ui} frame={await kit.frame(access)} shelf={shelf} notice={status === 200 ? kit.notice(c) : null} error={error} />, status);
  }

  app.get('/clubs/:clubId{[0-9]+}/shelf', async (c) => {
    const access = await kit.access(c);
    const refusal = clubLifeRefusal(access, 'view');
    if (refusal) return kit.refuseWith(c, refusal);
    return render(c, access);
  });

  app.post('/clubs/:clubId{[0-9]+}/shelf/:readingId{[0-9]+}/mark', async (c) => {
    const access = await kit.access(c);
    const reading = await getReading(db, access.club.id, kit.idParam(c, 'readingId'));
    if (!reading) throw notFound();
    const refusal = clubLifeRefusal(access, 'markShelf', { clubId: reading.clubId, readingEnded: reading.endedAt !== null, now: clock() });
    if (refusal) return kit.refuseWith(c, refusal);
    const parsed = parseShelfMark(await readForm(c));
    if (!parsed.ok) return render(c, access, 422, { readingId: reading.id, key: Object.values(parsed.errors)[0]! });
    await kit.posting(c);
    await writeShelfMark(db, { readingId: reading.id, userId: access.userId!, ...parsed.data }, clock());
    await events.publish({ type: 'shelf.marked', actorId: access.userId, clubId: access.club.id, readingId: reading.id });
    return seeOther(c, `/clubs/${access.club.id}/shelf?done=shelf#shelf-${reading.id}`);
  });

  return app;
}
