/**
 * The kept comment rows of a chapter (src/annotations/chapter-rows.ts) over real posts: a
 * comment posted adds its row to its own chapter's kept rows (read by id, once), leaves the
 * club's other chapters as they were kept, and every other event (an edit, a deletion) has the
 * chapter read again. Whatever happened, the kept rows are the rows the database holds.
 */
import { max } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { comments } from '../../../db/schema';
import { chapterRows } from '../../../src/annotations/chapter-rows';
import { chapterGateRows } from '../../../src/annotations/queries';
import { makeReadingRoom, type AnnotationRoom } from './room';

let room: AnnotationRoom;
beforeAll(async () => {
  room = await makeReadingRoom();
});

const url = (path: string) => `/clubs/${room.clubId}${path}`;
const chapterId = (ordinal: number) => room.chapters[ordinal - 1]!.id;
const kept = (ordinal: number) => chapterRows(room.testApp.db, room.clubId, room.readingId, chapterId(ordinal), room.testApp.clock.now);
const fresh = (ordinal: number) => chapterGateRows(room.testApp.db, room.readingId, chapterId(ordinal));
const byId = <T extends { id: number }>(rows: readonly T[]) => [...rows].sort((a, b) => a.id - b.id);
const lastId = async () => (await room.testApp.db.select({ id: max(comments.id) }).from(comments))[0]!.id!;

async function post(ordinal: number, body: string, extra: Record<string, string | number> = {}): Promise<number> {
  const paragraph = room.paragraphs(ordinal)[2]!;
  const response = await room.alice.post(url('/comments'), { reading_id: room.readingId, paragraph_id: paragraph.id, body, visibility: 'club', ...extra });
  expect(response.status, await response.clone().text()).toBe(303);
  return await lastId();
}

describe('kept chapter rows', () => {
  it('a comment posted is added to its chapter once; the other chapters stay as kept', async () => {
    await post(1, 'first on one');
    await post(2, 'first on two');
    const one = await kept(1);
    const two = await kept(2);
    expect(byId(one)).toEqual(byId(await fresh(1)));

    const id = await post(2, 'second on two');
    // Chapter 1 was not touched by a post on chapter 2: the very same rows, not read again.
    expect(await kept(1)).toBe(one);
    const after = await kept(2);
    expect(after).not.toBe(two);
    expect(after.filter((row) => row.id === id)).toHaveLength(1);
    expect(byId(after)).toEqual(byId(await fresh(2)));
    // Asked again, nothing is added twice.
    expect(byId(await kept(2))).toEqual(byId(await fresh(2)));

    const reply = await post(2, 'a reply', { parent_id: id });
    expect(byId(await kept(2))).toEqual(byId(await fresh(2)));
    expect((await kept(2)).find((row) => row.id === reply)?.rootId).toBe(id);
  });

  it('an edit or a deletion has the chapter read again', async () => {
    const id = await post(2, 'to be deleted');
    const before = await kept(2);
    expect(before.some((row) => row.id === id && row.deletedAt === null)).toBe(true);
    expect((await room.alice.post(url(`/comments/${id}/delete`), {})).status).toBe(303);
    // Deleted (gone, or marked so when it has replies): either way not the kept row of before.
    expect((await kept(2)).some((row) => row.id === id && row.deletedAt === null)).toBe(false);
    expect(byId(await kept(2))).toEqual(byId(await fresh(2)));
    const one = await kept(1);
    const edited = await post(1, 'to be edited');
    expect((await room.alice.post(url(`/comments/${edited}/edit`), { body: 'edited' })).status).toBe(303);
    expect(await kept(1)).not.toBe(one);
    expect(byId(await kept(1))).toEqual(byId(await fresh(1)));
  });
});
