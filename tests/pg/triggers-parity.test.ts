/**
 * The triggers of both engines side by side: the same writes (plain SQL both engines read the
 * same way) on a SQLite database migrated by migrations/ and a PostgreSQL one migrated by
 * migrations/pg leave the same thread roots, the same notification sources and the same search
 * outbox, row for row.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from '../../db/connection';
import { freshDatabase, type FreshDatabase } from './helpers';

const SETUP = [
  "INSERT INTO users (username, username_key, display_name, password_hash, created_at) VALUES ('a', 'a', 'A', 'x', 1000), ('b', 'b', 'B', 'x', 1000), ('c', 'c', 'C', 'x', 1000)",
  "INSERT INTO clubs (name, language, visibility, created_at) VALUES ('Lantern', 'ko', 'private', 1000), ('Other', 'en', 'public', 1000)",
  "INSERT INTO memberships (club_id, user_id, role, joined_at) VALUES (1, 1, 'owner', 1001)",
  "INSERT INTO books (title, identity_key, language, created_at) VALUES ('등불', '등불', 'ko', 1000)",
  "INSERT INTO editions (book_id, content_hash, title, language, format, encoding, source_name, paragraph_count, chapter_count, warnings, imported_at) VALUES (1, 'h', '등불', 'ko', 'md', 'utf-8', 'a.md', 2, 1, '[]', 1000)",
  "INSERT INTO chapters (edition_id, ordinal, title, kind, depth, first_position, last_position, paragraph_count) VALUES (1, 1, '1장', 'body', 1, 1, 2, 2)",
  "INSERT INTO paragraphs (edition_id, chapter_id, ordinal, position, kind, text) VALUES (1, 1, 1, 1, 'text', '하나'), (1, 1, 2, 2, 'text', '둘')",
  'INSERT INTO readings (club_id, edition_id, started_at) VALUES (1, 1, 1000)',
];

const WRITES = [
  "INSERT INTO comments (club_id, reading_id, chapter_id, paragraph_id, anchor_position, author_id, body, created_at) VALUES (1, 1, 1, 1, 1, 1, '뿌리', 2000)",
  "INSERT INTO comments (club_id, reading_id, chapter_id, paragraph_id, parent_id, root_id, anchor_position, author_id, body, created_at) VALUES (1, 1, 1, 1, 1, 1, 1, 2, '답글', 2010)",
  "INSERT INTO comments (club_id, reading_id, chapter_id, paragraph_id, anchor_position, author_id, body, visibility, created_at) VALUES (1, 1, 1, 2, 2, 2, '메모', 'private', 2020)",
  "INSERT INTO reactions (comment_id, user_id, reaction, created_at) VALUES (1, 2, 'like', 2100), (1, 3, 'funny', 2110)",
  "INSERT INTO invitations (club_id, token_hash, role, max_uses, expires_at, created_at) VALUES (1, 't1', 'member', 5, 9000, 1000)",
  'UPDATE invitations SET uses = 0 WHERE id = 1',
  'UPDATE invitations SET uses = 1 WHERE id = 1',
  "INSERT INTO memberships (club_id, user_id, role, joined_at) VALUES (1, 2, 'member', 2200), (2, 3, 'member', 2210)",
  "INSERT INTO polls (club_id, question, kind, voters, results_visibility, created_by, created_at) VALUES (1, '어때요?', 'single', 'anonymous', 'always', 1, 2300)",
  'UPDATE polls SET closed_at = 2400 WHERE id = 1',
  'UPDATE polls SET closed_at = 2500 WHERE id = 1',
  'UPDATE polls SET closed_at = NULL WHERE id = 1',
  'UPDATE polls SET closed_at = 2600 WHERE id = 1',
  "INSERT INTO moderation_log (club_id, actor_id, action, target_user_id, detail, created_at) VALUES (1, 1, 'hidden', 2, '{}', 2700), (1, 1, 'role_changed', 2, '{}', 2701), (NULL, 1, 'removed', 2, '{}', 2702), (1, 1, 'warned', NULL, '{}', 2703), (1, NULL, 'flag_hidden', 2, '{}', 2704)",
  'DELETE FROM search_comment_outbox',
  'UPDATE comments SET edited_at = 3000 WHERE id = 1',
  "UPDATE comments SET body = '고침' WHERE id = 2",
  'DELETE FROM comments WHERE id = 3',
  'DELETE FROM paragraphs WHERE id = 2',
];

const READS = {
  comments: 'SELECT id, parent_id, root_id FROM comments ORDER BY id',
  notification_sources: 'SELECT id, kind, subject_id, actor_id, club_id, created_at FROM notification_sources ORDER BY id',
  search_comment_outbox: 'SELECT comment_id FROM search_comment_outbox ORDER BY comment_id',
};

let folder: string;
let sqlite: OpenedDatabase;
let fresh: FreshDatabase;
beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'marginalia-parity-'));
  sqlite = openDatabase(join(folder, 'parity.db'));
  fresh = await freshDatabase();
});
afterAll(async () => {
  sqlite?.sqlite.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
  await fresh?.drop();
});

it('the same writes leave the same roots, notification sources and search outbox on both engines', async () => {
  for (const statement of [...SETUP, ...WRITES]) {
    sqlite.sqlite.exec(statement);
    await fresh.pool.query(statement);
  }
  for (const [name, query] of Object.entries(READS)) {
    const fromSqlite = sqlite.sqlite.prepare(query).all();
    const fromPg = (await fresh.pool.query(query)).rows;
    expect(fromPg, name).toEqual(fromSqlite);
  }
  // Not vacuous: roots set, five kinds of source, the outbox heard the edit and the delete.
  const sources = sqlite.sqlite.prepare(READS.notification_sources).all() as { kind: string }[];
  expect(new Set(sources.map((row) => row.kind))).toEqual(new Set(['comment', 'reaction', 'invitation', 'member', 'poll', 'poll_closed', 'moderation']));
  expect(sources.filter((row) => row.kind === 'poll_closed')).toHaveLength(2);
  expect(sources.filter((row) => row.kind === 'moderation')).toHaveLength(2);
  expect(sqlite.sqlite.prepare(READS.comments).all()).toEqual([
    { id: 1, parent_id: null, root_id: 1 },
    { id: 2, parent_id: 1, root_id: 1 },
  ]);
  expect(sqlite.sqlite.prepare(READS.search_comment_outbox).all()).toEqual([{ comment_id: 2 }, { comment_id: 3 }]);
});
