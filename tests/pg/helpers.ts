/**
 * The PostgreSQL suite's helpers: a fresh, migrated database per test file on the suite's
 * throwaway cluster (tests/pg/global-setup.ts), and the few rows most tests need, written
 * through Drizzle with the PostgreSQL schema (so the schema's types are exercised too).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openPostgres, type OpenedPostgres, type PgDb } from '../../db/connection-pg';
import { books, chapters, clubs, comments, editions, memberships, paragraphs, readings, users } from '../../db/schema-pg';

/** A millisecond time past 2^31 (2026), so a 32-bit column would refuse it. */
export const NOW = Date.UTC(2026, 11, 2, 1, 0, 0);

export interface FreshDatabase extends OpenedPostgres {
  url: string;
  name: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** Runs `sql` on the cluster's `postgres` database (CREATE/DROP DATABASE). */
export async function onAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** An empty database of its own; migrated unless `migrate: false`. */
export async function freshDatabase(options: { migrate?: boolean } = {}): Promise<FreshDatabase> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  await onAdmin(`CREATE DATABASE ${name}`);
  const url = inject('databaseUrl').replace(/\/[^/]+$/, `/${name}`);
  const opened = await openPostgres(url, { migrate: options.migrate });
  return {
    ...opened,
    url,
    name,
    async drop() {
      await opened.pool.end();
      await onAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

export async function insertUser(db: PgDb, username: string) {
  const [user] = await db
    .insert(users)
    .values({ username, usernameKey: username.toLowerCase(), displayName: username, passwordHash: 'x', createdAt: NOW })
    .returning();
  return user!;
}

/**
 * A club with an owner, a book of one edition with one chapter of the given paragraphs, and the
 * club's current reading of it.
 */
export async function seedClub(db: PgDb, options: { paragraphs?: string[]; owner?: string } = {}) {
  const owner = await insertUser(db, options.owner ?? `owner_${randomBytes(3).toString('hex')}`);
  const [club] = await db.insert(clubs).values({ name: 'Lantern Club', language: 'ko', visibility: 'private', createdAt: NOW }).returning();
  await db.insert(memberships).values({ clubId: club!.id, userId: owner.id, role: 'owner', joinedAt: NOW });
  const texts = options.paragraphs ?? ['첫 문단.'];
  const [book] = await db
    .insert(books)
    .values({ title: '등불', identityKey: `등불 ${randomBytes(3).toString('hex')}`, language: 'ko', createdAt: NOW })
    .returning();
  const [edition] = await db
    .insert(editions)
    .values({
      bookId: book!.id,
      contentHash: randomBytes(16).toString('hex'),
      title: '등불',
      language: 'ko',
      format: 'md',
      encoding: 'utf-8',
      sourceName: 'lantern.md',
      paragraphCount: texts.length,
      chapterCount: 1,
      warnings: [],
      importedAt: NOW,
      importedBy: owner.id,
    })
    .returning();
  const [chapter] = await db
    .insert(chapters)
    .values({ editionId: edition!.id, ordinal: 1, title: '1장', kind: 'body', depth: 1, firstPosition: 1, lastPosition: texts.length, paragraphCount: texts.length })
    .returning();
  const paragraphRows = await db
    .insert(paragraphs)
    .values(texts.map((text, i) => ({ editionId: edition!.id, chapterId: chapter!.id, ordinal: i + 1, position: i + 1, kind: 'text' as const, text })))
    .returning();
  const [reading] = await db.insert(readings).values({ clubId: club!.id, editionId: edition!.id, startedAt: NOW }).returning();
  return { owner, club: club!, edition: edition!, chapter: chapter!, paragraphs: paragraphRows, reading: reading! };
}

export type Seeded = Awaited<ReturnType<typeof seedClub>>;

export async function insertComment(
  db: PgDb,
  seeded: Seeded,
  values: { authorId: number; body?: string; parentId?: number; rootId?: number; visibility?: 'club' | 'private' },
) {
  const [comment] = await db
    .insert(comments)
    .values({
      clubId: seeded.club.id,
      readingId: seeded.reading.id,
      chapterId: seeded.chapter.id,
      paragraphId: seeded.paragraphs[0]!.id,
      anchorPosition: 1,
      body: values.body ?? '좋은 문단이에요.',
      authorId: values.authorId,
      parentId: values.parentId,
      rootId: values.rootId,
      visibility: values.visibility ?? 'club',
      createdAt: NOW,
    })
    .returning();
  return comment!;
}
