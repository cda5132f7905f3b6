/**
 * The live streams case of `npm run bench`: N open streams on one chapter (rotating over the
 * club's members, so several streams of one member share a render as they would in several
 * tabs), one comment posted every 100 ms for the case's duration, and for each post the time
 * from sending it to its arrival on the LAST stream. Also the server's memory before and after,
 * and errors (a refused stream, a post that failed, a message missing at the end).
 */
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { get as httpGet, type ClientRequest } from 'node:http';
import { load1, round1, type CaseResult } from './lib';

export interface StreamsResult {
  streams: number;
  posts: number;
  delivery_p50_ms: number;
  delivery_p95_ms: number;
  delivery_max_ms: number;
  rss_before_mb: number;
  rss_after_mb: number;
  rss_growth_mb: number;
  errors: number;
  /** The server's CPU time (user + system) while the posts were delivered, per post (all its streams). */
  server_cpu_ms_per_post: number;
  /**
   * Messages with swaps each stream received, on average: `posts` when every post was drawn on
   * its own, fewer when the server fell behind and drew several together (which also lowers the
   * CPU per post: compare CPU per post at similar batches).
   */
  batches_per_stream: number;
  /** The bench process's own CPU (reading the 1,000 streams): it shares the machine's cores with the server. */
  client_cpu_ms_per_post: number;
  /** The chapter page measured the same way (before the posts) without a stream open, then with all of them open. */
  chapter_without_streams: CaseResult | null;
  chapter_with_streams: CaseResult | null;
  /** The machine's 1-minute load average when the posts ended. */
  load1: number;
}

interface Options {
  base: string;
  path: string;
  /** Cookie header per stream index. */
  cookieFor: (index: number) => string;
  streams: number;
  durationSeconds: number;
  post: (index: number) => Promise<Response>;
  rssMb: () => number;
  /** The server's CPU seconds so far (bench/lib.ts `cpuSeconds`). */
  serverCpuSeconds: () => number;
  /** Measures the chapter page (autocannon, bench/lib.ts `measure`); asked before the streams open and while they are open. */
  chapterPage?: (name: string) => Promise<CaseResult>;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! * 10) / 10;
}

export async function streamsCase(options: Options): Promise<StreamsResult> {
  // The chapter page, on a warmed-up server (JIT, caches), without a stream and then with all
  // of them open, before any post: the same data and no work left over from the posts, so the
  // two runs differ only by the open streams.
  if (options.chapterPage) await options.chapterPage('chapter page, warm-up');
  const chapterWithout = options.chapterPage ? await options.chapterPage('chapter page, no stream open') : null;
  const rssBefore = options.rssMb();
  let errors = 0;
  /** Per stream: arrival times of its messages with an id (one per post, in order). */
  const arrivals: number[][] = [];
  /** Per stream: messages with swaps received (posts drawn together under load arrive as one). */
  const drawn: number[] = [];
  const requests: ClientRequest[] = [];
  // The streams are read with node:http and counted on bytes (an id line is "\nid: "): 1,000
  // readers in one process must cost little, or the bench measures itself (fetch's Web
  // Streams and decoding cost about as much CPU per post as the server's whole fan-out).
  const ID_LINE = Buffer.from('\nid: ');
  const url = new URL(options.base + options.path);
  await Promise.all(
    Array.from(
      { length: options.streams },
      (_, index) =>
        new Promise<void>((opened) => {
          const times: number[] = [];
          arrivals[index] = times;
          const request = httpGet(url, { agent: false, headers: { accept: 'text/event-stream', cookie: options.cookieFor(index) } }, (response) => {
            if (response.statusCode !== 200) {
              errors += 1;
              response.resume();
              opened();
              return;
            }
            // The last bytes of the previous chunk, so an id line cut in two is still found once.
            let tail = Buffer.from('\n');
            response.on('data', (chunk: Buffer) => {
              const now = performance.now();
              const bytes = Buffer.concat([tail, chunk]);
              for (let at = bytes.indexOf(ID_LINE); at >= 0; at = bytes.indexOf(ID_LINE, at + 1)) {
                times.push(now);
                // An id after a data line ends a message with swaps (one per batch of events);
                // an id after a blank line is an id-only message (an earlier event of the batch).
                if (at > 0 && bytes[at - 1] !== 0x0a) drawn[index] = (drawn[index] ?? 0) + 1;
              }
              tail = bytes.subarray(Math.max(0, bytes.length - (ID_LINE.length - 1)));
            });
            response.on('error', () => {});
            opened();
          });
          request.on('error', () => {
            errors += 1;
            opened();
          });
          requests.push(request);
        }),
    ),
  );
  await new Promise((r) => setTimeout(r, 1000));
  const chapterWith = options.chapterPage ? await options.chapterPage(`chapter page, ${options.streams} streams open`) : null;

  const sentAt: number[] = [];
  const posts = Math.round(options.durationSeconds * 10);
  const serverCpuBefore = options.serverCpuSeconds();
  const clientCpuBefore = process.cpuUsage();
  for (let i = 0; i < posts; i++) {
    const started = performance.now();
    sentAt.push(started);
    options.post(i).then(
      (response) => {
        if (response.status >= 400) errors += 1;
      },
      () => (errors += 1),
    );
    const wait = started + 100 - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  // Let the last posts arrive (generously), then read the times.
  const deadline = performance.now() + 10_000;
  while (performance.now() < deadline && arrivals.some((times) => times.length < posts)) await new Promise((r) => setTimeout(r, 100));
  const serverCpu = options.serverCpuSeconds() - serverCpuBefore;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const load = load1();
  const delivery: number[] = [];
  for (let i = 0; i < posts; i++) {
    let last = 0;
    for (const times of arrivals) {
      const at = times[i];
      if (at === undefined) {
        errors += 1;
        continue;
      }
      last = Math.max(last, at);
    }
    if (last > 0) delivery.push(last - sentAt[i]!);
  }
  const rssAfter = options.rssMb();
  for (const request of requests) request.destroy();
  delivery.sort((a, b) => a - b);
  return {
    streams: options.streams,
    posts,
    delivery_p50_ms: percentile(delivery, 50),
    delivery_p95_ms: percentile(delivery, 95),
    delivery_max_ms: percentile(delivery, 100),
    rss_before_mb: rssBefore,
    rss_after_mb: rssAfter,
    rss_growth_mb: Math.round((rssAfter - rssBefore) * 10) / 10,
    errors,
    server_cpu_ms_per_post: round1((serverCpu * 1000) / posts),
    batches_per_stream: round1(drawn.reduce((sum, n) => sum + n, 0) / Math.max(1, options.streams)),
    client_cpu_ms_per_post: round1((clientCpu.user + clientCpu.system) / 1000 / posts),
    chapter_without_streams: chapterWithout,
    chapter_with_streams: chapterWith,
    load1: load,
  };
}

/**
 * The streams case alone (`npm run bench -- --only streams`, or
 * `npx tsx bench/streams.ts [--profile] [--streams N] [--seconds S] [--no-chapter]`): seeds the
 * bench club (50 members, a 500-paragraph chapter, 2,000 comments), starts the server as
 * `npm run bench` does, and prints the case's figures with the load average: delivery, the
 * server's memory and CPU per post, and the chapter page (member who read it all, 10
 * connections, gzip) without streams and with them open. `--profile` runs the server under
 * `node --cpu-prof` (profiles in bench/profiles/).
 */
export async function streamsAlone(argv: string[] = process.argv.slice(2)): Promise<void> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { loadavg, tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { seedBenchDatabase } = await import('./seed');
  const { freePort } = await import('../tests/helpers/net');
  const { cpuSeconds, measure, ROOT, rssMb, serverEnv, sessionCookie, startProcess, stop, waitFor } = await import('./lib');
  const option = (name: string, fallback: number) => {
    const at = argv.indexOf(name);
    return at >= 0 ? Number(argv[at + 1]) : fallback;
  };
  const dir = mkdtempSync(join(tmpdir(), 'marginalia-streams-'));
  const data = await seedBenchDatabase(join(dir, 'bench.db'), { members: 50, paragraphs: 500, comments: 2000, polls: 10 });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const profile = argv.includes('--profile') ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, 'bench/profiles')}`] : [];
  const server = startProcess([...profile, '--import', 'tsx', 'src/server.ts'], serverEnv(port, join(dir, 'bench.db'), join(dir, 'files'), { LIVE_STREAMS_PER_MEMBER: '100000', LIVE_UPDATES: 'true' }));
  const pid = server.child.pid!;
  try {
    await waitFor(`${base}/healthz`, server.child, server.output);
    const cookie = (index: number) => sessionCookie(data.tokens[index % data.tokens.length]!);
    const member = sessionCookie(data.tokens[data.tokens.length - 1]!);
    const chapterSeconds = option('--chapter-seconds', 5);
    let n = 0;
    const load = loadavg().map((x) => x.toFixed(2)).join(' ');
    const result = await streamsCase({
      base,
      path: `/clubs/${data.clubId}/live/${data.readingId}/${data.chapterId}`,
      cookieFor: cookie,
      streams: option('--streams', 1000),
      durationSeconds: option('--seconds', 10),
      rssMb: () => rssMb(pid),
      serverCpuSeconds: () => cpuSeconds(pid),
      chapterPage: argv.includes('--no-chapter')
        ? undefined
        : (name) => measure(name, base, { path: `/clubs/${data.clubId}/chapters/${data.chapterOrdinal}`, connections: 10, headers: { cookie: member, 'accept-encoding': 'gzip' } }, { warmup: 1, duration: chapterSeconds }, pid),
      post: (index) =>
        fetch(`${base}/clubs/${data.clubId}/comments`, {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie: cookie(1 + (index % (data.tokens.length - 1))), 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
          body: new URLSearchParams({ reading_id: String(data.readingId), paragraph_id: String(data.paragraphIds[(index * 13) % data.paragraphIds.length]!), body: `실시간 ${n++} — live`, visibility: 'club' }).toString(),
        }),
    });
    process.stdout.write(`${JSON.stringify({ ...result, load_before: load, load_after: loadavg().map((x) => x.toFixed(2)).join(' ') })}\n`);
  } finally {
    await stop(server.child);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolvePath(process.argv[1]) === fileURLToPath(import.meta.url)) {
  streamsAlone().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
