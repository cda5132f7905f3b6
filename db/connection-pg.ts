/**
 * Opening a PostgreSQL database: the start of the engine choice (docs/postgres.md). The app does
 * not run on it yet (its areas' queries are synchronous better-sqlite3 calls); this is what the
 * PostgreSQL suite (`npm run test:pg`), and later the app when `DATABASE_URL` is a
 * `postgres://…` URL, open. The SQLite path (db/connection.ts) is unchanged.
 *
 * - A node-postgres pool, and Drizzle over it with the PostgreSQL schema (db/schema-pg), whose
 *   rows have the same TypeScript types as the SQLite schema's.
 * - `int8` values (times are `bigint` milliseconds, `count(*)` is `bigint`) are read as JavaScript
 *   numbers, as SQLite gives them, on this pool only: every one of ours is far below 2^53.
 * - Migrations (migrations/pg) are applied under a PostgreSQL advisory lock, so several app
 *   processes starting at once on one database apply them once, one after the other.
 *
 * @example
 * const { db, pool } = await openPostgres(process.env.DATABASE_URL!);
 * // … use db (Drizzle) or pool (node-postgres) …
 * await pool.end();
 */
import { sql, type SQL } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { PgTransaction } from 'drizzle-orm/pg-core';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import * as schema from './schema-pg';
import * as sqliteSchema from './schema';
import { postgresUrlOf, registerRuntime, type Db, type EngineRuntime } from './connection';

export type PgDb = NodePgDatabase<typeof schema>;

export const PG_MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), '../migrations/pg');

/** The advisory lock key migrations are applied under ("marginalia" in the first 8 bytes). */
const MIGRATION_LOCK = 0x6d617267696e616cn;

const INT8_OID = 20;
const NUMERIC_OID = 1700;
const JSON_OID = 114;
const JSONB_OID = 3802;

/**
 * Values as SQLite gives them, for every node-postgres query of this process (Drizzle's
 * node-postgres driver reads pg's global parsers, not a pool's): `int8` and `numeric` (times,
 * `count(*)`, `sum(…)`) as JavaScript numbers, every one of ours far below 2^53; `json`/`jsonb`
 * as their text, which the JSON columns of db/schema parse (db/schema-pg's columns parse a string too).
 */
function readValuesAsSqliteDoes(): void {
  pg.types.setTypeParser(INT8_OID, Number);
  pg.types.setTypeParser(NUMERIC_OID, Number);
  pg.types.setTypeParser(JSON_OID, (value) => value);
  pg.types.setTypeParser(JSONB_OID, (value) => value);
}

export interface OpenedPostgres {
  db: PgDb;
  pool: pg.Pool;
}

export interface PostgresOptions {
  /** Apply migrations/pg before returning (default true). */
  migrate?: boolean;
  /** Connections in the pool (default 10). */
  max?: number;
}

export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<OpenedPostgres> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection the server ends (a restart, an administrator, a dropped database) is
  // reported on the pool; unheard, Node would treat it as uncaught and stop the process. The
  // pool drops that connection and opens another on the next query.
  pool.on('error', () => {});
  try {
    const db = drizzle(pool, { schema });
    if (options.migrate !== false) await migratePostgres(db, pool);
    return { db, pool };
  } catch (error) {
    await pool.end();
    throw error;
  }
}

/** Applies the pending migrations of migrations/pg, one process at a time (the advisory lock). */
export async function migratePostgres(db: PgDb, pool: pg.Pool): Promise<void> {
  const lock = await pool.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK.toString()]);
    try {
      await migrate(db, { migrationsFolder: PG_MIGRATIONS_FOLDER });
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK.toString()]);
    }
  } finally {
    lock.release();
  }
}

export interface PostgresEngine {
  /** The handle every area's queries run on (db/connection.ts, `Db`). */
  db: Db;
  pool: pg.Pool;
  close(): Promise<void>;
}

/**
 * The app's database on PostgreSQL (`DATABASE_URL=postgres://…`): the pool, migrations applied
 * (under the advisory lock), and Drizzle's node-postgres database over db/schema's table objects
 * — the same objects the SQLite engine runs, so one set of area queries serves both. Their
 * names, columns and keys are PostgreSQL's own (the parity test keeps db/schema-pg, from which
 * migrations/pg is generated, in step), and values cross through their mappers, which get
 * SQLite-shaped values ({@link readValuesAsSqliteDoes}); PostgreSQL's `boolean` comes back as a
 * boolean, which the SQLite boolean column reads as it is.
 */
export async function openPostgresEngine(url: string, options: PostgresOptions = {}): Promise<PostgresEngine> {
  readValuesAsSqliteDoes();
  const { pool } = await openPostgres(url, options);
  const db = drizzle(pool, { schema: sqliteSchema }) as unknown as Db;
  const runtime = new PostgresRuntime(db, pool, url);
  return { db, pool, close: () => runtime.close() };
}

/** Serialization failure and deadlock: the transaction may simply be tried again. */
const RETRYABLE = new Set(['40001', '40P01']);
/**
 * Tries before giving up, waiting a random time of up to 5 ms, 10, 20 … 640 ms between them
 * (exponential backoff with full jitter): forty requests at once writing the same row (one
 * member's ballot, through two processes) all land within about two seconds.
 */
const ATTEMPTS = 10;
const BACKOFF_MS = 5;

function sqlState(error: unknown): string | undefined {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

class PostgresRuntime implements EngineRuntime {
  readonly kind = 'pg';
  private stamps = 0;

  get outer(): Db {
    return this.db;
  }

  constructor(
    private readonly db: Db,
    private readonly pool: pg.Pool,
    readonly url: string,
  ) {
    registerRuntime(db, this);
  }

  async transaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
    const run = (tx: unknown) => {
      registerRuntime(tx as object, this);
      return work(tx as Db);
    };
    if (db !== this.db) return (db as unknown as PgTransaction<never, never, never>).transaction(run);
    for (let attempt = 1; ; attempt++) {
      try {
        return await (this.db as unknown as NodePgDatabase).transaction(run, { isolationLevel: 'serializable' });
      } catch (error) {
        if (attempt >= ATTEMPTS || !RETRYABLE.has(sqlState(error) ?? '')) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * BACKOFF_MS * 2 ** (attempt - 1)));
      }
    }
  }

  async rows<T>(db: Db, query: SQL): Promise<T[]> {
    const result = await (db as unknown as NodePgDatabase).execute(query);
    return result.rows as T[];
  }

  async execute(db: Db, query: SQL): Promise<number> {
    const result = await (db as unknown as NodePgDatabase).execute(query);
    return result.rowCount ?? 0;
  }

  async ping(): Promise<void> {
    await this.rows(this.db, sql`select 1`);
  }

  /** Other processes' commits cannot be seen without asking, so the stamp never repeats. */
  stamp(): string {
    return `pg.${++this.stamps}`;
  }

  lightWrite<T>(db: Db, write: (db: Db) => Promise<T>): Promise<T> {
    return write(db);
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/**
 * Hears PostgreSQL notifications on `channel` (`LISTEN`) on a connection of its own, calling
 * `onNotify` for each, and once more after every reconnection (what was sent while it was away
 * is not replayed: callers keep the truth in a table and read it then). A wake-up hint, never
 * the only way news arrives. Returns the function that stops listening.
 *
 * @example
 * const stop = await listen(db, 'marginalia_events', () => void events.poll());
 */
export async function listen(db: Db, channel: string, onNotify: () => void, onError: (error: Error) => void = () => {}): Promise<() => Promise<void>> {
  const url = postgresUrlOf(db);
  if (!url) throw new Error('listen needs a PostgreSQL handle');
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | null = null;
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => {
      if (message.channel === channel) onNotify();
    });
    next.on('error', (error) => {
      onError(error);
      reconnect(next);
    });
    next.on('end', () => reconnect(next));
    await next.connect();
    await next.query(`LISTEN ${channel}`);
    if (stopped) return void (await next.end());
    client = next;
    onNotify(); // anything sent before this connection listened
  };
  const reconnect = (lost: pg.Client) => {
    if (stopped || client !== lost || retry) return;
    client = null;
    retry = setTimeout(() => {
      retry = null;
      connect().catch((error: Error) => {
        onError(error);
        if (!stopped) retry = setTimeout(() => void connect().catch(onError), 1000);
      });
    }, 1000);
    retry.unref();
  };
  await connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    const open = client;
    client = null;
    await open?.end().catch(() => {});
  };
}
