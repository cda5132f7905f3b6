// seed, start server with profile, hit a path N times sequentially
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../tests/helpers/net';
import { serverEnv, startProcess, stop, waitFor, sessionCookie, cpuSeconds } from '../lib';
import { seedBenchDatabase } from '../seed';
const comments = Number(process.argv[2] ?? 2000); const which = process.argv[3] ?? 'render'; const n = Number(process.argv[4] ?? 40); const prof = process.argv[5];
const dir = mkdtempSync(join(tmpdir(), 'hit-'));
const data = await seedBenchDatabase(join(dir, 'db'), { comments, members: 50, paragraphs: 500, polls: 4, clubs: Number(process.env.CLUBS ?? 1) });
const port = await freePort(); const base = `http://127.0.0.1:${port}`;
const s = startProcess([...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []), '--import', 'tsx', 'src/server.ts'], serverEnv(port, join(dir, 'db'), join(dir, 'files')));
await waitFor(base + '/healthz', s.child, s.output);
const member = sessionCookie(data.tokens[data.tokens.length - 1]!);
import { mkdirSync, writeFileSync } from 'node:fs';
mkdirSync(join(dir, 'files'), { recursive: true });
writeFileSync(join(dir, 'files', 'chapter.html'), new Uint8Array(await (await fetch(`${base}/clubs/${data.clubId}/chapters/${data.chapterOrdinal}`, { headers: { cookie: member } })).arrayBuffer()));
const paths: Record<string, [string, Record<string,string>]> = {
  render: [`/clubs/${data.clubId}/chapters/${data.chapterOrdinal}`, { 'x-live-refresh': '1' }],
  cached: [`/clubs/${data.clubId}/chapters/${data.chapterOrdinal}`, {}],
  static: ['/files/chapter.html', {}],
  home: [`/clubs/${data.clubId}`, {}],
  thread: [`/clubs/${data.clubId}/paragraphs/${data.busiestParagraphId}/comments`, { 'hx-request': 'true' }],
};
const [path, h] = paths[which]!;
for (let i = 0; i < 3; i++) await (await fetch(base + path, { headers: { cookie: member, 'accept-encoding': 'gzip', ...h } })).arrayBuffer();
const c0 = cpuSeconds(s.child.pid!); const t0 = performance.now();
let bytes = 0;
for (let i = 0; i < n; i++) { const r = await fetch(base + path, { headers: { cookie: member, 'accept-encoding': 'gzip', ...h } }); bytes = (await r.arrayBuffer()).byteLength; if (!r.ok) throw new Error(String(r.status)); }
const cpu = cpuSeconds(s.child.pid!) - c0;
console.log(which, comments, 'cpu ms/req', (cpu * 1000 / n).toFixed(2), 'wall ms/req', ((performance.now() - t0) / n).toFixed(1), 'bytes', bytes);
await stop(s.child);
