/**
 * The comment policy through HTTP, as a matrix: author, other member, moderator, owner,
 * signed-in non-member and signed-out visitor × private and public clubs × every action.
 * The comment acted on is live and within every member's progress; visitors read from
 * position 0, so for them it does not exist (404), exactly like an id from another club.
 * A refusal must also leave everything as it was.
 */
import { asc, max } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comments, reactions, spoilerReveals } from '../../../db/schema';
import type { Client } from '../../helpers/app';
import { makeRoom, type AnnotationRoom } from './room';

type Who = 'author' | 'other member' | 'moderator' | 'owner' | 'non-member' | 'signed out';
type Outcome = 'ok' | 'forbidden' | 'login' | 'missing';
const ACTIONS = ['view threads', 'view comment', 'post', 'reply', 'edit', 'delete', 'hide', 'remove', 'react', 'reveal'] as const;
type Action = (typeof ACTIONS)[number];

const ok = 'ok' as const;
const no = 'forbidden' as const;
const login = 'login' as const;
const gone = 'missing' as const;

//                                    threads comment post reply edit delete hide remove react reveal
const MEMBERS: Record<'author' | 'other member' | 'moderator' | 'owner', Outcome[]> = {
  author: /*         */ [ok, ok, ok, ok, ok, ok, no, no, ok, ok],
  'other member': /* */ [ok, ok, ok, ok, no, no, no, no, ok, ok],
  moderator: /*      */ [ok, ok, ok, ok, no, no, ok, ok, ok, ok],
  owner: /*          */ [ok, ok, ok, ok, no, no, ok, ok, ok, ok],
};
const TABLE: Record<'public' | 'private', Record<Who, Outcome[]>> = {
  public: {
    ...MEMBERS,
    'non-member': /* */ [ok, gone, no, gone, gone, gone, gone, gone, gone, no],
    'signed out': /* */ [ok, gone, login, gone, gone, gone, gone, gone, gone, login],
  },
  private: {
    ...MEMBERS,
    'non-member': /* */ [gone, gone, gone, gone, gone, gone, gone, gone, gone, gone],
    'signed out': /* */ [gone, gone, gone, gone, gone, gone, gone, gone, gone, gone],
  },
};

describe.each(['public', 'private'] as const)('in a %s club', (visibility) => {
  let room: AnnotationRoom;
  beforeAll(async () => {
    room = await makeRoom({ visibility, rateLimits: { postingPerUser: { limit: 100_000, windowMs: 60_000 } } });
    for (const who of ['alice', 'bob', 'moderator', 'owner'] as const) await room.setProgress(who, 21);
  });
  afterAll(() => room.testApp.close());

  const clientFor = (who: Who): Client =>
    ({ author: room.alice, 'other member': room.bob, moderator: room.moderator, owner: room.owner, 'non-member': room.outsider, 'signed out': room.visitor })[who];

  const snapshot = async () => {
    const db = room.testApp.db;
    return {
      comments: await db
        .select({ id: comments.id, body: comments.body, deletedAt: comments.deletedAt, moderation: comments.moderation, editedAt: comments.editedAt })
        .from(comments)
        .orderBy(asc(comments.id)),
      reactions: await db.select().from(reactions).orderBy(asc(reactions.commentId), asc(reactions.userId), asc(reactions.reaction)),
      reveals: await db.select().from(spoilerReveals).orderBy(asc(spoilerReveals.readingId), asc(spoilerReveals.userId), asc(spoilerReveals.chapterId)),
    };
  };

  async function act(client: Client, action: Action, commentId: number): Promise<Response> {
    const base = `/clubs/${room.clubId}`;
    const paragraph = room.paragraphs(1)[1]!;
    switch (action) {
      case 'view threads':
        return client.get(`${base}/paragraphs/${paragraph.id}/comments`, { 'hx-request': 'true' });
      case 'view comment':
        return client.get(`${base}/comments/${commentId}/history`);
      case 'post':
        return client.post(`${base}/comments`, { paragraph_id: paragraph.id, body: 'a new comment' });
      case 'reply':
        return client.post(`${base}/comments`, { parent_id: commentId, body: 'a reply' });
      case 'edit':
        return client.post(`${base}/comments/${commentId}/edit`, { body: 'edited' });
      case 'delete':
        return client.post(`${base}/comments/${commentId}/delete`, {});
      case 'hide':
        return client.post(`${base}/comments/${commentId}/moderate`, { action: 'hide', reason: 'off topic' });
      case 'remove':
        return client.post(`${base}/comments/${commentId}/moderate`, { action: 'remove', reason: 'spam' });
      case 'react':
        return client.post(`${base}/comments/${commentId}/react`, { reaction: 'insightful' });
      case 'reveal':
        return client.post(`${base}/reveal/${room.chapters[1]!.id}`, {});
    }
  }

  const cases = (Object.keys(TABLE[visibility]) as Who[]).flatMap((who) => ACTIONS.map((action, i) => [who, action, TABLE[visibility][who][i]!] as const));

  it.each(cases)('%s → %s: %s', async (who, action, expected) => {
    const created = await room.alice.post(`/clubs/${room.clubId}/comments`, { paragraph_id: room.paragraphs(1)[1]!.id, body: 'the comment under test' });
    expect(created.status).toBe(303);
    const commentId = (await room.testApp.db.select({ id: max(comments.id) }).from(comments))[0]!.id!;
    await room.testApp.db.delete(spoilerReveals);
    const before = await snapshot();

    const response = await act(clientFor(who), action, commentId);
    const location = response.headers.get('location') ?? '';
    const outcome: Outcome =
      response.status === 404 ? 'missing' : response.status === 403 ? 'forbidden' : response.status === 303 && location.startsWith('/login') ? 'login' : response.status === 303 || response.status === 200 ? 'ok' : 'forbidden';
    expect(outcome, `status ${response.status} ${location}`).toBe(expected);
    if (expected !== 'ok') expect(await snapshot()).toEqual(before);
    else if (action !== 'view threads' && action !== 'view comment') expect(await snapshot()).not.toEqual(before);
  });
});
