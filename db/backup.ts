/**
 * Backups of the SQLite database while the server runs, and putting one back.
 *
 * A backup is `VACUUM INTO` a temporary file next to the destination: it reads one snapshot of
 * the database in a single read transaction, so the copy is consistent (every transaction
 * committed before it started, none after, nothing half-written), and in WAL mode it never
 * blocks the server's writes. We chose it over the online backup API (`sqlite.backup()`), which
 * copies pages in steps and starts over whenever another process writes in between, so under
 * steady posting a large copy may never finish. SQLite does not sync what `VACUUM INTO` writes,
 * so the copy is checked (`PRAGMA integrity_check`), flushed to disk, and only then renamed
 * into place: a backup file is either complete or absent, never a torn copy of itself.
 *
 * A restore refuses a file that is not a healthy Marginalia database of a schema this version
 * knows, and refuses while anything (a running server) has the target open. It keeps the
 * database it replaces beside it (`…before-restore-<time>`), removes stale `-wal`/`-shm`
 * files that belong to the old one, and renames the checked copy into place.
 *
 * @example
 * const result = await backupDatabase('data/marginalia.db', '/var/backups/marginalia.db');
 * const restored = restoreDatabase('/var/backups/marginalia.db', 'data/marginalia.db');
 */
import Database from 'better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { MIGRATIONS_FOLDER } from './connection';

/** A backup or restore that cannot go ahead; `message` says why in the operator's words. */
export class BackupError extends Error {}

export interface DatabaseSummary {
  /** Migrations the file has applied, oldest first. */
  migrations: number;
  /** Shipped migrations the server will apply when it next starts on the file (an older backup). */
  pendingMigrations: number;
  users: number;
  clubs: number;
  comments: number;
}

export interface BackupResult extends DatabaseSummary {
  path: string;
  bytes: number;
  milliseconds: number;
}

export interface RestoreResult extends DatabaseSummary {
  path: string;
  /** Where the database that was replaced now is (null when there was none). */
  replacedKeptAt: string | null;
}

/** Copies the database at `sourcePath` (which a server may be using) to `destinationPath`. */
export function backupDatabase(sourcePath: string, destinationPath: string, now = Date.now()): BackupResult {
  const started = performance.now();
  const source = resolve(sourcePath);
  const destination = resolve(destinationPath);
  if (source === destination) throw new BackupError('The backup file cannot be the database itself.');
  if (!existsSync(source)) throw new BackupError(`There is no database at ${source} (set DATABASE_PATH).`);
  mkdirSync(dirname(destination), { recursive: true });
  const temporary = temporaryPathFor(destination, 'backup', now);

  try {
    const database = new Database(source, { fileMustExist: true });
    try {
      database.pragma('busy_timeout = 5000');
      database.prepare('VACUUM INTO ?').run(temporary);
    } finally {
      database.close();
    }
    const summary = checkDatabaseFile(temporary, `the copy of ${source}`);
    flushToDisk(temporary);
    renameSync(temporary, destination);
    flushToDisk(dirname(destination));
    return { path: destination, bytes: statSync(destination).size, milliseconds: Math.round(performance.now() - started), ...summary };
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * Puts the backup at `backupPath` in place of the database at `targetPath`. The server must be
 * stopped: while any connection has the target open this refuses and changes nothing.
 */
export function restoreDatabase(backupPath: string, targetPath: string, now = Date.now()): RestoreResult {
  const backup = resolve(backupPath);
  const target = resolve(targetPath);
  if (backup === target) throw new BackupError('The backup file is the database itself.');
  if (!existsSync(backup)) throw new BackupError(`There is no backup at ${backup}.`);
  if (existsSync(`${backup}-wal`) && statSync(`${backup}-wal`).size > 0) {
    // Recent commits of that database live in the WAL, which a copy of the main file misses.
    throw new BackupError(`${backup} has a -wal file beside it: it is a live database, not a backup. Make one with npm run backup.`);
  }
  mkdirSync(dirname(target), { recursive: true });

  // Check the very bytes that will be installed: a copy on the target's file system, so the
  // final rename is atomic.
  const temporary = temporaryPathFor(target, 'restore', now);
  try {
    copyFileSync(backup, temporary);
    const summary = checkDatabaseFile(temporary, backup);
    flushToDisk(temporary);

    let replacedKeptAt: string | null = null;
    if (existsSync(target)) {
      settleUnused(target);
      replacedKeptAt = join(dirname(target), `${basename(target)}.before-restore-${stamp(now)}`);
      renameSync(target, replacedKeptAt);
    }
    // Journal files left beside the target belong to the database that was there; SQLite would
    // replay a stale WAL into the restored file.
    for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${target}${suffix}`, { force: true });
    renameSync(temporary, target);
    flushToDisk(dirname(target));
    return { path: target, replacedKeptAt, ...summary };
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * Opens a database file on its own and checks it is whole and ours: `PRAGMA integrity_check`
 * says ok, and the migrations it has applied are the shipped ones (all, or the first few of an
 * older version, which the server applies at start-up). Anything else is refused.
 */
export function checkDatabaseFile(path: string, name = path): DatabaseSummary {
  let database: Database.Database;
  try {
    database = new Database(path, { fileMustExist: true });
  } catch (error) {
    throw new BackupError(`${name} cannot be opened as an SQLite database (${(error as Error).message}).`);
  }
  try {
    let problems: string[];
    try {
      problems = (database.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check);
    } catch (error) {
      throw new BackupError(`${name} is not a healthy SQLite database (${(error as Error).message}).`);
    }
    if (problems.length !== 1 || problems[0] !== 'ok') {
      throw new BackupError(`${name} failed PRAGMA integrity_check: ${problems.slice(0, 5).join('; ')}`);
    }
    const hasMigrations = database.prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get();
    if (!hasMigrations) throw new BackupError(`${name} is not a Marginalia database (it has no migration history).`);
    const applied = database.prepare('select hash, created_at as createdAt from __drizzle_migrations order by created_at, rowid').all() as { hash: string; createdAt: number }[];
    const shipped = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER });
    const known = applied.length <= shipped.length && applied.every((row, i) => row.hash === shipped[i]!.hash && Number(row.createdAt) === shipped[i]!.folderMillis);
    if (!known) {
      throw new BackupError(
        `${name} has a migration history this version of Marginalia does not know (${applied.length} applied, ${shipped.length} shipped): ` +
          'it was made by a newer or different version. Restore it with the version that made it.',
      );
    }
    const count = (table: string) => (database.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    return { migrations: applied.length, pendingMigrations: shipped.length - applied.length, users: count('users'), clubs: count('clubs'), comments: count('comments') };
  } finally {
    database.close();
  }
}

/**
 * Makes sure nothing has `path` open, then folds its WAL back into the file so the copy kept
 * aside is complete on its own. SQLite's own locks tell: a connection in WAL mode holds a shared
 * lock for as long as it is open, so an exclusive lock (taken without waiting) means no server.
 */
function settleUnused(path: string): void {
  const database = new Database(path, { fileMustExist: true, timeout: 0 });
  try {
    database.pragma('locking_mode = EXCLUSIVE');
    try {
      database.exec('BEGIN EXCLUSIVE');
      database.exec('COMMIT');
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
        throw new BackupError(`${path} is in use (is the server running?). Stop the server, then restore.`);
      }
      throw error;
    }
    if (database.pragma('journal_mode', { simple: true }) === 'wal') database.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    database.close();
  }
}

function temporaryPathFor(path: string, purpose: string, now: number): string {
  return join(dirname(path), `.${basename(path)}.${purpose}-${stamp(now)}-${process.pid}.tmp`);
}

function stamp(now: number): string {
  return new Date(now).toISOString().replace(/[-:]/g, '').replace(/\..*$/, 'Z');
}

/** fsync a file or a folder (so a rename in it is on disk too). */
function flushToDisk(path: string): void {
  const descriptor = openSync(path, 'r');
  try {
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}
