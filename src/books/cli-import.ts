/**
 * `npm run import -- <file> [--title …] [--author …] [--lang ko|en|ja|…] [--dry-run] [--json]`
 *
 * Imports one book into the database at `DATABASE_PATH` (default `data/marginalia.db`), or into
 * the PostgreSQL database of `DATABASE_URL` when that is a `postgres://…` URL, the same way an upload does (one transaction; the same file twice is recognised and changes
 * nothing). Progress for large files goes to stderr, the summary to stdout.
 *
 * `--dry-run --json` imports nothing (the database is not even opened) and prints exactly one
 * JSON object on stdout, which tooling relies on:
 *   {"title", "author", "language", "encoding", "paragraphs", "outline": [{depth, title, paragraphs}], "warnings": [string]}
 *
 * Exit status: 0 on success (including "already imported"), 1 when the book cannot be imported
 * (the reason in plain English on stderr), 2 for a usage error.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { closeDatabase, openDatabase, type Db } from '../../db/connection';
import { openPostgresEngine } from '../../db/connection-pg';
import { importErrorMessage } from './import-errors';
import { dryRunSummary } from './dry-run';
import { contentHash, ImportError, parseBook } from './import/index';
import { splitIntoPages } from './pages';
import { findEditionByHash, storeParsedBook, type ImportOverrides } from './store';

const USAGE = 'usage: npm run import -- <file> [--title <title>] [--author <author>] [--lang <code>] [--dry-run] [--json]';
/** Files at least this large report their progress. */
const PROGRESS_FROM_BYTES = 512 * 1024;

function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

let parsed;
try {
  parsed = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      title: { type: 'string' },
      author: { type: 'string' },
      lang: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`, 2);
}
const { values, positionals } = parsed;
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (positionals.length !== 1) fail(USAGE, 2);
const path = positionals[0]!;
if (values.lang !== undefined && !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$/.test(values.lang)) fail(`--lang expects a language code such as ko, en or ja, not "${values.lang}"`, 2);

let bytes: Uint8Array;
try {
  if (!statSync(path).isFile()) fail(`${path} is not a file`, 2);
  bytes = new Uint8Array(readFileSync(path));
} catch (error) {
  fail(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 2);
}

const filename = basename(path);
const overrides: ImportOverrides = {};
if (values.title) overrides.title = values.title.normalize('NFC');
if (values.author) overrides.author = values.author.normalize('NFC');
if (values.lang) overrides.language = values.lang.toLowerCase();
const showProgress = bytes.length >= PROGRESS_FROM_BYTES;
const progress = (line: string) => {
  if (showProgress) process.stderr.write(`${line}\n`);
};

const databaseUrl = process.env.DATABASE_URL;
const usesPostgres = databaseUrl !== undefined && /^postgres(ql)?:\/\//.test(databaseUrl);
const databasePath = process.env.DATABASE_PATH || 'data/marginalia.db';
/** Where the book went, as the summary says it (never the URL: it may hold a password). */
const databaseName = usesPostgres ? 'PostgreSQL' : databasePath;

/** The database the book goes into: PostgreSQL when `DATABASE_URL` says so, else the SQLite file. */
async function open(): Promise<Db> {
  return usesPostgres ? (await openPostgresEngine(databaseUrl!)).db : openDatabase(databasePath).db;
}

const started = performance.now();
if (!values['dry-run']) {
  // The same bytes again: recognised before the (slower) parse, and nothing changes.
  const db = await open();
  const existing = await findEditionByHash(db, contentHash(bytes));
  await closeDatabase(db);
  if (existing) {
    if (values.json) process.stdout.write(`${JSON.stringify({ status: 'duplicate', bookId: existing.bookId, editionId: existing.id, title: existing.title })}\n`);
    else process.stdout.write(`already in the library: "${existing.title}" is edition ${existing.id}; nothing changed\n`);
    process.exit(0);
  }
}
progress(`reading ${filename} (${(bytes.length / 1024 / 1024).toFixed(1)} MB)…`);
let book;
try {
  book = parseBook({ bytes, filename, ...overrides });
} catch (error) {
  if (error instanceof ImportError) {
    fail(`Import failed: ${importErrorMessage('en', error)}`);
  }
  throw error;
}
progress(`parsed in ${Math.round(performance.now() - started)} ms: ${book.sections.length} headings`);

if (values['dry-run']) {
  const summary = dryRunSummary(book, 'en');
  if (values.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    const pages = splitIntoPages(book.sections);
    process.stdout.write(
      [
        `dry run (nothing imported): ${summary.title}${summary.author ? ` — ${summary.author}` : ''}`,
        `  language ${summary.language}, encoding ${summary.encoding}, ${summary.paragraphs} paragraphs, ${pages.length} reader chapters`,
        ...summary.outline.map((entry) => `  ${'  '.repeat(Math.max(0, entry.depth - 1))}${entry.title || '(untitled)'} — ${entry.paragraphs}`),
        ...summary.warnings.map((warning) => `  ! ${warning}`),
      ].join('\n') + '\n',
    );
  }
  process.exit(0);
}

const db = await open();
try {
  const hash = contentHash(bytes);
  const existing = await findEditionByHash(db, hash);
  const stored = existing
    ? ({ status: 'duplicate', bookId: existing.bookId, editionId: existing.id } as const)
    : await storeParsedBook({ db }, book, {
        hash,
        filename,
        userId: null,
        now: Date.now(),
        onProgress: (done, total) => {
          if (showProgress && (done === total || done % Math.max(1, Math.ceil(total / 10)) === 0)) progress(`storing: ${done}/${total} chapters`);
        },
      });
  const ms = Math.round(performance.now() - started);
  const warnings = dryRunSummary(book, 'en').warnings;
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ status: stored.status, bookId: stored.bookId, editionId: stored.editionId, title: book.title, chapters: stored.status === 'imported' ? stored.chapters : null, paragraphs: stored.status === 'imported' ? stored.paragraphs : null, warnings, ms })}\n`,
    );
  } else if (stored.status === 'duplicate') {
    process.stdout.write(`already in the library: "${book.title}" is edition ${stored.editionId}; nothing changed (${databaseName})\n`);
  } else {
    process.stdout.write(
      [
        `imported "${book.title}"${book.author ? ` by ${book.author}` : ''} as edition ${stored.editionId} of book ${stored.bookId} (${databaseName})`,
        `  ${stored.chapters} chapters, ${stored.paragraphs} paragraphs, language ${book.language}, encoding ${book.encoding}, ${ms} ms`,
        ...warnings.map((warning) => `  ! ${warning}`),
      ].join('\n') + '\n',
    );
  }
} finally {
  await closeDatabase(db);
}
