/** Arranging gated comments into threads, the chapter tally behind the margin, and the heat scale. */
import { describe, expect, it } from 'vitest';
import type { GateViewer } from '../../../src/annotations/gate';
import { arrangeThreads, heatLevel, parseThreadOrder, tallyChapter, type ThreadRow } from '../../../src/annotations/threads';

const ALICE = 1;
const BOB = 2;

let nextId = 1;
function row(overrides: Partial<ThreadRow> = {}): ThreadRow {
  const id = overrides.id ?? nextId++;
  return {
    id,
    rootId: id,
    parentId: null,
    paragraphId: 100,
    passageStart: null,
    passageEnd: null,
    authorId: ALICE,
    anchorPosition: 10,
    visibility: 'club',
    chapterId: 7,
    createdAt: id * 1000,
    deletedAt: null,
    moderation: null,
    ...overrides,
  };
}
function reply(root: ThreadRow, overrides: Partial<ThreadRow> = {}): ThreadRow {
  return row({ rootId: root.id, parentId: root.id, paragraphId: root.paragraphId, anchorPosition: root.anchorPosition, ...overrides });
}
const viewer = (userId: number | null, progress: number, revealed: number[] = []): GateViewer => ({ userId, progressPosition: progress, revealedChapterIds: new Set(revealed) });
const ids = (threads: ReturnType<typeof arrangeThreads<ThreadRow>>['threads']) =>
  threads.map((t) => [t.root.kind === 'comment' ? t.root.row.id : `ahead:${t.rootId}`, ...t.replies.map((r) => r.id)]);

describe('arrangeThreads', () => {
  it('groups replies under their root, oldest reply first', () => {
    const a = row();
    const b = row();
    const r2 = reply(a, { createdAt: 9_000 });
    const r1 = reply(a, { createdAt: 8_000 });
    const { threads, hiddenCount } = arrangeThreads([a, b, r2, r1], viewer(BOB, 20), 'reading');
    expect(ids(threads)).toEqual([[a.id, r1.id, r2.id], [b.id]]);
    expect(hiddenCount).toBe(0);
  });

  it('reading order: whole-paragraph comments first, then passages by position; newest: latest root first', () => {
    const passageLate = row({ passageStart: 40, passageEnd: 50, createdAt: 1 });
    const whole = row({ createdAt: 5 });
    const passageEarly = row({ passageStart: 3, passageEnd: 8, createdAt: 9 });
    const all = [passageLate, whole, passageEarly];
    expect(ids(arrangeThreads(all, viewer(BOB, 20), 'reading').threads)).toEqual([[whole.id], [passageEarly.id], [passageLate.id]]);
    expect(ids(arrangeThreads(all, viewer(BOB, 20), 'newest').threads)).toEqual([[passageEarly.id], [whole.id], [passageLate.id]]);
  });

  it('applies the gate: comments further on are only counted; private notes of others not even that', () => {
    const ahead = row({ anchorPosition: 30 });
    const aheadReply = reply(ahead);
    const note = row({ visibility: 'private' });
    const here = row({ anchorPosition: 5 });
    const { threads, hiddenCount } = arrangeThreads([ahead, aheadReply, note, here], viewer(BOB, 10), 'reading');
    expect(ids(threads)).toEqual([[here.id]]);
    expect(hiddenCount).toBe(2);
    const revealed = arrangeThreads([ahead, aheadReply, note, here], viewer(BOB, 10, [7]), 'reading');
    expect(ids(revealed.threads)).toEqual([[ahead.id, aheadReply.id], [here.id]]);
    expect(ids(arrangeThreads([note], viewer(ALICE, 0), 'reading').threads)).toEqual([[note.id]]);
  });

  it('a deleted root stays as a placeholder only while it has replies', () => {
    const root = row({ deletedAt: 1 });
    const lonelyDeleted = row({ deletedAt: 1 });
    const r = reply(root, { authorId: BOB });
    const { threads, hiddenCount } = arrangeThreads([root, lonelyDeleted, r], viewer(BOB, 20), 'reading');
    expect(ids(threads)).toEqual([[root.id, r.id]]);
    expect(hiddenCount).toBe(0);
  });

  it('a deleted reply stays only when a later reply answers it', () => {
    const root = row();
    const deletedAnswered = reply(root, { deletedAt: 1 });
    const answer = reply(root, { parentId: deletedAnswered.id });
    const deletedAlone = reply(root, { deletedAt: 1 });
    expect(ids(arrangeThreads([root, deletedAnswered, answer, deletedAlone], viewer(BOB, 20), 'reading').threads)).toEqual([[root.id, deletedAnswered.id, answer.id]]);
  });

  it('a reader who sees their own reply but not its root gets a "further on" placeholder for the root', () => {
    const root = row({ anchorPosition: 30 });
    const mine = reply(root, { authorId: BOB });
    const { threads } = arrangeThreads([root, mine], viewer(BOB, 10), 'reading');
    expect(ids(threads)).toEqual([[`ahead:${root.id}`, mine.id]]);
  });

  it('moderated comments are shown (as such) but not counted as hidden', () => {
    const hidden = row({ moderation: 'hidden', anchorPosition: 30 });
    expect(arrangeThreads([hidden], viewer(BOB, 10), 'reading').hiddenCount).toBe(0);
    expect(ids(arrangeThreads([hidden], viewer(BOB, 30), 'reading').threads)).toEqual([[hidden.id]]);
  });

  it('parses the order parameter, defaulting to reading order', () => {
    expect(parseThreadOrder('newest')).toBe('newest');
    expect(parseThreadOrder('reading')).toBe('reading');
    expect(parseThreadOrder('<script>')).toBe('reading');
    expect(parseThreadOrder(undefined)).toBe('reading');
  });
});

describe('tallyChapter', () => {
  it('counts visible and hidden live comments per paragraph and for the chapter thread', () => {
    const p1a = row({ paragraphId: 1, anchorPosition: 1 });
    const p1b = reply(p1a);
    const p2 = row({ paragraphId: 2, anchorPosition: 2 });
    const p3ahead = row({ paragraphId: 3, anchorPosition: 30 });
    const p3note = row({ paragraphId: 3, anchorPosition: 3, visibility: 'private' });
    const thread = row({ paragraphId: null, anchorPosition: 40 });
    const deleted = row({ paragraphId: 2, anchorPosition: 2, deletedAt: 1 });
    const tally = tallyChapter([p1a, p1b, p2, p3ahead, p3note, thread, deleted], viewer(BOB, 10));
    expect(tally.byParagraph.get(1)).toMatchObject({ visible: 2, hidden: 0 });
    expect(tally.byParagraph.get(2)).toMatchObject({ visible: 1, hidden: 0 });
    expect(tally.byParagraph.get(3)).toMatchObject({ visible: 0, hidden: 1 });
    expect(tally.chapterThread).toEqual({ visible: 0, hidden: 1 });
    expect(tally.busiest).toBe(2);
    // The author of the note sees it counted.
    expect(tallyChapter([p3note], viewer(ALICE, 0)).byParagraph.get(3)).toMatchObject({ visible: 1 });
  });

  it('marks visible passages, merging roots on the same span, sized by their threads', () => {
    const a = row({ paragraphId: 1, passageStart: 0, passageEnd: 5 });
    const b = row({ paragraphId: 1, passageStart: 0, passageEnd: 5, authorId: BOB });
    const ra = reply(a);
    const c = row({ paragraphId: 1, passageStart: 10, passageEnd: 12, visibility: 'private', authorId: BOB });
    const hiddenPassage = row({ paragraphId: 1, passageStart: 20, passageEnd: 25, anchorPosition: 99 });
    const passages = tallyChapter([a, b, ra, c, hiddenPassage], viewer(BOB, 10)).byParagraph.get(1)!.passages;
    expect(passages).toEqual([
      { start: 0, end: 5, count: 3, private: false, mine: true },
      { start: 10, end: 12, count: 1, private: true, mine: true },
    ]);
  });
});

describe('heatLevel', () => {
  it.each([
    [0, 0, 0],
    [0, 10, 0],
    [1, 1, 5],
    [1, 10, 1],
    [2, 10, 1],
    [3, 10, 2],
    [5, 10, 3],
    [9, 10, 5],
    [10, 10, 5],
    [Number.NaN, 10, 0],
    [3, 0, 0],
  ])('%i of a busiest %i → heat-%i', (count, busiest, expected) => {
    expect(heatLevel(count, busiest)).toBe(expected);
  });
});
