/**
 * The API answers exactly as the pages do, for every role and action: each cell does the
 * action once through the page's form (as the signed-in reader) and once through the API (with
 * the reader's token), and both must come out the same — done, 403 or 404 — in a private club
 * and in a public one (where outsiders read but do not write). Ids from another club are 404
 * on both sides, like ids that never existed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, max } from 'drizzle-orm';
import { comments, pollOptions, REACTIONS } from '../../../db/schema';
import { createPoll } from '../polls/room';
import { api, EVERYONE, makeApiRoom, type ApiRoom, type Who } from './api-room';

type Outcome = 'done' | 403 | 404 | 422;

/** A page answer as an outcome: 200 and 303 (not to the sign-in page) are done. */
function pageOutcome(response: Response): Outcome {
  if (response.status === 303 && !(response.headers.get('location') ?? '').startsWith('/login')) return 'done';
  if (response.status === 200) return 'done';
  return response.status as Outcome;
}

function apiOutcome(answer: { status: number }): Outcome {
  return answer.status >= 200 && answer.status < 300 ? 'done' : (answer.status as Outcome);
}

for (const visibility of ['private', 'public'] as const) {
  describe(`a ${visibility} club: the API decides as the pages do`, () => {
    let room: ApiRoom;
    let paragraphId: number;
    let chapterId: number;
    let pollId: number;
    let optionId: number;
    /** Alice's comments, made fresh for every cell that changes one. */
    const aliceComment = async () => {
      const made = await api(room.testApp, room.tokens.alice, 'POST', `/clubs/${room.clubId}/readings/${room.readingId}/comments`, { paragraphId, body: 'A lamp in the window.' });
      expect(made.status).toBe(201);
      return (made.body as { id: number }).id;
    };

    beforeAll(async () => {
      room = await makeApiRoom({ visibility, rateLimits: { postingPerUser: { limit: 10_000, windowMs: 60_000 } } });
      for (const who of ['owner', 'moderator', 'alice', 'bob'] as const) await room.setProgress(who, 21);
      chapterId = room.chapters[0]!.id;
      paragraphId = (await room.paragraphs(1))[1]!.id;
      pollId = await createPoll(room.owner, room.clubId);
      const [option] = await room.testApp.db.select({ id: pollOptions.id }).from(pollOptions).where(eq(pollOptions.pollId, pollId)).orderBy(pollOptions.ordinal).limit(1);
      optionId = option!.id;
    });
    afterAll(() => room.testApp.close());

    const base = () => `/clubs/${room.clubId}`;
    const cells: { action: string; page: (who: Who) => Promise<Response>; api: (who: Who) => Promise<{ status: number }> }[] = [
      {
        action: 'read the chapter’s comments',
        page: (who) => room[who].get(`${base()}/paragraphs/${paragraphId}/comments`),
        api: (who) => api(room.testApp, room.tokens[who], 'GET', `${base()}/readings/${room.readingId}/chapters/${chapterId}/comments`),
      },
      {
        action: 'read the chapter',
        page: (who) => room[who].get(`${base()}/chapters/1`),
        api: (who) => api(room.testApp, room.tokens[who], 'GET', `${base()}/readings/${room.readingId}/chapters/${chapterId}`),
      },
      {
        action: 'comment on a paragraph',
        page: (who) => room[who].post(`${base()}/comments`, { paragraph_id: paragraphId, body: 'From the page.' }),
        api: (who) => api(room.testApp, room.tokens[who], 'POST', `${base()}/readings/${room.readingId}/comments`, { paragraphId, body: 'From the API.' }),
      },
      {
        action: 'reply',
        page: async (who) => room[who].post(`${base()}/comments`, { parent_id: await aliceComment(), body: 'Yes.' }),
        api: async (who) => api(room.testApp, room.tokens[who], 'POST', `${base()}/comments/${await aliceComment()}/replies`, { body: 'Yes.' }),
      },
      {
        action: 'edit Alice’s comment',
        page: async (who) => room[who].post(`${base()}/comments/${await aliceComment()}/edit`, { body: 'Changed.' }),
        api: async (who) => api(room.testApp, room.tokens[who], 'PATCH', `${base()}/comments/${await aliceComment()}`, { body: 'Changed.' }),
      },
      {
        action: 'delete Alice’s comment',
        page: async (who) => room[who].post(`${base()}/comments/${await aliceComment()}/delete`),
        api: async (who) => api(room.testApp, room.tokens[who], 'DELETE', `${base()}/comments/${await aliceComment()}`),
      },
      {
        action: 'react to Alice’s comment',
        page: async (who) => room[who].post(`${base()}/comments/${await aliceComment()}/react`, { reaction: REACTIONS[0] }),
        api: async (who) => api(room.testApp, room.tokens[who], 'POST', `${base()}/comments/${await aliceComment()}/reactions`, { reaction: REACTIONS[0] }),
      },
      {
        action: 'see the poll',
        page: (who) => room[who].get(`${base()}/polls/${pollId}`),
        api: (who) => api(room.testApp, room.tokens[who], 'GET', `${base()}/polls/${pollId}`),
      },
      {
        action: 'vote',
        page: (who) => room[who].post(`${base()}/polls/${pollId}/vote`, { choice: optionId }),
        api: (who) => api(room.testApp, room.tokens[who], 'POST', `${base()}/polls/${pollId}/vote`, { choices: [optionId] }),
      },
      {
        action: 'move my progress',
        page: (who) => room[who].post(`${base()}/readings/${room.readingId}/progress`, { position: 21, mode: 'set' }),
        api: (who) => api(room.testApp, room.tokens[who], 'PUT', `${base()}/readings/${room.readingId}/progress`, { position: 21, mode: 'set' }),
      },
    ];

    const expected: Record<string, Record<Who, Outcome>> = {
      'read the chapter’s comments': { owner: 'done', moderator: 'done', alice: 'done', bob: 'done', outsider: visibility === 'public' ? 'done' : 404 },
      'read the chapter': { owner: 'done', moderator: 'done', alice: 'done', bob: 'done', outsider: visibility === 'public' ? 'done' : 404 },
      'comment on a paragraph': { owner: 'done', moderator: 'done', alice: 'done', bob: 'done', outsider: visibility === 'public' ? 403 : 404 },
      // A visitor of a public club has read nothing: Alice's comment does not exist for them yet (the gate).
      reply: { owner: 'done', moderator: 'done', alice: 'done', bob: 'done', outsider: 404 },
      'edit Alice’s comment': { owner: 403, moderator: 403, alice: 'done', bob: 403, outsider: 404 },
      'delete Alice’s comment': { owner: 403, moderator: 403, alice: 'done', bob: 403, outsider: 404 },
      'react to Alice’s comment': { owner: 'done', moderator: 'done', alice: 'done', bob: 'done', outsider: 404 },
      'see the poll': { owner: 'done', moderator: 'done', alice: 'done', bob: 'done', outsider: visibility === 'public' ? 'done' : 404 },
      vote: { owner: 'done', moderator: 'done', alice: 'done', bob: 'done', outsider: visibility === 'public' ? 403 : 404 },
      'move my progress': { owner: 'done', moderator: 'done', alice: 'done', bob: 'done', outsider: visibility === 'public' ? 403 : 404 },
    };

    for (const who of EVERYONE) {
      it(`${who}: every action answers the same through the page and the API`, async () => {
        const got: Record<string, { page: Outcome; api: Outcome }> = {};
        for (const cell of cells) got[cell.action] = { page: pageOutcome(await cell.page(who)), api: apiOutcome(await cell.api(who)) };
        const want = Object.fromEntries(cells.map((cell) => [cell.action, { page: expected[cell.action]![who], api: expected[cell.action]![who] }]));
        expect(got).toEqual(want);
      });
    }
  });
}

describe('ids from another club', () => {
  it('answer 404 through the API exactly as through the pages, for every kind of id', async () => {
    const room = await makeApiRoom();
    try {
      const { makeRoom } = await import('../annotations/room');
      const other = await makeRoom({ testApp: room.testApp, names: 'other' });
      await other.setProgress('alice', 21);
      const foreignParagraph = (await other.paragraphs(1))[1]!.id;
      const foreignChapter = other.chapters[0]!.id;
      const made = await other.alice.post(`/clubs/${other.clubId}/comments`, { paragraph_id: foreignParagraph, body: 'Elsewhere.' });
      expect(made.status).toBe(303);
      const [latest] = await room.testApp.db.select({ id: max(comments.id) }).from(comments);
      const foreignComment = latest!.id!;
      const foreignPoll = await createPoll(other.owner, other.clubId);
      const mine = `/clubs/${room.clubId}`;
      const t = room.tokens.owner;
      const answers = [
        (await api(room.testApp, t, 'GET', `${mine}/readings/${other.readingId}`)).status,
        (await api(room.testApp, t, 'GET', `${mine}/readings/${room.readingId}/chapters/${foreignChapter}`)).status,
        (await api(room.testApp, t, 'GET', `${mine}/readings/${room.readingId}/chapters/${foreignChapter}/comments`)).status,
        (await api(room.testApp, t, 'POST', `${mine}/readings/${room.readingId}/comments`, { paragraphId: foreignParagraph, body: 'x' })).status,
        (await api(room.testApp, t, 'POST', `${mine}/comments/${foreignComment}/replies`, { body: 'x' })).status,
        (await api(room.testApp, t, 'PATCH', `${mine}/comments/${foreignComment}`, { body: 'x' })).status,
        (await api(room.testApp, t, 'DELETE', `${mine}/comments/${foreignComment}`)).status,
        (await api(room.testApp, t, 'GET', `${mine}/polls/${foreignPoll}`)).status,
        (await api(room.testApp, t, 'POST', `${mine}/polls/${foreignPoll}/vote`, { choices: [1] })).status,
        (await api(room.testApp, t, 'GET', `/clubs/${other.clubId}/polls`)).status,
        (await api(room.testApp, t, 'GET', `${mine}/comments/999999/replies`)).status,
      ];
      expect(answers).toEqual(Array(answers.length).fill(404));
      const pages = [
        (await room.owner.post(`${mine}/comments`, { paragraph_id: foreignParagraph, body: 'x' })).status,
        (await room.owner.post(`${mine}/comments/${foreignComment}/edit`, { body: 'x' })).status,
        (await room.owner.get(`${mine}/polls/${foreignPoll}`)).status,
        (await room.owner.get(`/clubs/${other.clubId}/polls`)).status,
      ];
      expect(pages).toEqual([404, 404, 404, 404]);
    } finally {
      await room.testApp.close();
    }
  });
});
