/** Members vote, change and withdraw; every bad ballot is refused with a message and nothing written. */
import { and, asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pollVoteChoices, pollVotes } from '../../../db/schema';
import { scheduleChapterRow } from '../../helpers/fixtures';
import { createPoll, HOUR, localValue, makeRoom, optionIdsOf, roomIn, voteCount, type PollRoom } from './room';

let room: PollRoom;
beforeEach(async () => {
  room = await makeRoom();
});
afterEach(() => room.app.close());

const path = (id: number, action = '') => `/clubs/${room.clubId}/polls/${id}${action ? `/${action}` : ''}`;

function choicesOf(pollId: number, userId: number): Promise<{ optionId: number; rank: number }[]> {
  return room.app.db
    .select({ optionId: pollVoteChoices.optionId, rank: pollVoteChoices.rank })
    .from(pollVoteChoices)
    .innerJoin(pollVotes, eq(pollVotes.id, pollVoteChoices.voteId))
    .where(and(eq(pollVotes.pollId, pollId), eq(pollVotes.userId, userId)))
    .orderBy(asc(pollVoteChoices.rank));
}

describe('casting a ballot', () => {
  it('single choice: votes, changes the vote, withdraws it', async () => {
    const id = await createPoll(room.moderator, room.clubId);
    const [a, b] = await optionIdsOf(room, id);
    const member = room.members[0];
    const first = await member.post(path(id, 'vote'), { choice: a!, next: `/clubs/${room.clubId}` });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe(`/clubs/${room.clubId}#poll-${id}`);
    expect(await choicesOf(id, room.ids.member1)).toEqual([{ optionId: a, rank: 1 }]);

    expect((await member.post(path(id, 'vote'), { choice: b! })).status).toBe(303);
    expect(await choicesOf(id, room.ids.member1)).toEqual([{ optionId: b, rank: 1 }]);
    expect(await voteCount(room, id)).toBe(1);

    const page = await (await member.get(path(id))).text();
    expect(page).toContain('Change my vote');
    expect(page).toMatch(new RegExp(`value="${b}" checked`));

    expect((await member.post(path(id, 'withdraw'), {})).status).toBe(303);
    expect(await voteCount(room, id)).toBe(0);
  });

  it('multiple choice within min and max', async () => {
    const id = await createPoll(room.moderator, room.clubId, { kind: 'multiple', minChoices: '2', maxChoices: '2' });
    const [a, b, c] = await optionIdsOf(room, id);
    const tooFew = await room.members[0].post(path(id, 'vote'), { [`choice_${a}`]: 'on' });
    expect(tooFew.status).toBe(422);
    expect(await tooFew.text()).toContain('Choose at least 2 options.');
    const tooMany = await room.members[0].post(path(id, 'vote'), { [`choice_${a}`]: 'on', [`choice_${b}`]: 'on', [`choice_${c}`]: 'on' });
    expect(tooMany.status).toBe(422);
    const html = await tooMany.text();
    expect(html).toContain('Choose at most 2 options.');
    // The ballot comes back as it was typed.
    for (const option of [a, b, c]) expect(html).toMatch(new RegExp(`name="choice_${option}" value="on" checked`));
    expect(await voteCount(room, id)).toBe(0);
    expect((await room.members[0].post(path(id, 'vote'), { [`choice_${a}`]: 'on', [`choice_${c}`]: 'on' })).status).toBe(303);
    expect((await choicesOf(id, room.ids.member1)).map((r) => r.optionId)).toEqual([a, c]);
  });

  it('ranked choice stores the order and refuses duplicate or out-of-range ranks', async () => {
    const id = await createPoll(room.moderator, room.clubId, { kind: 'ranked' });
    const [a, b, c] = await optionIdsOf(room, id);
    const duplicate = await room.members[0].post(path(id, 'vote'), { [`rank_${a}`]: '1', [`rank_${b}`]: '1' });
    expect(duplicate.status).toBe(422);
    const html = await duplicate.text();
    expect(html).toContain('Give each rank to one option only.');
    expect(html).toMatch(new RegExp(`name="rank_${b}"[^>]*>(<option[^>]*>[^<]*</option>)*?<option value="1" selected`));
    const outOfRange = await room.members[0].post(path(id, 'vote'), { [`rank_${a}`]: '9' });
    expect(outOfRange.status).toBe(422);
    expect(await outOfRange.text()).toContain('Ranks are numbers from 1');
    const none = await room.members[0].post(path(id, 'vote'), { [`rank_${a}`]: '', [`rank_${b}`]: '' });
    expect(none.status).toBe(422);
    expect(await none.text()).toContain('Choose an option before voting.');
    expect(await voteCount(room, id)).toBe(0);

    expect((await room.members[0].post(path(id, 'vote'), { [`rank_${a}`]: '3', [`rank_${b}`]: '', [`rank_${c}`]: '1' })).status).toBe(303);
    expect(await choicesOf(id, room.ids.member1)).toEqual([
      { optionId: c, rank: 1 },
      { optionId: a, rank: 2 },
    ]);
  });

  it('single choice refuses nothing chosen and an option of another poll', async () => {
    const id = await createPoll(room.moderator, room.clubId);
    const other = await createPoll(room.moderator, room.clubId, { question: 'Another poll' });
    const [foreignOption] = await optionIdsOf(room, other);
    const nothing = await room.members[0].post(path(id, 'vote'), {});
    expect(nothing.status).toBe(422);
    expect(await nothing.text()).toContain('Choose an option before voting.');
    const foreign = await room.members[0].post(path(id, 'vote'), { choice: foreignOption! });
    expect(foreign.status).toBe(422);
    expect(await foreign.text()).toContain('That option is not part of this poll.');
    const garbage = await room.members[0].post(path(id, 'vote'), { choice: '1 OR 1=1' });
    expect(garbage.status).toBe(422);
    expect(await voteCount(room, id)).toBe(0);
    expect(await voteCount(room, other)).toBe(0);
  });

  it('multiple and ranked ballots refuse an option of another poll', async () => {
    const multiple = await createPoll(room.moderator, room.clubId, { kind: 'multiple' });
    const ranked = await createPoll(room.moderator, room.clubId, { kind: 'ranked' });
    const [foreign] = await optionIdsOf(room, ranked);
    const [own] = await optionIdsOf(room, multiple);
    const m = await room.members[0].post(path(multiple, 'vote'), { [`choice_${own}`]: 'on', [`choice_${foreign}`]: 'on' });
    expect(m.status).toBe(422);
    expect(await m.text()).toContain('That option is not part of this poll.');
    const r = await room.members[0].post(path(ranked, 'vote'), { [`rank_${own}`]: '1' });
    expect(r.status).toBe(422);
    expect(await voteCount(room, multiple) + await voteCount(room, ranked)).toBe(0);
  });

  it('refuses a poll that has not opened yet', async () => {
    const id = await createPoll(room.moderator, room.clubId, { opensAt: localValue(room.app.clock.now + HOUR) });
    const [a] = await optionIdsOf(room, id);
    const response = await room.members[0].post(path(id, 'vote'), { choice: a! });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('This poll has not opened yet.');
    expect(await voteCount(room, id)).toBe(0);
    room.app.clock.advance(HOUR);
    expect((await room.members[0].post(path(id, 'vote'), { choice: a! })).status).toBe(303);
  });

  it('refuses changing or withdrawing once the poll closed', async () => {
    const id = await createPoll(room.moderator, room.clubId, { closesAt: localValue(room.app.clock.now + HOUR) });
    const [a, b] = await optionIdsOf(room, id);
    await room.members[0].post(path(id, 'vote'), { choice: a! });
    room.app.clock.advance(HOUR);
    const change = await room.members[0].post(path(id, 'vote'), { choice: b! });
    expect(change.status).toBe(422);
    expect(await change.text()).toContain('This poll is closed');
    const withdraw = await room.members[0].post(path(id, 'withdraw'), {});
    expect(withdraw.status).toBe(422);
    expect(await choicesOf(id, room.ids.member1)).toEqual([{ optionId: a, rank: 1 }]);
  });

  it('refuses a vote in a chapter not yet open to the member, without showing the poll', async () => {
    const chapter = room.chapters[2]!;
    await scheduleChapterRow(room.app, room.readingId, chapter.id, room.app.clock.now + 24 * HOUR);
    const id = await createPoll(room.moderator, room.clubId, { question: 'Secret about chapter three', target: `chapter:${chapter.id}` });
    const [a] = await optionIdsOf(room, id);
    const response = await room.members[0].post(path(id, 'vote'), { choice: a! });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('This poll is on a chapter that has not opened for you yet.');
    expect(html).not.toContain('Secret about chapter three');
    const fragment = await room.members[0].htmx(path(id, 'vote'), { method: 'POST', fields: { choice: a! } });
    expect(fragment.status).toBe(422);
    expect(await fragment.text()).not.toContain('Secret about chapter three');
    expect(await voteCount(room, id)).toBe(0);
    expect((await room.members[0].get(path(id))).status).toBe(403);

    room.app.clock.advance(24 * HOUR);
    expect((await room.members[0].post(path(id, 'vote'), { choice: a! })).status).toBe(303);
  });

  it('refuses outsiders (404 on private, 403 on public clubs) and sends signed-out readers to sign in', async () => {
    const id = await createPoll(room.moderator, room.clubId);
    const [a] = await optionIdsOf(room, id);
    expect((await room.outsider.post(path(id, 'vote'), { choice: a! })).status).toBe(404);
    expect((await room.anonymous.post(path(id, 'vote'), { choice: a! })).status).toBe(404);

    const pub = await roomIn(room.app, { prefix: 'p', visibility: 'public' });
    const pubId = await createPoll(pub.moderator, pub.clubId);
    const [pa] = await optionIdsOf(room, pubId);
    const outsider = await pub.outsider.post(`/clubs/${pub.clubId}/polls/${pubId}/vote`, { choice: pa! });
    expect(outsider.status).toBe(403);
    expect(await outsider.text()).toContain('Only members of this club can vote.');
    const anonymous = await pub.anonymous.post(`/clubs/${pub.clubId}/polls/${pubId}/vote`, { choice: pa! });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/login\?next=/);
    expect(await voteCount(room, pubId)).toBe(0);
    expect(await voteCount(room, id)).toBe(0);
  });

  it('treats a poll or option id from another club as not found', async () => {
    const other = await roomIn(room.app, { prefix: 'o' });
    const foreign = await createPoll(other.moderator, other.clubId);
    const [fa] = await optionIdsOf(room, foreign);
    // A member of our club, our club in the path, their poll id.
    expect((await room.members[0].post(path(foreign, 'vote'), { choice: fa! })).status).toBe(404);
    expect((await room.members[0].get(path(foreign))).status).toBe(404);
    expect((await room.members[0].get(path(foreign, 'results.csv'))).status).toBe(404);
    // Their club in the path, where we are not members (private): 404 as well.
    expect((await room.members[0].post(`/clubs/${other.clubId}/polls/${foreign}/vote`, { choice: fa! })).status).toBe(404);
    expect(await voteCount(room, foreign)).toBe(0);
  });

  it('rate-limits ballots per member', async () => {
    await room.app.close();
    room = await makeRoom({ rateLimits: { postingPerUser: { limit: 2, windowMs: 60_000 } } });
    const id = await createPoll(room.moderator, room.clubId);
    const [a, b] = await optionIdsOf(room, id);
    expect((await room.members[0].post(path(id, 'vote'), { choice: a! })).status).toBe(303);
    expect((await room.members[0].post(path(id, 'vote'), { choice: b! })).status).toBe(303);
    const limited = await room.members[0].post(path(id, 'vote'), { choice: a! });
    expect(limited.status).toBe(429);
    expect(await limited.text()).toContain('Please try again in');
    expect(await choicesOf(id, room.ids.member1)).toEqual([{ optionId: b, rank: 1 }]);
    // Another member is not affected.
    expect((await room.members[1].post(path(id, 'vote'), { choice: a! })).status).toBe(303);
  });
});

describe('htmx', () => {
  it('a vote returns the card to swap in place, with results when visible', async () => {
    const id = await createPoll(room.moderator, room.clubId, { resultsVisibility: 'after_vote' });
    const [a] = await optionIdsOf(room, id);
    const before = await (await room.members[0].get(path(id))).text();
    expect(before).toContain(`hx-post="${path(id, 'vote')}"`);
    expect(before).toContain(`hx-target="#poll-${id}"`);
    expect(before).toContain('hx-swap="outerHTML"');
    expect(before).not.toContain('poll-bars');

    const response = await room.members[0].htmx(path(id, 'vote'), { method: 'POST', fields: { choice: a!, next: `/clubs/${room.clubId}/chapters/1` } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toMatch(new RegExp(`^<section class="poll-card[^"]*" id="poll-${id}"`));
    expect(html).not.toContain('<html');
    expect(html).toContain('poll-bars');
    expect(html).toContain('1 vote · 100%');
    expect(html).toContain(`value="/clubs/${room.clubId}/chapters/1"`);
  });

  it('a refused vote returns the card with the error (422) so htmx swaps it too', async () => {
    const id = await createPoll(room.moderator, room.clubId);
    const response = await room.members[0].htmx(path(id, 'vote'), { method: 'POST', fields: {} });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toMatch(/^<section class="poll-card/);
    expect(html).toContain('role="alert"');
  });

  it('withdraw returns the card without the ballot', async () => {
    const id = await createPoll(room.moderator, room.clubId);
    const [a] = await optionIdsOf(room, id);
    await room.members[0].post(path(id, 'vote'), { choice: a! });
    const response = await room.members[0].htmx(path(id, 'withdraw'), { method: 'POST', fields: {} });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('>Vote</button>');
    expect(await voteCount(room, id)).toBe(0);
  });
});

describe('one ballot per member, under concurrency', () => {
  it('many simultaneous votes from one member leave exactly one ballot', async () => {
    const id = await createPoll(room.moderator, room.clubId, { kind: 'ranked' });
    const [a, b, c] = await optionIdsOf(room, id);
    const orders = [
      [a, b, c],
      [c, b, a],
      [b, a, c],
    ];
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const order = orders[i % 3]!;
        return room.members[0].post(path(id, 'vote'), Object.fromEntries(order.map((option, rank) => [`rank_${option}`, String(rank + 1)])));
      }),
    );
    expect(responses.every((r) => r.status === 303)).toBe(true);
    expect(await voteCount(room, id)).toBe(1);
    const choices = await choicesOf(id, room.ids.member1);
    expect(choices).toHaveLength(3);
    expect(orders.map((o) => o.join(','))).toContain(choices.map((r) => r.optionId).join(','));
    // Mixed with withdrawals, still never more than one row.
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? room.members[0].post(path(id, 'withdraw'), {}) : room.members[0].post(path(id, 'vote'), { [`rank_${a}`]: '1' }))));
    expect(await voteCount(room, id)).toBeLessThanOrEqual(1);
  });

  it('the database itself refuses a second ballot row for the same member', async () => {
    const id = await createPoll(room.moderator, room.clubId);
    const insert = () => room.app.db.insert(pollVotes).values({ pollId: id, userId: room.ids.member1, createdAt: 0, updatedAt: 0 });
    await insert();
    // SQLite says "UNIQUE constraint failed", PostgreSQL "duplicate key value violates unique constraint".
    const error: unknown = await insert().then(() => null, (e: unknown) => e);
    expect(error).not.toBeNull();
    expect(`${error} ${(error as { cause?: unknown }).cause}`).toMatch(/UNIQUE|unique/);
  });
});
