/**
 * `npm run bench -- --only search` runs end to end on tiny data and prints one JSON object with
 * every search case, the index size and build time, and the load average. Figures are not
 * asserted: speed lives in the benchmark, not in tests.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');

describe('npm run bench -- --only search', () => {
  it('runs the search cases alone on a tiny size and prints one JSON object', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--only', 'search', '--tiny', '--json'], { cwd: ROOT, timeout: 120_000, maxBuffer: 1 << 20 });
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!);
    expect(result.cases).toHaveLength(6);
    for (const c of result.cases) {
      expect(Object.keys(c)).toEqual(expect.arrayContaining(['name', 'rps', 'p50_ms', 'p95_ms', 'p99_ms', 'errors', 'non2xx', 'server_cpu_ms_per_answer']));
      expect(c.rps).toBeGreaterThan(0);
      expect(c.errors).toBe(0);
      expect(c.non2xx).toBe(0);
    }
    expect(result.build_ms).toBeGreaterThan(0);
    expect(result.index_bytes.comments).toBeGreaterThan(0);
    expect(result.index_bytes.paragraphs).toBeGreaterThan(0);
    expect(result.load_average.before).toMatch(/^\d+\.\d\d \d+\.\d\d \d+\.\d\d$/);
    // The reader who has read nothing is told of matches ahead, never shown them.
    expect(Object.keys(result.matches)).toHaveLength(6);
  }, 150_000);
});
