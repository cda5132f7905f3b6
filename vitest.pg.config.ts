import { defineConfig } from 'vitest/config';

/**
 * The PostgreSQL suite (`npm run test:pg`, docs/postgres.md): tests/pg/global-setup.ts starts a
 * throwaway cluster (tests/pg/cluster.ts) and stops it at the end.
 *
 * - tests/pg/: the PostgreSQL schema, migrations, triggers, search indexes, the copy from SQLite;
 * - tests/integration/: the same integration suite `npm test` runs on SQLite, every test app on
 *   a fresh PostgreSQL database (`MARGINALIA_TEST_ENGINE=pg`, tests/helpers/engine.ts), and the
 *   two-process test on one PostgreSQL database. Left out: the tests of SQLite's own machinery
 *   ({@link SQLITE_ONLY}), which have no PostgreSQL counterpart in this app.
 */
const SQLITE_ONLY = [
  // The warm answers and the session cache hold only on SQLite's change stamp (tests/pg/warm-answers.test.ts is PostgreSQL's side).
  'tests/integration/http/warm-answers.test.ts',
  // Backups and restores copy the SQLite file (PostgreSQL: pg_dump, docs/postgres.md).
  'tests/integration/db/backup-restore.test.ts',
  // kill -9 mid-write and the WAL's recovery.
  'tests/integration/db/crash.test.ts',
  // A full disk and a read-only file under SQLite (SQLITE_FULL, SQLITE_READONLY).
  'tests/integration/http/storage-failure.test.ts',
];

export default defineConfig({
  test: {
    include: ['tests/pg/**/*.test.ts', 'tests/integration/**/*.test.{ts,tsx}'],
    exclude: SQLITE_ONLY,
    globalSetup: ['tests/pg/global-setup.ts'],
    env: { MARGINALIA_TEST_ENGINE: 'pg' },
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
