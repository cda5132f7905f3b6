/**
 * `npm run reindex` — empties the search indexes of the database at `DATABASE_PATH` (default
 * `data/marginalia.db`), or of the PostgreSQL database of `DATABASE_URL` when it is set, and
 * builds them again from the book text and the comments. Safe while the server runs (one
 * transaction for the comments, one per edition); prints what it built.
 */
import { closeDatabase } from '../../db/connection';
import { openConfiguredDatabase } from '../../db/open';
import { loadConfig } from '../config';
import { rebuildSearchIndexes, searchIndexBytes } from './indexing';

const db = await openConfiguredDatabase(loadConfig(process.env));
try {
  const started = performance.now();
  const built = await rebuildSearchIndexes(db, Date.now());
  const bytes = await searchIndexBytes(db);
  process.stdout.write(
    `search index rebuilt in ${Math.round(performance.now() - started)} ms: ${built.editions} editions (${built.paragraphs} paragraphs, ${Math.round(bytes.paragraphs / 1024)} KB), ${built.comments} comments (${Math.round(bytes.comments / 1024)} KB)\n`,
  );
} finally {
  await closeDatabase(db);
}
