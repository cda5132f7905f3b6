/**
 * The benchmark harness runs end to end on tiny data and prints the one JSON object tooling
 * reads. Figures are not asserted: speed lives in `npm run bench`, not in tests.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

describe('npm run bench', () => {
  it('runs every case on a tiny size and prints one JSON object', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--tiny', '--json'], { cwd: ROOT, timeout: 120_000, maxBuffer: 1 << 20 });
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!);
    expect(result.cases.map((c: { name: string }) => c.name.split(' ')[0])).toEqual(['1', '2', '3', '4', '5', '6', '6b', '7', '8', '9', '10']);
    for (const c of result.cases) {
      expect(Object.keys(c)).toEqual(expect.arrayContaining(['name', 'rps', 'p50_ms', 'p95_ms', 'p99_ms', 'errors', 'non2xx']));
      expect(c.rps).toBeGreaterThan(0);
      expect(c.errors).toBe(0);
      expect(c.non2xx).toBe(0);
    }
    expect(Object.keys(result.ratios).sort()).toEqual(['chapter_over_static', 'healthz_over_raw', 'thread_over_static']);
    expect(result.chapter_bytes.raw).toBeGreaterThan(result.chapter_bytes.gzip);
    expect(result.chapter_bytes.served_compressed).toBe(true);
    expect(Object.keys(result.import_ms).length).toBeGreaterThan(0);
    expect(result.rss_mb).toBeGreaterThan(0);
    expect(result.search.build_ms).toBeGreaterThan(0);
    expect(result.search.index_bytes.comments).toBeGreaterThan(0);
    expect(result.search.index_bytes.paragraphs).toBeGreaterThan(0);
    expect(Object.keys(result.search.matches).sort()).toEqual(['Loopt', '책방', '정책'].sort());
  }, 150_000);
});
