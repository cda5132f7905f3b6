/**
 * Reading: a paragraph's threads, a chapter's own discussion, a comment's history, a comment's
 * forms on demand, and revealing a chapter's comments ahead of one's progress.
 *
 *   GET  /clubs/:clubId/paragraphs/:paragraphId/comments     a paragraph's threads (?order=reading|newest)
 *   GET  /clubs/:clubId/discussion/:chapterId                a chapter's own discussion thread
 *   GET  /clubs/:clubId/comments/:commentId/history          edit history
 *   GET  /clubs/:clubId/comments/:commentId/forms            a comment's forms, loaded into a thread fragment (htmx)
 *   POST /clubs/:clubId/reveal/:chapterId                    show a chapter's comments ahead of progress
 *   POST /clubs/:clubId/reveal/:chapterId/unreveal           undo that
 *
 * GETs answer a fragment to htmx (`HX-Request`) and a whole page otherwise.
 */
import { Hono } from 'hono';
import { HistoryPage } from '../../../views/annotations/pages';
import { CommentForms } from '../../../views/annotations/threads';
import { notFound } from '../../http/errors';
import { isHtmx, readForm } from '../../http/forms';
import { refuse } from '../../http/guards';
import { pageContext, seeOther, sendFragment, sendPage } from '../../http/page';
import type { AppEnv, AreaDeps } from '../../http/types';
import { renderCommentBody } from '../markdown';
import { canSeeModeratedBody, commentCan } from '../policy';
import { annotationUrls, chapterPageUrl, commentFormsView, formatTime, mentionLinker, readingParamOf } from '../present';
import { reactionTallies, revealChapter, revisionsOf, unrevealChapter } from '../queries';
import { parseThreadOrder } from '../threads';
import { requireId, type AnnotationKit, type C } from './shared';

export function readingRoutes(deps: AreaDeps, kit: AnnotationKit): Hono<AppEnv> {
  const { db, clock, events } = deps;
  const app = new Hono<AppEnv>();

  /** The threads of a paragraph or of a chapter's own discussion, in the reading asked for. */
  async function threadsOf(c: C, scope: 'paragraph' | 'chapter') {
    const access = await kit.clubAccessOf(c);
    const reading = await kit.readingOf(access, c.req.query('reading'));
    const place = scope === 'paragraph' ? await kit.paragraphPlace(reading, requireId(c.req.param('paragraphId'))) : await kit.chapterPlace(reading, requireId(c.req.param('chapterId')));
    await kit.requireOpen(access, place);
    const p = kit.presenter(c, access, await kit.gateViewer(access, reading), reading);
    return kit.respondThreads(c, p, place, { order: parseThreadOrder(c.req.query('order')) });
  }

  app.get('/clubs/:clubId/paragraphs/:paragraphId/comments', (c) => threadsOf(c, 'paragraph'));
  app.get('/clubs/:clubId/discussion/:chapterId', (c) => threadsOf(c, 'chapter'));

  app.get('/clubs/:clubId/comments/:commentId/history', async (c) => {
    const access = await kit.clubAccessOf(c);
    const { comment, place } = await kit.visibleComment(c, access);
    // A history shows bodies: only of comments whose body this reader may read.
    const bodyVisible = comment.deletedAt === null && (comment.moderation === null || canSeeModeratedBody(access, comment));
    if (!bodyVisible) throw notFound();
    const p = kit.presenter(c, access, await kit.gateViewer(access, place.reading), place.reading);
    const mentionHref = await mentionLinker(db, access.club.id, [comment]);
    const current = formatTime(p, comment.editedAt ?? comment.createdAt);
    const versions = [
      { label: current.label, iso: current.iso, bodyHtml: renderCommentBody(comment.body, { mentionHref }), current: true },
      ...(await revisionsOf(db, comment.id)).map((revision) => {
        const time = formatTime(p, revision.createdAt);
        return { label: time.label, iso: time.iso, bodyHtml: renderCommentBody(revision.body, { mentionHref }), current: false };
      }),
    ];
    return sendPage(c, <HistoryPage page={pageContext(c)} backHref={kit.backHref(access.club.id, place)} authorName={comment.authorDisplayName} versions={versions} />);
  });

  /**
   * A comment's forms, loaded when the reader opens them in a thread fragment (which carries
   * only the openers, so a busy paragraph's fragment stays small). Without htmx the reader gets
   * the whole threads page, where every form is in place.
   */
  app.get('/clubs/:clubId/comments/:commentId/forms', async (c) => {
    const access = await kit.clubAccessOf(c);
    const { comment, place, viewer } = await kit.visibleComment(c, access);
    const urls = annotationUrls(access.club.id, readingParamOf(place.reading));
    const order = parseThreadOrder(c.req.query('order'));
    if (!isHtmx(c)) {
      const threads = place.paragraph ? urls.paragraph(place.paragraph.id, { order }) : urls.discussion(place.chapter.id, { order });
      return seeOther(c, `${threads}#c-${comment.id}`);
    }
    const p = kit.presenter(c, access, viewer, place.reading);
    const tallies = await reactionTallies(db, { readingId: place.reading.id, chapterId: place.chapter.id, paragraphId: place.paragraph?.id ?? null }, viewer.userId);
    const { view, comment: shown } = await commentFormsView(p, comment, tallies.filter((tally) => tally.commentId === comment.id), {
      scope: place.paragraph ? { kind: 'paragraph', paragraphId: place.paragraph.id, ordinal: place.paragraph.ordinal } : { kind: 'chapter', chapterId: place.chapter.id },
      order,
      returnTo: place.paragraph ? urls.paragraph(place.paragraph.id) : urls.discussion(place.chapter.id),
    });
    return sendFragment(c, <CommentForms t={c.get('t')} view={view} comment={shown} rootId={comment.rootId ?? comment.id} />);
  });

  async function revealRoute(c: C, reveal: boolean) {
    const access = await kit.clubAccessOf(c);
    const form = await readForm(c);
    const reading = await kit.readingOf(access, form.reading_id);
    const place = await kit.chapterPlace(reading, requireId(c.req.param('chapterId')));
    await kit.requireOpen(access, place);
    if (!commentCan(access, 'reveal', null, await kit.gateViewer(access, reading))) return refuse(c);
    if (reveal) await revealChapter(db, reading.id, access.userId!, place.chapter.id, clock());
    else await unrevealChapter(db, reading.id, access.userId!, place.chapter.id);
    await events.publish({ type: 'spoilers.revealed', actorId: access.userId, clubId: access.club.id, readingId: reading.id, chapterId: place.chapter.id, revealed: reveal });
    return seeOther(c, `${chapterPageUrl(access.club.id, reading, place.chapter.ordinal)}#reveal`);
  }

  app.post('/clubs/:clubId/reveal/:chapterId', (c) => revealRoute(c, true));
  app.post('/clubs/:clubId/reveal/:chapterId/unreveal', (c) => revealRoute(c, false));

  return app;
}
