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
export async function commentSeenBy(db: Db, access: ClubAccess, commentId: number, now: number): Promise<CommentRow | null> {
  const comment = await commentInClub(db, access.club.id, commentId);
  if (!comment) return null;
  const viewer = await gateViewerFor(db, access, comment.readingId);
  if (!commentCan(access, 'view', comment, viewer)) return null;
  if (!chapterOpenTo(access, await chapterOpensAt(db, comment.readingId, comment.chapterId), now)) return null;
  return comment;
}

/** A comment of the club, whoever looks (for the system: the flag threshold, the queue's rows). */
export async function commentOfClub(db: Db, clubId: number, commentId: number): Promise<CommentRow | null> {
  return (await commentInClub(db, clubId, commentId)) ?? null;
}

/** Hide (body kept for the author and moderators), remove (body erased) or restore a hidden comment. */
export async function setCommentModeration(db: Db, commentId: number, state: 'hidden' | 'removed' | 'restored', reason: string, moderatorId: number | null): Promise<boolean> {
  if (state === 'restored') return restoreComment(db, commentId);
  await moderateComment(db, commentId, state, reason, moderatorId);
  return true;
}

/** The author takes back a comment (account deletion): the same placeholder rule as the delete button. */
export async function deleteCommentAsAuthor(db: Db, commentId: number, now: number): Promise<void> {
  await deleteComment(db, commentId, now);
}

/** The facts comment events carry (ids, anchor, visibility). */
export function commentEventFacts(comment: CommentRow) {
  return commentFacts(comment);
}
