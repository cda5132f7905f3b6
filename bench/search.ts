/**
 * The search cases on their own: `npm run bench -- --only search` (add `--quick` or `--tiny`).
 *
 * Builds a fresh database with a few members (each with a session) and the search club of
 * `search-seed.ts` (the generated ~550 KB Korean book and 100,000 comments; the index build is
 * timed there), starts the real server, and measures at 10 connections, as a member who has read
 * everything (every match visible: the most work per answer) and as one who has read nothing
 * (every match ahead: counts only), asking as htmx does:
 *
 * - a 2-syllable Korean query (정책, in ~1,300 comments and the book),
 * - an English word (Loopt, in ~900 comments),
 * - an everyday Korean word of the book (책방, several thousand matches; the worst case).
 *
 * Prints p50/p95/p99, req/s, the index size and build time, and the load average before and
 * after (the machine may be shared: read the figures beside it).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../db/connection';
import { users } from '../db/schema';
import { hashPassword } from '../src/auth/password';
import { createSession } from '../src/auth/session';
import { freePort } from '../tests/helpers/net';
import { measure, ROOT, startProcess, stop, waitFor, type CaseResult } from './lib';
import { seedSearchClub, type SearchBenchData } from './search-seed';

export type SearchBenchMode = 'full' | 'quick' | 'tiny';

export const SEARCH_SIZES: Record<SearchBenchMode, { comments: number; bookBytes: number; members: number }> = {
  full: { comments: 100_000, bookBytes: 550_000, members: 10 },
  quick: { comments: 100_000, bookBytes: 550_000, members: 10 },
  tiny: { comments: 2_000, bookBytes: 40_000, members: 4 },
};
const TIMING: Record<SearchBenchMode, { warmup: number; duration: number }> = { full: { warmup: 2, duration: 10 }, quick: { warmup: 1, duration: 3 }, tiny: { warmup: 0.2, duration: 0.5 } };

/** The queries measured, and what each stands for. */
export const SEARCH_QUERIES = [
  { q: '정책', name: '2-syllable Korean (정책)' },
  { q: 'Loopt', name: 'English word (Loopt)' },
  { q: '책방', name: 'everyday Korean word (책방)' },
] as const;

/**
 * A database of its own: `members` users with a session each, the first caught up on the whole
 * book, the last at the very start of it, and the search club of `search-seed.ts`.
 */
export async function seedSearchAlone(path: string, sizes: { comments: number; bookBytes: number; members: number }): Promise<{ data: SearchBenchData; caughtUp: string; newcomer: string }> {
  const { db, sqlite } = openDatabase(path);
  const now = Date.now();
  const passwordHash = await hashPassword('benchmark password');
  const tokens: string[] = [];
  for (let i = 0; i < sizes.members; i++) {
    const [{ id }] = (await db.insert(users).values({ username: `reader${i}`, usernameKey: `reader${i}`, displayName: `독자 ${i}`, passwordHash, isAdmin: i === 0, createdAt: now }).returning({ id: users.id })) as [{ id: number }];
    tokens.push((await createSession(db, id, now)).token);
  }
  sqlite.close();
  const data = await seedSearchClub(path, sizes);
  // The last member has read nothing: every match is ahead of them (counts, never words).
  const reopened = openDatabase(path).sqlite;
  reopened.prepare('update reading_progress set position = 0 where user_id = (select max(id) from users)').run();
  reopened.close();
  return { data, caughtUp: `marginalia_session=${tokens[0]!}`, newcomer: `marginalia_session=${tokens[tokens.length - 1]!}` };
}

/** A search case: bench/lib.ts's figures, with the server's CPU per answer under the name the search figures use. */
export type SearchCaseResult = CaseResult & {
  /** Server CPU time (user + system) per answer: what the load on a shared machine changes least. */
  server_cpu_ms_per_answer: number;
};

async function searchCase(name: string, base: string, path: string, headers: Record<string, string>, timing: { warmup: number; duration: number }, serverPid: number): Promise<SearchCaseResult> {
  process.stderr.write(`… search: ${name}\n`);
  const result = await measure(name, base, { path, connections: 10, headers }, timing, serverPid);
  return { ...result, server_cpu_ms_per_answer: result.cpu_ms_per_req ?? 0 };
}

const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');

/** Seeds, starts the server, measures the search cases; returns (and, unless `json`, prints) the figures. */
export async function runSearchBench(mode: SearchBenchMode, options: { json?: boolean; profile?: boolean } = {}) {
  const say = (line = '') => {
    if (!options.json) process.stdout.write(`${line}\n`);
  };
  const dir = mkdtempSync(join(tmpdir(), 'marginalia-bench-search-'));
  const databasePath = join(dir, 'search.db');
  let child: ChildProcess | undefined;
  try {
    process.stderr.write(`… search: seeding ${SEARCH_SIZES[mode].comments} comments and building the indexes\n`);
    const seeded = await seedSearchAlone(databasePath, SEARCH_SIZES[mode]);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const profileDir = join(ROOT, 'bench/profiles');
    const server = startProcess([...(options.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), '--import', 'tsx', 'src/server.ts'], {
      PORT: String(port),
      HOST: '127.0.0.1',
      ORIGIN: base,
      DATABASE_PATH: databasePath,
      DATABASE_URL: '',
      IMPORT_CONTENT: 'false',
      LOG_REQUESTS: 'false',
      NODE_ENV: 'production',
    });
    child = server.child;
    await waitFor(`${base}/healthz`, child, server.output);

    const loadBefore = load();
    const path = (q: string) => `/clubs/${seeded.data.clubId}/search?q=${encodeURIComponent(q)}`;
    const readers = [
      { who: 'caught up', cookie: seeded.caughtUp },
      { who: 'read nothing', cookie: seeded.newcomer },
    ];
    const summaries: Record<string, string> = {};
    const cases: SearchCaseResult[] = [];
    for (const reader of readers) {
      for (const { q, name } of SEARCH_QUERIES) {
        const headers = { cookie: reader.cookie, 'hx-request': 'true', 'accept-encoding': 'gzip' };
        const response = await fetch(base + path(q), { headers: { cookie: reader.cookie, 'hx-request': 'true' } });
        if (!response.ok) throw new Error(`search ${q} answered ${response.status}`);
        const text = await response.text();
        summaries[`${q} (${reader.who})`] = [...text.matchAll(/<p class="search-summary">([^<]*)/g)].map((m) => m[1]).join(' / ');
        cases.push(await searchCase(`search, ${name}, ${reader.who}`, base, path(q), headers, TIMING[mode], child.pid!));
      }
    }
    const result = {
      mode,
      load_average: { before: loadBefore, after: load() },
      comments: seeded.data.comments,
      paragraphs: seeded.data.paragraphs,
      book_bytes: seeded.data.book_bytes,
      build_ms: seeded.data.build_ms,
      index_bytes: seeded.data.index_bytes,
      matches: summaries,
      cases,
    };
    if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      say(`search (${mode}: ${TIMING[mode].warmup}s warm-up, ${TIMING[mode].duration}s per case, 10 connections): ${result.comments} comments, ${result.paragraphs} paragraphs (${Math.round(result.book_bytes / 1024)} KB book)`);
      say(`indexes built in ${result.build_ms} ms; ${Math.round(result.index_bytes.comments / 1024)} KB for comments, ${Math.round(result.index_bytes.paragraphs / 1024)} KB for the book`);
      say();
      say('case'.padEnd(58) + 'req/s'.padStart(8) + 'p50 ms'.padStart(9) + 'p95 ms'.padStart(9) + 'p99 ms'.padStart(9) + 'errors'.padStart(8) + 'non-2xx'.padStart(9) + 'CPU ms/answer'.padStart(15));
      for (const c of cases) say(c.name.padEnd(58) + String(c.rps).padStart(8) + String(c.p50_ms).padStart(9) + String(c.p95_ms).padStart(9) + String(c.p99_ms).padStart(9) + String(c.errors).padStart(8) + String(c.non2xx).padStart(9) + String(c.server_cpu_ms_per_answer).padStart(15));
      say();
      for (const [q, summary] of Object.entries(summaries)) say(`${q}: ${summary}`);
      say(`load average (1, 5, 15 min): ${result.load_average.before} before, ${result.load_average.after} after`);
      say('CPU ms/answer: the server process\'s CPU time per answer. With 10 connections on one single-threaded server, p95 is about 10 × the time per answer on a quiet machine, so ≤ 30 ms needs about ≤ 3 ms.');
    }
    return result;
  } finally {
    if (child) await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
}
