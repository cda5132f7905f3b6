/**
 * Moving a reading to another edition, and the moderators' queue of re-anchored comments.
 *
 *   GET  /clubs/:clubId/readings/:readingId/edition[?edition=ID]   choose an edition; dry-run counts
 *   POST /clubs/:clubId/readings/:readingId/edition                apply (`edition_id`)
 *   GET  /clubs/:clubId/orphans                                    orphaned and fuzzily moved comments
 *   POST /clubs/:clubId/orphans/:commentId                         `action=confirm|leave|reattach`
 *                                                                  (`chapter_ordinal`, `paragraph_ordinal`, `exact`)
 *   GET  /clubs/:clubId/my-orphans, POST …/my-orphans/:commentId   the same for a member's own private notes
 *
 * Moving and the club's queue: moderators and owners only (`clubCan(access, 'pickBook')`);
 * one's own notes: any member. Each comment is settled only when the policy's `settle` allows
 * it; a reading or comment of another club is 404.
 */
import { Hono } from 'hono';
import { clubCan, currentReading, getReading, type ClubAccess } from '../../clubs';
import { refuse } from '../../http/guards';
import { parseId, readForm } from '../../http/forms';
import { notFound } from '../../http/errors';
import { pageContext, seeOther, sendPage } from '../../http/page';
import type { AppEnv, AreaDeps } from '../../http/types';
import { EditionMovePage, ReanchorQueuePage } from '../../../views/annotations/editions';
import { applyEditionMove, listReanchorQueue, otherEditionsOfBook, planEditionMove, resolveQueueItem, type EditionMoveStep, type QueueResolution, type QueueScope } from '../edition-move';
import { commentCan } from '../policy';
import { gateViewerFor } from '../present';
import { REANCHOR_MIN_SCORE } from '../reanchor';
import type { AnnotationKit, C } from './shared';

export function editionRoutes(deps: AreaDeps, kit: AnnotationKit, steps: readonly EditionMoveStep[]): Hono<AppEnv> {
  const { db, clock } = deps;
  const app = new Hono<AppEnv>();

  const moderatorOf = async (c: C): Promise<ClubAccess | Response> => {
    const access = await kit.clubAccessOf(c);
    return clubCan(access, 'pickBook') ? access : refuse(c, `/clubs/${access.club.id}`);
  };
  const readingOf = async (c: C, access: ClubAccess) => {
    const id = parseId(c.req.param('readingId'));
    const reading = id === null ? undefined : await getReading(db, access.club.id, id);
    if (!reading || reading.endedAt !== null) throw notFound();
    return reading;
  };

  app.get('/clubs/:clubId/readings/:readingId/edition', async (c) => {
    const access = await moderatorOf(c);
    if (access instanceof Response) return access;
    const reading = await readingOf(c, access);
    const editions = await otherEditionsOfBook(db, reading.editionId);
    const chosen = parseId(c.req.query('edition') ?? null);
    const target = editions.find((e) => e.id === chosen);
    const preview = target ? (await planEditionMove(db, { clubId: access.club.id, readingId: reading.id, fromEditionId: reading.editionId, editionId: target.id })).counts : null;
    return sendPage(
      c,
      <EditionMovePage page={pageContext(c)} clubId={access.club.id} readingId={reading.id} editions={editions} chosen={target?.id ?? null} preview={preview} threshold={REANCHOR_MIN_SCORE} />,
    );
  });

  app.post('/clubs/:clubId/readings/:readingId/edition', async (c) => {
    const access = await moderatorOf(c);
    if (access instanceof Response) return access;
    const reading = await readingOf(c, access);
    const form = await readForm(c);
    const editionId = parseId(typeof form.edition_id === 'string' ? form.edition_id : null);
    const target = (await otherEditionsOfBook(db, reading.editionId)).find((e) => e.id === editionId);
    if (!target) throw notFound();
    const move = { clubId: access.club.id, readingId: reading.id, fromEditionId: reading.editionId, editionId: target.id };
    await applyEditionMove(deps, (tx) => planEditionMove(tx, move), c.get('user')!.id, clock(), steps);
    return seeOther(c, `/clubs/${access.club.id}/orphans`);
  });

  /**
   * The queue of comments a move could not place (or placed by a close match), twice: the
   * moderators' for the club's comments, and each member's own for their private notes.
   * Either way a comment the reader may not `settle` (it is further on than they have read) is
   * neither listed nor settled, only counted.
   */
  const queue = (path: string, guard: (c: C) => Promise<ClubAccess | Response>, privateNotes: boolean) => {
    const scopeOf = async (access: ClubAccess, readingId: number): Promise<QueueScope> => {
      const viewer = await gateViewerFor(db, access, readingId);
      return { privateNotesOf: privateNotes ? access.userId : null, may: (comment) => commentCan(access, 'settle', comment, viewer) };
    };
    const base = (clubId: number) => `/clubs/${clubId}/${path}`;

    app.get(`/clubs/:clubId/${path}`, async (c) => {
      const access = await guard(c);
      if (access instanceof Response) return access;
      const reading = await currentReading(db, access.club.id);
      const { items, ahead } = reading ? await listReanchorQueue(db, access.club.id, reading.id, await scopeOf(access, reading.id)) : { items: [], ahead: 0 };
      const error = c.req.query('error');
      return sendPage(
        c,
        <ReanchorQueuePage page={pageContext(c)} basePath={base(access.club.id)} ownNotes={privateNotes} items={items} ahead={ahead} error={error === 'no_paragraph' || error === 'no_passage' ? error : null} />,
      );
    });

    app.post(`/clubs/:clubId/${path}/:commentId`, async (c) => {
      const access = await guard(c);
      if (access instanceof Response) return access;
      const reading = await currentReading(db, access.club.id);
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
        if (chapterOrdinal === null || paragraphOrdinal === null || exact.length > 2_000) return seeOther(c, `${base(access.club.id)}?error=no_paragraph#c-${commentId}`);
        resolution = { action, chapterOrdinal, paragraphOrdinal, exact };
      } else throw notFound();
      const result = await resolveQueueItem(deps, { clubId: access.club.id, readingId: reading.id, editionId: reading.editionId, commentId, actorId: c.get('user')!.id }, resolution, await scopeOf(access, reading.id));
      if (result === 'not_found' || result === 'not_applicable') throw notFound();
      if (result !== 'ok') return seeOther(c, `${base(access.club.id)}?error=${result}#c-${commentId}`);
      return seeOther(c, base(access.club.id));
    });
  };

  queue('orphans', moderatorOf, false);
  queue('my-orphans', async (c) => {
    const access = await kit.clubAccessOf(c);
    // Members only: whoever may write notes in the club may place their own.
    const viewer = { userId: access.userId, progressPosition: 0, revealedChapterIds: new Set<number>() };
    return commentCan(access, 'post', null, viewer) ? access : refuse(c, `/clubs/${access.club.id}`);
  }, true);

  return app;
}
