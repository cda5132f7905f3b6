/**
 * Moving a site from SQLite to PostgreSQL (`npm run migrate-to-pg`, db/copy-to-pg.ts): a club
 * used through the app on SQLite — members, a book, comments and replies, a reaction, a poll
 * and its votes — is copied into an empty PostgreSQL database; every table's rows arrive, ids
 * continue where they stopped, and an app on PostgreSQL serves the same club to the same
 * signed-in readers (their sessions moved too), search included once its index is rebuilt.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { closeDatabase, rows } from '../../db/connection';
import { openPostgresEngine } from '../../db/connection-pg';
import { copySqliteToPostgres, CopyError, TRANSIENT_TABLES } from '../../db/copy-to-pg';
import { users } from '../../db/schema';
import { createApp } from '../../src/app';
import { rebuildSearchIndexes } from '../../src/search';
import { Client, makeTestApp, type TestApp } from '../helpers/app';
import { makeReadingRoom, type AnnotationRoom } from '../integration/annotations/room';
import { createPoll, optionIdsOf } from '../integration/polls/room';
import { freshDatabase, type FreshDatabase } from './helpers';
import { sqliteTables } from '../helpers/schema-tables';
import { getTableName } from 'drizzle-orm';

let source: TestApp;
let room: AnnotationRoom;
let target: FreshDatabase;
let report: Awaited<ReturnType<typeof copySqliteToPostgres>>;
let pollId: number;

beforeAll(async () => {
  source = await makeTestApp({ engine: 'sqlite', now: Date.now() });
  room = await makeReadingRoom({ testApp: source });
  const paragraph = room.paragraphs(1)[2]!;
  const posted = await room.alice.post(`/clubs/${room.clubId}/comments`, { paragraph_id: paragraph.id, body: '등불을 든 사람들의 침묵이 좋았어요 lanternlight' });
  expect(posted.status).toBe(303);
  const [root] = await rows<{ id: number }>(source.db, sql`select id from comments order by id desc limit 1`);
  expect((await room.bob.post(`/clubs/${room.clubId}/comments`, { paragraph_id: paragraph.id, parent_id: root!.id, body: 'I read it the same way.' })).status).toBe(303);
  pollId = await createPoll(room.owner, room.clubId);
  const [choice] = await optionIdsOf({ app: source }, pollId);
  expect((await room.alice.post(`/clubs/${room.clubId}/polls/${pollId}/vote`, { choice: choice! })).status).toBe(303);
  target = await freshDatabase({ migrate: false });
  report = await copySqliteToPostgres(source.config.databasePath, target.url);
}, 120_000);

afterAll(async () => {
  await target?.drop();
  await source?.close();
});

/** Row counts of every table of the schema in the SQLite file. */
function sqliteCounts(): Map<string, number> {
  const file = new Database(source.config.databasePath, { readonly: true });
  try {
    return new Map(sqliteTables.map((table) => [getTableName(table), (file.prepare(`select count(*) as n from "${getTableName(table)}"`).get() as { n: number }).n]));
  } finally {
    file.close();
  }
}

describe('migrate-to-pg', () => {
  it('copies every table of the schema but the transient ones, with the same number of rows', async () => {
    const counts = sqliteCounts();
    const copied = new Map(report.tables.map((t) => [t.table, t.rows]));
    for (const [table, n] of counts) {
      if (TRANSIENT_TABLES.has(table)) {
        expect(copied.has(table)).toBe(false);
        continue;
      }
      expect(copied.get(table), table).toBe(n);
      const [{ n: there }] = (await target.pool.query(`select count(*)::int as n from "${table}"`)).rows as [{ n: number }];
      expect(there, table).toBe(n);
    }
    for (const table of ['users', 'sessions', 'comments', 'paragraphs', 'poll_votes', 'memberships']) expect(counts.get(table), table).toBeGreaterThan(0);
  });

  it('keeps ids and values as they were, and new rows continue past the largest id', async () => {
    const [sqliteUser] = await source.db.select().from(users).where(sql`id = ${room.ids.alice}`);
    const { rows: pgUsers } = await target.pool.query('select id, username, is_admin, created_at from users where id = $1', [room.ids.alice]);
    expect(pgUsers[0]).toEqual({ id: sqliteUser!.id, username: sqliteUser!.username, is_admin: sqliteUser!.isAdmin, created_at: sqliteUser!.createdAt });
    const { rows: admins } = await target.pool.query('select count(*)::int as n from users where is_admin');
    expect(admins[0].n).toBe(1); // the first account, a real boolean in PostgreSQL
    const largest = Math.max(...Object.values(room.ids));
    const { rows: fresh } = await target.pool.query("insert into users (username, username_key, display_name, password_hash, created_at) values ('newcomer', 'newcomer', 'N', 'x', 1) returning id");
    expect(fresh[0].id).toBe(largest + 1);
    await target.pool.query('delete from users where id = $1', [fresh[0].id]);
  });

  it('refuses a database that already holds rows, and changes nothing there', async () => {
    const before = (await target.pool.query('select count(*)::int as n from comments')).rows[0].n;
    await expect(copySqliteToPostgres(source.config.databasePath, target.url)).rejects.toThrow(CopyError);
    expect((await target.pool.query('select count(*)::int as n from comments')).rows[0].n).toBe(before);
  });

  it('serves the same club on PostgreSQL to the same signed-in readers, search included', async () => {
    const engine = await openPostgresEngine(target.url, { max: 4 });
    try {
      await rebuildSearchIndexes(engine.db, Date.now());
      const app = createApp({ db: engine.db, config: source.config, clock: Date.now });
      const onPostgres = { ...source, app, db: engine.db } as TestApp;
      const alice = new Client(onPostgres);
      for (const [name, value] of room.alice.cookies) alice.cookies.set(name, value);
      const chapter = await alice.get(`/clubs/${room.clubId}/chapters/1`);
      expect(chapter.status).toBe(200);
      const threads = await alice.get(`/clubs/${room.clubId}/paragraphs/${room.paragraphs(1)[2]!.id}/comments`);
      const html = await threads.text();
      expect(html).toContain('등불을 든 사람들의 침묵이 좋았어요');
      expect(html).toContain('I read it the same way.');
      const found = await alice.get(`/clubs/${room.clubId}/search?q=${encodeURIComponent('lanternlight')}`);
      expect(await found.text()).toContain('lanternlight');
      const poll = await (await alice.get(`/clubs/${room.clubId}/polls/${pollId}`)).text();
      expect(poll).toMatch(/1 (vote|표)/);
    } finally {
      await closeDatabase(engine.db);
    }
  });
});
