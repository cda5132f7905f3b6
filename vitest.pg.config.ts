import { defineConfig } from 'vitest/config';

/**
 * The PostgreSQL suite (`npm run test:pg`, docs/postgres.md): tests/pg/global-setup.ts starts a
 * throwaway cluster (tests/pg/cluster.ts) and stops it at the end; each test file makes its own
 * database on it and applies migrations/pg.
 */
export default defineConfig({
  test: {
    include: ['tests/pg/**/*.test.ts'],
    globalSetup: ['tests/pg/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
