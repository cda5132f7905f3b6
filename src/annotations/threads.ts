/**
 * Pure shaping of a scope's comments for one reader: which threads they see and in what
 * order, how many comments each paragraph shows and hides, and how warm each paragraph's
 * margin is. No I/O. Every decision of *visibility* is the spoiler gate's
 * ({@link partitionVisible}); this module only arranges what the gate let through.
 *
 * Terms:
 * - a comment is **live** when it is neither deleted by its author nor hidden/removed by a
 *   moderator. Counts (margin numbers, "N further on", heat) count live comments only;
 * - a **thread** is a root and its replies, flat, oldest reply first. Replies carry their
 *   root's anchor, so the gate decides them like their root;
 * - a **placeholder** keeps a conversation's shape: a deleted comment that someone answered
 *   stays as "[deleted]"; a root the reader may not see yet while they can see their own reply
 *   in its thread (they wrote it, then un-revealed the chapter) stays as "further on".
 *
 * @example
 * const { threads, hiddenCount } = arrangeThreads(rows, viewer, 'reading');
 * const tally = tallyChapter(rows, viewer); // tally.byParagraph.get(pid)?.visible
 */
import { commentVisibleTo, partitionVisible, type GateComment, type GateViewer } from './gate';

export const THREAD_ORDERS = ['reading', 'newest'] as const;
export type ThreadOrder = (typeof THREAD_ORDERS)[number];

export function parseThreadOrder(value: unknown): ThreadOrder {
  return value === 'newest' ? 'newest' : 'reading';
}

/** What arranging needs to know about a comment. */
export interface ThreadRow extends GateComment {
  id: number;
  rootId: number | null;
  parentId: number | null;
  paragraphId: number | null;
  passageStart: number | null;
  passageEnd: number | null;
  createdAt: number;
  deletedAt: number | null;
  moderation: 'hidden' | 'removed' | null;
}

export function isLive(row: Pick<ThreadRow, 'deletedAt' | 'moderation'>): boolean {
  return row.deletedAt === null && row.moderation === null;
}

export function rootIdOf(row: Pick<ThreadRow, 'id' | 'rootId'>): number {
  return row.rootId ?? row.id;
}

export interface ArrangedThread<T> {
  rootId: number;
  /** `ahead`: the root is beyond the reader's progress (shown as a placeholder only). */
  root: { kind: 'comment'; row: T } | { kind: 'ahead' };
  replies: T[];
}

export interface ArrangedThreads<T> {
  threads: ArrangedThread<T>[];
  /** Live club comments in this scope the reader may not see yet. */
  hiddenCount: number;
}

/**
 * The threads of a scope (a paragraph, or the chapter's own thread) the reader may see.
 * `rows` are every comment of the scope; the gate filters them here.
 */
export function arrangeThreads<T extends ThreadRow>(rows: readonly T[], viewer: GateViewer, order: ThreadOrder): ArrangedThreads<T> {
  const { visible } = partitionVisible([...rows], viewer);
  const { hiddenCount } = partitionVisible(rows.filter(isLive), viewer);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const visibleIds = new Set(visible.map((row) => row.id));

  // Replies that will be shown, and what they answer, decide which deleted ones stay.
  const answered = new Set<number>();
  for (const row of visible) {
    if (row.deletedAt !== null) continue;
    if (row.parentId !== null) answered.add(row.parentId);
    if (rootIdOf(row) !== row.id) answered.add(rootIdOf(row));
  }
  const shown = (row: T) => row.deletedAt === null || answered.has(row.id);

  const threads = new Map<number, ArrangedThread<T>>();
  for (const row of visible) {
    if (!shown(row)) continue;
    const rootId = rootIdOf(row);
    if (rootId === row.id) {
      const existing = threads.get(rootId);
      if (existing) existing.root = { kind: 'comment', row };
      else threads.set(rootId, { rootId, root: { kind: 'comment', row }, replies: [] });
      continue;
    }
    const root = byId.get(rootId);
    if (!root) continue; // a reply without its root cannot be placed
    let thread = threads.get(rootId);
    if (!thread) {
      thread = { rootId, root: visibleIds.has(rootId) ? { kind: 'comment', row: root } : { kind: 'ahead' }, replies: [] };
      threads.set(rootId, thread);
    }
    thread.replies.push(row);
  }

  const list = [...threads.values()].filter((thread) => thread.root.kind === 'ahead' || shown(thread.root.row) || thread.replies.length > 0);
  for (const thread of list) thread.replies.sort(byTime);
  list.sort(order === 'newest' ? newestFirst : readingOrder);
  return { threads: list, hiddenCount };
}

function byTime(a: ThreadRow, b: ThreadRow): number {
  return a.createdAt - b.createdAt || a.id - b.id;
}

function rootRow<T extends ThreadRow>(thread: ArrangedThread<T>): T | null {
  return thread.root.kind === 'comment' ? thread.root.row : null;
}

/** Whole-paragraph comments first, then passages by where they start; then oldest first. */
function readingOrder<T extends ThreadRow>(a: ArrangedThread<T>, b: ArrangedThread<T>): number {
  const ra = rootRow(a);
  const rb = rootRow(b);
  const pa = ra?.passageStart ?? -1;
  const pb = rb?.passageStart ?? -1;
  if (pa !== pb) return pa - pb;
  return (ra?.createdAt ?? 0) - (rb?.createdAt ?? 0) || a.rootId - b.rootId;
}

function newestFirst<T extends ThreadRow>(a: ArrangedThread<T>, b: ArrangedThread<T>): number {
  const ra = rootRow(a);
  const rb = rootRow(b);
  return (rb?.createdAt ?? 0) - (ra?.createdAt ?? 0) || b.rootId - a.rootId;
}

export interface PassageMark {
  start: number;
  end: number;
  /** Visible live comments in threads rooted on this exact span. */
  count: number;
  /** Every root on this span is the reader's private note. */
  private: boolean;
  /** The reader wrote one of the roots. */
  mine: boolean;
}

export interface ParagraphTally {
  visible: number;
  hidden: number;
  passages: PassageMark[];
}

export interface ChapterTally {
  byParagraph: Map<number, ParagraphTally>;
  /** The chapter's own thread (comments on no paragraph). */
  chapterThread: { visible: number; hidden: number };
  /** The most comments any one paragraph shows: the top of the heat scale. */
  busiest: number;
}

/** Margin numbers and passage marks for a whole chapter, from its comments (one query's rows). */
export function tallyChapter<T extends ThreadRow>(rows: readonly T[], viewer: GateViewer): ChapterTally {
  const byParagraph = new Map<number, ParagraphTally>();
  const chapterThread = { visible: 0, hidden: 0 };
  const tallyOf = (paragraphId: number) => {
    let tally = byParagraph.get(paragraphId);
    if (!tally) byParagraph.set(paragraphId, (tally = { visible: 0, hidden: 0, passages: [] }));
    return tally;
  };
  // One pass over the rows (a busy chapter has tens of thousands): count, and keep the visible
  // roots with a passage and each visible thread's size for the marks.
  const threadSize = new Map<number, number>();
  const passageRoots: T[] = [];
  for (const row of rows) {
    if (!isLive(row)) continue;
    const isVisible = commentVisibleTo(row, viewer);
    if (!isVisible && row.visibility === 'private') continue; // someone else's note: not even counted
    const target = row.paragraphId === null ? chapterThread : tallyOf(row.paragraphId);
    if (!isVisible) {
      target.hidden += 1;
      continue;
    }
    target.visible += 1;
    const rootId = rootIdOf(row);
    threadSize.set(rootId, (threadSize.get(rootId) ?? 0) + 1);
    if (rootId === row.id && row.paragraphId !== null && row.passageStart !== null && row.passageEnd !== null) passageRoots.push(row);
  }

  // Passage marks: visible roots with a passage; the count is the thread's visible live size.
  for (const row of passageRoots) {
    const passages = tallyOf(row.paragraphId!).passages;
    const same = passages.find((p) => p.start === row.passageStart && p.end === row.passageEnd);
    const size = threadSize.get(row.id) ?? 1;
    const mine = viewer.userId !== null && row.authorId === viewer.userId;
    if (same) {
      same.count += size;
      same.private &&= row.visibility === 'private';
      same.mine ||= mine;
    } else {
      passages.push({ start: row.passageStart!, end: row.passageEnd!, count: size, private: row.visibility === 'private', mine });
    }
  }
  let busiest = 0;
  for (const tally of byParagraph.values()) busiest = Math.max(busiest, tally.visible);
  return { byParagraph, chapterThread, busiest };
}

export const HEAT_LEVELS = 5;

/**
 * How warm a paragraph's margin is, 0 (nothing to see) to 5 (the busiest paragraph of the
 * chapter), relative to the chapter's busiest paragraph so a quiet chapter still shows where
 * its talk is.
 */
export function heatLevel(count: number, busiest: number): number {
  if (!(count > 0) || !(busiest > 0)) return 0;
  return Math.min(HEAT_LEVELS, Math.max(1, Math.ceil((count / busiest) * HEAT_LEVELS)));
}
