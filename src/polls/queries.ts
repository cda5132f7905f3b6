/**
 * Database access of the polls area. Every read of a poll is scoped by its club, so a poll id
 * from another club is simply not found. Writes that belong together run in one transaction.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { first, prepared, transaction, type Db } from '../../db/connection';
import { pollOptions, pollVoteChoices, pollVotes, polls, users, type Poll } from '../../db/schema';

export type PollOption = typeof pollOptions.$inferSelect;

/** A poll of this club, or undefined (also for a poll of another club). */
/**
 * A reading moved to another edition: its chapter polls follow their chapters (`chapterMap`,
 * old chapter id → new). A poll whose chapter has no match stays where it was; its votes are kept.
 * Runs inside the move's transaction.
 */
export async function movePollsToEdition(db: Db, move: { readingId: number; chapterMap: ReadonlyMap<number, number> }): Promise<void> {
  for (const [from, to] of move.chapterMap) {
    await db.update(polls).set({ chapterId: to }).where(and(eq(polls.readingId, move.readingId), eq(polls.chapterId, from)));
  }
}

export async function findPoll(db: Db, clubId: number, pollId: number): Promise<Poll | undefined> {
  if (!Number.isSafeInteger(pollId) || pollId <= 0) return undefined;
  return first(await db.select().from(polls).where(and(eq(polls.id, pollId), eq(polls.clubId, clubId))).limit(1));
}

/** Every poll of a club, newest first. */
export function listClubPolls(db: Db, clubId: number): Promise<Poll[]> {
  return db.select().from(polls).where(eq(polls.clubId, clubId)).orderBy(sql`${polls.createdAt} desc`, sql`${polls.id} desc`);
}

/** The polls on one chapter of one reading, oldest first (the order they were asked). */
export function listChapterPolls(db: Db, readingId: number, chapterId: number): Promise<Poll[]> {
  return db
    .select()
    .from(polls)
    .where(and(eq(polls.readingId, readingId), eq(polls.chapterId, chapterId)))
    .orderBy(asc(polls.createdAt), asc(polls.id));
}

export async function optionsOf(db: Db, pollIds: number[]): Promise<Map<number, PollOption[]>> {
  const byPoll = new Map<number, PollOption[]>(pollIds.map((id) => [id, []]));
  if (pollIds.length === 0) return byPoll;
  const rows = await db.select().from(pollOptions).where(inArray(pollOptions.pollId, pollIds)).orderBy(asc(pollOptions.pollId), asc(pollOptions.ordinal));
  for (const row of rows) byPoll.get(row.pollId)?.push(row);
  return byPoll;
}

/** What a ballot is checked against: the poll's row and its option ids, as they stand in `db` (two prepared reads: the voting path asks them twice). */
export async function ballotTerms(db: Db, pollId: number): Promise<{ poll: Poll | undefined; optionIds: number[] }> {
  const poll = prepared(db, 'poll-by-id', (db) => db.select().from(polls).where(eq(polls.id, sql.placeholder('pollId'))).limit(1).prepare());
  const options = prepared(db, 'poll-option-ids', (db) =>
    db.select({ id: pollOptions.id }).from(pollOptions).where(eq(pollOptions.pollId, sql.placeholder('pollId'))).orderBy(asc(pollOptions.ordinal)).prepare(),
  );
  const [row, ids] = await Promise.all([poll.execute({ pollId }), options.execute({ pollId })]);
  return { poll: first(row), optionIds: ids.map((option) => option.id) };
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
export async function ballotsOf(db: Db, pollId: number): Promise<StoredBallot[]> {
  const rows = await db
    .select({ voteId: pollVotes.id, userId: pollVotes.userId, displayName: users.displayName, optionId: pollVoteChoices.optionId, rank: pollVoteChoices.rank })
    .from(pollVotes)
    .innerJoin(users, eq(users.id, pollVotes.userId))
    .innerJoin(pollVoteChoices, eq(pollVoteChoices.voteId, pollVotes.id))
    .where(eq(pollVotes.pollId, pollId))
    .orderBy(asc(pollVotes.id), asc(pollVoteChoices.rank));
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
export async function ballotOf(db: Db, pollId: number, userId: number | null): Promise<number[] | null> {
  if (userId === null) return null;
  const vote = first(await db.select({ id: pollVotes.id }).from(pollVotes).where(and(eq(pollVotes.pollId, pollId), eq(pollVotes.userId, userId))).limit(1));
  if (!vote) return null;
  const rows = await db.select({ optionId: pollVoteChoices.optionId }).from(pollVoteChoices).where(eq(pollVoteChoices.voteId, vote.id)).orderBy(asc(pollVoteChoices.rank));
  return rows.map((row) => row.optionId);
}

export async function hasAnyVote(db: Db, pollId: number): Promise<boolean> {
  return (await db.select({ id: pollVotes.id }).from(pollVotes).where(eq(pollVotes.pollId, pollId)).limit(1)).length > 0;
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
export function insertPoll(db: Db, input: NewPoll, options: string[], createdBy: number, now: number): Promise<Poll> {
  return transaction(db, async (tx) => {
    const [poll] = await tx
      .insert(polls)
      .values({ ...input, closedAt: null, createdBy, createdAt: now })
      .returning();
    await tx.insert(pollOptions).values(options.map((label, index) => ({ pollId: poll!.id, ordinal: index + 1, label })));
    return poll!;
  });
}

export type PollSettings = Omit<NewPoll, 'clubId' | 'readingId' | 'chapterId'>;

/**
 * Rewrites a poll that nobody has voted on yet: settings and options together. Returns false
 * (and writes nothing) when a vote arrived in the meantime; the check and the write share one
 * transaction, so no ballot can slip in between.
 */
export function rewritePoll(db: Db, pollId: number, settings: PollSettings, options: string[]): Promise<boolean> {
  return transaction(db, async (tx) => {
    if (await hasAnyVote(tx, pollId)) return false;
    await tx.update(polls).set(settings).where(eq(polls.id, pollId));
    await tx.delete(pollOptions).where(eq(pollOptions.pollId, pollId));
    await tx.insert(pollOptions).values(options.map((label, index) => ({ pollId, ordinal: index + 1, label })));
    return true;
  });
}

export async function setClosesAt(db: Db, pollId: number, closesAt: number | null): Promise<void> {
  await db.update(polls).set({ closesAt }).where(eq(polls.id, pollId));
}

export async function setClosedAt(db: Db, pollId: number, closedAt: number | null): Promise<void> {
  await db.update(polls).set({ closedAt }).where(eq(polls.id, pollId));
}

/** Reopens: clears the manual close and replaces the closing date in one statement. */
export async function reopenPoll(db: Db, pollId: number, closesAt: number | null): Promise<void> {
  await db.update(polls).set({ closedAt: null, closesAt }).where(eq(polls.id, pollId));
}

export async function deletePoll(db: Db, pollId: number): Promise<void> {
  await db.delete(polls).where(eq(polls.id, pollId));
}

/**
 * Stores a member's ballot: one row per member per poll, whatever the concurrency, on either
 * engine and from any number of processes. The vote row is an upsert on the unique
 * (poll, user) index, so a second request from the same member (a double click, two tabs, two
 * app processes) updates the same row; its choices are replaced in the same transaction, so
 * nobody ever reads a ballot half written.
 *
 * Within one process a member's ballot writes to one poll run one after another
 * ({@link oneBallotWriteAtATime}): on PostgreSQL two transactions writing the same row at once
 * make one of them fail and be tried again, and a burst of them (a double click, twenty times
 * over) would outlast the tries. Across processes such races are rare and the tries absorb them.
 */
export function upsertBallot<Refusal>(db: Db, pollId: number, userId: number, choices: number[], now: number, recheck: (tx: Db) => Promise<Refusal | null>): Promise<Refusal | null> {
  return oneBallotWriteAtATime(db, pollId, userId, () =>
    transaction(db, async (tx) => {
      // What was checked before may have changed since (the poll closed, its options rewritten):
      // checked again in the transaction that writes, so the ballot is written against what is.
      const refusal = await recheck(tx);
      if (refusal) return refusal;
      const [vote] = await tx
        .insert(pollVotes)
        .values({ pollId, userId, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({ target: [pollVotes.pollId, pollVotes.userId], set: { updatedAt: now } })
        .returning({ id: pollVotes.id });
      await tx.delete(pollVoteChoices).where(eq(pollVoteChoices.voteId, vote!.id));
      await tx.insert(pollVoteChoices).values(choices.map((optionId, index) => ({ voteId: vote!.id, optionId, rank: index + 1 })));
      return null;
    }),
  );
}

/** Withdraws a member's ballot; true when there was one. */
export function deleteBallot(db: Db, pollId: number, userId: number): Promise<boolean> {
  return oneBallotWriteAtATime(db, pollId, userId, async () => {
    const deleted = await db.delete(pollVotes).where(and(eq(pollVotes.pollId, pollId), eq(pollVotes.userId, userId))).returning({ id: pollVotes.id });
    return deleted.length > 0;
  });
}

/** The last ballot write queued per database handle and (poll, member), while one is pending. */
const pendingBallotWrites = new WeakMap<Db, Map<string, Promise<void>>>();

/** Runs `write` once this process's earlier writes of the same member's ballot have settled. */
function oneBallotWriteAtATime<T>(db: Db, pollId: number, userId: number, write: () => Promise<T>): Promise<T> {
  let pending = pendingBallotWrites.get(db);
  if (!pending) pendingBallotWrites.set(db, (pending = new Map()));
  const key = `${pollId}:${userId}`;
  const written = (pending.get(key) ?? Promise.resolve()).then(write);
  const settled = written.then(
    () => undefined,
    () => undefined,
  );
  pending.set(key, settled);
  void settled.then(() => {
    if (pending.get(key) === settled) pending.delete(key);
  });
  return written;
}
