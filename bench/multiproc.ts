/**
 * What sharing state through the database costs a request (issue #12): posting comments,
 * voting and failed sign-ins against the real server, reporting the server's own CPU per
 * request (bench/lib.ts) and the load average beside it.
 *
 *   npx tsx bench/multiproc.ts [--root=DIR] [--seconds=N] [--processes=2]
 *
 * `--root` runs the server of another checkout (e.g. the commit before, exported with
 * `git archive`), on a database seeded by this one, so before and after are measured in one
 * sitting. `--processes=2` starts two servers on the one database and drives both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load1, measure, rotatingMembers, ROOT, serverEnv, stop, waitFor, type CaseResult } from './lib';
import { seedBenchDatabase } from './seed';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const root = args.get('root') ?? ROOT;
const seconds = Number(args.get('seconds') ?? 5);
const processes = Number(args.get('processes') ?? 1);

const freePort = () =>
  new Promise<number>((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => done(port));
    });
  });

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'marginalia-multiproc-bench-'));
  const databasePath = join(dir, 'bench.db');
  const data = await seedBenchDatabase(databasePath, { members: 50, paragraphs: 200, comments: 500, polls: 2 });
  const children: ChildProcess[] = [];
  const bases: string[] = [];
  try {
    for (let i = 0; i < processes; i++) {
      const port = await freePort();
      const env = { ...serverEnv(port, databasePath, dir), TRUST_PROXY: 'true', NOTIFICATION_TIMERS: 'false', LIVE_UPDATES: 'false' };
      const output: string[] = [];
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (d) => output.push(String(d)));
      child.stderr!.on('data', (d) => output.push(String(d)));
      children.push(child);
      await waitFor(`http://127.0.0.1:${port}/healthz`, child, output);
      bases.push(`http://127.0.0.1:${port}`);
    }
    const timing = { warmup: 1, duration: seconds };
    const cases: CaseResult[] = [];
    let posted = 0;
    const postComment = rotatingMembers(data.tokens, (index) => {
      const paragraphId = data.paragraphIds[(index * 7 + posted++) % data.paragraphIds.length]!;
      return { method: 'POST', path: `/clubs/${data.clubId}/comments`, body: new URLSearchParams({ reading_id: String(data.readingId), paragraph_id: String(paragraphId), body: `bench ${posted}`, visibility: 'club' }).toString() };
    });
    const optionIds = data.pollOptionIds[0]!;
    const vote = rotatingMembers(data.tokens, (index) => ({ method: 'POST', path: `/clubs/${data.clubId}/polls/${data.pollIds[0]}/vote`, body: new URLSearchParams({ choice: String(optionIds[index % optionIds.length]) }).toString() }));
    let guess = 0;
    // Failed sign-ins from ever new addresses and names (so none is refused: every one does the whole check).
    const failedSignIn = [
      {
        setupRequest: (request: Record<string, unknown>) => {
          guess += 1;
          return {
            ...request,
            method: 'POST',
            path: '/login',
            body: new URLSearchParams({ username: `nobody${guess}`, password: 'wrong password' }).toString(),
            headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', 'x-forwarded-for': `10.${(guess >> 16) & 255}.${(guess >> 8) & 255}.${guess & 255}` },
          };
        },
      },
    ];
    const pid = processes === 1 ? children[0]!.pid : undefined;
    for (const [name, requests, connections, redirect] of [
      ['posting comments', postComment, 8, true],
      ['voting in a poll', vote, 10, true],
      ['failed sign-ins', failedSignIn, 4, false],
    ] as const) {
      if (processes === 1) cases.push(await measure(name, bases[0]!, { path: '/', connections, requests: requests as never, redirectIsSuccess: redirect }, timing, pid));
      else {
        const both = await Promise.all(bases.map((base, i) => measure(`${name} (process ${i + 1})`, base, { path: '/', connections: connections / 2, requests: requests as never, redirectIsSuccess: redirect }, timing, children[i]!.pid)));
        cases.push(...both);
      }
    }
    console.log(`root ${root}, ${processes} process(es), ${seconds} s per case`);
    console.log('case'.padEnd(32) + 'req/s'.padStart(8) + 'p50 ms'.padStart(8) + 'non-2xx'.padStart(9) + 'ms CPU/req'.padStart(12) + 'load1'.padStart(7));
    for (const c of cases) console.log(c.name.padEnd(32) + String(c.rps).padStart(8) + String(c.p50_ms).padStart(8) + String(c.non2xx).padStart(9) + String(c.cpu_ms_per_req ?? '').padStart(12) + String(c.load1).padStart(7));
    console.log(`load average at the end: ${load1()}`);
  } finally {
    for (const child of children) await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
