/**
 * Runs one autocannon load in its own process and prints its result as JSON. The benchmark uses
 * it for the background readers of the posting case: autocannon decodes every response body as
 * text, which costs real CPU on binary (gzipped) pages, and in the measuring process that work
 * would slow the very posts being measured.
 *
 *   tsx bench/cannon.ts '{"url":"http://127.0.0.1:3000/…","connections":8,"duration":10}'
 */
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2] ?? '{}') as autocannon.Options;
const latencies: number[] = [];
const instance = autocannon(options) as unknown as Promise<autocannon.Result> & import('node:events').EventEmitter;
instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => latencies.push(ms));
const result = await instance;
latencies.sort((a, b) => a - b);
const p95 = latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.95))]! * 10) / 10 : 0;
process.stdout.write(`${JSON.stringify({ total: result.requests.total, rps: result.requests.average, p50: result.latency.p50, p95, p99: result.latency.p99, errors: result.errors + result.timeouts, non2xx: result.non2xx })}\n`);
