/**
 * Opening the database: one SQLite file, tuned for a web server with one writer process.
 *
 * - `journal_mode=WAL`: readers never block the writer and the writer never blocks readers.
 * - `synchronous=FULL` (the default): every commit is flushed to disk (the WAL is fsynced) before
 *   the write returns, so a comment the app has answered "saved" survives a power cut or an OS
 *   crash, not only a crash of the app. `NORMAL` (an operator's choice, `DATABASE_SYNCHRONOUS`)
 *   syncs only at checkpoints: still never corrupt, still durable across a crash of the app
 *   (`kill -9`), but a power cut can roll back the transactions committed since the last
 *   checkpoint. Measured here, FULL adds 0.1–0.3 ms of fsync to each commit; see the README.
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

/** How hard a commit waits for the disk (see the file comment). */
export type Synchronous = 'full' | 'normal';

export function openDatabase(path: string, options: { migrate?: boolean; synchronous?: Synchronous } = {}): OpenedDatabase {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  cacheStatements(sqlite);
  const db = drizzle(sqlite, { schema });
  if (options.migrate !== false) migrateAlongsideOthers(db);
  return { db, sqlite };
}

/**
 * Applies the pending migrations, when other processes may be starting on the same file at the
 * same moment (two app processes, or the import CLI beside the server). Drizzle applies them in
 * one transaction that reads the applied list before it takes the write lock, so the second of
 * two processes can find a table the first has just created. Its transaction rolls back whole;
 * trying again reads the list anew, and finds everything already applied.
 */
function migrateAlongsideOthers(db: Db, attempts = 5): void {
  for (let attempt = 1; ; attempt++) {
    try {
      migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100 * attempt);
    }
  }
}

/**
 * Keeps prepared statements by their SQL text. Drizzle prepares a new statement for every query
 * it runs; compiling the same SQL again on every request was the largest single cost of a
 * comment post (measured: about a third of it). Statements are reset to plain object rows on
 * reuse, since Drizzle switches some to array rows (`raw()`). At most `limit` are kept.
 */
export function cacheStatements(sqlite: Sqlite, limit = 500): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const statements = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    let statement = statements.get(source);
    if (statement) {
      statements.delete(source);
      if (statement.reader) statement.raw(false).pluck(false).expand(false);
    } else {
      statement = prepare(source);
      if (statements.size >= limit) statements.delete(statements.keys().next().value!);
    }
    statements.set(source, statement);
    return statement;
  }) as typeof sqlite.prepare;
}

const preparedQueries = new WeakMap<Db, Map<string, unknown>>();

/**
 * A Drizzle query built and prepared once per database, for the queries every request runs
 * (session, club access): building a query costs more than running it.
 *
 * @example
 * const bySessionId = prepared(db, 'session-by-id', (db) =>
 *   db.select().from(sessions).where(eq(sessions.id, sql.placeholder('id'))).prepare());
 * bySessionId.get({ id });
 */
export function prepared<T>(db: Db, name: string, build: (db: Db) => T): T {
  let queries = preparedQueries.get(db);
  if (!queries) preparedQueries.set(db, (queries = new Map()));
  if (!queries.has(name)) queries.set(name, build(db));
  return queries.get(name) as T;
}

/** Runs `work` in one immediate transaction: all of it is written, or none of it. */
export function inTransaction<T>(sqlite: Sqlite, work: () => T): T {
  return sqlite.transaction(work).immediate();
}

const stamps = new WeakMap<Sqlite, () => string>();

/**
 * A stamp that moves whenever anything in the database may have changed: a row written by this
 * connection (`total_changes()`, which counts every insert, update and delete it made, rolled
 * back or not) or a commit by any other connection, another process included (`data_version`).
 * Caches of facts read from the database (the session of a cookie, the answer to a request)
 * keep the stamp read *before* they read, and are worth nothing once it has moved: a sign-out,
 * a ban or a role change written anywhere takes effect on the very next request. Costs one
 * statements (well under a microsecond).
 *
 * @example
 * const stamp = changeStamp(sqlite);
 * const before = stamp();
 * const facts = readFacts();
 * // … later: facts still hold exactly when stamp() === before
 */
export function changeStamp(sqlite: Sqlite): () => string {
  let stamp = stamps.get(sqlite);
  if (!stamp) {
    // Prepared past the statement cache (cacheStatements), which would hand the same statement
    // to anyone preparing the same text and switch `pluck` off; plucked, the two cost ~0.3 µs.
    const prepare = (source: string) => Database.prototype.prepare.call(sqlite, source).pluck();
    const changes = prepare('select total_changes()');
    const version = prepare('pragma data_version');
    stamp = () => `${changes.get() as number}.${version.get() as number}`;
    stamps.set(sqlite, stamp);
  }
  return stamp;
}

/** Runs one write of small shared rows (see {@link lightWriter}) on the connection it is given. */
export type LightWrite = <T>(write: (db: Db) => T) => T;

/**
 * How to write the small shared rows several app processes coordinate through (rate-limit
 * counters, the shared event log; db/schema/shared.ts) without waiting for the disk: each such
 * write commits with `synchronous=NORMAL`, set for that one commit and put back at once
 * (measured here: the fsync of a FULL commit is 1–3 ms, on the request path). In WAL mode
 * NORMAL is never corrupt; a power cut may lose the last of those rows, which only forgives a
 * rate limit or lets a cache reach its age limit. Every other commit stays as durable as
 * configured, and the next FULL commit syncs the WAL with whatever frames came before it.
 *
 * The same connection, not a second one: a commit from another connection makes this one drop
 * its whole page cache at its next read (measured: about 1 ms more per posting request). Inside
 * a transaction, the write simply joins it.
 *
 * @example
 * const write = lightWriter({ db, sqlite });
 * write((db) => db.insert(sharedEvents).values(row).run());
 */
export function lightWriter(opened: OpenedDatabase): LightWrite {
  const { db, sqlite } = opened;
  const full = sqlite.pragma('synchronous', { simple: true }) === 2;
  return (write) => {
    if (!full || sqlite.inTransaction) return write(db);
    sqlite.pragma('synchronous = NORMAL');
    try {
      return write(db);
    } finally {
      sqlite.pragma('synchronous = FULL');
    }
  };
}
