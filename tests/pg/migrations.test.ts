/**
 * migrations/pg, applied through drizzle's node-postgres migrator (db/connection-pg.ts): every
 * table and column of the SQLite schema exists in PostgreSQL with its nullability, the custom
 * migration's tables, functions and triggers exist, rows come back with the SQLite schema's
 * JavaScript values, and applying the migrations again (or from two connections at once) is safe.
 */
import { eq, getTableColumns } from 'drizzle-orm';
import { getTableConfig } from 'drizzle-orm/sqlite-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openPostgres, PG_MIGRATIONS_FOLDER } from '../../db/connection-pg';
import * as sqliteSchema from '../../db/schema';
import { pendingImports, sessions, users } from '../../db/schema-pg';
import { sqliteTables } from '../helpers/schema-tables';
import { freshDatabase, NOW, seedClub, type FreshDatabase } from './helpers';


/** The search tables SQLite makes by hand (FTS5 and friends), made by hand here too. */
const SEARCH_TABLES = [
  'search_paragraph_text',
  'search_comment_text',
  'search_indexed_editions',
  'search_comment_outbox',
  'search_comment_gate',
  'search_reading_versions',
  'search_paragraph_gate',
];

const TRIGGERS = [
  'comments_root_is_itself',
  'notify_comment_posted',
  'notify_reaction_given',
  'notify_member_joined',
  'notify_invitation_used',
  'notify_poll_created',
  'notify_poll_closed',
  'notify_moderation_logged',
  'search_comment_inserted',
  'search_comment_changed',
  'search_comment_gone',
  'search_paragraph_gone',
];

let fresh: FreshDatabase;
beforeAll(async () => {
  fresh = await freshDatabase();
});
afterAll(async () => {
  await fresh?.drop();
});

/** How many migrations migrations/pg holds (its drizzle-kit journal). */
const MIGRATION_COUNT = (JSON.parse(readFileSync(join(PG_MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;

describe('migrations/pg', () => {
  it('makes every table and column of the SQLite schema, with the same nullability', async () => {
    const { rows } = await fresh.pool.query<{ table_name: string; column_name: string; is_nullable: 'YES' | 'NO' }>(
      "SELECT table_name, column_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public'",
    );
    const actual = new Map(rows.map((row) => [`${row.table_name}.${row.column_name}`, row.is_nullable === 'NO']));
    expect(sqliteTables.length).toBeGreaterThan(40);
    for (const table of sqliteTables) {
      const config = getTableConfig(table);
      for (const column of config.columns) {
        expect(actual.get(`${config.name}.${column.name}`), `${config.name}.${column.name}`).toBe(column.notNull);
      }
    }
    for (const table of SEARCH_TABLES) expect([...actual.keys()].some((key) => key.startsWith(`${table}.`)), table).toBe(true);
  });

  it('makes every trigger of the SQLite migrations, and the search extensions', async () => {
    const triggers = await fresh.pool.query<{ tgname: string }>('SELECT tgname FROM pg_trigger WHERE NOT tgisinternal');
    expect(triggers.rows.map((row) => row.tgname).sort()).toEqual([...TRIGGERS].sort());
    const extensions = await fresh.pool.query<{ extname: string }>('SELECT extname FROM pg_extension');
    expect(extensions.rows.map((row) => row.extname)).toEqual(expect.arrayContaining(['pg_trgm', 'unaccent']));
  });

  it('gives rows back with the JavaScript values the SQLite schema gives (times past 2^31, booleans, JSON, bytes)', async () => {
    const later = NOW + 86_400_000;
    const [user] = await fresh.db
      .insert(users)
      .values({ username: 'Minji', usernameKey: 'minji', displayName: '민지', passwordHash: 'h', isAdmin: true, createdAt: NOW, suspendedAt: later })
      .returning();
    expect(user).toMatchObject({ isAdmin: true, fontStep: 0, createdAt: NOW, suspendedAt: later, locale: null });
    expect(typeof user!.id).toBe('number');

    const secret = Buffer.from([0, 1, 2, 254, 255]);
    await fresh.db.insert(sessions).values({ id: 'sid', secretHash: secret, userId: user!.id, createdAt: NOW, expiresAt: later });
    const [session] = await fresh.db.select().from(sessions).where(eq(sessions.id, 'sid'));
    expect(Buffer.isBuffer(session!.secretHash)).toBe(true);
    expect(session!.secretHash.equals(secret)).toBe(true);
    expect(session!.expiresAt).toBe(later);

    const overrides = { title: '등불 "하나"', language: 'ko' };
    await fresh.db.insert(pendingImports).values({ id: 'p1', userId: user!.id, filename: 'a.md', bytes: Buffer.from('# 1'), overrides, createdAt: NOW });
    const [pending] = await fresh.db.select().from(pendingImports);
    expect(pending!.overrides).toEqual(overrides);

    const seeded = await seedClub(fresh.db);
    expect(seeded.edition.warnings).toEqual([]);
    expect(seeded.edition.direction).toBe('ltr');
    expect(seeded.paragraphs.map((p) => p.depth)).toEqual([0]);
    // Every column of the PostgreSQL table is read back under the SQLite schema's property names.
    expect(Object.keys(user!).sort()).toEqual(Object.keys(getTableColumns(sqliteSchema.users)).sort());
    // count(*) is int8: read as a number on this pool, as SQLite gives it.
    const count = await fresh.pool.query<{ n: number }>('SELECT count(*) AS n FROM users');
    expect(count.rows[0]!.n).toBe(2);
  });

  it('applies nothing twice: opening again, and two processes at once, find everything applied', async () => {
    const before = await fresh.pool.query<{ n: number }>('SELECT count(*) AS n FROM drizzle.__drizzle_migrations');
    expect(before.rows[0]!.n).toBe(MIGRATION_COUNT);
    const [a, b] = await Promise.all([openPostgres(fresh.url, { max: 2 }), openPostgres(fresh.url, { max: 2 })]);
    await Promise.all([a.pool.end(), b.pool.end()]);
    const after = await fresh.pool.query<{ n: number }>('SELECT count(*) AS n FROM drizzle.__drizzle_migrations');
    expect(after.rows[0]!.n).toBe(MIGRATION_COUNT);
  });

  it('applies every migration from empty with two processes starting at once', async () => {
    const empty = await freshDatabase({ migrate: false });
    try {
      const opened = await Promise.all([openPostgres(empty.url, { max: 2 }), openPostgres(empty.url, { max: 2 })]);
      await Promise.all(opened.map((o) => o.pool.end()));
      const applied = await empty.pool.query<{ n: number }>('SELECT count(*) AS n FROM drizzle.__drizzle_migrations');
      expect(applied.rows[0]!.n).toBe(MIGRATION_COUNT);
    } finally {
      await empty.drop();
    }
  });
});
