/**
 * The notifications case of `npm run bench -- --notifications` (or `tsx bench/notifications.ts`):
 * 10,000 members in 500 clubs of 20, all choosing a daily digest, and a day of events (in each
 * club 10 comments, 20 replies with some @mentions, 20 reactions) fanned out into notifications
 * by the app's own code. The real server (src/server.ts) then runs with SMTP pointed at a sink
 * (`smtp-server`) in this process. First the chapter page is measured idle; then the digests
 * job's last run is set back, so the server's scheduler catches up within seconds, builds every
 * digest and its worker sends them, while the chapter page is measured again in 5-second
 * windows. Printed: build and send times, mails received, the chapter page's p99 idle and
 * during the run (worst and median window), and the load average.
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execute, openDatabase, transaction } from '../db/connection';
import { comments, memberships, notificationAddresses, notificationMails, notificationPreferences, notifications, notificationState, readingProgress, readings, reactions, users, clubs } from '../db/schema';
import { createApp } from '../src/app';
import { createSession } from '../src/auth/session';
import { testConfig } from '../src/config';
import type { Notifications } from '../src/notifications';
import { lastDigestMoment } from '../src/notifications/digests';
import { importSampleBook, paragraphsOf } from '../tests/helpers/fixtures';
import type { TestApp } from '../tests/helpers/app';
import { freePort } from '../tests/helpers/net';
import { cpuSeconds } from './lib';
import { sql } from 'drizzle-orm';

const ROOT = resolve(import.meta.dirname, '..');

export interface NotificationsBenchResult {
  members: number;
  clubs: number;
  notifications: number;
  fanout_ms: number;
  digests: number;
  build_ms: number;
  send_ms: number;
  mails_received: number;
  chapter_idle_p99_ms: number;
  chapter_during_p99_worst_ms: number;
  chapter_during_p99_median_ms: number;
  chapter_during_windows: number;
  /** The server's main thread (the one serving pages): its CPU per chapter page idle and during the run, in ms. */
  chapter_idle_main_cpu_ms_per_req: number;
  chapter_during_main_cpu_ms_per_req: number;
  chapter_idle_rps: number;
  chapter_during_rps_median: number;
  /** CPU of the server's main thread and of its other threads (the mail thread, libuv's pool, V8's helpers) from the trigger to the last mail sent. */
  run_main_thread_cpu_s: number;
  run_other_threads_cpu_s: number;
  load_average: number[];
}

async function seed(path: string, members: number, clubSize: number) {
  const { db, sqlite } = openDatabase(path);
  const now = Date.now();
  const digestAt = lastDigestMoment(now, 'Asia/Seoul', 'daily').at;
  const eventsAt = digestAt - 12 * 3600_000; // "yesterday", before the last 08:00 in Seoul
  const fake = { db, sqlite, clock: { now: eventsAt, advance() {} } } as unknown as TestApp;
  const book = await importSampleBook(fake, { chapters: 3, paragraphsPerChapter: 40 });
  const paragraphs = (await paragraphsOf(fake, book.chapters[0]!.id)).slice(1);
  let random = 7;
  // The high bits of a linear congruential generator (its low bits cycle quickly).
  const next = (n: number) => Math.floor(((random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * n);
  const clubCount = members / clubSize;
  const userIds: number[] = [];
  const clubIds: number[] = [];
  await transaction(db, async (db) => {
    for (let i = 0; i < members; i++) {
      userIds.push((await db.insert(users).values({ username: `m${i}`, usernameKey: `m${i}`, displayName: i % 2 ? `Member ${i}` : `회원 ${i}`, passwordHash: 'x', locale: i % 2 ? 'en' : 'ko', timeZone: 'Asia/Seoul', createdAt: eventsAt })
        .returning({ id: users.id }))[0]!.id);
    }
    for (let c = 0; c < clubCount; c++) {
      const clubId = (await db.insert(clubs).values({ name: `Club ${c}`, language: 'ko', visibility: 'private', createdAt: eventsAt }).returning({ id: clubs.id }))[0]!.id;
      clubIds.push(clubId);
      const [reading] = await db.insert(readings).values({ clubId, editionId: book.editionId, startedAt: eventsAt }).returning();
      for (let m = 0; m < clubSize; m++) {
        const userId = userIds[c * clubSize + m]!;
        await db.insert(memberships).values({ clubId, userId, role: m === 0 ? 'owner' : 'member', joinedAt: eventsAt - 86_400_000 });
        await db.insert(readingProgress).values({ readingId: reading!.id, userId, position: 1000, updatedAt: eventsAt });
      }
    }
    for (const userId of userIds) {
      await db.insert(notificationPreferences).values({ userId, clubId: 0, inApp: true, email: 'daily', updatedAt: eventsAt });
      await db.insert(notificationAddresses).values({ userId, email: `m${userId}@example.org`, updatedAt: eventsAt });
    }
  });
  // The joins above were set-up, not news.
  await execute(db, sql`delete from notification_sources`);

  // A day of events, through the triggers and the app's own fan-out.
  const started = performance.now();
  let captured: Notifications | undefined;
  createApp({
    db,
    config: testConfig({ databasePath: path, smtpUrl: 'smtp://unused', mailFrom: 'bench@example.org' }),
    clock: () => eventsAt,
    notifications: { timers: false, transport: { send: async () => {} } },
    onNotifications: (n) => (captured = n),
  });
  for (let c = 0; c < clubCount; c++) {
    const clubId = clubIds[c]!;
    const [{ id: readingId }] = (await db.select({ id: readings.id }).from(readings).where(sql`club_id = ${clubId}`)) as [{ id: number }];
    const memberOf = () => userIds[c * clubSize + next(clubSize)]!;
    await transaction(db, async (db) => {
      const roots: { id: number; author: number }[] = [];
      for (let k = 0; k < clubSize; k++) {
        const paragraph = paragraphs[next(paragraphs.length)]!;
        const author = userIds[c * clubSize + k]!; // every member wrote one comment that day
        const [{ id }] = (await db.insert(comments).values({ clubId, readingId, chapterId: book.chapters[0]!.id, paragraphId: paragraph.id, anchorPosition: paragraph.position, authorId: author, body: `Root ${k}: the lantern and the hill`, createdAt: eventsAt }).returning({ id: comments.id })) as [{ id: number }];
        roots.push({ id, author });
      }
      for (let k = 0; k < 2 * clubSize; k++) {
        const root = roots[next(roots.length)]!;
        const mention = k % 4 === 0 ? ` @m${c * clubSize + next(clubSize)}` : '';
        const [paragraphId] = (await db.select({ p: comments.paragraphId, a: comments.anchorPosition }).from(comments).where(sql`id = ${root.id}`)) as [{ p: number | null; a: number }];
        await db.insert(comments).values({ clubId, readingId, chapterId: book.chapters[0]!.id, paragraphId: paragraphId.p, parentId: root.id, rootId: root.id, anchorPosition: paragraphId.a, authorId: memberOf(), body: `A reply${mention}, about the keepers`, createdAt: eventsAt });
      }
      for (let k = 0; k < 2 * clubSize; k++) {
        await db.insert(reactions).values({ commentId: roots[next(roots.length)]!.id, userId: memberOf(), reaction: 'like', createdAt: eventsAt }).onConflictDoNothing();
      }
    });
  }
  await captured!.service.drain();
  const fanoutMs = Math.round(performance.now() - started);
  const count = ((await db.select({ n: sql<number>`count(*)` }).from(notifications))[0]?.n ?? 0) as number;
  // Every job has run just now: nothing to catch up at start.
  for (const job of ['chapter-openings', 'polls', 'digests']) await db.insert(notificationState).values({ key: `job:${job}:last_run`, value: String(now) }).onConflictDoUpdate({ target: notificationState.key, set: { value: String(now) } });
  const reader = userIds[1]!;
  const token = (await createSession(db, reader, now)).token;
  sqlite.close();
  return { notifications: count, fanoutMs, token, clubId: clubIds[0]!, digestAt };
}

/** CPU seconds (user + system) of one thread of a process (`/proc/<pid>/task/<tid>/stat`); the main thread's id is the pid. */
function threadCpuSeconds(pid: number, tid: number): number {
  const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function chapterWindow(url: string, cookie: string, seconds: number) {
  const result = await autocannon({ url, connections: 10, duration: seconds, headers: { cookie, 'accept-encoding': 'gzip' } });
  return { p99: result.latency.p99, rps: result.requests.average, requests: result.requests.total, errors: result.errors + result.non2xx };
}

export async function notificationsBench(options: { members?: number; idleSeconds?: number } = {}): Promise<NotificationsBenchResult> {
  const members = options.members ?? 10_000;
  const clubSize = 20;
  const dir = mkdtempSync(join(tmpdir(), 'marginalia-bench-notify-'));
  const dbPath = join(dir, 'bench.db');
  const seeded = await seed(dbPath, members, clubSize);

  // The SMTP sink runs in its own process, so the load generator here does not starve it.
  let received = 0;
  const sink = spawn(process.execPath, ['--import', 'tsx', 'bench/smtp-sink.ts'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const smtpPort = await new Promise<number>((resolvePort) => {
    sink.stdout!.on('data', (chunk) => {
      for (const line of String(chunk).split('\n')) {
        const [word, value] = line.split(' ');
        if (word === 'port') resolvePort(Number(value));
        if (word === 'mails') received = Number(value);
      }
    });
  });

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  // BENCH_SERVER_ARGS: extra node flags for the server (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
  const serverArgs = (process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...serverArgs, '--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ORIGIN: base, DATABASE_PATH: dbPath, DATABASE_URL: '', IMPORT_CONTENT: 'false', LOG_REQUESTS: 'false', SMTP_URL: `smtp://127.0.0.1:${smtpPort}/?pool=true&maxConnections=8`, MAIL_FROM: 'Marginalia <bench@example.org>' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c) => output.push(String(c)));
  child.stderr!.on('data', (c) => output.push(String(c)));
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) break;
      } catch {
        /* not yet */
      }
      if (i > 300) throw new Error(`server did not start: ${output.join('')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const chapter = `${base}/clubs/${seeded.clubId}/chapters/1`;
    const cookie = `marginalia_session=${seeded.token}`;
    await chapterWindow(chapter, cookie, 1); // warm-up
    const pid = child.pid!;
    const mainBeforeIdle = threadCpuSeconds(pid, pid);
    const idle = await chapterWindow(chapter, cookie, options.idleSeconds ?? 10);
    const idleMainPerReq = (threadCpuSeconds(pid, pid) - mainBeforeIdle) / Math.max(1, idle.requests);

    // Set the digests' last run back a day: the server catches up within its 5-second loop.
    const { db, sqlite } = openDatabase(dbPath, { migrate: false });
    const trigger = performance.now();
    const cpuAtTrigger = cpuSeconds(pid);
    const mainAtTrigger = threadCpuSeconds(pid, pid);
    await db.update(notificationState).set({ value: String(seeded.digestAt - 86_400_000 + 60_000) }).where(sql`key = 'job:digests:last_run'`);
    const digestRows = async () => ((await db.select({ n: sql<number>`count(*)` }).from(notificationMails).where(sql`kind = 'daily'`))[0]?.n ?? 0) as number;
    const sentRows = async () => ((await db.select({ n: sql<number>`count(*)` }).from(notificationMails).where(sql`state = 'sent'`))[0]?.n ?? 0) as number;
    let buildMs = 0;
    const building = setInterval(async () => {
      // Built: the digests job has marked its run (it does so after the last batch).
      const mark = (await db.select({ value: notificationState.value }).from(notificationState).where(sql`key = 'job:digests:last_run'`))[0]?.value;
      if (buildMs === 0 && mark !== undefined && Number(mark) > seeded.digestAt) buildMs = Math.round(performance.now() - trigger);
    }, 100);
    let sendMs = 0;
    const windows: number[] = [];
    const rates: number[] = [];
    let pagesDuring = 0;
    const deadline = performance.now() + 240_000;
    while (performance.now() < deadline) {
      const window = await chapterWindow(chapter, cookie, 5);
      windows.push(window.p99);
      rates.push(window.rps);
      pagesDuring += window.requests;
      const rows = await digestRows();
      if (rows > 0 && (await sentRows()) >= rows) {
        await new Promise((r) => setTimeout(r, 500)); // the sink's count comes every 250 ms
        sendMs = Math.round(performance.now() - trigger);
        if (buildMs === 0) buildMs = sendMs;
        break;
      }
    }
    clearInterval(building);
    const cpuDuring = cpuSeconds(pid) - cpuAtTrigger;
    const mainDuring = threadCpuSeconds(pid, pid) - mainAtTrigger;
    const digests = await digestRows();
    sqlite.close();
    const sorted = [...windows].sort((a, b) => a - b);
    return {
      members,
      clubs: members / clubSize,
      notifications: seeded.notifications,
      fanout_ms: seeded.fanoutMs,
      digests,
      build_ms: buildMs,
      send_ms: sendMs,
      mails_received: received,
      chapter_idle_p99_ms: idle.p99,
      chapter_during_p99_worst_ms: sorted.at(-1) ?? 0,
      chapter_during_p99_median_ms: sorted[Math.floor(sorted.length / 2)] ?? 0,
      chapter_during_windows: windows.length,
      chapter_idle_main_cpu_ms_per_req: Math.round(idleMainPerReq * 1000 * 100) / 100,
      chapter_during_main_cpu_ms_per_req: Math.round((mainDuring / Math.max(1, pagesDuring)) * 1000 * 100) / 100,
      chapter_idle_rps: Math.round(idle.rps),
      chapter_during_rps_median: Math.round([...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)] ?? 0),
      run_main_thread_cpu_s: Math.round(mainDuring * 10) / 10,
      run_other_threads_cpu_s: Math.round((cpuDuring - mainDuring) * 10) / 10,
      load_average: loadavg().map((l) => Math.round(l * 10) / 10),
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    sink.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const members = Number(process.argv.find((a) => a.startsWith('--members='))?.slice(10) ?? 10_000);
  const result = await notificationsBench({ members });
  console.log(JSON.stringify(result, null, 2));
}
