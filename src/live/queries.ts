/** The live area's own reads: who of the readers on a page are members and may be named; what changed on a chapter since a time. */
import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, or } from 'drizzle-orm';
import { first, type Db } from '../../db/connection';
import { comments, sessionAttendees, sessionMoments, meetingSessions, memberships, moderationLog, polls, pollVotes, reactions, users, type LiveMeeting } from '../../db/schema';

/** Display names of the club's members among `userIds` who have not hidden their progress. */
export async function namedMembers(db: Db, clubId: number, userIds: readonly number[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await db
    .select({ name: users.displayName })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.clubId, clubId), inArray(memberships.userId, [...userIds]), eq(memberships.progressHidden, false)))
    .orderBy(users.displayName, users.id);
  return rows.map((row) => row.name);
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

export async function chapterChangesSince(db: Db, readingId: number, chapterId: number, since: number): Promise<ChapterCatchUp> {
  const onChapter = and(eq(comments.readingId, readingId), eq(comments.chapterId, chapterId));
  const moderated = db
    .select({ id: moderationLog.subjectId })
    .from(moderationLog)
    .where(and(gt(moderationLog.createdAt, since), isNotNull(moderationLog.subjectId)));
  const reacted = db.select({ id: reactions.commentId }).from(reactions).where(gt(reactions.createdAt, since));
  const rows = await db
    .selectDistinct({ paragraphId: comments.paragraphId })
    .from(comments)
    .where(
      and(
        onChapter,
        or(gt(comments.createdAt, since), gt(comments.editedAt, since), gt(comments.deletedAt, since), inArray(comments.id, moderated), inArray(comments.id, reacted)),
      ),
    );
  const chapterPolls = and(eq(polls.readingId, readingId), eq(polls.chapterId, chapterId));
  const pollChanged =
    first(
      await db
        .select({ id: polls.id })
        .from(polls)
        .where(and(chapterPolls, or(gt(polls.createdAt, since), gt(polls.closedAt, since))))
        .limit(1),
    ) !== undefined ||
    first(
      await db
        .select({ id: pollVotes.pollId })
        .from(pollVotes)
        .innerJoin(polls, eq(polls.id, pollVotes.pollId))
        .where(and(chapterPolls, gt(pollVotes.updatedAt, since)))
        .limit(1),
    ) !== undefined;
  return {
    paragraphIds: rows.flatMap((row) => (row.paragraphId === null ? [] : [row.paragraphId])),
    chapter: rows.some((row) => row.paragraphId === null),
    polls: pollChanged,
  };
}

// ---- meetingSessions

/** The club's running meeting, if any. */
export async function runningMeeting(db: Db, clubId: number): Promise<LiveMeeting | undefined> {
  return first(await db.select().from(meetingSessions).where(and(eq(meetingSessions.clubId, clubId), isNull(meetingSessions.endedAt))).limit(1));
}

/** One meeting of this club (another club's id finds nothing). */
export async function meetingOf(db: Db, clubId: number, meetingId: number): Promise<LiveMeeting | undefined> {
  return first(await db.select().from(meetingSessions).where(and(eq(meetingSessions.clubId, clubId), eq(meetingSessions.id, meetingId))).limit(1));
}

/** Starts a meeting; `null` when one is running already (the unique index of running meetings decides, also for two at once). */
export async function insertMeeting(db: Db, values: { clubId: number; readingId: number; chapterId: number; startedBy: number; startedAt: number }): Promise<number | null> {
  const [row] = await db.insert(meetingSessions).values(values).onConflictDoNothing().returning({ id: meetingSessions.id });
  return row?.id ?? null;
}

export async function setSpotlight(db: Db, meetingId: number, kind: 'paragraph' | 'thread', targetId: number, at: number): Promise<void> {
  await db.update(meetingSessions).set({ spotlightKind: kind, spotlightId: targetId }).where(eq(meetingSessions.id, meetingId));
  await addMoment(db, meetingId, kind, targetId, at);
}

export async function addMoment(db: Db, meetingId: number, kind: 'paragraph' | 'thread' | 'poll', targetId: number, at: number): Promise<void> {
  await db.insert(sessionMoments).values({ meetingId, kind, targetId, at }).onConflictDoNothing();
}

export async function endMeeting(db: Db, meetingId: number, at: number): Promise<void> {
  await db.update(meetingSessions).set({ endedAt: at, spotlightKind: null, spotlightId: null }).where(and(eq(meetingSessions.id, meetingId), isNull(meetingSessions.endedAt)));
}

/** Counts members as come (once each): one statement for all of them. */
export async function addAttendees(db: Db, meetingId: number, userIds: readonly number[], at: number): Promise<void> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return;
  await db
    .insert(sessionAttendees)
    .values(unique.map((userId) => ({ meetingId, userId, joinedAt: at })))
    .onConflictDoNothing();
}

/** Counts a member as come (once). */
export function addAttendee(db: Db, meetingId: number, userId: number, at: number): Promise<void> {
  return addAttendees(db, meetingId, [userId], at);
}

/** A thread's root comment as a spotlight needs it: where it is, never its text. */
export async function threadRoot(db: Db, readingId: number, commentId: number) {
  return first(
    await db
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
      .limit(1),
  );
}

/** The poll's chapter (to tell whether a poll belongs to the meeting). */
export async function pollPlace(db: Db, pollId: number) {
  return first(await db.select({ readingId: polls.readingId, chapterId: polls.chapterId }).from(polls).where(eq(polls.id, pollId)).limit(1));
}

/** The club's last ended meetingSessions with who came (named unless they hide their progress) and what they spotlighted, newest first. */
export async function pastMeetings(db: Db, clubId: number, limit: number) {
  const rows = await db
    .select()
    .from(meetingSessions)
    .where(and(eq(meetingSessions.clubId, clubId), isNotNull(meetingSessions.endedAt)))
    .orderBy(desc(meetingSessions.startedAt), desc(meetingSessions.id))
    .limit(limit);
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const people = await db
    .select({ meetingId: sessionAttendees.meetingId, name: users.displayName, hidden: memberships.progressHidden })
    .from(sessionAttendees)
    .innerJoin(users, eq(users.id, sessionAttendees.userId))
    .leftJoin(memberships, and(eq(memberships.userId, sessionAttendees.userId), eq(memberships.clubId, clubId)))
    .where(inArray(sessionAttendees.meetingId, ids))
    .orderBy(asc(users.displayName), asc(users.id));
  const moments = await db.select().from(sessionMoments).where(inArray(sessionMoments.meetingId, ids)).orderBy(asc(sessionMoments.at), asc(sessionMoments.id));
  return rows.map((meeting) => ({
    meeting,
    // Named like presence: members who hide their progress (or have left) are only counted.
    names: people.filter((p) => p.meetingId === meeting.id && p.hidden === false).map((p) => p.name),
    unnamed: people.filter((p) => p.meetingId === meeting.id && p.hidden !== false).length,
    moments: moments.filter((m) => m.meetingId === meeting.id),
  }));
}

/** The chapter's threads a moderator may spotlight (roots shared with the club, live), newest first: where and by whom, never their text. */
export async function spotlightableThreads(db: Db, readingId: number, chapterId: number, limit = 50) {
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
    .limit(limit);
}
