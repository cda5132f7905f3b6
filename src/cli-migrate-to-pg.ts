/**
 * `npm run migrate-to-pg -- [--from FILE] [--to URL]` — moves a site from its SQLite file to an
 * empty PostgreSQL database (docs/postgres.md, "Moving from SQLite"). Stop the app first, so
 * nothing is written to the file meanwhile.
 *
 * - `--from` the SQLite file (default `DATABASE_PATH`, else `data/marginalia.db`); opened read-only.
 * - `--to` the PostgreSQL URL (default `DATABASE_URL`); its migrations are applied first, and it
 *   must hold no rows.
 *
 * Every table is copied in one transaction and every table's row count is compared before it
 * commits (db/copy-to-pg.ts); then the search index is built on PostgreSQL (it is
 * engine-specific, so it is rebuilt rather than copied). Exits 1, with nothing kept, on any
 * difference or error. Then start the app with `DATABASE_URL` set.
 */
import { closeDatabase } from '../db/connection';
import { openPostgresEngine } from '../db/connection-pg';
import { copySqliteToPostgres, CopyError } from '../db/copy-to-pg';
import { rebuildSearchIndexes } from './search';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const from = option('from') ?? process.env.DATABASE_PATH ?? 'data/marginalia.db';
const to = option('to') ?? process.env.DATABASE_URL;
if (!to || !/^postgres(ql)?:\/\//.test(to)) {
  process.stderr.write('migrate-to-pg: say where to copy to: --to postgres://user@host:5432/marginalia (or set DATABASE_URL)\n');
  process.exit(2);
}

try {
  process.stdout.write(`copying ${from} into ${to.replace(/:[^:@/]*@/, ':…@')}\n`);
  const report = await copySqliteToPostgres(from, to, (line) => process.stdout.write(`  ${line}\n`));
  const total = report.tables.reduce((sum, table) => sum + table.rows, 0);
  process.stdout.write(`copied ${total} rows in ${report.tables.length} tables in ${report.ms} ms; every table's count matches\n`);
  const { db } = await openPostgresEngine(to);
  try {
    const started = performance.now();
    const built = await rebuildSearchIndexes(db, Date.now());
    process.stdout.write(`search index built in ${Math.round(performance.now() - started)} ms: ${built.editions} editions (${built.paragraphs} paragraphs), ${built.comments} comments\n`);
  } finally {
    await closeDatabase(db);
  }
  process.stdout.write('done: start the app with DATABASE_URL set to the same URL\n');
} catch (error) {
  process.stderr.write(`migrate-to-pg: ${error instanceof CopyError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
