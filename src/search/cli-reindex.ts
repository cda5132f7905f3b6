/**
 * `npm run reindex` — empties the search indexes of the database at `DATABASE_PATH` (default
 * `data/marginalia.db`) and builds them again from the book text and the comments. Safe while
 * the server runs (one transaction for the comments, one per edition); prints what it built.
 */
import { openDatabase } from '../../db/connection';
import { loadConfig } from '../config';
import { rebuildSearchIndexes, searchIndexBytes } from './indexing';

const { sqlite } = openDatabase(loadConfig(process.env).databasePath);
const started = performance.now();
const built = rebuildSearchIndexes(sqlite, Date.now());
const bytes = searchIndexBytes(sqlite);
sqlite.close();
process.stdout.write(
  `search index rebuilt in ${Math.round(performance.now() - started)} ms: ${built.editions} editions (${built.paragraphs} paragraphs, ${Math.round(bytes.paragraphs / 1024)} KB), ${built.comments} comments (${Math.round(bytes.comments / 1024)} KB)\n`,
);
