/**
 * Starts the throwaway PostgreSQL cluster once for the whole PostgreSQL suite and stops it (and
 * removes its folder) when the suite ends. The test files read its URLs with `inject` (see
 * tests/pg/helpers.ts); `DATABASE_URL` is set too, for anything that reads the environment.
 * It also migrates one template database, which every test app's database is copied from
 * (tests/helpers/engine-pg.ts).
 */
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openPostgres } from '../../db/connection-pg';
import { startCluster } from './cluster';

const TEMPLATE = 'marginalia_template';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    adminDatabaseUrl: string;
    /** A migrated database to copy (`CREATE DATABASE … TEMPLATE`). */
    templateDatabase: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const cluster = await startCluster();
  process.env.DATABASE_URL = cluster.url;
  project.provide('databaseUrl', cluster.url);
  project.provide('adminDatabaseUrl', cluster.adminUrl);
  try {
    const admin = new pg.Client({ connectionString: cluster.adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${TEMPLATE}`);
    await admin.end();
    const template = await openPostgres(cluster.url.replace(/\/[^/]+$/, `/${TEMPLATE}`));
    await template.pool.end();
  } catch (error) {
    cluster.stop();
    throw error;
  }
  project.provide('templateDatabase', TEMPLATE);
  return () => cluster.stop();
}
