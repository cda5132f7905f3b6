/**
 * Profiling aid for the search cases (not part of `npm run bench`): seeds (once) a database
 * with the search club, then answers the bench queries in-process through `app.request()` and
 * prints the mean time per answer. Run under `node --cpu-prof` to see where the time goes.
 *
 *   npx tsx bench/search-profile.ts /tmp/search.db [rounds]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { openDatabase } from '../db/connection';
import { createApp } from '../src/app';
import { testConfig } from '../src/config';
import { seedSearchAlone } from './search';

const path = process.argv[2] ?? '/tmp/marginalia-search-profile.db';
const rounds = Number(process.argv[3] ?? 50);
if (!existsSync(path)) {
  const seeded = await seedSearchAlone(path, { comments: 100_000, bookBytes: 550_000, members: 10 });
  writeFileSync(`${path}.json`, JSON.stringify({ clubId: seeded.data.clubId, caughtUp: seeded.caughtUp, newcomer: seeded.newcomer }));
  process.stderr.write(`seeded ${JSON.stringify(seeded.data)}\n`);
}
const meta = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as { clubId: number; caughtUp: string; newcomer: string };
const { db, sqlite } = openDatabase(path);
const app = createApp({ db, config: testConfig({ logRequests: false }), clock: Date.now });
for (const [who, cookie] of [['caught up', meta.caughtUp], ['read nothing', meta.newcomer]] as const) for (const q of (process.argv[4] ?? '정책,Loopt,책방').split(',')) {
  const url = `/clubs/${meta.clubId}/search?q=${encodeURIComponent(q)}`;
  const headers = { cookie, 'hx-request': 'true' };
  const first = await app.request(url, { headers });
  const body = await first.text();
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < rounds; i++) await (await app.request(url, { headers })).text();
  const used = process.cpuUsage(cpu);
  process.stdout.write(`${who} ${q}: ${((performance.now() - started) / rounds).toFixed(2)} ms/answer (CPU ${((used.user + used.system) / 1000 / rounds).toFixed(2)} ms), ${body.length} bytes, status ${first.status}, ${/<p class="search-summary">([^<]*)/.exec(body)?.[1] ?? ''}\n`);
}
sqlite.close();
