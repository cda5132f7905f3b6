/**
 * Database work of the clubs area: clubs and memberships, invitations, readings, schedules and
 * reading progress. Policy is not decided here (see `policy.ts`); these functions do what they
 * are told, atomically where two requests could race.
 */
import { and, asc, count, desc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Db, Sqlite } from '../../db/connection';
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
  sqlite: Sqlite;
}

// ---------------------------------------------------------------- clubs and members

export interface NewClub {
  name: string;
  description: string;
  language: string;
  visibility: 'private' | 'public';
}

/** Creates a club with its creator as owner, in one transaction. */
export function createClub({ db, sqlite }: ClubDeps, input: NewClub, ownerId: number, now: number): Club {
  return sqlite
    .transaction(() => {
      const club = db
        .insert(clubs)
        .values({ ...input, createdAt: now })
        .returning()
        .get();
      db.insert(memberships).values({ clubId: club.id, userId: ownerId, role: 'owner', joinedAt: now }).run();
      return club;
    })
    .immediate();
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
export function listMyClubs(db: Db, userId: number): MyClub[] {
  const rows = db
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
    .orderBy(desc(memberships.joinedAt), desc(clubs.id))
    .all();
  const counts = memberCounts(
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
export function listPublicClubs(db: Db, excludeUserId: number | null, limit = 50): PublicClub[] {
  const rows = db
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
    .limit(limit)
    .all();
  const counts = memberCounts(
    db,
    rows.map((row) => row.club.id),
  );
  return rows.map((row) => ({ ...row, memberCount: counts.get(row.club.id) ?? 0 }));
}

export function memberCounts(db: Db, clubIds: number[]): Map<number, number> {
  if (clubIds.length === 0) return new Map();
  const rows = db
    .select({ clubId: memberships.clubId, members: count() })
    .from(memberships)
    .where(inArray(memberships.clubId, clubIds))
    .groupBy(memberships.clubId)
    .all();
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
export function listMembers(db: Db, clubId: number, readingId: number | null): MemberRow[] {
  return db
    .select({
      userId: memberships.userId,
      username: users.username,
      displayName: users.displayName,
      role: memberships.role,
      progressHidden: memberships.progressHidden,
      joinedAt: memberships.joinedAt,
      position: sql<number>`coalesce(${readingProgress.position}, 0)`,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(readingProgress, and(eq(readingProgress.readingId, readingId ?? -1), eq(readingProgress.userId, memberships.userId)))
    .where(eq(memberships.clubId, clubId))
    .orderBy(ROLE_ORDER, asc(memberships.joinedAt), asc(memberships.userId))
    .all();
}

export function getMembership(db: Db, clubId: number, userId: number) {
  return db
    .select()
    .from(memberships)
    .where(and(eq(memberships.clubId, clubId), eq(memberships.userId, userId)))
    .get();
}

/** Adds a member; false when they already were one (nothing changes then). */
export function addMember(db: Db, clubId: number, userId: number, role: ClubRole, now: number): boolean {
  const result = db.insert(memberships).values({ clubId, userId, role, joinedAt: now }).onConflictDoNothing().run();
  return result.changes === 1;
}

/** Removes a member who is not the owner; false when there was no such member. */
export function removeMember(db: Db, clubId: number, userId: number): boolean {
  const result = db
    .delete(memberships)
    .where(and(eq(memberships.clubId, clubId), eq(memberships.userId, userId), ne(memberships.role, 'owner')))
    .run();
  return result.changes === 1;
}

/** Changes a member's role between member and moderator (never touches the owner). */
export function setMemberRole(db: Db, clubId: number, userId: number, from: 'member' | 'moderator', to: 'member' | 'moderator'): boolean {
  const result = db
    .update(memberships)
    .set({ role: to })
    .where(and(eq(memberships.clubId, clubId), eq(memberships.userId, userId), eq(memberships.role, from)))
    .run();
  return result.changes === 1;
}

/**
 * Hands ownership over atomically: the new owner was a member or moderator, the old owner
 * becomes a moderator. Conditional updates, so two racing hand-overs cannot make two owners.
 */
export function transferOwnership({ db, sqlite }: ClubDeps, clubId: number, fromUserId: number, toUserId: number): boolean {
  const handOver = sqlite.transaction(() => {
    const demoted = db
      .update(memberships)
      .set({ role: 'moderator' })
      .where(and(eq(memberships.clubId, clubId), eq(memberships.userId, fromUserId), eq(memberships.role, 'owner')))
      .run();
    if (demoted.changes !== 1) return false;
    const promoted = db
      .update(memberships)
      .set({ role: 'owner' })
      .where(and(eq(memberships.clubId, clubId), eq(memberships.userId, toUserId), ne(memberships.role, 'owner')))
      .run();
    if (promoted.changes !== 1) throw new RollBack();
    return true;
  });
  try {
    return handOver.immediate();
  } catch (error) {
    if (error instanceof RollBack) return false;
    throw error;
  }
}

/** Thrown inside a transaction to undo it when a second step finds nothing to change. */
class RollBack extends Error {}

export function setProgressHidden(db: Db, clubId: number, userId: number, hidden: boolean): boolean {
  const result = db
    .update(memberships)
    .set({ progressHidden: hidden })
    .where(and(eq(memberships.clubId, clubId), eq(memberships.userId, userId)))
    .run();
  return result.changes === 1;
}

// ---------------------------------------------------------------- invitations

export interface NewInvitation {
  tokenHash: string;
  role: 'member' | 'moderator';
  maxUses: number;
  expiresAt: number;
}

export function createInvitation(db: Db, clubId: number, input: NewInvitation, createdBy: number, now: number) {
  return db
    .insert(invitations)
    .values({ clubId, ...input, createdBy, createdAt: now })
    .returning()
    .get();
}

/** The club's invitations, newest first, with the creator's display name. */
export function listInvitations(db: Db, clubId: number, limit = 100) {
  return db
    .select({ invitation: invitations, createdByName: users.displayName })
    .from(invitations)
    .leftJoin(users, eq(users.id, invitations.createdBy))
    .where(eq(invitations.clubId, clubId))
    .orderBy(desc(invitations.createdAt), desc(invitations.id))
    .limit(limit)
    .all();
}

/** An invitation of this club (an id of another club's invitation is as good as missing). */
export function getInvitation(db: Db, clubId: number, invitationId: number) {
  return db
    .select()
    .from(invitations)
    .where(and(eq(invitations.id, invitationId), eq(invitations.clubId, clubId)))
    .get();
}

export function revokeInvitation(db: Db, clubId: number, invitationId: number, now: number): boolean {
  const result = db
    .update(invitations)
    .set({ revokedAt: now })
    .where(and(eq(invitations.id, invitationId), eq(invitations.clubId, clubId), isNull(invitations.revokedAt)))
    .run();
  return result.changes === 1;
}

export function findInvitationByHash(db: Db, tokenHash: string) {
  return db
    .select({ invitation: invitations, club: clubs })
    .from(invitations)
    .innerJoin(clubs, eq(clubs.id, invitations.clubId))
    .where(eq(invitations.tokenHash, tokenHash))
    .get();
}

export type Redemption = { status: 'joined'; clubId: number; role: 'member' | 'moderator' } | { status: 'already_member'; clubId: number } | { status: 'unusable' };

/**
 * Joins a reader through an invitation. One use is counted with a conditional UPDATE (`uses <
 * max_uses`, not revoked, not expired), so two readers racing for the last use cannot both get
 * in; a reader who is already a member does not use one up.
 */
export function redeemInvitation({ db, sqlite }: ClubDeps, tokenHash: string, userId: number, now: number): Redemption {
  return sqlite
    .transaction((): Redemption => {
      const found = db.select({ clubId: invitations.clubId }).from(invitations).where(eq(invitations.tokenHash, tokenHash)).get();
      if (!found) return { status: 'unusable' };
      if (getMembership(db, found.clubId, userId)) return { status: 'already_member', clubId: found.clubId };
      const used = db
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
        .returning({ clubId: invitations.clubId, role: invitations.role })
        .get();
      if (!used) return { status: 'unusable' };
      addMember(db, used.clubId, userId, used.role, now);
      return { status: 'joined', clubId: used.clubId, role: used.role };
    })
    .immediate();
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
export function listReadings(db: Db, clubId: number): ReadingRow[] {
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
    .orderBy(sql`${readings.endedAt} is not null`, desc(readings.startedAt), desc(readings.id))
    .all();
}

/**
 * Makes an edition the club's current reading, ending the previous one (which stays browsable).
 * Picking the edition already being read changes nothing and returns that reading.
 */
export function startReading({ db, sqlite }: ClubDeps, clubId: number, editionId: number, now: number): { reading: Reading; changed: boolean } {
  return sqlite
    .transaction(() => {
      const current = db
        .select()
        .from(readings)
        .where(and(eq(readings.clubId, clubId), isNull(readings.endedAt)))
        .get();
      if (current?.editionId === editionId) return { reading: current, changed: false };
      if (current) db.update(readings).set({ endedAt: now }).where(eq(readings.id, current.id)).run();
      const reading = db.insert(readings).values({ clubId, editionId, startedAt: now }).returning().get();
      return { reading, changed: true };
    })
    .immediate();
}

/** Opening dates of a reading's chapters, by chapter id. */
export function scheduleOf(db: Db, readingId: number): Map<number, number> {
  const rows = db
    .select({ chapterId: scheduleEntries.chapterId, opensAt: scheduleEntries.opensAt })
    .from(scheduleEntries)
    .where(eq(scheduleEntries.readingId, readingId))
    .all();
  return new Map(rows.map((row) => [row.chapterId, row.opensAt]));
}

/** Sets (or, with `opensAt: null`, clears) opening dates for chapters of a reading, all or nothing. */
export function writeSchedule({ db, sqlite }: ClubDeps, readingId: number, entries: { chapterId: number; opensAt: number | null }[]): void {
  sqlite
    .transaction(() => {
      for (const entry of entries) {
        if (entry.opensAt === null) {
          db.delete(scheduleEntries)
            .where(and(eq(scheduleEntries.readingId, readingId), eq(scheduleEntries.chapterId, entry.chapterId)))
            .run();
        } else {
          db.insert(scheduleEntries)
            .values({ readingId, chapterId: entry.chapterId, opensAt: entry.opensAt })
            .onConflictDoUpdate({ target: [scheduleEntries.readingId, scheduleEntries.chapterId], set: { opensAt: entry.opensAt } })
            .run();
        }
      }
    })
    .immediate();
}

// ---------------------------------------------------------------- progress

/** The chapter holding a paragraph position of an edition, or undefined when there is none. */
export function chapterAtPosition(db: Db, editionId: number, position: number) {
  return db
    .select({ chapter: chapters })
    .from(paragraphs)
    .innerJoin(chapters, eq(chapters.id, paragraphs.chapterId))
    .where(and(eq(paragraphs.editionId, editionId), eq(paragraphs.position, position)))
    .get()?.chapter;
}

/**
 * Records a reading position in one statement: forward only (`max(old, new)`) unless the
 * reader deliberately sets it (`mode = 'set'`). Returns the stored position.
 */
export function recordProgress(db: Db, readingId: number, userId: number, position: number, mode: ProgressMode, now: number): number {
  const row = db
    .insert(readingProgress)
    .values({ readingId, userId, position, updatedAt: now })
    .onConflictDoUpdate({
      target: [readingProgress.readingId, readingProgress.userId],
      set:
        mode === 'set'
          ? { position, updatedAt: now }
          : { position: sql`max(${readingProgress.position}, excluded.position)`, updatedAt: now },
    })
    .returning({ position: readingProgress.position })
    .get();
  return row.position;
}

// ---------------------------------------------------------------- edition change

/**
 * The clubs half of moving a reading to another edition, to run INSIDE the caller's
 * transaction (the annotations area moves the comments in the same one): the reading's
 * edition, every member's progress (through `mapPosition`), and the schedule and spoiler
 * reveals (through `chapterMap`, old chapter id → new; unmatched entries go).
 */
export function moveReadingToEditionRows(
  db: Db,
  readingId: number,
  editionId: number,
  moves: { mapPosition: (position: number) => number; chapterMap: ReadonlyMap<number, number> },
  now: number,
): { progressMoved: number } {
  db.update(readings).set({ editionId }).where(eq(readings.id, readingId)).run();
  const progress = db.select().from(readingProgress).where(eq(readingProgress.readingId, readingId)).all();
  for (const row of progress) {
    db.update(readingProgress)
      .set({ position: moves.mapPosition(row.position), updatedAt: now })
      .where(and(eq(readingProgress.readingId, readingId), eq(readingProgress.userId, row.userId)))
      .run();
  }
  const schedule = db.select().from(scheduleEntries).where(eq(scheduleEntries.readingId, readingId)).all();
  db.delete(scheduleEntries).where(eq(scheduleEntries.readingId, readingId)).run();
  for (const entry of schedule) {
    const chapterId = moves.chapterMap.get(entry.chapterId);
    if (chapterId !== undefined) db.insert(scheduleEntries).values({ ...entry, chapterId }).onConflictDoNothing().run();
  }
  const reveals = db.select().from(spoilerReveals).where(eq(spoilerReveals.readingId, readingId)).all();
  db.delete(spoilerReveals).where(eq(spoilerReveals.readingId, readingId)).run();
  for (const reveal of reveals) {
    const chapterId = moves.chapterMap.get(reveal.chapterId);
    if (chapterId !== undefined) db.insert(spoilerReveals).values({ ...reveal, chapterId }).onConflictDoNothing().run();
  }
  return { progressMoved: progress.length };
}
