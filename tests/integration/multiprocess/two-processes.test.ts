/**
 * Two real app servers (child processes running src/server.ts, on free ports) on ONE database,
 * as an operator runs them behind a reverse proxy (docs/operations.md): one SQLite file in WAL
 * mode, or under `npm run test:pg` one PostgreSQL database (the test app's, passed to both as
 * `DATABASE_URL`). What one process does, the other sees and counts. The world (a club reading a
 * book, its members signed in) is written first through an app in this process on the same
 * database, and the counts are read through it too, with SQL both engines read alike.
 */
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/connection';
import { notificationState } from '../../../db/schema';
import { startServer, type RunningServer } from '../../e2e/harness';
import { Client, makeTestApp, type TestApp } from '../../helpers/app';
import { scheduleChapterRow } from '../../helpers/fixtures';
import { makeReadingRoom, type AnnotationRoom } from '../annotations/room';
import { createPoll } from '../polls/room';

const ORIGIN = 'http://localhost:3000';

/** A `count(*) as n` read through the test app's database. */
async function countOf(query: SQL): Promise<number> {
  const [row] = await rows<{ n: number }>(testApp.db, query);
  return row!.n;
}

/** Speaks to a real server with a test client's cookies and address (the proxy's X-Forwarded-For). */
function through(server: RunningServer, client: Client) {
  const send = (path: string, init: { method?: string; body?: URLSearchParams } = {}) => {
    const headers: Record<string, string> = { 'x-forwarded-for': client.ip, cookie: client.cookieHeader };
    if (init.method === 'POST') headers['sec-fetch-site'] = 'same-origin';
    return fetch(`${server.url}${path}`, { ...init, headers, redirect: 'manual' });
  };
  return {
    get: (path: string) => send(path),
    post: (path: string, fields: Record<string, string | number>) => send(path, { method: 'POST', body: new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)])) }),
  };
}

let testApp: TestApp;
let room: AnnotationRoom;
let servers: RunningServer[] = [];
let pollId: number;
let optionIds: number[];
let members: number;

beforeAll(async () => {
  // Real time: the servers' sessions and windows run on the wall clock.
  testApp = await makeTestApp({ now: Date.now() });
  room = await makeReadingRoom({ testApp });
  pollId = await createPoll(room.owner, room.clubId);
  optionIds = (await rows<{ id: number }>(testApp.db, sql`select id from poll_options where poll_id = ${pollId} order by ordinal`)).map((row) => row.id);
  members = await countOf(sql`select count(*) as n from memberships where club_id = ${room.clubId}`);
  // A chapter opened a minute ago, after the opening job's last run: both servers, starting
  // together, find that tick due; one of them must announce it.
  await scheduleChapterRow(testApp, room.readingId, room.chapters[2]!.id, Date.now() - 60_000);
  await testApp.db.insert(notificationState).values({ key: 'job:chapter-openings:last_run', value: String(Date.now() - 10 * 60_000) });

  const env = {
    // The test app's own database: its PostgreSQL database when there is one, else its SQLite file.
    ...(testApp.databaseUrl ? { DATABASE_URL: testApp.databaseUrl } : { DATABASE_PATH: testApp.config.databasePath }),
    ORIGIN,
    TRUST_PROXY: 'true',
    PAGE_CACHE_STALE_MS: '0',
    NOTIFICATION_TIMERS: 'true',
    POSTING_RATE_LIMIT: '30',
  };
  servers = await Promise.all([startServer(env), startServer(env)]);
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await testApp?.close();
});

describe('two app processes on one database', () => {
  it('a comment posted through one appears on the chapter page the other draws, within a second', async () => {
    const [a, b] = servers as [RunningServer, RunningServer];
    const chapter = `/clubs/${room.clubId}/chapters/1`;
    const paragraphId = (await room.paragraphs(1))[1]!.id;
    /** What the chapter page says in the paragraph's margin (the count of its comments, when it has any). */
    const margin = (html: string) => new RegExp(`id="margin-summary-${paragraphId}">(.*?)</div>`).exec(html)?.[1] ?? '';
    // Bob reads the chapter on the second process twice: the page is drawn, then kept in its cache.
    for (let i = 0; i < 2; i++) {
      const page = await through(b, room.bob).get(chapter);
      expect(page.status).toBe(200);
      expect(margin(await page.text())).not.toContain('comment-count');
    }
    const posted = await through(a, room.alice).post(`/clubs/${room.clubId}/comments`, { paragraph_id: paragraphId, body: 'Posted through the first process' });
    expect(posted.status).toBe(303);
    const deadline = Date.now() + 1000;
    let html = '';
    do {
      html = await (await through(b, room.bob).get(chapter)).text();
    } while (!margin(html).includes('>1 comment<') && Date.now() < deadline);
    expect(margin(html)).toContain('>1 comment<');
    // And its thread, drawn by the second process, has the body.
    expect(await (await through(b, room.bob).get(`/clubs/${room.clubId}/paragraphs/${paragraphId}/comments`)).text()).toContain('Posted through the first process');
  });

  it('six wrong sign-ins from one address, spread over both, are all it gets', async () => {
    const guesser = new Client(testApp, { ip: '203.0.113.66' });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const response = await through(servers[i % 2]!, guesser).post('/login', { username: `${room.usernames.bob}x${i}`, password: 'wrong password' });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 6).every((status) => status !== 429)).toBe(true);
    expect(statuses.slice(6)).toEqual([429, 429]);
  });

  it('forty simultaneous votes from one member, spread over both, leave one ballot and count against one posting limit', async () => {
    const votes = Array.from({ length: 40 }, (_, i) => through(servers[i % 2]!, room.moderator).post(`/clubs/${room.clubId}/polls/${pollId}/vote`, { choice: optionIds[i % optionIds.length]! }));
    const statuses = (await Promise.all(votes)).map((response) => response.status);
    expect(statuses.filter((status) => status === 303), `statuses: ${statuses.join(" ")}`).toHaveLength(30);
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);
    expect(await countOf(sql`select count(*) as n from poll_votes where poll_id = ${pollId} and user_id = ${room.ids.moderator}`)).toBe(1);
  });

  it('a scheduled job due when both start runs once: every member hears of the chapter once', async () => {
    const count = () => countOf(sql`select count(*) as n from notifications where kind = 'chapter_opened' and club_id = ${room.clubId}`);
    // Each process ran its scheduler as it started; wait until one of them has announced it.
    const deadline = Date.now() + 10_000;
    while ((await count()) < members && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await count()).toBe(members);
    expect(await countOf(sql`select count(*) as n from job_claims where job = 'chapter-openings' and done_at is not null`)).toBe(1);
  });
});
