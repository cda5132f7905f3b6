/** The live area's own reads: who of the readers on a page are members and may be named; what changed on a chapter since a time. */
import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, or } from 'drizzle-orm';
import type { Db } from '../../db/connection';
import { comments, sessionAttendees, sessionMoments, meetingSessions, memberships, moderationLog, polls, pollVotes, reactions, users, type LiveMeeting } from '../../db/schema';

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

// ---- meetingSessions

/** The club's running meeting, if any. */
export function runningMeeting(db: Db, clubId: number): LiveMeeting | undefined {
  return db.select().from(meetingSessions).where(and(eq(meetingSessions.clubId, clubId), isNull(meetingSessions.endedAt))).get();
}

/** One meeting of this club (another club's id finds nothing). */
export function meetingOf(db: Db, clubId: number, meetingId: number): LiveMeeting | undefined {
  return db.select().from(meetingSessions).where(and(eq(meetingSessions.clubId, clubId), eq(meetingSessions.id, meetingId))).get();
}

/** Starts a meeting; `null` when one is running already (the unique index decides). */
export function insertMeeting(db: Db, values: { clubId: number; readingId: number; chapterId: number; startedBy: number; startedAt: number }): number | null {
  const row = db.insert(meetingSessions).values(values).onConflictDoNothing().returning({ id: meetingSessions.id }).get();
  return row?.id ?? null;
}

export function setSpotlight(db: Db, meetingId: number, kind: 'paragraph' | 'thread', targetId: number, at: number): void {
  db.update(meetingSessions).set({ spotlightKind: kind, spotlightId: targetId }).where(eq(meetingSessions.id, meetingId)).run();
  addMoment(db, meetingId, kind, targetId, at);
}

export function addMoment(db: Db, meetingId: number, kind: 'paragraph' | 'thread' | 'poll', targetId: number, at: number): void {
  db.insert(sessionMoments).values({ meetingId, kind, targetId, at }).onConflictDoNothing().run();
}

export function endMeeting(db: Db, meetingId: number, at: number): void {
  db.update(meetingSessions).set({ endedAt: at, spotlightKind: null, spotlightId: null }).where(and(eq(meetingSessions.id, meetingId), isNull(meetingSessions.endedAt))).run();
}

/** Counts a member as come (once). */
export function addAttendee(db: Db, meetingId: number, userId: number, at: number): void {
  db.insert(sessionAttendees).values({ meetingId, userId, joinedAt: at }).onConflictDoNothing().run();
}

/** A thread's root comment as a spotlight needs it: where it is, never its text. */
export function threadRoot(db: Db, readingId: number, commentId: number) {
  return db
    .select({ id: comments.id, chapterId: comments.chapterId, paragraphId: comments.paragraphId, anchorPosition: comments.anchorPosition, visibility: comments.visibility })
    .from(comments)
    .where(
      and(
        eq(comments.id, commentId),
        eq(comments.readingId, readingId),
        eq(comments.rootId, commentId),
        eq(comments.visibility, 'club'),
        isNull(comments.deletedAt),
        isNull(comments.moderation),
      ),
    )
    .get();
}

/** The poll's chapter (to tell whether a poll belongs to the meeting). */
export function pollPlace(db: Db, pollId: number) {
  return db.select({ readingId: polls.readingId, chapterId: polls.chapterId }).from(polls).where(eq(polls.id, pollId)).get();
}

/** The club's last ended meetingSessions with who came (named unless they hide their progress) and what they spotlighted, newest first. */
export function pastMeetings(db: Db, clubId: number, limit: number) {
  const rows = db
    .select()
    .from(meetingSessions)
    .where(and(eq(meetingSessions.clubId, clubId), isNotNull(meetingSessions.endedAt)))
    .orderBy(desc(meetingSessions.startedAt))
    .limit(limit)
    .all();
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const people = db
    .select({ meetingId: sessionAttendees.meetingId, name: users.displayName, hidden: memberships.progressHidden })
    .from(sessionAttendees)
    .innerJoin(users, eq(users.id, sessionAttendees.userId))
    .leftJoin(memberships, and(eq(memberships.userId, sessionAttendees.userId), eq(memberships.clubId, clubId)))
    .where(inArray(sessionAttendees.meetingId, ids))
    .orderBy(asc(users.displayName))
    .all();
  const moments = db.select().from(sessionMoments).where(inArray(sessionMoments.meetingId, ids)).orderBy(asc(sessionMoments.at), asc(sessionMoments.id)).all();
  return rows.map((meeting) => ({
    meeting,
    // Named like presence: members who hide their progress (or have left) are only counted.
    names: people.filter((p) => p.meetingId === meeting.id && p.hidden === false).map((p) => p.name),
    unnamed: people.filter((p) => p.meetingId === meeting.id && p.hidden !== false).length,
    moments: moments.filter((m) => m.meetingId === meeting.id),
  }));
}

/** The chapter's threads a moderator may spotlight (roots shared with the club, live), newest first: where and by whom, never their text. */
export function spotlightableThreads(db: Db, readingId: number, chapterId: number, limit = 50) {
  return db
    .select({ id: comments.id, paragraphId: comments.paragraphId, author: users.displayName, createdAt: comments.createdAt })
    .from(comments)
    .innerJoin(users, eq(users.id, comments.authorId))
    .where(
      and(
        eq(comments.readingId, readingId),
        eq(comments.chapterId, chapterId),
        eq(comments.rootId, comments.id),
        eq(comments.visibility, 'club'),
        isNull(comments.deletedAt),
        isNull(comments.moderation),
      ),
    )
    .orderBy(desc(comments.createdAt), desc(comments.id))
    .limit(limit)
    .all();
}
