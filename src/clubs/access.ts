/**
 * Who a reader is in a club: the facts every policy decision in every area starts from.
 * Loading them is one indexed query (throwing 404 for a URL is the routes' `clubAccessOr404`); the decisions themselves live in each area's policy module
 * (`src/clubs/policy.ts`, `src/annotations/policy.ts`, `src/polls/policy.ts`).
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { first, prepared, type Db } from '../../db/connection';
import { clubs, memberships, readingProgress, readings, scheduleEntries, type Club, type ClubRole, type Reading, type User } from '../../db/schema';
import type { ClubUploadRights } from '../books';
import type { AreaDeps } from '../http/types';
import { clubCan } from './policy';
import { startReading } from './queries';

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
export async function loadClubAccess(db: Db, clubId: number, user: Pick<User, 'id'> | null): Promise<ClubAccess | null> {
  if (!Number.isSafeInteger(clubId) || clubId <= 0) return null;
  const query = prepared(db, 'club-with-role', (db) =>
    db
      .select({ club: clubs, role: memberships.role })
      .from(clubs)
      .leftJoin(memberships, and(eq(memberships.clubId, clubs.id), eq(memberships.userId, sql.placeholder('userId'))))
      .where(eq(clubs.id, sql.placeholder('clubId')))
      .prepare(),
  );
  const row = first(await query.execute({ clubId, userId: user?.id ?? -1 }));
  if (!row) return null;
  const access = accessFor(row.club, user?.id ?? null, row.role ?? null);
  return access.canSee ? access : null;
}

const p = (name: string) => sql.placeholder(name);

/** The club's current reading (the one not ended), if it reads anything. */
export async function currentReading(db: Db, clubId: number): Promise<Reading | undefined> {
  const query = prepared(db, 'current-reading', (db) => db.select().from(readings).where(and(eq(readings.clubId, p('clubId')), isNull(readings.endedAt))).prepare());
  return first(await query.execute({ clubId }));
}

/** A reading of this club (one of another club is undefined, as if it did not exist). */
export async function getReading(db: Db, clubId: number, readingId: number): Promise<Reading | undefined> {
  if (!Number.isSafeInteger(readingId)) return undefined;
  const query = prepared(db, 'reading-in-club', (db) => db.select().from(readings).where(and(eq(readings.id, p('readingId')), eq(readings.clubId, p('clubId')))).prepare());
  return first(await query.execute({ readingId, clubId }));
}

/** A member's reading progress: the global position of the furthest paragraph read (0 = none). */
export async function progressOf(db: Db, readingId: number, userId: number | null): Promise<number> {
  if (userId === null) return 0;
  const query = prepared(db, 'progress-of', (db) =>
    db.select({ position: readingProgress.position }).from(readingProgress).where(and(eq(readingProgress.readingId, p('readingId')), eq(readingProgress.userId, p('userId')))).prepare(),
  );
  return first(await query.execute({ readingId, userId }))?.position ?? 0;
}

/** When a chapter opens to members in this reading (null: no date set, open now). */
export async function chapterOpensAt(db: Db, readingId: number, chapterId: number): Promise<number | null> {
  const query = prepared(db, 'chapter-opens-at', (db) =>
    db.select({ opensAt: scheduleEntries.opensAt }).from(scheduleEntries).where(and(eq(scheduleEntries.readingId, p('readingId')), eq(scheduleEntries.chapterId, p('chapterId')))).prepare(),
  );
  return first(await query.execute({ readingId, chapterId }))?.opensAt ?? null;
}

/**
 * What the books area asks about clubs (it never imports clubs; `src/app.tsx` hands it this):
 * whether a reader moderates any club, and which club they may choose a book for.
 */
export function clubUploadRights(deps: Pick<AreaDeps, 'db' | 'events'>): ClubUploadRights {
  const { db } = deps;
  const clubForUpload = async (user: { id: number }, clubId: number) => {
    const access = await loadClubAccess(db, clubId, user);
    if (!access || !clubCan(access, 'pickBook')) return null;
    return { id: access.club.id, name: access.club.name, currentEditionId: (await currentReading(db, clubId))?.editionId ?? null };
  };
  return {
    moderatesAnyClub: async (userId) => {
      const query = prepared(db, 'moderates-any-club', (db) =>
        db
          .select({ clubId: memberships.clubId })
          .from(memberships)
          .where(and(eq(memberships.userId, sql.placeholder('userId')), inArray(memberships.role, ['owner', 'moderator'])))
          .limit(1)
          .prepare(),
      );
      return (await query.execute({ userId })).length > 0;
    },
    clubForUpload,
    startReadingFor: async (user, clubId, editionId, now) => {
      if (!(await clubForUpload(user, clubId))) return false;
      const started = await startReading(deps, clubId, editionId, now);
      if (started.changed) await deps.events.publish({ type: 'reading.started', actorId: user.id, clubId, readingId: started.reading.id, editionId });
      return true;
    },
  };
}
