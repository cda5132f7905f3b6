/** SQL for a member's own data: what the export reads and what deleting the account changes. */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/connection';
import {
  bookmarks,
  chapters,
  clubs,
  commentFlags,
  commentRevisions,
  comments,
  deletedUsernames,
  editions,
  memberships,
  paragraphs,
  pollOptions,
  polls,
  pollVoteChoices,
  pollVotes,
  reactions,
  readingProgress,
  readings,
  sessions,
  spoilerReveals,
  users,
  type User,
} from '../../db/schema';

export function profileRow(db: Db, userId: number): User | undefined {
  return db.select().from(users).where(eq(users.id, userId)).get();
}

export function membershipRows(db: Db, userId: number) {
  return db
    .select({ clubId: clubs.id, clubName: clubs.name, role: memberships.role, progressHidden: memberships.progressHidden, joinedAt: memberships.joinedAt })
    .from(memberships)
    .innerJoin(clubs, eq(clubs.id, memberships.clubId))
    .where(eq(memberships.userId, userId))
    .orderBy(memberships.joinedAt)
    .all();
}

export function progressRows(db: Db, userId: number) {
  return db
    .select({ readingId: readings.id, clubName: clubs.name, editionTitle: editions.title, position: readingProgress.position, updatedAt: readingProgress.updatedAt })
    .from(readingProgress)
    .innerJoin(readings, eq(readings.id, readingProgress.readingId))
    .innerJoin(clubs, eq(clubs.id, readings.clubId))
    .innerJoin(editions, eq(editions.id, readings.editionId))
    .where(eq(readingProgress.userId, userId))
    .all();
}

export function commentRows(db: Db, userId: number) {
  return db
    .select({
      id: comments.id,
      clubName: clubs.name,
      editionTitle: editions.title,
      chapterTitle: chapters.title,
      chapterOrdinal: chapters.ordinal,
      paragraphOrdinal: paragraphs.ordinal,
      parentId: comments.parentId,
      passageStart: comments.passageStart,
      passageEnd: comments.passageEnd,
      passageExact: comments.passageExact,
      passagePrefix: comments.passagePrefix,
      passageSuffix: comments.passageSuffix,
      body: comments.body,
      visibility: comments.visibility,
      createdAt: comments.createdAt,
      editedAt: comments.editedAt,
      deletedAt: comments.deletedAt,
      moderation: comments.moderation,
    })
    .from(comments)
    .innerJoin(clubs, eq(clubs.id, comments.clubId))
    .innerJoin(chapters, eq(chapters.id, comments.chapterId))
    .innerJoin(editions, eq(editions.id, chapters.editionId))
    .leftJoin(paragraphs, eq(paragraphs.id, comments.paragraphId))
    .where(eq(comments.authorId, userId))
    .orderBy(comments.createdAt, comments.id)
    .all();
}

/** Earlier bodies of the member's own comments. */
export function revisionRows(db: Db, userId: number) {
  return db
    .select({ commentId: commentRevisions.commentId, body: commentRevisions.body, createdAt: commentRevisions.createdAt })
    .from(commentRevisions)
    .innerJoin(comments, eq(comments.id, commentRevisions.commentId))
    .where(eq(comments.authorId, userId))
    .orderBy(commentRevisions.createdAt, commentRevisions.id)
    .all();
}

export function reactionRows(db: Db, userId: number) {
  return db
    .select({ commentId: reactions.commentId, reaction: reactions.reaction, createdAt: reactions.createdAt })
    .from(reactions)
    .where(eq(reactions.userId, userId))
    .all();
}

/** Ballots in polls whose voters are public (an anonymous poll's ballot is not tied to anyone by design). */
export function publicVoteRows(db: Db, userId: number) {
  return db
    .select({ pollId: polls.id, question: polls.question, clubName: clubs.name, kind: polls.kind, votedAt: pollVotes.updatedAt, option: pollOptions.label, rank: pollVoteChoices.rank })
    .from(pollVotes)
    .innerJoin(polls, eq(polls.id, pollVotes.pollId))
    .innerJoin(clubs, eq(clubs.id, polls.clubId))
    .innerJoin(pollVoteChoices, eq(pollVoteChoices.voteId, pollVotes.id))
    .innerJoin(pollOptions, eq(pollOptions.id, pollVoteChoices.optionId))
    .where(and(eq(pollVotes.userId, userId), eq(polls.voters, 'public')))
    .orderBy(pollVotes.pollId, pollVoteChoices.rank)
    .all();
}

export function flagRows(db: Db, userId: number) {
  return db
    .select({ commentId: commentFlags.commentId, reason: commentFlags.reason, createdAt: commentFlags.createdAt })
    .from(commentFlags)
    .where(eq(commentFlags.flaggerId, userId))
    .all();
}

export function bookmarkRows(db: Db, userId: number) {
  return db
    .select({ editionTitle: editions.title, chapterOrdinal: bookmarks.chapterOrdinal, paragraphOrdinal: bookmarks.paragraphOrdinal, updatedAt: bookmarks.updatedAt })
    .from(bookmarks)
    .innerJoin(editions, eq(editions.id, bookmarks.editionId))
    .where(eq(bookmarks.userId, userId))
    .all();
}

/** Clubs where this member is the only owner (deleting the account would leave them ownerless). */
export function clubsOnlyOwnedBy(db: Db, userId: number): { id: number; name: string }[] {
  return db
    .select({ id: clubs.id, name: clubs.name })
    .from(memberships)
    .innerJoin(clubs, eq(clubs.id, memberships.clubId))
    .where(
      and(
        eq(memberships.userId, userId),
        eq(memberships.role, 'owner'),
        sql`not exists (select 1 from memberships m2 where m2.club_id = ${memberships.clubId} and m2.role = 'owner' and m2.user_id <> ${userId})`,
      ),
    )
    .all();
}

/** Clubs the member belongs to or wrote in: their pages change when the account goes. */
export function clubsTouchedBy(db: Db, userId: number): number[] {
  const ids = new Set<number>();
  for (const r of db.select({ id: memberships.clubId }).from(memberships).where(eq(memberships.userId, userId)).all()) ids.add(r.id);
  for (const r of db.selectDistinct({ id: comments.clubId }).from(comments).where(eq(comments.authorId, userId)).all()) ids.add(r.id);
  return [...ids];
}

export type CommentChoice = 'delete' | 'keep';

/** The display name every "former member" tombstone carries (shown as is in both languages). */
export const FORMER_MEMBER_NAME = '(former member · 탈퇴한 회원)';

/**
 * Deletes an account in one transaction (the caller wraps it). Comments and ballots that must
 * survive move to a fresh "former member" tombstone row, which has no personal data, cannot
 * sign in and is not the deleted user; then the user row goes, and its cascades take what is left.
 */
export function deleteAccount(db: Db, user: User, choice: CommentChoice, now: number, tombstoneKey: string): { tombstoneId: number } {
  const userId = user.id;
  const tombstone = db
    .insert(users)
    .values({
      username: tombstoneKey,
      usernameKey: tombstoneKey,
      displayName: FORMER_MEMBER_NAME,
      passwordHash: '!',
      locale: null,
      timeZone: null,
      isAdmin: false,
      createdAt: now,
      suspendedAt: now,
    })
    .returning({ id: users.id })
    .get();

  db.delete(sessions).where(eq(sessions.userId, userId)).run();

  // Private notes are always deleted (with their revisions, by cascade).
  db.delete(comments).where(and(eq(comments.authorId, userId), eq(comments.visibility, 'private'))).run();

  if (choice === 'delete') {
    const own = db.select({ id: comments.id, rootId: comments.rootId }).from(comments).where(eq(comments.authorId, userId)).all();
    const ownIds = new Set(own.map((r) => r.id));
    const rootIds = [...new Set(own.map((r) => r.rootId ?? r.id))];
    // A comment of theirs that is an ancestor of someone else's reply stays as a placeholder.
    const thread = rootIds.length
      ? db.select({ id: comments.id, parentId: comments.parentId, authorId: comments.authorId }).from(comments).where(inArray(comments.rootId, rootIds)).all()
      : [];
    const parentOf = new Map(thread.map((r) => [r.id, r.parentId]));
    const withOthersReplies = new Set<number>();
    for (const row of thread) {
      if (row.authorId === userId) continue;
      let parent = row.parentId;
      while (parent !== null && parent !== undefined && !withOthersReplies.has(parent)) {
        withOthersReplies.add(parent);
        parent = parentOf.get(parent) ?? null;
      }
    }
    const ownList = [...ownIds];
    const placeholders = ownList.filter((id) => withOthersReplies.has(id));
    const gone = ownList.filter((id) => !withOthersReplies.has(id));
    if (placeholders.length) {
      db.delete(commentRevisions).where(inArray(commentRevisions.commentId, placeholders)).run();
      db.update(comments)
        .set({ authorId: tombstone.id, body: '', quotedText: null, deletedAt: now })
        .where(inArray(comments.id, placeholders))
        .run();
    }
    // No one else's comment descends from these, so deleting them orphans nobody.
    if (gone.length) db.delete(comments).where(inArray(comments.id, gone)).run();
  } else {
    db.update(comments).set({ authorId: tombstone.id }).where(eq(comments.authorId, userId)).run();
  }

  // Ballots stay counted; they now belong to the tombstone (one ballot per poll, as before).
  db.update(pollVotes).set({ userId: tombstone.id }).where(eq(pollVotes.userId, userId)).run();

  db.delete(reactions).where(eq(reactions.userId, userId)).run();
  db.delete(commentFlags).where(eq(commentFlags.flaggerId, userId)).run();
  db.delete(readingProgress).where(eq(readingProgress.userId, userId)).run();
  db.delete(spoilerReveals).where(eq(spoilerReveals.userId, userId)).run();
  db.delete(bookmarks).where(eq(bookmarks.userId, userId)).run();
  db.delete(memberships).where(eq(memberships.userId, userId)).run();

  db.insert(deletedUsernames)
    .values({ usernameKey: user.usernameKey, deletedAt: now })
    .onConflictDoUpdate({ target: deletedUsernames.usernameKey, set: { deletedAt: now } })
    .run();

  // `set null` columns (moderation log, invitations, polls, editions, mutes, bans) and the
  // remaining cascades (mutes and bans of this member) are handled by the foreign keys.
  db.delete(users).where(eq(users.id, userId)).run();
  return { tombstoneId: tombstone.id };
}

