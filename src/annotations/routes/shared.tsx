/**
 * What the annotations routes share: finding the club, the reading and the place of a comment
 * inside it (anything from another club, or not open to the reader, is 404 exactly like an id
 * that never existed), presenting threads as a fragment or a page, and answering after a change.
 */
import type { Context } from 'hono';
import type { Reading } from '../../../db/schema';
import { MarginSummary } from '../../../views/annotations/chapter';
import { DiscussionPage, ParagraphCommentsPage } from '../../../views/annotations/pages';
import { SUMMARY_SWAP, Threads } from '../../../views/annotations/threads';
import { getEdition } from '../../books';
import { clubAccessOr404, type ClubAccess } from '../../clubs';
import type { DomainEvent } from '../../events';
import { notFound } from '../../http/errors';
import { isHtmx, parseId, safeNextPath, type FormData } from '../../http/forms';
import { pageContext, seeOther, sendFragment, sendPage, sendPersonalPage } from '../../http/page';
import type { AppEnv, AreaDeps } from '../../http/types';
import { viewerTimeZone } from '../../i18n/zoned-time';
import type { GateViewer } from '../gate';
import { commentCan } from '../policy';
import { annotationUrls, buildThreadsView, chapterPageUrl, highlightsFor, marginViewFor, readingParamOf, type Presenter } from '../present';
import { chapterThreadComments, paragraphComments, reactionTallies, type CommentRow } from '../queries';
import { commentFacts, commentPlaces, type Place } from '../service';
import { chapterRows } from '../chapter-rows';
import { parseThreadOrder, tallyChapter, type ThreadOrder } from '../threads';
import type { FormState } from '../types';
import type { InputRefusal } from '../validation';

export type C = Context<AppEnv>;

export type { Place };
export { commentFacts };

/** A positive integer id from a path or form, or a 404 thrown. */
export function requireId(value: string | undefined | null): number {
  const id = parseId(value);
  if (id === null) throw notFound();
  return id;
}

export type AnnotationKit = ReturnType<typeof annotationKit>;

export function annotationKit(deps: AreaDeps) {
  const { db, clock } = deps;

  /** The club as this reader may see it; 404 for a missing club or a private one they are not in. */
  async function clubAccessOf(c: C): Promise<ClubAccess> {
    return await clubAccessOr404(deps, c.req.param('clubId'), c.get('user'));
  }

  // Finding readings, places and comments is the area's service (shared with the JSON API).
  const places = commentPlaces(deps);
  const { readingOf, requireOpen, paragraphPlace, chapterPlace, placeOf } = places;

  /** A comment of this club the reader may see, with its place; 404 otherwise. */
  function visibleComment(c: C, access: ClubAccess, commentId: number = requireId(c.req.param('commentId'))): Promise<{ comment: CommentRow; place: Place; viewer: GateViewer }> {
    return places.visibleComment(access, commentId);
  }

  /** How this reader stands before the spoiler gate in a reading. */
  function gateViewer(access: ClubAccess, reading: Reading): Promise<GateViewer> {
    return places.gateViewer(access, reading);
  }

  function presenter(c: C, access: ClubAccess, viewer: GateViewer, reading: Reading): Presenter {
    return { db, access, viewer, reading, t: c.get('t'), locale: c.get('locale'), timeZone: viewerTimeZone(c.get('user')?.timeZone) };
  }

  /** The page a place's threads belong on: its chapter page, at the paragraph or the discussion. */
  function backHref(clubId: number, place: Place): string {
    return `${chapterPageUrl(clubId, place.reading, place.chapter.ordinal)}${place.paragraph ? `#p-${place.paragraph.ordinal}` : '#discussion'}`;
  }

  /** The threads of a place, as a fragment (htmx: each comment's forms load on demand) or a whole page. */
  async function respondThreads(c: C, p: Presenter, place: Place, options: { order: ThreadOrder; form?: FormState | null; status?: 200 | 422; withMargin?: boolean }) {
    const { reading, chapter, paragraph } = place;
    const urls = annotationUrls(p.access.club.id, readingParamOf(reading));
    const htmx = isHtmx(c);
    const status = options.status ?? 200;
    const t = c.get('t');
    const threadsOf = async (rows: readonly CommentRow[]) => {
      const tallies = await reactionTallies(db, { readingId: reading.id, chapterId: chapter.id, paragraphId: paragraph?.id ?? null }, p.viewer.userId);
      return buildThreadsView(p, rows, tallies, {
        scope: paragraph ? { kind: 'paragraph', paragraphId: paragraph.id, ordinal: paragraph.ordinal } : { kind: 'chapter', chapterId: chapter.id },
        order: options.order,
        closable: paragraph !== null,
        returnTo: paragraph ? urls.paragraph(paragraph.id) : urls.discussion(chapter.id),
        form: options.form ?? null,
        lazyForms: htmx,
      });
    };
    const scopeRows = () => (paragraph ? paragraphComments(db, reading.id, paragraph.id) : chapterThreadComments(db, reading.id, chapter.id));

    if (htmx) {
      const fragment = async () => {
        let margin = null;
        if (paragraph && options.withMargin) {
          // Keep the margin's numbers true after a change (ignored where there is no margin).
          const tally = tallyChapter(await chapterRows(db, p.access.club.id, reading.id, chapter.id, clock()), p.viewer);
          const marginView = marginViewFor(urls, paragraph, tally.byParagraph.get(paragraph.id), tally.busiest, commentCan(p.access, 'post', null, p.viewer));
          margin = (
            <hx-partial hx-target={`#margin-summary-${paragraph.id}`} hx-swap={SUMMARY_SWAP}>
              <MarginSummary t={t} margin={marginView} />
            </hx-partial>
          );
        }
        const view = await threadsOf(await scopeRows());
        return (
          <>
            <Threads t={t} view={view} />
            {margin}
          </>
        );
      };
      // A plain load of a paragraph's or chapter's threads comes from the reader's page cache
      // (their own changes show at once, others' within PAGE_CACHE_STALE_MS), like chapter pages.
      // What the gate and the policy decide from is part of the key, so a cached fragment never
      // outlives the reader's progress, reveals or role, however they changed.
      const user = c.get('user');
      if (user && c.req.method === 'GET' && status === 200 && !options.form) {
        const decidedBy = `${p.access.role}:${p.viewer.progressPosition}:${[...p.viewer.revealedChapterIds].join(',')}`;
        return sendPersonalPage(c, deps.pageCache, { userId: user.id, clubId: p.access.club.id }, clock(), async () => String(await fragment()), `hx:${options.order}:${decidedBy}`);
      }
      return sendFragment(c, await fragment(), status);
    }
    const rows = await scopeRows();
    const view = await threadsOf(rows);
    const page = pageContext(c);
    const back = backHref(p.access.club.id, place);
    if (paragraph) {
      const tally = tallyChapter(rows, p.viewer).byParagraph.get(paragraph.id);
      const edition = await getEdition(db, reading.editionId);
      return sendPage(
        c,
        <ParagraphCommentsPage
          page={page}
          chapterTitle={chapter.title}
          ordinal={paragraph.ordinal}
          paragraphText={paragraph.text}
          highlights={highlightsFor(t, tally)}
          contentLang={edition?.language ?? 'und'}
          backHref={back}
          threads={view}
        />,
        status,
      );
    }
    return sendPage(c, <DiscussionPage page={page} chapterTitle={chapter.title} backHref={back} threads={view} />, status);
  }

  /** After a successful change: publish it, then answer ({@link answerChange}). */
  async function afterChange(c: C, p: Presenter, place: Place, form: FormData, event: DomainEvent, anchor?: string) {
    await deps.events.publish(event);
    return answerChange(c, p, place, form, anchor);
  }

  /** After a change already published: the refreshed threads for htmx, a 303 back for everyone else. */
  function answerChange(c: C, p: Presenter, place: Place, form: FormData, anchor?: string) {
    if (isHtmx(c)) return respondThreads(c, p, place, { order: parseThreadOrder(form.order), withMargin: true });
    const back = safeNextPath(form.return, backHref(p.access.club.id, place));
    return seeOther(c, anchor && !back.includes('#') ? `${back}${anchor}` : back);
  }

  /** Re-show the form that was refused, with the message and what was typed (422). */
  function refuseInput(c: C, p: Presenter, place: Place, form: FormData, key: string, refusal: InputRefusal) {
    const state: FormState = { key, error: c.get('t')(refusal.message, refusal.params), values: refusal.values ?? form };
    return respondThreads(c, p, place, { order: parseThreadOrder(form.order), form: state, status: 422 });
  }

  return { places, clubAccessOf, readingOf, requireOpen, gateViewer, paragraphPlace, chapterPlace, placeOf, visibleComment, presenter, backHref, respondThreads, afterChange, answerChange, refuseInput };
}
