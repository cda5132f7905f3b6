/**
 * Moving a club's reading to another edition of its book: plan (a dry run, no writes) and
 * apply (ONE transaction: comments, progress, schedule, reveals, the reading's edition).
 * The matching itself is `reanchor.ts`; the clubs half is the clubs index's
 * `moveReadingToEditionRows`.
 */
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { engineOf, first, transaction, type Db } from '../../db/connection';
import { chapters, comments, editions, paragraphs, type Comment as CommentRow, type PreviousAnchor, type ReanchorMethod } from '../../db/schema';
import { moveReadingToEditionRows } from '../clubs';
import type { EventBus } from '../events';
import { locatePassage, validateSelector } from './selectors';
import { mapPosition, matchChapter, reanchorParagraph, reanchorPassage, type EditionParagraph } from './reanchor';

export interface CommentMove {
  commentId: number;
  method: ReanchorMethod;
  score: number;
  /** Where it goes; null when orphaned (not moved). */
  to: { chapterId: number; paragraphId: number | null; anchorPosition: number; passage: { start: number; end: number; exact: string; prefix: string; suffix: string } | null } | null;
  previous: PreviousAnchor;
}

export interface EditionMovePlan {
  clubId: number;
  readingId: number;
  fromEditionId: number;
  editionId: number;
  moves: CommentMove[];
  counts: { exact: number; fuzzy: number; chapter: number; orphaned: number };
  chapterMap: Map<number, number>;
  mapPosition: (position: number) => number;
}

function editionParagraphs(db: Db, editionId: number): Promise<EditionParagraph[]> {
  return db
    .select({ id: paragraphs.id, text: paragraphs.text, position: paragraphs.position, chapterId: paragraphs.chapterId })
    .from(paragraphs)
    .where(eq(paragraphs.editionId, editionId))
    .orderBy(asc(paragraphs.position));
}

/** The dry run: where every root comment of the reading would go. No writes. */
export async function planEditionMove(db: Db, input: { clubId: number; readingId: number; fromEditionId: number; editionId: number }): Promise<EditionMovePlan> {
  const oldParagraphs = await editionParagraphs(db, input.fromEditionId);
  const newParagraphs = await editionParagraphs(db, input.editionId);
  const oldChapters = await db.select().from(chapters).where(eq(chapters.editionId, input.fromEditionId));
  const newChapters = await db.select().from(chapters).where(eq(chapters.editionId, input.editionId)).orderBy(asc(chapters.ordinal));
  const oldRange = { min: oldParagraphs[0]?.position ?? 0, max: oldParagraphs[oldParagraphs.length - 1]?.position ?? 0 };

  const chapterMap = new Map<number, number>();
  for (const chapter of oldChapters) {
    const match = matchChapter(chapter, newChapters);
    if (match) chapterMap.set(chapter.id, match.id);
  }

  const roots = (
    await db
      .select()
      .from(comments)
      .where(and(eq(comments.readingId, input.readingId), eq(comments.clubId, input.clubId)))
      .orderBy(asc(comments.id))
  ).filter((c) => c.parentId === null);
  // Comments orphaned by an earlier move still point into an older edition: load those texts too.
  const known = new Map(oldParagraphs.map((p) => [p.id, p]));
  const missing = roots.map((c) => c.paragraphId).filter((id): id is number => id !== null && !known.has(id));
  if (missing.length > 0) {
    for (const p of await db.select().from(paragraphs).where(inArray(paragraphs.id, missing))) known.set(p.id, p);
  }
  const rootChapters = await db
    .select({ id: chapters.id, title: chapters.title, ordinal: chapters.ordinal, editionId: chapters.editionId })
    .from(chapters)
    .where(inArray(chapters.id, [...new Set(roots.map((c) => c.chapterId))].concat(-1)));
  const chapterTitles = new Map(rootChapters.map((c) => [c.id, c]));
  const newById = new Map(newParagraphs.map((p) => [p.id, p]));

  const moves: CommentMove[] = [];
  const counts = { exact: 0, fuzzy: 0, chapter: 0, orphaned: 0 };
  for (const c of roots) {
    const oldChapter = chapterTitles.get(c.chapterId);
    const previous: PreviousAnchor = {
      editionId: oldChapter?.editionId ?? input.fromEditionId,
      chapterId: c.chapterId,
      paragraphId: c.paragraphId,
      anchorPosition: c.anchorPosition,
      selector:
        c.passageExact !== null && c.passageStart !== null && c.passageEnd !== null
          ? { exact: c.passageExact, prefix: c.passagePrefix ?? '', suffix: c.passageSuffix ?? '', start: c.passageStart, end: c.passageEnd }
          : null,
    };
    const orphan = (score: number): CommentMove => ({ commentId: c.id, method: 'orphaned', score, to: null, previous });
    let move: CommentMove;
    const oldParagraph = c.paragraphId === null ? undefined : known.get(c.paragraphId);
    if (c.paragraphId === null || !oldParagraph) {
      const target = oldChapter ? matchChapter(oldChapter, newChapters) : null;
      move = target
        ? { commentId: c.id, method: 'chapter', score: 1, to: { chapterId: target.id, paragraphId: null, anchorPosition: target.lastPosition, passage: null }, previous }
        : orphan(0);
    } else if (previous.selector) {
      const found = reanchorPassage({ paragraphText: oldParagraph.text, paragraphPosition: oldParagraph.position, selector: previous.selector }, newParagraphs, oldRange);
      if (found.orphaned) move = orphan(found.bestScore);
      else {
        const p = newById.get(found.paragraphId)!;
        const { start, end, exact, prefix, suffix } = found.selector;
        move = { commentId: c.id, method: found.method, score: found.score, to: { chapterId: p.chapterId, paragraphId: p.id, anchorPosition: p.position, passage: { start, end, exact, prefix, suffix } }, previous };
      }
    } else {
      const found = reanchorParagraph(oldParagraph, newParagraphs, oldRange);
      if (found.orphaned) move = orphan(found.bestScore);
      else {
        const p = newById.get(found.paragraphId)!;
        move = { commentId: c.id, method: found.method, score: found.score, to: { chapterId: p.chapterId, paragraphId: p.id, anchorPosition: p.position, passage: null }, previous };
      }
    }
    if (move.method === 'orphaned') counts.orphaned += 1;
    else if (move.method === 'chapter') counts.chapter += 1;
    else if (move.method === 'fuzzy') counts.fuzzy += 1;
    else counts.exact += 1;
    moves.push(move);
  }

  const byText = new Map<string, EditionParagraph[]>();
  for (const p of newParagraphs) byText.set(p.text, [...(byText.get(p.text) ?? []), p]);
  const memo = new Map<number, EditionParagraph | null>();
  const match = (old: { text: string; position: number }): EditionParagraph | null => {
    if (memo.has(old.position)) return memo.get(old.position)!;
    const same = byText.get(old.text);
    let found: EditionParagraph | null = null;
    if (same && same.length > 0) found = same.reduce((a, b) => (Math.abs(b.position - old.position) < Math.abs(a.position - old.position) ? b : a));
    else {
      const r = reanchorParagraph(old, newParagraphs, oldRange);
      found = r.orphaned ? null : newById.get(r.paragraphId)!;
    }
    memo.set(old.position, found);
    return found;
  };
  return {
    ...input,
    moves,
    counts,
    chapterMap,
    mapPosition: (position) => mapPosition(position, oldParagraphs, match),
  };
}

/** Editions the reading may move to: the other editions of the same book. */
export async function otherEditionsOfBook(db: Db, editionId: number) {
  const edition = first(await db.select().from(editions).where(eq(editions.id, editionId)).limit(1));
  if (!edition) return [];
  const sameBook = await db
    .select({ id: editions.id, title: editions.title, sourceName: editions.sourceName, importedAt: editions.importedAt, paragraphCount: editions.paragraphCount })
    .from(editions)
    .where(eq(editions.bookId, edition.bookId))
    .orderBy(asc(editions.id));
  return sameBook.filter((e) => e.id !== editionId);
}

/**
 * What another area moves along with the comments, inside the same transaction (the polls
 * area's chapter polls). Given to {@link applyEditionMove} by the app's composition; `db` is
 * the transaction's handle, for every query of the step.
 */
export type EditionMoveStep = (db: Db, move: { clubId: number; readingId: number; chapterMap: ReadonlyMap<number, number> }) => void | Promise<void>;

/**
 * Apply a plan in one transaction (with every other area's `steps`) and say so on the bus.
 * Given the planning instead of a plan, it plans inside that transaction, so a comment posted
 * while the plan is made cannot be left behind on the old edition.
 */
export async function applyEditionMove(
  deps: { db: Db; events: EventBus },
  planned: EditionMovePlan | ((tx: Db) => Promise<EditionMovePlan>),
  actorId: number,
  now: number,
  steps: readonly EditionMoveStep[] = [],
): Promise<void> {
  const plan = await transaction(deps.db, async (tx) => {
    const plan = typeof planned === 'function' ? await planned(tx) : planned;
    for (const move of plan.moves) {
      const common = { reanchorScore: move.score, reanchorMethod: move.method, previousAnchor: move.previous };
      if (move.to === null) {
        await tx.update(comments).set({ ...common, orphaned: true }).where(eq(comments.rootId, move.commentId));
        continue;
      }
      const anchor = { chapterId: move.to.chapterId, paragraphId: move.to.paragraphId, anchorPosition: move.to.anchorPosition };
      // The thread follows its root: replies copy the root's anchor.
      await tx.update(comments).set({ ...common, ...anchor, orphaned: false }).where(eq(comments.rootId, move.commentId));
      const p = move.to.passage;
      await tx
        .update(comments)
        .set({ passageStart: p?.start ?? null, passageEnd: p?.end ?? null, passageExact: p?.exact ?? null, passagePrefix: p?.prefix ?? null, passageSuffix: p?.suffix ?? null })
        .where(eq(comments.id, move.commentId));
    }
    await moveReadingToEditionRows(tx, plan.readingId, plan.editionId, { mapPosition: plan.mapPosition, chapterMap: plan.chapterMap }, now);
    for (const step of steps) await step(tx, { clubId: plan.clubId, readingId: plan.readingId, chapterMap: plan.chapterMap });
    return plan;
  });
  await deps.events.publish({
    type: 'reading.edition_changed',
    actorId,
    clubId: plan.clubId,
    readingId: plan.readingId,
    fromEditionId: plan.fromEditionId,
    editionId: plan.editionId,
    exact: plan.counts.exact + plan.counts.chapter,
    fuzzy: plan.counts.fuzzy,
    orphaned: plan.counts.orphaned,
  });
}

// ---------------------------------------------------------------- the moderators' queue

export interface QueueItem {
  id: number;
  method: ReanchorMethod;
  score: number | null;
  body: string;
  oldQuote: string | null;
  oldChapterTitle: string | null;
  /** Where a fuzzy move put it (its new quote), null for an orphan. */
  newQuote: string | null;
}

/**
 * Whose queue: the moderators' (the club's comments) or one member's (their own private notes,
 * which no moderator sees). `may` is the policy's `settle` answer for the reader, so a comment
 * further on than they have read stays out of their queue (and only counts).
 */
export interface QueueScope {
  privateNotesOf: number | null;
  may: (comment: CommentRow) => boolean;
}

function scopeCondition(scope: QueueScope) {
  return scope.privateNotesOf === null ? eq(comments.visibility, 'club') : and(eq(comments.visibility, 'private'), eq(comments.authorId, scope.privateNotesOf));
}

/**
 * {@link waiting} in SQL: the exact condition of the partial index `comments_waiting_idx`
 * (db/schema/annotations.ts, db/schema-pg/annotations.ts), word for word, so the planner sees
 * the query is within the index: `orphaned = 1` on SQLite, `orphaned = true` on PostgreSQL.
 */
const WAITING_SQL = {
  sqlite: sql`${comments.parentId} is null and ${comments.deletedAt} is null and (${comments.orphaned} = 1 or ${comments.reanchorMethod} = 'fuzzy')`,
  pg: sql`${comments.parentId} is null and ${comments.deletedAt} is null and (${comments.orphaned} = true or ${comments.reanchorMethod} = 'fuzzy')`,
} satisfies Record<ReturnType<typeof engineOf>, SQL>;

const waiting = (c: CommentRow) => c.parentId === null && c.deletedAt === null && (c.orphaned || c.reanchorMethod === 'fuzzy');

/** How many root comments of the reading wait in this scope's queue (whether or not the reader may settle them yet). */
export async function countReanchorQueue(db: Db, clubId: number, readingId: number, scope: Pick<QueueScope, 'privateNotesOf'>): Promise<number> {
  // The same condition as `waiting`, counted in SQL on the partial index of waiting roots
  // (`comments_waiting_idx`): the club home asks it on every visit, whatever the reading's size.
  const row = first(
    await db
      .select({ count: sql<number>`count(*)`.mapWith(Number) })
      .from(comments)
      .where(and(eq(comments.readingId, readingId), WAITING_SQL[engineOf(db)], eq(comments.clubId, clubId), scopeCondition({ ...scope, may: () => true }))),
  );
  return row?.count ?? 0;
}

/** Root comments of the reading waiting to be settled: orphaned, or moved fuzzily; `ahead` counts those `may` keeps back. */
export async function listReanchorQueue(db: Db, clubId: number, readingId: number, scope: QueueScope): Promise<{ items: QueueItem[]; ahead: number }> {
  const all = (
    await db
      .select()
      .from(comments)
      .where(and(eq(comments.clubId, clubId), eq(comments.readingId, readingId), scopeCondition(scope)))
      .orderBy(asc(comments.anchorPosition), asc(comments.id))
  ).filter(waiting);
  const rows = all.filter(scope.may);
  const oldChapters = await db
    .select({ id: chapters.id, title: chapters.title })
    .from(chapters)
    .where(inArray(chapters.id, rows.map((r) => r.previousAnchor?.chapterId ?? r.chapterId).concat(-1)));
  const titles = new Map(oldChapters.map((c) => [c.id, c.title]));
  const items = rows.map((r) => ({
    id: r.id,
    method: r.reanchorMethod ?? 'orphaned',
    score: r.reanchorScore,
    body: r.moderation === 'removed' ? '' : r.body,
    oldQuote: r.previousAnchor?.selector?.exact ?? null,
    oldChapterTitle: titles.get(r.previousAnchor?.chapterId ?? r.chapterId) ?? null,
    newQuote: r.orphaned ? null : r.passageExact,
  }));
  return { items, ahead: all.length - rows.length };
}

export type QueueResolution =
  | { action: 'confirm' }
  | { action: 'leave' }
  | { action: 'reattach'; chapterOrdinal: number; paragraphOrdinal: number; exact: string };

export type ResolveResult = 'ok' | 'not_found' | 'not_applicable' | 'no_paragraph' | 'no_passage';

/** Settle one queued comment of the scope (in the reading's current edition); the thread follows its root. */
export async function resolveQueueItem(
  deps: { db: Db; events: EventBus },
  input: { clubId: number; readingId: number; editionId: number; commentId: number; actorId: number },
  resolution: QueueResolution,
  scope: QueueScope,
): Promise<ResolveResult> {
  // Read, checked and written in one transaction: of two moderators settling the same comment at
  // once, the second finds it settled (and nothing is told twice).
  const settled = await transaction(deps.db, async (tx) => {
    const comment = first(
      await tx
        .select()
        .from(comments)
        .where(and(eq(comments.id, input.commentId), eq(comments.clubId, input.clubId), eq(comments.readingId, input.readingId), scopeCondition(scope)))
        .limit(1),
    );
    if (!comment || !waiting(comment) || !scope.may(comment)) return { result: 'not_found' as const };
    const thread = eq(comments.rootId, comment.id);
    let how: 'confirmed' | 'manual' | 'left_on_chapter';
    if (resolution.action === 'confirm') {
      if (comment.orphaned) return { result: 'not_applicable' as const };
      await tx.update(comments).set({ reanchorMethod: 'confirmed' }).where(thread);
      how = 'confirmed';
    } else if (resolution.action === 'leave') {
      const newChapters = await tx.select().from(chapters).where(eq(chapters.editionId, input.editionId)).orderBy(asc(chapters.ordinal));
      const old = first(await tx.select().from(chapters).where(eq(chapters.id, comment.chapterId)).limit(1));
      const target = (old ? matchChapter(old, newChapters) : null) ?? newChapters[0];
      if (!target) return { result: 'not_applicable' as const };
      await transaction(tx, async (tx) => {
        await tx.update(comments).set({ chapterId: target.id, paragraphId: null, anchorPosition: target.lastPosition, orphaned: false, reanchorMethod: 'left_on_chapter' }).where(thread);
        await tx.update(comments).set({ passageStart: null, passageEnd: null, passageExact: null, passagePrefix: null, passageSuffix: null }).where(eq(comments.id, comment.id));
      });
      how = 'left_on_chapter';
    } else {
      const chapter = first(await tx.select().from(chapters).where(and(eq(chapters.editionId, input.editionId), eq(chapters.ordinal, resolution.chapterOrdinal))).limit(1));
      const paragraph = chapter && first(await tx.select().from(paragraphs).where(and(eq(paragraphs.chapterId, chapter.id), eq(paragraphs.ordinal, resolution.paragraphOrdinal))).limit(1));
      if (!chapter || !paragraph) return { result: 'no_paragraph' as const };
      let passage: { start: number; end: number; exact: string; prefix: string; suffix: string } | null = null;
      if (resolution.exact !== '') {
        const found = locatePassage(paragraph.text, { exact: resolution.exact, start: comment.previousAnchor?.selector?.start });
        const checked = found && validateSelector(paragraph.text, found.selector);
        if (!checked || !checked.ok) return { result: 'no_passage' as const };
        passage = checked.selector;
      }
      await transaction(tx, async (tx) => {
        await tx.update(comments).set({ chapterId: chapter.id, paragraphId: paragraph.id, anchorPosition: paragraph.position, orphaned: false, reanchorMethod: 'manual', reanchorScore: 1 }).where(thread);
        await tx
          .update(comments)
          .set({ passageStart: passage?.start ?? null, passageEnd: passage?.end ?? null, passageExact: passage?.exact ?? null, passagePrefix: passage?.prefix ?? null, passageSuffix: passage?.suffix ?? null })
          .where(eq(comments.id, comment.id));
      });
      how = 'manual';
    }
    return { result: 'ok' as const, how, commentId: comment.id };
  });
  if (settled.result !== 'ok') return settled.result;
  await deps.events.publish({ type: 'comment.reanchored', actorId: input.actorId, clubId: input.clubId, readingId: input.readingId, commentId: settled.commentId, how: settled.how });
  return 'ok';
}
