/** SQL of the moderation area: one query per scope, no decisions. */
import { and, count, desc, eq, gt, inArray, isNull, ne, sql } from 'drizzle-orm';
import { first, prepared, transaction, type Db } from '../../db/connection';
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
  rateLimitCounters,
  readings,
  users,
  type FlagReason,
} from '../../db/schema';

const p = (name: string) => sql.placeholder(name);

export const DEFAULT_SETTINGS = { slowModeSeconds: 0, flagThreshold: 3 };

export async function settingsOf(db: Db, clubId: number): Promise<{ slowModeSeconds: number; flagThreshold: number }> {
  const row = first(await db.select().from(clubModerationSettings).where(eq(clubModerationSettings.clubId, clubId)).limit(1));
  return row ? { slowModeSeconds: row.slowModeSeconds, flagThreshold: row.flagThreshold } : DEFAULT_SETTINGS;
}

export async function saveSettings(db: Db, clubId: number, settings: { slowModeSeconds: number; flagThreshold: number }): Promise<void> {
  await db.insert(clubModerationSettings).values({ clubId, ...settings }).onConflictDoUpdate({ target: clubModerationSettings.clubId, set: settings });
}

/** One flag per member per comment: false when this member had flagged it already. */
export async function addFlag(db: Db, flag: { clubId: number; commentId: number; flaggerId: number; reason: FlagReason; note: string; createdAt: number }): Promise<boolean> {
  const added = await db.insert(commentFlags).values(flag).onConflictDoNothing().returning({ id: commentFlags.id });
  return added.length > 0;
}

/** Members with an open flag on the comment. */
export async function openFlagCount(db: Db, commentId: number): Promise<number> {
  return first(await db.select({ n: count() }).from(commentFlags).where(and(eq(commentFlags.commentId, commentId), isNull(commentFlags.resolvedAt))))?.n ?? 0;
}

/** A comment's moderation as it stands (null: shown). */
export async function commentModeration(db: Db, commentId: number): Promise<'hidden' | 'removed' | null> {
  return first(await db.select({ moderation: comments.moderation }).from(comments).where(eq(comments.id, commentId)).limit(1))?.moderation ?? null;
}

export async function resolveFlags(db: Db, commentId: number, now: number): Promise<void> {
  await db.update(commentFlags).set({ resolvedAt: now }).where(and(eq(commentFlags.commentId, commentId), isNull(commentFlags.resolvedAt)));
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
export async function queueRows(db: Db, clubId: number, order: 'newest' | 'most', limit = 100): Promise<QueueRow[]> {
  const open = db
    .select({ commentId: commentFlags.commentId, flagCount: count().as('flag_count'), latestFlagAt: sql<number>`max(${commentFlags.createdAt})`.mapWith(Number).as('latest_flag_at') })
    .from(commentFlags)
    .where(and(eq(commentFlags.clubId, clubId), isNull(commentFlags.resolvedAt)))
    .groupBy(commentFlags.commentId)
    .as('open_flags');
  return (await db
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
    .limit(limit)) as QueueRow[];
}

/** Hidden comments of the club (restorable), newest first. */
export async function hiddenComments(db: Db, clubId: number, limit = 100) {
  return db
    .select({ commentId: comments.id, authorName: users.displayName, body: comments.body, moderationReason: comments.moderationReason, createdAt: comments.createdAt, chapterOrdinal: chapters.ordinal, chapterTitle: chapters.title, readingId: comments.readingId })
    .from(comments)
    .innerJoin(users, eq(users.id, comments.authorId))
    .innerJoin(chapters, eq(chapters.id, comments.chapterId))
    .where(and(eq(comments.clubId, clubId), eq(comments.moderation, 'hidden'), isNull(comments.deletedAt)))
    .orderBy(desc(comments.id))
    .limit(limit);
}

/** The open flags of these comments (reasons, notes, who), for moderators only. */
export async function openFlagsOf(db: Db, commentIds: number[]) {
  if (commentIds.length === 0) return [];
  return db
    .select({ commentId: commentFlags.commentId, reason: commentFlags.reason, note: commentFlags.note, flagger: users.displayName, createdAt: commentFlags.createdAt })
    .from(commentFlags)
    .innerJoin(users, eq(users.id, commentFlags.flaggerId))
    .where(and(inArray(commentFlags.commentId, commentIds), isNull(commentFlags.resolvedAt)))
    .orderBy(desc(commentFlags.createdAt));
}

// ---- mutes and bans --------------------------------------------------------------------------

export async function muteMember(db: Db, mute: { clubId: number; userId: number; until: number; reason: string; createdBy: number; createdAt: number }): Promise<void> {
  await db.insert(clubMutes).values(mute).onConflictDoUpdate({ target: [clubMutes.clubId, clubMutes.userId], set: { until: mute.until, reason: mute.reason, createdBy: mute.createdBy, createdAt: mute.createdAt } });
}

export async function unmuteMember(db: Db, clubId: number, userId: number): Promise<boolean> {
  const deleted = await db.delete(clubMutes).where(and(eq(clubMutes.clubId, clubId), eq(clubMutes.userId, userId))).returning({ userId: clubMutes.userId });
  return deleted.length > 0;
}

export async function mutedUntil(db: Db, clubId: number, userId: number, now: number): Promise<number | null> {
  const query = prepared(db, 'moderation-muted-until', (db) =>
    db
      .select({ until: clubMutes.until })
      .from(clubMutes)
      .where(and(eq(clubMutes.clubId, p('clubId')), eq(clubMutes.userId, p('userId')), gt(clubMutes.until, p('now'))))
      .prepare(),
  );
  return first(await query.execute({ clubId, userId, now }))?.until ?? null;
}

/** Removal and ban in one transaction: the membership goes, the ban stays. */
export function banMember(db: Db, ban: { clubId: number; userId: number; reason: string; createdBy: number; createdAt: number }): Promise<void> {
  return transaction(db, async (tx) => {
    await tx.delete(memberships).where(and(eq(memberships.clubId, ban.clubId), eq(memberships.userId, ban.userId)));
    await tx.delete(clubMutes).where(and(eq(clubMutes.clubId, ban.clubId), eq(clubMutes.userId, ban.userId)));
    await tx.insert(clubBans).values(ban).onConflictDoNothing();
  });
}

export async function unbanMember(db: Db, clubId: number, userId: number): Promise<boolean> {
  const deleted = await db.delete(clubBans).where(and(eq(clubBans.clubId, clubId), eq(clubBans.userId, userId))).returning({ userId: clubBans.userId });
  return deleted.length > 0;
}

export async function isBanned(db: Db, clubId: number, userId: number): Promise<boolean> {
  const rows = await db.select({ userId: clubBans.userId }).from(clubBans).where(and(eq(clubBans.clubId, clubId), eq(clubBans.userId, userId))).limit(1);
  return rows.length > 0;
}

/** Active mutes and bans of a club, for the moderation page. */
export async function restrictionsOf(db: Db, clubId: number, now: number) {
  const mutes = await db
    .select({ userId: clubMutes.userId, name: users.displayName, until: clubMutes.until, reason: clubMutes.reason })
    .from(clubMutes)
    .innerJoin(users, eq(users.id, clubMutes.userId))
    .where(and(eq(clubMutes.clubId, clubId), gt(clubMutes.until, now)));
  const bans = await db
    .select({ userId: clubBans.userId, name: users.displayName, reason: clubBans.reason, createdAt: clubBans.createdAt })
    .from(clubBans)
    .innerJoin(users, eq(users.id, clubBans.userId))
    .where(eq(clubBans.clubId, clubId));
  return { mutes, bans };
}

/** A member of the club (their role), or undefined. */
export async function roleIn(db: Db, clubId: number, userId: number) {
  return first(await db.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.clubId, clubId), eq(memberships.userId, userId))).limit(1))?.role;
}

// ---- posting facts ----------------------------------------------------------------------------

export async function lastCommentAt(db: Db, clubId: number, userId: number): Promise<number | null> {
  const rows = await db
    .select({ at: sql<number | null>`max(${comments.createdAt})`.mapWith(Number) })
    .from(comments)
    .where(and(eq(comments.clubId, clubId), eq(comments.authorId, userId)));
  return first(rows)?.at ?? null;
}

export async function commentTimesSince(db: Db, userId: number, since: number): Promise<number[]> {
  const rows = await db
    .select({ at: comments.createdAt })
    .from(comments)
    .where(and(eq(comments.authorId, userId), gt(comments.createdAt, since)))
    .orderBy(comments.createdAt);
  return rows.map((r) => r.at);
}

/**
 * The mark a comment that passed the posting gate left (`rate_limit_counters`, under a limiter
 * name of the moderation area's own): when it passed and how many passes it stands for, while
 * it has not run out at `now`.
 */
export async function passMark(db: Db, mark: string, key: string, now: number): Promise<{ at: number; count: number } | undefined> {
  const query = prepared(db, 'moderation-pass-mark', (db) =>
    db
      .select({ at: rateLimitCounters.startedAt, count: rateLimitCounters.count })
      .from(rateLimitCounters)
      .where(and(eq(rateLimitCounters.limiter, p('mark')), eq(rateLimitCounters.key, p('key')), gt(rateLimitCounters.endsAt, p('now'))))
      .prepare(),
  );
  return first(await query.execute({ mark, key, now }));
}

/** Records a pass (replacing the key's earlier mark): at `at`, standing for `count` passes, until `until`. */
export async function writePassMark(db: Db, mark: string, key: string, at: number, until: number, count: number): Promise<void> {
  await db
    .insert(rateLimitCounters)
    .values({ limiter: mark, key, startedAt: at, endsAt: until, count })
    .onConflictDoUpdate({ target: [rateLimitCounters.limiter, rateLimitCounters.key], set: { startedAt: at, endsAt: until, count } });
}

// ---- the audit log ----------------------------------------------------------------------------

export type NewLogEntry = typeof moderationLog.$inferInsert;

export async function insertLogEntry(db: Db, entry: NewLogEntry): Promise<void> {
  await db.insert(moderationLog).values(entry);
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

export async function clubLog(db: Db, clubId: number, limit = 200) {
  return db.select(logColumns).from(moderationLog).leftJoin(users, eq(users.id, moderationLog.actorId)).where(eq(moderationLog.clubId, clubId)).orderBy(desc(moderationLog.id)).limit(limit);
}

/** Actions on this reader's content or membership, in every club (the actor's name is not shown to them). */
export async function logAbout(db: Db, userId: number, limit = 200) {
  return db
    .select({ id: moderationLog.id, clubId: moderationLog.clubId, clubName: clubs.name, action: moderationLog.action, subjectId: moderationLog.subjectId, detail: moderationLog.detail, reason: moderationLog.reason, createdAt: moderationLog.createdAt })
    .from(moderationLog)
    .leftJoin(clubs, eq(clubs.id, moderationLog.clubId))
    .where(eq(moderationLog.targetUserId, userId))
    .orderBy(desc(moderationLog.id))
    .limit(limit);
}

export async function userNames(db: Db, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}

// ---- site administration ------------------------------------------------------------------------

export async function listUsers(db: Db, limit = 500) {
  return db
    .select({ id: users.id, username: users.username, displayName: users.displayName, isAdmin: users.isAdmin, createdAt: users.createdAt, suspendedAt: users.suspendedAt })
    .from(users)
    .where(sql`${users.usernameKey} not like '~%'`)
    .orderBy(users.id)
    .limit(limit);
}

export async function userById(db: Db, userId: number) {
  return first(await db.select({ id: users.id, suspendedAt: users.suspendedAt }).from(users).where(eq(users.id, userId)).limit(1));
}

export async function setSuspended(db: Db, userId: number, at: number | null): Promise<void> {
  await db.update(users).set({ suspendedAt: at }).where(eq(users.id, userId));
}

/** Every book with the names of the clubs reading any of its editions (current or earlier readings). */
export async function libraryBooks(db: Db) {
  const rows = await db
    .select({ id: books.id, title: books.title, author: books.author, club: clubs.name })
    .from(books)
    .leftJoin(editions, eq(editions.bookId, books.id))
    .leftJoin(readings, eq(readings.editionId, editions.id))
    .leftJoin(clubs, eq(clubs.id, readings.clubId))
    .orderBy(books.title, books.id);
  const byId = new Map<number, { id: number; title: string; author: string | null; clubs: string[] }>();
  for (const row of rows) {
    const book = byId.get(row.id) ?? { id: row.id, title: row.title, author: row.author, clubs: [] };
    if (row.club && !book.clubs.includes(row.club)) book.clubs.push(row.club);
    byId.set(row.id, book);
  }
  return [...byId.values()];
}

/** Removes a book (its editions, chapters, paragraphs cascade) unless a club reads it; returns the readers' club names. */
export function removeBook(db: Db, bookId: number): Promise<{ removed: boolean; clubs: string[]; title: string | null }> {
  return transaction(db, async (tx) => {
    const book = first(await tx.select({ title: books.title }).from(books).where(eq(books.id, bookId)).limit(1));
    if (!book) return { removed: false, clubs: [], title: null };
    const readers = (
      await tx
        .selectDistinct({ name: clubs.name })
        .from(readings)
        .innerJoin(editions, eq(editions.id, readings.editionId))
        .innerJoin(clubs, eq(clubs.id, readings.clubId))
        .where(eq(editions.bookId, bookId))
    ).map((r) => r.name);
    if (readers.length > 0) return { removed: false, clubs: readers, title: book.title };
    await tx.delete(books).where(eq(books.id, bookId));
    return { removed: true, clubs: [], title: book.title };
  });
}

/** Members who could be muted or banned (everyone but the owner), by name. */
export async function restrictableMembers(db: Db, clubId: number) {
  return db
    .select({ userId: memberships.userId, name: users.displayName })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.clubId, clubId), ne(memberships.role, 'owner')))
    .orderBy(users.displayName);
}
