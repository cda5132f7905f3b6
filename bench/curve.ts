/**
 * `npm run bench -- --curve`: how cost grows. Each point of the curve is its own fresh database
 * (bench/seed.ts at that size) and its own server process; on each, the same cases run:
 *
 * - the chapter page as the members read it (rotating over every member, through the personal
 *   page cache, as a club reads),
 * - the chapter page rendered afresh on every request (`X-Live-Refresh` skips the cache: what a
 *   miss costs),
 * - the busiest paragraph's thread fragment (as htmx asks),
 * - posting comments,
 * - the club home.
 *
 * Points: comments per chapter 2,000 / 20,000 / 100,000 (50 members, one club); members 500
 * (2,000 comments); clubs on the site 1,000 (each with its own reading, members and comments).
 * The 2,000-comment point is also the one-club and the 50-member point.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { freePort } from '../tests/helpers/net';
import { measure, rotatingMembers, round1, rssMb, serverEnv, sessionCookie, startProcess, stop, waitFor, load1, type CaseResult, type Timing } from './lib';
import { seedBenchDatabase, type BenchSizes } from './seed';

export interface CurvePoint {
  /** What this point varies ("comments", "members", "clubs") and its value. */
  axis: 'comments' | 'members' | 'clubs';
  sizes: Required<Pick<BenchSizes, 'members' | 'comments' | 'clubs' | 'paragraphs'>>;
  seed_ms: number;
  cases: CaseResult[];
  chapter_bytes: { raw: number; gzip: number };
  fragment_bytes: { raw: number; gzip: number };
  /** Comments in the busiest paragraph's thread. */
  busiest_thread_comments: number;
  rss_mb: number;
  load1: number;
}

export interface CurveSpec {
  axis: CurvePoint['axis'];
  sizes: CurvePoint['sizes'];
}

export const CURVE_KEYS = ['chapter', 'chapter_render', 'thread', 'posting', 'club_home'] as const;
export type CurveKey = (typeof CURVE_KEYS)[number];
export const CURVE_LABELS: Record<CurveKey, string> = {
  chapter: 'chapter page',
  chapter_render: 'chapter page, fresh render',
  thread: 'busiest thread',
  posting: 'posting',
  club_home: 'club home',
};

export function curveSpecs(tiny: boolean): CurveSpec[] {
  const paragraphs = tiny ? 40 : 500;
  if (tiny) {
    return [
      { axis: 'comments', sizes: { members: 6, comments: 60, clubs: 1, paragraphs } },
      { axis: 'comments', sizes: { members: 6, comments: 300, clubs: 1, paragraphs } },
      { axis: 'members', sizes: { members: 12, comments: 60, clubs: 1, paragraphs } },
      { axis: 'clubs', sizes: { members: 6, comments: 60, clubs: 5, paragraphs } },
    ];
  }
  return [
    { axis: 'comments', sizes: { members: 50, comments: 2_000, clubs: 1, paragraphs } },
    { axis: 'comments', sizes: { members: 50, comments: 20_000, clubs: 1, paragraphs } },
    { axis: 'comments', sizes: { members: 50, comments: 100_000, clubs: 1, paragraphs } },
    { axis: 'members', sizes: { members: 500, comments: 2_000, clubs: 1, paragraphs } },
    { axis: 'clubs', sizes: { members: 50, comments: 2_000, clubs: 1_000, paragraphs } },
  ];
}

/** Requests that each carry the next member's cookie (GETs). */
function membersInTurn(tokens: string[], headers: Record<string, string>) {
  let next = 0;
  return [{ setupRequest: (request: Record<string, unknown>) => ({ ...request, headers: { ...headers, cookie: sessionCookie(tokens[next++ % tokens.length]!) } }) }];
}

export async function runCurvePoint(spec: CurveSpec, timing: Timing & { scale: number }, say: (line: string) => void, profileDir?: string): Promise<CurvePoint> {
  const dir = mkdtempSync(join(tmpdir(), 'marginalia-curve-'));
  const databasePath = join(dir, 'curve.db');
  const label = `${spec.axis} ${spec.sizes[spec.axis]}`;
  let server: ReturnType<typeof startProcess> | undefined;
  try {
    say(`curve ${label}: seeding`);
    const seeded = performance.now();
    const data = await seedBenchDatabase(databasePath, { ...spec.sizes, polls: 4 });
    const seed_ms = Math.round(performance.now() - seeded);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    server = startProcess([...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), '--import', 'tsx', 'src/server.ts'], serverEnv(port, databasePath, join(dir, 'files')));
    await waitFor(`${base}/healthz`, server.child, server.output);
    const pid = server.child.pid!;
    const member = sessionCookie(data.tokens[data.tokens.length - 1]!);
    const gzip = { 'accept-encoding': 'gzip' };
    const chapterPath = `/clubs/${data.clubId}/chapters/${data.chapterOrdinal}`;
    const threadPath = `/clubs/${data.clubId}/paragraphs/${data.busiestParagraphId}/comments`;

    const page = new Uint8Array(await (await fetch(base + chapterPath, { headers: { cookie: member, 'accept-encoding': 'identity' } })).arrayBuffer());
    const fragment = new Uint8Array(await (await fetch(base + threadPath, { headers: { cookie: member, 'hx-request': 'true', 'accept-encoding': 'identity' } })).arrayBuffer());
    const at = (name: string) => `${label}: ${name}`;
    // A fixed number of requests per case (×1/10 on tiny data), each allowed a minute: on a loaded
    // machine a time window may see no answer at all, and then there is no CPU per request to show.
    const n = (full: number) => ({ amount: Math.max(10, Math.round(full * timing.scale)), timeout: 60 });
    const cases: CaseResult[] = [];
    cases.push(await measure(at('chapter'), base, { path: chapterPath, connections: 10, ...n(600), requests: membersInTurn(data.tokens, gzip) as never }, timing, pid, say));
    cases.push(await measure(at('chapter_render'), base, { path: chapterPath, connections: 2, ...n(30), headers: { cookie: member, 'x-live-refresh': '1', ...gzip } }, timing, pid, say));
    cases.push(await measure(at('thread'), base, { path: threadPath, connections: 10, ...n(300), headers: { cookie: member, 'hx-request': 'true', ...gzip } }, timing, pid, say));
    let posted = 0;
    const post = rotatingMembers(data.tokens, (index) => {
      const paragraphId = data.paragraphIds[(index * 7 + posted++) % data.paragraphIds.length]!;
      return { method: 'POST', path: `/clubs/${data.clubId}/comments`, body: new URLSearchParams({ reading_id: String(data.readingId), paragraph_id: String(paragraphId), body: `곡선 댓글 ${posted} — curve comment`, visibility: 'club' }).toString() };
    });
    cases.push(await measure(at('posting'), base, { path: '/', connections: 8, ...n(300), requests: post as never, redirectIsSuccess: true }, timing, pid, say));
    cases.push(await measure(at('club_home'), base, { path: `/clubs/${data.clubId}`, connections: 4, ...n(100), requests: membersInTurn(data.tokens, gzip) as never }, timing, pid, say));
    return {
      axis: spec.axis,
      sizes: spec.sizes,
      seed_ms,
      cases,
      chapter_bytes: { raw: page.length, gzip: gzipSync(page, { level: 4 }).length },
      fragment_bytes: { raw: fragment.length, gzip: gzipSync(fragment, { level: 4 }).length },
      busiest_thread_comments: data.busiestThreadComments,
      rss_mb: rssMb(pid),
      load1: load1(),
    };
  } finally {
    if (server) await stop(server.child);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One figure of a case over the curve's points along one axis, e.g. cpu per request vs comments. */
export function growth(points: CurvePoint[], axis: CurvePoint['axis'], key: CurveKey, figure: 'cpu_ms_per_req' | 'p99_ms' | 'rps'): { size: number; value: number }[] {
  const base = points.find((p) => p.axis === 'comments');
  const along = axis === 'comments' ? points.filter((p) => p.axis === 'comments') : [...(base ? [base] : []), ...points.filter((p) => p.axis === axis)];
  return along.map((p) => ({ size: p.sizes[axis], value: Number(p.cases.find((c) => c.name.endsWith(`: ${key}`))?.[figure] ?? 0) }));
}

/** The text report: one line per case and axis, the figure at each size and how much it grew. */
export function curveLines(points: CurvePoint[]): string[] {
  const lines: string[] = [];
  for (const axis of ['comments', 'members', 'clubs'] as const) {
    lines.push(`${axis}:`);
    for (const key of CURVE_KEYS) {
      const cpu = growth(points, axis, key, 'cpu_ms_per_req');
      const p99 = growth(points, axis, key, 'p99_ms');
      const rps = growth(points, axis, key, 'rps');
      if (cpu.length < 2) continue;
      const cells = cpu.map((point, i) => `${point.size.toLocaleString('en')}: ${point.value} ms CPU, p99 ${p99[i]!.value} ms, ${rps[i]!.value} req/s`);
      const factor = cpu[0]!.value > 0 ? round1(cpu[cpu.length - 1]!.value / cpu[0]!.value) : 0;
      lines.push(`  ${CURVE_LABELS[key].padEnd(44)} ${cells.join(' | ')}  (CPU ×${factor})`);
    }
  }
  lines.push('sizes:');
  for (const p of points) {
    lines.push(`  ${p.axis} ${p.sizes[p.axis].toLocaleString('en')}: chapter ${Math.round(p.chapter_bytes.raw / 1024)} KB raw, ${Math.round(p.chapter_bytes.gzip / 1024)} KB gzipped; busiest thread ${p.busiest_thread_comments} comments, ${Math.round(p.fragment_bytes.raw / 1024)} KB raw, ${Math.round(p.fragment_bytes.gzip / 1024)} KB gzipped; seeded in ${p.seed_ms} ms; server RSS ${p.rss_mb} MB; load ${p.load1}`);
  }
  return lines;
}
