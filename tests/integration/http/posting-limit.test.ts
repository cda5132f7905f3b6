/**
 * One refusal path for every limited action: past the posting limit, each of them answers 429
 * with `Retry-After` (comments, replies, edits, votes, vote withdrawals, uploads, new clubs,
 * joins, invitations made and invitations followed) and writes nothing. With the limit at 0
 * the first attempt is already over it, so each action is tried once, with valid input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, signUp, type Client, type TestApp } from '../../helpers/app';
import { addMemberRow, createClubRow, importSampleBook, paragraphsOf, startReadingRow, userIdOf } from '../../helpers/fixtures';
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

const counts = () =>
  JSON.stringify(
    ['clubs', 'memberships', 'comments', 'poll_votes', 'invitations', 'pending_imports'].map((table) => testApp.sqlite.prepare(`select count(*) as n from ${table}`).get()),
  );

beforeAll(async () => {
  testApp = makeTestApp({ rateLimits: { postingPerUser: { limit: 0, windowMs: 60_000 } } });
  owner = await signUp(testApp, 'owner'); // the first account: site administrator, may upload
  member = await signUp(testApp, 'member');
  outsider = await signUp(testApp, 'outsider');
  const ownerId = userIdOf(testApp, 'owner');
  const memberId = userIdOf(testApp, 'member');
  const book = importSampleBook(testApp);
  const club = createClubRow(testApp, { ownerId, visibility: 'private' });
  clubId = club.id;
  publicClubId = createClubRow(testApp, { ownerId, visibility: 'public', name: 'Open club' }).id;
  addMemberRow(testApp, clubId, memberId);
  readingId = startReadingRow(testApp, clubId, book.editionId).id;
  const chapter = book.chapters[0]!;
  const paragraph = paragraphsOf(testApp, chapter.id).find((p) => p.kind === 'text')!;
  paragraphId = paragraph.id;
  testApp.sqlite.prepare('insert into reading_progress (reading_id, user_id, position, updated_at) values (?, ?, 999, 0) on conflict do update set position = 999').run(readingId, memberId);
  commentId = Number(
    testApp.sqlite
      .prepare(`insert into comments (club_id, reading_id, chapter_id, paragraph_id, anchor_position, author_id, body, visibility, created_at) values (?, ?, ?, ?, ?, ?, 'mine', 'club', 1)`)
      .run(clubId, readingId, chapter.id, paragraphId, paragraph.position, memberId).lastInsertRowid,
  );
  pollId = await createPoll(owner, clubId);
  votedPollId = await createPoll(owner, clubId, { question: 'Another question?' });
  testApp.sqlite.prepare('insert into poll_votes (poll_id, user_id, created_at, updated_at) values (?, ?, 0, 0)').run(votedPollId, memberId);
  const { token, tokenHash } = newInvitationToken();
  inviteToken = token;
  testApp.sqlite
    .prepare(`insert into invitations (club_id, token_hash, role, max_uses, uses, expires_at, created_by, created_at) values (?, ?, 'member', 10, 0, ?, ?, 0)`)
    .run(clubId, tokenHash, Date.now() + 10 * 86_400_000, ownerId);
});

afterAll(() => testApp.close());

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
  ['a vote', () => member.post(`/clubs/${clubId}/polls/${pollId}/vote`, { choice: optionIdsOf({ app: testApp } as never, pollId)[0]! })],
  ['a vote (htmx)', () => member.post(`/clubs/${clubId}/polls/${pollId}/vote`, { choice: optionIdsOf({ app: testApp } as never, pollId)[0]! }, { 'hx-request': 'true' })],
  ['a vote withdrawn', () => member.post(`/clubs/${clubId}/polls/${votedPollId}/withdraw`)],
  ['a book upload', () => owner.post('/library/upload', upload())],
  ['a new club', () => member.post('/clubs', { name: 'Another club', description: '', visibility: 'private', language: 'en' })],
  ['joining a public club', () => outsider.post(`/clubs/${publicClubId}/join`)],
  ['an invitation made', () => owner.post(`/clubs/${clubId}/invitations`, { expiresInHours: 24, maxUses: 5, role: 'member' })],
  ['an invitation followed', () => outsider.post(`/invite/${inviteToken}`)],
];

describe('past the posting limit', () => {
  it.each(ACTIONS)('%s answers 429 with Retry-After and writes nothing', async (_name, act) => {
    const before = counts();
    const response = await act();
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    // The wait, in words (`{seconds, duration}`): "Please try again in a minute."
    expect(await response.text()).toMatch(/try again in (?:about )?(?:a|an|\d+) (?:seconds?|minutes?|hours?)|(?:약 )?\d+(?:초|분|시간) 뒤에/);
    expect(counts()).toBe(before);
  });
});
