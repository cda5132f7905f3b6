/**
 * Who a reader is in a club: the facts every policy decision in every area starts from.
 * Loading them is one indexed query; the decisions themselves live in each area's policy module
 * (`src/clubs/policy.ts`, `src/annotations/policy.ts`, `src/polls/policy.ts`).
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import { prepared, type Db } from '../../db/connection';
import { notFound } from '../http/errors';
import { parseId } from '../http/forms';
import { clubs, memberships, readingProgress, readings, scheduleEntries, spoilerReveals, type Club, type ClubRole, type Reading, type User } from '../../db/schema';

export interface ClubAccess {
  club: Club;
  userId: number | null;
  role: ClubRole | null;
  isMember: boolean;
  /** Owner or moderator. */
  isModerator: boolean;
  isOwner: boolean;
  /** May see the club at all: members always, anyone when it is public. */
  canSee: boolean;
}

export function accessFor(club: Club, userId: number | null, role: ClubRole | null): ClubAccess {
  const isMember = role !== null;
  return {
    club,
    userId,
    role,
    isMember,
    isModerator: role === 'owner' || role === 'moderator',
    isOwner: role === 'owner',
    canSee: isMember || club.visibility === 'public',
  };
}

/**
 * The reader's access to a club, or null when the club does not exist *or* is private and the
 * reader is not a member: both answer 404, so a private club's existence does not leak.
 */
export function loadClubAccess(db: Db, clubId: number, user: Pick<User, 'id'> | null): ClubAccess | null {
  if (!Number.isSafeInteger(clubId) || clubId <= 0) return null;
  const row = prepared(db, 'club-with-role', (db) =>
    db
      .select({ club: clubs, role: memberships.role })
      .from(clubs)
      .leftJoin(memberships, and(eq(memberships.clubId, clubs.id), eq(memberships.userId, sql.placeholder('userId'))))
      .where(eq(clubs.id, sql.placeholder('clubId')))
      .prepare(),
  ).get({ clubId, userId: user?.id ?? -1 });
  if (!row) return null;
  const access = accessFor(row.club, user?.id ?? null, row.role ?? null);
  return access.canSee ? access : null;
}

/** `loadClubAccess` for the club id in a URL segment, throwing 404 when there is nothing to see. */
export function clubAccessOr404(db: Db, clubIdParam: string | undefined, user: Pick<User, 'id'> | null): ClubAccess {
  const access = loadClubAccess(db, parseId(clubIdParam) ?? Number.NaN, user);
  if (!access) throw notFound();
  return access;
}

export function currentReading(db: Db, clubId: number): Reading | undefined {
  return prepared(db, 'current-reading', (db) =>
    db
      .select()
      .from(readings)
      .where(and(eq(readings.clubId, sql.placeholder('clubId')), isNull(readings.endedAt)))
      .prepare(),
  ).get({ clubId });
}

export function getReading(db: Db, clubId: number, readingId: number): Reading | undefined {
  return prepared(db, 'reading-in-club', (db) =>
    db
      .select()
      .from(readings)
      .where(and(eq(readings.id, sql.placeholder('readingId')), eq(readings.clubId, sql.placeholder('clubId'))))
      .prepare(),
  ).get({ readingId, clubId });
}

/** A member's reading progress: the global position of the furthest paragraph read (0 = none). */
export function progressOf(db: Db, readingId: number, userId: number | null): number {
  if (userId === null) return 0;
  return (
    prepared(db, 'progress-of', (db) =>
      db
        .select({ position: readingProgress.position })
        .from(readingProgress)
        .where(and(eq(readingProgress.readingId, sql.placeholder('readingId')), eq(readingProgress.userId, sql.placeholder('userId'))))
        .prepare(),
    ).get({ readingId, userId })?.position ?? 0
  );
}

/** Chapters whose discussion this reader chose to reveal ahead of their progress. */
export function revealedChapterIds(db: Db, readingId: number, userId: number | null): Set<number> {
  if (userId === null) return new Set();
  return new Set(
    prepared(db, 'revealed-chapters', (db) =>
      db
        .select({ chapterId: spoilerReveals.chapterId })
        .from(spoilerReveals)
        .where(and(eq(spoilerReveals.readingId, sql.placeholder('readingId')), eq(spoilerReveals.userId, sql.placeholder('userId'))))
        .prepare(),
    )
      .all({ readingId, userId })
      .map((row) => row.chapterId),
  );
}

/** When a chapter opens to members in this reading (null: no date set, open now). */
export function chapterOpensAt(db: Db, readingId: number, chapterId: number): number | null {
  return (
    prepared(db, 'chapter-opens-at', (db) =>
      db
        .select({ opensAt: scheduleEntries.opensAt })
        .from(scheduleEntries)
        .where(and(eq(scheduleEntries.readingId, sql.placeholder('readingId')), eq(scheduleEntries.chapterId, sql.placeholder('chapterId'))))
        .prepare(),
    ).get({ readingId, chapterId })?.opensAt ?? null
  );
}
