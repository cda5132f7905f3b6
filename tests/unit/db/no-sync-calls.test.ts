/**
 * One set of queries for both engines (db/connection.ts, rule 1 of its file comment): no code in
 * src/ or db/ runs a query the way only better-sqlite3 can. Drizzle's PostgreSQL builders have no
 * `.get()`, `.all()`, `.run()` or `.values()`, its prepared queries run with `.execute()`, and
 * there is no `sqlite` connection to prepare statements or open transactions on: a query is
 * awaited, and a transaction is `transaction(db, …)`.
 *
 * The scan reads every .ts/.tsx file under src/ and db/, comments blanked out, except the files
 * that are SQLite's own: db/connection.ts and db/sqlite-session.ts (the SQLite engine itself), db/backup.ts and
 * db/cli-*.ts (SQLite's online backup and its command-line tools). What it finds is listed as
 * file:line, with the rule it breaks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');

/** SQLite's own files, which talk to better-sqlite3 by design. */
const SQLITE_OWN = [/^db\/connection\.ts$/, /^db\/sqlite-session\.ts$/, /^db\/backup\.ts$/, /^db\/cli-[^/]+\.ts$/];

interface Rule {
  name: string;
  /** Global, so every occurrence in a file is found. */
  pattern: RegExp;
}

const RULES: Rule[] = [
  // A drizzle builder executed the better-sqlite3 way. With no argument only: Map.get(key),
  // Promise.all([...]), Hono's app.all('/path', …) always have one.
  { name: 'builder .get()/.all()/.run() (await the builder instead)', pattern: /\.\s*(?:get|all|run)\(\s*\)/g },
  // `.values()` ending a chain: a call's result `…).values()`. A Map's or Set's values
  // (`byId.values()`) hang off a name, not off a call.
  { name: 'builder .values() (await the builder instead)', pattern: /\)\s*\.\s*values\(\s*\)/g },
  // A prepared query run with its placeholders the better-sqlite3 way.
  { name: 'prepared .get({…})/.all({…})/.run({…}) (use .execute({…}))', pattern: /\.\s*(?:get|all|run)\(\s*\{/g },
  // The database handle's own synchronous runners (they do not exist on PostgreSQL).
  { name: 'db.run/db.all/db.get/db.values (use rows/execute from db/connection)', pattern: /\b(?:db|tx)\s*\.\s*(?:run|all|get|values)\(/g },
  { name: 'sqlite.prepare( (use the builder, or rows/execute)', pattern: /\bsqlite\s*\.\s*prepare\(/g },
  // better-sqlite3's prepare takes SQL text; drizzle's `.prepare()` takes none (or a name on PostgreSQL).
  { name: '.prepare(<SQL text>) on a connection (use the builder, or rows/execute)', pattern: /\.\s*prepare\(\s*(?:'[^']*\b(?:select|insert|update|delete|with|pragma)\b|"[^"]*\b(?:select|insert|update|delete|with|pragma)\b|`[^`]*\b(?:select|insert|update|delete|with|pragma)\b)/gi },
  // Transactions opened on a connection or by drizzle's own method bypass the engine's gate.
  { name: 'sqlite/db .transaction( (use transaction(db, …) from db/connection)', pattern: /\b(?:sqlite|db|tx)\s*\.\s*transaction\(/g },
  { name: 'inTransaction( (use transaction(db, …) from db/connection)', pattern: /\binTransaction\(/g },
];

/** What is allowed where, and why: each entry must still be needed (the last test checks). */
const ALLOWED: { file: string; rule: string; why: string }[] = [
  // `npm run migrate-to-pg` reads the SQLite file it moves FROM, straight through better-sqlite3
  // (that file is its source, not the app's database handle), and writes PostgreSQL with pg.
  { file: 'db/copy-to-pg.ts', rule: 'sqlite.prepare( (use the builder, or rows/execute)', why: 'reads its SQLite source file directly' },
  { file: 'db/copy-to-pg.ts', rule: '.prepare(<SQL text>) on a connection (use the builder, or rows/execute)', why: 'reads its SQLite source file directly' },
  { file: 'db/copy-to-pg.ts', rule: 'builder .get()/.all()/.run() (await the builder instead)', why: 'better-sqlite3 statements on its SQLite source file' },
];

/**
 * `source` with its comments replaced by spaces (newlines kept, so lines keep their numbers).
 * Strings and template literals are kept as they are, `${…}` inside templates is code; a regex
 * literal is not recognised, which can only blank (never invent) a little code after it.
 */
export function blankComments(source: string): string {
  let out = '';
  /** For each open template's `${`, the brace depth its closing `}` brings back. */
  const templates: number[] = [];
  let depth = 0;
  let i = 0;
  const templateChunk = () => {
    // At a backtick or a template's closing brace: copy up to the closing backtick or the next `${`.
    out += source[i++];
    while (i < source.length) {
      const c = source[i]!;
      if (c === '\\') {
        out += source.slice(i, i + 2);
        i += 2;
      } else if (c === '`') {
        out += c;
        i += 1;
        return;
      } else if (c === '$' && source[i + 1] === '{') {
        out += '${';
        i += 2;
        templates.push(depth);
        return;
      } else {
        out += c;
        i += 1;
      }
    }
  };
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') {
        out += ' ';
        i += 1;
      }
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? source.length : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < source.length && source[j] !== c && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j + 1;
    } else if (c === '`') {
      templateChunk();
    } else if (c === '}' && templates.length > 0 && templates.at(-1) === depth) {
      templates.pop();
      templateChunk();
    } else {
      if (c === '{') depth += 1;
      if (c === '}') depth -= 1;
      out += c;
      i += 1;
    }
  }
  return out;
}

interface Finding {
  file: string;
  line: number;
  rule: string;
  text: string;
}

/** Every rule broken in `source` (as file `file`), by line. */
export function findingsIn(file: string, source: string): Finding[] {
  const code = blankComments(source);
  const lines = source.split('\n');
  const findings: Finding[] = [];
  for (const rule of RULES) {
    for (const match of code.matchAll(rule.pattern)) {
      const line = code.slice(0, match.index).split('\n').length;
      findings.push({ file, line, rule: rule.name, text: lines[line - 1]!.trim() });
    }
  }
  return findings.sort((a, b) => a.line - b.line);
}

function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(ROOT, folder), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.tsx?$/.test(entry.name) || entry.name.endsWith('.d.ts')) continue;
    files.push(relative(ROOT, join(entry.parentPath, entry.name)).split('\\').join('/'));
  }
  return files;
}

const scanned = [...sourceFiles('src'), ...sourceFiles('db')].filter((file) => !SQLITE_OWN.some((own) => own.test(file))).sort();
const allFindings = scanned.flatMap((file) => findingsIn(file, readFileSync(join(ROOT, file), 'utf8')));
const isAllowed = (finding: Finding) => ALLOWED.some((entry) => entry.file === finding.file && entry.rule === finding.rule);

describe('no engine-specific query calls in src/ and db/', () => {
  it('scans the app and the database layer, leaving out only SQLite’s own files', () => {
    expect(scanned.length).toBeGreaterThan(50);
    expect(scanned).toContain('src/app.tsx');
    expect(scanned).toContain('db/job-claims.ts');
    expect(scanned).toContain('db/connection-pg.ts');
    expect(scanned.filter((file) => SQLITE_OWN.some((own) => own.test(file)))).toEqual([]);
  });

  it('finds none (each is file:line, the rule, and the line)', () => {
    const found = allFindings.filter((finding) => !isAllowed(finding)).map((f) => `${f.file}:${f.line}  ${f.rule}\n    ${f.text}`);
    expect(found, `\n${found.join('\n')}\n`).toEqual([]);
  });

  it('every allowance is still needed', () => {
    const unused = ALLOWED.filter((entry) => !allFindings.some((finding) => finding.file === entry.file && finding.rule === entry.rule));
    expect(unused).toEqual([]);
  });
});

describe('the scan itself', () => {
  const rulesIn = (code: string) => findingsIn('probe.ts', code).map((f) => `${f.line}:${f.rule.split(' (')[0]}`);

  it('catches each call it looks for, also across lines', () => {
    expect(
      rulesIn(
        [
          'const a = db.select().from(users).where(eq(users.id, 1)).get();',
          'const b = db.select().from(users)',
          '  .all();',
          'db.insert(users).values(row).run();',
          'const c = db.select({ id: users.id }).from(users).values();',
          'const d = bySession.get({ id });',
          'const e = listed.all({ clubId, limit: 10 });',
          'db.run(sql`delete from users`);',
          'const f = deps.sqlite.prepare("select 1").get() as { n: number };',
          'const g = this.sqlite.transaction(() => 1)();',
          'inTransaction(sqlite, () => {});',
          'await db.transaction(async (tx) => {});',
          "const h = connection.prepare('select count(*) from users');",
        ].join('\n'),
      ),
    ).toEqual([
      '1:builder .get()/.all()/.run()',
      '3:builder .get()/.all()/.run()',
      '4:builder .get()/.all()/.run()',
      '5:builder .values()',
      '6:prepared .get({…})/.all({…})/.run({…})',
      '7:prepared .get({…})/.all({…})/.run({…})',
      '8:db.run/db.all/db.get/db.values',
      '9:builder .get()/.all()/.run()',
      '9:sqlite.prepare(',
      '9:.prepare(<SQL text>) on a connection',
      '10:sqlite/db .transaction(',
      '11:inTransaction(',
      '12:sqlite/db .transaction(',
      '13:.prepare(<SQL text>) on a connection',
    ]);
  });

  it('leaves alone what only looks alike: maps, sets, promises, drizzle’s own prepare and execute, comments and strings', () => {
    expect(
      rulesIn(
        [
          'const x = cache.get(key) ?? [...byId.values()];',
          'for (const set of this.byClub.values()) set.clear();',
          'await Promise.all([a(), b()]);',
          "app.all('/x', handler);",
          "const q = prepared(db, 'by-id', (db) => db.select().from(users).where(eq(users.id, sql.placeholder('id'))).prepare());",
          'const [row] = await q.execute({ id });',
          'await transaction(db, async (tx) => tx.insert(users).values(row));',
          "const pg = db.select().from(users).prepare('users_by_id');",
          '// Never `.get()` or `db.run(…)`, nor sqlite.prepare(…): await the builder.',
          '/* inTransaction(sqlite, …) is gone; so is .all() */',
          "const url = 'https://example.org/'; const n = rows.length; // .run()",
          'const s = `text ${items.map((i) => `${i}`).join(", ")} // not a comment`; const t = await db.select().from(users);',
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it('keeps line numbers when comments span lines', () => {
    expect(rulesIn(['/**', ' * const a = q.get();', ' */', 'const b = q.all();'].join('\n'))).toEqual(['4:builder .get()/.all()/.run()']);
  });
});
