/**
 * What the moderation area may do with comments, through the annotations area's own rules:
 * find a comment as a reader sees it (the spoiler gate and the schedule decide, exactly as
 * on every page), and change its moderation state with the same queries the comment's own
 * "moderate" form uses, so a hidden comment is hidden on every output without anyone else
 * learning a new state.
 */
import type { Db } from '../../db/connection';
import { chapterOpensAt, chapterOpenTo, type ClubAccess } from '../clubs';
import { commentCan } from './policy';
import { gateViewerFor } from './present';
import { commentInClub, deleteComment, moderateComment, restoreComment, type CommentRow } from './queries';
import { commentFacts } from './service';

export type { CommentRow } from './queries';

/** A comment of the club the reader may see right now (gate + schedule), or null (treat as 404). */
export function commentSeenBy(db: Db, access: ClubAccess, commentId: number, now: number): CommentRow | null {
  const comment = commentInClub(db, access.club.id, commentId);
  if (!comment) return null;
  const viewer = gateViewerFor(db, access, comment.readingId);
  if (!commentCan(access, 'view', comment, viewer)) return null;
  if (!chapterOpenTo(access, chapterOpensAt(db, comment.readingId, comment.chapterId), now)) return null;
  return comment;
}

/** A comment of the club, whoever looks (for the system: the flag threshold, the queue's rows). */
export function commentOfClub(db: Db, clubId: number, commentId: number): CommentRow | null {
  return commentInClub(db, clubId, commentId) ?? null;
}

/** Hide (body kept for the author and moderators), remove (body erased) or restore a hidden comment. */
export function setCommentModeration(db: Db, commentId: number, state: 'hidden' | 'removed' | 'restored', reason: string, moderatorId: number | null): boolean {
  if (state === 'restored') return restoreComment(db, commentId);
  moderateComment(db, commentId, state, reason, moderatorId);
  return true;
}

/** The author takes back a comment (account deletion): the same placeholder rule as the delete button. */
export function deleteCommentAsAuthor(db: Db, commentId: number, now: number): void {
  deleteComment(db, commentId, now);
}

/** The facts comment events carry (ids, anchor, visibility). */
export function commentEventFacts(comment: CommentRow) {
  return commentFacts(comment);
}
