/**
 * The app's database as the configuration chooses it: PostgreSQL when `DATABASE_URL` is set
 * (db/connection-pg.ts), else the SQLite file at `DATABASE_PATH` (db/connection.ts), with its
 * migrations applied either way. What the server, the command-line tools and the benches open.
 *
 * @example
 * const db = await openConfiguredDatabase(loadConfig());
 * // … queries on db …
 * await closeDatabase(db);
 */
import { openDatabase, type Db, type Synchronous } from './connection';

export interface DatabaseChoice {
  /** A `postgres://…` URL, or null for SQLite. */
  databaseUrl: string | null;
  databasePath: string;
  databaseSynchronous?: Synchronous;
}

export async function openConfiguredDatabase(choice: DatabaseChoice): Promise<Db> {
  if (choice.databaseUrl) {
    const { openPostgresEngine } = await import('./connection-pg');
    return (await openPostgresEngine(choice.databaseUrl)).db;
  }
  return openDatabase(choice.databasePath, { synchronous: choice.databaseSynchronous }).db;
}
