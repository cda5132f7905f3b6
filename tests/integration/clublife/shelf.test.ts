/**
 * The shelf through HTTP: a finished reading with each member's own mark, counts and averages,
 * names only of members who did not hide their progress, and input refused with 422.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memberships, shelfMarks } from '../../../db/schema';
import { and, eq } from 'drizzle-orm';
import { importSampleBook, startReadingRow } from '../../helpers/fixtures';
import { makeRoom, textOf, type PollRoom } from './room';
import { readings } from '../../../db/schema';

let room: PollRoom;
beforeEach(async () => {
  room = await makeRoom();
});
afterEach(() => room.app.close());

async function finishCurrentReading(room: PollRoom): Promise<void> {
  await room.app.db.update(readings).set({ endedAt: room.app.clock.now }).where(eq(readings.id, room.readingId));
  await startReadingRow(room.app, room.clubId, (await importSampleBook(room.app, { title: 'Next One' })).editionId);
}

describe('the shelf', () => {
  it('keeps finished readings with marks, ratings, counts and the members who allow it', async () => {
    await finishCurrentReading(room);
    await room.app.db.update(memberships).set({ progressHidden: true }).where(and(eq(memberships.clubId, room.clubId), eq(memberships.userId, room.ids.member3)));
    const mark = (i: 0 | 1 | 2, fields: Record<string, string>) => room.members[i].post(`/clubs/${room.clubId}/shelf/${room.readingId}/mark`, fields);
    expect((await mark(0, { mark: 'all', rating: '5', line: 'Loved the lamp' })).status).toBe(303);
    expect((await mark(1, { mark: 'partly', rating: '3' })).status).toBe(303);
    expect((await mark(2, { mark: 'all', rating: '4', line: 'SECRET-LINE' })).status).toBe(303);
    // A changed mark replaces the old one.
    await mark(1, { mark: 'partly', rating: '2' });
    expect(await room.app.db.select().from(shelfMarks)).toHaveLength(3);

    const page = await textOf(room.members[0], `/clubs/${room.clubId}/shelf`);
    expect(page).toContain('Lantern Keepers');
    expect(page).toContain('2 members finished it');
    expect(page).toContain('Average rating 3.7 / 5');
    expect(page).toContain('Loved the lamp');
    expect(page).toContain('1 member keeps their reading to themselves.');
    // Arthur hid his progress: neither his name nor his line is shown to others…
    expect(page).not.toContain('SECRET-LINE');
    expect(page).not.toMatch(/<strong>Arthur<\/strong>/);
    // …but he sees his own mark.
    expect(await textOf(room.members[2], `/clubs/${room.clubId}/shelf`)).toContain('SECRET-LINE');
    expect(page).toContain('2026: 1 book');
  });

  it('refuses a bad mark, a mark on the current reading, and another club’s reading', async () => {
    await finishCurrentReading(room);
    const base = `/clubs/${room.clubId}/shelf`;
    expect((await room.members[0].post(`${base}/${room.readingId}/mark`, { mark: 'all', rating: '9' })).status).toBe(422);
    expect((await room.members[0].post(`${base}/${room.readingId}/mark`, { mark: 'maybe' })).status).toBe(422);
    expect((await room.members[0].post(`${base}/${room.readingId}/mark`, { mark: 'all', line: 'x'.repeat(301) })).status).toBe(422);
    const current = (await room.app.db.select().from(readings).where(eq(readings.clubId, room.clubId))).find((r) => r.endedAt === null)!;
    expect((await room.members[0].post(`${base}/${current.id}/mark`, { mark: 'all' })).status).toBe(403);
    expect((await room.members[0].post(`${base}/999999/mark`, { mark: 'all' })).status).toBe(404);
    expect(await room.app.db.select().from(shelfMarks)).toHaveLength(0);
  });
});
