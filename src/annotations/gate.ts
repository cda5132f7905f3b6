/**
 * The spoiler gate: the ONE decision of whether a viewer may see a comment.
 *
 * Every output — the chapter page's margins and discussion, thread fragments and pages, a
 * comment's history and forms, the club home's recent discussion — filters comments through
 * {@link commentVisibleTo} (or {@link partitionVisible}), and so must every output added
 * later (a listener of comment events decides for its own viewer the same way). Nothing else
 * decides it, so no output can disagree with another about what would spoil a reader.
 *
 * Where the database must do the filtering (recent discussion takes the newest N visible
 * comments), `visibleToSql` in `queries.ts` states this same rule in SQL, clause by clause;
 * a test runs both over a matrix of comments and viewers and requires the same answers.
 *
 * ## Positions
 *
 * Every paragraph of an edition has a global `position`, 1..N in reading order. A member's
 * reading progress is the position of the last paragraph they have read (0 = nothing yet).
 *
 * A comment's **anchor position** ({@link anchorPositionFor}):
 * - anchored to a paragraph or a passage in it → that paragraph's position;
 * - a chapter-level thread comment → the position of the chapter's **last** paragraph.
 *   A chapter thread talks about the chapter as a whole ("the ending!"), so it may spoil
 *   anything in the chapter; it only appears once the reader has finished the chapter.
 *   Anchoring it at the first paragraph would show end-of-chapter talk to someone who has
 *   read one line;
 * - a reply → its thread ROOT's anchor, never its own. A reply is read in the context of
 *   its root; anchoring it earlier would show an answer to a question the reader cannot
 *   see, and anchoring it later would hide half a conversation. Callers resolve the root
 *   before building a {@link GateComment}.
 *
 * ## The rule
 *
 * 1. `private` comments (notes to self) are visible to their author only — nothing else,
 *    not revealing a chapter, opens them.
 * 2. An author always sees their own comments, whatever their progress.
 * 3. Otherwise a comment is visible when `anchorPosition ≤ progressPosition`, or when the
 *    viewer has deliberately revealed that chapter ("show me spoilers for chapter 7").
 *
 * A signed-out viewer has `userId: null` and progress 0, so sees only comments in chapters
 * they revealed (and the routes decide whether signed-out viewers see a club at all).
 * Bad numbers fail closed: a `NaN` anchor or progress hides the comment.
 *
 * @example
 * const viewer = { userId: 7, progressPosition: 120, revealedChapterIds: new Set<number>() };
 * const { visible, hiddenCount } = partitionVisible(chapterComments, viewer);
 * // render `visible`, and "3 comments ahead of where you are" from hiddenCount
 */

export interface GateComment {
  authorId: number;
  anchorPosition: number;
  visibility: 'club' | 'private';
  chapterId: number;
}

export interface GateViewer {
  /** `null` when signed out. */
  userId: number | null;
  /** Position of the last paragraph read; 0 = nothing read. */
  progressPosition: number;
  /** Chapters whose discussion the viewer chose to see before reading them. */
  revealedChapterIds: ReadonlySet<number>;
}

/** Where a comment is anchored; replies pass their root's anchor instead of their own. */
export type CommentAnchor =
  | { kind: 'paragraph'; paragraphPosition: number }
  | { kind: 'chapter'; chapterLastPosition: number };

/** The anchor position of a root comment (see the module comment for why chapters use their last paragraph). */
export function anchorPositionFor(anchor: CommentAnchor): number {
  return anchor.kind === 'paragraph' ? anchor.paragraphPosition : anchor.chapterLastPosition;
}

/** May `viewer` see `comment`? The one spoiler decision; see the module comment. */
export function commentVisibleTo(comment: GateComment, viewer: GateViewer): boolean {
  const isAuthor = viewer.userId !== null && viewer.userId === comment.authorId;
  if (comment.visibility === 'private') return isAuthor;
  if (isAuthor) return true;
  if (comment.anchorPosition <= viewer.progressPosition) return true;
  return viewer.revealedChapterIds.has(comment.chapterId);
}

/**
 * Split comments into those the viewer may see (order kept) and a count of the rest, so a
 * page can say "N comments further on" without saying anything about them.
 *
 * Private comments of other people are NOT counted in `hiddenCount`: their existence is
 * nobody else's business, while club comments ahead are (the count is the invitation to
 * keep reading).
 */
export function partitionVisible<T extends GateComment>(
  comments: T[],
  viewer: GateViewer,
): { visible: T[]; hiddenCount: number } {
  const visible: T[] = [];
  let hiddenCount = 0;
  for (const comment of comments) {
    if (commentVisibleTo(comment, viewer)) visible.push(comment);
    else if (comment.visibility === 'club') hiddenCount += 1;
  }
  return { visible, hiddenCount };
}
