/**
 * Imports the books shipped in `content/` (or `CONTENT_DIR`) at start-up.
 *
 * Every `.txt`, `.md` and `.epub` file (except the folder's README) is imported through `importBook`, the same path as an
 * upload. A file already in the library (same SHA-256) is recognised and skipped, so a second
 * start changes nothing; an edited file becomes a new edition. One log line per file; a
 * broken file logs an error and start-up goes on with the next one.
 *
 * @example
 * await importContentFolder({ db, config, log });
 * // {"level":"notice","message":"content: imported running-a-book-club.md", …}
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../db/connection';
import type { Config } from '../config';
import { importErrorMessage } from './import-errors';
import { DEFAULT_IMPORT_LIMITS, ImportError } from './import/index';
import { importBook } from './store';

const BOOK_FILE = /\.(txt|text|md|markdown|epub)$/i;
/** The folder's own README (how to add books) is not a book. */
const NOT_A_BOOK = /^(readme|licen[cs]e|changelog)(\.[a-z]+)?$/i;

/** Whether a file in a books folder is a book to import (the CLI corpus run uses the same rule). */
export function isBookFile(name: string): boolean {
  return BOOK_FILE.test(name) && !NOT_A_BOOK.test(name) && !name.startsWith('.');
}

export interface ContentImportResult {
  file: string;
  status: 'imported' | 'duplicate' | 'failed';
  editionId?: number;
}

export async function importContentFolder(deps: {
  db: Db;
  config: Config;
  log: (line: Record<string, unknown>) => void;
  now?: () => number;
}): Promise<ContentImportResult[]> {
  const { config, log } = deps;
  const now = deps.now ?? Date.now;
  let names: string[];
  try {
    names = readdirSync(config.contentDir).filter(isBookFile).sort();
  } catch (error) {
    log({ level: 'warn', message: `content: cannot read folder ${config.contentDir}: ${(error as Error).message}` });
    return [];
  }

  const results: ContentImportResult[] = [];
  for (const name of names) {
    const path = join(config.contentDir, name);
    const started = performance.now();
    try {
      if (!statSync(path).isFile()) continue;
      const bytes = new Uint8Array(readFileSync(path));
      const stored = await importBook(deps, { bytes, filename: name, userId: null, now: now(), limits: { ...DEFAULT_IMPORT_LIMITS, maxFileBytes: config.maxUploadBytes } });
      const ms = Math.round(performance.now() - started);
      if (stored.status === 'imported') {
        log({
          level: 'notice',
          message: `content: imported ${name} as "${stored.book.title}" (${stored.chapters} chapters, ${stored.paragraphs} paragraphs, ${ms} ms)`,
          editionId: stored.editionId,
        });
      } else {
        log({ level: 'notice', message: `content: ${name} already in the library (edition ${stored.editionId})`, editionId: stored.editionId });
      }
      results.push({ file: name, status: stored.status, editionId: stored.editionId });
    } catch (error) {
      const reason =
        error instanceof ImportError ? importErrorMessage('en', error) : (error as Error).message;
      log({ level: 'error', message: `content: could not import ${name}: ${reason}` });
      results.push({ file: name, status: 'failed' });
    }
  }
  return results;
}
