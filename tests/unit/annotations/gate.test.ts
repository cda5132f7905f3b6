import { describe, expect, it } from 'vitest';
import {
  anchorPositionFor,
  commentVisibleTo,
  partitionVisible,
  type GateComment,
  type GateViewer,
} from '../../../src/annotations/gate.js';

const AUTHOR = 1;
const OTHER = 2;
const CHAPTER = 7;
const PROGRESS = 50;

type Who = 'author' | 'other member' | 'signed out';
type Where = 'before' | 'at' | 'after';

function viewerFor(who: Who, revealed: boolean): GateViewer {
  return {
    userId: who === 'author' ? AUTHOR : who === 'other member' ? OTHER : null,
    progressPosition: who === 'signed out' ? 0 : PROGRESS,
    revealedChapterIds: new Set(revealed ? [CHAPTER] : []),
  };
}

function commentAt(where: Where, visibility: 'club' | 'private'): GateComment {
  const anchorPosition = where === 'before' ? PROGRESS - 10 : where === 'at' ? PROGRESS : PROGRESS + 1;
  return { authorId: AUTHOR, anchorPosition, visibility, chapterId: CHAPTER };
}

/**
 * The whole rule as a table. Signed-out viewers have progress 0, so "before"/"at"
 * (positions 40/50) are ahead of them; only a reveal shows club comments.
 */
const TABLE: [Who, 'club' | 'private', Where, boolean, boolean][] = [
  // who,            visibility, where,    revealed, visible
  ['author',        'private', 'before', false, true],
  ['author',        'private', 'at',     false, true],
  ['author',        'private', 'after',  false, true],
  ['author',        'private', 'after',  true,  true],
  ['author',        'club',    'before', false, true],
  ['author',        'club',    'at',     false, true],
  ['author',        'club',    'after',  false, true], // authors always see their own
  ['author',        'club',    'after',  true,  true],
  ['other member',  'private', 'before', false, false], // private: author only
  ['other member',  'private', 'at',     false, false],
  ['other member',  'private', 'after',  false, false],
  ['other member',  'private', 'before', true,  false], // revealing does not open private notes
  ['other member',  'private', 'after',  true,  false],
  ['other member',  'club',    'before', false, true],
  ['other member',  'club',    'at',     false, true], // at progress = read
  ['other member',  'club',    'after',  false, false], // spoiler
  ['other member',  'club',    'before', true,  true],
  ['other member',  'club',    'at',     true,  true],
  ['other member',  'club',    'after',  true,  true], // deliberately revealed
  ['signed out',    'private', 'before', false, false],
  ['signed out',    'private', 'after',  true,  false],
  ['signed out',    'club',    'before', false, false], // progress 0
  ['signed out',    'club',    'at',     false, false],
  ['signed out',    'club',    'after',  false, false],
  ['signed out',    'club',    'before', true,  true],
  ['signed out',    'club',    'after',  true,  true],
];

describe('commentVisibleTo — the full table', () => {
  it.each(TABLE)('%s viewing a %s comment anchored %s progress (revealed: %s) → %s', (who, visibility, where, revealed, visible) => {
    expect(commentVisibleTo(commentAt(where, visibility), viewerFor(who, revealed))).toBe(visible);
  });
});

describe('commentVisibleTo — edges', () => {
  const viewer = (progressPosition: number, userId: number | null = OTHER): GateViewer => ({
    userId,
    progressPosition,
    revealedChapterIds: new Set(),
  });
  const comment = (anchorPosition: number, extra: Partial<GateComment> = {}): GateComment => ({
    authorId: AUTHOR,
    anchorPosition,
    visibility: 'club',
    chapterId: CHAPTER,
    ...extra,
  });

  it('progress 0 sees nothing anchored at 1 or later', () => {
    expect(commentVisibleTo(comment(1), viewer(0))).toBe(false);
  });

  it('the first paragraph is visible once read', () => {
    expect(commentVisibleTo(comment(1), viewer(1))).toBe(true);
  });

  it('revealing another chapter does not reveal this one', () => {
    const v: GateViewer = { userId: OTHER, progressPosition: 0, revealedChapterIds: new Set([CHAPTER + 1]) };
    expect(commentVisibleTo(comment(99), v)).toBe(false);
  });

  it('a signed-out viewer is never the author, even of a comment with authorId 0', () => {
    expect(commentVisibleTo(comment(5, { authorId: 0, visibility: 'private' }), viewer(100, null))).toBe(false);
  });

  it('fails closed on NaN anchors or progress', () => {
    expect(commentVisibleTo(comment(Number.NaN), viewer(100))).toBe(false);
    expect(commentVisibleTo(comment(3), viewer(Number.NaN))).toBe(false);
  });
});

describe('anchorPositionFor', () => {
  it('uses the paragraph position for paragraph and passage comments', () => {
    expect(anchorPositionFor({ kind: 'paragraph', paragraphPosition: 12 })).toBe(12);
  });

  it("uses the chapter's LAST paragraph for chapter threads", () => {
    // A chapter spanning positions 101..180: its thread shows only once the chapter is finished.
    const anchor = anchorPositionFor({ kind: 'chapter', chapterLastPosition: 180 });
    expect(anchor).toBe(180);
    const reader = (p: number): GateViewer => ({ userId: OTHER, progressPosition: p, revealedChapterIds: new Set() });
    const thread: GateComment = { authorId: AUTHOR, anchorPosition: anchor, visibility: 'club', chapterId: 3 };
    expect(commentVisibleTo(thread, reader(101))).toBe(false);
    expect(commentVisibleTo(thread, reader(179))).toBe(false);
    expect(commentVisibleTo(thread, reader(180))).toBe(true);
  });
});

describe('partitionVisible', () => {
  const comments = [
    { id: 'a', authorId: OTHER, anchorPosition: 10, visibility: 'club', chapterId: 1 },
    { id: 'b', authorId: AUTHOR, anchorPosition: 90, visibility: 'club', chapterId: 2 },
    { id: 'c', authorId: OTHER, anchorPosition: 90, visibility: 'club', chapterId: 2 },
    { id: 'd', authorId: OTHER, anchorPosition: 5, visibility: 'private', chapterId: 1 },
    { id: 'e', authorId: AUTHOR, anchorPosition: 5, visibility: 'private', chapterId: 1 },
    { id: 'f', authorId: OTHER, anchorPosition: 20, visibility: 'club', chapterId: 1 },
  ] satisfies (GateComment & { id: string })[];

  it('keeps order, keeps the caller type, counts hidden club comments', () => {
    const result = partitionVisible(comments, { userId: AUTHOR, progressPosition: 20, revealedChapterIds: new Set() });
    expect(result.visible.map((c) => c.id)).toEqual(['a', 'b', 'e', 'f']);
    expect(result.hiddenCount).toBe(1); // 'c'; the other member's private note 'd' is not counted
  });

  it('reveals a whole chapter', () => {
    const result = partitionVisible(comments, { userId: AUTHOR, progressPosition: 0, revealedChapterIds: new Set([2]) });
    expect(result.visible.map((c) => c.id)).toEqual(['b', 'c', 'e']);
    expect(result.hiddenCount).toBe(2); // 'a', 'f'
  });

  it('signed out with progress 0 sees nothing', () => {
    const result = partitionVisible(comments, { userId: null, progressPosition: 0, revealedChapterIds: new Set() });
    expect(result).toEqual({ visible: [], hiddenCount: 4 });
  });

  it('handles an empty list', () => {
    expect(partitionVisible([], { userId: 1, progressPosition: 3, revealedChapterIds: new Set() })).toEqual({
      visible: [],
      hiddenCount: 0,
    });
  });
});
