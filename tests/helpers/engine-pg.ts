/**
 * A fresh PostgreSQL database for one test app, under `npm run test:pg`. Making a database is
 * slow (`CREATE DATABASE … TEMPLATE` copies every table and index: about half a second), and
 * the suite opens over a thousand apps, so each test process keeps the databases its apps have
 * closed and hands one back out emptied: every row deleted and every identity sequence started
 * again, in one transaction (a few milliseconds). The first ones are copied from the template
 * the suite's global setup migrated once (tests/pg/global-setup.ts). Migrations add no rows, so
 * an emptied database is the same as a new one.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openPostgresEngine } from '../../db/connection-pg';
import type { TestDatabase } from './engine';

/** Databases of this test process whose apps have closed, ready to be emptied and used again. */
const free: string[] = [];

const urlOf = (name: string) => inject('databaseUrl').replace(/\/[^/]+$/, `/${name}`);

async function onDatabase(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * Empties every table of the public schema and restarts every sequence, with triggers and
 * foreign keys quiet (`session_replication_role = replica`), all in one transaction.
 */
const EMPTY = `
BEGIN;
SET LOCAL session_replication_role = replica;
DO $$
DECLARE t record;
BEGIN
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
    EXECUTE format('DELETE FROM public.%I', t.tablename);
  END LOOP;
  FOR t IN SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' LOOP
    EXECUTE format('ALTER SEQUENCE public.%I RESTART', t.sequencename);
  END LOOP;
END $$;
COMMIT;`;

export async function openPostgresTestDatabase(): Promise<TestDatabase> {
  let name = free.pop();
  if (name) await onDatabase(urlOf(name), EMPTY);
  else {
    name = `app_${randomBytes(6).toString('hex')}`;
    await onDatabase(inject('adminDatabaseUrl'), `CREATE DATABASE ${name} TEMPLATE ${inject('templateDatabase')}`);
  }
  const url = urlOf(name);
  const engine = await openPostgresEngine(url, { max: 4 });
  const database = name;
  return {
    db: engine.db,
    sqlite: undefined,
    databaseUrl: url,
    async close() {
      await engine.close();
      free.push(database);
    },
  };
}
