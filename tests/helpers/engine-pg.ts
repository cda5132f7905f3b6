/**
 * A fresh PostgreSQL database for one test app, under `npm run test:pg`: copied (`CREATE
 * DATABASE … TEMPLATE`, a file copy, ~20× faster than migrating) from the template database the
 * suite's global setup migrated once (tests/pg/global-setup.ts), and dropped when the app closes.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openPostgresEngine } from '../../db/connection-pg';
import type { TestDatabase } from './engine';

/** Runs one statement on the cluster's `postgres` database (CREATE/DROP DATABASE). */
async function onAdmin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function openPostgresTestDatabase(): Promise<TestDatabase> {
  const name = `app_${randomBytes(6).toString('hex')}`;
  await onAdmin(`CREATE DATABASE ${name} TEMPLATE ${inject('templateDatabase')}`);
  const url = inject('databaseUrl').replace(/\/[^/]+$/, `/${name}`);
  const engine = await openPostgresEngine(url, { max: 4 });
  return {
    db: engine.db,
    sqlite: undefined,
    databaseUrl: url,
    async close() {
      await engine.close();
      await onAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
