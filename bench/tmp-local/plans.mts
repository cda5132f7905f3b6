import { mkdtempSync } from 'node:fs'; import { tmpdir } from 'node:os'; import { join } from 'node:path';
import Database from 'better-sqlite3';
import { seedBenchDatabase } from '../seed';
import { openDatabase } from '../../db/connection';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
const dir = mkdtempSync(join(tmpdir(), 'plans-'));
const data = await seedBenchDatabase(join(dir, 'db'), { comments: 2000, members: 50, paragraphs: 500, polls: 4, clubs: 1000 });
const seen = new Set<string>();
const orig = Database.prototype.prepare;
(Database.prototype as any).prepare = function (sql: string) { seen.add(sql); return orig.call(this, sql); };
const { db, sqlite } = openDatabase(join(dir, 'db'));
const config = { ...loadConfig({}), databasePath: join(dir, 'db'), importContent: false, logRequests: false, origin: 'http://localhost:3000' };
const app = createApp({ db, sqlite, config, clock: Date.now });
const cookie = `marginalia_session=${data.tokens[data.tokens.length - 1]}`;
for (const path of [`/clubs/${data.clubId}/chapters/${data.chapterOrdinal}`, `/clubs/${data.clubId}`, `/clubs/${data.clubId}/paragraphs/${data.busiestParagraphId}/comments`, '/clubs', '/']) {
  const r = await app.request(path, { headers: { cookie } }); console.error(path, r.status);
}
const r = await app.request(`/clubs/${data.clubId}/comments`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' }, body: new URLSearchParams({ reading_id: String(data.readingId), paragraph_id: String(data.paragraphIds[3]), body: 'hello', visibility: 'club' }).toString() });
console.error('post', r.status);
for (const sql of seen) {
  if (!/^\s*(select|with)/i.test(sql)) continue;
  try {
    const plan = (orig.call(sqlite, 'explain query plan ' + sql) as any).all(...new Array((sql.match(/\?/g) ?? []).length).fill(1)) as { detail: string }[];
    const scans = plan.filter((p) => /^SCAN/.test(p.detail) && !/USING (COVERING )?INDEX/.test(p.detail));
    if (scans.length) console.log('SCAN:', scans.map((p) => p.detail).join(' | '), '\n   ', sql.slice(0, 300).replace(/\s+/g, ' '));
  } catch (e) { console.log('ERR', (e as Error).message.slice(0, 80), sql.slice(0, 120)); }
}
