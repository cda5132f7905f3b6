/**
 * The benchmark harness runs end to end on tiny data and prints the one JSON object tooling
 * reads, on the suite's engine (`--engine pg` under `npm run test:pg`: its own durable cluster,
 * the seeded data copied in; the cost curves are SQLite's). Figures are not asserted: speed lives in `npm run bench`, not in
 * tests.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_ENGINE } from '../helpers/engine';

const ROOT = resolve(import.meta.dirname, '../..');

const results = mkdtempSync(join(tmpdir(), 'marginalia-bench-test-'));
const bench = (...args: string[]) => promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--tiny', '--json', `--results=${results}`, ...args], { cwd: ROOT, timeout: 230_000, maxBuffer: 1 << 22 });
const CASE_KEYS = ['name', 'rps', 'p50_ms', 'p95_ms', 'p99_ms', 'errors', 'non2xx', 'requests', 'load1'];

describe('npm run bench', () => {
  afterAll(() => rmSync(results, { recursive: true, force: true }));

  it('runs every case on a tiny size and prints one JSON object', async () => {
    const { stdout } = await bench('--engine', TEST_ENGINE);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!);
    expect(result.cases.map((c: { name: string }) => c.name.split(' ')[0])).toEqual(['1', '2', '3', '4', '5', '6', '6b', '7', '8', '9', '10', '13', '13', '13']);
    expect(result.engine).toBe(TEST_ENGINE);
    // Case 13: two processes on one database, posting through both.
    expect(result.two_processes.rps).toBeGreaterThan(0);
    expect(result.two_processes.one_process_rps).toBeGreaterThan(0);
    for (const c of result.cases) {
      expect(Object.keys(c)).toEqual(expect.arrayContaining(CASE_KEYS));
      // The server's own CPU time per request, for every case measured against a server process.
      if (c.name !== '6b chapter readers during posting') expect(c.cpu_ms_per_req).toBeGreaterThanOrEqual(0);
      expect(c.rps).toBeGreaterThan(0);
      expect(c.errors).toBe(0);
      expect(c.non2xx).toBe(0);
    }
    expect(Object.keys(result.ratios).sort()).toEqual(['chapter_over_static', 'healthz_over_raw', 'thread_over_static']);
    expect(Object.keys(result.cpu_ratios).sort()).toEqual(['chapter_over_static', 'healthz_over_raw', 'thread_over_static']);
    expect(result.machine.load_average).toHaveLength(3);
    expect(result.machine.cpus).toBeGreaterThan(0);
    if (existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) {
      for (const load of [result.browser.cold, result.browser.warm]) {
        expect(Object.keys(load).sort()).toEqual(['dom_nodes', 'fcp_ms', 'lcp_ms', 'load_ms', 'long_tasks', 'tbt_ms']);
        expect(load.fcp_ms).toBeGreaterThan(0);
        expect(load.lcp_ms).toBeGreaterThanOrEqual(load.fcp_ms);
        expect(load.dom_nodes).toBeGreaterThan(result.sizes.paragraphs);
      }
      expect(result.browser.cpu_throttling).toBe(4);
    }
    // Written to disk as well, with the chart.
    const written = TEST_ENGINE === 'pg' ? 'latest-pg' : 'latest';
    expect(JSON.parse(readFileSync(join(results, `${written}.json`), 'utf8')).cases).toHaveLength(result.cases.length);
    expect(readFileSync(join(results, `${written}.svg`), 'utf8')).toMatch(/^<svg[^>]*>[\s\S]*Server CPU per request[\s\S]*<\/svg>$/);
    expect(result.chapter_bytes.raw).toBeGreaterThan(result.chapter_bytes.gzip);
    expect(result.chapter_bytes.served_compressed).toBe(true);
    expect(Object.keys(result.import_ms).length).toBeGreaterThan(0);
    expect(result.rss_mb).toBeGreaterThan(0);
    expect(result.search.build_ms).toBeGreaterThan(0);
    expect(result.search.index_bytes.comments).toBeGreaterThan(0);
    expect(result.search.index_bytes.paragraphs).toBeGreaterThan(0);
    expect(Object.keys(result.search.matches).sort()).toEqual(['Loopt', '책방', '정책'].sort());
    expect(Object.keys(result.streams).sort()).toEqual([
      'batches_per_stream',
      'chapter_with_streams',
      'chapter_without_streams',
      'client_cpu_ms_per_post',
      'delivery_max_ms',
      'delivery_p50_ms',
      'delivery_p95_ms',
      'errors',
      'load1',
      'posts',
      'rss_after_mb',
      'rss_before_mb',
      'rss_growth_mb',
      'server_cpu_ms_per_post',
      'streams',
    ]);
    expect(result.streams.errors).toBe(0);
    expect(result.streams.posts).toBeGreaterThan(0);
    expect(result.streams.server_cpu_ms_per_post).toBeGreaterThan(0);
    // The chapter page is measured without streams and with them open, like case 4.
    for (const page of [result.streams.chapter_without_streams, result.streams.chapter_with_streams]) {
      expect(Object.keys(page)).toEqual(expect.arrayContaining([...CASE_KEYS, 'cpu_ms_per_req']));
      expect(page.errors).toBe(0);
      expect(page.non2xx).toBe(0);
      expect(page.rps).toBeGreaterThan(0);
    }
  }, 240_000);

  it('--curve runs every point of the cost curves and reports how each case grows', async () => {
    const { stdout } = await bench('--curve');
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!);
    expect(result.kind).toBe('curve');
    expect(result.points.map((p: { axis: string }) => p.axis)).toEqual(['comments', 'comments', 'members', 'clubs']);
    for (const point of result.points) {
      expect(Object.keys(point).sort()).toEqual(['axis', 'busiest_thread_comments', 'cases', 'chapter_bytes', 'fragment_bytes', 'load1', 'rss_mb', 'seed_ms', 'sizes']);
      expect(point.cases.map((c: { name: string }) => c.name.split(': ')[1])).toEqual(['chapter', 'chapter_render', 'thread', 'posting', 'club_home']);
      for (const c of point.cases) {
        expect(Object.keys(c)).toEqual(expect.arrayContaining([...CASE_KEYS, 'cpu_ms_per_req']));
        expect(c.errors).toBe(0);
        expect(c.non2xx).toBe(0);
      }
      expect(point.chapter_bytes.gzip).toBeGreaterThan(0);
      expect(point.rss_mb).toBeGreaterThan(0);
    }
    expect(result.points[1].sizes.comments).toBeGreaterThan(result.points[0].sizes.comments);
    // The chart now has the curves beside the ratio bars of the run above.
    const svg = readFileSync(join(results, TEST_ENGINE === 'pg' ? 'latest-pg.svg' : 'latest.svg'), 'utf8');
    expect(svg).toContain('Cost curve: server CPU per request');
    expect(svg).toContain('Server CPU per request');
  }, 240_000);
});
