/**
 * `npm run bench` — measures Marginalia on this machine and prints the figures that matter.
 *
 * Builds its own data in a temporary database (bench/seed.ts), starts the real server
 * (`src/server.ts`) on a free loopback port, and drives it with autocannon: each case gets a
 * warm-up, then a fixed measuring time. Reports requests per second, p50/p99 latency, errors
 * and non-2xx counts; the chapter page's size raw and gzipped; the server's resident memory;
 * import times; and the ratios the performance budget is written in.
 *
 *   npm run bench                 full run (about 2 minutes)
 *   npm run bench -- --quick      short run
 *   npm run bench -- --notifications   the notifications case only (bench/notifications.ts)
 *   npm run bench -- --json       one JSON object on stdout, nothing else
 *   npm run bench -- --tiny       a seconds-long run on tiny data (what the test suite runs)
 *   npm run bench -- --profile    also write the server's CPU profile (node --cpu-prof) to bench/profiles/
 *   npm run bench -- --only search   the search cases alone, on their own data (bench/search.ts)
 *   npm run bench -- --only streams  the live streams case alone (bench/streams.ts: --streams N --seconds S --no-chapter --profile)
 *   npm run bench -- --curve      the cost curves instead (bench/curve.ts), about 8 minutes
 *   npm run bench -- --results=DIR   where results go (default bench/results/, a temporary folder for --tiny)
 *   npm run bench -- --chart      only redraw latest.svg from the JSON results already there
 *   npm run bench -- --engine pg  the same cases with the server on PostgreSQL: a throwaway
 *                                 cluster with production durability (fsync and synchronous
 *                                 commit on), the same seeded data copied in by migrate-to-pg's
 *                                 copy (db/copy-to-pg.ts); results in latest-pg.json
 *
 * Case 13 runs on either engine: posting comments through one server process (8 connections),
 * then through two processes on the one database at once (4 connections each).
 *
 * Every case reports the server's CPU time per request (from /proc, see bench/lib.ts) and the
 * load average beside req/s and latency. Results are written as JSON with a chart (SVG, drawn
 * by bench/report.ts): `latest.json` for this run, `curve.json` for --curve, `latest.svg` for
 * both. The data are seeded with a fixed random seed, so a rerun on a quiet machine measures
 * the same pages.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { closeDatabase, openDatabase } from '../db/connection';
import { openPostgresEngine } from '../db/connection-pg';
import { copySqliteToPostgres } from '../db/copy-to-pg';
import { rebuildSearchIndexes } from '../src/search';
import { startCluster, type Cluster } from '../tests/pg/cluster';
import { contentHash, parseBook } from '../src/books/import';
import { storeParsedBook } from '../src/books/store';
import { generateKoreanBook } from '../tests/fixtures/books/korean-book';
import { seedSearchClub, type SearchBenchData } from './search-seed';
import { seedBenchDatabase, type BenchData } from './seed';
import { streamsCase } from './streams';
import { browserCase, type BrowserResult } from './browser';
import { curveLines, curveSpecs, runCurvePoint, type CurvePoint } from './curve';
import { machine, RESULTS_DIR, writeResults } from './report';
import { freePort } from '../tests/helpers/net';
import { cpuSeconds, load1, measure as measureCase, progress as progressTo, rotatingMembers, rssMb, serverEnv, sessionCookie, startProcess, stop, waitFor, type CannonOptions, type CaseResult } from './lib';

const ROOT = resolve(import.meta.dirname, '..');
const args = new Set(process.argv.slice(2));
const asJson = args.has('--json');
const resultsArg = process.argv.slice(2).find((arg) => arg.startsWith('--results='))?.slice('--results='.length);
const engineArg = process.argv.includes('--engine') ? process.argv[process.argv.indexOf('--engine') + 1] : 'sqlite';
if (engineArg !== 'sqlite' && engineArg !== 'pg') throw new Error(`--engine must be sqlite or pg, got ${engineArg}`);
const engine: 'sqlite' | 'pg' = engineArg;
const mode = args.has('--tiny') ? 'tiny' : args.has('--quick') ? 'quick' : 'full';
const TIMING = { full: { warmup: 2, duration: 10 }, quick: { warmup: 1, duration: 3 }, tiny: { warmup: 0.2, duration: 0.5 } }[mode];
const STREAMS = mode === 'tiny' ? 20 : 1000;
const SIZES = mode === 'tiny' ? { members: 6, paragraphs: 40, comments: 60, polls: 2 } : { members: 50, paragraphs: 500, comments: 2000, polls: 10 };
/** The search cases' club: the generated Korean book (~525 KB) and this many comments. */
const SEARCH_SIZES = mode === 'tiny' ? { comments: 2_000, bookBytes: 40_000 } : { comments: 100_000, bookBytes: 550_000 };

const say = (line = '') => {
  if (!asJson) process.stdout.write(`${line}\n`);
};
const progress = progressTo(asJson);
let serverPid: number | undefined;
const measure = (name: string, base: string, options: CannonOptions) => measureCase(name, base, options, TIMING, serverPid, progress);


async function importTimings(cluster: Cluster | null): Promise<Record<string, number>> {
  const timings: Record<string, number> = {};
  const dir = mkdtempSync(join(tmpdir(), 'marginalia-bench-import-'));
  const db = cluster ? (await openPostgresEngine(await createDatabase(cluster, 'bench_import'))).db : openDatabase(join(dir, 'import.db')).db;
  const time = async (name: string, bytes: Uint8Array, filename: string) => {
    const started = performance.now();
    const book = parseBook({ bytes, filename });
    await storeParsedBook({ db }, book, { hash: contentHash(bytes), filename, userId: null, now: Date.now() });
    timings[name] = Math.round((performance.now() - started) * 10) / 10;
  };
  const korean = new TextEncoder().encode(generateKoreanBook({ targetBytes: mode === 'tiny' ? 40_000 : 550_000 }).text);
  await time(`generated-korean-${Math.round(korean.length / 1024)}KB.txt`, korean, 'generated-korean.txt');
  const corpus = resolve(ROOT, '../shared/corpus');
  if (mode !== 'tiny' && existsSync(corpus)) {
    for (const name of readdirSync(corpus).filter((n) => n.endsWith('.epub')).sort()) await time(name, readFileSync(join(corpus, name)), name);
  }
  await closeDatabase(db);
  rmSync(dir, { recursive: true, force: true });
  return timings;
}

/** A new, empty database on the bench's cluster; its URL. */
async function createDatabase(cluster: Cluster, name: string): Promise<string> {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: cluster.adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return cluster.url.replace(/\/[^/]+$/, `/${name}`);
}

/**
 * `--engine pg`: a durable throwaway cluster, the seeded SQLite file copied in (every table,
 * ids kept, counts checked) and the search index built there; the server's DATABASE_URL.
 */
async function onPostgres(databasePath: string): Promise<{ cluster: Cluster; url: string; copy_ms: number; index_ms: number }> {
  progress('starting PostgreSQL and copying the seeded database into it');
  const cluster = await startCluster({ database: 'bench', durable: true });
  const copied = await copySqliteToPostgres(databasePath, cluster.url);
  const started = performance.now();
  const { db } = await openPostgresEngine(cluster.url);
  await rebuildSearchIndexes(db, Date.now());
  await closeDatabase(db);
  return { cluster, url: cluster.url, copy_ms: copied.ms, index_ms: Math.round(performance.now() - started) };
}

async function main() {
  // Notifications (bench/notifications.ts): 10,000 members, a day of digests, the chapter page meanwhile.
  if (args.has('--notifications')) return console.log(JSON.stringify(await (await import('./notifications')).notificationsBench(), null, 2));
  const dir = mkdtempSync(join(tmpdir(), 'marginalia-bench-'));
  const filesDir = join(dir, 'files');
  const databasePath = join(dir, 'bench.db');
  const children: ChildProcess[] = [];
  let postgres: Awaited<ReturnType<typeof onPostgres>> | null = null;
  try {
    progress(`seeding (${mode}${engine === 'pg' ? ', then copied to PostgreSQL' : ''})`);
    const data: BenchData = await seedBenchDatabase(databasePath, SIZES);
    progress(`seeding the search club (${SEARCH_SIZES.comments} comments) and building its indexes`);
    const searchData: SearchBenchData = await seedSearchClub(databasePath, SEARCH_SIZES);
    if (engine === 'pg') postgres = await onPostgres(databasePath);
    /** The server's database: the seeded file, or PostgreSQL with the same rows. */
    const databaseEnv: Record<string, string> = postgres ? { DATABASE_URL: postgres.url } : {};

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const profileDir = join(ROOT, 'bench/profiles');
    const server = startProcess([...(args.has('--profile') ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), '--import', 'tsx', 'src/server.ts'], serverEnv(port, databasePath, filesDir, {
      // The streams case opens many streams per member (as many tabs); the default is 5.
      LIVE_STREAMS_PER_MEMBER: '100000',
      LIVE_UPDATES: 'true',
      ...databaseEnv,
    }));
    children.push(server.child);
    await waitFor(`${base}/healthz`, server.child, server.output);

    // The ceiling: node:http answering the very bytes /healthz answers (same headers, same body),
    // so (2)/(1) is what the framework costs and nothing else.
    const health = await fetch(`${base}/healthz`);
    const healthHeaders = Object.fromEntries([...health.headers].filter(([name]) => !['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(name)));
    const healthBody = await health.text();
    const rawPort = await freePort();
    const raw = startProcess(['-e', `const h = ${JSON.stringify(healthHeaders)}; const b = ${JSON.stringify(healthBody)}; require('node:http').createServer((q, s) => { s.writeHead(200, h); s.end(b); }).listen(${rawPort}, '127.0.0.1')`], {});
    children.push(raw.child);
    const rawBase = `http://127.0.0.1:${rawPort}`;
    await waitFor(rawBase, raw.child, raw.output);

    const owner = sessionCookie(data.tokens[0]!);
    const member = sessionCookie(data.tokens[data.tokens.length - 1]!);
    const chapterPath = `/clubs/${data.clubId}/chapters/${data.chapterOrdinal}`;
    const threadPath = `/clubs/${data.clubId}/paragraphs/${data.busiestParagraphId}/comments`;

    // The chapter page as a member who has read it all, raw and as the server compresses it.
    const pageResponse = await fetch(base + chapterPath, { headers: { cookie: member, 'accept-encoding': 'identity' } });
    if (!pageResponse.ok) throw new Error(`chapter page answered ${pageResponse.status}`);
    const pageBytes = new Uint8Array(await pageResponse.arrayBuffer());
    const gzResponse = await fetch(base + chapterPath, { headers: { cookie: member, 'accept-encoding': 'gzip' } });
    const served = gzResponse.headers.get('content-encoding') === 'gzip';
    const chapterBytes = { raw: pageBytes.length, gzip: gzipSync(pageBytes).length, served_compressed: served };
    // The thread fragment of the busiest paragraph, as htmx asks for it (budget: under 80 KB raw).
    const fragmentResponse = await fetch(base + threadPath, { headers: { cookie: member, 'hx-request': 'true', 'accept-encoding': 'identity' } });
    if (!fragmentResponse.ok) throw new Error(`thread fragment answered ${fragmentResponse.status}`);
    const fragment = new Uint8Array(await fragmentResponse.arrayBuffer());
    const fragmentBytes = { raw: fragment.length, gzip: gzipSync(fragment).length };
    mkdirSync(filesDir, { recursive: true });
    writeFileSync(join(filesDir, 'chapter.html'), pageBytes);

    const gzipAccept = { 'accept-encoding': 'gzip' };
    const cases: CaseResult[] = [];
    serverPid = raw.child.pid;
    cases.push(await measure('1 raw node:http, same bytes as (2)', rawBase, { path: '/', connections: 50 }));
    serverPid = server.child.pid;
    cases.push(await measure('2 GET /healthz', base, { path: '/healthz', connections: 50 }));
    cases.push(await measure('3 chapter bytes as a static file', base, { path: '/files/chapter.html', connections: 10, headers: gzipAccept }));
    cases.push(await measure('4 chapter page, member who read it all', base, { path: chapterPath, connections: 10, headers: { cookie: member, ...gzipAccept } }));
    cases.push(await measure('5 thread fragment', base, { path: threadPath, connections: 10, headers: { cookie: member, 'hx-request': 'true', ...gzipAccept } }));

    // 6: members post comments while 8 other connections read chapter pages.
    let posted = 0;
    const postComment = rotatingMembers(data.tokens, (index) => {
      const paragraphId = data.paragraphIds[(index * 7 + posted++) % data.paragraphIds.length]!;
      return { method: 'POST', path: `/clubs/${data.clubId}/comments`, body: new URLSearchParams({ reading_id: String(data.readingId), paragraph_id: String(paragraphId), body: `벤치마크 댓글 ${posted} — benchmark comment`, visibility: 'club' }).toString() };
    });
    progress('6 posting comments with 8 readers');
    const readerLoad = startProcess(['--import', 'tsx', 'bench/cannon.ts', JSON.stringify({
      url: base + chapterPath,
      connections: 8,
      duration: TIMING.warmup + TIMING.duration + 0.5,
      headers: { cookie: owner, ...gzipAccept },
    })], {});
    children.push(readerLoad.child);
    const readersDone = new Promise<void>((done) => readerLoad.child.once('exit', () => done()));
    await new Promise((r) => setTimeout(r, 300));
    cases.push(await measure('6 posting comments (8 readers running)', base, { path: '/', connections: 8, requests: postComment as never, redirectIsSuccess: true }));
    await readersDone;
    const readers = JSON.parse(readerLoad.output.join('').trim().split('\n').pop() ?? '{}') as { total: number; rps: number; p50: number; p95: number; p99: number; errors: number; non2xx: number };
    cases.push({ name: '6b chapter readers during posting', rps: Math.round(readers.rps), p50_ms: readers.p50, p95_ms: readers.p95, p99_ms: readers.p99, errors: readers.errors, non2xx: readers.non2xx, requests: readers.total, load1: load1() });

    // 7: voting (each vote replaces the member's previous one).
    const optionIds = data.pollOptionIds[0]!;
    const vote = rotatingMembers(data.tokens, (index) => ({
      method: 'POST',
      path: `/clubs/${data.clubId}/polls/${data.pollIds[0]}/vote`,
      body: new URLSearchParams({ choice: String(optionIds[index % optionIds.length]) }).toString(),
    }));
    cases.push(await measure('7 voting in a poll', base, { path: '/', connections: 10, requests: vote as never, redirectIsSuccess: true }));

    // 8–10: search in the club of the generated Korean book and its 100,000 comments, as a member
    // who has read it all (so every match is visible: the most work per answer), as htmx asks.
    const searchPath = (q: string) => `/clubs/${searchData.clubId}/search?q=${encodeURIComponent(q)}`;
    const searchHeaders = { cookie: member, 'hx-request': 'true', ...gzipAccept };
    const searchMatches: Record<string, string> = {};
    for (const q of ['정책', 'Loopt', '책방']) {
      const response = await fetch(base + searchPath(q), { headers: searchHeaders });
      if (!response.ok) throw new Error(`search ${q} answered ${response.status}`);
      searchMatches[q] = /<p class="search-summary">([^<]*)/.exec(await response.text())?.[1] ?? '';
    }
    cases.push(await measure('8 search, 2-syllable Korean (정책)', base, { path: searchPath('정책'), connections: 10, headers: searchHeaders }));
    cases.push(await measure('9 search, English word (Loopt)', base, { path: searchPath('Loopt'), connections: 10, headers: searchHeaders }));
    cases.push(await measure('10 search, everyday Korean word (책방)', base, { path: searchPath('책방'), connections: 10, headers: searchHeaders }));
    // 11: live streams on the chapter, a comment every 100 ms; then the chapter page with them open.
    progress(`11 ${STREAMS} live streams, a comment every 100 ms`);
    let streamPosts = 0;
    const streams = await streamsCase({
      base,
      path: `/clubs/${data.clubId}/live/${data.readingId}/${data.chapterId}`,
      cookieFor: (index) => sessionCookie(data.tokens[index % data.tokens.length]!),
      streams: STREAMS,
      durationSeconds: TIMING.duration,
      rssMb: () => rssMb(server.child.pid!),
      serverCpuSeconds: () => cpuSeconds(server.child.pid!),
      // The chapter page's own figures (as case 4) without streams, then with all of them open.
      chapterPage: (name) => measure(`11 ${name}`, base, { path: chapterPath, connections: 10, headers: { cookie: member, ...gzipAccept } }),
      post: (index) =>
        fetch(`${base}/clubs/${data.clubId}/comments`, {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie: sessionCookie(data.tokens[1 + (index % (data.tokens.length - 1))]!), 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
          body: new URLSearchParams({ reading_id: String(data.readingId), paragraph_id: String(data.paragraphIds[(index * 13) % data.paragraphIds.length]!), body: `실시간 ${streamPosts++} — live`, visibility: 'club' }).toString(),
        }),
    });

    // 12: a real browser loads the chapter page, cold and warm, at phone size with the CPU slowed 4×.
    let browser: BrowserResult | null = null;
    if (existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium') && !args.has('--no-browser')) {
      progress('12 Chromium loads the chapter page (390 px, CPU ×4), cold then warm');
      browser = await browserCase({ base, path: chapterPath, cookie: { name: 'marginalia_session', value: data.tokens[data.tokens.length - 1]! }, paragraphs: SIZES.paragraphs });
    }

    // 13: a second server process on the same database; comments posted through both at once.
    progress('13 two processes on one database, posting through both');
    const secondPort = await freePort();
    const second = startProcess(['--import', 'tsx', 'src/server.ts'], serverEnv(secondPort, databasePath, filesDir, { LIVE_UPDATES: 'true', ...databaseEnv }));
    children.push(second.child);
    const secondBase = `http://127.0.0.1:${secondPort}`;
    await waitFor(`${secondBase}/healthz`, second.child, second.output);
    const oneProcess = await measure('13 posting, one process (8 connections)', base, { path: '/', connections: 8, requests: postComment as never, redirectIsSuccess: true });
    cases.push(oneProcess);
    const twoProcesses = await Promise.all(
      [
        [base, server.child.pid],
        [secondBase, second.child.pid],
      ].map(([at, pid], i) => measureCase(`13 posting, process ${i + 1} of 2`, at as string, { path: '/', connections: 4, requests: postComment as never, redirectIsSuccess: true }, TIMING, pid as number, progress)),
    );
    cases.push(...twoProcesses);
    const two_processes = {
      rps: twoProcesses.reduce((sum, c) => sum + c.rps, 0),
      p95_ms: Math.max(...twoProcesses.map((c) => c.p95_ms)),
      one_process_rps: oneProcess.rps,
    };
    await stop(second.child);

    const rss = rssMb(server.child.pid!);
    const import_ms = await importTimings(postgres?.cluster ?? null);
    const find = (prefix: string) => cases.find((c) => c.name.startsWith(prefix))!;
    const ratio = (a: string, b: string) => Math.round((find(a).rps / Math.max(1, find(b).rps)) * 100) / 100;
    /** CPU per request of case a over case b: what a costs the server against b (budget: chapter ≤ 1.5 × static). */
    const cpuRatio = (a: string, b: string) => Math.round(((find(a).cpu_ms_per_req ?? 0) / Math.max(0.001, find(b).cpu_ms_per_req ?? 0)) * 100) / 100;
    const result = {
      mode,
      engine,
      postgres: postgres ? { copy_ms: postgres.copy_ms, search_index_ms: postgres.index_ms } : undefined,
      two_processes,
      machine: machine(),
      timing: TIMING,
      sizes: SIZES,
      cases,
      ratios: { healthz_over_raw: ratio('2 ', '1 '), chapter_over_static: ratio('4 ', '3 '), thread_over_static: ratio('5 ', '3 ') },
      cpu_ratios: { chapter_over_static: cpuRatio('4 ', '3 '), thread_over_static: cpuRatio('5 ', '3 '), healthz_over_raw: cpuRatio('2 ', '1 ') },
      browser,
      chapter_bytes: chapterBytes,
      fragment_bytes: fragmentBytes,
      import_ms,
      rss_mb: rss,
      search: {
        comments: searchData.comments,
        paragraphs: searchData.paragraphs,
        book_bytes: searchData.book_bytes,
        build_ms: searchData.build_ms,
        index_bytes: searchData.index_bytes,
        matches: searchMatches,
      },
      streams,
    };

    const resultsAt = resultsDir();
    const written = await writeResults(resultsAt, engine === 'pg' ? 'latest-pg' : 'latest', result, chartInput(resultsAt, result.cases));
    if (asJson) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      say(`Marginalia benchmark on ${engine === 'pg' ? 'PostgreSQL' : 'SQLite'} (${mode}: ${TIMING.warmup}s warm-up, ${TIMING.duration}s per case; ${SIZES.members} members, ${SIZES.paragraphs}-paragraph chapter, ${SIZES.comments} comments, ${SIZES.polls} polls)`);
      say();
      say(`machine: ${result.machine.cpus} cores, load average ${result.machine.load_average.join(' ')} at the end (per case: the load column)`);
      say();
      for (const line of caseTable(cases)) say(line);
      say();
      say(`ratios of req/s: (2)/(1) ${result.ratios.healthz_over_raw}   (4)/(3) ${result.ratios.chapter_over_static}   (5)/(3) ${result.ratios.thread_over_static}`);
      say(`ratios of server CPU per request: (4)/(3) ${result.cpu_ratios.chapter_over_static} (budget ≤ 1.5)   (5)/(3) ${result.cpu_ratios.thread_over_static}   (2)/(1) ${result.cpu_ratios.healthz_over_raw}`);
      if (browser) {
        const b = (load: BrowserResult['cold']) => `FCP ${load.fcp_ms} ms, LCP ${load.lcp_ms} ms, TBT ${load.tbt_ms} ms (${load.long_tasks} long tasks), ${load.dom_nodes} DOM nodes, load ${load.load_ms} ms`;
        say(`12 Chromium, ${browser.viewport.width} px, CPU ×${browser.cpu_throttling}, ${browser.paragraphs}-paragraph chapter: cold ${b(browser.cold)}; warm ${b(browser.warm)} (budget LCP ≤ 2,500 ms, DOM ≤ 6,000)`);
      }
      say(`chapter page: ${chapterBytes.raw} bytes raw, ${chapterBytes.gzip} gzipped (${Math.round(chapterBytes.gzip / 1024)} KB); served compressed: ${served}`);
      say(`thread fragment (5): ${fragmentBytes.raw} bytes raw (${Math.round(fragmentBytes.raw / 1024)} KB), ${fragmentBytes.gzip} gzipped`);
      say(`11 live streams: ${streams.streams} streams, ${streams.posts} comments 100 ms apart; delivery to the last stream p50 ${streams.delivery_p50_ms} ms, p95 ${streams.delivery_p95_ms} ms, max ${streams.delivery_max_ms} ms; server memory ${streams.rss_before_mb} → ${streams.rss_after_mb} MB (+${streams.rss_growth_mb}); errors ${streams.errors}`);
      const page = (r: CaseResult | null) => (r ? `${r.rps} req/s, p50 ${r.p50_ms} ms, p95 ${r.p95_ms} ms, ${r.cpu_ms_per_req} ms CPU/req (load ${r.load1})` : 'not measured');
      say(`11 live streams: server CPU ${streams.server_cpu_ms_per_post} ms per post (all streams; ${streams.batches_per_stream} drawn messages per stream for ${streams.posts} posts), bench client ${streams.client_cpu_ms_per_post} ms per post; load ${streams.load1}`);
      say(`11 chapter page without streams: ${page(streams.chapter_without_streams)}; with ${streams.streams} open: ${page(streams.chapter_with_streams)}`);
      say(`13 two processes on one database: posting ${two_processes.rps} req/s through both (worst p95 ${two_processes.p95_ms} ms), against ${two_processes.one_process_rps} req/s through one (8 connections either way)`);
      if (postgres) say(`PostgreSQL: the seeded database copied in ${postgres.copy_ms} ms, its search index built in ${postgres.index_ms} ms`);
      say(`server memory after the run: ${rss} MB resident`);
      say(`search (8–10): ${searchData.comments} comments and ${searchData.paragraphs} paragraphs (${Math.round(searchData.book_bytes / 1024)} KB book); indexes built in ${searchData.build_ms} ms; ${Math.round(searchData.index_bytes.comments / 1024)} KB for comments, ${Math.round(searchData.index_bytes.paragraphs / 1024)} KB for the book`);
      say(`search matches: ${Object.entries(searchMatches).map(([q, summary]) => `${q}: ${summary}`).join(' | ')}`);
      say(`imports: ${Object.entries(import_ms).map(([n, ms]) => `${n} ${ms} ms`).join(', ')}`);
      if (args.has('--profile')) say(`server CPU profile written to ${profileDir} (open it in Chrome DevTools)`);
      say(`results: ${written.json}, chart: ${written.svg}`);
    }
  } finally {
    for (const child of children) await stop(child);
    postgres?.cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Where results go: --results=DIR, else bench/results/ (a temporary folder for tiny runs, which tests make). */
function resultsDir(): string {
  if (resultsArg) return resolve(resultsArg);
  return mode === 'tiny' ? mkdtempSync(join(tmpdir(), 'marginalia-bench-results-')) : RESULTS_DIR;
}

function caseTable(cases: CaseResult[]): string[] {
  const lines = ['case'.padEnd(44) + 'req/s'.padStart(9) + 'p50 ms'.padStart(9) + 'p95 ms'.padStart(9) + 'p99 ms'.padStart(9) + 'errors'.padStart(8) + 'non-2xx'.padStart(9) + 'server CPU'.padStart(12) + 'ms CPU/req'.padStart(12) + 'load'.padStart(7)];
  for (const c of cases) {
    lines.push(
      c.name.padEnd(44) + String(c.rps).padStart(9) + String(c.p50_ms).padStart(9) + String(c.p95_ms).padStart(9) + String(c.p99_ms).padStart(9) + String(c.errors).padStart(8) + String(c.non2xx).padStart(9) +
        (c.server_cpu_pct === undefined ? '' : `${c.server_cpu_pct}%`).padStart(12) + (c.cpu_ms_per_req === undefined ? '' : String(c.cpu_ms_per_req)).padStart(12) + (c.load1 === undefined ? '' : String(c.load1)).padStart(7),
    );
  }
  return lines;
}

/** The chart shows this run and the other kind's latest results found beside it. */
function chartInput(dir: string, cases?: CaseResult[], curve?: CurvePoint[]) {
  const other = (name: string) => {
    const path = join(dir, `${name}.json`);
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { cases?: CaseResult[]; points?: CurvePoint[] }) : undefined;
  };
  return {
    title: `Marginalia bench (${mode}), ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, load average ${load1()}`,
    cases: cases ?? other('latest')?.cases,
    staticCase: (cases ?? other('latest')?.cases)?.find((c) => c.name.startsWith('3 '))?.name,
    curve: curve ?? other('curve')?.points,
  };
}

/** `--curve`: every point of bench/curve.ts, each on its own fresh database and server. */
async function curve() {
  // Each case answers a fixed number of requests (bench/curve.ts), `scale` of the full amounts.
  const timing = mode === 'tiny' ? { warmup: 0.2, duration: 1, scale: 0.1 } : mode === 'quick' ? { warmup: 0.5, duration: 2, scale: 0.3 } : { warmup: 1, duration: 5, scale: 1 };
  const points: CurvePoint[] = [];
  const profileDir = args.has('--profile') ? join(ROOT, 'bench/profiles') : undefined;
  for (const spec of curveSpecs(mode === 'tiny')) points.push(await runCurvePoint(spec, timing, progress, profileDir));
  const result = { mode, kind: 'curve', machine: machine(), timing, points };
  const dir = resultsDir();
  mkdirSync(dir, { recursive: true });
  const written = await writeResults(dir, 'curve', result, chartInput(dir, undefined, points));
  // The main runs' charts (either engine's) are redrawn with the curves when they are there.
  for (const name of ['latest', 'latest-pg']) {
    const path = join(dir, `${name}.json`);
    if (!existsSync(path)) continue;
    const main = JSON.parse(readFileSync(path, 'utf8')) as { cases?: CaseResult[] };
    await writeResults(dir, name, main, chartInput(dir, main.cases, points));
  }
  if (asJson) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  say(`Marginalia cost curves (${mode}: ${timing.warmup}s warm-up, ${timing.duration}s per case; load average ${result.machine.load_average.join(' ')} at the end)`);
  say();
  for (const line of curveLines(points)) say(line);
  say();
  for (const line of caseTable(points.flatMap((p) => p.cases))) say(line);
  say();
  say(`results: ${written.json}, chart: ${written.svg}`);
}

/** `--chart`: redraws latest.svg from latest.json and curve.json (say, after a rerun of one of them). */
async function chart() {
  const dir = resultsArg ? resolve(resultsArg) : RESULTS_DIR;
  const latest = join(dir, 'latest.json');
  if (!existsSync(latest)) throw new Error(`no ${latest}: run npm run bench first`);
  const written = await writeResults(dir, 'latest', JSON.parse(readFileSync(latest, 'utf8')), chartInput(dir));
  say(`chart: ${written.svg}`);
}

// `--only search`: the search cases alone (bench/search.ts), with the same --quick/--tiny/--json/--profile.
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const runSearchOnly = () => import('./search').then(({ runSearchBench }) => runSearchBench(mode, { json: asJson, profile: args.has('--profile') }));
const runStreamsOnly = () => import('./streams').then(({ streamsAlone }) => streamsAlone());
(only === 'search' ? runSearchOnly() : only === 'streams' ? runStreamsOnly() : args.has('--chart') ? chart() : args.has('--curve') ? curve() : main()).catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
