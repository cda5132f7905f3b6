/**
 * Opening the database: one SQLite file, tuned for a web server with one writer process.
 *
 * - `journal_mode=WAL`: readers never block the writer and the writer never blocks readers.
 * - `synchronous=NORMAL`: in WAL mode a commit is durable against application crashes; only a
 *   power loss or OS crash can roll back the last few transactions. That is the trade SQLite's
 *   own documentation recommends for WAL, and it is several times faster than FULL for the
 *   many small writes a discussion produces (comments, progress, votes).
 * - `foreign_keys=ON`: SQLite ships with it off; our cascades and integrity depend on it.
 * - `busy_timeout=5000`: a second process (the import CLI while the server runs) waits for the
 *   write lock instead of failing with SQLITE_BUSY.
 *
 * @example
 * const { db, sqlite } = openDatabase('data/marginalia.db');
 * // … use db (Drizzle) or sqlite (better-sqlite3) …
 * sqlite.close();
 */
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema>;
export type Sqlite = Database.Database;

export const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), '../migrations');

export interface OpenedDatabase {
  db: Db;
  sqlite: Sqlite;
}

export function openDatabase(path: string, options: { migrate?: boolean } = {}): OpenedDatabase {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema });
  if (options.migrate !== false) migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return { db, sqlite };
}

/** Runs `work` in one immediate transaction: all of it is written, or none of it. */
export function inTransaction<T>(sqlite: Sqlite, work: () => T): T {
  return sqlite.transaction(work).immediate();
}
