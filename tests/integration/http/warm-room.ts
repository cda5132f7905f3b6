/**
 * The warm-answers tests' room (tests/integration/http/warm-answers.test.ts on SQLite,
 * tests/pg/warm-answers.test.ts on PostgreSQL): a club of two readers on a chapter, and a GET
 * that says whether the warm path answered. Not a test file itself.
 */
import { afterEach } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { makeTestApp, signUp, type Client, type TestApp } from '../../helpers/app';
import { addMemberRow, createClubRow, importSampleBook, setProgressRow, startReadingRow, userIdOf } from '../../helpers/fixtures';

export let testApp: TestApp;
/** The app the current test opened, closed after it (the cookie test opens none). */
let opened: TestApp | undefined;
afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

export async function openApp(options: Parameters<typeof makeTestApp>[0] = {}) {
  testApp = opened = await makeTestApp(options);
  return testApp;
}

const GZIP = { 'accept-encoding': 'gzip' };

export async function room(pageCacheStaleMs = 60_000) {
  await openApp({ config: { pageCacheStaleMs } });
  const alice = await signUp(testApp, 'alice', { displayName: 'Alice Kim' });
  const bob = await signUp(testApp, 'bob', { displayName: 'Bob Park' });
  const book = await importSampleBook(testApp);
  const club = await createClubRow(testApp, { ownerId: await userIdOf(testApp, 'alice'), visibility: 'private' });
  await addMemberRow(testApp, club.id, await userIdOf(testApp, 'bob'));
  const reading = await startReadingRow(testApp, club.id, book.editionId);
  const chapter = book.chapters.find((c) => c.kind === 'body')!;
  for (const name of ['alice', 'bob']) await setProgressRow(testApp, reading.id, await userIdOf(testApp, name), chapter.lastPosition);
  const url = `/clubs/${club.id}/chapters/${chapter.ordinal}`;
  return { alice, bob, club, url };
}

/** GETs `path` gzipped and says whether the warm path answered (its log line says so) and what. */
export async function load(client: Client, path: string, headers: Record<string, string> = {}) {
  const before = testApp.logs.length;
  const response = await client.get(path, { ...GZIP, ...headers });
  const line = testApp.logs.slice(before).find((l) => l.path === path.split('?')[0]);
  const bytes = Buffer.from(await response.arrayBuffer());
  const html = response.headers.get('content-encoding') === 'gzip' ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
  return { response, warm: line?.warm === true, html };
}

