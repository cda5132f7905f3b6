/**
 * The PostgreSQL triggers of migrations/pg/0001 do what SQLite's do (migrations/0001, 0004,
 * 0007, 0008): a root comment is its own root, each write that may notify someone lists itself
 * in notification_sources, and the search outbox hears every change of a comment.
 */
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { comments, invitations, memberships, moderationLog, notificationSources, paragraphs, polls, reactions } from '../../db/schema-pg';
import { freshDatabase, insertComment, insertUser, NOW, seedClub, type FreshDatabase, type Seeded } from './helpers';

let fresh: FreshDatabase;
let seeded: Seeded;
beforeAll(async () => {
  fresh = await freshDatabase();
  seeded = await seedClub(fresh.db, { paragraphs: ['하나.', '둘.', '셋.'] });
});
afterAll(async () => {
  await fresh?.drop();
});

async function sources() {
  return fresh.db
    .select({ kind: notificationSources.kind, subjectId: notificationSources.subjectId, actorId: notificationSources.actorId, clubId: notificationSources.clubId, createdAt: notificationSources.createdAt })
    .from(notificationSources)
    .orderBy(asc(notificationSources.id));
}

async function outbox(): Promise<number[]> {
  const { rows } = await fresh.pool.query<{ comment_id: number }>('SELECT comment_id FROM search_comment_outbox ORDER BY comment_id');
  return rows.map((row) => row.comment_id);
}

describe('comments_root_is_itself', () => {
  it('makes a root comment its own root, in the insert itself, and leaves a reply its root', async () => {
    const root = await insertComment(fresh.db, seeded, { authorId: seeded.owner.id });
    expect(root.rootId).toBe(root.id);
    const reply = await insertComment(fresh.db, seeded, { authorId: seeded.owner.id, parentId: root.id, rootId: root.id });
    expect(reply.rootId).toBe(root.id);
    expect(reply.parentId).toBe(root.id);
    const [stored] = await fresh.db.select().from(comments).where(eq(comments.id, root.id));
    expect(stored!.rootId).toBe(root.id);
  });
});

describe('notification sources', () => {
  beforeEach(async () => {
    await fresh.db.delete(notificationSources);
  });

  it('lists a club comment, not a private note', async () => {
    const comment = await insertComment(fresh.db, seeded, { authorId: seeded.owner.id });
    await insertComment(fresh.db, seeded, { authorId: seeded.owner.id, visibility: 'private' });
    expect(await sources()).toEqual([{ kind: 'comment', subjectId: comment.id, actorId: seeded.owner.id, clubId: seeded.club.id, createdAt: NOW }]);
  });

  it('lists a reaction with the club of its comment', async () => {
    const comment = await insertComment(fresh.db, seeded, { authorId: seeded.owner.id });
    const reader = await insertUser(fresh.db, 'reactor');
    await fresh.db.delete(notificationSources);
    await fresh.db.insert(reactions).values({ commentId: comment.id, userId: reader.id, reaction: 'like', createdAt: NOW + 5 });
    expect(await sources()).toEqual([{ kind: 'reaction', subjectId: comment.id, actorId: reader.id, clubId: seeded.club.id, createdAt: NOW + 5 }]);
  });

  it('lists an invitation used, then fills in who used it when they join', async () => {
    const [invitation] = await fresh.db
      .insert(invitations)
      .values({ clubId: seeded.club.id, tokenHash: 'hash-1', role: 'member', maxUses: 5, expiresAt: NOW + 1000, createdBy: seeded.owner.id, createdAt: NOW })
      .returning();
    expect(await sources()).toEqual([]);
    // Setting `uses` to the same value is not a use.
    await fresh.db.update(invitations).set({ uses: 0 }).where(eq(invitations.id, invitation!.id));
    expect(await sources()).toEqual([]);
    const joiner = await insertUser(fresh.db, 'joiner');
    await fresh.db.transaction(async (tx) => {
      await tx.update(invitations).set({ uses: 1 }).where(eq(invitations.id, invitation!.id));
      await tx.insert(memberships).values({ clubId: seeded.club.id, userId: joiner.id, role: 'member', joinedAt: NOW + 7 });
    });
    expect(await sources()).toEqual([
      { kind: 'invitation', subjectId: invitation!.id, actorId: joiner.id, clubId: seeded.club.id, createdAt: NOW + 7 },
      { kind: 'member', subjectId: joiner.id, actorId: joiner.id, clubId: seeded.club.id, createdAt: NOW + 7 },
    ]);
  });

  it('lists a poll created, and closed once (not when closed again or reopened)', async () => {
    const [poll] = await fresh.db
      .insert(polls)
      .values({ clubId: seeded.club.id, question: '어땠어요?', kind: 'single', voters: 'anonymous', resultsVisibility: 'always', createdBy: seeded.owner.id, createdAt: NOW })
      .returning();
    await fresh.db.update(polls).set({ closedAt: NOW + 10 }).where(eq(polls.id, poll!.id));
    await fresh.db.update(polls).set({ closedAt: NOW + 20 }).where(eq(polls.id, poll!.id));
    await fresh.db.update(polls).set({ closedAt: null }).where(eq(polls.id, poll!.id));
    expect(await sources()).toEqual([
      { kind: 'poll', subjectId: poll!.id, actorId: seeded.owner.id, clubId: seeded.club.id, createdAt: NOW },
      { kind: 'poll_closed', subjectId: poll!.id, actorId: null, clubId: seeded.club.id, createdAt: NOW + 10 },
    ]);
  });

  it('lists the moderation actions that concern a member of a club, and no others', async () => {
    const member = await insertUser(fresh.db, 'moderated');
    const base = { clubId: seeded.club.id, actorId: seeded.owner.id, targetUserId: member.id, detail: {}, createdAt: NOW };
    const [hidden] = await fresh.db.insert(moderationLog).values({ ...base, action: 'hidden' }).returning();
    await fresh.db.insert(moderationLog).values({ ...base, action: 'role_changed' });
    await fresh.db.insert(moderationLog).values({ ...base, action: 'warned', targetUserId: null });
    await fresh.db.insert(moderationLog).values({ ...base, action: 'removed', clubId: null });
    expect(await sources()).toEqual([{ kind: 'moderation', subjectId: hidden!.id, actorId: seeded.owner.id, clubId: seeded.club.id, createdAt: NOW }]);
  });
});

describe('the search outbox', () => {
  beforeEach(async () => {
    await fresh.pool.query('DELETE FROM search_comment_outbox');
  });

  it('hears an insert, a change the index reads, and a delete; not other changes', async () => {
    const comment = await insertComment(fresh.db, seeded, { authorId: seeded.owner.id });
    expect(await outbox()).toEqual([comment.id]);
    await fresh.pool.query('DELETE FROM search_comment_outbox');

    await fresh.db.update(comments).set({ editedAt: NOW + 1 }).where(eq(comments.id, comment.id));
    expect(await outbox()).toEqual([]);
    for (const change of [{ body: '고쳤어요' }, { deletedAt: NOW + 2 }, { moderation: 'hidden' as const }, { visibility: 'private' as const }, { anchorPosition: 2 }]) {
      await fresh.db.update(comments).set(change).where(eq(comments.id, comment.id));
      expect(await outbox(), JSON.stringify(change)).toEqual([comment.id]);
      await fresh.pool.query('DELETE FROM search_comment_outbox');
    }
    await fresh.db.delete(comments).where(eq(comments.id, comment.id));
    expect(await outbox()).toEqual([comment.id]);
  });

  it('hears comments deleted by a cascade, and a paragraph deleted leaves the text index and its gate', async () => {
    const other = await seedClub(fresh.db, { paragraphs: ['하나.', '둘.'] });
    const a = await insertComment(fresh.db, other, { authorId: other.owner.id });
    const b = await insertComment(fresh.db, other, { authorId: other.owner.id, parentId: a.id, rootId: a.id });
    await fresh.pool.query('DELETE FROM search_comment_outbox');
    const paragraph = other.paragraphs[1]!;
    await fresh.pool.query("INSERT INTO search_paragraph_text (id, text, tokens) VALUES ($1, '둘.', to_tsvector('marginalia_search', '둘'))", [paragraph.id]);
    await fresh.pool.query('INSERT INTO search_paragraph_gate (id, edition_id, chapter_id, ordinal, position) VALUES ($1, $2, $3, 2, 2)', [
      paragraph.id,
      other.edition.id,
      other.chapter.id,
    ]);
    await fresh.db.delete(paragraphs).where(and(eq(paragraphs.id, paragraph.id)));
    const left = await fresh.pool.query<{ n: number }>(
      'SELECT (SELECT count(*) FROM search_paragraph_text WHERE id = $1) + (SELECT count(*) FROM search_paragraph_gate WHERE id = $1) AS n',
      [paragraph.id],
    );
    expect(left.rows[0]!.n).toBe(0);

    await fresh.pool.query('DELETE FROM clubs WHERE id = $1', [other.club.id]);
    expect(await outbox()).toEqual([a.id, b.id].sort((x, y) => x - y));
  });
});
