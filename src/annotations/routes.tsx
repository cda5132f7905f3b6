/**
 * Routes of the annotations area, all under `/clubs/:clubId/…`:
 *
 *   GET  /clubs/:clubId/paragraphs/:paragraphId/comments   a paragraph's threads (?order=reading|newest)
 *   GET  /clubs/:clubId/discussion/:chapterId              a chapter's own discussion thread
 *   POST /clubs/:clubId/comments                           new root (paragraph, passage, chapter) or reply (parent_id)
 *   POST /clubs/:clubId/comments/:commentId/edit           author edits (old body kept as a revision)
 *   POST /clubs/:clubId/comments/:commentId/delete         author deletes
 *   POST /clubs/:clubId/comments/:commentId/moderate       moderator hides or removes, with a reason
 *   POST /clubs/:clubId/comments/:commentId/react          toggle a reaction from the fixed set
 *   GET  /clubs/:clubId/comments/:commentId/history        edit history
 *   POST /clubs/:clubId/reveal/:chapterId                  show a chapter's comments ahead of progress
 *   POST /clubs/:clubId/reveal/:chapterId/unreveal         undo that
 *
 * GETs answer a fragment to htmx (`HX-Request`) and a whole page otherwise. POSTs answer htmx
 * with the refreshed threads of the comment's paragraph (or chapter) and everyone else with a
 * 303 back to the page they came from (the chapter page `#p-N` by default). Refusals of input
 * are 422 with the form re-shown, translated message and typed text kept.
 *
 * Every id is looked up inside the club (and its reading, and its book): an id from another
 * club, a comment the reader may not see yet, a chapter not open to them — all answer 404,
 * exactly as if they did not exist. Permission answers come from `policy.ts` only.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { REACTIONS, type Chapter, type Paragraph, type Reaction, type Reading } from '../../db/schema';
import { MarginSummary } from '../../views/annotations/chapter';
import { DiscussionPage, HistoryPage, ParagraphCommentsPage } from '../../views/annotations/pages';
import { SUMMARY_SWAP, Threads, type FormState } from '../../views/annotations/threads';
import { redirectToLogin } from '../auth/routes';
import { getChapterById, getEdition, getParagraph } from '../books/queries';
import { chapterOpensAt, currentReading, getReading, clubAccessOr404, type ClubAccess } from '../clubs/access';
import { chapterOpenTo } from '../clubs/policy';
import { viewerTimeZone } from '../clubs/zoned-time';
import { forbidden, HttpError, notFound } from '../http/errors';
import { cleanText, isHtmx, parseId, readForm, safeNextPath, type FormData } from '../http/forms';
import { pageContext, seeOther, sendFragment, sendPage } from '../http/page';
import type { RateLimiters } from '../http/rate-limit';
import type { AppDeps, AppEnv } from '../http/types';
import type { MessageKey } from '../i18n';
import { anchorPositionFor, type GateViewer } from './gate';
import { COMMENT_MAX_CHARS, normalizeCommentBody, renderCommentBody } from './markdown';
import { canSeeModeratedBody, commentCan, type CommentAction } from './policy';
import {
  chapterComments,
  chapterThreadComments,
  commentInClub,
  deleteComment,
  editCommentBody,
  insertComment,
  moderateComment,
  paragraphComments,
  reactionTallies,
  revealChapter,
  revisionsOf,
  toggleReaction,
  unrevealChapter,
  type CommentRow,
} from './queries';
import { MAX_PASSAGE_CHARS, validateSelector } from './selectors';
import {
  annotationUrls,
  buildThreadsView,
  chapterPageUrl,
  formatTime,
  gateViewerFor,
  highlightsFor,
  marginViewFor,
  mentionLinker,
  readingParamOf,
  REASON_MAX_CHARS,
  type Presenter,
} from './service';
import { parseThreadOrder, tallyChapter, type ThreadOrder } from './threads';

/** How much of the answered comment a reply quotes. */
export const QUOTE_MAX_CHARS = 500;

type C = Context<AppEnv>;

/** A positive integer id from a path or form, or null. */
function requireId(value: string | undefined | null): number {
  const id = parseId(value);
  if (id === null) throw notFound();
  return id;
}

const visibilitySchema = z.enum(['club', 'private']);
const moderationSchema = z.enum(['hide', 'remove']);
const reactionSchema = z.enum(REACTIONS);

/** Where a comment (or a new one) lives: the reading, the chapter, and the paragraph if any. */
interface Place {
  reading: Reading;
  chapter: Chapter;
  paragraph: Paragraph | null;
}

export function annotationRoutes(deps: AppDeps, limiters: RateLimiters): Hono<AppEnv> {
  const { db, clock } = deps;
  const app = new Hono<AppEnv>();

  /** The club as this reader may see it; 404 for a missing club or a private one they are not in. */
  function clubAccessOf(c: C): ClubAccess {
    return clubAccessOr404(db, c.req.param('clubId'), c.get('user'));
  }

  /** `reading` given → that reading of this club; absent → the current one. */
  function readingOf(access: ClubAccess, requested: string | undefined): Reading {
    let reading: Reading | undefined;
    if (requested === undefined || requested === '') reading = currentReading(db, access.club.id);
    else {
      const id = parseId(requested);
      reading = id === null ? undefined : getReading(db, access.club.id, id);
    }
    if (!reading) throw notFound();
    return reading;
  }

  /** A chapter is part of the conversation only when it is open to this reader (schedule). */
  function requireOpen(access: ClubAccess, place: Place): void {
    if (!chapterOpenTo(access, chapterOpensAt(db, place.reading.id, place.chapter.id), clock())) throw notFound();
  }

  function paragraphPlace(reading: Reading, paragraphId: number | null): Place {
    const paragraph = paragraphId === null ? undefined : getParagraph(db, paragraphId);
    if (!paragraph || paragraph.editionId !== reading.editionId) throw notFound();
    const chapter = getChapterById(db, paragraph.chapterId);
    if (!chapter) throw notFound();
    return { reading, chapter, paragraph };
  }

  function chapterPlace(reading: Reading, chapterId: number | null): Place {
    const chapter = chapterId === null ? undefined : getChapterById(db, chapterId);
    if (!chapter || chapter.editionId !== reading.editionId) throw notFound();
    return { reading, chapter, paragraph: null };
  }

  /** A comment of this club the reader may see, with its place; 404 otherwise. */
  function visibleComment(c: C, access: ClubAccess): { comment: CommentRow; place: Place; viewer: GateViewer } {
    const comment = commentInClub(db, access.club.id, requireId(c.req.param('commentId')));
    if (!comment) throw notFound();
    const reading = getReading(db, access.club.id, comment.readingId);
    if (!reading) throw notFound();
    const viewer = gateViewerFor(db, access, reading.id);
    if (!commentCan(access, 'view', comment, viewer)) throw notFound();
    const place = comment.paragraphId !== null ? paragraphPlace(reading, comment.paragraphId) : chapterPlace(reading, comment.chapterId);
    requireOpen(access, place);
    return { comment, place, viewer };
  }

  /** Refuse an action: signed-out readers are sent to sign in, others get 403. */
  function refuse(c: C): Response {
    if (!c.get('user')) return redirectToLogin(c);
    throw forbidden();
  }

  function presenter(c: C, access: ClubAccess, viewer: GateViewer, reading: Reading): Presenter {
    return { db, access, viewer, reading, t: c.get('t'), locale: c.get('locale'), timeZone: viewerTimeZone(c.get('user')?.timeZone) };
  }

  function consumePosting(c: C): void {
    const verdict = limiters.postingPerUser.consume(`user:${c.get('user')!.id}`, clock());
    if (!verdict.allowed) throw new HttpError(429, 'error.429.body', { seconds: verdict.retryAfterSeconds }, verdict.retryAfterSeconds);
  }

  /** The threads of a place, as a fragment (htmx) or a whole page. */
  async function respondThreads(
    c: C,
    p: Presenter,
    place: Place,
    options: { order: ThreadOrder; form?: FormState | null; status?: 200 | 422; withMargin?: boolean },
  ) {
    const { reading, chapter, paragraph } = place;
    const urls = annotationUrls(p.access.club.id, readingParamOf(reading));
    const rows = paragraph ? paragraphComments(db, reading.id, paragraph.id) : chapterThreadComments(db, reading.id, chapter.id);
    const tallies = reactionTallies(db, { readingId: reading.id, chapterId: chapter.id, paragraphId: paragraph?.id ?? null }, p.viewer.userId);
    const view = buildThreadsView(p, rows, tallies, {
      scope: paragraph ? { kind: 'paragraph', paragraphId: paragraph.id, ordinal: paragraph.ordinal } : { kind: 'chapter', chapterId: chapter.id },
      order: options.order,
      closable: paragraph !== null,
      returnTo: paragraph ? urls.paragraph(paragraph.id) : urls.discussion(chapter.id),
      form: options.form ?? null,
    });
    const status = options.status ?? 200;
    const t = c.get('t');
    if (isHtmx(c)) {
      let margin = null;
      if (paragraph && options.withMargin) {
        // Keep the margin's numbers true after a change (ignored where there is no margin).
        const tally = tallyChapter(chapterComments(db, reading.id, chapter.id), p.viewer);
        const marginView = marginViewFor(urls, paragraph, tally.byParagraph.get(paragraph.id), tally.busiest, commentCan(p.access, 'post', null, p.viewer));
        margin = (
          <hx-partial hx-target={`#margin-summary-${paragraph.id}`} hx-swap={SUMMARY_SWAP}>
            <MarginSummary t={t} margin={marginView} />
          </hx-partial>
        );
      }
      return sendFragment(
        c,
        <>
          <Threads t={t} view={view} />
          {margin}
        </>,
        status,
      );
    }
    const page = pageContext(c);
    const backHref = `${chapterPageUrl(p.access.club.id, reading, chapter.ordinal)}${paragraph ? `#p-${paragraph.ordinal}` : '#discussion'}`;
    if (paragraph) {
      const tally = tallyChapter(rows, p.viewer).byParagraph.get(paragraph.id);
      return sendPage(
        c,
        <ParagraphCommentsPage
          page={page}
          chapterTitle={chapter.title}
          ordinal={paragraph.ordinal}
          paragraphText={paragraph.text}
          highlights={highlightsFor(t, tally)}
          contentLang={getEdition(db, reading.editionId)?.language ?? 'und'}
          backHref={backHref}
          threads={view}
        />,
        status,
      );
    }
    return sendPage(c, <DiscussionPage page={page} chapterTitle={chapter.title} backHref={backHref} threads={view} />, status);
  }

  /** After a successful change: the refreshed threads for htmx, a 303 back for everyone else. */
  function afterChange(c: C, p: Presenter, place: Place, form: FormData, anchor?: string) {
    if (isHtmx(c)) return respondThreads(c, p, place, { order: parseThreadOrder(form.order), withMargin: true });
    const fallback = `${chapterPageUrl(p.access.club.id, place.reading, place.chapter.ordinal)}${place.paragraph ? `#p-${place.paragraph.ordinal}` : '#discussion'}`;
    const back = safeNextPath(form.return, fallback);
    return seeOther(c, anchor && !back.includes('#') ? `${back}${anchor}` : back);
  }

  /** Re-show the form that was refused, with the message and what was typed (422). */
  function refuseInput(c: C, p: Presenter, place: Place, form: FormData, key: string, message: MessageKey, params?: Record<string, string | number>) {
    const state: FormState = { key, error: c.get('t')(message, params), values: form };
    return respondThreads(c, p, place, { order: parseThreadOrder(form.order), form: state, status: 422 });
  }

  // ------------------------------------------------------------------------------------------
  // Reading
  // ------------------------------------------------------------------------------------------

  app.get('/clubs/:clubId/paragraphs/:paragraphId/comments', (c) => {
    const access = clubAccessOf(c);
    const reading = readingOf(access, c.req.query('reading'));
    const place = paragraphPlace(reading, requireId(c.req.param('paragraphId')));
    requireOpen(access, place);
    const viewer = gateViewerFor(db, access, reading.id);
    return respondThreads(c, presenter(c, access, viewer, reading), place, { order: parseThreadOrder(c.req.query('order')) });
  });

  app.get('/clubs/:clubId/discussion/:chapterId', (c) => {
    const access = clubAccessOf(c);
    const reading = readingOf(access, c.req.query('reading'));
    const place = chapterPlace(reading, requireId(c.req.param('chapterId')));
    requireOpen(access, place);
    const viewer = gateViewerFor(db, access, reading.id);
    return respondThreads(c, presenter(c, access, viewer, reading), place, { order: parseThreadOrder(c.req.query('order')) });
  });

  app.get('/clubs/:clubId/comments/:commentId/history', (c) => {
    const access = clubAccessOf(c);
    const { comment, place } = visibleComment(c, access);
    // A history shows bodies: only of comments whose body this reader may read.
    const bodyVisible = comment.deletedAt === null && (comment.moderation === null || canSeeModeratedBody(access, comment));
    if (!bodyVisible) throw notFound();
    const p = { locale: c.get('locale'), timeZone: viewerTimeZone(c.get('user')?.timeZone) };
    const mentionHref = mentionLinker(db, access.club.id, [comment]);
    const current = formatTime(p, comment.editedAt ?? comment.createdAt);
    const versions = [
      { label: current.label, iso: current.iso, bodyHtml: renderCommentBody(comment.body, { mentionHref }), current: true },
      ...revisionsOf(db, comment.id).map((revision) => {
        const time = formatTime(p, revision.createdAt);
        return { label: time.label, iso: time.iso, bodyHtml: renderCommentBody(revision.body, { mentionHref }), current: false };
      }),
    ];
    const backHref = `${chapterPageUrl(access.club.id, place.reading, place.chapter.ordinal)}${place.paragraph ? `#p-${place.paragraph.ordinal}` : '#discussion'}`;
    return sendPage(c, <HistoryPage page={pageContext(c)} backHref={backHref} authorName={comment.authorDisplayName} versions={versions} />);
  });

  // ------------------------------------------------------------------------------------------
  // Writing
  // ------------------------------------------------------------------------------------------

  app.post('/clubs/:clubId/comments', async (c) => {
    const access = clubAccessOf(c);
    const form = await readForm(c);
    const user = c.get('user');
    const parentId = form.parent_id ? requireId(form.parent_id) : null;

    let place: Place;
    let viewer: GateViewer;
    let anchorPosition: number;
    let visibility: 'club' | 'private';
    let rootId: number | null = null;
    let quotedText: string | null = null;
    let passage: { start: number; end: number; exact: string; prefix: string; suffix: string } | null = null;
    let formKey = 'new';

    if (parentId !== null) {
      // A reply: everything about where it lives comes from the thread's root.
      formKey = `reply-${parentId}`;
      const parent = commentInClub(db, access.club.id, parentId);
      if (!parent) throw notFound();
      const reading = getReading(db, access.club.id, parent.readingId);
      if (!reading) throw notFound();
      viewer = gateViewerFor(db, access, reading.id);
      if (!commentCan(access, 'view', parent, viewer)) throw notFound();
      const root = parent.rootId === null || parent.rootId === parent.id ? parent : commentInClub(db, access.club.id, parent.rootId);
      if (!root) throw notFound();
      place = root.paragraphId !== null ? paragraphPlace(reading, root.paragraphId) : chapterPlace(reading, root.chapterId);
      requireOpen(access, place);
      // Replies in a private note's thread are private too, so the policy's "only the author
      // replies to a private note" holds for every comment of such a thread.
      if (!commentCan(access, 'reply', parent, viewer)) return refuse(c);
      rootId = root.id;
      anchorPosition = root.anchorPosition;
      visibility = root.visibility;
      if (form.quote === '1' || form.quote === 'on') quotedText = excerpt(parent.body, QUOTE_MAX_CHARS);
    } else {
      const reading = readingOf(access, form.reading_id);
      const paragraphId = form.paragraph_id ? requireId(form.paragraph_id) : null;
      if (paragraphId !== null) place = paragraphPlace(reading, paragraphId);
      else if (form.chapter_id) place = chapterPlace(reading, requireId(form.chapter_id));
      else throw notFound();
      requireOpen(access, place);
      viewer = gateViewerFor(db, access, reading.id);
      if (!commentCan(access, 'post', null, viewer)) return refuse(c);
      anchorPosition = anchorPositionFor(
        place.paragraph ? { kind: 'paragraph', paragraphPosition: place.paragraph.position } : { kind: 'chapter', chapterLastPosition: place.chapter.lastPosition },
      );
      const parsedVisibility = visibilitySchema.safeParse(form.visibility ?? 'club');
      const p = presenter(c, access, viewer, reading);
      if (!parsedVisibility.success) return refuseInput(c, p, place, form, formKey, 'annotations.error.visibility');
      visibility = parsedVisibility.data;

      const wantsPassage = [form.passage_start, form.passage_end, form.passage_exact].some((value) => value !== undefined && value !== '');
      if (wantsPassage) {
        if (!place.paragraph) return refuseInput(c, p, place, form, formKey, 'annotations.error.passage_needs_paragraph');
        const checked = validateSelector(place.paragraph.text, {
          start: form.passage_start,
          end: form.passage_end,
          exact: form.passage_exact,
          prefix: form.passage_prefix,
          suffix: form.passage_suffix,
        });
        if (!checked.ok) {
          // Re-show the form without the refused passage: sent again, it anchors to the paragraph.
          const withoutPassage = { ...form, passage_start: '', passage_end: '', passage_exact: '', passage_prefix: '', passage_suffix: '' };
          return checked.error === 'too_long'
            ? refuseInput(c, p, place, withoutPassage, formKey, 'annotations.error.passage_too_long', { max: MAX_PASSAGE_CHARS.toLocaleString('en') })
            : refuseInput(c, p, place, withoutPassage, formKey, 'annotations.error.passage');
        }
        passage = checked.selector;
      }
    }

    const p = presenter(c, access, viewer, place.reading);
    consumePosting(c);
    const body = normalizeCommentBody(form.body);
    if (!body.ok) {
      return body.error === 'empty'
        ? refuseInput(c, p, place, form, formKey, 'annotations.error.empty')
        : refuseInput(c, p, place, form, formKey, 'annotations.error.too_long', { max: COMMENT_MAX_CHARS.toLocaleString('en') });
    }

    const id = insertComment(db, {
      clubId: access.club.id,
      readingId: place.reading.id,
      chapterId: place.chapter.id,
      paragraphId: place.paragraph?.id ?? null,
      parentId,
      rootId,
      anchorPosition,
      passage,
      quotedText,
      authorId: user!.id,
      body: body.body,
      visibility,
      createdAt: clock(),
    });
    return afterChange(c, p, place, form, `#c-${id}`);
  });

  /** Shared start of the actions on one comment: find it, check the policy, or refuse. */
  function actOn(c: C, action: CommentAction) {
    const access = clubAccessOf(c);
    const found = visibleComment(c, access);
    const p = presenter(c, access, found.viewer, found.place.reading);
    return { access, ...found, p, allowed: commentCan(access, action, found.comment, found.viewer) };
  }

  app.post('/clubs/:clubId/comments/:commentId/edit', async (c) => {
    const { comment, place, p, allowed } = actOn(c, 'edit');
    if (!allowed) return refuse(c);
    const form = await readForm(c);
    consumePosting(c);
    const body = normalizeCommentBody(form.body);
    if (!body.ok) {
      return body.error === 'empty'
        ? refuseInput(c, p, place, form, `edit-${comment.id}`, 'annotations.error.empty')
        : refuseInput(c, p, place, form, `edit-${comment.id}`, 'annotations.error.too_long', { max: COMMENT_MAX_CHARS.toLocaleString('en') });
    }
    if (body.body !== comment.body) editCommentBody(db, comment.id, body.body, clock());
    return afterChange(c, p, place, form, `#c-${comment.id}`);
  });

  app.post('/clubs/:clubId/comments/:commentId/delete', async (c) => {
    const { comment, place, p, allowed } = actOn(c, 'delete');
    if (!allowed) return refuse(c);
    const form = await readForm(c);
    deleteComment(db, comment.id, clock());
    return afterChange(c, p, place, form);
  });

  app.post('/clubs/:clubId/comments/:commentId/moderate', async (c) => {
    const access = clubAccessOf(c);
    const { comment, place, viewer } = visibleComment(c, access);
    const p = presenter(c, access, viewer, place.reading);
    if (!commentCan(access, 'hide', comment, viewer) && !commentCan(access, 'remove', comment, viewer)) return refuse(c);
    const form = await readForm(c);
    const key = `moderate-${comment.id}`;
    const action = moderationSchema.safeParse(form.action);
    if (!action.success) return refuseInput(c, p, place, form, key, 'annotations.error.moderation_action');
    if (!commentCan(access, action.data, comment, viewer)) return refuse(c);
    const reason = cleanText(form.reason).replace(/\s+/g, ' ');
    if (reason === '') return refuseInput(c, p, place, form, key, 'annotations.error.reason_empty');
    if ([...reason].length > REASON_MAX_CHARS) return refuseInput(c, p, place, form, key, 'annotations.error.reason_too_long', { max: REASON_MAX_CHARS });
    moderateComment(db, comment.id, action.data === 'hide' ? 'hidden' : 'removed', reason, access.userId!);
    return afterChange(c, p, place, form, `#c-${comment.id}`);
  });

  app.post('/clubs/:clubId/comments/:commentId/react', async (c) => {
    const { comment, place, p, allowed } = actOn(c, 'react');
    if (!allowed) return refuse(c);
    const form = await readForm(c);
    const reaction = reactionSchema.safeParse(form.reaction);
    if (!reaction.success) return refuseInput(c, p, place, form, `react-${comment.id}`, 'annotations.error.reaction');
    toggleReaction(db, comment.id, p.access.userId!, reaction.data as Reaction, clock());
    return afterChange(c, p, place, form, `#c-${comment.id}`);
  });

  // ------------------------------------------------------------------------------------------
  // Spoilers
  // ------------------------------------------------------------------------------------------

  async function revealRoute(c: C, reveal: boolean) {
    const access = clubAccessOf(c);
    const form = await readForm(c);
    const reading = readingOf(access, form.reading_id);
    const place = chapterPlace(reading, requireId(c.req.param('chapterId')));
    requireOpen(access, place);
    const viewer = gateViewerFor(db, access, reading.id);
    if (!commentCan(access, 'reveal', null, viewer)) return refuse(c);
    if (reveal) revealChapter(db, reading.id, access.userId!, place.chapter.id, clock());
    else unrevealChapter(db, reading.id, access.userId!, place.chapter.id);
    return seeOther(c, `${chapterPageUrl(access.club.id, reading, place.chapter.ordinal)}#reveal`);
  }

  app.post('/clubs/:clubId/reveal/:chapterId', (c) => revealRoute(c, true));
  app.post('/clubs/:clubId/reveal/:chapterId/unreveal', (c) => revealRoute(c, false));

  return app;
}

/** The start of a comment, for a reply's quote: whole characters, an ellipsis when cut. */
export function excerpt(text: string, max: number): string {
  const characters = [...text];
  if (characters.length <= max) return text;
  return `${characters.slice(0, max).join('').trimEnd()}…`;
}
