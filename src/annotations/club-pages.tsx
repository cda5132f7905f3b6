/**
 * What the annotations area contributes to club pages (the slots are `src/clubs/slots.ts`;
 * `src/app.tsx` registers these): on the chapter page each paragraph's margin and, after the
 * text, the chapter's own discussion; on the club home, recent discussion.
 *
 * The chapter page costs a fixed number of queries whatever the chapter's size: ONE for all
 * of the chapter's comments in this reading, one for the reader's reveals, and — only when
 * the chapter's own thread has something to show — one for its reaction counts and one for
 * the member names mentions link to. Everything shown passes the spoiler gate first.
 */
import type { Child } from 'hono/jsx';
import { ChapterExtras, Margin, MarginSummary, marginIds, RevealControl } from '../../views/annotations/chapter';
import { ThreadsContainer } from '../../views/annotations/threads';
import { RecentDiscussion } from '../../views/annotations/recent';
import { OwnNotesToPlace } from '../../views/annotations/editions';
import { countReanchorQueue } from './edition-move';
import { chapterOpenTo, scheduleOf, type ChapterSlots, type ClubChapterContext, type ClubHomeContext, type ClubHomeSlots, type ParagraphDecorator } from '../clubs';
import { viewerTimeZone } from '../i18n/zoned-time';
import { COMMENT_MAX_CHARS, renderCommentBodyCached } from './markdown';
import { commentCan } from './policy';
import { commentVisibleTo, type GateComment, type GateViewer } from './gate';
import { chapterThreadComments, commentsAnchoredBetween, reactionTallies, recentLocations, recentReadingComments } from './queries';
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
  type Presenter,
} from './present';
import { arrangeThreads, isLive, tallyChapter } from './threads';
import type { RecentCommentView } from './types';
import type { GateRow } from './queries';
import { chapterRows } from './chapter-rows';

/** How many comments the club home lists. */
export const RECENT_LIMIT = 10;

/** How the reader of a chapter page stands before the spoiler gate (their progress is the page's). */
function chapterViewer(ctx: ClubChapterContext): Promise<GateViewer> {
  return gateViewerFor(ctx.deps.db, ctx.access, ctx.reading.id, ctx.access.isMember ? ctx.progress : 0);
}

/** What the chapter page's parts share for one reader (`viewer`, from {@link chapterViewer}): the gate, the tallies, the urls, the rights. */
function chapterPresentation(ctx: ClubChapterContext, rows: readonly GateRow[], viewer: GateViewer) {
  const { deps, access, reading, chapter, t } = ctx;
  const db = deps.db;
  const tally = tallyChapter(rows, viewer);
  const urls = annotationUrls(access.club.id, readingParamOf(reading));
  const canPost = commentCan(access, 'post', null, viewer);
  const p: Presenter = { db, access, viewer, reading, t, locale: ctx.locale, timeZone: viewerTimeZone(ctx.timeZone) };
  const marginOf = (paragraph: { id: number; ordinal: number }) => marginViewFor(urls, paragraph, tally.byParagraph.get(paragraph.id), tally.busiest, canPost);

  const discussion = async () => {
    // The chapter's own thread is drawn in full (bodies, authors): read only when it has comments.
    const threadRows = rows.some((row) => row.paragraphId === null) ? await chapterThreadComments(db, reading.id, chapter.id) : [];
    const hasThreads = arrangeThreads(threadRows, viewer, 'reading').threads.length > 0;
    const tallies = hasThreads ? await reactionTallies(db, { readingId: reading.id, chapterId: chapter.id, paragraphId: null }, viewer.userId) : [];
    return buildThreadsView(p, threadRows, tallies, {
      scope: { kind: 'chapter', chapterId: chapter.id },
      order: 'reading',
      returnTo: `${ctx.chapterBasePath}/${chapter.ordinal}#discussion`,
    });
  };

  const reveal = () => {
    if (!commentCan(access, 'reveal', null, viewer)) return null;
    let hiddenInChapter = tally.chapterThread.hidden;
    for (const paragraphTally of tally.byParagraph.values()) hiddenInChapter += paragraphTally.hidden;
    return {
      revealed: viewer.revealedChapterIds.has(chapter.id),
      hiddenCount: hiddenInChapter,
      revealUrl: urls.reveal(chapter.id),
      unrevealUrl: urls.unreveal(chapter.id),
      readingId: reading.id,
    };
  };
  return { viewer, tally, urls, canPost, marginOf, discussion, reveal };
}

/** The chapter page's margins, the chapter's discussion after the text, and the scripts they need. */
export async function annotationsOnChapter(ctx: ClubChapterContext): Promise<ChapterSlots> {
  const { reading, chapter, t } = ctx;
  const rows = await chapterRows(ctx.deps.db, ctx.access.club.id, reading.id, chapter.id, ctx.now);
  const shown = chapterPresentation(ctx, rows, await chapterViewer(ctx));

  const margin: ParagraphDecorator = (paragraph) => {
    const paragraphTally = shown.tally.byParagraph.get(paragraph.id);
    if (paragraph.kind === 'heading' && !paragraphTally) return undefined;
    const margin = shown.marginOf(paragraph);
    return {
      highlights: highlightsFor(t, paragraphTally),
      margin: <Margin t={t} lang={ctx.locale} margin={margin} />,
      className: margin.visible > 0 ? `has-comments heat-${margin.heat}` : undefined,
    };
  };

  const afterText = (
    <ChapterExtras
      t={t}
      extras={{
        discussion: await shown.discussion(),
        passageForm: shown.canPost ? { postUrl: shown.urls.comments, readingId: reading.id } : null,
        reveal: shown.reveal(),
        commentMaxChars: COMMENT_MAX_CHARS,
      }}
    />
  );

  return { margin, afterText, scripts: shown.canPost ? ['passage.js', 'comments.js'] : ['comments.js'] };
}

/** Which parts of a chapter page changed, for {@link annotationsLive}. */
export interface ChapterChange {
  /** Paragraphs whose margin (counts, heat) to redraw; `'all'` for every paragraph of the chapter. */
  paragraphIds: readonly number[] | 'all';
  /** Redraw the chapter's own discussion (and the reveal control). */
  discussion: boolean;
  /** Redraw the spoiler reveal control (its count of comments further on). */
  reveal: boolean;
}

/**
 * The changed parts of a chapter page for each of several readers of the SAME chapter (the live
 * stream), as `<hx-partial>` fragments swapped by id: each paragraph's margin summary, the
 * chapter's discussion, the reveal control. The chapter's comments are read once for all of
 * them; each reader's parts pass that reader's gate and rights, exactly as in
 * {@link annotationsOnChapter}, which draws the same components.
 */
export async function annotationsLive(contexts: readonly ClubChapterContext[], change: ChapterChange): Promise<string[]> {
  if (contexts.length === 0) return [];
  const first = contexts[0]!;
  const rows = await chapterRows(first.deps.db, first.access.club.id, first.reading.id, first.chapter.id, first.now);
  const wanted = change.paragraphIds === 'all' ? null : new Set(change.paragraphIds);
  // Margins and the reveal control show counts only: readers the gate treats alike (same
  // progress within this chapter, same reveal, same rights, same language, and none of their
  // own comments seen only because they wrote them) get the same bytes, drawn once. The
  // discussion shows each reader's own comments and reactions: drawn for each reader.
  const byAuthor = new Map<number, GateRow[]>();
  if (!change.discussion) {
    for (const row of rows) {
      if (!isLive(row)) continue;
      const list = byAuthor.get(row.authorId);
      if (list) list.push(row);
      else byAuthor.set(row.authorId, [row]);
    }
  }
  const drawn = new Map<string, string>();
  const fragments: string[] = [];
  // One reader after another: readers drawn alike reuse what an earlier one got (`drawn`).
  for (const ctx of contexts) fragments.push(await drawFor(ctx));
  return fragments;

  async function drawFor(ctx: ClubChapterContext): Promise<string> {
    const viewer = await chapterViewer(ctx);
    let key: string | null = null;
    if (!change.discussion) {
      const stranger = { ...viewer, userId: null };
      const own = viewer.userId === null ? [] : (byAuthor.get(viewer.userId) ?? []);
      const ownCounts = own.some((row) => commentVisibleTo(row, viewer) !== commentVisibleTo(row, stranger));
      const progress = Math.min(Math.max(viewer.progressPosition, ctx.chapter.firstPosition - 1), ctx.chapter.lastPosition);
      key = [
        ownCounts ? `u${viewer.userId}` : `p${progress}`,
        viewer.revealedChapterIds.has(ctx.chapter.id),
        commentCan(ctx.access, 'post', null, viewer),
        commentCan(ctx.access, 'reveal', null, viewer),
        ctx.locale,
      ].join('|');
      const same = drawn.get(key);
      if (same !== undefined) return same;
    }
    const shown = chapterPresentation(ctx, rows, viewer);
    const parts: string[] = [];
    for (const paragraph of ctx.paragraphs) {
      if (paragraph.kind === 'heading' || (wanted && !wanted.has(paragraph.id))) continue;
      parts.push(partial(`#${marginIds(paragraph.id).summary}`, 'outerHTML', <MarginSummary t={ctx.t} margin={shown.marginOf(paragraph)} />));
    }
    if (change.discussion) {
      const discussion = await shown.discussion();
      parts.push(partial(`#${discussion.containerId}`, 'outerHTML', <ThreadsContainer t={ctx.t} view={discussion} />));
    }
    if (change.discussion || change.reveal) {
      const reveal = shown.reveal();
      parts.push(partial('#reveal-slot', 'innerHTML', reveal ? <RevealControl t={ctx.t} reveal={reveal} /> : ''));
    }
    const html = parts.join('');
    if (key !== null) drawn.set(key, html);
    return html;
  }
}

function partial(target: string, swap: string, content: Child): string {
  return String(
    <hx-partial hx-target={target} hx-swap={`${swap} settle:0`}>
      {content}
    </hx-partial>,
  );
}

/**
 * How many comments a member would see that they cannot see now, were their progress moved to
 * each of `positions` (say, by "I have read up to here"). The spoiler gate decides both sides
 * (reveals, own comments and private notes included); one query whatever the number of
 * positions. Positions at or before the current progress open nothing.
 */
export async function commentsOpenedByProgress(ctx: Pick<ClubChapterContext, 'deps' | 'access' | 'reading' | 'progress'>, positions: readonly number[]): Promise<Map<number, number>> {
  const { deps, access, reading } = ctx;
  const opened = new Map<number, number>(positions.map((position) => [position, 0]));
  const furthest = Math.max(ctx.progress, ...positions);
  if (!access.isMember || furthest <= ctx.progress) return opened;
  const now = await gateViewerFor(deps.db, access, reading.id, ctx.progress);
  const sorted = [...new Set(positions)].filter((position) => position > ctx.progress).sort((a, b) => a - b);
  /** The first of `sorted` at which the gate lets `comment` through (the gate only opens as progress grows). */
  const opensAt = (comment: GateComment): number | undefined => {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (commentVisibleTo(comment, { ...now, progressPosition: sorted[mid]! })) high = mid;
      else low = mid + 1;
    }
    return sorted[low];
  };
  const firstOpening = new Map<number, number>();
  for (const comment of await commentsAnchoredBetween(deps.db, reading.id, ctx.progress, furthest)) {
    if (commentVisibleTo(comment, now)) continue;
    const at = opensAt(comment);
    if (at !== undefined) firstOpening.set(at, (firstOpening.get(at) ?? 0) + 1);
  }
  let running = 0;
  for (const position of sorted) {
    running += firstOpening.get(position) ?? 0;
    opened.set(position, running);
  }
  return opened;
}

/** Recent discussion on the club home: the latest comments this reader may see, spoiler-safe. */
export async function annotationsOnClubHome(ctx: ClubHomeContext): Promise<ClubHomeSlots> {
  const { deps, access, reading, t } = ctx;
  if (!reading) return {};
  const db = deps.db;
  const viewer = await gateViewerFor(db, access, reading.id, access.isMember ? ctx.progress : 0);
  // The query applies the spoiler gate in SQL (the same rule, see visibleToSql); the policy
  // decides again, and a chapter whose opening date was moved later keeps its discussion hidden.
  const candidates = await recentReadingComments(db, reading.id, viewer, RECENT_LIMIT * 3);
  const schedule = await scheduleOf(db, reading.id);
  const rows = candidates
    .filter((row) => chapterOpenTo(access, schedule.get(row.chapterId) ?? null, ctx.now) && commentCan(access, 'view', row, viewer))
    .slice(0, RECENT_LIMIT);
  const locations = await recentLocations(db, rows);
  const mentionHref = await mentionLinker(db, access.club.id, rows);
  const p = { locale: ctx.locale, timeZone: viewerTimeZone(ctx.timeZone) };
  const items: RecentCommentView[] = rows.map((row) => {
    const where = locations.get(row.id);
    const chapterTitle = where?.chapterTitle ?? '';
    const ordinal = where?.chapterOrdinal ?? 1;
    const anchor = row.paragraphId !== null && where?.paragraphOrdinal != null ? `#p-${where.paragraphOrdinal}` : '#discussion';
    const time = formatTime(p, row.createdAt);
    return {
      id: row.id,
      authorName: row.authorDisplayName,
      createdIso: time.iso,
      createdLabel: time.label,
      where:
        row.paragraphId !== null && where?.paragraphOrdinal != null
          ? t('annotations.recent.where', { chapter: chapterTitle, ordinal: where.paragraphOrdinal })
          : t('annotations.recent.where_chapter', { chapter: chapterTitle }),
      href: `${chapterPageUrl(access.club.id, reading, ordinal)}${anchor}`,
      bodyHtml: renderCommentBodyCached(row.body, { mentionHref }),
      isPrivate: row.visibility === 'private',
      passageExact: row.rootId === row.id || row.rootId === null ? row.passageExact : null,
    };
  });
  // A move to another edition that could not place some of the member's private notes: only they can.
  const ownToPlace = access.isMember && access.userId !== null ? await countReanchorQueue(db, access.club.id, reading.id, { privateNotesOf: access.userId }) : 0;
  return {
    recentActivity: <RecentDiscussion t={t} items={items} />,
    ...(ownToPlace > 0 ? { panels: <OwnNotesToPlace t={t} count={ownToPlace} href={`/clubs/${access.club.id}/my-orphans`} /> } : {}),
  };
}
