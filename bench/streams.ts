/**
 * The live streams case of `npm run bench`: N open streams on one chapter (rotating over the
 * club's members, so several streams of one member share a render as they would in several
 * tabs), one comment posted every 100 ms for the case's duration, and for each post the time
 * from sending it to its arrival on the LAST stream. Also the server's memory before and after,
 * and errors (a refused stream, a post that failed, a message missing at the end).
 */
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
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! * 10) / 10;
}

export async function streamsCase(options: Options): Promise<StreamsResult> {
  const rssBefore = options.rssMb();
  let errors = 0;
  /** Per stream: arrival times of its messages with an id (one per post, in order). */
  const arrivals: number[][] = [];
  const aborts: AbortController[] = [];
  const opened = await Promise.all(
    Array.from({ length: options.streams }, async (_, index) => {
      const abort = new AbortController();
      aborts.push(abort);
      const times: number[] = [];
      arrivals[index] = times;
      const response = await fetch(options.base + options.path, { headers: { accept: 'text/event-stream', cookie: options.cookieFor(index) }, signal: abort.signal });
      if (!response.ok || !response.body) {
        errors += 1;
        return;
      }
      void (async () => {
        const decoder = new TextDecoder();
        let rest = '';
        try {
          for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
            const now = performance.now();
            const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
            rest = lines.pop() ?? '';
            for (const line of lines) if (line.startsWith('id: ')) times.push(now);
          }
        } catch {
          // aborted at the end
        }
      })();
    }),
  );
  void opened;
  await new Promise((r) => setTimeout(r, 1000));

  const sentAt: number[] = [];
  const posts = Math.round(options.durationSeconds * 10);
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
  for (const abort of aborts) abort.abort();
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
  };
}
