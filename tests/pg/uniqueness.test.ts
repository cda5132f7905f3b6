/**
 * The uniqueness rules of the schema hold in PostgreSQL, also under concurrent writers on
 * separate pools (as two app processes would be): one ballot per member per poll, one current
 * reading and one running meeting per club, one flag per member per comment, one account per
 * lower-cased username, one unread notification per group; NULLs stay distinct as in SQLite.
 */
import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type OpenedPostgres } from '../../db/connection-pg';
import { commentFlags, meetingSessions, notificationMails, notifications, polls, pollVotes, readings, users } from '../../db/schema-pg';
import { freshDatabase, insertComment, insertUser, NOW, seedClub, type FreshDatabase, type Seeded } from './helpers';

let fresh: FreshDatabase;
let second: OpenedPostgres;
let seeded: Seeded;
beforeAll(async () => {
  fresh = await freshDatabase();
  second = await openPostgres(fresh.url, { migrate: false });
  seeded = await seedClub(fresh.db);
});
afterAll(async () => {
  await second?.pool.end();
  await fresh?.drop();
});

/** The PostgreSQL error code of a rejected promise (23505: unique_violation). */
async function codeOf(promise: Promise<unknown>): Promise<string | null> {
  try {
    await promise;
    return null;
  } catch (error) {
    const cause = error instanceof pg.DatabaseError ? error : (error as { cause?: unknown }).cause;
    return cause instanceof pg.DatabaseError ? (cause.code ?? 'no code') : `not a database error: ${String(error)}`;
  }
}

async function newPoll() {
  const [poll] = await fresh.db
    .insert(polls)
    .values({ clubId: seeded.club.id, question: '어느 쪽?', kind: 'single', voters: 'anonymous', resultsVisibility: 'always', createdAt: NOW })
    .returning();
  return poll!;
}

describe('one ballot per member', () => {
  it('rejects a second ballot of the same member', async () => {
    const poll = await newPoll();
    await fresh.db.insert(pollVotes).values({ pollId: poll.id, userId: seeded.owner.id, createdAt: NOW, updatedAt: NOW });
    expect(await codeOf(fresh.db.insert(pollVotes).values({ pollId: poll.id, userId: seeded.owner.id, createdAt: NOW, updatedAt: NOW }))).toBe('23505');
    const other = await insertUser(fresh.db, 'second_voter');
    expect(await codeOf(fresh.db.insert(pollVotes).values({ pollId: poll.id, userId: other.id, createdAt: NOW, updatedAt: NOW }))).toBeNull();
  });

  it('leaves one ballot after forty simultaneous votes from one member through two pools', async () => {
    const poll = await newPoll();
    const member = await insertUser(fresh.db, 'eager_voter');
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? second.db : fresh.db)
          .insert(pollVotes)
          .values({ pollId: poll.id, userId: member.id, createdAt: NOW + i, updatedAt: NOW + i })
          .onConflictDoUpdate({ target: [pollVotes.pollId, pollVotes.userId], set: { updatedAt: sql`excluded.updated_at` } }),
      ),
    );
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    const ballots = await fresh.db.select().from(pollVotes).where(eq(pollVotes.pollId, poll.id));
    expect(ballots).toHaveLength(1);

    const plain = await newPoll();
    const codes = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        codeOf((i % 2 ? second.db : fresh.db).insert(pollVotes).values({ pollId: plain.id, userId: member.id, createdAt: NOW, updatedAt: NOW })),
      ),
    );
    expect(codes.filter((code) => code === null)).toHaveLength(1);
    expect(codes.filter((code) => code === '23505')).toHaveLength(39);
  });
});

describe('the other unique rules', () => {
  it('one current reading per club (a partial unique index), any number of ended ones', async () => {
    const current = { clubId: seeded.club.id, editionId: seeded.edition.id, startedAt: NOW };
    expect(await codeOf(fresh.db.insert(readings).values(current))).toBe('23505');
    expect(await codeOf(fresh.db.insert(readings).values({ ...current, endedAt: NOW + 1 }))).toBeNull();
    expect(await codeOf(fresh.db.insert(readings).values({ ...current, endedAt: NOW + 2 }))).toBeNull();
  });

  it('one running meeting per club', async () => {
    const meeting = { clubId: seeded.club.id, readingId: seeded.reading.id, chapterId: seeded.chapter.id, startedAt: NOW };
    expect(await codeOf(fresh.db.insert(meetingSessions).values(meeting))).toBeNull();
    expect(await codeOf(fresh.db.insert(meetingSessions).values(meeting))).toBe('23505');
  });

  it('one flag per member per comment', async () => {
    const comment = await insertComment(fresh.db, seeded, { authorId: seeded.owner.id });
    const flagger = await insertUser(fresh.db, 'flagger');
    const flag = { clubId: seeded.club.id, commentId: comment.id, flaggerId: flagger.id, reason: 'spam' as const, createdAt: NOW };
    expect(await codeOf(fresh.db.insert(commentFlags).values(flag))).toBeNull();
    expect(await codeOf(fresh.db.insert(commentFlags).values({ ...flag, reason: 'rude', resolvedAt: NOW }))).toBe('23505');
  });

  it('one account per lower-cased username', async () => {
    await insertUser(fresh.db, 'Haneul');
    expect(await codeOf(fresh.db.insert(users).values({ username: 'HANEUL', usernameKey: 'haneul', displayName: 'x', passwordHash: 'x', createdAt: NOW }))).toBe('23505');
  });

  it('one unread notification per group; read ones and ungrouped ones repeat', async () => {
    const row = { recipientId: seeded.owner.id, clubId: seeded.club.id, kind: 'reactions' as const, facts: { commentId: 1 }, groupKey: 'reactions:1', createdAt: NOW, updatedAt: NOW };
    expect(await codeOf(fresh.db.insert(notifications).values(row))).toBeNull();
    expect(await codeOf(fresh.db.insert(notifications).values(row))).toBe('23505');
    expect(await codeOf(fresh.db.insert(notifications).values({ ...row, readAt: NOW }))).toBeNull();
    expect(await codeOf(fresh.db.insert(notifications).values({ ...row, groupKey: null }))).toBeNull();
    expect(await codeOf(fresh.db.insert(notifications).values({ ...row, groupKey: null }))).toBeNull();
  });

  it('one digest per reader, kind and period; mails without a period are distinct (NULLs distinct, as in SQLite)', async () => {
    const mail = { recipientId: seeded.owner.id, kind: 'daily' as const, periodKey: '2026-12-02', nextAttemptAt: NOW, messageId: 'm', createdAt: NOW };
    expect(await codeOf(fresh.db.insert(notificationMails).values(mail))).toBeNull();
    expect(await codeOf(fresh.db.insert(notificationMails).values(mail))).toBe('23505');
    const instant = { ...mail, kind: 'instant' as const, periodKey: null };
    expect(await codeOf(fresh.db.insert(notificationMails).values(instant))).toBeNull();
    expect(await codeOf(fresh.db.insert(notificationMails).values(instant))).toBeNull();
  });
});
