/**
 * The spoiler gate through the API: the list of a chapter's comments is the pages' own
 * answer for the token's owner — nothing past their progress (a count only), private notes for
 * their author only, reveals and progress moves open what they open on the pages; chapters the
 * schedule has not opened give no text and no comments; poll results stay hidden until
 * `pollResultsVisibleTo` allows them. Writes publish the pages' events (the search index sees them).
 */
import { count, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { pollOptions, pollVotes } from '../../../db/schema';
import { scheduleChapterRow } from '../../helpers/fixtures';
import { createPoll } from '../polls/room';
import { api, makeApiRoom, type ApiRoom } from './api-room';

let room: ApiRoom;
afterEach(() => room?.testApp.close());

interface Threads {
  threads: { rootId: number; root: { id: number; body: string | null } | null; replies: { id: number }[] }[];
  hiddenCount: number;
}

/** The id of a poll's first option (by ordinal). */
async function optionOf(pollId: number): Promise<number> {
  const [option] = await room.testApp.db.select({ id: pollOptions.id }).from(pollOptions).where(eq(pollOptions.pollId, pollId)).orderBy(pollOptions.ordinal).limit(1);
  return option!.id;
}

const commentIdsOnPage = (html: string) => [...html.matchAll(/id="c-(\d+)"/g)].map((m) => Number(m[1])).sort((a, b) => a - b);

describe('the spoiler gate in the API', () => {
  it('lists only what the owner has reached, counts the rest, and agrees with the pages', async () => {
    room = await makeApiRoom();
    await room.setProgress('alice', 21);
    await room.setProgress('bob', 7);
    const [ch1, ch2] = [room.chapters[0]!, room.chapters[1]!];
    const post = async (paragraphId: number, body: string, visibility: 'club' | 'private' = 'club') => {
      const made = await api(room.testApp, room.tokens.alice, 'POST', `/clubs/${room.clubId}/readings/${room.readingId}/comments`, { paragraphId, body, visibility });
      expect(made.status).toBe(201);
      return (made.body as { id: number }).id;
    };
    const p12 = (await room.paragraphs(1))[1]!;
    const p23 = (await room.paragraphs(2))[2]!;
    const early = await post(p12.id, 'The lamp flickers early.');
    const note = await post(p12.id, 'A private note of mine.', 'private');
    await post(p23.id, 'SPOILER the keeper leaves at dawn.');

    const list = async (chapterId: number) => (await api(room.testApp, room.tokens.bob, 'GET', `/clubs/${room.clubId}/readings/${room.readingId}/chapters/${chapterId}/comments`)).body as Threads;
    const first = await list(ch1.id);
    expect(first.threads.map((thread) => thread.root?.id)).toEqual([early]);
    expect(first.hiddenCount).toBe(0);
    const page = await (await room.bob.get(`/clubs/${room.clubId}/paragraphs/${p12.id}/comments`)).text();
    expect(commentIdsOnPage(page)).toEqual([early]);

    const second = await list(ch2.id);
    expect(second.threads).toEqual([]);
    expect(second.hiddenCount).toBe(1);
    expect(JSON.stringify(second)).not.toContain('SPOILER');
    const secondPage = await (await room.bob.get(`/clubs/${room.clubId}/paragraphs/${p23.id}/comments`)).text();
    expect(commentIdsOnPage(secondPage)).toEqual([]);
    expect(secondPage).toContain('1 comment further on');

    // Alice sees her own private note; Bob never does.
    const alices = (await api(room.testApp, room.tokens.alice, 'GET', `/clubs/${room.clubId}/readings/${room.readingId}/chapters/${ch1.id}/comments`)).body as Threads;
    expect(alices.threads.map((thread) => thread.root?.id)).toEqual([early, note]);

    // A reply to a comment Bob cannot see is as absent as a comment that never existed.
    const hiddenId = (await api(room.testApp, room.tokens.alice, 'GET', `/clubs/${room.clubId}/readings/${room.readingId}/chapters/${ch2.id}/comments`)).body as Threads;
    const spoiler = hiddenId.threads[0]!.rootId;
    expect((await api(room.testApp, room.tokens.bob, 'POST', `/clubs/${room.clubId}/comments/${spoiler}/replies`, { body: 'What?' })).status).toBe(404);
    expect((await api(room.testApp, room.tokens.bob, 'POST', `/clubs/${room.clubId}/comments/${note}/replies`, { body: 'What?' })).status).toBe(404);

    // Revealing chapter 2 on the page opens it in the API too; moving progress through the API opens it on the page.
    expect((await room.bob.post(`/clubs/${room.clubId}/reveal/${ch2.id}`)).status).toBe(303);
    expect((await list(ch2.id)).threads.map((thread) => thread.root?.id)).toEqual([spoiler]);
    expect((await room.bob.post(`/clubs/${room.clubId}/reveal/${ch2.id}/unreveal`)).status).toBe(303);
    expect((await list(ch2.id)).hiddenCount).toBe(1);
    const moved = await api(room.testApp, room.tokens.bob, 'PUT', `/clubs/${room.clubId}/readings/${room.readingId}/progress`, { position: 14 });
    expect(moved.body).toMatchObject({ position: 14, chapterId: ch2.id });
    expect((await list(ch2.id)).hiddenCount).toBe(0);
    expect(commentIdsOnPage(await (await room.bob.get(`/clubs/${room.clubId}/paragraphs/${p23.id}/comments`)).text())).toEqual([spoiler]);
  });

  it('gives no text and no comments of a chapter the schedule has not opened (moderators preview it, as on the page)', async () => {
    room = await makeApiRoom();
    const ch3 = room.chapters[2]!;
    await scheduleChapterRow(room.testApp, room.readingId, ch3.id, room.testApp.clock.now + 86_400_000);
    const chapter = (who: 'alice' | 'moderator') => api(room.testApp, room.tokens[who], 'GET', `/clubs/${room.clubId}/readings/${room.readingId}/chapters/${ch3.id}`);
    expect((await chapter('alice')).body).toMatchObject({ open: false, opensAt: room.testApp.clock.now + 86_400_000, paragraphs: [] });
    expect(((await chapter('moderator')).body as { paragraphs: unknown[] }).paragraphs.length).toBeGreaterThan(0);
    expect((await api(room.testApp, room.tokens.alice, 'GET', `/clubs/${room.clubId}/readings/${room.readingId}/chapters/${ch3.id}/comments`)).status).toBe(404);
    const paragraphId = (await room.paragraphs(3))[1]!.id;
    expect((await api(room.testApp, room.tokens.alice, 'POST', `/clubs/${room.clubId}/readings/${room.readingId}/comments`, { paragraphId, body: 'Early!' })).status).toBe(404);
    expect((await room.alice.post(`/clubs/${room.clubId}/comments`, { paragraph_id: paragraphId, body: 'Early!' })).status).toBe(404);
    const reading = (await api(room.testApp, room.tokens.alice, 'GET', `/clubs/${room.clubId}/readings/${room.readingId}`)).body as { chapters: { id: number; open: boolean }[] };
    expect(reading.chapters.map((c) => c.open)).toEqual([true, true, false]);
    // Progress cannot be moved into it either.
    const into = await api(room.testApp, room.tokens.alice, 'PUT', `/clubs/${room.clubId}/readings/${room.readingId}/progress`, { position: ch3.firstPosition });
    expect(into.status).toBe(422);
    expect(into.body).toMatchObject({ errors: [{ pointer: '/position' }] });
  });

  it('publishes the pages’ events: a comment posted through the API is found by the club’s search', async () => {
    room = await makeApiRoom();
    await room.setProgress('alice', 21);
    const paragraphId = (await room.paragraphs(1))[1]!.id;
    await api(room.testApp, room.tokens.alice, 'POST', `/clubs/${room.clubId}/readings/${room.readingId}/comments`, { paragraphId, body: 'The word zephyrine, once.' });
    const html = await (await room.alice.get(`/clubs/${room.clubId}/search?q=zephyrine`)).text();
    expect(html).toContain('zephyrine');
  });
});

describe('poll results in the API', () => {
  it('stay hidden until pollResultsVisibleTo allows them: after voting, or after closing', async () => {
    room = await makeApiRoom();
    const afterVote = await createPoll(room.owner, room.clubId, { resultsVisibility: 'after_vote' });
    const afterClose = await createPoll(room.owner, room.clubId, { resultsVisibility: 'after_close', question: 'Which ending?' });
    const poll = async (who: 'alice' | 'bob', pollId: number) => (await api(room.testApp, room.tokens[who], 'GET', `/clubs/${room.clubId}/polls/${pollId}`)).body as { results: { ballots: number } | null; myChoices: number[] | null };

    expect((await poll('alice', afterVote)).results).toBeNull();
    const voted = await api(room.testApp, room.tokens.alice, 'POST', `/clubs/${room.clubId}/polls/${afterVote}/vote`, { choices: [await optionOf(afterVote)] });
    expect(voted.status).toBe(200);
    expect(voted.body).toMatchObject({ myChoices: [await optionOf(afterVote)], results: { ballots: 1 } });
    // Bob has not voted: still nothing, in the API as in the CSV export.
    expect((await poll('bob', afterVote)).results).toBeNull();
    expect((await room.bob.get(`/clubs/${room.clubId}/polls/${afterVote}/results.csv`)).status).toBe(403);

    await api(room.testApp, room.tokens.bob, 'POST', `/clubs/${room.clubId}/polls/${afterClose}/vote`, { choices: [await optionOf(afterClose)] });
    expect((await poll('bob', afterClose)).results).toBeNull();
    const list = (await api(room.testApp, room.tokens.bob, 'GET', `/clubs/${room.clubId}/polls`)).body as { polls: { id: number; results: unknown }[] };
    expect(list.polls.find((p) => p.id === afterClose)!.results).toBeNull();
    expect((await room.owner.post(`/clubs/${room.clubId}/polls/${afterClose}/close`)).status).toBe(303);
    expect((await poll('bob', afterClose)).results).toMatchObject({ ballots: 1 });
    // A closed poll takes no more ballots: the page's 422, with its message.
    const late = await api(room.testApp, room.tokens.alice, 'POST', `/clubs/${room.clubId}/polls/${afterClose}/vote`, { choices: [await optionOf(afterClose)] });
    expect(late.status).toBe(422);
    expect(late.body).toMatchObject({ detail: 'This poll is closed, so votes can no longer be cast, changed or withdrawn.' });
  });

  it('refuses a ballot the poll does not take (422 pointing at choices), and withdraws one', async () => {
    room = await makeApiRoom();
    const pollId = await createPoll(room.owner, room.clubId);
    const bad = await api(room.testApp, room.tokens.alice, 'POST', `/clubs/${room.clubId}/polls/${pollId}/vote`, { choices: [999_999] });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ errors: [{ pointer: '/choices' }] });
    const option = await optionOf(pollId);
    await api(room.testApp, room.tokens.alice, 'POST', `/clubs/${room.clubId}/polls/${pollId}/vote`, { choices: [option] });
    const withdrawn = await api(room.testApp, room.tokens.alice, 'DELETE', `/clubs/${room.clubId}/polls/${pollId}/vote`);
    expect(withdrawn.body).toMatchObject({ myChoices: null });
    expect(await room.testApp.db.select({ n: count() }).from(pollVotes)).toEqual([{ n: 0 }]);
  });
});
