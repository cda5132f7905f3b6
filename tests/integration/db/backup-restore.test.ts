/**
 * Issue #16, durability: `npm run backup -- FILE` while a real server takes comment posts, and
 * `npm run restore -- FILE` into a fresh data path that a fresh server then serves. Restore
 * refuses what it must not put in place: a damaged file, another version's schema, a file that
 * is not ours, and a target a server has open.
 *
 * SQLite's own behaviour (its online backup, its files and journals): these tests open the
 * files with better-sqlite3 directly, and run on SQLite only.
 */
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupError, backupDatabase, restoreDatabase } from '../../../db/backup';
import { openDatabase } from '../../../db/connection';
import { CommentWriters, integrityCheck, missingFrom, seedCommentRoom, writtenComments, type AcknowledgedComment } from '../../helpers/comment-writers';
import { ROOT, serverWorkspace, stopServer } from '../../helpers/server';

/** Migrations this version ships (each area's branch may add one). */
const SHIPPED = (JSON.parse(readFileSync(join(ROOT, 'migrations/meta/_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;

const SERVER_ENV = { POSTING_RATE_LIMIT: '1000000' };

/** Runs `npm run backup|restore -- file` as the operator would (the script through tsx). */
async function runScript(script: 'backup' | 'restore', file: string, databasePath: string) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', `db/cli-${script}.ts`, file], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_PATH: databasePath },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function commentCount(path: string): number {
  const sqlite = new Database(path, { readonly: true });
  try {
    return (sqlite.prepare('select count(*) as n from comments').get() as { n: number }).n;
  } finally {
    sqlite.close();
  }
}

describe('backup while the server writes, and restore into a fresh server', () => {
  const workspace = serverWorkspace('marginalia-backup-');
  const dir = workspace.dir;

  it('copies everything committed before it began, consistently, without stopping the writes', async () => {
    const databasePath = join(dir, 'live', 'marginalia.db');
    const room = await seedCommentRoom(databasePath);
    const server = await workspace.start(databasePath, SERVER_ENV);
    const writers = new CommentWriters(server.url, room, 4);
    writers.start();
    await writers.whenAcknowledged(100);

    const before: AcknowledgedComment[] = [...writers.acknowledged];
    const backupPath = join(dir, 'backups', 'marginalia-1.db');
    const backup = await runScript('backup', backupPath, databasePath);
    const acknowledgedDuring = writers.acknowledged.length - before.length;
    await writers.stop();
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(new RegExp(`^backed up to .*marginalia-1\\.db: \\d+ bytes, 7 users, 1 clubs, \\d+ comments, integrity ok, ${SHIPPED} migrations`));
    // The server kept taking posts while the copy was made.
    expect(acknowledgedDuring).toBeGreaterThan(0);
    expect(writers.refused).toEqual([]);
    // Only the finished file is left: no temporary copy beside it.
    expect(readdirSync(join(dir, 'backups'))).toEqual(['marginalia-1.db']);

    const copy = new Database(backupPath, { readonly: true });
    try {
      expect(integrityCheck(copy)).toEqual(['ok']);
      const { byBody, problems } = writtenComments(copy);
      expect(problems).toEqual([]);
      expect(missingFrom(byBody, before)).toEqual([]);
      expect(byBody.size).toBeLessThanOrEqual(writers.acknowledged.length);
    } finally {
      copy.close();
    }

    // Restoring over the database the server has open is refused, and changes nothing.
    const countBefore = commentCount(databasePath);
    const refused = await runScript('restore', backupPath, databasePath);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is in use (is the server running?)');
    expect(commentCount(databasePath)).toBe(countBefore);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(readdirSync(join(dir, 'live')).filter((name) => !name.startsWith('marginalia.db'))).toEqual([]);

    // Restored into a fresh data path, a fresh server serves it.
    const freshPath = join(dir, 'fresh', 'data', 'marginalia.db');
    const restored = await runScript('restore', backupPath, freshPath);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain(`to ${freshPath}: 7 users, 1 clubs`);
    const fresh = await workspace.start(freshPath, SERVER_ENV);
    const sample = before[before.length - 1]!;
    const thread = await fetch(`${fresh.url}/clubs/${room.clubId}/paragraphs/${sample.paragraphId}/comments`, {
      headers: { cookie: `marginalia_session=${room.tokens[0]}`, 'hx-request': 'true' },
    });
    expect(thread.status).toBe(200);
    expect(await thread.text()).toContain(sample.body);
    const restoredCopy = new Database(freshPath, { readonly: true });
    try {
      expect(missingFrom(writtenComments(restoredCopy).byBody, before)).toEqual([]);
    } finally {
      restoredCopy.close();
    }
    expect((await stopServer(fresh)).code).toBe(0);
    expect((await stopServer(server)).code).toBe(0);
  }, 90_000);
});

describe('restore refuses what it must not put in place', () => {
  let dir: string;
  let good: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'marginalia-restore-'));
    const { sqlite } = openDatabase(join(dir, 'source.db'));
    sqlite.prepare("insert into users (username, username_key, display_name, password_hash, created_at) values ('minji', 'minji', '민지', 'x', 0)").run();
    sqlite.close();
    good = join(dir, 'good.db');
    backupDatabase(join(dir, 'source.db'), good);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A copy of the good backup changed by `change`. */
  function variant(name: string, change: (sqlite: Database.Database) => void): string {
    const path = join(dir, name);
    copyFileSync(good, path);
    const sqlite = new Database(path);
    change(sqlite);
    sqlite.close();
    return path;
  }

  function expectRefused(file: string, message: RegExp) {
    const target = join(dir, `target-${Math.random().toString(36).slice(2)}`, 'marginalia.db');
    restoreDatabase(good, target);
    const bytes = readFileSync(target);
    expect(() => restoreDatabase(file, target)).toThrow(BackupError);
    expect(() => restoreDatabase(file, target)).toThrow(message);
    // The target is untouched, and no temporary file is left beside it.
    expect(readFileSync(target).equals(bytes)).toBe(true);
    expect(readdirSync(join(target, '..'))).toEqual(['marginalia.db']);
  }

  it('a file that fails PRAGMA integrity_check', () => {
    const damaged = join(dir, 'damaged.db');
    const bytes = readFileSync(good);
    const pageSize = bytes.readUInt16BE(16);
    // Scribble over the b-tree pages after the schema page.
    for (let offset = pageSize; offset < bytes.length; offset += 97) bytes[offset] = (bytes[offset]! + 0x5a) & 0xff;
    writeFileSync(damaged, bytes);
    expectRefused(damaged, /integrity_check|not a healthy SQLite database/);
  });

  it('a database with a migration this version does not ship, or a changed one', () => {
    expectRefused(
      variant('newer.db', (sqlite) => sqlite.prepare("insert into __drizzle_migrations (hash, created_at) values ('f00d', 9999999999999)").run()),
      new RegExp(`migration history this version of Marginalia does not know \\(${SHIPPED + 1} applied, ${SHIPPED} shipped\\)`),
    );
    expectRefused(
      variant('changed.db', (sqlite) => sqlite.prepare("update __drizzle_migrations set hash = 'changed' where rowid = (select max(rowid) from __drizzle_migrations)").run()),
      /does not know/,
    );
  });

  it('files that are not Marginalia databases', () => {
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'these are not the pages you are looking for\n'.repeat(200));
    expectRefused(text, /not a healthy SQLite database|cannot be opened/);
    const other = join(dir, 'other.db');
    new Database(other).exec('create table notes (body text)');
    expectRefused(other, /not a Marginalia database/);
    expect(() => restoreDatabase(join(dir, 'missing.db'), join(dir, 'anywhere.db'))).toThrow(/There is no backup/);
    // A live database (its latest commits in the WAL beside it) is not a backup.
    const live = join(dir, 'live.db');
    const { sqlite } = openDatabase(live);
    sqlite.prepare("insert into users (username, username_key, display_name, password_hash, created_at) values ('live', 'live', 'Live', 'x', 0)").run();
    try {
      expectRefused(live, /it is a live database, not a backup/);
    } finally {
      sqlite.close();
    }
  });

  it('accepts an older backup (the server applies the newer migrations at start-up)', () => {
    const older = variant('older.db', (sqlite) => sqlite.prepare('delete from __drizzle_migrations where rowid = (select max(rowid) from __drizzle_migrations)').run());
    const result = restoreDatabase(older, join(dir, 'older-target', 'marginalia.db'));
    expect(result).toMatchObject({ migrations: SHIPPED - 1, pendingMigrations: 1, users: 1 });
  });

  it('keeps the database it replaces, and removes journal files that belong to it', () => {
    const target = join(dir, 'replace', 'marginalia.db');
    const { sqlite } = openDatabase(target);
    sqlite.prepare("insert into users (username, username_key, display_name, password_hash, created_at) values ('dohyun', 'dohyun', '도현', 'x', 0)").run();
    sqlite.close();
    writeFileSync(`${target}-wal`, 'stale');
    writeFileSync(`${target}-shm`, 'stale');

    const result = restoreDatabase(good, target, Date.UTC(2026, 10, 1, 9, 30));
    expect(result.replacedKeptAt).toBe(`${target}.before-restore-20261101T093000Z`);
    expect(existsSync(`${target}-wal`)).toBe(false);
    expect(existsSync(`${target}-shm`)).toBe(false);
    const names = (path: string) => {
      const db = new Database(path, { readonly: true });
      try {
        return db.prepare('select username from users order by id').pluck().all();
      } finally {
        db.close();
      }
    };
    expect(names(target)).toEqual(['minji']);
    expect(names(result.replacedKeptAt!)).toEqual(['dohyun']);
    expect(statSync(target).size).toBe(statSync(good).size);
  });

  it('and backup refuses to write over the database itself or copy one that is not there', () => {
    expect(() => backupDatabase(good, good)).toThrow(/cannot be the database itself/);
    expect(() => backupDatabase(join(dir, 'nothing.db'), join(dir, 'out.db'))).toThrow(/There is no database/);
    expect(existsSync(join(dir, 'out.db'))).toBe(false);
  });
});
