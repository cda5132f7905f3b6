/**
 * One refusal path for every limited action: past the posting limit, each of them answers 429
 * with `Retry-After` (comments, replies, edits, votes, vote withdrawals, uploads, new clubs,
 * joins, invitations made and invitations followed) and writes nothing. With the limit at 0
 * the first attempt is already over it, so each action is tried once, with valid input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, signUp, type Client, type TestApp } from '../../helpers/app';
import { sql } from 'drizzle-orm';
import { first, rows } from '../../../db/connection';
import { comments, invitations, pollVotes } from '../../../db/schema';
import { addMemberRow, createClubRow, importSampleBook, paragraphsOf, setProgressRow, startReadingRow, userIdOf } from '../../helpers/fixtures';
import { newInvitationToken } from '../../../src/clubs/invitation-token';
import { createPoll, optionIdsOf } from '../polls/room';

let testApp: TestApp;
let owner: Client;
let member: Client;
let outsider: Client;
let clubId: number;
let publicClubId: number;
let readingId: number;
let paragraphId: number;
let commentId: number;
let pollId: number;
let votedPollId: number;
let inviteToken: string;

const counts = async () =>
  JSON.stringify(
    await Promise.all(
      ['clubs', 'memberships', 'comments', 'poll_votes', 'invitations', 'pending_imports'].map(async (table) => first(await rows<{ n: number }>(testApp.db, sql`select count(*) as n from ${sql.identifier(table)}`))),
    ),
  );

beforeAll(async () => {
  testApp = await makeTestApp({ rateLimits: { postingPerUser: { limit: 0, windowMs: 60_000 } } });
  owner = await signUp(testApp, 'owner'); // the first account: site administrator, may upload
  member = await signUp(testApp, 'member');
  outsider = await signUp(testApp, 'outsider');
  const ownerId = await userIdOf(testApp, 'owner');
  const memberId = await userIdOf(testApp, 'member');
  const book = await importSampleBook(testApp);
  const club = await createClubRow(testApp, { ownerId, visibility: 'private' });
  clubId = club.id;
  publicClubId = (await createClubRow(testApp, { ownerId, visibility: 'public', name: 'Open club' })).id;
  await addMemberRow(testApp, clubId, memberId);
  readingId = (await startReadingRow(testApp, clubId, book.editionId)).id;
  const chapter = book.chapters[0]!;
  const paragraph = (await paragraphsOf(testApp, chapter.id)).find((p) => p.kind === 'text')!;
  paragraphId = paragraph.id;
  await setProgressRow(testApp, readingId, memberId, 999);
  const [comment] = await testApp.db
    .insert(comments)
    .values({ clubId, readingId, chapterId: chapter.id, paragraphId, anchorPosition: paragraph.position, authorId: memberId, body: 'mine', visibility: 'club', createdAt: 1 })
    .returning({ id: comments.id });
  commentId = comment!.id;
  pollId = await createPoll(owner, clubId);
  votedPollId = await createPoll(owner, clubId, { question: 'Another question?' });
  await testApp.db.insert(pollVotes).values({ pollId: votedPollId, userId: memberId, createdAt: 0, updatedAt: 0 });
  const { token, tokenHash } = newInvitationToken();
  inviteToken = token;
  await testApp.db
    .insert(invitations)
    .values({ clubId, tokenHash, role: 'member', maxUses: 10, uses: 0, expiresAt: Date.now() + 10 * 86_400_000, createdBy: ownerId, createdAt: 0 });
});

afterAll(async () => {
  await testApp.close();
});

const upload = () => {
  const form = new FormData();
  form.append('file', new File([new TextEncoder().encode('# Title\n\nA paragraph.\n')], 'book.md'));
  return form;
};

const ACTIONS: [string, () => Promise<Response>][] = [
  ['a new comment', () => member.post(`/clubs/${clubId}/comments`, { paragraph_id: paragraphId, body: 'hello' })],
  ['a new comment (htmx)', () => member.post(`/clubs/${clubId}/comments`, { paragraph_id: paragraphId, body: 'hello' }, { 'hx-request': 'true' })],
  ['a reply', () => member.post(`/clubs/${clubId}/comments`, { parent_id: commentId, body: 'an answer' })],
  ['an edit', () => member.post(`/clubs/${clubId}/comments/${commentId}/edit`, { body: 'changed' })],
  ['a vote', async () => member.post(`/clubs/${clubId}/polls/${pollId}/vote`, { choice: (await optionIdsOf({ app: testApp } as never, pollId))[0]! })],
  ['a vote (htmx)', async () => member.post(`/clubs/${clubId}/polls/${pollId}/vote`, { choice: (await optionIdsOf({ app: testApp } as never, pollId))[0]! }, { 'hx-request': 'true' })],
  ['a vote withdrawn', () => member.post(`/clubs/${clubId}/polls/${votedPollId}/withdraw`)],
  ['a book upload', () => owner.post('/library/upload', upload())],
  ['a new club', () => member.post('/clubs', { name: 'Another club', description: '', visibility: 'private', language: 'en' })],
  ['joining a public club', () => outsider.post(`/clubs/${publicClubId}/join`)],
  ['an invitation made', () => owner.post(`/clubs/${clubId}/invitations`, { expiresInHours: 24, maxUses: 5, role: 'member' })],
  ['an invitation followed', () => outsider.post(`/invite/${inviteToken}`)],
];

describe('past the posting limit', () => {
  it.each(ACTIONS)('%s answers 429 with Retry-After and writes nothing', async (_name, act) => {
    const before = await counts();
    const response = await act();
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    // The wait, in words (`{seconds, duration}`): "Please try again in a minute."
    expect(await response.text()).toMatch(/try again in (?:about )?(?:a|an|\d+) (?:seconds?|minutes?|hours?)|(?:약 )?\d+(?:초|분|시간) 뒤에/);
    expect(await counts()).toBe(before);
  });
});
