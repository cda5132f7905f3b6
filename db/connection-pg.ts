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
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import * as schema from './schema-pg';

export type PgDb = NodePgDatabase<typeof schema>;

export const PG_MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), '../migrations/pg');

/** The advisory lock key migrations are applied under ("marginalia" in the first 8 bytes). */
const MIGRATION_LOCK = 0x6d617267696e616cn;

const INT8_OID = 20;

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
