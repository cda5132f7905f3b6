/**
 * Opening the database, and the one handle every area's queries are written against.
 *
 * **One set of queries, two engines.** Areas build queries with Drizzle's query builder on a
 * {@link Db} and `await` them; the same code runs on SQLite (this file, the default) and on
 * PostgreSQL (db/connection-pg.ts, chosen by `DATABASE_URL`). Rules that keep it so
 * (docs/postgres.md, "Writing queries for both engines"; a test in `npm test` checks the first):
 *
 * - Execute a builder by awaiting it: `await db.select()…` gives the rows, `.returning()` the
 *   written rows. Never `.get()`, `.all()`, `.run()` or `.values()`: PostgreSQL's builders have
 *   none. The first row is `first(await …)`; "did it change a row" is `.returning({ id })`.
 * - Raw SQL goes through {@link rows} / {@link execute}, and is written once when both engines
 *   read it alike, or per engine with {@link engineOf}.
 * - Several statements that must land together go in {@link transaction}, and every query in
 *   its body uses the `tx` handle it is given (and passes it on to the functions it calls).
 *
 * **SQLite** is better-sqlite3 (synchronous) under Drizzle's async SQLite API, on our own session
 * (db/sqlite-session.ts), so awaiting costs a microtask, not a thread hop. A transaction spans awaits, so while one is
 * open every query on the outer handle waits for it to end (the connection's gate): another
 * request's write can never land inside someone else's transaction, nor be rolled back with it.
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
 * const [club] = await db.select().from(clubs).where(eq(clubs.id, 1));
 * await transaction(db, async (tx) => {
 *   await tx.insert(memberships).values(row);
 *   await tx.update(clubs).set({ updatedAt: now }).where(eq(clubs.id, 1));
 * });
 * sqlite.close();
 */
import Database from 'better-sqlite3';
import { sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import type { SqliteRemoteDatabase } from 'drizzle-orm/sqlite-proxy';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzleSync } from 'drizzle-orm/better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema';
import { directDatabases, whenOpen, type StatementCache } from './sqlite-session';

/**
 * The database handle of every query, on either engine: Drizzle's asynchronous SQLite API over
 * the tables of db/schema. On PostgreSQL the object is Drizzle's node-postgres database over the
 * same table objects (their names and columns are PostgreSQL's too: the parity test), which
 * builds the same queries in PostgreSQL's dialect.
 */
export type Db = SqliteRemoteDatabase<typeof schema>;
export type Sqlite = Database.Database;
export type EngineKind = 'sqlite' | 'pg';

export const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), '../migrations');

/** What each engine does its own way; found from any handle (outer or a transaction's) by {@link runtimeOf}. */
export interface EngineRuntime {
  kind: EngineKind;
  /** The outer handle (not a transaction's). */
  readonly outer: Db;
  /** PostgreSQL: the URL the pool was opened with. */
  url?: string;
  transaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T>;
  rows<T>(db: Db, query: SQL): Promise<T[]>;
  execute(db: Db, query: SQL): Promise<number>;
  /** See {@link ping}. */
  ping(): Promise<void>;
  /** See {@link changeStamp}. */
  stamp(): string;
  /** See {@link lightWriter}. */
  lightWrite<T>(db: Db, write: (db: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const runtimes = new WeakMap<object, EngineRuntime>();

/** Ties a handle to its engine (engines do it for their outer handle and every transaction's). */
export function registerRuntime(db: object, runtime: EngineRuntime): void {
  runtimes.set(db, runtime);
}

export function runtimeOf(db: Db): EngineRuntime {
  const runtime = runtimes.get(db);
  if (!runtime) throw new Error('This database handle was not opened by openDatabase or openPostgres');
  return runtime;
}

/** Whether `db` is a transaction's handle: what it writes may still be rolled back (and on PostgreSQL, its work run again). */
export function isTransactionHandle(db: Db): boolean {
  return runtimeOf(db).outer !== db;
}

/** Which engine runs `db`: for the few statements written per engine. */
export function engineOf(db: Db): EngineKind {
  return runtimeOf(db).kind;
}

/**
 * The URL a PostgreSQL handle was opened with (what a worker thread opens its own pool with);
 * undefined on SQLite.
 */
export function postgresUrlOf(db: Db): string | undefined {
  return runtimeOf(db).url;
}

/**
 * Runs `work` in one transaction: all of it is written, or none of it. `work` gets the
 * transaction's handle and must use it for every query (and pass it to what it calls). Called
 * with a transaction's handle, it nests (a savepoint: a failure inside rolls back only the inner
 * part, and only if the outer work catches it).
 *
 * SQLite: `BEGIN IMMEDIATE` (the write lock from the start, so two writers never deadlock), one
 * transaction at a time per connection. PostgreSQL: `SERIALIZABLE`, tried again (up to ten
 * times, backing off) when PostgreSQL reports a serialization failure or a deadlock, so the work behaves as
 * if transactions ran one after another, as on SQLite. `work` must therefore do nothing but
 * database work (publish events and send mail after it returns).
 */
export function transaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return runtimeOf(db).transaction(db, work);
}

/** Rows of a raw SQL query, as objects keyed by the selected column names. */
export function rows<T = Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  return runtimeOf(db).rows<T>(db, query);
}

/**
 * A list of ids as ONE parameter, a JSON array, for `id in ${idsParameter(db, …)}` or Drizzle's
 * `inArray` (it brings its own parentheses). The SQL text is the same whatever the list's
 * length, so its statement is prepared once, and building the query handles one parameter
 * instead of one per id. SQLite reads it with `json_each`, PostgreSQL with
 * `json_array_elements_text`. `ids` is the JSON text (`JSON.stringify(ids)`), or
 * a placeholder for it in a prepared query.
 */
export function idsParameter(db: Db, ids: string | Placeholder): SQL {
  return engineOf(db) === 'pg' ? sql`(select value::bigint from json_array_elements_text(${ids}::json))` : sql`(select value from json_each(${ids}))`;
}

/** Runs a raw SQL statement; the number of rows it changed. */
export function execute(db: Db, query: SQL): Promise<number> {
  return runtimeOf(db).execute(db, query);
}

/**
 * Settles once the database under `db` has answered a `select 1`; rejects when it cannot (the
 * health check, asked constantly by load balancers: on SQLite one kept statement, run at once).
 */
export function ping(db: Db): Promise<void> {
  return runtimeOf(db).ping();
}

/** Closes the database under `db` (the SQLite connection, or the PostgreSQL pool). */
export function closeDatabase(db: Db): Promise<void> {
  return runtimeOf(db).close();
}

/** The first row of an answer, or undefined: `first(await db.select()…limit(1))`. */
export function first<T>(answer: readonly T[]): T | undefined {
  return answer[0];
}

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
  if (options.migrate !== false) migrateAlongsideOthers(sqlite);
  return { db: new SqliteRuntime(sqlite).db, sqlite };
}

/**
 * The SQLite engine: one better-sqlite3 connection, two Drizzle handles on it. `db` is the outer
 * handle, whose queries wait while a transaction is open (the gate); `tx` is the handle of the
 * open transaction, whose queries go straight through.
 */
class SqliteRuntime implements EngineRuntime {
  readonly kind = 'sqlite';
  readonly db: Db;
  get outer(): Db {
    return this.db;
  }
  private readonly tx: Db;
  private readonly dialect: SQLiteAsyncDialect;
  private readonly statements: StatementCache;
  /** Settles when the open transaction ends; null when none is open (read by the session's gate). */
  open: Promise<void> | null = null;
  private depth = 0;
  private readonly stampOf: () => string;

  constructor(private readonly sqlite: Sqlite) {
    this.stampOf = sqliteChangeStamp(sqlite);
    const handles = directDatabases(sqlite, this, schema);
    // Drizzle's async SQLite database, the class Db names (sqlite-proxy's database is the same one).
    this.db = handles.outer as unknown as Db;
    this.tx = handles.tx as unknown as Db;
    this.dialect = handles.dialect;
    this.statements = handles.statements;
    registerRuntime(this.db, this);
    registerRuntime(this.tx, this);
    sqliteOf.set(this.db, sqlite);
    sqliteOf.set(this.tx, sqlite);
  }

  async transaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
    if (db === this.tx) return this.savepoint(work);
    const end = await this.holdGate();
    try {
      this.sqlite.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.tx);
        this.sqlite.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.sqlite.inTransaction) this.sqlite.exec('ROLLBACK');
        throw error;
      }
    } finally {
      end();
    }
  }

  /** Waits for the gate, closes it, and gives the function that opens it again. */
  private async holdGate(): Promise<() => void> {
    while (this.open) await this.open;
    let settle!: () => void;
    this.open = new Promise<void>((resolve) => (settle = resolve));
    return () => {
      this.open = null;
      settle();
    };
  }

  private async savepoint<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    const name = `nested_${++this.depth}`;
    this.sqlite.exec(`SAVEPOINT ${name}`);
    try {
      const result = await work(this.tx);
      this.sqlite.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      if (this.sqlite.inTransaction) this.sqlite.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
      throw error;
    } finally {
      this.depth--;
    }
  }

  /** The gate a query on `db` waits at: the transaction's own handle never waits. */
  private gateOf(db: Db): this | null {
    return db === this.tx ? null : this;
  }

  rows<T>(db: Db, query: SQL): Promise<T[]> {
    return whenOpen(this.gateOf(db), () => {
      const { sql, params } = this.dialect.sqlToQuery(query);
      const statement = this.statements.objectRows(sql);
      if (!statement.reader) {
        statement.run(...params);
        return [];
      }
      return statement.all(...params) as T[];
    });
  }

  execute(db: Db, query: SQL): Promise<number> {
    return whenOpen(this.gateOf(db), () => {
      const { sql, params } = this.dialect.sqlToQuery(query);
      return this.statements.objectRows(sql).run(...params).changes;
    });
  }

  // No gate: a read answers as well while a transaction is open on this connection.
  ping(): Promise<void> {
    return whenOpen(null, () => {
      this.statements.objectRows('select 1').get();
    });
  }

  stamp(): string {
    return this.stampOf();
  }

  private lightWrites: boolean | undefined;

  async lightWrite<T>(db: Db, write: (db: Db) => Promise<T>): Promise<T> {
    this.lightWrites ??= this.sqlite.pragma('synchronous', { simple: true }) === 2;
    if (!this.lightWrites || db === this.tx) return write(db);
    const end = await this.holdGate();
    this.sqlite.pragma('synchronous = NORMAL');
    try {
      return await write(this.tx);
    } finally {
      this.sqlite.pragma('synchronous = FULL');
      end();
    }
  }

  async close(): Promise<void> {
    this.sqlite.close();
  }
}

/**
 * A data change SQL cannot make: two keys joined their parts with NUL — a book's identity key
 * (title and author, src/books/store.ts) and a typed nomination's dedupe key
 * (src/clublife/rules.ts) — which PostgreSQL text cannot hold and SQLite's string functions stop
 * at. Both use U+001F now. Keys written before are rewritten here (none are left after), so a
 * new edition still finds its book, a new nomination still merges, and the file can be copied
 * to PostgreSQL. `or ignore`: a key already written the new way keeps its row (the copy to
 * PostgreSQL maps any NUL left).
 */
function rewriteNulKeys(sqlite: Sqlite): void {
  for (const [table, column] of [
    ['books', 'identity_key'],
    ['nominations', 'dedupe_key'],
  ] as const) {
    const legacy = sqlite.prepare(`select id, ${column} as key from ${table} where instr(${column}, char(0)) > 0`).all() as { id: number; key: string }[];
    if (legacy.length === 0) continue;
    const rewrite = sqlite.prepare(`update or ignore ${table} set ${column} = ? where id = ?`);
    sqlite.transaction(() => {
      for (const row of legacy) rewrite.run(row.key.replaceAll('\u0000', '\u001f'), row.id);
    }).immediate();
  }
}

const sqliteOf = new WeakMap<object, Sqlite>();

/**
 * The better-sqlite3 connection under an SQLite handle, for the few things that are SQLite's
 * alone (backups, the worker threads that open the same file); undefined on PostgreSQL.
 */
export function sqliteConnectionOf(db: Db): Sqlite | undefined {
  return sqliteOf.get(db);
}

/**
 * Applies the pending migrations, when other processes may be starting on the same file at the
 * same moment (two app processes, or the import CLI beside the server). Drizzle applies them in
 * one transaction that reads the applied list before it takes the write lock, so the second of
 * two processes can find a table the first has just created. Its transaction rolls back whole;
 * trying again reads the list anew, and finds everything already applied.
 */
function migrateAlongsideOthers(sqlite: Sqlite, attempts = 5): void {
  for (let attempt = 1; ; attempt++) {
    try {
      migrate(drizzleSync(sqlite), { migrationsFolder: MIGRATIONS_FOLDER });
      rewriteNulKeys(sqlite);
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100 * attempt);
    }
  }
}

const preparedQueries = new WeakMap<Db, Map<string, unknown>>();

/**
 * A Drizzle query built and prepared once per database, for the queries every request runs
 * (session, club access): building a query costs more than running it.
 *
 * @example
 * const bySessionId = prepared(db, 'session-by-id', (db) =>
 *   db.select().from(sessions).where(eq(sessions.id, sql.placeholder('id'))).prepare());
 * first(await bySessionId.execute({ id }));
 */
export function prepared<T>(db: Db, name: string, build: (db: Db) => T): T {
  let queries = preparedQueries.get(db);
  if (!queries) preparedQueries.set(db, (queries = new Map()));
  if (!queries.has(name)) queries.set(name, build(db));
  return queries.get(name) as T;
}

const stamps = new WeakMap<Sqlite, () => string>();

/**
 * A stamp that moves whenever anything in the database may have changed. Caches of facts read
 * from the database (the session of a cookie, the answer to a request) keep the stamp read
 * *before* they read, and are worth nothing once it has moved: a sign-out, a ban or a role
 * change written anywhere takes effect on the very next request.
 *
 * SQLite: a row written by this connection (`total_changes()`, which counts every insert, update
 * and delete it made, rolled back or not) or a commit by any other connection, another process
 * included (`data_version`); costs well under a microsecond. PostgreSQL has no such counter
 * for other processes' commits, so there the stamp moves on every reading and those caches
 * never answer (docs/postgres.md).
 *
 * @example
 * const stamp = changeStamp(db);
 * const before = stamp();
 * const facts = await readFacts();
 * // … later: facts still hold exactly when stamp() === before
 */
export function changeStamp(db: Db): () => string {
  const runtime = runtimeOf(db);
  return () => runtime.stamp();
}

function sqliteChangeStamp(sqlite: Sqlite): () => string {
  let stamp = stamps.get(sqlite);
  if (!stamp) {
    // Plucked, the two cost ~0.3 µs.
    const prepare = (source: string) => sqlite.prepare(source).pluck();
    const changes = prepare('select total_changes()');
    const version = prepare('pragma data_version');
    stamp = () => `${changes.get() as number}.${version.get() as number}`;
    stamps.set(sqlite, stamp);
  }
  return stamp;
}

/** Runs one write of small shared rows (see {@link lightWriter}). */
export type LightWrite = <T>(write: (db: Db) => Promise<T>) => Promise<T>;

/**
 * How to write the small shared rows several app processes coordinate through (rate-limit
 * counters, the shared event log; db/schema/shared.ts) without waiting for the disk.
 *
 * SQLite: each such write commits with `synchronous=NORMAL`, set for that one commit and put
 * back at once (measured here: the fsync of a FULL commit is 1–3 ms, on the request path); the
 * connection's gate is held meanwhile, so no other commit runs with it. In WAL mode NORMAL is
 * never corrupt; a power cut may lose the last of those rows, which only forgives a rate limit
 * or lets a cache reach its age limit. Every other commit stays as durable as configured, and
 * the next FULL commit syncs the WAL with whatever frames came before it. The same connection,
 * not a second one: a commit from another connection makes this one drop its whole page cache
 * at its next read (measured: about 1 ms more per posting request). Inside a transaction, the
 * write simply joins it. PostgreSQL: the write as it is.
 *
 * @example
 * const write = lightWriter(db);
 * await write((db) => db.insert(sharedEvents).values(row));
 */
export function lightWriter(db: Db): LightWrite {
  const runtime = runtimeOf(db);
  return (write) => runtime.lightWrite(db, write);
}
