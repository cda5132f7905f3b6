/**
 * The polls policy through HTTP: owner, moderator, member, non-member, signed out × private and
 * public club × every action, each on a fresh poll. Refusals come back as 404 (club or poll not
 * there for the reader), 403 (not allowed) or a redirect to sign in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../../helpers/app';
import { createPoll, makeRoom, optionIdsOf, pollCount, pollFields, pollRow, roomIn, voteCount, type PollRoom } from './room';

type Role = 'owner' | 'moderator' | 'member' | 'non-member' | 'signed-out';
const ROLES: Role[] = ['owner', 'moderator', 'member', 'non-member', 'signed-out'];
const ACTIONS = ['view', 'create', 'edit', 'close', 'reopen', 'delete', 'export', 'vote', 'withdraw'] as const;
type Action = (typeof ACTIONS)[number];
type Outcome = 'ok' | 404 | 403 | 'sign_in';

function expected(role: Role, visibility: 'private' | 'public', action: Action): Outcome {
  const member = role === 'owner' || role === 'moderator' || role === 'member';
  if (!member && visibility === 'private') return 404;
  const moderator = role === 'owner' || role === 'moderator';
  if (action === 'view' || action === 'export') return 'ok';
  if (role === 'signed-out') return 'sign_in';
  if (action === 'vote' || action === 'withdraw') return member ? 'ok' : 403;
  return moderator ? 'ok' : 403;
}

const rooms: Partial<Record<'private' | 'public', PollRoom>> = {};
let foreign: { clubId: number; pollId: number };

beforeAll(async () => {
  rooms.private = await makeRoom({ visibility: 'private' });
  rooms.public = await roomIn(rooms.private.app, { visibility: 'public', prefix: 'pub' });
  const other = await roomIn(rooms.private.app, { prefix: 'other' });
  foreign = { clubId: other.clubId, pollId: await createPoll(other.moderator, other.clubId, { resultsVisibility: 'always' }) };
}, 60_000);
afterAll(() => rooms.private?.app.close());

function clientOf(room: PollRoom, role: Role): Client {
  return { owner: room.owner, moderator: room.moderator, member: room.members[0], 'non-member': room.outsider, 'signed-out': room.anonymous }[role];
}

async function perform(room: PollRoom, client: Client, action: Action, pollId: number): Promise<Response> {
  const base = `/clubs/${room.clubId}/polls`;
  const [a] = await optionIdsOf(room, pollId);
  switch (action) {
    case 'view':
      return client.get(`${base}/${pollId}`);
    case 'create':
      return client.post(base, pollFields({ question: 'Created in the matrix' }));
    case 'edit':
      return client.post(`${base}/${pollId}/edit`, pollFields({ question: 'Edited in the matrix' }));
    case 'export':
      return client.get(`${base}/${pollId}/results.csv`);
    case 'vote':
      return client.post(`${base}/${pollId}/vote`, { choice: a! });
    default:
      return client.post(`${base}/${pollId}/${action}`, {});
  }
}

function outcomeOf(response: Response): Outcome {
  if (response.status === 404 || response.status === 403) return response.status;
  if (response.status === 303 && response.headers.get('location')!.startsWith('/login')) return 'sign_in';
  if (response.status === 200 || response.status === 303) return 'ok';
  throw new Error(`unexpected status ${response.status}`);
}

describe.each(['private', 'public'] as const)('%s club', (visibility) => {
  describe.each(ROLES)('%s', (role) => {
    it.each(ACTIONS)('%s', async (action) => {
      const room = rooms[visibility]!;
      const pollId = await createPoll(room.moderator, room.clubId, { resultsVisibility: 'always' });
      if (action === 'withdraw' && (role === 'member' || role === 'owner' || role === 'moderator')) {
        await clientOf(room, role).post(`/clubs/${room.clubId}/polls/${pollId}/vote`, { choice: (await optionIdsOf(room, pollId))[0]! });
      }
      const before = await pollCount(room);
      const response = await perform(room, clientOf(room, role), action, pollId);
      const outcome = outcomeOf(response);
      expect(outcome).toBe(expected(role, visibility, action));
      if (outcome !== 'ok') {
        // A refusal writes nothing.
        expect(await pollCount(room)).toBe(before);
        expect(await pollRow(room, pollId)).toMatchObject({ question: 'Which chapter should we discuss first?', closedAt: null });
      }
    });
  });
});

describe('ids from another club', () => {
  it.each(ACTIONS.filter((a) => a !== 'create'))('%s on another club’s poll through our club is 404, even for our owner', async (action) => {
    const room = rooms.public!;
    const response = await perform(room, room.owner, action, foreign.pollId);
    expect(response.status).toBe(404);
    expect(await pollRow(room, foreign.pollId)).toMatchObject({ question: 'Which chapter should we discuss first?', closedAt: null });
    expect(await voteCount(room, foreign.pollId)).toBe(0);
  });
});
