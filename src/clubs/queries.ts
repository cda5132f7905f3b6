/**
 * Database work of the clubs area: clubs and memberships, invitations, readings, schedules and
 * reading progress. Policy is not decided here (see `policy.ts`); these functions do what they
 * are told, atomically where two requests could race.
 */
import { and, asc, count, desc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { first, transaction, type Db } from '../../db/connection';
import {
  chapters,
  clubs,
  editions,
  invitations,
  memberships,
  paragraphs,
  readingProgress,
  readings,
  scheduleEntries,
  spoilerReveals,
  users,
  type Club,
  type ClubRole,
  type Reading,
} from '../../db/schema';
import type { ProgressMode } from './reading';

export interface ClubDeps {
  db: Db;
}

// ---------------------------------------------------------------- clubs and members

export interface NewClub {
  name: string;
  description: string;
  language: string;
  visibility: 'private' | 'public';
}

/** Creates a club with its creator as owner, in one transaction. */
export function createClub({ db }: ClubDeps, input: NewClub, ownerId: number, now: number): Promise<Club> {
  return transaction(db, async (tx) => {
    const [club] = await tx
      .insert(clubs)
      .values({ ...input, createdAt: now })
      .returning();
    await tx.insert(memberships).values({ clubId: club!.id, userId: ownerId, role: 'owner', joinedAt: now });
    return club!;
  });
}

export interface MyClub {
  club: Club;
  role: ClubRole;
  memberCount: number;
  readingId: number | null;
  bookTitle: string | null;
  paragraphCount: number | null;
  position: number;
}

/** The clubs a reader belongs to, most recently joined first, with their current book and progress. */
export async function listMyClubs(db: Db, userId: number): Promise<MyClub[]> {
  const rows = await db
    .select({
      club: clubs,
      role: memberships.role,
      readingId: readings.id,
      bookTitle: editions.title,
      paragraphCount: editions.paragraphCount,
      position: readingProgress.position,
    })
    .from(memberships)
    .innerJoin(clubs, eq(clubs.id, memberships.clubId))
    .leftJoin(readings, and(eq(readings.clubId, clubs.id), isNull(readings.endedAt)))
    .leftJoin(editions, eq(editions.id, readings.editionId))
    .leftJoin(readingProgress, and(eq(readingProgress.readingId, readings.id), eq(readingProgress.userId, userId)))
    .where(eq(memberships.userId, userId))
    .orderBy(desc(memberships.joinedAt), desc(clubs.id));
  const counts = await memberCounts(
    db,
    rows.map((row) => row.club.id),
  );
  return rows.map((row) => ({ ...row, memberCount: counts.get(row.club.id) ?? 0, position: row.position ?? 0 }));
}

export interface PublicClub {
  club: Club;
  memberCount: number;
  bookTitle: string | null;
}

/** Public clubs the reader is not in (newest first), to discover. */
export async function listPublicClubs(db: Db, excludeUserId: number | null, limit = 50): Promise<PublicClub[]> {
  const rows = await db
    .select({ club: clubs, bookTitle: editions.title })
    .from(clubs)
    .leftJoin(readings, and(eq(readings.clubId, clubs.id), isNull(readings.endedAt)))
    .leftJoin(editions, eq(editions.id, readings.editionId))
    .where(
      and(
        eq(clubs.visibility, 'public'),
        excludeUserId === null
          ? undefined
          : sql`not exists (select 1 from ${memberships} where ${memberships.clubId} = ${clubs.id} and ${memberships.userId} = ${excludeUserId})`,
      ),
    )
    .orderBy(desc(clubs.createdAt), desc(clubs.id))
    .limit(limit);
  const counts = await memberCounts(
    db,
    rows.map((row) => row.club.id),
  );
  return rows.map((row) => ({ ...row, memberCount: counts.get(row.club.id) ?? 0 }));
}

export async function memberCounts(db: Db, clubIds: number[]): Promise<Map<number, number>> {
  if (clubIds.length === 0) return new Map();
  const rows = await db
    .select({ clubId: memberships.clubId, members: count() })
    .from(memberships)
    .where(inArray(memberships.clubId, clubIds))
    .groupBy(memberships.clubId);
  return new Map(rows.map((row) => [row.clubId, row.members]));
}

export interface MemberRow {
  userId: number;
  username: string;
  displayName: string;
  role: ClubRole;
  progressHidden: boolean;
  joinedAt: number;
  /** Progress in the given reading (0 when none). */
  position: number;
}

const ROLE_ORDER = sql`case ${memberships.role} when 'owner' then 0 when 'moderator' then 1 else 2 end`;

/** Members of a club, owner first, then moderators, then members by joining date. */
export function listMembers(db: Db, clubId: number, readingId: number | null): Promise<MemberRow[]> {
  return db
    .select({
      userId: memberships.userId,
      username: users.username,
      displayName: users.displayName,
      role: memberships.role,
      progressHidden: memberships.progressHidden,
      joinedAt: memberships.joinedAt,
      position: sql<number>`coalesce(${readingProgress.position}, 0)`.mapWith(Number),
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(readingProgress, and(eq(readingProgress.readingId, readingId ?? -1), eq(readingProgress.userId, memberships.userId)))
    .where(eq(memberships.clubId, clubId))
    .orderBy(ROLE_ORDER, asc(memberships.joinedAt), asc(memberships.userId));
}

export async function getMembership(db: Db, clubId: number, userId: number) {
  if (!Number.isSafeInteger(userId)) return undefined;
  return first(
    await db
      .select()
      .from(memberships)
      .where(and(eq(memberships.clubId, clubId), eq(memberships.userId, userId)))
      .limit(1),
  );
}

/** Adds a member; false when they already were one (nothing changes then). */
export async function addMember(db: Db, clubId: number, userId: number, role: ClubRole, now: number): Promise<boolean> {
  const added = await db.insert(memberships).values({ clubId, userId, role, joinedAt: now }).onConflictDoNothing().returning({ userId: memberships.userId });
  return added.length === 1;
}

/** Removes a member who is not the owner; false when there was no such member. */
export async function removeMember(db: Db, clubId: number, userId: number): Promise<boolean> {
  const removed = await db
    .delete(memberships)
    .where(and(eq(memberships.clubId, clubId), eq(memberships.userId, userId), ne(memberships.role, 'owner')))
    .returning({ userId: memberships.userId });
  return removed.length === 1;
}

/** Changes a member's role between member and moderator (never touches the owner). */
export async function setMemberRole(db: Db, clubId: number, userId: number, from: 'member' | 'moderator', to: 'member' | 'moderator'): Promise<boolean> {
  const changed = await db
    .update(memberships)
    .set({ role: to })
    .where(and(eq(memberships.clubId, clubId), eq(memberships.userId, userId), eq(memberships.role, from)))
    .returning({ userId: memberships.userId });
  return changed.length === 1;
}

/**
 * Hands ownership over atomically: the new owner was a member or moderator, the old owner
 * becomes a moderator. Conditional updates, so two racing hand-overs cannot make two owners.
 */
export async function transferOwnership({ db }: ClubDeps, clubId: number, fromUserId: number, toUserId: number): Promise<boolean> {
  const handOver = async (tx: Db) => {
    const demoted = await tx
      .update(memberships)
      .set({ role: 'moderator' })
      .where(and(eq(memberships.clubId, clubId), eq(memberships.userId, fromUserId), eq(memberships.role, 'owner')))
      .returning({ userId: memberships.userId });
    if (demoted.length !== 1) return false;
    const promoted = await tx
      .update(memberships)
      .set({ role: 'owner' })
      .where(and(eq(memberships.clubId, clubId), eq(memberships.userId, toUserId), ne(memberships.role, 'owner')))
      .returning({ userId: memberships.userId });
    if (promoted.length !== 1) throw new RollBack();
    return true;
  };
  try {
    return await transaction(db, handOver);
  } catch (error) {
    if (error instanceof RollBack) return false;
    throw error;
  }
}

/** Thrown inside a transaction to undo it when a second step finds nothing to change. */
class RollBack extends Error {}

export async function setProgressHidden(db: Db, clubId: number, userId: number, hidden: boolean): Promise<boolean> {
  const changed = await db
    .update(memberships)
    .set({ progressHidden: hidden })
    .where(and(eq(memberships.clubId, clubId), eq(memberships.userId, userId)))
    .returning({ userId: memberships.userId });
  return changed.length === 1;
}

// ---------------------------------------------------------------- invitations

export interface NewInvitation {
  tokenHash: string;
  role: 'member' | 'moderator';
  maxUses: number;
  expiresAt: number;
}

export async function createInvitation(db: Db, clubId: number, input: NewInvitation, createdBy: number, now: number) {
  const [invitation] = await db
    .insert(invitations)
    .values({ clubId, ...input, createdBy, createdAt: now })
    .returning();
  return invitation!;
}

/** The club's invitations, newest first, with the creator's display name. */
export function listInvitations(db: Db, clubId: number, limit = 100) {
  return db
    .select({ invitation: invitations, createdByName: users.displayName })
    .from(invitations)
    .leftJoin(users, eq(users.id, invitations.createdBy))
    .where(eq(invitations.clubId, clubId))
    .orderBy(desc(invitations.createdAt), desc(invitations.id))
    .limit(limit);
}

/** An invitation of this club (an id of another club's invitation is as good as missing). */
export async function getInvitation(db: Db, clubId: number, invitationId: number) {
  if (!Number.isSafeInteger(invitationId)) return undefined;
  return first(
    await db
      .select()
      .from(invitations)
      .where(and(eq(invitations.id, invitationId), eq(invitations.clubId, clubId)))
      .limit(1),
  );
}

export async function revokeInvitation(db: Db, clubId: number, invitationId: number, now: number): Promise<boolean> {
  const revoked = await db
    .update(invitations)
    .set({ revokedAt: now })
    .where(and(eq(invitations.id, invitationId), eq(invitations.clubId, clubId), isNull(invitations.revokedAt)))
    .returning({ id: invitations.id });
  return revoked.length === 1;
}

export async function findInvitationByHash(db: Db, tokenHash: string) {
  return first(
    await db
      .select({ invitation: invitations, club: clubs })
      .from(invitations)
      .innerJoin(clubs, eq(clubs.id, invitations.clubId))
      .where(eq(invitations.tokenHash, tokenHash))
      .limit(1),
  );
}

export type Redemption = { status: 'joined'; clubId: number; role: 'member' | 'moderator' } | { status: 'already_member'; clubId: number } | { status: 'unusable' };

/**
 * Joins a reader through an invitation. One use is counted with a conditional UPDATE (`uses <
 * max_uses`, not revoked, not expired), so two readers racing for the last use cannot both get
 * in; a reader who is already a member does not use one up.
 */
export function redeemInvitation({ db }: ClubDeps, tokenHash: string, userId: number, now: number): Promise<Redemption> {
  return transaction(db, async (tx): Promise<Redemption> => {
    const found = first(await tx.select({ clubId: invitations.clubId }).from(invitations).where(eq(invitations.tokenHash, tokenHash)).limit(1));
    if (!found) return { status: 'unusable' };
    if (await getMembership(tx, found.clubId, userId)) return { status: 'already_member', clubId: found.clubId };
    const [used] = await tx
      .update(invitations)
      .set({ uses: sql`${invitations.uses} + 1` })
      .where(
        and(
          eq(invitations.tokenHash, tokenHash),
          isNull(invitations.revokedAt),
          sql`${invitations.expiresAt} > ${now}`,
          sql`${invitations.uses} < ${invitations.maxUses}`,
        ),
      )
      .returning({ clubId: invitations.clubId, role: invitations.role });
    if (!used) return { status: 'unusable' };
    await addMember(tx, used.clubId, userId, used.role, now);
    return { status: 'joined', clubId: used.clubId, role: used.role };
  });
}

// ---------------------------------------------------------------- readings and schedule

export interface ReadingRow {
  reading: Reading;
  title: string;
  author: string | null;
  language: string;
  paragraphCount: number;
  chapterCount: number;
}

/** Every reading of a club, current first, then the most recent. */
export function listReadings(db: Db, clubId: number): Promise<ReadingRow[]> {
  return db
    .select({
      reading: readings,
      title: editions.title,
      author: editions.author,
      language: editions.language,
      paragraphCount: editions.paragraphCount,
      chapterCount: editions.chapterCount,
    })
    .from(readings)
    .innerJoin(editions, eq(editions.id, readings.editionId))
    .where(eq(readings.clubId, clubId))
    .orderBy(sql`${readings.endedAt} is not null`, desc(readings.startedAt), desc(readings.id));
}

/**
 * Makes an edition the club's current reading, ending the previous one (which stays browsable).
 * Picking the edition already being read changes nothing and returns that reading.
 */
export function startReading({ db }: ClubDeps, clubId: number, editionId: number, now: number): Promise<{ reading: Reading; changed: boolean }> {
  return transaction(db, async (tx) => {
    const current = first(
      await tx
        .select()
        .from(readings)
        .where(and(eq(readings.clubId, clubId), isNull(readings.endedAt)))
        .limit(1),
    );
    if (current?.editionId === editionId) return { reading: current, changed: false };
    if (current) await tx.update(readings).set({ endedAt: now }).where(eq(readings.id, current.id));
    const [reading] = await tx.insert(readings).values({ clubId, editionId, startedAt: now }).returning();
    return { reading: reading!, changed: true };
  });
}

/** Opening dates of a reading's chapters, by chapter id. */
export async function scheduleOf(db: Db, readingId: number): Promise<Map<number, number>> {
  const rows = await db
    .select({ chapterId: scheduleEntries.chapterId, opensAt: scheduleEntries.opensAt })
    .from(scheduleEntries)
    .where(eq(scheduleEntries.readingId, readingId));
  return new Map(rows.map((row) => [row.chapterId, row.opensAt]));
}

/** Sets (or, with `opensAt: null`, clears) opening dates for chapters of a reading, all or nothing. */
export async function writeSchedule({ db }: ClubDeps, readingId: number, entries: { chapterId: number; opensAt: number | null }[]): Promise<void> {
  await transaction(db, async (tx) => {
    for (const entry of entries) {
      if (entry.opensAt === null) {
        await tx.delete(scheduleEntries).where(and(eq(scheduleEntries.readingId, readingId), eq(scheduleEntries.chapterId, entry.chapterId)));
      } else {
        await tx
          .insert(scheduleEntries)
          .values({ readingId, chapterId: entry.chapterId, opensAt: entry.opensAt })
          .onConflictDoUpdate({ target: [scheduleEntries.readingId, scheduleEntries.chapterId], set: { opensAt: entry.opensAt } });
      }
    }
  });
}

// ---------------------------------------------------------------- progress

/** The chapter holding a paragraph position of an edition, or undefined when there is none. */
export async function chapterAtPosition(db: Db, editionId: number, position: number) {
  const row = first(
    await db
      .select({ chapter: chapters })
      .from(paragraphs)
      .innerJoin(chapters, eq(chapters.id, paragraphs.chapterId))
      .where(and(eq(paragraphs.editionId, editionId), eq(paragraphs.position, position)))
      .limit(1),
  );
  return row?.chapter;
}

/**
 * Records a reading position in one statement: forward only (the larger of old and new, as a
 * `case`, which both engines read alike: SQLite's scalar `max` is PostgreSQL's `greatest`)
 * unless the reader deliberately sets it (`mode = 'set'`). Returns the stored position.
 */
export async function recordProgress(db: Db, readingId: number, userId: number, position: number, mode: ProgressMode, now: number): Promise<number> {
  const [row] = await db
    .insert(readingProgress)
    .values({ readingId, userId, position, updatedAt: now })
    .onConflictDoUpdate({
      target: [readingProgress.readingId, readingProgress.userId],
      set:
        mode === 'set'
          ? { position, updatedAt: now }
          : {
              position: sql`case when excluded.position > ${readingProgress.position} then excluded.position else ${readingProgress.position} end`,
              updatedAt: now,
            },
    })
    .returning({ position: readingProgress.position });
  return row!.position;
}

// ---------------------------------------------------------------- edition change

/**
 * The clubs half of moving a reading to another edition, to run INSIDE the caller's
 * transaction (the annotations area moves the comments in the same one): the reading's
 * edition, every member's progress (through `mapPosition`), and the schedule and spoiler
 * reveals (through `chapterMap`, old chapter id → new; unmatched entries go).
 */
export async function moveReadingToEditionRows(
  db: Db,
  readingId: number,
  editionId: number,
  moves: { mapPosition: (position: number) => number; chapterMap: ReadonlyMap<number, number> },
  now: number,
): Promise<{ progressMoved: number }> {
  await db.update(readings).set({ editionId }).where(eq(readings.id, readingId));
  const progress = await db.select().from(readingProgress).where(eq(readingProgress.readingId, readingId));
  for (const row of progress) {
    await db
      .update(readingProgress)
      .set({ position: moves.mapPosition(row.position), updatedAt: now })
      .where(and(eq(readingProgress.readingId, readingId), eq(readingProgress.userId, row.userId)));
  }
  const schedule = await db.select().from(scheduleEntries).where(eq(scheduleEntries.readingId, readingId));
  await db.delete(scheduleEntries).where(eq(scheduleEntries.readingId, readingId));
  const movedSchedule = schedule.flatMap((entry) => {
    const chapterId = moves.chapterMap.get(entry.chapterId);
    return chapterId === undefined ? [] : [{ ...entry, chapterId }];
  });
  for (const chunk of chunks(movedSchedule)) await db.insert(scheduleEntries).values(chunk).onConflictDoNothing();
  const reveals = await db.select().from(spoilerReveals).where(eq(spoilerReveals.readingId, readingId));
  await db.delete(spoilerReveals).where(eq(spoilerReveals.readingId, readingId));
  const movedReveals = reveals.flatMap((reveal) => {
    const chapterId = moves.chapterMap.get(reveal.chapterId);
    return chapterId === undefined ? [] : [{ ...reveal, chapterId }];
  });
  for (const chunk of chunks(movedReveals)) await db.insert(spoilerReveals).values(chunk).onConflictDoNothing();
  return { progressMoved: progress.length };
}

/** Rows in inserts of at most `size` (well below either engine's limit on bound values). */
function chunks<T>(rows: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < rows.length; start += size) out.push(rows.slice(start, start + size));
  return out;
}
