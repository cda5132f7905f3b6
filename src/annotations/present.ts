/**
 * Presenting comments: who the reader is for the spoiler gate, and turning gated rows into the
 * plain data views draw (`./types.ts`: thread views with each comment's allowed actions decided
 * by the policy, margins, recent discussion). No view is imported here.
 *
 * Nothing here decides visibility or permission by itself: the gate (`gate.ts`, through
 * `threads.ts`) and the policy (`policy.ts`) do.
 */
import type { Db } from '../../db/connection';
import { REACTIONS, type Reading } from '../../db/schema';
import type { Highlight } from '../books';
import { chapterBasePath, progressOf, type ClubAccess } from '../clubs';
import type { Translator } from '../i18n';
import { formatDateTime } from '../i18n/zoned-time';
import type { GateViewer } from './gate';
import { COMMENT_MAX_CHARS, renderCommentBodyCached } from './markdown';
import { canSeeModeratedBody, canSeeModerationReason, commentActionsFor, commentCan, type CommentActionSet } from './policy';
import { memberUsernames, revealedChapterIds, type CommentRow, type ReactionTally } from './queries';
import type { CommentView, FormState, MarginView, ReactionView, ThreadScope, ThreadsView, ThreadView } from './types';
import { REASON_MAX_CHARS } from './validation';
import { arrangeThreads, heatLevel, type ParagraphTally, type ThreadOrder } from './threads';

/** How a reader stands before the spoiler gate in one reading. */
export async function gateViewerFor(db: Db, access: ClubAccess, readingId: number, progress?: number): Promise<GateViewer> {
  // Only members have a progress and reveals that count: a visitor of a public club (or a
  // former member) reads from position 0 and sees counts, plus anything they wrote themselves.
  if (!access.isMember || access.userId === null) {
    return { userId: access.userId, progressPosition: 0, revealedChapterIds: new Set() };
  }
  return {
    userId: access.userId,
    progressPosition: progress ?? (await progressOf(db, readingId, access.userId)),
    revealedChapterIds: await revealedChapterIds(db, readingId, access.userId),
  };
}

/** `reading=` for URLs: absent for the club's current reading, the id for an earlier one. */
export function readingParamOf(reading: Reading): number | null {
  return reading.endedAt === null ? null : reading.id;
}

function query(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== null && value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Every URL of the area, in one place. */
export function annotationUrls(clubId: number, readingParam: number | null) {
  const base = `/clubs/${clubId}`;
  return {
    comments: `${base}/comments`,
    paragraph: (paragraphId: number, params: { order?: ThreadOrder } = {}) =>
      `${base}/paragraphs/${paragraphId}/comments${query({ reading: readingParam, order: params.order === 'newest' ? 'newest' : null })}`,
    discussion: (chapterId: number, params: { order?: ThreadOrder } = {}) =>
      `${base}/discussion/${chapterId}${query({ reading: readingParam, order: params.order === 'newest' ? 'newest' : null })}`,
    action: (commentId: number, action: 'edit' | 'delete' | 'moderate' | 'react' | 'flag') => `${base}/comments/${commentId}/${action}`,
    /** A comment's forms, loaded on demand into a thread fragment (`?order=` kept when it is not the default). */
    forms: (commentId: number, order: ThreadOrder = 'reading') => `${base}/comments/${commentId}/forms${order === 'newest' ? '?order=newest' : ''}`,
    history: (commentId: number) => `${base}/comments/${commentId}/history`,
    reveal: (chapterId: number) => `${base}/reveal/${chapterId}`,
    unreveal: (chapterId: number) => `${base}/reveal/${chapterId}/unreveal`,
  };
}

/**
 * The club's chapter page (owned by the clubs area): `/clubs/:id/chapters/:ordinal` for the
 * current reading, `/clubs/:id/readings/:readingId/chapters/:ordinal` for an earlier one.
 */
export function chapterPageUrl(clubId: number, reading: Reading, ordinal: number): string {
  return `${chapterBasePath(clubId, reading)}/${ordinal}`;
}

/** Everything needed to present comments to one reader. */
export interface Presenter {
  db: Db;
  access: ClubAccess;
  viewer: GateViewer;
  reading: Reading;
  t: Translator;
  locale: string;
  timeZone: string;
}

/** `@name` → the member list entry on the club home, for members of this club only. */
export async function mentionLinker(db: Db, clubId: number, rows: readonly { body: string }[]): Promise<(name: string) => string | null> {
  if (!rows.some((row) => row.body.includes('@'))) return () => null;
  const members = await memberUsernames(db, clubId);
  return (name) => (members.has(name) ? `/clubs/${clubId}#member-${name}` : null);
}

function groupReactions(tallies: readonly ReactionTally[]): Map<number, ReactionView[]> {
  const map = new Map<number, ReactionView[]>();
  for (const tally of tallies) {
    const list = map.get(tally.commentId) ?? [];
    list.push({ reaction: tally.reaction, count: tally.count, mine: tally.mine });
    map.set(tally.commentId, list);
  }
  return map;
}

export interface ThreadsOptions {
  scope: ThreadScope;
  order: ThreadOrder;
  closable?: boolean;
  returnTo?: string | null;
  form?: FormState | null;
  /**
   * A thread fragment for htmx: each comment's forms are loaded when the reader opens them
   * instead of being sent with every comment. Whole pages (which work without JavaScript)
   * carry every form.
   */
  lazyForms?: boolean;
}

/**
 * The view of a scope's threads for this reader. `rows` are ALL comments of the scope (the
 * gate runs here, through `arrangeThreads`); `tallies` their reaction counts.
 */
export async function buildThreadsView(p: Presenter, rows: readonly CommentRow[], tallies: readonly ReactionTally[], options: ThreadsOptions): Promise<ThreadsView> {
  const clubId = p.access.club.id;
  const urls = annotationUrls(clubId, readingParamOf(p.reading));
  const arranged = arrangeThreads(rows, p.viewer, options.order);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const reactions = groupReactions(tallies);
  const mentionHref = await mentionLinker(p.db, clubId, rows);
  const shownIds = new Set<number>();
  for (const thread of arranged.threads) {
    if (thread.root.kind === 'comment') shownIds.add(thread.root.row.id);
    for (const reply of thread.replies) shownIds.add(reply.id);
  }

  const actionsOn = commentActionsFor(p.access, p.viewer);
  const view = (row: CommentRow): CommentView => commentView(p, row, { byId, shownIds, reactions, mentionHref, urls, can: actionsOn(row) });
  const threads: ThreadView[] = arranged.threads.map((thread) => ({
    rootId: thread.rootId,
    root: thread.root.kind === 'comment' ? view(thread.root.row) : aheadPlaceholder(thread.rootId),
    replies: thread.replies.map(view),
  }));

  const canPost = commentCan(p.access, 'post', null, p.viewer);
  const scope = options.scope;
  const containerId = scope.kind === 'paragraph' ? `threads-${scope.paragraphId}` : `threads-chapter-${scope.chapterId}`;
  const orderHref = (order: ThreadOrder) => (scope.kind === 'paragraph' ? urls.paragraph(scope.paragraphId, { order }) : urls.discussion(scope.chapterId, { order }));
  return {
    containerId,
    scope,
    readingId: p.reading.id,
    threads,
    hiddenCount: arranged.hiddenCount,
    order: options.order,
    orderHref,
    postUrl: urls.comments,
    actionUrl: urls.action,
    formUrl: (commentId) => urls.forms(commentId, options.order),
    lazyForms: options.lazyForms ?? false,
    canPost,
    postHint: canPost ? null : p.access.userId === null ? 'signin' : 'members',
    loginHref: `/login?next=${encodeURIComponent(orderHref(options.order))}`,
    returnTo: options.returnTo ?? null,
    form: options.form ?? null,
    closable: options.closable ?? false,
    reactionSet: REACTIONS,
    commentMaxChars: COMMENT_MAX_CHARS,
    reasonMaxChars: REASON_MAX_CHARS,
  };
}

/**
 * One comment with the thread settings its forms need (a fragment loads them on demand): the
 * same decisions as the comment got in {@link buildThreadsView}.
 */
export async function commentFormsView(p: Presenter, row: CommentRow, tallies: readonly ReactionTally[], options: ThreadsOptions): Promise<{ view: ThreadsView; comment: CommentView }> {
  const view = await buildThreadsView(p, [], [], options);
  const urls = annotationUrls(p.access.club.id, readingParamOf(p.reading));
  const extras = { byId: new Map(), shownIds: new Set<number>(), reactions: groupReactions(tallies), mentionHref: () => null, urls, can: commentActionsFor(p.access, p.viewer)(row) };
  return { view, comment: commentView(p, row, extras) };
}

function aheadPlaceholder(rootId: number): CommentView {
  return {
    id: rootId,
    kind: 'ahead',
    authorName: null,
    authorUsername: null,
    mine: false,
    createdIso: null,
    createdLabel: null,
    historyHref: null,
    bodyHtml: null,
    moderationReason: null,
    quote: null,
    passageExact: null,
    isPrivate: false,
    reactions: [],
    can: { reply: false, edit: false, delete: false, hide: false, remove: false, react: false },
    editSource: null,
  };
}

interface CommentViewExtras {
  byId: Map<number, CommentRow>;
  shownIds: Set<number>;
  reactions: Map<number, ReactionView[]>;
  mentionHref: (name: string) => string | null;
  urls: ReturnType<typeof annotationUrls>;
  can: CommentActionSet;
}

/** A moment as `<time datetime>` takes it (to the second) and as the reader reads it. */
export function formatTime(p: Pick<Presenter, 'locale' | 'timeZone'>, ms: number) {
  return { iso: new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z'), label: formatDateTime(ms, p.locale, p.timeZone) };
}

function commentView(p: Presenter, row: CommentRow, extras: CommentViewExtras): CommentView {
  const kind: CommentView['kind'] = row.deletedAt !== null ? 'deleted' : row.moderation ?? 'comment';
  const can = extras.can;
  const showBody = kind === 'comment' || (kind === 'hidden' && canSeeModeratedBody(p.access, row));
  let quote: CommentView['quote'] = null;
  if (row.quotedText !== null && kind !== 'deleted') {
    const parent = row.parentId !== null ? extras.byId.get(row.parentId) : undefined;
    const available = parent !== undefined && extras.shownIds.has(parent.id) && parent.deletedAt === null && parent.moderation === null;
    quote = available ? { text: row.quotedText } : { unavailable: true };
  }
  const time = formatTime(p, row.createdAt);
  return {
    id: row.id,
    kind,
    authorName: kind === 'deleted' ? null : row.authorDisplayName,
    authorUsername: kind === 'deleted' ? null : row.authorUsername,
    mine: p.viewer.userId !== null && row.authorId === p.viewer.userId,
    createdIso: time.iso,
    createdLabel: time.label,
    historyHref: row.editedAt !== null && showBody ? extras.urls.history(row.id) : null,
    bodyHtml: showBody ? renderCommentBodyCached(row.body, { mentionHref: extras.mentionHref }) : null,
    moderationReason: canSeeModerationReason(p.access, row) ? row.moderationReason : null,
    quote,
    passageExact: kind === 'deleted' || kind === 'removed' ? null : row.passageExact,
    isPrivate: row.visibility === 'private',
    reactions: kind === 'comment' ? (extras.reactions.get(row.id) ?? []) : [],
    can,
    editSource: can.edit ? row.body : null,
  };
}

/** Passage highlights of one paragraph, from the chapter tally. */
export function highlightsFor(t: Translator, tally: ParagraphTally | undefined): Highlight[] {
  if (!tally) return [];
  return tally.passages.map((passage) => ({
    start: passage.start,
    end: passage.end,
    className: ['annotated', passage.private ? 'annotated-private' : '', passage.mine ? 'annotated-mine' : ''].filter(Boolean).join(' '),
    label: t(passage.count === 1 ? 'annotations.passage.marks.one' : 'annotations.passage.marks.other', { count: passage.count }),
  }));
}

export function marginViewFor(
  urls: ReturnType<typeof annotationUrls>,
  paragraph: { id: number; ordinal: number },
  tally: ParagraphTally | undefined,
  busiest: number,
  canPost: boolean,
): MarginView {
  const visible = tally?.visible ?? 0;
  return {
    paragraphId: paragraph.id,
    ordinal: paragraph.ordinal,
    visible,
    hidden: tally?.hidden ?? 0,
    heat: heatLevel(visible, busiest),
    threadsUrl: urls.paragraph(paragraph.id),
    composeUrl: canPost ? urls.paragraph(paragraph.id) : null,
  };
}
