/** SQL of club life, one query per scope, no decisions. */
import { and, asc, count, desc, eq, gte, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { first, transaction, type Db } from '../../db/connection';
import {
  bookPicks,
  books,
  calendarFeeds,
  clubs,
  comments,
  discussionQuestions,
  editions,
  meetingRsvps,
  meetings,
  meetingSlots,
  memberships,
  nominationBackers,
  nominations,
  pickVotes,
  questionAnswers,
  readings,
  shelfMarks,
  slotMarks,
  users,
  type BookPick,
  type Meeting,
  type PickMethod,
  type RsvpAnswer,
  type ShelfMark,
  type SlotMark,
} from '../../db/schema';
import { nominationKey, normaliseForKey } from './rules';

// ---- book picks -----------------------------------------------------------------------------

export async function latestPick(db: Db, clubId: number): Promise<BookPick | undefined> {
  return first(await db.select().from(bookPicks).where(eq(bookPicks.clubId, clubId)).orderBy(desc(bookPicks.id)).limit(1));
}

export async function pickOfClub(db: Db, clubId: number, pickId: number): Promise<BookPick | undefined> {
  return first(await db.select().from(bookPicks).where(and(eq(bookPicks.id, pickId), eq(bookPicks.clubId, clubId))).limit(1));
}

export async function openPick(db: Db, clubId: number, method: PickMethod, userId: number, now: number): Promise<BookPick> {
  const [pick] = await db.insert(bookPicks).values({ clubId, method, createdBy: userId, createdAt: now }).returning();
  return pick!;
}

export interface NominationRow {
  id: number;
  editionId: number | null;
  title: string;
  author: string;
  link: string | null;
  backers: { userId: number; name: string; reason: string }[];
}

export async function nominationsOf(db: Db, pickId: number): Promise<NominationRow[]> {
  const rows = await db.select().from(nominations).where(eq(nominations.pickId, pickId)).orderBy(asc(nominations.id));
  if (rows.length === 0) return [];
  const backers = await db
    .select({ nominationId: nominationBackers.nominationId, userId: nominationBackers.userId, name: users.displayName, reason: nominationBackers.reason })
    .from(nominationBackers)
    .innerJoin(users, eq(users.id, nominationBackers.userId))
    .where(inArray(nominationBackers.nominationId, rows.map((r) => r.id)))
    .orderBy(asc(nominationBackers.createdAt));
  return rows.map((r) => ({
    id: r.id,
    editionId: r.editionId,
    title: r.title,
    author: r.author,
    link: r.link,
    backers: backers.filter((b) => b.nominationId === r.id).map(({ userId, name, reason }) => ({ userId, name, reason })),
  }));
}

export interface NewNomination {
  pickId: number;
  editionId: number | null;
  title: string;
  author: string;
  link: string | null;
  reason: string;
}

/** The library book of an edition, when there is one. */
export async function libraryEdition(db: Db, editionId: number) {
  return first(
    await db.select({ editionId: editions.id, bookId: editions.bookId, title: editions.title, author: editions.author }).from(editions).where(eq(editions.id, editionId)).limit(1),
  );
}

/**
 * The library book a typed nomination names (the newest edition): same normalised title and
 * author; with no author typed, the one book of that title (several: none, to be safe).
 */
export async function libraryMatch(db: Db, title: string, author: string) {
  const candidates = await db.select({ editionId: editions.id, bookId: editions.bookId, title: editions.title, author: editions.author }).from(editions).orderBy(desc(editions.id));
  if (normaliseForKey(author) === '') {
    const sameTitle = candidates.filter((c) => normaliseForKey(c.title) === normaliseForKey(title));
    return new Set(sameTitle.map((c) => c.bookId)).size === 1 ? sameTitle[0] : undefined;
  }
  const key = nominationKey({ bookId: null, title, author });
  return candidates.find((c) => nominationKey({ bookId: null, title: c.title, author: c.author ?? '' }) === key);
}

/**
 * Adds a nomination, or merges it into the same book already nominated (the reader then backs
 * it with their own line). One transaction. Returns the nomination's id and whether it merged.
 */
export function addNomination(db: Db, input: NewNomination & { bookId: number | null }, userId: number, now: number): Promise<{ id: number; merged: boolean }> {
  return transaction(db, async (tx) => {
    const dedupeKey = nominationKey({ bookId: input.bookId, title: input.title, author: input.author });
    // The unique (pick, dedupe key) index decides a merge (insert-or-ignore, then the row that is there).
    const [inserted] = await tx
      .insert(nominations)
      .values({ pickId: input.pickId, bookId: input.bookId, editionId: input.editionId, title: input.title, author: input.author, link: input.link, dedupeKey, createdBy: userId, createdAt: now })
      .onConflictDoNothing({ target: [nominations.pickId, nominations.dedupeKey] })
      .returning({ id: nominations.id });
    const existing = inserted
      ? undefined
      : first(await tx.select({ id: nominations.id, link: nominations.link }).from(nominations).where(and(eq(nominations.pickId, input.pickId), eq(nominations.dedupeKey, dedupeKey))).limit(1))!;
    const id = inserted?.id ?? existing!.id;
    if (existing && !existing.link && input.link) await tx.update(nominations).set({ link: input.link }).where(eq(nominations.id, id));
    await tx
      .insert(nominationBackers)
      .values({ nominationId: id, userId, reason: input.reason, createdAt: now })
      .onConflictDoUpdate({ target: [nominationBackers.nominationId, nominationBackers.userId], set: { reason: sql`excluded.reason` } });
    return { id, merged: existing !== undefined };
  });
}

export async function startVote(db: Db, pickId: number, method: PickMethod, endsAt: number, now: number): Promise<void> {
  await db.update(bookPicks).set({ method, votingStartedAt: now, votingEndsAt: endsAt }).where(eq(bookPicks.id, pickId));
}

export async function closeVote(db: Db, pickId: number, now: number): Promise<void> {
  await db.update(bookPicks).set({ closedAt: now }).where(eq(bookPicks.id, pickId));
}

export async function markAdopted(db: Db, pickId: number, readingId: number): Promise<void> {
  await db.update(bookPicks).set({ adoptedReadingId: readingId }).where(eq(bookPicks.id, pickId));
}

/** Every ballot of a pick: nomination ids in rank order, per voter. */
export async function pickBallots(db: Db, pickId: number): Promise<{ voterId: number; choices: number[] }[]> {
  const rows = await db.select().from(pickVotes).where(eq(pickVotes.pickId, pickId)).orderBy(asc(pickVotes.userId), asc(pickVotes.rank));
  const byVoter = new Map<number, number[]>();
  for (const r of rows) byVoter.set(r.userId, [...(byVoter.get(r.userId) ?? []), r.nominationId]);
  return [...byVoter.entries()].map(([voterId, choices]) => ({ voterId, choices }));
}

export async function myPickBallot(db: Db, pickId: number, userId: number): Promise<number[]> {
  const rows = await db.select({ id: pickVotes.nominationId }).from(pickVotes).where(and(eq(pickVotes.pickId, pickId), eq(pickVotes.userId, userId))).orderBy(asc(pickVotes.rank));
  return rows.map((r) => r.id);
}

/** Replaces the reader's ballot (nomination ids in rank order) in one transaction. */
export async function writePickBallot(db: Db, pickId: number, userId: number, choices: readonly number[]): Promise<void> {
  await transaction(db, async (tx) => {
    await tx.delete(pickVotes).where(and(eq(pickVotes.pickId, pickId), eq(pickVotes.userId, userId)));
    if (choices.length > 0) await tx.insert(pickVotes).values(choices.map((nominationId, i) => ({ pickId, userId, nominationId, rank: i + 1 })));
  });
}

// ---- meetings ------------------------------------------------------------------------------

export interface NewMeeting {
  clubId: number;
  title: string;
  place: string;
  callLink: string | null;
  startsAt: number | null;
  durationMinutes: number;
  readingId: number | null;
  chapterId: number | null;
  slots: number[];
}

export function insertMeeting(db: Db, input: NewMeeting, userId: number, now: number): Promise<Meeting> {
  return transaction(db, async (tx) => {
    const { slots, ...values } = input;
    const [meeting] = await tx.insert(meetings).values({ ...values, createdBy: userId, createdAt: now }).returning();
    if (slots.length > 0) await tx.insert(meetingSlots).values(slots.map((startsAt) => ({ meetingId: meeting!.id, startsAt })));
    return meeting!;
  });
}

export async function meetingOfClub(db: Db, clubId: number, meetingId: number): Promise<Meeting | undefined> {
  return first(await db.select().from(meetings).where(and(eq(meetings.id, meetingId), eq(meetings.clubId, clubId))).limit(1));
}

export async function clubMeetings(db: Db, clubId: number): Promise<Meeting[]> {
  return db.select().from(meetings).where(eq(meetings.clubId, clubId)).orderBy(desc(meetings.id)).limit(100);
}

export async function slotsOf(db: Db, meetingId: number) {
  return db.select().from(meetingSlots).where(eq(meetingSlots.meetingId, meetingId)).orderBy(asc(meetingSlots.startsAt), asc(meetingSlots.id));
}

export async function marksOf(db: Db, slotIds: number[]) {
  if (slotIds.length === 0) return [];
  return db.select().from(slotMarks).where(inArray(slotMarks.slotId, slotIds));
}

/** The reader's marks on candidate times, each slot's mark replaced (one statement, one transaction). */
export async function writeMarks(db: Db, userId: number, marks: readonly { slotId: number; mark: SlotMark }[]): Promise<void> {
  if (marks.length === 0) return;
  await db
    .insert(slotMarks)
    .values(marks.map(({ slotId, mark }) => ({ slotId, userId, mark })))
    .onConflictDoUpdate({ target: [slotMarks.slotId, slotMarks.userId], set: { mark: sql`excluded.mark` } });
}

export async function decideTime(db: Db, meetingId: number, startsAt: number): Promise<void> {
  await db.update(meetings).set({ startsAt, sequence: sql`${meetings.sequence} + 1` }).where(eq(meetings.id, meetingId));
}

export type MeetingChanges = Partial<Pick<Meeting, 'title' | 'place' | 'callLink' | 'startsAt' | 'durationMinutes' | 'readingId' | 'chapterId'>>;

/** Writes a moderator's changes and bumps the ICS SEQUENCE (calendar apps then take the new copy). Returns the new sequence. */
export async function updateMeeting(db: Db, meetingId: number, changes: MeetingChanges): Promise<number> {
  const [row] = await db.update(meetings).set({ ...changes, sequence: sql`${meetings.sequence} + 1` }).where(eq(meetings.id, meetingId)).returning({ sequence: meetings.sequence });
  return row!.sequence;
}

/** Cancels (`at` a time, with the reason) or restores (`at` null) a meeting, bumping the SEQUENCE. */
export async function setMeetingCancelled(db: Db, meetingId: number, at: number | null, reason: string | null): Promise<void> {
  await db.update(meetings).set({ cancelledAt: at, cancelReason: at === null ? null : reason, sequence: sql`${meetings.sequence} + 1` }).where(eq(meetings.id, meetingId));
}

/** Members who said they are going or might come (still members of the club): who hears of a new time or a cancellation. */
export async function attendeesOf(db: Db, meetingId: number, clubId: number): Promise<number[]> {
  const rows = await db
    .select({ userId: meetingRsvps.userId })
    .from(meetingRsvps)
    .innerJoin(memberships, and(eq(memberships.userId, meetingRsvps.userId), eq(memberships.clubId, clubId)))
    .where(and(eq(meetingRsvps.meetingId, meetingId), inArray(meetingRsvps.answer, ['going', 'maybe'])))
    .orderBy(asc(meetingRsvps.userId));
  return rows.map((r) => r.userId);
}

export async function rsvpsOf(db: Db, meetingId: number) {
  return db
    .select({ userId: meetingRsvps.userId, answer: meetingRsvps.answer, name: users.displayName })
    .from(meetingRsvps)
    .innerJoin(users, eq(users.id, meetingRsvps.userId))
    .where(eq(meetingRsvps.meetingId, meetingId))
    .orderBy(asc(users.displayName), asc(meetingRsvps.userId));
}

/** The reader's answer, replacing their earlier one (the (meeting, user) key decides, also when two arrive at once). */
export async function writeRsvp(db: Db, meetingId: number, userId: number, answer: RsvpAnswer, now: number): Promise<void> {
  await db
    .insert(meetingRsvps)
    .values({ meetingId, userId, answer, updatedAt: now })
    .onConflictDoUpdate({ target: [meetingRsvps.meetingId, meetingRsvps.userId], set: { answer: sql`excluded.answer`, updatedAt: sql`excluded.updated_at` } });
}

/** Scheduled meetings of every club the user belongs to, for their feed. */
export async function feedMeetings(db: Db, userId: number, since: number) {
  return db
    .select({ meeting: meetings, clubName: clubs.name })
    .from(meetings)
    .innerJoin(memberships, and(eq(memberships.clubId, meetings.clubId), eq(memberships.userId, userId)))
    .innerJoin(clubs, eq(clubs.id, meetings.clubId))
    .where(and(isNotNull(meetings.startsAt), gte(meetings.startsAt, since)))
    .orderBy(asc(meetings.startsAt), asc(meetings.id))
    .limit(500);
}

export async function hasFeed(db: Db, userId: number): Promise<boolean> {
  return first(await db.select({ userId: calendarFeeds.userId }).from(calendarFeeds).where(eq(calendarFeeds.userId, userId)).limit(1)) !== undefined;
}

export async function replaceFeed(db: Db, userId: number, tokenHash: string, now: number): Promise<void> {
  await db
    .insert(calendarFeeds)
    .values({ userId, tokenHash, createdAt: now })
    .onConflictDoUpdate({ target: calendarFeeds.userId, set: { tokenHash: sql`excluded.token_hash`, createdAt: sql`excluded.created_at` } });
}

export async function revokeFeed(db: Db, userId: number): Promise<void> {
  await db.delete(calendarFeeds).where(eq(calendarFeeds.userId, userId));
}

export async function feedOwner(db: Db, tokenHash: string) {
  return first(
    await db
      .select({ id: users.id, displayName: users.displayName, timeZone: users.timeZone })
      .from(calendarFeeds)
      .innerJoin(users, eq(users.id, calendarFeeds.userId))
      .where(eq(calendarFeeds.tokenHash, tokenHash))
      .limit(1),
  );
}

// ---- questions and answers -----------------------------------------------------------------

export async function chapterQuestions(db: Db, readingId: number, chapterId: number) {
  return db
    .select()
    .from(discussionQuestions)
    .where(and(eq(discussionQuestions.readingId, readingId), eq(discussionQuestions.chapterId, chapterId)))
    .orderBy(asc(discussionQuestions.id));
}

export async function questionOfClub(db: Db, clubId: number, questionId: number) {
  return first(await db.select().from(discussionQuestions).where(and(eq(discussionQuestions.id, questionId), eq(discussionQuestions.clubId, clubId))).limit(1));
}

export async function insertQuestion(db: Db, input: { clubId: number; readingId: number; chapterId: number; body: string }, userId: number, now: number) {
  const [question] = await db.insert(discussionQuestions).values({ ...input, createdBy: userId, createdAt: now }).returning();
  return question!;
}

export interface AnswerRow {
  id: number;
  questionId: number;
  parentId: number | null;
  authorId: number;
  authorName: string;
  body: string;
  createdAt: number;
}

export async function answersOf(db: Db, questionIds: number[]): Promise<AnswerRow[]> {
  if (questionIds.length === 0) return [];
  return db
    .select({
      id: questionAnswers.id,
      questionId: questionAnswers.questionId,
      parentId: questionAnswers.parentId,
      authorId: questionAnswers.authorId,
      authorName: users.displayName,
      body: questionAnswers.body,
      createdAt: questionAnswers.createdAt,
    })
    .from(questionAnswers)
    .innerJoin(users, eq(users.id, questionAnswers.authorId))
    .where(inArray(questionAnswers.questionId, questionIds))
    .orderBy(asc(questionAnswers.id));
}

export async function insertAnswer(db: Db, input: { questionId: number; parentId: number | null; body: string }, userId: number, now: number): Promise<number> {
  const [row] = await db.insert(questionAnswers).values({ ...input, authorId: userId, createdAt: now }).returning({ id: questionAnswers.id });
  return row!.id;
}

// ---- the chapter's threads (for the agenda; the gate is the annotations area's) -------------

/** Root comments of a chapter that are shown at all (club, not deleted or moderated), with their reply counts. */
export async function chapterThreadRoots(db: Db, readingId: number, chapterId: number) {
  const replies = db
    .select({ rootId: comments.rootId, replies: count().as('replies') })
    .from(comments)
    .where(and(eq(comments.readingId, readingId), eq(comments.chapterId, chapterId), isNotNull(comments.parentId), isNull(comments.deletedAt), isNull(comments.moderation)))
    .groupBy(comments.rootId)
    .as('replies');
  return db
    .select({
      id: comments.id,
      authorId: comments.authorId,
      anchorPosition: comments.anchorPosition,
      visibility: comments.visibility,
      chapterId: comments.chapterId,
      paragraphId: comments.paragraphId,
      body: comments.body,
      replies: sql<number>`coalesce(${replies.replies}, 0)`.mapWith(Number),
    })
    .from(comments)
    .leftJoin(replies, eq(replies.rootId, comments.id))
    .where(and(eq(comments.readingId, readingId), eq(comments.chapterId, chapterId), isNull(comments.parentId), isNull(comments.deletedAt), isNull(comments.moderation), eq(comments.visibility, 'club'), eq(comments.orphaned, false)))
    .orderBy(desc(sql`coalesce(${replies.replies}, 0)`), asc(comments.id));
}

// ---- the shelf -----------------------------------------------------------------------------

export async function finishedReadings(db: Db, clubId: number) {
  return db
    .select({ id: readings.id, editionId: readings.editionId, startedAt: readings.startedAt, endedAt: readings.endedAt, title: editions.title, author: editions.author, bookId: books.id })
    .from(readings)
    .innerJoin(editions, eq(editions.id, readings.editionId))
    .innerJoin(books, eq(books.id, editions.bookId))
    .where(and(eq(readings.clubId, clubId), isNotNull(readings.endedAt)))
    .orderBy(desc(readings.endedAt), desc(readings.id));
}

export async function shelfMarksOf(db: Db, clubId: number, readingIds: number[]) {
  if (readingIds.length === 0) return [];
  return db
    .select({ readingId: shelfMarks.readingId, userId: shelfMarks.userId, mark: shelfMarks.mark, rating: shelfMarks.rating, line: shelfMarks.line, name: users.displayName, progressHidden: memberships.progressHidden })
    .from(shelfMarks)
    .innerJoin(users, eq(users.id, shelfMarks.userId))
    .leftJoin(memberships, and(eq(memberships.clubId, clubId), eq(memberships.userId, shelfMarks.userId)))
    .where(inArray(shelfMarks.readingId, readingIds))
    .orderBy(asc(users.displayName), asc(shelfMarks.userId));
}

/** The reader's mark on a finished reading, replacing their earlier one (the (reading, user) key decides). */
export async function writeShelfMark(db: Db, input: { readingId: number; userId: number; mark: ShelfMark; rating: number | null; line: string }, now: number): Promise<void> {
  await db
    .insert(shelfMarks)
    .values({ ...input, updatedAt: now })
    .onConflictDoUpdate({
      target: [shelfMarks.readingId, shelfMarks.userId],
      set: { mark: sql`excluded.mark`, rating: sql`excluded.rating`, line: sql`excluded.line`, updatedAt: sql`excluded.updated_at` },
    });
}
