/** SQL of the moderation area: one query per scope, no decisions. */
import { and, count, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/connection';
import {
  books,
  chapters,
  clubBans,
  clubModerationSettings,
  clubMutes,
  clubs,
  commentFlags,
  comments,
  editions,
  memberships,
  moderationLog,
  paragraphs,
  readings,
  users,
  type FlagReason,
} from '../../db/schema';

export const DEFAULT_SETTINGS = { slowModeSeconds: 0, flagThreshold: 3 };

export function settingsOf(db: Db, clubId: number): { slowModeSeconds: number; flagThreshold: number } {
  const row = db.select().from(clubModerationSettings).where(eq(clubModerationSettings.clubId, clubId)).get();
  return row ? { slowModeSeconds: row.slowModeSeconds, flagThreshold: row.flagThreshold } : DEFAULT_SETTINGS;
}

export function saveSettings(db: Db, clubId: number, settings: { slowModeSeconds: number; flagThreshold: number }): void {
  db.insert(clubModerationSettings).values({ clubId, ...settings }).onConflictDoUpdate({ target: clubModerationSettings.clubId, set: settings }).run();
}

/** One flag per member per comment: false when this member had flagged it already. */
export function addFlag(db: Db, flag: { clubId: number; commentId: number; flaggerId: number; reason: FlagReason; note: string; createdAt: number }): boolean {
  return db.insert(commentFlags).values(flag).onConflictDoNothing().run().changes > 0;
}

/** Members with an open flag on the comment. */
export function openFlagCount(db: Db, commentId: number): number {
  return db.select({ n: count() }).from(commentFlags).where(and(eq(commentFlags.commentId, commentId), isNull(commentFlags.resolvedAt))).get()?.n ?? 0;
}

export function resolveFlags(db: Db, commentId: number, now: number): void {
  db.update(commentFlags).set({ resolvedAt: now }).where(and(eq(commentFlags.commentId, commentId), isNull(commentFlags.resolvedAt))).run();
}

export interface QueueRow {
  commentId: number;
  authorId: number;
  authorName: string;
  body: string;
  moderation: 'hidden' | 'removed' | null;
  moderationReason: string | null;
  createdAt: number;
  chapterOrdinal: number;
  chapterTitle: string;
  readingId: number;
  paragraphOrdinal: number | null;
  paragraphText: string | null;
  flagCount: number;
  latestFlagAt: number;
}

/** Comments with open flags (and, with `hiddenOnly`, every hidden comment), newest flag or most flagged first. */
export function queueRows(db: Db, clubId: number, order: 'newest' | 'most', limit = 100): QueueRow[] {
  const open = db
    .select({ commentId: commentFlags.commentId, flagCount: count().as('flag_count'), latestFlagAt: sql<number>`max(${commentFlags.createdAt})`.as('latest_flag_at') })
    .from(commentFlags)
    .where(and(eq(commentFlags.clubId, clubId), isNull(commentFlags.resolvedAt)))
    .groupBy(commentFlags.commentId)
    .as('open_flags');
  return db
    .select({
      commentId: comments.id,
      authorId: comments.authorId,
      authorName: users.displayName,
      body: comments.body,
      moderation: comments.moderation,
      moderationReason: comments.moderationReason,
      createdAt: comments.createdAt,
      chapterOrdinal: chapters.ordinal,
      chapterTitle: chapters.title,
      readingId: comments.readingId,
      paragraphOrdinal: paragraphs.ordinal,
      paragraphText: paragraphs.text,
      flagCount: open.flagCount,
      latestFlagAt: open.latestFlagAt,
    })
    .from(open)
    .innerJoin(comments, eq(comments.id, open.commentId))
    .innerJoin(users, eq(users.id, comments.authorId))
    .innerJoin(chapters, eq(chapters.id, comments.chapterId))
    .leftJoin(paragraphs, eq(paragraphs.id, comments.paragraphId))
    .where(and(eq(comments.clubId, clubId), isNull(comments.deletedAt)))
    .orderBy(order === 'most' ? desc(open.flagCount) : desc(open.latestFlagAt), desc(comments.id))
    .limit(limit)
    .all() as QueueRow[];
}

/** Hidden comments of the club (restorable), newest first. */
export function hiddenComments(db: Db, clubId: number, limit = 100) {
  return db
    .select({ commentId: comments.id, authorName: users.displayName, body: comments.body, moderationReason: comments.moderationReason, createdAt: comments.createdAt, chapterOrdinal: chapters.ordinal, chapterTitle: chapters.title, readingId: comments.readingId })
    .from(comments)
    .innerJoin(users, eq(users.id, comments.authorId))
    .innerJoin(chapters, eq(chapters.id, comments.chapterId))
    .where(and(eq(comments.clubId, clubId), eq(comments.moderation, 'hidden'), isNull(comments.deletedAt)))
    .orderBy(desc(comments.id))
    .limit(limit)
    .all();
}

/** The open flags of these comments (reasons, notes, who), for moderators only. */
export function openFlagsOf(db: Db, commentIds: number[]) {
  if (commentIds.length === 0) return [];
  return db
    .select({ commentId: commentFlags.commentId, reason: commentFlags.reason, note: commentFlags.note, flagger: users.displayName, createdAt: commentFlags.createdAt })
    .from(commentFlags)
    .innerJoin(users, eq(users.id, commentFlags.flaggerId))
    .where(and(inArray(commentFlags.commentId, commentIds), isNull(commentFlags.resolvedAt)))
    .orderBy(desc(commentFlags.createdAt))
    .all();
}

// ---- mutes and bans --------------------------------------------------------------------------

export function muteMember(db: Db, mute: { clubId: number; userId: number; until: number; reason: string; createdBy: number; createdAt: number }): void {
  db.insert(clubMutes).values(mute).onConflictDoUpdate({ target: [clubMutes.clubId, clubMutes.userId], set: { until: mute.until, reason: mute.reason, createdBy: mute.createdBy, createdAt: mute.createdAt } }).run();
}

export function unmuteMember(db: Db, clubId: number, userId: number): boolean {
  return db.delete(clubMutes).where(and(eq(clubMutes.clubId, clubId), eq(clubMutes.userId, userId))).run().changes > 0;
}

export function mutedUntil(db: Db, clubId: number, userId: number, now: number): number | null {
  return db.select({ until: clubMutes.until }).from(clubMutes).where(and(eq(clubMutes.clubId, clubId), eq(clubMutes.userId, userId), gt(clubMutes.until, now))).get()?.until ?? null;
}

/** Removal and ban in one transaction: the membership goes, the ban stays. */
export function banMember(db: Db, ban: { clubId: number; userId: number; reason: string; createdBy: number; createdAt: number }): void {
  db.transaction(
    (tx) => {
      tx.delete(memberships).where(and(eq(memberships.clubId, ban.clubId), eq(memberships.userId, ban.userId))).run();
      tx.delete(clubMutes).where(and(eq(clubMutes.clubId, ban.clubId), eq(clubMutes.userId, ban.userId))).run();
      tx.insert(clubBans).values(ban).onConflictDoNothing().run();
    },
    { behavior: 'immediate' },
  );
}

export function unbanMember(db: Db, clubId: number, userId: number): boolean {
  return db.delete(clubBans).where(and(eq(clubBans.clubId, clubId), eq(clubBans.userId, userId))).run().changes > 0;
}

export function isBanned(db: Db, clubId: number, userId: number): boolean {
  return db.select({ one: sql`1` }).from(clubBans).where(and(eq(clubBans.clubId, clubId), eq(clubBans.userId, userId))).get() !== undefined;
}

/** Active mutes and bans of a club, for the moderation page. */
export function restrictionsOf(db: Db, clubId: number, now: number) {
  const mutes = db
    .select({ userId: clubMutes.userId, name: users.displayName, until: clubMutes.until, reason: clubMutes.reason })
    .from(clubMutes)
    .innerJoin(users, eq(users.id, clubMutes.userId))
    .where(and(eq(clubMutes.clubId, clubId), gt(clubMutes.until, now)))
    .all();
  const bans = db
    .select({ userId: clubBans.userId, name: users.displayName, reason: clubBans.reason, createdAt: clubBans.createdAt })
    .from(clubBans)
    .innerJoin(users, eq(users.id, clubBans.userId))
    .where(eq(clubBans.clubId, clubId))
    .all();
  return { mutes, bans };
}

/** A member of the club (their role), or undefined. */
export function roleIn(db: Db, clubId: number, userId: number) {
  return db.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.clubId, clubId), eq(memberships.userId, userId))).get()?.role;
}

// ---- posting facts ----------------------------------------------------------------------------

export function lastCommentAt(db: Db, clubId: number, userId: number): number | null {
  return db.select({ at: sql<number | null>`max(${comments.createdAt})` }).from(comments).where(and(eq(comments.clubId, clubId), eq(comments.authorId, userId))).get()?.at ?? null;
}

export function commentTimesSince(db: Db, userId: number, since: number): number[] {
  return db
    .select({ at: comments.createdAt })
    .from(comments)
    .where(and(eq(comments.authorId, userId), gt(comments.createdAt, since)))
    .orderBy(comments.createdAt)
    .all()
    .map((r) => r.at);
}

// ---- the audit log ----------------------------------------------------------------------------

export type NewLogEntry = typeof moderationLog.$inferInsert;

export function insertLogEntry(db: Db, entry: NewLogEntry): void {
  db.insert(moderationLog).values(entry).run();
}

const logColumns = {
  id: moderationLog.id,
  clubId: moderationLog.clubId,
  action: moderationLog.action,
  actorName: users.displayName,
  targetUserId: moderationLog.targetUserId,
  subjectId: moderationLog.subjectId,
  detail: moderationLog.detail,
  reason: moderationLog.reason,
  createdAt: moderationLog.createdAt,
};

export function clubLog(db: Db, clubId: number, limit = 200) {
  return db.select(logColumns).from(moderationLog).leftJoin(users, eq(users.id, moderationLog.actorId)).where(eq(moderationLog.clubId, clubId)).orderBy(desc(moderationLog.id)).limit(limit).all();
}

/** Actions on this reader's content or membership, in every club (the actor's name is not shown to them). */
export function logAbout(db: Db, userId: number, limit = 200) {
  return db
    .select({ id: moderationLog.id, clubId: moderationLog.clubId, clubName: clubs.name, action: moderationLog.action, subjectId: moderationLog.subjectId, detail: moderationLog.detail, reason: moderationLog.reason, createdAt: moderationLog.createdAt })
    .from(moderationLog)
    .leftJoin(clubs, eq(clubs.id, moderationLog.clubId))
    .where(eq(moderationLog.targetUserId, userId))
    .orderBy(desc(moderationLog.id))
    .limit(limit)
    .all();
}

export function userNames(db: Db, ids: number[]): Map<number, string> {
  if (ids.length === 0) return new Map();
  return new Map(db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, ids)).all().map((r) => [r.id, r.name]));
}

// ---- site administration ------------------------------------------------------------------------

export function listUsers(db: Db, limit = 500) {
  return db
    .select({ id: users.id, username: users.username, displayName: users.displayName, isAdmin: users.isAdmin, createdAt: users.createdAt, suspendedAt: users.suspendedAt })
    .from(users)
    .where(sql`${users.usernameKey} not like '~%'`)
    .orderBy(users.id)
    .limit(limit)
    .all();
}

export function userById(db: Db, userId: number) {
  return db.select({ id: users.id, suspendedAt: users.suspendedAt }).from(users).where(eq(users.id, userId)).get();
}

export function setSuspended(db: Db, userId: number, at: number | null): void {
  db.update(users).set({ suspendedAt: at }).where(eq(users.id, userId)).run();
}

/** Every book with the names of the clubs reading any of its editions (current or earlier readings). */
export function libraryBooks(db: Db) {
  const rows = db
    .select({ id: books.id, title: books.title, author: books.author, club: clubs.name })
    .from(books)
    .leftJoin(editions, eq(editions.bookId, books.id))
    .leftJoin(readings, eq(readings.editionId, editions.id))
    .leftJoin(clubs, eq(clubs.id, readings.clubId))
    .orderBy(books.title, books.id)
    .all();
  const byId = new Map<number, { id: number; title: string; author: string | null; clubs: string[] }>();
  for (const row of rows) {
    const book = byId.get(row.id) ?? { id: row.id, title: row.title, author: row.author, clubs: [] };
    if (row.club && !book.clubs.includes(row.club)) book.clubs.push(row.club);
    byId.set(row.id, book);
  }
  return [...byId.values()];
}

/** Removes a book (its editions, chapters, paragraphs cascade) unless a club reads it; returns the readers' club names. */
export function removeBook(db: Db, bookId: number): { removed: boolean; clubs: string[]; title: string | null } {
  return db.transaction(
    (tx) => {
      const book = tx.select({ title: books.title }).from(books).where(eq(books.id, bookId)).get();
      if (!book) return { removed: false, clubs: [], title: null };
      const readers = tx
        .selectDistinct({ name: clubs.name })
        .from(readings)
        .innerJoin(editions, eq(editions.id, readings.editionId))
        .innerJoin(clubs, eq(clubs.id, readings.clubId))
        .where(eq(editions.bookId, bookId))
        .all()
        .map((r) => r.name);
      if (readers.length > 0) return { removed: false, clubs: readers, title: book.title };
      tx.delete(books).where(eq(books.id, bookId)).run();
      return { removed: true, clubs: [], title: book.title };
    },
    { behavior: 'immediate' },
  );
}

/** Members who could be muted or banned (everyone but the owner), by name. */
export function restrictableMembers(db: Db, clubId: number) {
  return db
    .select({ userId: memberships.userId, name: users.displayName })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.clubId, clubId), sql`${memberships.role} != 'owner'`))
    .orderBy(users.displayName)
    .all();
}
