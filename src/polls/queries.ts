/**
 * Database access of the polls area. Every read of a poll is scoped by its club, so a poll id
 * from another club is simply not found. Writes that belong together run in one transaction.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { inTransaction, type Db, type Sqlite } from '../../db/connection';
import { pollOptions, pollVoteChoices, pollVotes, polls, users, type Poll } from '../../db/schema';

export type PollOption = typeof pollOptions.$inferSelect;

/** A poll of this club, or undefined (also for a poll of another club). */
/**
 * A reading moved to another edition: its chapter polls follow their chapters (`chapterMap`,
 * old chapter id → new). A poll whose chapter has no match stays where it was; its votes are kept.
 * Runs inside the move's transaction.
 */
export function movePollsToEdition(db: Db, move: { readingId: number; chapterMap: ReadonlyMap<number, number> }): void {
  for (const [from, to] of move.chapterMap) {
    db.update(polls).set({ chapterId: to }).where(and(eq(polls.readingId, move.readingId), eq(polls.chapterId, from))).run();
  }
}

export function findPoll(db: Db, clubId: number, pollId: number): Poll | undefined {
  if (!Number.isSafeInteger(pollId) || pollId <= 0) return undefined;
  return db.select().from(polls).where(and(eq(polls.id, pollId), eq(polls.clubId, clubId))).get();
}

/** Every poll of a club, newest first. */
export function listClubPolls(db: Db, clubId: number): Poll[] {
  return db.select().from(polls).where(eq(polls.clubId, clubId)).orderBy(sql`${polls.createdAt} desc`, sql`${polls.id} desc`).all();
}

/** The polls on one chapter of one reading, oldest first (the order they were asked). */
export function listChapterPolls(db: Db, readingId: number, chapterId: number): Poll[] {
  return db
    .select()
    .from(polls)
    .where(and(eq(polls.readingId, readingId), eq(polls.chapterId, chapterId)))
    .orderBy(asc(polls.createdAt), asc(polls.id))
    .all();
}

export function optionsOf(db: Db, pollIds: number[]): Map<number, PollOption[]> {
  const byPoll = new Map<number, PollOption[]>(pollIds.map((id) => [id, []]));
  if (pollIds.length === 0) return byPoll;
  const rows = db.select().from(pollOptions).where(inArray(pollOptions.pollId, pollIds)).orderBy(asc(pollOptions.pollId), asc(pollOptions.ordinal)).all();
  for (const row of rows) byPoll.get(row.pollId)?.push(row);
  return byPoll;
}

export interface StoredBallot {
  voteId: number;
  userId: number;
  displayName: string;
  /** Option ids in rank order. */
  choices: number[];
}

/**
 * Every ballot of a poll with its choices in rank order, oldest ballot first. Display names
 * are loaded with them; callers only pass them on for public polls whose results are visible.
 */
export function ballotsOf(db: Db, pollId: number): StoredBallot[] {
  const rows = db
    .select({ voteId: pollVotes.id, userId: pollVotes.userId, displayName: users.displayName, optionId: pollVoteChoices.optionId, rank: pollVoteChoices.rank })
    .from(pollVotes)
    .innerJoin(users, eq(users.id, pollVotes.userId))
    .innerJoin(pollVoteChoices, eq(pollVoteChoices.voteId, pollVotes.id))
    .where(eq(pollVotes.pollId, pollId))
    .orderBy(asc(pollVotes.id), asc(pollVoteChoices.rank))
    .all();
  const ballots = new Map<number, StoredBallot>();
  for (const row of rows) {
    let ballot = ballots.get(row.voteId);
    if (!ballot) {
      ballot = { voteId: row.voteId, userId: row.userId, displayName: row.displayName, choices: [] };
      ballots.set(row.voteId, ballot);
    }
    ballot.choices.push(row.optionId);
  }
  return [...ballots.values()];
}

/** The reader's own choices in rank order, or null when they have not voted. */
export function ballotOf(db: Db, pollId: number, userId: number | null): number[] | null {
  if (userId === null) return null;
  const vote = db.select({ id: pollVotes.id }).from(pollVotes).where(and(eq(pollVotes.pollId, pollId), eq(pollVotes.userId, userId))).get();
  if (!vote) return null;
  return db
    .select({ optionId: pollVoteChoices.optionId })
    .from(pollVoteChoices)
    .where(eq(pollVoteChoices.voteId, vote.id))
    .orderBy(asc(pollVoteChoices.rank))
    .all()
    .map((row) => row.optionId);
}

export function hasAnyVote(db: Db, pollId: number): boolean {
  return db.select({ id: pollVotes.id }).from(pollVotes).where(eq(pollVotes.pollId, pollId)).limit(1).get() !== undefined;
}

export interface NewPoll {
  clubId: number;
  readingId: number | null;
  chapterId: number | null;
  question: string;
  kind: Poll['kind'];
  minChoices: number;
  maxChoices: number;
  voters: Poll['voters'];
  resultsVisibility: Poll['resultsVisibility'];
  opensAt: number | null;
  closesAt: number | null;
}

/** Creates a poll and its options in one transaction. */
export function insertPoll(db: Db, sqlite: Sqlite, input: NewPoll, options: string[], createdBy: number, now: number): Poll {
  return inTransaction(sqlite, () => {
    const poll = db
      .insert(polls)
      .values({ ...input, closedAt: null, createdBy, createdAt: now })
      .returning()
      .get();
    db.insert(pollOptions)
      .values(options.map((label, index) => ({ pollId: poll.id, ordinal: index + 1, label })))
      .run();
    return poll;
  });
}

export type PollSettings = Omit<NewPoll, 'clubId' | 'readingId' | 'chapterId'>;

/**
 * Rewrites a poll that nobody has voted on yet: settings and options together. Returns false
 * (and writes nothing) when a vote arrived in the meantime; the check and the write share one
 * immediate transaction, so no ballot can slip in between.
 */
export function rewritePoll(db: Db, sqlite: Sqlite, pollId: number, settings: PollSettings, options: string[]): boolean {
  return inTransaction(sqlite, () => {
    if (hasAnyVote(db, pollId)) return false;
    db.update(polls).set(settings).where(eq(polls.id, pollId)).run();
    db.delete(pollOptions).where(eq(pollOptions.pollId, pollId)).run();
    db.insert(pollOptions)
      .values(options.map((label, index) => ({ pollId, ordinal: index + 1, label })))
      .run();
    return true;
  });
}

export function setClosesAt(db: Db, pollId: number, closesAt: number | null): void {
  db.update(polls).set({ closesAt }).where(eq(polls.id, pollId)).run();
}

export function setClosedAt(db: Db, pollId: number, closedAt: number | null): void {
  db.update(polls).set({ closedAt }).where(eq(polls.id, pollId)).run();
}

/** Reopens: clears the manual close and replaces the closing date in one statement. */
export function reopenPoll(db: Db, pollId: number, closesAt: number | null): void {
  db.update(polls).set({ closedAt: null, closesAt }).where(eq(polls.id, pollId)).run();
}

export function deletePoll(db: Db, pollId: number): void {
  db.delete(polls).where(eq(polls.id, pollId)).run();
}

/**
 * Stores a member's ballot: one row per member per poll, whatever the concurrency. The vote row
 * is an UPSERT on the unique (poll, user) index, so a second request from the same member
 * (a double click, two tabs) updates the same row; its choices are replaced in the same
 * immediate transaction, so nobody ever reads a ballot half written.
 */
export function upsertBallot(db: Db, sqlite: Sqlite, pollId: number, userId: number, choices: number[], now: number): void {
  inTransaction(sqlite, () => {
    const vote = db
      .insert(pollVotes)
      .values({ pollId, userId, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({ target: [pollVotes.pollId, pollVotes.userId], set: { updatedAt: now } })
      .returning({ id: pollVotes.id })
      .get();
    db.delete(pollVoteChoices).where(eq(pollVoteChoices.voteId, vote.id)).run();
    db.insert(pollVoteChoices)
      .values(choices.map((optionId, index) => ({ voteId: vote.id, optionId, rank: index + 1 })))
      .run();
  });
}

/** Withdraws a member's ballot; true when there was one. */
export function deleteBallot(db: Db, pollId: number, userId: number): boolean {
  return db.delete(pollVotes).where(and(eq(pollVotes.pollId, pollId), eq(pollVotes.userId, userId))).run().changes > 0;
}
