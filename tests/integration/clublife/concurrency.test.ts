/**
 * Club life's writes arriving at the same moment (requests in flight together): the database's
 * keys decide, on either engine. The same book nominated by two members at once is one
 * nomination with both backers; one reader's two RSVPs, two ballots or two sets of marks sent
 * at once leave one answer, one ballot and one mark per time (whole, never a mix of the two).
 */
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { meetingRsvps, meetingSlots, nominationBackers, nominations, pickVotes, slotMarks } from '../../../db/schema';
import { DAY, makeRoom, openRound, type PollRoom } from './room';

let room: PollRoom;
beforeEach(async () => {
  room = await makeRoom();
});
afterEach(() => room.app.close());

const wall = (ms: number) => new Date(ms).toISOString().slice(0, 16);

describe('writes at the same moment', () => {
  it('the same book nominated by two members at once is one nomination, backed by both', async () => {
    const pickId = await openRound(room);
    const nominate = (i: 0 | 1 | 2, reason: string) => room.members[i].post(`/clubs/${room.clubId}/next-book/${pickId}/nominate`, { title: 'Der Process', author: 'Franz Kafka', reason });
    const answers = await Promise.all([nominate(0, 'first'), nominate(1, 'second'), nominate(2, 'third')]);
    expect(answers.map((a) => a.status)).toEqual([303, 303, 303]);
    const rows = await room.app.db.select().from(nominations).where(eq(nominations.pickId, pickId));
    expect(rows).toHaveLength(1);
    const backers = await room.app.db.select().from(nominationBackers).where(eq(nominationBackers.nominationId, rows[0]!.id));
    expect(backers.map((b) => b.reason).sort()).toEqual(['first', 'second', 'third']);
    expect(answers.filter((a) => a.headers.get('location')!.includes('done=merged'))).toHaveLength(2);
  });

  it("one reader's ballots sent together leave one whole ballot", async () => {
    const pickId = await openRound(room);
    const base = `/clubs/${room.clubId}/next-book/${pickId}`;
    for (const title of ['Alpha', 'Beta', 'Gamma']) expect((await room.members[0].post(`${base}/nominate`, { title })).status).toBe(303);
    expect((await room.moderator.post(`${base}/start-vote`, { method: 'ranked', endsAt: wall(room.app.clock.now + 7 * DAY) })).status).toBe(303);
    const ids = (await room.app.db.select({ id: nominations.id }).from(nominations).where(eq(nominations.pickId, pickId)).orderBy(nominations.id)).map((n) => n.id);
    const [a, b, c] = ids as [number, number, number];
    const ballots = [
      { [`rank_${a}`]: '1', [`rank_${b}`]: '2', [`rank_${c}`]: '3' },
      { [`rank_${c}`]: '1', [`rank_${b}`]: '2' },
    ];
    const answers = await Promise.all(ballots.map((ballot) => room.members[1].post(`${base}/vote`, ballot)));
    expect(answers.map((r) => r.status)).toEqual([303, 303]);
    const rows = await room.app.db
      .select()
      .from(pickVotes)
      .where(and(eq(pickVotes.pickId, pickId), eq(pickVotes.userId, room.ids.member2)))
      .orderBy(pickVotes.rank);
    expect([
      [a, b, c],
      [c, b],
    ]).toContainEqual(rows.map((r) => r.nominationId));
  });

  it("one reader's RSVPs and marks sent together leave one answer, and one mark per time", async () => {
    const fixed = await room.moderator.post(`/clubs/${room.clubId}/meetings`, { title: 'Fixed', place: 'Café', when: 'fixed', startsAt: wall(room.app.clock.now + DAY) });
    const fixedPath = fixed.headers.get('location')!.split('?')[0]!;
    const answers = await Promise.all(['going', 'maybe', 'not_going'].map((answer) => room.members[0].post(`${fixedPath}/rsvp`, { answer })));
    expect(answers.map((r) => r.status)).toEqual([303, 303, 303]);
    const fixedId = Number(/meetings\/(\d+)/.exec(fixedPath)![1]);
    const rsvps = await room.app.db.select().from(meetingRsvps).where(eq(meetingRsvps.meetingId, fixedId));
    expect(rsvps).toHaveLength(1);

    const poll = await room.moderator.post(`/clubs/${room.clubId}/meetings`, { title: 'Poll', place: 'Café', when: 'poll', slot_1: wall(room.app.clock.now + DAY), slot_2: wall(room.app.clock.now + 2 * DAY) });
    const pollPath = poll.headers.get('location')!.split('?')[0]!;
    const pollId = Number(/meetings\/(\d+)/.exec(pollPath)![1]);
    const slots = await room.app.db.select().from(meetingSlots).where(eq(meetingSlots.meetingId, pollId)).orderBy(meetingSlots.startsAt);
    const [s1, s2] = slots.map((s) => s.id) as [number, number];
    const sets = [
      { [`slot_${s1}`]: 'yes', [`slot_${s2}`]: 'no' },
      { [`slot_${s1}`]: 'no', [`slot_${s2}`]: 'yes' },
    ];
    const marked = await Promise.all(sets.map((set) => room.members[0].post(`${pollPath}/marks`, set)));
    expect(marked.map((r) => r.status)).toEqual([303, 303]);
    const marks = await room.app.db.select().from(slotMarks).where(eq(slotMarks.userId, room.ids.member1)).orderBy(slotMarks.slotId);
    expect([
      ['yes', 'no'],
      ['no', 'yes'],
    ]).toContainEqual(marks.map((m) => m.mark));
  });
});
