/**
 * The database a test app runs on: a fresh SQLite file by default; under `npm run test:pg`
 * (`MARGINALIA_TEST_ENGINE=pg`, set by vitest.pg.config.ts) a fresh PostgreSQL database on the
 * suite's throwaway cluster, copied from a template that has the migrations applied once.
 */
import { openDatabase, type Db, type Sqlite } from '../../db/connection';

export interface TestDatabase {
  db: Db;
  sqlite: Sqlite | undefined;
  /** The PostgreSQL database's URL (for servers started on it: `DATABASE_URL`); undefined on SQLite. */
  databaseUrl: string | undefined;
  close(): Promise<void>;
}

export const TEST_ENGINE: 'sqlite' | 'pg' = process.env.MARGINALIA_TEST_ENGINE === 'pg' ? 'pg' : 'sqlite';

/** `engine` overrides the suite's engine (a test that moves data from SQLite to PostgreSQL needs both). */
export async function openTestDatabase(sqlitePath: string, engine: 'sqlite' | 'pg' = TEST_ENGINE): Promise<TestDatabase> {
  if (engine === 'pg') {
    const { openPostgresTestDatabase } = await import('./engine-pg');
    return openPostgresTestDatabase();
  }
  const { db, sqlite } = openDatabase(sqlitePath);
  return {
    db,
    sqlite,
    databaseUrl: undefined,
    close: async () => {
      sqlite.close();
    },
  };
}
