/** Books shipped in content/ imported at start-up, and the import command line. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { closeDatabase, openDatabase, rows, type Db } from '../../../db/connection';
import { importContentFolder } from '../../../src/books/content';
import { makeTestApp, type TestApp } from '../../helpers/app';

const ROOT = resolve(import.meta.dirname, '../../..');
const TABLES = ['books', 'editions', 'chapters', 'paragraphs', 'pending_imports'] as const;
async function counts({ db }: { db: Db }): Promise<Record<string, number>> {
  const entries: [string, number][] = [];
  for (const table of TABLES) {
    const [row] = await rows<{ n: number }>(db, sql`select count(*) as n from ${sql.identifier(table)}`);
    entries.push([table, Number(row!.n)]);
  }
  return Object.fromEntries(entries);
}

let testApp: TestApp;
beforeEach(async () => {
  testApp = await makeTestApp();
});
afterEach(async () => await testApp.close());

describe('content folder', () => {
  it('imports the shipped books once; a second start changes nothing', async () => {
    const logs: Record<string, unknown>[] = [];
    const deps = { db: testApp.db, config: { ...testApp.config, contentDir: join(ROOT, 'content') }, log: (line: Record<string, unknown>) => logs.push(line) };
    const first = await importContentFolder(deps);
    expect(first.map((r) => [r.file, r.status])).toEqual([
      ['dokseo-moim-annae.md', 'imported'],
      ['running-a-book-club.md', 'imported'],
    ]);
    expect(logs).toHaveLength(2);
    expect(String(logs[0]!.message)).toMatch(/content: imported dokseo-moim-annae\.md as "함께 읽는 법/);
    const after = await counts(testApp);
    expect(after.editions).toBe(2);

    const second = await importContentFolder(deps);
    expect(second.map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
    expect(await counts(testApp)).toEqual(after);

    // The shipped books are readable: parts split into chapter pages (7 chapters + front matter).
    const library = await (await testApp.app.request('/library')).text();
    expect(library).toContain('Running a Book Club');
    const chapters = await rows<{ title: string }>(testApp.db, sql`select title from chapters where edition_id = ${first[1]!.editionId} order by ordinal`);
    expect(chapters.map((c) => c.title)).toEqual([
      '',
      'Chapter 1. Choosing a book',
      'Chapter 2. Finding your people',
      'Chapter 3. Setting a pace',
      'Chapter 4. Talking in the margins',
      'Chapter 5. Polls and decisions',
      'Chapter 6. When people fall behind',
      'Chapter 7. The last page',
    ]);
  });

  it('logs a broken file as an error and goes on with the next one', async () => {
    const dir = join(testApp.dir, 'content');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a-broken.epub'), 'PK\u0003\u0004 not a zip');
    writeFileSync(join(dir, 'b-empty.txt'), '');
    copyFileSync(join(ROOT, 'content/running-a-book-club.md'), join(dir, 'c-good.md'));
    writeFileSync(join(dir, 'notes.pdf'), 'ignored');
    const logs: Record<string, unknown>[] = [];
    const results = await importContentFolder({ db: testApp.db, config: { ...testApp.config, contentDir: dir }, log: (line) => logs.push(line) });
    expect(results.map((r) => [r.file, r.status])).toEqual([
      ['a-broken.epub', 'failed'],
      ['b-empty.txt', 'failed'],
      ['c-good.md', 'imported'],
    ]);
    expect(logs.map((l) => l.level)).toEqual(['error', 'error', 'notice']);
    expect(String(logs[0]!.message)).toContain('damaged or incomplete');
    expect((await counts(testApp)).editions).toBe(1);
  });

  it('a missing folder is a warning, not a crash', async () => {
    const logs: Record<string, unknown>[] = [];
    expect(await importContentFolder({ db: testApp.db, config: { ...testApp.config, contentDir: join(testApp.dir, 'nope') }, log: (l) => logs.push(l) })).toEqual([]);
    expect(logs[0]!.level).toBe('warn');
  });
});

describe('npm run import', () => {
  // The command imports into an SQLite file here (DATABASE_PATH), whatever engine the suite runs on.
  function run(args: string[], env: Record<string, string> = {}) {
    return spawnSync('npx', ['tsx', 'src/books/cli-import.ts', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', ...env }, timeout: 60_000 });
  }

  it('--dry-run --json prints exactly one JSON object and imports nothing', async () => {
    const file = join(testApp.dir, 'dry.md');
    writeFileSync(file, 'Opening words.\n\n# 제1부\n\n## 1장\n\n첫 문단.\n\n둘째 문단.\n\n## 2장\n\n셋째 문단.\n');
    const databasePath = join(testApp.dir, 'cli.db');
    const result = run([file, '--dry-run', '--json', '--title', '시험', '--lang', 'ko'], { DATABASE_PATH: databasePath });
    expect(result.status).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(Object.keys(summary).sort()).toEqual(['author', 'encoding', 'language', 'outline', 'paragraphs', 'title', 'warnings']);
    expect(summary).toMatchObject({ title: '시험', author: null, language: 'ko', encoding: 'utf-8', paragraphs: 4 });
    expect(summary.outline).toEqual([
      { depth: 1, title: '', paragraphs: 1 },
      { depth: 1, title: '제1부', paragraphs: 0 },
      { depth: 2, title: '1장', paragraphs: 2 },
      { depth: 2, title: '2장', paragraphs: 1 },
    ]);
    expect(Array.isArray(summary.warnings)).toBe(true);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    // Nothing imported: the database was not even created.
    expect(() => openDatabase(databasePath, { migrate: false }).sqlite.prepare('select count(*) from editions').get()).toThrow();
  });

  it('imports into DATABASE_PATH, recognises the same file again, and fails clearly on a bad file', async () => {
    const file = join(testApp.dir, 'book.md');
    writeFileSync(file, '# One\n\nFirst.\n\n# Two\n\nSecond.\n');
    const databasePath = join(testApp.dir, 'cli.db');
    const first = run([file, '--author', 'CLI Author'], { DATABASE_PATH: databasePath });
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/imported "One" by CLI Author as edition 1/);
    const again = run([file], { DATABASE_PATH: databasePath });
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('already in the library');
    const { db } = openDatabase(databasePath);
    expect(await counts({ db })).toMatchObject({ books: 1, editions: 1, chapters: 2 });
    await closeDatabase(db);

    const empty = join(testApp.dir, 'empty.txt');
    writeFileSync(empty, '');
    const failed = run([empty], { DATABASE_PATH: databasePath });
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('Import failed: The file is empty, or contains only blank space.');
    expect(failed.stdout).toBe('');
    expect(run([]).status).toBe(2);
    // Four CLI processes (npx + tsx each): on a busy two-core machine one start takes seconds.
  }, 90_000);
});
