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
const result = await autocannon(options);
process.stdout.write(`${JSON.stringify({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.timeouts, non2xx: result.non2xx })}\n`);
