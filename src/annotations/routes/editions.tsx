/**
 * Moving a reading to another edition, and the moderators' queue of re-anchored comments.
 *
 *   GET  /clubs/:clubId/readings/:readingId/edition[?edition=ID]   choose an edition; dry-run counts
 *   POST /clubs/:clubId/readings/:readingId/edition                apply (`edition_id`)
 *   GET  /clubs/:clubId/orphans                                    orphaned and fuzzily moved comments
 *   POST /clubs/:clubId/orphans/:commentId                         `action=confirm|leave|reattach`
 *                                                                  (`chapter_ordinal`, `paragraph_ordinal`, `exact`)
 *
 * Moderators and owners only (`clubCan(access, 'pickBook')`); a reading or comment of another
 * club is 404.
 */
import { Hono } from 'hono';
import { clubCan, currentReading, getReading, type ClubAccess } from '../../clubs';
import { refuse } from '../../http/guards';
import { parseId, readForm } from '../../http/forms';
import { notFound } from '../../http/errors';
import { pageContext, seeOther, sendPage } from '../../http/page';
import type { AppEnv, AreaDeps } from '../../http/types';
import { EditionMovePage, ReanchorQueuePage } from '../../../views/annotations/editions';
import { applyEditionMove, listReanchorQueue, otherEditionsOfBook, planEditionMove, resolveQueueItem, type EditionMoveStep, type QueueResolution } from '../edition-move';
import { REANCHOR_MIN_SCORE } from '../reanchor';
import type { AnnotationKit, C } from './shared';

export function editionRoutes(deps: AreaDeps, kit: AnnotationKit, steps: readonly EditionMoveStep[]): Hono<AppEnv> {
  const { db, clock } = deps;
  const app = new Hono<AppEnv>();

  const moderatorOf = (c: C): ClubAccess | Response => {
    const access = kit.clubAccessOf(c);
    return clubCan(access, 'pickBook') ? access : refuse(c, `/clubs/${access.club.id}`);
  };
  const readingOf = (c: C, access: ClubAccess) => {
    const id = parseId(c.req.param('readingId'));
    const reading = id === null ? undefined : getReading(db, access.club.id, id);
    if (!reading || reading.endedAt !== null) throw notFound();
    return reading;
  };

  app.get('/clubs/:clubId/readings/:readingId/edition', (c) => {
    const access = moderatorOf(c);
    if (access instanceof Response) return access;
    const reading = readingOf(c, access);
    const editions = otherEditionsOfBook(db, reading.editionId);
    const chosen = parseId(c.req.query('edition') ?? null);
    const target = editions.find((e) => e.id === chosen);
    const preview = target ? planEditionMove(db, { clubId: access.club.id, readingId: reading.id, fromEditionId: reading.editionId, editionId: target.id }).counts : null;
    return sendPage(
      c,
      <EditionMovePage page={pageContext(c)} clubId={access.club.id} readingId={reading.id} editions={editions} chosen={target?.id ?? null} preview={preview} threshold={REANCHOR_MIN_SCORE} />,
    );
  });

  app.post('/clubs/:clubId/readings/:readingId/edition', async (c) => {
    const access = moderatorOf(c);
    if (access instanceof Response) return access;
    const reading = readingOf(c, access);
    const form = await readForm(c);
    const editionId = parseId(typeof form.edition_id === 'string' ? form.edition_id : null);
    const target = otherEditionsOfBook(db, reading.editionId).find((e) => e.id === editionId);
    if (!target) throw notFound();
    const plan = planEditionMove(db, { clubId: access.club.id, readingId: reading.id, fromEditionId: reading.editionId, editionId: target.id });
    applyEditionMove(deps, plan, c.get('user')!.id, clock(), steps);
    return seeOther(c, `/clubs/${access.club.id}/orphans`);
  });

  app.get('/clubs/:clubId/orphans', (c) => {
    const access = moderatorOf(c);
    if (access instanceof Response) return access;
    const reading = currentReading(db, access.club.id);
    const items = reading ? listReanchorQueue(db, access.club.id, reading.id) : [];
    const error = c.req.query('error');
    return sendPage(c, <ReanchorQueuePage page={pageContext(c)} clubId={access.club.id} items={items} error={error === 'no_paragraph' || error === 'no_passage' ? error : null} />);
  });

  app.post('/clubs/:clubId/orphans/:commentId', async (c) => {
    const access = moderatorOf(c);
    if (access instanceof Response) return access;
    const reading = currentReading(db, access.club.id);
    const commentId = parseId(c.req.param('commentId'));
    if (!reading || commentId === null) throw notFound();
    const form = await readForm(c);
    const text = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');
    let resolution: QueueResolution;
    const action = text('action');
    if (action === 'confirm' || action === 'leave') resolution = { action };
    else if (action === 'reattach') {
      const chapterOrdinal = parseId(text('chapter_ordinal'));
      const paragraphOrdinal = parseId(text('paragraph_ordinal'));
      const exact = text('exact').normalize('NFC').trim();
      if (chapterOrdinal === null || paragraphOrdinal === null || exact.length > 2_000) return seeOther(c, `/clubs/${access.club.id}/orphans?error=no_paragraph#c-${commentId}`);
      resolution = { action, chapterOrdinal, paragraphOrdinal, exact };
    } else throw notFound();
    const result = resolveQueueItem(deps, { clubId: access.club.id, readingId: reading.id, editionId: reading.editionId, commentId, actorId: c.get('user')!.id }, resolution);
    if (result === 'not_found' || result === 'not_applicable') throw notFound();
    if (result !== 'ok') return seeOther(c, `/clubs/${access.club.id}/orphans?error=${result}#c-${commentId}`);
    return seeOther(c, `/clubs/${access.club.id}/orphans`);
  });

  return app;
}
