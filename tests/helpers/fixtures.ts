/**
 * Data fixtures written straight to the test database, for tests whose subject is something
 * else (a comment needs a club, a reading and a book). The flows themselves are tested
 * through HTTP in each area's own tests.
 */
import { and, eq } from 'drizzle-orm';
import { chapters, clubs, memberships, paragraphs, readingProgress, readings, scheduleEntries, users, type ClubRole } from '../../db/schema';
import { transaction } from '../../db/connection';
import { importBook } from '../../src/books/store';
import type { TestApp } from './app';

/** A small two-language Markdown book: 3 chapters of `paragraphsPerChapter` paragraphs. */
export function sampleMarkdownBook(options: { title?: string; paragraphsPerChapter?: number; chapters?: number } = {}): string {
  const title = options.title ?? 'The Lantern Keepers';
  const per = options.paragraphsPerChapter ?? 6;
  const count = options.chapters ?? 3;
  const lines = ['---', `title: ${title}`, 'author: Test Author', 'lang: en', '---', ''];
  for (let c = 1; c <= count; c++) {
    lines.push(`# Chapter ${c}. The ${['first', 'second', 'third', 'fourth', 'fifth'][c - 1] ?? `${c}th`} evening`, '');
    for (let p = 1; p <= per; p++) {
      lines.push(
        `Paragraph ${p} of chapter ${c}: the keepers climbed the hill at dusk, and 등불 하나가 바람에 흔들렸다 (${c}.${p}). Nobody spoke until the lamp was lit.`,
        '',
      );
    }
  }
  return lines.join('\n');
}

export async function importSampleBook(testApp: TestApp, options: Parameters<typeof sampleMarkdownBook>[0] = {}) {
  const text = sampleMarkdownBook(options);
  const result = await importBook(testApp, {
    bytes: new TextEncoder().encode(text),
    filename: 'lantern.md',
    now: testApp.clock.now,
  });
  const chapterRows = await testApp.db.select().from(chapters).where(eq(chapters.editionId, result.editionId)).orderBy(chapters.ordinal);
  return { editionId: result.editionId, chapters: chapterRows };
}

export async function userIdOf(testApp: TestApp, username: string): Promise<number> {
  const [row] = await testApp.db.select({ id: users.id }).from(users).where(eq(users.usernameKey, username.toLowerCase()));
  if (!row) throw new Error(`no user ${username}`);
  return row.id;
}

export function createClubRow(testApp: TestApp, input: { name?: string; visibility?: 'private' | 'public'; ownerId: number; language?: string }) {
  return transaction(testApp.db, async (tx) => {
    const [club] = await tx
      .insert(clubs)
      .values({ name: input.name ?? 'Lantern Club', description: '', language: input.language ?? 'en', visibility: input.visibility ?? 'private', createdAt: testApp.clock.now })
      .returning();
    await tx.insert(memberships).values({ clubId: club!.id, userId: input.ownerId, role: 'owner', joinedAt: testApp.clock.now });
    return club!;
  });
}

export async function addMemberRow(testApp: TestApp, clubId: number, userId: number, role: ClubRole = 'member'): Promise<void> {
  await testApp.db.insert(memberships).values({ clubId, userId, role, joinedAt: testApp.clock.now });
}

export async function startReadingRow(testApp: TestApp, clubId: number, editionId: number) {
  const [reading] = await testApp.db.insert(readings).values({ clubId, editionId, startedAt: testApp.clock.now }).returning();
  return reading!;
}

export async function setProgressRow(testApp: TestApp, readingId: number, userId: number, position: number): Promise<void> {
  await testApp.db
    .insert(readingProgress)
    .values({ readingId, userId, position, updatedAt: testApp.clock.now })
    .onConflictDoUpdate({ target: [readingProgress.readingId, readingProgress.userId], set: { position, updatedAt: testApp.clock.now } });
}

export async function scheduleChapterRow(testApp: TestApp, readingId: number, chapterId: number, opensAt: number): Promise<void> {
  await testApp.db.insert(scheduleEntries).values({ readingId, chapterId, opensAt });
}

export function paragraphsOf(testApp: TestApp, chapterId: number) {
  return testApp.db.select().from(paragraphs).where(and(eq(paragraphs.chapterId, chapterId))).orderBy(paragraphs.ordinal);
}

/**
 * A ready room: a book, a club (private unless asked), an owner, a moderator and a member
 * signed in as clients, and the club reading the book.
 */
export interface Room {
  clubId: number;
  readingId: number;
  editionId: number;
  chapters: Awaited<ReturnType<typeof importSampleBook>>['chapters'];
}
