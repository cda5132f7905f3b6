/** The live area's own reads: who of the readers on a page are members and may be named; what changed on a chapter since a time. */
import { and, eq, gt, inArray, isNotNull, or } from 'drizzle-orm';
import type { Db } from '../../db/connection';
import { comments, memberships, moderationLog, polls, pollVotes, reactions, users } from '../../db/schema';

/** Display names of the club's members among `userIds` who have not hidden their progress. */
export function namedMembers(db: Db, clubId: number, userIds: readonly number[]): string[] {
  if (userIds.length === 0) return [];
  return db
    .select({ name: users.displayName })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.clubId, clubId), inArray(memberships.userId, [...userIds]), eq(memberships.progressHidden, false)))
    .orderBy(users.displayName)
    .all()
    .map((row) => row.name);
}

/** What changed on one chapter of a reading after `since` (ms): the catch-up of a stream that missed more than the replay buffer holds. */
export interface ChapterCatchUp {
  /** Paragraphs with a comment posted, edited, deleted or moderated, or a reaction added. */
  paragraphIds: number[];
  /** A chapter-level comment changed. */
  chapter: boolean;
  /** A poll of the chapter was created, closed or voted in. */
  polls: boolean;
}

export function chapterChangesSince(db: Db, readingId: number, chapterId: number, since: number): ChapterCatchUp {
  const onChapter = and(eq(comments.readingId, readingId), eq(comments.chapterId, chapterId));
  const moderated = db
    .select({ id: moderationLog.subjectId })
    .from(moderationLog)
    .where(and(gt(moderationLog.createdAt, since), isNotNull(moderationLog.subjectId)));
  const reacted = db.select({ id: reactions.commentId }).from(reactions).where(gt(reactions.createdAt, since));
  const rows = db
    .selectDistinct({ paragraphId: comments.paragraphId })
    .from(comments)
    .where(
      and(
        onChapter,
        or(gt(comments.createdAt, since), gt(comments.editedAt, since), gt(comments.deletedAt, since), inArray(comments.id, moderated), inArray(comments.id, reacted)),
      ),
    )
    .all();
  const chapterPolls = and(eq(polls.readingId, readingId), eq(polls.chapterId, chapterId));
  const pollChanged =
    db
      .select({ id: polls.id })
      .from(polls)
      .where(and(chapterPolls, or(gt(polls.createdAt, since), gt(polls.closedAt, since))))
      .limit(1)
      .get() !== undefined ||
    db
      .select({ id: pollVotes.pollId })
      .from(pollVotes)
      .innerJoin(polls, eq(polls.id, pollVotes.pollId))
      .where(and(chapterPolls, gt(pollVotes.updatedAt, since)))
      .limit(1)
      .get() !== undefined;
  return {
    paragraphIds: rows.flatMap((row) => (row.paragraphId === null ? [] : [row.paragraphId])),
    chapter: rows.some((row) => row.paragraphId === null),
    polls: pollChanged,
  };
}
