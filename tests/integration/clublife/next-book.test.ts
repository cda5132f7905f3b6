/**
 * Choosing the next book through HTTP: nominations (library and typed, duplicates merged, links
 * checked), a ranked vote counted by the polls area's runoff with its rounds, an approval vote,
 * and the winner becoming the club's reading — or the upload step when it is not in the library.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nominationBackers, nominations, readings } from '../../../db/schema';
import { importSampleBook } from '../../helpers/fixtures';
import { DAY, makeRoom, openRound, textOf, type PollRoom } from './room';

let room: PollRoom;
beforeEach(async () => {
  room = await makeRoom();
});
afterEach(() => room.app.close());

const endsAt = (room: PollRoom, days: number) => new Date(room.app.clock.now + days * DAY).toISOString().slice(0, 16);

describe('nominations', () => {
  it('merges the same book typed differently, and a typed title with the library book', async () => {
    const pickId = await openRound(room);
    const base = `/clubs/${room.clubId}/next-book/${pickId}`;
    const [a, b, c] = room.members;
    expect((await a.post(`${base}/nominate`, { title: 'Der  Process', author: 'Franz Kafka', reason: 'Short and strange' })).status).toBe(303);
    const merged = await b.post(`${base}/nominate`, { title: ' der process ', author: 'FRANZ   KAFKA', reason: 'Yes please' });
    expect(merged.headers.get('location')).toContain('done=merged');
    // NFC: a decomposed Hangul title is the same book as its composed form.
    await a.post(`${base}/nominate`, { title: '채식주의자'.normalize('NFD'), author: '한강' });
    await c.post(`${base}/nominate`, { title: '채식주의자', author: '한강' });
    const other = await importSampleBook(room.app, { title: 'Moon Harbour' });
    await a.post(`${base}/nominate`, { editionId: String(other.editionId) });
    const typed = await c.post(`${base}/nominate`, { title: 'moon harbour', author: '' });
    expect(typed.headers.get('location')).toContain('done=merged');

    const rows = await room.app.db.select().from(nominations).where(eq(nominations.pickId, pickId));
    expect(rows).toHaveLength(3);
    const kafka = rows.find((r) => r.title === 'Der  Process')!;
    expect((await room.app.db.select().from(nominationBackers).where(eq(nominationBackers.nominationId, kafka.id))).map((r) => r.reason).sort()).toEqual(['Short and strange', 'Yes please']);
    expect(rows.find((r) => r.title === 'Moon Harbour')!.editionId).toBe(other.editionId);
    const page = await textOf(a, `/clubs/${room.clubId}/next-book`);
    expect(page).toContain('Short and strange');
    expect(page).toContain('Yes please');
  });

  it('refuses a link that is not http(s), keeps the input and writes nothing', async () => {
    const pickId = await openRound(room);
    for (const link of ['javascript:alert(1)', 'ftp://example.org/book', 'not a url', `https://example.org/${'x'.repeat(600)}`]) {
      const res = await room.members[0].post(`/clubs/${room.clubId}/next-book/${pickId}/nominate`, { title: 'Dune', author: 'Frank Herbert', link });
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain('value="Dune"');
      expect(html).toContain('A link must start with http:// or https://.');
    }
    expect(await room.app.db.select().from(nominations)).toHaveLength(0);
    const ok = await room.members[0].post(`/clubs/${room.clubId}/next-book/${pickId}/nominate`, { title: 'Dune', link: 'https://example.org/dune' });
    expect(ok.status).toBe(303);
  });

  it('a title is needed, and nominating waits for an open round', async () => {
    const pickId = await openRound(room);
    expect((await room.members[0].post(`/clubs/${room.clubId}/next-book/${pickId}/nominate`, { title: '   ' })).status).toBe(422);
    await room.members[0].post(`/clubs/${room.clubId}/next-book/${pickId}/nominate`, { title: 'A' });
    await room.members[0].post(`/clubs/${room.clubId}/next-book/${pickId}/nominate`, { title: 'B' });
    await room.moderator.post(`/clubs/${room.clubId}/next-book/${pickId}/start-vote`, { method: 'ranked', endsAt: endsAt(room, 3) });
    expect((await room.members[1].post(`/clubs/${room.clubId}/next-book/${pickId}/nominate`, { title: 'Late' })).status).toBe(403);
  });
});

describe('the vote', () => {
  async function nominated(titles: { editionId?: number; title?: string }[]) {
    const pickId = await openRound(room);
    for (const item of titles) await room.members[0].post(`/clubs/${room.clubId}/next-book/${pickId}/nominate`, item.editionId ? { editionId: String(item.editionId) } : { title: item.title! });
    const ids = (await room.app.db.select().from(nominations).where(eq(nominations.pickId, pickId)).orderBy(nominations.id)).map((n) => n.id);
    return { pickId, ids };
  }

  it('ranked choice: the runoff decides, the rounds show, and the winner becomes the reading in one click', async () => {
    const b1 = await importSampleBook(room.app, { title: 'Alpha' });
    const b2 = await importSampleBook(room.app, { title: 'Beta' });
    const b3 = await importSampleBook(room.app, { title: 'Gamma' });
    const { pickId, ids } = await nominated([{ editionId: b1.editionId }, { editionId: b2.editionId }, { editionId: b3.editionId }]);
    const [alpha, beta, gamma] = ids as [number, number, number];
    const base = `/clubs/${room.clubId}/next-book/${pickId}`;
    expect((await room.members[0].post(`${base}/start-vote`, { method: 'ranked', endsAt: endsAt(room, 3) })).status).toBe(403);
    expect((await room.moderator.post(`${base}/start-vote`, { method: 'ranked', endsAt: endsAt(room, 0) })).status).toBe(422);
    expect((await room.moderator.post(`${base}/start-vote`, { method: 'ranked', endsAt: endsAt(room, 3) })).status).toBe(303);
    // First preferences: Alpha 2, Beta 2, Gamma 1 → Gamma out, its ballot goes to Beta → Beta 3 of 5.
    const ballots: [number, Record<string, string>][] = [
      [0, { [`rank_${alpha}`]: '1', [`rank_${beta}`]: '2' }],
      [1, { [`rank_${alpha}`]: '1' }],
      [2, { [`rank_${beta}`]: '1' }],
    ];
    for (const [i, form] of ballots) expect((await room.members[i]!.post(`${base}/vote`, form)).status).toBe(303);
    await room.owner.post(`${base}/vote`, { [`rank_${beta}`]: '1', [`rank_${alpha}`]: '2' });
    await room.moderator.post(`${base}/vote`, { [`rank_${gamma}`]: '1', [`rank_${beta}`]: '2' });
    // Two books with rank 1 is not a ballot.
    expect((await room.members[0].post(`${base}/vote`, { [`rank_${alpha}`]: '1', [`rank_${beta}`]: '1' })).status).toBe(422);
    // Another club's nomination id is unknown here.
    expect((await room.members[0].post(`${base}/vote`, { rank_999999: '1' })).status).toBe(422);
    // While voting, results are not shown.
    expect(await textOf(room.members[0], `/clubs/${room.clubId}/next-book`)).not.toContain('Rounds of the count');

    room.app.clock.advance(3 * DAY + 1);
    const page = await textOf(room.members[0], `/clubs/${room.clubId}/next-book`);
    expect(page).toContain('The winner: Beta');
    expect(page).toContain('Rounds of the count');
    expect(page).toContain('Out: Gamma');
    expect(page).not.toContain('Make it our next reading');

    const before = (await room.app.db.select().from(readings).where(and(eq(readings.clubId, room.clubId), isNull(readings.endedAt))))[0]!;
    expect((await room.members[0].post(`${base}/adopt`, {})).status).toBe(403);
    const adopt = await room.moderator.post(`${base}/adopt`, {});
    expect(adopt.status).toBe(303);
    const now = (await room.app.db.select().from(readings).where(and(eq(readings.clubId, room.clubId), isNull(readings.endedAt))))[0]!;
    expect(now.editionId).toBe(b2.editionId);
    expect(now.id).not.toBe(before.id);
    // Adopting again changes nothing.
    await room.moderator.post(`${base}/adopt`, {});
    expect(await room.app.db.select().from(readings).where(eq(readings.clubId, room.clubId))).toHaveLength(2);
  });

  it('approval: the most approvals win; a winner not in the library offers the upload for the club', async () => {
    const { pickId, ids } = await nominated([{ title: 'Not Here Yet' }, { title: 'Also Missing' }]);
    const base = `/clubs/${room.clubId}/next-book/${pickId}`;
    await room.moderator.post(`${base}/start-vote`, { method: 'approval', endsAt: endsAt(room, 2) });
    await room.members[0].post(`${base}/vote`, { [`approve_${ids[0]}`]: 'on', [`approve_${ids[1]}`]: 'on' });
    await room.members[1].post(`${base}/vote`, { [`approve_${ids[0]}`]: 'on' });
    expect((await room.members[2].post(`${base}/vote`, {})).status).toBe(422);
    await room.moderator.post(`${base}/close`, {});
    const page = await textOf(room.moderator, `/clubs/${room.clubId}/next-book`);
    expect(page).toContain('The winner: Not Here Yet');
    expect(page).toContain(`/library/upload?club=${room.clubId}`);
    const adopt = await room.moderator.post(`${base}/adopt`, {});
    expect(adopt.headers.get('location')).toBe(`/library/upload?club=${room.clubId}`);
    expect((await room.moderator.get(`/library/upload?club=${room.clubId}`)).status).toBe(200);
  });
});
