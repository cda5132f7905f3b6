import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rows } from '../../../db/connection';
import {
  bookmarks,
  clubBans,
  clubMutes,
  commentFlags,
  commentRevisions,
  comments,
  deletedUsernames,
  editions,
  invitations,
  memberships,
  moderationLog,
  pollOptions,
  polls,
  pollVoteChoices,
  pollVotes,
  reactions,
  readingProgress,
  sessions,
  spoilerReveals,
  users,
} from '../../../db/schema';
import { Client, DEFAULT_PASSWORD, makeTestApp, signUp, type TestApp } from '../../helpers/app';
import { addMemberRow, createClubRow, importSampleBook, paragraphsOf, setProgressRow, startReadingRow, userIdOf } from '../../helpers/fixtures';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

async function world() {
  const owner = await signUp(t, 'ownerolga', { displayName: 'Olga Owner' });
  const reader = await signUp(t, 'minji', { displayName: 'Minji Kim' });
  const other = await signUp(t, 'bystander', { displayName: 'Zed Bystander' });
  const ownerId = await userIdOf(t, 'ownerolga');
  const readerId = await userIdOf(t, 'minji');
  const otherId = await userIdOf(t, 'bystander');
  const book = await importSampleBook(t);
  const club = await createClubRow(t, { name: 'Lantern Club', ownerId });
  await addMemberRow(t, club.id, readerId);
  await addMemberRow(t, club.id, otherId);
  const reading = await startReadingRow(t, club.id, book.editionId);
  const chapter = book.chapters[0]!;
  const paragraph = (await paragraphsOf(t, chapter.id))[1]!;
  await setProgressRow(t, reading.id, readerId, paragraph.position);
  await setProgressRow(t, reading.id, otherId, paragraph.position);
  const now = t.clock.now;
  const base = { clubId: club.id, readingId: reading.id, chapterId: chapter.id, anchorPosition: paragraph.position, createdAt: now };
  const insert = async (values: Partial<typeof comments.$inferInsert> & { authorId: number; body: string }) => {
    const [row] = await t.db.insert(comments).values({ ...base, ...values }).returning();
    if (row!.rootId === null) await t.db.update(comments).set({ rootId: row!.id }).where(eq(comments.id, row!.id));
    return row!;
  };
  const root = await insert({ authorId: readerId, body: 'Reader root about the lantern', paragraphId: paragraph.id });
  const passage = await insert({ authorId: readerId, body: 'Reader passage note', paragraphId: paragraph.id, passageStart: 0, passageEnd: 4, passageExact: paragraph.text.slice(0, 4), passagePrefix: '', passageSuffix: paragraph.text.slice(4, 10) });
  const note = await insert({ authorId: readerId, body: 'Reader private musing', paragraphId: paragraph.id, visibility: 'private' });
  const othersReply = await insert({ authorId: otherId, body: 'Bystander reply text', paragraphId: paragraph.id, parentId: root.id, rootId: root.id });
  const othersRoot = await insert({ authorId: otherId, body: 'Bystander root secret', paragraphId: paragraph.id });
  const readerReply = await insert({ authorId: readerId, body: 'Reader answer to the other', paragraphId: paragraph.id, parentId: othersRoot.id, rootId: othersRoot.id });
  const lonely = await insert({ authorId: readerId, body: 'Reader lonely thought' });
  await t.db.insert(commentRevisions).values({ commentId: root.id, body: 'Reader root first draft', createdAt: now });
  await t.db.insert(reactions).values({ commentId: othersRoot.id, userId: readerId, reaction: 'like', createdAt: now });
  await t.db.insert(reactions).values({ commentId: root.id, userId: otherId, reaction: 'funny', createdAt: now });
  await t.db.insert(commentFlags).values({ clubId: club.id, commentId: othersRoot.id, flaggerId: readerId, reason: 'spoiler', note: 'flag words', createdAt: now });
  await t.db.insert(spoilerReveals).values({ readingId: reading.id, userId: readerId, chapterId: chapter.id, createdAt: now } as typeof spoilerReveals.$inferInsert);
  await t.db.insert(bookmarks).values({ userId: readerId, editionId: book.editionId, chapterOrdinal: 1, paragraphOrdinal: 2, updatedAt: now });
  await t.db.insert(clubMutes).values({ clubId: club.id, userId: readerId, until: now + 1000, reason: 'calm', createdBy: ownerId, createdAt: now });
  await t.db.insert(moderationLog).values({ clubId: club.id, actorId: readerId, action: 'x', targetUserId: readerId, detail: {}, createdAt: now });
  await t.db.insert(invitations).values({ clubId: club.id, tokenHash: 'h1', role: 'member', maxUses: 5, expiresAt: now + 1e9, createdBy: readerId, createdAt: now });

  const makePoll = async (question: string, voters: 'public' | 'anonymous') => {
    const [poll] = await t.db.insert(polls).values({ clubId: club.id, question, kind: 'single', voters, resultsVisibility: 'always', createdBy: ownerId, createdAt: now }).returning();
    const options = await t.db
      .insert(pollOptions)
      .values(['Yes', 'No'].map((label, i) => ({ pollId: poll!.id, ordinal: i + 1, label: `${label} (${question})` })))
      .returning();
    options.sort((a, b) => a.ordinal - b.ordinal);
    const vote = async (userId: number, option: number) => {
      const [v] = await t.db.insert(pollVotes).values({ pollId: poll!.id, userId, createdAt: now, updatedAt: now }).returning();
      await t.db.insert(pollVoteChoices).values({ voteId: v!.id, optionId: options[option]!.id, rank: 1 });
    };
    await vote(readerId, 0);
    await vote(otherId, 1);
    return poll!;
  };
  const publicPoll = await makePoll('Public question', 'public');
  const anonPoll = await makePoll('Anonymous question', 'anonymous');
  return { owner, reader, other, ownerId, readerId, otherId, club, reading, chapter, paragraph, root, passage, note, othersReply, othersRoot, readerReply, lonely, publicPoll, anonPoll };
}

/** Tally of a poll as the polls area counts it (ballots joined to their voter). */
async function tally(pollId: number) {
  const ballots = await t.db
    .select({ optionId: pollVoteChoices.optionId, voter: users.id })
    .from(pollVotes)
    .innerJoin(users, eq(users.id, pollVotes.userId))
    .innerJoin(pollVoteChoices, eq(pollVoteChoices.voteId, pollVotes.id))
    .where(eq(pollVotes.pollId, pollId));
  return ballots.map((r) => r.optionId).sort();
}

async function rowsPointingAt(userId: number): Promise<Record<string, number>> {
  const counts = {
    users: t.db.select().from(users).where(eq(users.id, userId)),
    sessions: t.db.select().from(sessions).where(eq(sessions.userId, userId)),
    memberships: t.db.select().from(memberships).where(eq(memberships.userId, userId)),
    comments: t.db.select().from(comments).where(eq(comments.authorId, userId)),
    commentsModeratedBy: t.db.select().from(comments).where(eq(comments.moderatedBy, userId)),
    reactions: t.db.select().from(reactions).where(eq(reactions.userId, userId)),
    pollVotes: t.db.select().from(pollVotes).where(eq(pollVotes.userId, userId)),
    pollsCreated: t.db.select().from(polls).where(eq(polls.createdBy, userId)),
    progress: t.db.select().from(readingProgress).where(eq(readingProgress.userId, userId)),
    reveals: t.db.select().from(spoilerReveals).where(eq(spoilerReveals.userId, userId)),
    bookmarks: t.db.select().from(bookmarks).where(eq(bookmarks.userId, userId)),
    flags: t.db.select().from(commentFlags).where(eq(commentFlags.flaggerId, userId)),
    invitations: t.db.select().from(invitations).where(eq(invitations.createdBy, userId)),
    editions: t.db.select().from(editions).where(eq(editions.importedBy, userId)),
    logActor: t.db.select().from(moderationLog).where(eq(moderationLog.actorId, userId)),
    logTarget: t.db.select().from(moderationLog).where(eq(moderationLog.targetUserId, userId)),
    mutes: t.db.select().from(clubMutes).where(eq(clubMutes.userId, userId)),
    mutesBy: t.db.select().from(clubMutes).where(eq(clubMutes.createdBy, userId)),
    bans: t.db.select().from(clubBans).where(eq(clubBans.userId, userId)),
    bansBy: t.db.select().from(clubBans).where(eq(clubBans.createdBy, userId)),
  };
  const counted = Object.fromEntries(await Promise.all(Object.entries(counts).map(async ([name, query]) => [name, (await query).length] as const)));
  return Object.fromEntries(Object.entries(counted).filter(([, n]) => n > 0));
}

describe('GET /account/export', () => {
  it('downloads everything the member wrote and set, and nothing of anyone else', async () => {
    const w = await world();
    const response = await w.reader.get('/account/export');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="marginalia-minji-2026-11-01.json"');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const text = await response.text();
    const data = JSON.parse(text);
    expect(data.version).toBe(1);
    expect(data.exportedAt).toBe('2026-11-01T09:00:00.000Z');
    expect(data.profile).toMatchObject({ username: 'minji', displayName: 'Minji Kim' });
    expect(data.memberships).toEqual([expect.objectContaining({ club: 'Lantern Club', role: 'member' })]);
    expect(data.progress).toEqual([expect.objectContaining({ club: 'Lantern Club', position: w.paragraph.position })]);
    const bodies = data.comments.map((c: { body: string }) => c.body).sort();
    expect(bodies).toEqual(['Reader answer to the other', 'Reader lonely thought', 'Reader passage note', 'Reader private musing', 'Reader root about the lantern']);
    const passage = data.comments.find((c: { id: number }) => c.id === w.passage.id);
    expect(passage.passage).toEqual({ exact: w.paragraph.text.slice(0, 4), prefix: '', suffix: w.paragraph.text.slice(4, 10), start: 0, end: 4 });
    expect(passage.paragraphOrdinal).toBe(w.paragraph.ordinal);
    expect(passage.chapter.title).toBe(w.chapter.title);
    expect(data.comments.find((c: { id: number }) => c.id === w.note.id).visibility).toBe('private');
    expect(data.comments.find((c: { id: number }) => c.id === w.readerReply.id).parentId).toBe(w.othersRoot.id);
    expect(data.comments.find((c: { id: number }) => c.id === w.root.id).revisions).toEqual([expect.objectContaining({ body: 'Reader root first draft' })]);
    expect(data.reactions).toEqual([expect.objectContaining({ commentId: w.othersRoot.id, reaction: 'like' })]);
    expect(data.votes).toEqual([expect.objectContaining({ question: 'Public question', choices: [{ option: 'Yes (Public question)', rank: 1 }] })]);
    expect(data.flags).toEqual([expect.objectContaining({ commentId: w.othersRoot.id, reason: 'spoiler' })]);
    expect(text).not.toContain('flag words');
    expect(data.bookmarks).toHaveLength(1);
    for (const foreign of ['bystander', 'Zed Bystander', 'Bystander reply text', 'Bystander root secret', 'ownerolga', 'Olga Owner', 'Anonymous question', 'funny']) {
      expect(text).not.toContain(foreign);
    }
  });

  it('is linked from the account page, with the deletion page', async () => {
    const reader = await signUp(t, 'linker');
    const html = await (await reader.get('/account')).text();
    expect(html).toContain('href="/account/export"');
    expect(html).toContain('href="/account/delete"');
    const page = await reader.get('/account/delete');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('name="comments" value="keep"');
  });

  it('sends a signed-out reader to sign in', async () => {
    const response = await new Client(t).get('/account/export');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/login/);
  });
});

describe('POST /account/delete', () => {
  it('refuses a wrong password or a missing choice with 422 and changes nothing', async () => {
    const w = await world();
    const before = await rowsPointingAt(w.readerId);
    const wrong = await w.reader.post('/account/delete', { password: 'not my password', comments: 'keep' });
    expect(wrong.status).toBe(422);
    const html = await wrong.text();
    expect(html).toContain('That is not your current password.');
    expect(html).toMatch(/value="keep"[^>]*checked/);
    const missing = await w.reader.post('/account/delete', { password: DEFAULT_PASSWORD });
    expect(missing.status).toBe(422);
    expect(await missing.text()).toContain('Choose what happens to your comments.');
    expect(await rowsPointingAt(w.readerId)).toEqual(before);
    expect((await w.reader.get('/account')).status).toBe(200);
  });

  it('refuses the only owner of a club until ownership is handed over', async () => {
    const w = await world();
    const response = await w.owner.post('/account/delete', { password: DEFAULT_PASSWORD, comments: 'delete' });
    expect(response.status).toBe(409);
    expect(await response.text()).toContain('You are the only owner of Lantern Club');
    expect((await rowsPointingAt(w.ownerId)).users).toBe(1);
  });

  for (const choice of ['delete', 'keep'] as const) {
    it(`with comments=${choice} leaves no row pointing at the member, keeps others' replies and the tallies`, async () => {
      const w = await world();
      const publicBefore = await tally(w.publicPoll.id);
      const anonBefore = await tally(w.anonPoll.id);
      const oldCookie = w.reader.cookieHeader;
      const response = await w.reader.post('/account/delete', { password: DEFAULT_PASSWORD, comments: choice });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/goodbye');
      expect(w.reader.cookies.size === 0 || ![...w.reader.cookies.keys()].some((k) => k.includes('session'))).toBe(true);
      expect(await (await w.reader.get('/goodbye')).text()).toContain('Your account has been deleted.');

      expect(await rowsPointingAt(w.readerId)).toEqual({});
      // The search index caught up with the bulk change (its outbox is drained on account.deleted).
      expect(await rows(t.db, sql`select count(*) as n from search_comment_outbox`)).toEqual([{ n: 0 }]);
      expect(await tally(w.publicPoll.id)).toEqual(publicBefore);
      expect(await tally(w.anonPoll.id)).toEqual(anonBefore);

      const survivors = await t.db.select().from(comments).where(inArray(comments.id, [w.othersReply.id, w.othersRoot.id]));
      expect(survivors.map((c) => c.body).sort()).toEqual(['Bystander reply text', 'Bystander root secret']);
      expect(await t.db.select().from(comments).where(eq(comments.id, w.note.id))).toEqual([]);
      const [root] = await t.db.select().from(comments).where(eq(comments.id, w.root.id));
      expect(root).toBeDefined();
      const author = (await t.db.select().from(users).where(eq(users.id, root!.authorId)))[0]!;
      expect(author.username).not.toBe('minji');
      expect(author.displayName).toContain('former member');
      if (choice === 'delete') {
        expect(root!.body).toBe('');
        expect(root!.deletedAt).not.toBeNull();
        expect(await t.db.select().from(commentRevisions).where(eq(commentRevisions.commentId, w.root.id))).toEqual([]);
        expect(await t.db.select().from(comments).where(inArray(comments.id, [w.lonely.id, w.passage.id, w.readerReply.id]))).toEqual([]);
      } else {
        expect(root!.body).toBe('Reader root about the lantern');
        expect(await t.db.select().from(comments).where(and(inArray(comments.id, [w.lonely.id, w.passage.id, w.readerReply.id]), eq(comments.authorId, author.id)))).toHaveLength(3);
      }

      // What the other members now read in the paragraph's threads.
      const chapterHtml = await (await w.other.get(`/clubs/${w.club.id}/paragraphs/${w.paragraph.id}/comments`)).text();
      expect(chapterHtml).not.toContain('Minji Kim');
      expect(chapterHtml).not.toContain('Reader private musing');
      expect(chapterHtml).toContain('Bystander reply text');
      if (choice === 'keep') {
        expect(chapterHtml).toContain('Reader root about the lantern');
        expect(chapterHtml).toContain('former member');
      } else expect(chapterHtml).not.toContain('Reader root about the lantern');

      // The old session cookie no longer signs anyone in.
      const replay = await t.app.request('/account', { headers: { cookie: oldCookie } });
      expect(replay.status).toBe(303);
      expect(replay.headers.get('location')).toMatch(/^\/login/);
      // The tombstone cannot sign in.
      expect(author.suspendedAt).not.toBeNull();
      expect(await t.db.select().from(deletedUsernames).where(eq(deletedUsernames.usernameKey, 'minji'))).toHaveLength(1);
    });
  }

  it('keeps the username reserved for 30 days, then frees it', async () => {
    const w = await world();
    await w.reader.post('/account/delete', { password: DEFAULT_PASSWORD, comments: 'keep' });
    const again = new Client(t);
    const refused = await again.post('/register', { username: 'Minji', displayName: 'New Minji', password: DEFAULT_PASSWORD });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('reserved for 30 days');
    t.clock.advance(29 * 24 * 60 * 60_000);
    expect((await again.post('/register', { username: 'minji', displayName: 'New Minji', password: DEFAULT_PASSWORD })).status).toBe(409);
    t.clock.advance(2 * 24 * 60 * 60_000);
    const allowed = await again.post('/register', { username: 'minji', displayName: 'New Minji', password: DEFAULT_PASSWORD });
    expect(allowed.status).toBe(303);
    expect(await userIdOf(t, 'minji')).not.toBe(w.readerId);
  });
});
