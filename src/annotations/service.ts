/**
 * Writing comments and finding their places, with no request in sight: the club pages'
 * handlers (`routes/writing.tsx`) and the JSON API (`src/api`) both call these, so a comment
 * posted either way passes the same checks in the same order and says the same thing on the
 * event bus:
 *
 *   find the place (404 when the reader may not see it) → ask the policy (`refused`) → check
 *   the input (`invalid`) → count the post (`consume`, which throws 429) → write → publish.
 *
 * Reading a chapter's comments for one reader ({@link chapterCommentsFor}) goes through the
 * same gate as the pages (`threads.ts` → `gate.ts`), never a second copy of it.
 *
 * @example
 * const places = commentPlaces(deps);
 * const outcome = await postComment(deps, places, { access, authorId: user.id, consume }, form);
 * if (outcome.kind === 'done') redirectTo(`#c-${outcome.id}`);
 */
import type { Chapter, Paragraph, Reading } from '../../db/schema';
import { getChapterById, getParagraph } from '../books';
import { chapterOpensAt, chapterOpenTo, currentReading, getReading, type ClubAccess } from '../clubs';
import type { DomainEvent } from '../events';
import { notFound } from '../http/errors';
import { parseId, type FormData } from '../http/forms';
import type { AreaDeps } from '../http/types';
import { anchorPositionFor, type GateViewer } from './gate';
import { canSeeModeratedBody, canSeeModerationReason, commentActionsFor, commentCan, type CommentActionSet } from './policy';
import { gateViewerFor } from './present';
import { chapterComments, commentInClub, deleteComment, editCommentBody, insertComment, reactionTallies, toggleReaction, type CommentRow } from './queries';
import { arrangeThreads } from './threads';
import { checkBody, checkNewComment, checkReaction, excerpt, QUOTE_MAX_CHARS, wantsQuote, type InputRefusal } from './validation';

/** Where a comment (or a new one) lives: the reading, the chapter, and the paragraph if any. */
export interface Place {
  reading: Reading;
  chapter: Chapter;
  paragraph: Paragraph | null;
}

type Deps = Pick<AreaDeps, 'db' | 'clock'>;

export type CommentPlaces = ReturnType<typeof commentPlaces>;

/** Finding readings, places and comments for a reader; everything not there for them is a thrown 404. */
export function commentPlaces(deps: Deps) {
  const { db, clock } = deps;

  /** `reading` given → that reading of this club; absent → the current one. */
  async function readingOf(access: ClubAccess, requested: string | undefined): Promise<Reading> {
    let reading: Reading | undefined;
    if (requested === undefined || requested === '') reading = await currentReading(db, access.club.id);
    else {
      const id = parseId(requested);
      reading = id === null ? undefined : await getReading(db, access.club.id, id);
    }
    if (!reading) throw notFound();
    return reading;
  }

  /** A chapter is part of the conversation only when it is open to this reader (schedule). */
  async function requireOpen(access: ClubAccess, place: Place): Promise<void> {
    if (!chapterOpenTo(access, await chapterOpensAt(db, place.reading.id, place.chapter.id), clock())) throw notFound();
  }

  async function paragraphPlace(reading: Reading, paragraphId: number | null): Promise<Place> {
    const paragraph = paragraphId === null ? undefined : await getParagraph(db, paragraphId);
    if (!paragraph || paragraph.editionId !== reading.editionId) throw notFound();
    const chapter = await getChapterById(db, paragraph.chapterId);
    if (!chapter) throw notFound();
    return { reading, chapter, paragraph };
  }

  async function chapterPlace(reading: Reading, chapterId: number | null): Promise<Place> {
    const chapter = chapterId === null ? undefined : await getChapterById(db, chapterId);
    if (!chapter || chapter.editionId !== reading.editionId) throw notFound();
    return { reading, chapter, paragraph: null };
  }

  /** Where a thread's root lives (replies live where their root does). */
  function placeOf(reading: Reading, root: Pick<CommentRow, 'paragraphId' | 'chapterId'>): Promise<Place> {
    return root.paragraphId !== null ? paragraphPlace(reading, root.paragraphId) : chapterPlace(reading, root.chapterId);
  }

  /** How this reader stands before the spoiler gate in a reading. */
  function gateViewer(access: ClubAccess, reading: Reading): Promise<GateViewer> {
    return gateViewerFor(db, access, reading.id);
  }

  /** A comment of this club the reader may see, with its place; 404 otherwise. */
  async function visibleComment(access: ClubAccess, commentId: number): Promise<{ comment: CommentRow; place: Place; viewer: GateViewer }> {
    const comment = await commentInClub(db, access.club.id, commentId);
    if (!comment) throw notFound();
    const reading = await getReading(db, access.club.id, comment.readingId);
    if (!reading) throw notFound();
    const viewer = await gateViewer(access, reading);
    if (!commentCan(access, 'view', comment, viewer)) throw notFound();
    const place = await placeOf(reading, comment);
    await requireOpen(access, place);
    return { comment, place, viewer };
  }

  return { readingOf, requireOpen, paragraphPlace, chapterPlace, placeOf, gateViewer, visibleComment };
}

/** The facts of a comment every comment event carries (ids, anchor, visibility: never its body). */
export function commentFacts(comment: Pick<CommentRow, 'id' | 'clubId' | 'readingId' | 'chapterId' | 'paragraphId' | 'rootId' | 'authorId' | 'anchorPosition' | 'visibility'>) {
  return {
    clubId: comment.clubId,
    readingId: comment.readingId,
    chapterId: comment.chapterId,
    paragraphId: comment.paragraphId,
    commentId: comment.id,
    rootId: comment.rootId ?? comment.id,
    authorId: comment.authorId,
    anchorPosition: comment.anchorPosition,
    visibility: comment.visibility,
  };
}

/** Who writes: their club access, their id, and how one post is counted (throws, or rejects, with 429 past the limit). */
export interface CommentWriter {
  access: ClubAccess;
  authorId: number;
  consume: () => void | Promise<void>;
}

/** What became of a write. `refused`: the policy said no (sign in, or 403). `invalid`: the input (422). */
export type WriteOutcome =
  | { kind: 'refused' }
  | { kind: 'invalid'; key: string; refusal: InputRefusal; place: Place; viewer: GateViewer }
  | { kind: 'done'; id: number; event: DomainEvent; place: Place; viewer: GateViewer; anchor: string | null };

/**
 * A new root comment (on a paragraph, a passage in it, or the chapter) or, with `parent_id`, a
 * reply. `form` carries the page form's fields (`body`, `visibility`, `paragraph_id`,
 * `chapter_id`, `reading_id`, `passage_*`, `parent_id`, `quote`).
 */
export async function postComment(deps: AreaDeps, places: CommentPlaces, writer: CommentWriter, form: FormData): Promise<WriteOutcome> {
  const { db, clock } = deps;
  const { access, authorId } = writer;
  const parentId = form.parent_id ? requireId(form.parent_id) : null;

  if (parentId !== null) {
    // A reply: everything about where it lives comes from the thread's root.
    const { comment: parent, place, viewer } = await places.visibleComment(access, parentId);
    const root = parent.rootId === null || parent.rootId === parent.id ? parent : await commentInClub(db, access.club.id, parent.rootId);
    if (!root) throw notFound();
    // Replies in a private note's thread are private too, so the policy's "only the author
    // replies to a private note" holds for every comment of such a thread.
    if (!commentCan(access, 'reply', parent, viewer)) return { kind: 'refused' };
    const body = checkBody(form);
    if (!body.ok) return { kind: 'invalid', key: `reply-${parentId}`, refusal: body.refusal, place, viewer };
    await writer.consume();
    const id = await insertComment(db, {
      clubId: access.club.id,
      readingId: place.reading.id,
      chapterId: place.chapter.id,
      paragraphId: place.paragraph?.id ?? null,
      parentId,
      rootId: root.id,
      anchorPosition: root.anchorPosition,
      passage: null,
      quotedText: wantsQuote(form) ? excerpt(parent.body, QUOTE_MAX_CHARS) : null,
      authorId,
      body: body.value,
      visibility: root.visibility,
      createdAt: clock(),
    });
    const facts = commentFacts({ ...root, id, rootId: root.id, authorId });
    return published(deps, { kind: 'done', id, place, viewer, anchor: `#c-${id}`, event: { type: 'comment.posted', actorId: authorId, ...facts, parentId } });
  }

  const reading = await places.readingOf(access, form.reading_id);
  const paragraphId = form.paragraph_id ? requireId(form.paragraph_id) : null;
  const place = paragraphId !== null ? await places.paragraphPlace(reading, paragraphId) : form.chapter_id ? await places.chapterPlace(reading, requireId(form.chapter_id)) : null;
  if (!place) throw notFound();
  await places.requireOpen(access, place);
  const viewer = await places.gateViewer(access, reading);
  if (!commentCan(access, 'post', null, viewer)) return { kind: 'refused' };
  const checked = checkNewComment(form, place.paragraph?.text ?? null);
  if (!checked.ok) return { kind: 'invalid', key: 'new', refusal: checked.refusal, place, viewer };
  await writer.consume();
  const { visibility, passage, body } = checked.value;
  const anchorPosition = anchorPositionFor(
    place.paragraph ? { kind: 'paragraph', paragraphPosition: place.paragraph.position } : { kind: 'chapter', chapterLastPosition: place.chapter.lastPosition },
  );
  const comment = {
    clubId: access.club.id,
    readingId: reading.id,
    chapterId: place.chapter.id,
    paragraphId: place.paragraph?.id ?? null,
    rootId: null,
    anchorPosition,
    authorId,
    visibility,
  };
  const id = await insertComment(db, { ...comment, parentId: null, passage, quotedText: null, body, createdAt: clock() });
  return published(deps, { kind: 'done', id, place, viewer, anchor: `#c-${id}`, event: { type: 'comment.posted', actorId: authorId, ...commentFacts({ ...comment, id }), parentId: null } });
}

/** The author edits a comment's body (the old one kept as a revision). */
export async function editComment(deps: AreaDeps, places: CommentPlaces, writer: CommentWriter, commentId: number, form: FormData): Promise<WriteOutcome> {
  const { comment, place, viewer } = await places.visibleComment(writer.access, commentId);
  if (!commentCan(writer.access, 'edit', comment, viewer)) return { kind: 'refused' };
  const body = checkBody(form);
  if (!body.ok) return { kind: 'invalid', key: `edit-${comment.id}`, refusal: body.refusal, place, viewer };
  await writer.consume();
  if (body.value !== comment.body) await editCommentBody(deps.db, comment.id, body.value, deps.clock());
  return published(deps, { kind: 'done', id: comment.id, place, viewer, anchor: `#c-${comment.id}`, event: { type: 'comment.edited', actorId: writer.authorId, ...commentFacts(comment) } });
}

/** The author deletes a comment (a placeholder stays where others answered it). */
export async function deleteOwnComment(deps: AreaDeps, places: CommentPlaces, writer: CommentWriter, commentId: number): Promise<WriteOutcome> {
  const { comment, place, viewer } = await places.visibleComment(writer.access, commentId);
  if (!commentCan(writer.access, 'delete', comment, viewer)) return { kind: 'refused' };
  await deleteComment(deps.db, comment.id, deps.clock());
  return published(deps, { kind: 'done', id: comment.id, place, viewer, anchor: null, event: { type: 'comment.deleted', actorId: writer.authorId, ...commentFacts(comment) } });
}

/** Toggles one reaction from the fixed set on a comment; the event says whether it is now on. */
export async function reactToComment(deps: AreaDeps, places: CommentPlaces, writer: CommentWriter, commentId: number, form: FormData): Promise<WriteOutcome & { on?: boolean }> {
  const { comment, place, viewer } = await places.visibleComment(writer.access, commentId);
  if (!commentCan(writer.access, 'react', comment, viewer)) return { kind: 'refused' };
  const reaction = checkReaction(form);
  if (!reaction.ok) return { kind: 'invalid', key: `react-${comment.id}`, refusal: reaction.refusal, place, viewer };
  await writer.consume();
  const on = await toggleReaction(deps.db, comment.id, writer.authorId, reaction.value, deps.clock());
  const event: DomainEvent = {
    type: 'reaction.toggled',
    actorId: writer.authorId,
    clubId: writer.access.club.id,
    readingId: comment.readingId,
    chapterId: comment.chapterId,
    paragraphId: comment.paragraphId,
    commentId: comment.id,
    reaction: reaction.value,
    on,
  };
  return { ...(await published(deps, { kind: 'done', id: comment.id, place, viewer, anchor: `#c-${comment.id}`, event })), on };
}

/** Says the change on the bus (once it is written) and gives the outcome back. */
async function published<T extends Extract<WriteOutcome, { kind: 'done' }>>(deps: AreaDeps, outcome: T): Promise<T> {
  await deps.events.publish(outcome.event);
  return outcome;
}

function requireId(value: string | undefined | null): number {
  const id = parseId(value);
  if (id === null) throw notFound();
  return id;
}

/** One comment as a client outside the pages sees it (the API): the same decisions as a thread view. */
export interface CommentData {
  id: number;
  parentId: number | null;
  rootId: number;
  paragraphId: number | null;
  passage: { start: number; end: number; exact: string } | null;
  quotedText: string | null;
  /** Null for a deleted comment. */
  author: { username: string; displayName: string } | null;
  /** Null when deleted, or moderated and not the reader's to see. */
  body: string | null;
  visibility: 'club' | 'private';
  createdAt: number;
  editedAt: number | null;
  deleted: boolean;
  moderation: 'hidden' | 'removed' | null;
  moderationReason: string | null;
  reactions: { reaction: string; count: number; mine: boolean }[];
  can: CommentActionSet;
}

/** A root the reader may not see yet, kept because they can see their own reply in its thread. */
export interface ThreadData {
  rootId: number;
  /** Null: the root is further on than the reader (a placeholder, nothing of it shown). */
  root: CommentData | null;
  replies: CommentData[];
}

/**
 * The threads of one chapter of a reading (every paragraph's and the chapter's own), as this
 * reader may see them: the gate and the arranging of the pages (`arrangeThreads`), with
 * `hiddenCount` the live comments further on than the reader (a count, nothing of them).
 */
export async function chapterCommentsFor(deps: Deps, access: ClubAccess, place: Place, viewer: GateViewer): Promise<{ threads: ThreadData[]; hiddenCount: number; canPost: boolean }> {
  const { db } = deps;
  const { reading, chapter } = place;
  const rows = await chapterComments(db, reading.id, chapter.id);
  const arranged = arrangeThreads(rows, viewer, 'reading');
  const tallies = await reactionTallies(db, { readingId: reading.id, chapterId: chapter.id, paragraphId: null }, viewer.userId);
  const reactionsOf = new Map<number, CommentData['reactions']>();
  for (const tally of tallies) {
    const list = reactionsOf.get(tally.commentId) ?? [];
    list.push({ reaction: tally.reaction, count: tally.count, mine: tally.mine });
    reactionsOf.set(tally.commentId, list);
  }
  const actionsOn = commentActionsFor(access, viewer);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const shownIds = new Set<number>();
  for (const thread of arranged.threads) {
    if (thread.root.kind === 'comment') shownIds.add(thread.root.row.id);
    for (const reply of thread.replies) shownIds.add(reply.id);
  }
  // The same decisions as the thread views of the pages (present.ts `commentView`).
  const data = (row: CommentRow): CommentData => {
    const deleted = row.deletedAt !== null;
    const bodyShown = !deleted && (row.moderation === null || (row.moderation === 'hidden' && canSeeModeratedBody(access, row)));
    const parent = row.parentId !== null ? byId.get(row.parentId) : undefined;
    const quoteAvailable = parent !== undefined && shownIds.has(parent.id) && parent.deletedAt === null && parent.moderation === null;
    return {
      id: row.id,
      parentId: row.parentId,
      rootId: row.rootId ?? row.id,
      paragraphId: row.paragraphId,
      passage:
        !deleted && row.moderation !== 'removed' && row.passageStart !== null && row.passageEnd !== null && row.passageExact !== null
          ? { start: row.passageStart, end: row.passageEnd, exact: row.passageExact }
          : null,
      quotedText: !deleted && quoteAvailable ? row.quotedText : null,
      author: deleted ? null : { username: row.authorUsername, displayName: row.authorDisplayName },
      body: bodyShown ? row.body : null,
      visibility: row.visibility,
      createdAt: row.createdAt,
      editedAt: row.editedAt,
      deleted,
      moderation: row.moderation,
      moderationReason: canSeeModerationReason(access, row) ? row.moderationReason : null,
      reactions: !deleted && row.moderation === null ? (reactionsOf.get(row.id) ?? []) : [],
      can: actionsOn(row),
    };
  };
  return {
    threads: arranged.threads.map((thread) => ({ rootId: thread.rootId, root: thread.root.kind === 'comment' ? data(thread.root.row) : null, replies: thread.replies.map(data) })),
    hiddenCount: arranged.hiddenCount,
    canPost: commentCan(access, 'post', null, viewer),
  };
}
