/**
 * A club reading the generated Korean book (in the shape of the first real one: front matter,
 * a prologue, parts, `1.1.` chapters, back matter), seeded straight into a running server's
 * database for browser tests whose subject is reading, not setting a club up (the clubs test
 * does that through the UI). Readers must have signed up through the browser first.
 */
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { openDatabase } from '../../db/connection';
import { chapters, paragraphs, readingProgress, type Chapter } from '../../db/schema';
import { insertComment } from '../../src/annotations/queries';
import { importBook } from '../../src/books/store';
import { insertPoll, type NewPoll } from '../../src/polls/queries';
import { generateKoreanBook } from '../fixtures/books/korean-book';
import type { TestApp } from '../helpers/app';
import { addMemberRow, createClubRow, setProgressRow, startReadingRow, userIdOf } from '../helpers/fixtures';
import type { RunningServer } from './harness';

export async function seedKoreanClub(server: RunningServer, options: { owner: string; members: string[]; targetBytes?: number; clubName?: string }) {
  const { db, sqlite } = openDatabase(join(server.dir, 'e2e.db'));
  const seed = { db, sqlite, clock: { now: Date.now(), advance() {} } } as unknown as TestApp;
  const book = generateKoreanBook({ targetBytes: options.targetBytes ?? 200_000 });
  const { editionId } = await importBook(seed, { bytes: new TextEncoder().encode(book.text), filename: 'book.txt', now: Date.now() });
  const rows = await db.select().from(chapters).where(eq(chapters.editionId, editionId)).orderBy(chapters.ordinal);
  const ownerId = await userIdOf(seed, options.owner);
  const club = await createClubRow(seed, { ownerId, name: options.clubName ?? '목요일 밤 독서 모임', language: 'ko' });
  const memberIds: number[] = [];
  for (const name of options.members) memberIds.push(await userIdOf(seed, name));
  for (const id of memberIds) await addMemberRow(seed, club.id, id);
  const reading = await startReadingRow(seed, club.id, editionId);

  /** The chapter whose title starts with `prefix` ("1.2."). */
  const chapter = (prefix: string) => rows.find((row) => row.title.startsWith(prefix))!;
  /** The `nth` paragraph of text of a chapter. */
  const textParagraph = async (of: Chapter, nth: number) =>
    (await db.select().from(paragraphs).where(and(eq(paragraphs.chapterId, of.id), eq(paragraphs.kind, 'text'))).orderBy(paragraphs.position))[nth]!;
  return {
    db,
    sqlite,
    seed,
    editionId,
    chapters: rows,
    club,
    reading,
    ownerId,
    memberIds,
    chapter,
    textParagraph,
    setProgress: (userId: number, position: number) => setProgressRow(seed, reading.id, userId, position),
    progressOf: async (userId: number) =>
      (await db.select({ position: readingProgress.position }).from(readingProgress).where(and(eq(readingProgress.readingId, reading.id), eq(readingProgress.userId, userId))))[0]?.position ?? 0,
    /** A club comment by `authorId` on the `nth` text paragraph of `of`. */
    async say(of: Chapter, nth: number, body: string, authorId = ownerId) {
      const paragraph = await textParagraph(of, nth);
      return insertComment(db, {
        clubId: club.id,
        readingId: reading.id,
        chapterId: of.id,
        paragraphId: paragraph.id,
        parentId: null,
        rootId: null,
        anchorPosition: paragraph.position,
        passage: null,
        quotedText: null,
        authorId,
        body,
        visibility: 'club',
        createdAt: Date.now(),
      });
    },
    /** An open poll on a chapter (or the club), results always visible. */
    poll(question: string, options: string[], settings: Partial<NewPoll> = {}) {
      return insertPoll(
        db,
        { clubId: club.id, readingId: reading.id, chapterId: null, question, kind: 'single', minChoices: 1, maxChoices: 1, voters: 'anonymous', resultsVisibility: 'always', opensAt: null, closesAt: null, ...settings },
        options,
        ownerId,
        Date.now(),
      );
    },
    close: () => sqlite.close(),
  };
}
