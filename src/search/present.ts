/**
 * Turning matches into what a search page shows, spoiler-safe. Every decision about what a
 * reader may see comes from elsewhere, asked here:
 *
 * - comments: the annotations area's gate (`partitionVisible`) over the facts of every match
 *   read (`matches.ts`), which gives the visible ones to show and the count of club comments
 *   hidden; `commentVisibleTo` again on every row shown; other people's private notes are
 *   never shown nor counted; deleted, hidden and removed comments are not in the index;
 * - book text: the same gate, reading a paragraph as a comment by nobody anchored at its
 *   position — so it shows when the reader has read that far or revealed the chapter, exactly
 *   like the discussion of it. Beyond that a chapter shows as "in 3.1 (ahead of you)" with a
 *   count, never a word of it;
 * - chapters not yet open to the reader (the club's schedule, `chapterOpenTo`) show nothing.
 */
import type { Db } from '../../db/connection';
import type { Chapter, Reading } from '../../db/schema';
import { commentPlainText, commentVisibleTo, gateViewerFor, partitionVisible, type GateViewer } from '../annotations';
import { listChapters } from '../books';
import { chapterBasePath, chapterLabel, chapterOpenTo, scheduleOf, type ClubAccess } from '../clubs';
import type { Locale, Translator } from '../i18n';
import { formatDateTime } from '../i18n/zoned-time';
import { LruCache } from '../lib/lru-cache';
import {
  commentsShown,
  drainCommentOutbox,
  indexEdition,
  libraryMatches,
  MATCHES_READ,
  paragraphTexts,
  unindexedEditionIds,
  type CommentMatch,
  type ParagraphMatch,
  type SearchOrder,
} from './queries';
import { editionMatches, readingMatches } from './matches';
import { buildSearchQuery, type SearchExpression, type SearchQuery } from './query';
import { snippetOf } from './snippet';
import type { BookChapterView, ClubSearchResultsView, CommentChapterView, LibrarySearchResultsView } from './types';

/** Most book paragraphs shown with a snippet, and most comments shown, per search. */
export const BOOK_HITS_SHOWN = 20;
export const COMMENT_HITS_SHOWN = 20;
export const LIBRARY_HITS_SHOWN = 50;

export function orderOf(value: string | undefined): SearchOrder {
  return value === 'newest' ? 'newest' : 'best';
}

export interface SearchUi {
  t: Translator;
  locale: Locale;
  timeZone: string;
  now: number;
}

/** A paragraph read by the gate: a "comment" by nobody, anchored where the paragraph is. */
function paragraphVisibleTo(match: ParagraphMatch, viewer: GateViewer): boolean {
  return commentVisibleTo({ authorId: -1, anchorPosition: match.position, visibility: 'club', chapterId: match.chapterId }, viewer);
}

export function searchUrl(clubId: number, query: string, order: SearchOrder): string {
  const params = new URLSearchParams({ q: query });
  if (order === 'newest') params.set('order', 'newest');
  return `/clubs/${clubId}/search?${params}`;
}

/**
 * An edition's chapters by id, kept per database (an edition's chapters never change once
 * imported), so a search as you type does not read them at every keystroke.
 */
const chapterCaches = new WeakMap<Db, LruCache<number, Map<number, Chapter>>>();
async function chaptersOf(db: Db, editionId: number): Promise<Map<number, Chapter>> {
  let cache = chapterCaches.get(db);
  if (!cache) chapterCaches.set(db, (cache = new LruCache(64)));
  return cache.get(editionId) ?? cache.set(editionId, new Map((await listChapters(db, editionId)).map((c) => [c.id, c])));
}

/** Whatever is waiting in the comment outbox, and the edition, indexed before a search reads them. */
async function catchUp(db: Db, editionId: number, now: number): Promise<void> {
  await drainCommentOutbox(db);
  await indexEdition(db, editionId, now);
}

/** A query with something to search for. */
type Searchable = SearchQuery & SearchExpression;

async function bookResults(db: Db, editionId: number, chapters: Map<number, Chapter>, query: Searchable, order: SearchOrder, viewer: GateViewer, isOpen: (chapterId: number) => boolean, base: string, t: Translator) {
  const matches = (await editionMatches(db, editionId, query)).filter((m) => isOpen(m.chapterId));
  const visible = matches.filter((m) => paragraphVisibleTo(m, viewer));
  // Best: by score (bm25, ts_rank); newest: in reading order (the book has no dates).
  const shown = (order === 'best' ? [...visible].sort((a, b) => a.score - b.score || a.position - b.position) : visible).slice(0, BOOK_HITS_SHOWN);
  const rank = new Map(shown.map((m, index) => [m.id, index]));
  const texts = await paragraphTexts(db, shown.map((m) => m.id));
  const byChapter = new Map<number, BookChapterView & { rank: number; position: number }>();
  for (const m of matches) {
    const chapter = chapters.get(m.chapterId);
    if (!chapter) continue;
    const ahead = !paragraphVisibleTo(m, viewer);
    const key = ahead ? -m.chapterId : m.chapterId;
    let group = byChapter.get(key);
    if (!group) byChapter.set(key, (group = { label: chapterLabel(t, chapter), ahead, matchCount: 0, hits: [], rank: Number.MAX_SAFE_INTEGER, position: chapter.firstPosition }));
    group.matchCount += 1;
    group.rank = Math.min(group.rank, rank.get(m.id) ?? Number.MAX_SAFE_INTEGER);
  }
  for (const m of shown) {
    const chapter = chapters.get(m.chapterId)!;
    byChapter.get(m.chapterId)!.hits.push({ href: `${base}/${chapter.ordinal}#p-${m.ordinal}`, paragraphOrdinal: m.ordinal, snippet: snippetOf(texts.get(m.id) ?? '', query.needles) });
  }
  // What the reader may read first (best match first, or in reading order), then what lies ahead, in reading order.
  const groups = [...byChapter.values()].sort((a, b) => Number(a.ahead) - Number(b.ahead) || (order === 'best' && !a.ahead ? a.rank - b.rank : 0) || a.position - b.position);
  if (order === 'newest') for (const group of groups) group.hits.sort((a, b) => a.paragraphOrdinal - b.paragraphOrdinal);
  return {
    chapters: groups.map(({ rank: _rank, position: _position, ...group }) => group),
    visibleCount: visible.length,
    aheadCount: matches.length - visible.length,
    atLeast: matches.length >= MATCHES_READ,
  };
}

async function discussionResults(db: Db, reading: Reading, chapters: Map<number, Chapter>, query: Searchable, order: SearchOrder, viewer: GateViewer, isOpen: (chapterId: number) => boolean, clubBase: string, ui: SearchUi) {
  const readingParam = reading.endedAt === null ? '' : `?reading=${reading.id}`;
  const matches = await readingMatches(db, reading.id, query);
  // The gate itself over every match read: what the reader may see (in the order asked for:
  // newest by id, ids grow with time; or best by score), and how many club comments it hides.
  const { visible, hiddenCount } = partitionVisible(order === 'best' ? matches.bestFirst : matches.newestFirst, viewer);
  const listed = visible.filter((m) => isOpen(m.chapterId)).slice(0, COMMENT_HITS_SHOWN);
  // Bodies, authors and paragraphs for the listed ones only, through the gate once more.
  const rows = (await commentsShown(db, listed.map((m) => m.id))).filter((row) => commentVisibleTo(row, viewer) && isOpen(row.chapterId));
  const atLeast = matches.atLeast;
  const groups = new Map<number, CommentChapterView>();
  for (const row of rows) {
    const chapter = chapters.get(row.chapterId);
    if (!chapter) continue;
    let group = groups.get(row.chapterId);
    if (!group) groups.set(row.chapterId, (group = { label: chapterLabel(ui.t, chapter), hits: [] }));
    group.hits.push({
      href: threadHref(clubBase, readingParam, row),
      authorName: row.authorDisplayName,
      createdIso: new Date(row.createdAt).toISOString(),
      createdLabel: formatDateTime(row.createdAt, ui.locale, ui.timeZone),
      isPrivate: row.visibility === 'private',
      where: row.paragraphOrdinal !== null ? ui.t('search.discussion.paragraph', { ordinal: row.paragraphOrdinal }) : ui.t('search.discussion.chapter_thread'),
      snippet: snippetOf(commentPlainText(row.body), query.needles),
    });
  }
  return { chapters: [...groups.values()], shownCount: rows.length, visibleCount: visible.length, hiddenCount, atLeast };
}

/** The thread a comment is in, opened on it: the paragraph's threads page, or the chapter's. */
function threadHref(clubBase: string, readingParam: string, row: CommentMatch): string {
  const path = row.paragraphId !== null ? `${clubBase}/paragraphs/${row.paragraphId}/comments` : `${clubBase}/discussion/${row.chapterId}`;
  return `${path}${readingParam}#c-${row.id}`;
}

/** The club's search results for this reader: book text and discussion of the current reading. */
export async function clubSearchResults(deps: { db: Db }, access: ClubAccess, reading: Reading | undefined, input: string | undefined, order: SearchOrder, ui: SearchUi): Promise<ClubSearchResultsView> {
  const query = buildSearchQuery(input);
  const orderHrefs = { best: searchUrl(access.club.id, query.text, 'best'), newest: searchUrl(access.club.id, query.text, 'newest') };
  const nothing = { book: { chapters: [], visibleCount: 0, aheadCount: 0, atLeast: false }, discussion: { chapters: [], shownCount: 0, visibleCount: 0, hiddenCount: 0, atLeast: false } };
  if (!reading) return { query: query.text, order, empty: query.match === null, noReading: true, orderHrefs, ...nothing };
  if (query.match === null) return { query: query.text, order, empty: true, noReading: false, orderHrefs, ...nothing };
  await catchUp(deps.db, reading.editionId, ui.now);
  const viewer = await gateViewerFor(deps.db, access, reading.id);
  const chapters = await chaptersOf(deps.db, reading.editionId);
  const schedule = await scheduleOf(deps.db, reading.id);
  const isOpen = (chapterId: number) => chapterOpenTo(access, schedule.get(chapterId) ?? null, ui.now);
  const base = chapterBasePath(access.club.id, reading);
  return {
    query: query.text,
    order,
    empty: false,
    noReading: false,
    orderHrefs,
    book: await bookResults(deps.db, reading.editionId, chapters, query, order, viewer, isOpen, base, ui.t),
    discussion: await discussionResults(deps.db, reading, chapters, query, order, viewer, isOpen, `/clubs/${access.club.id}`, ui),
  };
}

/** The site admin's search over every edition's text (no club, so no gate). */
export async function librarySearchResults(db: Db, input: string | undefined, t: Translator, now: number): Promise<LibrarySearchResultsView> {
  const query = buildSearchQuery(input);
  if (query.match === null) return { query: query.text, empty: true, hits: [] };
  for (const editionId of await unindexedEditionIds(db)) await indexEdition(db, editionId, now);
  const hits = (await libraryMatches(db, query, LIBRARY_HITS_SHOWN)).map((m) => ({
    href: `/books/${m.editionId}/chapters/${m.chapterOrdinal}#p-${m.ordinal}`,
    bookTitle: m.editionTitle,
    chapterLabel: chapterLabel(t, { title: m.chapterTitle, kind: m.chapterKind }),
    paragraphOrdinal: m.ordinal,
    snippet: snippetOf(m.text, query.needles),
  }));
  return { query: query.text, empty: false, hits };
}
