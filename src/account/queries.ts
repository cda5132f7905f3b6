/** SQL for a member's own data: what the export reads and what deleting the account changes. */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { first, type Db } from '../../db/connection';
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

export async function profileRow(db: Db, userId: number): Promise<User | undefined> {
  return first(await db.select().from(users).where(eq(users.id, userId)).limit(1));
}

export async function membershipRows(db: Db, userId: number) {
  return await db
    .select({ clubId: clubs.id, clubName: clubs.name, role: memberships.role, progressHidden: memberships.progressHidden, joinedAt: memberships.joinedAt })
    .from(memberships)
    .innerJoin(clubs, eq(clubs.id, memberships.clubId))
    .where(eq(memberships.userId, userId))
    .orderBy(memberships.joinedAt);
}

export async function progressRows(db: Db, userId: number) {
  return await db
    .select({ readingId: readings.id, clubName: clubs.name, editionTitle: editions.title, position: readingProgress.position, updatedAt: readingProgress.updatedAt })
    .from(readingProgress)
    .innerJoin(readings, eq(readings.id, readingProgress.readingId))
    .innerJoin(clubs, eq(clubs.id, readings.clubId))
    .innerJoin(editions, eq(editions.id, readings.editionId))
    .where(eq(readingProgress.userId, userId));
}

export async function commentRows(db: Db, userId: number) {
  return await db
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
    .orderBy(comments.createdAt, comments.id);
}

/** Earlier bodies of the member's own comments. */
export async function revisionRows(db: Db, userId: number) {
  return await db
    .select({ commentId: commentRevisions.commentId, body: commentRevisions.body, createdAt: commentRevisions.createdAt })
    .from(commentRevisions)
    .innerJoin(comments, eq(comments.id, commentRevisions.commentId))
    .where(eq(comments.authorId, userId))
    .orderBy(commentRevisions.createdAt, commentRevisions.id);
}

export async function reactionRows(db: Db, userId: number) {
  return await db
    .select({ commentId: reactions.commentId, reaction: reactions.reaction, createdAt: reactions.createdAt })
    .from(reactions)
    .where(eq(reactions.userId, userId));
}

/** Ballots in polls whose voters are public (an anonymous poll's ballot is not tied to anyone by design). */
export async function publicVoteRows(db: Db, userId: number) {
  return await db
    .select({ pollId: polls.id, question: polls.question, clubName: clubs.name, kind: polls.kind, votedAt: pollVotes.updatedAt, option: pollOptions.label, rank: pollVoteChoices.rank })
    .from(pollVotes)
    .innerJoin(polls, eq(polls.id, pollVotes.pollId))
    .innerJoin(clubs, eq(clubs.id, polls.clubId))
    .innerJoin(pollVoteChoices, eq(pollVoteChoices.voteId, pollVotes.id))
    .innerJoin(pollOptions, eq(pollOptions.id, pollVoteChoices.optionId))
    .where(and(eq(pollVotes.userId, userId), eq(polls.voters, 'public')))
    .orderBy(pollVotes.pollId, pollVoteChoices.rank);
}

export async function flagRows(db: Db, userId: number) {
  return await db
    .select({ commentId: commentFlags.commentId, reason: commentFlags.reason, createdAt: commentFlags.createdAt })
    .from(commentFlags)
    .where(eq(commentFlags.flaggerId, userId));
}

export async function bookmarkRows(db: Db, userId: number) {
  return await db
    .select({ editionTitle: editions.title, chapterOrdinal: bookmarks.chapterOrdinal, paragraphOrdinal: bookmarks.paragraphOrdinal, updatedAt: bookmarks.updatedAt })
    .from(bookmarks)
    .innerJoin(editions, eq(editions.id, bookmarks.editionId))
    .where(eq(bookmarks.userId, userId));
}

/** Clubs where this member is the only owner (deleting the account would leave them ownerless). */
export async function clubsOnlyOwnedBy(db: Db, userId: number): Promise<{ id: number; name: string }[]> {
  return await db
    .select({ id: clubs.id, name: clubs.name })
    .from(memberships)
    .innerJoin(clubs, eq(clubs.id, memberships.clubId))
    .where(
      and(
        eq(memberships.userId, userId),
        eq(memberships.role, 'owner'),
        sql`not exists (select 1 from memberships m2 where m2.club_id = ${memberships.clubId} and m2.role = 'owner' and m2.user_id <> ${userId})`,
      ),
    );
}

/** Clubs the member belongs to or wrote in: their pages change when the account goes. */
export async function clubsTouchedBy(db: Db, userId: number): Promise<number[]> {
  const ids = new Set<number>();
  for (const r of await db.select({ id: memberships.clubId }).from(memberships).where(eq(memberships.userId, userId))) ids.add(r.id);
  for (const r of await db.selectDistinct({ id: comments.clubId }).from(comments).where(eq(comments.authorId, userId))) ids.add(r.id);
  return [...ids];
}

export type CommentChoice = 'delete' | 'keep';

/** The display name every "former member" tombstone carries (shown as is in both languages). */
export const FORMER_MEMBER_NAME = '(former member · 탈퇴한 회원)';

/**
 * Deletes an account; call it with a transaction's handle (the caller opens the transaction). Comments and ballots that must
 * survive move to a fresh "former member" tombstone row, which has no personal data, cannot
 * sign in and is not the deleted user; then the user row goes, and its cascades take what is left.
 */
export async function deleteAccount(db: Db, user: User, choice: CommentChoice, now: number, tombstoneKey: string): Promise<{ tombstoneId: number }> {
  const userId = user.id;
  const tombstone = first(
    await db
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
      .returning({ id: users.id }),
  )!; // an insert without a conflict target always gives its row

  await db.delete(sessions).where(eq(sessions.userId, userId));

  // Private notes are always deleted (with their revisions, by cascade).
  await db.delete(comments).where(and(eq(comments.authorId, userId), eq(comments.visibility, 'private')));

  if (choice === 'delete') {
    const own = await db.select({ id: comments.id, rootId: comments.rootId }).from(comments).where(eq(comments.authorId, userId));
    const ownIds = new Set(own.map((r) => r.id));
    const rootIds = [...new Set(own.map((r) => r.rootId ?? r.id))];
    // A comment of theirs that is an ancestor of someone else's reply stays as a placeholder.
    const thread = rootIds.length
      ? await db.select({ id: comments.id, parentId: comments.parentId, authorId: comments.authorId }).from(comments).where(inArray(comments.rootId, rootIds))
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
      await db.delete(commentRevisions).where(inArray(commentRevisions.commentId, placeholders));
      await db
        .update(comments)
        .set({ authorId: tombstone.id, body: '', quotedText: null, deletedAt: now })
        .where(inArray(comments.id, placeholders));
    }
    // No one else's comment descends from these, so deleting them orphans nobody.
    if (gone.length) await db.delete(comments).where(inArray(comments.id, gone));
  } else {
    await db.update(comments).set({ authorId: tombstone.id }).where(eq(comments.authorId, userId));
  }

  // Ballots stay counted; they now belong to the tombstone (one ballot per poll, as before).
  await db.update(pollVotes).set({ userId: tombstone.id }).where(eq(pollVotes.userId, userId));

  await db.delete(reactions).where(eq(reactions.userId, userId));
  await db.delete(commentFlags).where(eq(commentFlags.flaggerId, userId));
  await db.delete(readingProgress).where(eq(readingProgress.userId, userId));
  await db.delete(spoilerReveals).where(eq(spoilerReveals.userId, userId));
  await db.delete(bookmarks).where(eq(bookmarks.userId, userId));
  await db.delete(memberships).where(eq(memberships.userId, userId));

  await db
    .insert(deletedUsernames)
    .values({ usernameKey: user.usernameKey, deletedAt: now })
    .onConflictDoUpdate({ target: deletedUsernames.usernameKey, set: { deletedAt: now } });

  // `set null` columns (moderation log, invitations, polls, editions, mutes, bans) and the
  // remaining cascades (mutes and bans of this member) are handled by the foreign keys.
  await db.delete(users).where(eq(users.id, userId));
  return { tombstoneId: tombstone.id };
}

