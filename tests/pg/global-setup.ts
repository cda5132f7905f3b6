/**
 * Starts the throwaway PostgreSQL cluster once for the whole PostgreSQL suite and stops it (and
 * removes its folder) when the suite ends. The test files read its URLs with `inject` (see
 * tests/pg/helpers.ts); `DATABASE_URL` is set too, for anything that reads the environment.
 */
import type { TestProject } from 'vitest/node';
import { startCluster } from './cluster';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    adminDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const cluster = await startCluster();
  process.env.DATABASE_URL = cluster.url;
  project.provide('databaseUrl', cluster.url);
  project.provide('adminDatabaseUrl', cluster.adminUrl);
  return () => cluster.stop();
}
