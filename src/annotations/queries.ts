/**
 * Reading and writing comments, revisions, reactions and spoiler reveals.
 *
 * Reads return every row of a scope (a chapter, a paragraph, a thread) in ONE query; the
 * spoiler gate and the policy decide afterwards what a reader sees (`present.ts`); the one
 * query that must filter in SQL uses the gate's own rule ({@link visibleToSql}).
 * Writes that touch several rows run in one transaction.
 */
import { and, asc, desc, eq, inArray, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import { first, prepared, transaction, type Db } from '../../db/connection';
import type { GateViewer } from './gate';
import { chapters, commentRevisions, comments, memberships, paragraphs, reactions, spoilerReveals, users, type Reaction } from '../../db/schema';

/** A comment with what every view needs about its author. */
export interface CommentRow {
  id: number;
  clubId: number;
  readingId: number;
  chapterId: number;
  paragraphId: number | null;
  parentId: number | null;
  rootId: number | null;
  anchorPosition: number;
  passageStart: number | null;
  passageEnd: number | null;
  passageExact: string | null;
  passagePrefix: string | null;
  passageSuffix: string | null;
  quotedText: string | null;
  authorId: number;
  authorUsername: string;
  authorDisplayName: string;
  body: string;
  visibility: 'club' | 'private';
  createdAt: number;
  editedAt: number | null;
  deletedAt: number | null;
  moderation: 'hidden' | 'removed' | null;
  moderationReason: string | null;
}

const commentColumns = {
  id: comments.id,
  clubId: comments.clubId,
  readingId: comments.readingId,
  chapterId: comments.chapterId,
  paragraphId: comments.paragraphId,
  parentId: comments.parentId,
  rootId: comments.rootId,
  anchorPosition: comments.anchorPosition,
  passageStart: comments.passageStart,
  passageEnd: comments.passageEnd,
  passageExact: comments.passageExact,
  passagePrefix: comments.passagePrefix,
  passageSuffix: comments.passageSuffix,
  quotedText: comments.quotedText,
  authorId: comments.authorId,
  authorUsername: users.username,
  authorDisplayName: users.displayName,
  body: comments.body,
  visibility: comments.visibility,
  createdAt: comments.createdAt,
  editedAt: comments.editedAt,
  deletedAt: comments.deletedAt,
  moderation: comments.moderation,
  moderationReason: comments.moderationReason,
};

function selectComments(db: Db) {
  return db.select(commentColumns).from(comments).innerJoin(users, eq(users.id, comments.authorId));
}

/** Every comment of a chapter in one reading (paragraphs, passages and the chapter thread), oldest first. */
export function chapterComments(db: Db, readingId: number, chapterId: number): Promise<CommentRow[]> {
  return selectComments(db)
    .where(and(eq(comments.readingId, readingId), eq(comments.chapterId, chapterId)))
    .orderBy(asc(comments.createdAt), asc(comments.id));
}

/** What the chapter page's margins need of a comment: the gate's facts, its place and its state; no body, no author's name. */
export interface GateRow {
  id: number;
  rootId: number | null;
  parentId: number | null;
  chapterId: number;
  paragraphId: number | null;
  anchorPosition: number;
  passageStart: number | null;
  passageEnd: number | null;
  authorId: number;
  visibility: 'club' | 'private';
  createdAt: number;
  deletedAt: number | null;
  moderation: 'hidden' | 'removed' | null;
}

const gateColumns = {
  id: comments.id,
  rootId: comments.rootId,
  parentId: comments.parentId,
  chapterId: comments.chapterId,
  paragraphId: comments.paragraphId,
  anchorPosition: comments.anchorPosition,
  passageStart: comments.passageStart,
  passageEnd: comments.passageEnd,
  authorId: comments.authorId,
  visibility: comments.visibility,
  createdAt: comments.createdAt,
  deletedAt: comments.deletedAt,
  moderation: comments.moderation,
};

/**
 * Every comment of a chapter in one reading as {@link GateRow}s (in no particular order): what the margins
 * count and mark (the spoiler gate then decides per reader, as for full rows). One prepared
 * query of the comments table alone, no join: it is read on every chapter page render (unless
 * kept, chapter-rows.ts), and a busy chapter has tens of thousands of comments.
 */
export function chapterGateRows(db: Db, readingId: number, chapterId: number): Promise<GateRow[]> {
  return prepared(db, 'chapter-gate-rows', (db) =>
    db
      .select(gateColumns)
      .from(comments)
      .where(and(eq(comments.readingId, sql.placeholder('readingId')), eq(comments.chapterId, sql.placeholder('chapterId'))))
      .prepare(),
  ).execute({ readingId, chapterId });
}

/** The {@link GateRow}s of these comments, when they are of this chapter in this reading (comments just posted). */
export async function gateRowsByIds(db: Db, readingId: number, chapterId: number, ids: readonly number[]): Promise<GateRow[]> {
  const byId = prepared(db, 'gate-row-by-id', (db) =>
    db
      .select(gateColumns)
      .from(comments)
      .where(and(eq(comments.id, sql.placeholder('id')), eq(comments.readingId, sql.placeholder('readingId')), eq(comments.chapterId, sql.placeholder('chapterId'))))
      .prepare(),
  );
  const rows: GateRow[] = [];
  // A few ids at a time (the posts since the chapter's rows were kept): one prepared lookup each.
  for (const id of new Set(ids)) {
    const row = first(await byId.execute({ id, readingId, chapterId }));
    if (row) rows.push(row);
  }
  return rows;
}

/** Every comment on one paragraph (its passages included) in one reading, oldest first. */
export function paragraphComments(db: Db, readingId: number, paragraphId: number): Promise<CommentRow[]> {
  return prepared(db, 'paragraph-comments', (db) =>
    selectComments(db)
      .where(and(eq(comments.readingId, sql.placeholder('readingId')), eq(comments.paragraphId, sql.placeholder('paragraphId'))))
      .orderBy(asc(comments.createdAt), asc(comments.id))
      .prepare(),
  ).execute({ readingId, paragraphId });
}

/** The chapter's own discussion thread (comments anchored to no paragraph), oldest first. */
export function chapterThreadComments(db: Db, readingId: number, chapterId: number): Promise<CommentRow[]> {
  return selectComments(db)
    .where(and(eq(comments.readingId, readingId), eq(comments.chapterId, chapterId), isNull(comments.paragraphId)))
    .orderBy(asc(comments.createdAt), asc(comments.id));
}

/** A comment of this club, or undefined: an id from another club does not exist here. */
export async function commentInClub(db: Db, clubId: number, commentId: number): Promise<CommentRow | undefined> {
  if (!Number.isSafeInteger(commentId) || commentId <= 0) return undefined;
  return first(
    await selectComments(db)
      .where(and(eq(comments.id, commentId), eq(comments.clubId, clubId)))
      .limit(1),
  );
}

/**
 * The spoiler gate ({@link commentVisibleTo} in `gate.ts`) as an SQL condition, clause for
 * clause: a private note only to its author; a club comment to its author, to a viewer whose
 * progress reaches its anchor, or in a chapter the viewer revealed. A test runs this and the
 * gate over a matrix of comments and viewers and requires the same answers.
 */
export function visibleToSql(viewer: GateViewer): SQL {
  const revealed = [...viewer.revealedChapterIds];
  // "Never", written so both engines read it as a condition (PostgreSQL takes no integer for one).
  const never = sql`1 = 0`;
  const isAuthor = viewer.userId !== null ? eq(comments.authorId, viewer.userId) : never;
  const progress = Number.isFinite(viewer.progressPosition) ? sql`${comments.anchorPosition} <= ${viewer.progressPosition}` : never;
  const clubComment = or(isAuthor, progress, revealed.length > 0 ? inArray(comments.chapterId, revealed) : undefined)!;
  return or(and(eq(comments.visibility, 'private'), isAuthor), and(eq(comments.visibility, 'club'), clubComment))!;
}

/**
 * The latest live comments of a reading the viewer may see, newest first: the gate runs in
 * SQL here ({@link visibleToSql}), so the newest `limit` visible ones come back in one query.
 */
export function recentReadingComments(db: Db, readingId: number, viewer: GateViewer, limit: number): Promise<CommentRow[]> {
  return selectComments(db)
    .where(and(eq(comments.readingId, readingId), isNull(comments.deletedAt), isNull(comments.moderation), visibleToSql(viewer)))
    .orderBy(desc(comments.createdAt), desc(comments.id))
    .limit(limit);
}

/**
 * The live comments of a reading anchored after `after` and at or before `upTo`, with only what
 * the spoiler gate reads. A pre-filter for counting what a step forward would open; the gate
 * decides.
 */
export function commentsAnchoredBetween(db: Db, readingId: number, after: number, upTo: number) {
  return db
    .select({ authorId: comments.authorId, anchorPosition: comments.anchorPosition, visibility: comments.visibility, chapterId: comments.chapterId })
    .from(comments)
    .where(
      and(
        eq(comments.readingId, readingId),
        sql`${comments.anchorPosition} > ${after}`,
        sql`${comments.anchorPosition} <= ${upTo}`,
        isNull(comments.deletedAt),
        isNull(comments.moderation),
      ),
    );
}

/** Comments of a reading the viewer may see (every state), for checking {@link visibleToSql} against the gate. */
export async function visibleCommentIds(db: Db, readingId: number, viewer: GateViewer): Promise<number[]> {
  const found = await db
    .select({ id: comments.id })
    .from(comments)
    .where(and(eq(comments.readingId, readingId), visibleToSql(viewer)))
    .orderBy(asc(comments.id));
  return found.map((row) => row.id);
}

/** Where each comment sits (chapter ordinal and title, paragraph ordinal), in one query. */
export async function recentLocations(db: Db, rows: readonly { id: number }[]) {
  const map = new Map<number, { chapterOrdinal: number; chapterTitle: string; paragraphOrdinal: number | null }>();
  if (rows.length === 0) return map;
  const found = await db
    .select({ id: comments.id, chapterOrdinal: chapters.ordinal, chapterTitle: chapters.title, paragraphOrdinal: paragraphs.ordinal })
    .from(comments)
    .innerJoin(chapters, eq(chapters.id, comments.chapterId))
    .leftJoin(paragraphs, eq(paragraphs.id, comments.paragraphId))
    .where(inArray(comments.id, rows.map((row) => row.id)));
  for (const row of found) map.set(row.id, { chapterOrdinal: row.chapterOrdinal, chapterTitle: row.chapterTitle, paragraphOrdinal: row.paragraphOrdinal });
  return map;
}

export interface ReactionTally {
  commentId: number;
  reaction: Reaction;
  count: number;
  /** The viewer is among those who reacted. */
  mine: boolean;
}

/** Reaction counts for all comments of a chapter (or of one paragraph) in one query. */
export async function reactionTallies(
  db: Db,
  scope: { readingId: number; chapterId: number; paragraphId?: number | null },
  viewerId: number | null,
): Promise<ReactionTally[]> {
  const inScope = [eq(comments.readingId, scope.readingId), eq(comments.chapterId, scope.chapterId)];
  if (scope.paragraphId !== undefined) inScope.push(scope.paragraphId === null ? isNull(comments.paragraphId) : eq(comments.paragraphId, scope.paragraphId));
  const rows = await db
    .select({
      commentId: reactions.commentId,
      reaction: reactions.reaction,
      count: sql<number>`count(*)`.mapWith(Number),
      // 1 when one of the rows is the viewer's (a comparison's max is no number on PostgreSQL: case when is).
      mine: sql<number>`max(case when ${reactions.userId} = ${viewerId ?? -1} then 1 else 0 end)`.mapWith(Number),
    })
    .from(reactions)
    .innerJoin(comments, eq(comments.id, reactions.commentId))
    .where(and(...inScope))
    .groupBy(reactions.commentId, reactions.reaction);
  return rows.map((row) => ({ ...row, mine: row.mine === 1 }));
}

/** Lower-cased usernames of the club's members: who an `@mention` may link to. */
export async function memberUsernames(db: Db, clubId: number): Promise<Set<string>> {
  const members = await db
    .select({ key: users.usernameKey })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.clubId, clubId));
  return new Set(members.map((row) => row.key));
}

/** A comment to write: `rootId` null for a new root (it becomes its own root). */
export type NewComment = Pick<
  CommentRow,
  'clubId' | 'readingId' | 'chapterId' | 'paragraphId' | 'parentId' | 'rootId' | 'anchorPosition' | 'quotedText' | 'authorId' | 'body' | 'visibility' | 'createdAt'
> & { passage: { start: number; end: number; exact: string; prefix: string; suffix: string } | null };

/**
 * One statement, prepared once: a new root gets its `root_id` from the database trigger
 * `comments_root_is_itself` (migration 0001), so no transaction is needed around it.
 */
export async function insertComment(db: Db, input: NewComment): Promise<number> {
  const insert = prepared(db, 'insert-comment', (db) => {
    const p = (name: string) => sql.placeholder(name);
    return db
      .insert(comments)
      .values({
        clubId: p('clubId'),
        readingId: p('readingId'),
        chapterId: p('chapterId'),
        paragraphId: p('paragraphId'),
        parentId: p('parentId'),
        rootId: p('rootId'),
        anchorPosition: p('anchorPosition'),
        passageStart: p('passageStart'),
        passageEnd: p('passageEnd'),
        passageExact: p('passageExact'),
        passagePrefix: p('passagePrefix'),
        passageSuffix: p('passageSuffix'),
        quotedText: p('quotedText'),
        authorId: p('authorId'),
        body: p('body'),
        visibility: p('visibility'),
        createdAt: p('createdAt'),
      })
      .returning({ id: comments.id })
      .prepare();
  });
  const [row] = await insert.execute({
    clubId: input.clubId,
    readingId: input.readingId,
    chapterId: input.chapterId,
    paragraphId: input.paragraphId,
    parentId: input.parentId,
    rootId: input.rootId,
    anchorPosition: input.anchorPosition,
    passageStart: input.passage?.start ?? null,
    passageEnd: input.passage?.end ?? null,
    passageExact: input.passage?.exact ?? null,
    passagePrefix: input.passage?.prefix ?? null,
    passageSuffix: input.passage?.suffix ?? null,
    quotedText: input.quotedText,
    authorId: input.authorId,
    body: input.body,
    visibility: input.visibility,
    createdAt: input.createdAt,
  });
  return row!.id;
}

/** Replace a body, keeping the old one as a revision. */
export async function editCommentBody(db: Db, commentId: number, body: string, now: number): Promise<void> {
  await transaction(db, async (tx) => {
    const current = first(
      await tx.select({ body: comments.body, editedAt: comments.editedAt, createdAt: comments.createdAt }).from(comments).where(eq(comments.id, commentId)).limit(1),
    );
    if (!current) return;
    await tx.insert(commentRevisions).values({ commentId, body: current.body, createdAt: current.editedAt ?? current.createdAt });
    await tx.update(comments).set({ body, editedAt: now }).where(eq(comments.id, commentId));
  });
}

/** The earlier bodies of a comment, newest first. */
export function revisionsOf(db: Db, commentId: number): Promise<(typeof commentRevisions.$inferSelect)[]> {
  return db.select().from(commentRevisions).where(eq(commentRevisions.commentId, commentId)).orderBy(desc(commentRevisions.createdAt), desc(commentRevisions.id));
}

/** Comments that answer this one: replies quoting it, or, for a root, its whole thread. */
async function childCount(tx: Db, commentId: number): Promise<number> {
  const row = first(
    await tx
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(comments)
      .where(and(ne(comments.id, commentId), or(eq(comments.parentId, commentId), eq(comments.rootId, commentId)))),
  );
  return row?.n ?? 0;
}

/** Erase what a comment said: its body, its history, its reactions and the quotes of it. */
async function eraseContent(tx: Db, commentId: number): Promise<void> {
  await tx.delete(commentRevisions).where(eq(commentRevisions.commentId, commentId));
  await tx.update(comments).set({ quotedText: null }).where(eq(comments.parentId, commentId));
}

/**
 * The author deletes a comment. With replies it stays as a "[deleted]" placeholder (body,
 * history, reactions and quotes of it erased) so the conversation keeps its shape; without
 * replies the row goes. A placeholder root whose last reply goes is removed with it.
 */
export function deleteComment(db: Db, commentId: number, now: number): Promise<'placeholder' | 'gone'> {
  return transaction(db, async (tx) => {
    const row = first(await tx.select({ rootId: comments.rootId }).from(comments).where(eq(comments.id, commentId)).limit(1));
    if (!row) return 'gone';
    let outcome: 'placeholder' | 'gone';
    if ((await childCount(tx, commentId)) > 0) {
      await eraseContent(tx, commentId);
      await tx.delete(reactions).where(eq(reactions.commentId, commentId));
      await tx.update(comments).set({ body: '', deletedAt: now }).where(eq(comments.id, commentId));
      outcome = 'placeholder';
    } else {
      await tx.update(comments).set({ quotedText: null }).where(eq(comments.parentId, commentId));
      await tx.delete(comments).where(eq(comments.id, commentId));
      outcome = 'gone';
    }
    const rootId = row.rootId;
    if (rootId !== null && rootId !== commentId) {
      const root = first(await tx.select({ deletedAt: comments.deletedAt }).from(comments).where(eq(comments.id, rootId)).limit(1));
      if (root && root.deletedAt !== null && (await childCount(tx, rootId)) === 0) await tx.delete(comments).where(eq(comments.id, rootId));
    }
    return outcome;
  });
}

/** A moderator hides (body kept, not shown) or removes (body erased) a comment, with a reason. */
export async function moderateComment(db: Db, commentId: number, action: 'hidden' | 'removed', reason: string, moderatorId: number | null): Promise<void> {
  await transaction(db, async (tx) => {
    if (action === 'removed') {
      await eraseContent(tx, commentId);
      await tx.update(comments).set({ body: '' }).where(eq(comments.id, commentId));
    }
    await tx.update(comments).set({ moderation: action, moderationReason: reason, moderatedBy: moderatorId }).where(eq(comments.id, commentId));
  });
}

/** A moderator restores a hidden comment: it shows again as it was (a removed body is gone for good). */
export async function restoreComment(db: Db, commentId: number): Promise<boolean> {
  const restored = await db
    .update(comments)
    .set({ moderation: null, moderationReason: null, moderatedBy: null })
    .where(and(eq(comments.id, commentId), eq(comments.moderation, 'hidden')))
    .returning({ id: comments.id });
  return restored.length > 0;
}

/** Adds the reaction, or takes it back when it was already there. Returns whether it is on now. */
export function toggleReaction(db: Db, commentId: number, userId: number, reaction: Reaction, now: number): Promise<boolean> {
  return transaction(db, async (tx) => {
    const removed = await tx
      .delete(reactions)
      .where(and(eq(reactions.commentId, commentId), eq(reactions.userId, userId), eq(reactions.reaction, reaction)))
      .returning({ commentId: reactions.commentId });
    if (removed.length > 0) return false;
    // Insert-or-ignore: a toggle racing in another process that just put it on leaves it on.
    await tx.insert(reactions).values({ commentId, userId, reaction, createdAt: now }).onConflictDoNothing();
    return true;
  });
}

export async function revealChapter(db: Db, readingId: number, userId: number, chapterId: number, now: number): Promise<void> {
  await db.insert(spoilerReveals).values({ readingId, userId, chapterId, createdAt: now }).onConflictDoNothing();
}

export async function unrevealChapter(db: Db, readingId: number, userId: number, chapterId: number): Promise<void> {
  await db
    .delete(spoilerReveals)
    .where(and(eq(spoilerReveals.readingId, readingId), eq(spoilerReveals.userId, userId), eq(spoilerReveals.chapterId, chapterId)));
}

/** Chapters whose discussion this reader chose to reveal ahead of their progress. */
export async function revealedChapterIds(db: Db, readingId: number, userId: number | null): Promise<Set<number>> {
  if (userId === null) return new Set();
  const revealed = await prepared(db, 'revealed-chapters', (db) =>
    db
      .select({ chapterId: spoilerReveals.chapterId })
      .from(spoilerReveals)
      .where(and(eq(spoilerReveals.readingId, sql.placeholder('readingId')), eq(spoilerReveals.userId, sql.placeholder('userId'))))
      .prepare(),
  ).execute({ readingId, userId });
  return new Set(revealed.map((row) => row.chapterId));
}
