/**
 * The spoiler gate has one rule: `commentVisibleTo` (gate.ts). Where the database filters
 * (recent discussion), `visibleToSql` states it in SQL. This runs both over a matrix of comments
 * (author × visibility × anchor × chapter) and viewers (signed out, each member, progress,
 * reveals, a NaN progress) on a real database and requires the same answer for every pair.
 */
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comments } from '../../../db/schema';
import { commentVisibleTo, type GateViewer } from '../../../src/annotations/gate';
import { visibleCommentIds } from '../../../src/annotations/queries';
import { makeRoom, type AnnotationRoom } from './room';

let room: AnnotationRoom;
let rows: { id: number; authorId: number; anchorPosition: number; visibility: 'club' | 'private'; chapterId: number }[];

beforeAll(async () => {
  room = await makeRoom();
  const db = room.testApp.db;
  const authors = [room.ids.alice, room.ids.bob, room.ids.owner];
  for (const authorId of authors) {
    for (const visibility of ['club', 'private'] as const) {
      for (const chapterIndex of [0, 1, 2]) {
        const chapter = room.chapters[chapterIndex]!;
        for (const anchor of [chapter.firstPosition, chapter.lastPosition]) {
          const paragraph = room.paragraphs(chapterIndex + 1).find((p) => p.position === anchor) ?? null;
          await db.insert(comments).values({
            clubId: room.clubId,
            readingId: room.readingId,
            chapterId: chapter.id,
            paragraphId: paragraph?.id ?? null,
            anchorPosition: anchor,
            authorId,
            body: 'x',
            visibility,
            createdAt: 1,
          });
        }
      }
    }
  }
  rows = await db
    .select({ id: comments.id, authorId: comments.authorId, anchorPosition: comments.anchorPosition, visibility: comments.visibility, chapterId: comments.chapterId })
    .from(comments)
    .where(eq(comments.readingId, room.readingId))
    .orderBy(asc(comments.id));
});

afterAll(() => room.testApp.close());

describe('the spoiler gate in SQL', () => {
  it('agrees with commentVisibleTo for every comment and every viewer', async () => {
    expect(rows.length).toBe(3 * 2 * 3 * 2);
    const chapterIds = room.chapters.map((chapter) => chapter.id);
    const viewers: GateViewer[] = [];
    for (const userId of [null, room.ids.alice, room.ids.bob, room.ids.outsider]) {
      for (const progressPosition of [0, room.chapters[0]!.lastPosition, room.chapters[1]!.firstPosition, room.chapters[2]!.lastPosition, Number.NaN]) {
        for (const revealed of [[], [chapterIds[1]!], [chapterIds[0]!, chapterIds[2]!]]) {
          viewers.push({ userId, progressPosition, revealedChapterIds: new Set(revealed) });
        }
      }
    }
    let compared = 0;
    for (const viewer of viewers) {
      const expected = rows.filter((row) => commentVisibleTo(row, viewer)).map((row) => row.id);
      expect(await visibleCommentIds(room.testApp.db, room.readingId, viewer), JSON.stringify({ ...viewer, revealedChapterIds: [...viewer.revealedChapterIds] })).toEqual(expected);
      compared += rows.length;
    }
    expect(compared).toBe(viewers.length * rows.length);
  });
});
