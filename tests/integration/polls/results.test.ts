/** How results read on the page: bars, the runoff table, public voters, and the club pages' hooks. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signUp } from '../../helpers/app';
import { addMemberRow, scheduleChapterRow, userIdOf } from '../../helpers/fixtures';
import { createPoll, HOUR, makeRoom, optionIdsOf, type PollRoom } from './room';

let room: PollRoom;
beforeEach(async () => {
  room = await makeRoom();
});
afterEach(() => room.app.close());

const vote = (client: PollRoom['owner'], pollId: number, fields: Record<string, string | number>) => client.post(`/clubs/${room.clubId}/polls/${pollId}/vote`, fields);
/** The poll's page as the first member sees it. */
const pollPage = async (pollId: number) => (await room.members[0].get(`/clubs/${room.clubId}/polls/${pollId}`)).text();

describe('results on the page', () => {
  it('single choice: bars with counts, percentages and width classes, no inline styles', async () => {
    const id = await createPoll(room.moderator, room.clubId);
    const [a, b] = await optionIdsOf(room, id);
    await vote(room.members[0], id, { choice: a! });
    await vote(room.members[1], id, { choice: a! });
    await vote(room.members[2], id, { choice: b! });
    const html = await pollPage(id);
    for (const shown of ['3 ballots', '2 votes · 66.7%', '1 vote · 33.3%', 'poll-bar-fill w-65', 'poll-bar-fill w-35', 'poll-bar-fill w-0']) expect(html).toContain(shown);
    expect(html).not.toMatch(/\sstyle=/);
  });

  it('ranked: the runoff table shows each round, who was eliminated and exhausted ballots', async () => {
    const extra = await Promise.all(['dana', 'eun', 'farid', 'gyu'].map((name) => signUp(room.app, name)));
    for (const name of ['dana', 'eun', 'farid', 'gyu']) await addMemberRow(room.app, room.clubId, await userIdOf(room.app, name));
    const id = await createPoll(room.moderator, room.clubId, { kind: 'ranked', option_1: 'Alpha', option_2: 'Bravo', option_3: 'Charlie', option_4: 'Delta' });
    const [A, B, C, D] = await optionIdsOf(room, id);
    const ballots: [PollRoom['owner'], number[]][] = [
      [room.members[0], [A!]],
      [room.members[1], [A!]],
      [room.members[2], [A!, B!]],
      [extra[0]!, [B!]],
      [extra[1]!, [B!]],
      [extra[2]!, [C!, B!]],
      [extra[3]!, [D!]],
    ];
    for (const [client, order] of ballots) {
      expect((await vote(client, id, Object.fromEntries(order.map((o, i) => [`rank_${o}`, String(i + 1)])))).status).toBe(303);
    }
    // R1 (7 active): A3 B2 C1 D1 → C and D tie for fewest, both eliminated; D's ballot exhausts, C's goes to B.
    // R2 (6 active, 1 exhausted): A3 B3 → all remaining tied: the count stops with a tie.
    const html = await pollPage(id);
    expect(html).toContain('Instant runoff, round by round');
    expect(html).toContain('Round 1');
    expect(html).toContain('Round 2');
    expect(html).toContain('Eliminated: Charlie, Delta');
    expect(html).toContain('Tied: Alpha, Bravo');
    expect(html).toMatch(/<li class="poll-eliminated"><span class="poll-round-option">Charlie<\/span>/);
    expect(html).toMatch(/Round 2<\/th><td[^>]*>.*?<\/td><td class="poll-round-exhausted"[^>]*>1<\/td>/);

    // One ballot changes its mind: now Alpha has a majority of the active ballots in round 2.
    await vote(extra[1]!, id, { [`rank_${A}`]: '1' });
    const after = await pollPage(id);
    expect(after).toContain('Winner: Alpha');
  });

  it('public polls show who voted for what to those who see results; anonymous polls never do', async () => {
    const pub = await createPoll(room.moderator, room.clubId, { voters: 'public', resultsVisibility: 'after_vote' });
    const anon = await createPoll(room.moderator, room.clubId, { voters: 'anonymous', resultsVisibility: 'always' });
    for (const id of [pub, anon]) {
      const [a] = await optionIdsOf(room, id);
      await vote(room.members[0], id, { choice: a! });
    }
    const before = await (await room.members[1].get(`/clubs/${room.clubId}/polls/${pub}`)).text();
    expect(before).toContain('Votes are public');
    expect(before).not.toContain('Who voted for what');
    await vote(room.members[1], pub, { choice: (await optionIdsOf(room, pub))[1]! });
    const after = await (await room.members[1].get(`/clubs/${room.clubId}/polls/${pub}`)).text();
    expect(after).toContain('Who voted for what');
    expect(after).toMatch(/<span class="poll-voter-name">Minji 민지<\/span>: The first evening/);
    const anonymous = await (await room.members[1].get(`/clubs/${room.clubId}/polls/${anon}`)).text();
    expect(anonymous).not.toContain('Who voted for what');
    expect(anonymous).not.toContain('poll-voter-name');
  });

  it('renders in Korean', async () => {
    room.members[0].acceptLanguage = 'ko';
    const id = await createPoll(room.moderator, room.clubId, { kind: 'ranked' });
    const [a] = await optionIdsOf(room, id);
    await vote(room.members[0], id, { [`rank_${a}`]: '1' });
    const html = await pollPage(id);
    expect(html).toContain('<html lang="ko">');
    expect(html).toContain('즉석 결선 투표, 라운드별 집계');
    expect(html).toContain('투표 바꾸기');
  });
});

describe('the club pages', () => {
  it('the chapter page shows its polls only once the chapter is open to the member', async () => {
    const chapter = room.chapters[2]!;
    await scheduleChapterRow(room.app, room.readingId, chapter.id, room.app.clock.now + 24 * HOUR);
    await createPoll(room.moderator, room.clubId, { question: 'About chapter three', target: `chapter:${chapter.id}` });
    await createPoll(room.moderator, room.clubId, { question: 'About chapter one', target: `chapter:${room.chapters[0]!.id}` });

    const early = await (await room.members[0].get(`/clubs/${room.clubId}/chapters/3`)).text();
    expect(early).not.toContain('About chapter three');
    const moderatorView = await (await room.moderator.get(`/clubs/${room.clubId}/chapters/3`)).text();
    expect(moderatorView).toContain('About chapter three');
    expect(moderatorView).toContain(`/clubs/${room.clubId}/polls/new?chapter=${chapter.id}`);
    const chapterOne = await (await room.members[0].get(`/clubs/${room.clubId}/chapters/1`)).text();
    expect(chapterOne).toContain('About chapter one');
    expect(chapterOne).not.toContain('About chapter three');
    expect(chapterOne).toContain(`name="next" value="/clubs/${room.clubId}/chapters/1"`);

    // The club home lists open polls the member may see.
    const home = await (await room.members[0].get(`/clubs/${room.clubId}`)).text();
    expect(home).toContain('About chapter one');
    expect(home).not.toContain('About chapter three');

    room.app.clock.advance(24 * HOUR);
    expect(await (await room.members[0].get(`/clubs/${room.clubId}/chapters/3`)).text()).toContain('About chapter three');
  });

  it('a vote from the chapter page comes back to the chapter page', async () => {
    const id = await createPoll(room.moderator, room.clubId, { target: `chapter:${room.chapters[0]!.id}` });
    const [a] = await optionIdsOf(room, id);
    const response = await vote(room.members[0], id, { choice: a!, next: `/clubs/${room.clubId}/chapters/1` });
    expect(response.headers.get('location')).toBe(`/clubs/${room.clubId}/chapters/1#poll-${id}`);
    const open = await vote(room.members[0], id, { choice: a!, next: 'https://evil.example/' });
    expect(open.headers.get('location')).toBe(`/clubs/${room.clubId}/polls/${id}#poll-${id}`);
  });
});
