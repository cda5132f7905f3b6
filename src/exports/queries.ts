/**
 * The exports area's reads: a member's own comments with where they sit in the book, and a
 * club reading's visible discussion for the annotated edition. One query per scope, no
 * decisions (the policy and `present.ts` decide).
 */
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/connection';
import { chapters, clubs, comments, editions, memberships, paragraphs, readings, users } from '../../db/schema';

/** One of the member's own comments, with its place in the book and its thread's root. */
export interface OwnCommentRow {
  id: number;
  clubId: number;
  clubName: string;
  clubLanguage: string;
  readingId: number;
  editionId: number;
  bookId: number;
  bookTitle: string;
  bookAuthor: string | null;
  bookLanguage: string;
  bookDirection: 'ltr' | 'rtl';
  chapterId: number;
  chapterOrdinal: number;
  chapterTitle: string;
  chapterKind: 'front' | 'body' | 'back';
  paragraphId: number | null;
  paragraphOrdinal: number | null;
  paragraphPosition: number | null;
  paragraphText: string | null;
  parentId: number | null;
  rootId: number | null;
  anchorPosition: number;
  passageStart: number | null;
  passageEnd: number | null;
  passageExact: string | null;
  passagePrefix: string | null;
  passageSuffix: string | null;
  body: string;
  visibility: 'club' | 'private';
  moderation: 'hidden' | 'removed' | null;
  createdAt: number;
  editedAt: number | null;
  authorUsername: string;
  authorDisplayName: string;
  /** The thread root's author, visibility and passage (a reply's context), null for a root. */
  rootAuthorId: number | null;
  rootVisibility: 'club' | 'private' | null;
  rootPassageStart: number | null;
  rootPassageEnd: number | null;
  rootPassageExact: string | null;
  rootPassagePrefix: string | null;
  rootPassageSuffix: string | null;
}

/**
 * A thread's root, joined beside each comment: a subquery named `root` (an alias of the
 * comments table would be SQLite's alone; SQLite flattens this into the same join).
 */
function rootComments(db: Db) {
  return db
    .select({
      id: comments.id,
      authorId: comments.authorId,
      visibility: comments.visibility,
      passageStart: comments.passageStart,
      passageEnd: comments.passageEnd,
      passageExact: comments.passageExact,
      passagePrefix: comments.passagePrefix,
      passageSuffix: comments.passageSuffix,
    })
    .from(comments)
    .as('root');
}

/**
 * Every live comment the member wrote (all clubs, or one), in reading order: club, reading,
 * chapter, paragraph (chapter threads after the chapter's paragraphs), passage, then time.
 * Deleted comments and removed ones (their body is erased) are not there; hidden ones are the
 * author's own words and come along, and so do orphaned ones (with their old edition's place).
 */
export function ownComments(db: Db, userId: number, clubId: number | null): Promise<OwnCommentRow[]> {
  const where = [eq(comments.authorId, userId), isNull(comments.deletedAt), sql`coalesce(${comments.moderation}, '') <> 'removed'`];
  if (clubId !== null) where.push(eq(comments.clubId, clubId));
  const root = rootComments(db);
  return db
    .select({
      id: comments.id,
      clubId: comments.clubId,
      clubName: clubs.name,
      clubLanguage: clubs.language,
      readingId: comments.readingId,
      // The chapter's edition, not the reading's: an orphaned comment (left behind when the
      // reading moved to another edition) still sits in the old one, and its URLs must say so.
      editionId: chapters.editionId,
      bookId: editions.bookId,
      bookTitle: editions.title,
      bookAuthor: editions.author,
      bookLanguage: editions.language,
      bookDirection: editions.direction,
      chapterId: comments.chapterId,
      chapterOrdinal: chapters.ordinal,
      chapterTitle: chapters.title,
      chapterKind: chapters.kind,
      paragraphId: comments.paragraphId,
      paragraphOrdinal: paragraphs.ordinal,
      paragraphPosition: paragraphs.position,
      paragraphText: paragraphs.text,
      parentId: comments.parentId,
      rootId: comments.rootId,
      anchorPosition: comments.anchorPosition,
      passageStart: comments.passageStart,
      passageEnd: comments.passageEnd,
      passageExact: comments.passageExact,
      passagePrefix: comments.passagePrefix,
      passageSuffix: comments.passageSuffix,
      body: comments.body,
      visibility: comments.visibility,
      moderation: comments.moderation,
      createdAt: comments.createdAt,
      editedAt: comments.editedAt,
      authorUsername: users.username,
      authorDisplayName: users.displayName,
      rootAuthorId: root.authorId,
      rootVisibility: root.visibility,
      rootPassageStart: root.passageStart,
      rootPassageEnd: root.passageEnd,
      rootPassageExact: root.passageExact,
      rootPassagePrefix: root.passagePrefix,
      rootPassageSuffix: root.passageSuffix,
    })
    .from(comments)
    .innerJoin(users, eq(users.id, comments.authorId))
    .innerJoin(clubs, eq(clubs.id, comments.clubId))
    .innerJoin(chapters, eq(chapters.id, comments.chapterId))
    .innerJoin(editions, eq(editions.id, chapters.editionId))
    .leftJoin(paragraphs, eq(paragraphs.id, comments.paragraphId))
    .leftJoin(root, and(eq(root.id, comments.rootId), sql`${comments.rootId} <> ${comments.id}`))
    .where(and(...where))
    .orderBy(
      asc(clubs.id),
      asc(comments.readingId),
      asc(chapters.ordinal),
      sql`${paragraphs.ordinal} is null`,
      asc(paragraphs.ordinal),
      sql`coalesce(${comments.passageStart}, ${root.passageStart}, -1)`,
      asc(comments.createdAt),
      asc(comments.id),
    );
}

/** The clubs the member belongs to, each with its readings (newest first) and their books. */
export function memberReadings(db: Db, userId: number) {
  return db
    .select({
      clubId: clubs.id,
      clubName: clubs.name,
      readingId: readings.id,
      endedAt: readings.endedAt,
      editionId: editions.id,
      bookTitle: editions.title,
      bookLanguage: editions.language,
    })
    .from(memberships)
    .innerJoin(clubs, eq(clubs.id, memberships.clubId))
    .innerJoin(readings, eq(readings.clubId, clubs.id))
    .innerJoin(editions, eq(editions.id, readings.editionId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(clubs.name), asc(clubs.id), sql`${readings.endedAt} is not null`, sql`${readings.startedAt} desc`);
}

/** Every paragraph of an edition in reading order, with its chapter (for anchoring an import). */
export function editionParagraphs(db: Db, editionId: number) {
  return db
    .select({ id: paragraphs.id, text: paragraphs.text, position: paragraphs.position, chapterId: paragraphs.chapterId, ordinal: paragraphs.ordinal, chapterOrdinal: chapters.ordinal })
    .from(paragraphs)
    .innerJoin(chapters, eq(chapters.id, paragraphs.chapterId))
    .where(eq(paragraphs.editionId, editionId))
    .orderBy(asc(paragraphs.position));
}

/** What the member already has in a reading: to recognise a note imported twice. */
export async function ownNoteKeys(db: Db, userId: number, readingId: number): Promise<Set<string>> {
  const rows = await db
    .select({ paragraphId: comments.paragraphId, start: comments.passageStart, end: comments.passageEnd, body: comments.body })
    .from(comments)
    .where(and(eq(comments.authorId, userId), eq(comments.readingId, readingId), isNull(comments.deletedAt)));
  return new Set(rows.map((row) => noteKey(row.paragraphId, row.start, row.end, row.body)));
}

export function noteKey(paragraphId: number | null, start: number | null, end: number | null, body: string): string {
  return JSON.stringify([paragraphId, start, end, body]);
}

/** A comment of the club's discussion for the annotated edition. */
export interface EditionCommentRow {
  id: number;
  chapterId: number;
  paragraphId: number | null;
  parentId: number | null;
  rootId: number | null;
  passageStart: number | null;
  passageEnd: number | null;
  passageExact: string | null;
  authorId: number;
  authorUsername: string;
  authorDisplayName: string;
  body: string;
  createdAt: number;
  deletedAt: number | null;
  moderation: 'hidden' | 'removed' | null;
  visibility: 'club' | 'private';
}

/**
 * Every club comment of a reading on the given chapters (private notes are never read here;
 * moderated and deleted ones come back so `present.ts` can leave their threads out or mark
 * them), oldest first.
 */
export async function clubDiscussion(db: Db, readingId: number, chapterIds: readonly number[]): Promise<EditionCommentRow[]> {
  if (chapterIds.length === 0) return [];
  return db
    .select({
      id: comments.id,
      chapterId: comments.chapterId,
      paragraphId: comments.paragraphId,
      parentId: comments.parentId,
      rootId: comments.rootId,
      passageStart: comments.passageStart,
      passageEnd: comments.passageEnd,
      passageExact: comments.passageExact,
      authorId: comments.authorId,
      authorUsername: users.username,
      authorDisplayName: users.displayName,
      body: comments.body,
      createdAt: comments.createdAt,
      deletedAt: comments.deletedAt,
      moderation: comments.moderation,
      visibility: comments.visibility,
    })
    .from(comments)
    .innerJoin(users, eq(users.id, comments.authorId))
    .where(and(eq(comments.readingId, readingId), eq(comments.visibility, 'club'), eq(comments.orphaned, false), inArray(comments.chapterId, [...chapterIds])))
    .orderBy(asc(comments.createdAt), asc(comments.id));
}

/** Usernames of the club's members (lower-cased keys), for anonymising `@mentions`. */
export async function memberUsernameKeys(db: Db, clubId: number): Promise<string[]> {
  const rows = await db
    .select({ key: users.usernameKey })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.clubId, clubId))
    .orderBy(asc(memberships.joinedAt), asc(users.id));
  return rows.map((row) => row.key);
}
