/**
 * Issue #16, durability: the disk full or the database read-only. Posting fails with a clear
 * page in the reader's language, nothing is half-written, and every page that only reads keeps
 * working (`src/http/storage-errors.ts`).
 *
 * A full disk is SQLite's own page limit (`PRAGMA max_page_count` on the app's connection): it
 * answers SQLITE_FULL exactly as a full file system does. A read-only database is the same file
 * opened by a second app through a connection that refuses writes (`PRAGMA query_only`, which
 * answers SQLITE_READONLY), as when the file or its file system turned read-only under a running
 * server. Both are SQLite's own behaviour: these tests use the app's SQLite connection
 * (`testApp.sqlite!`); the counts are read through the builder.
 */
import { count, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../db/connection';
import { comments } from '../../../db/schema';
import { createApp } from '../../../src/app';
import { createRateLimiters } from '../../../src/http/rate-limit';
import { storageFailure, writeIfPossible } from '../../../src/http/storage-errors';
import { Client, type TestApp } from '../../helpers/app';
import { integrityCheck } from '../../helpers/comment-writers';
import { makeRoom, type AnnotationRoom } from '../annotations/room';

const DAY = 24 * 60 * 60 * 1000;
let room: AnnotationRoom;
beforeEach(async () => {
  room = await makeRoom({ rateLimits: { postingPerUser: { limit: 100_000, windowMs: 60_000 } } });
  await room.setProgress('alice', 100);
  await room.setProgress('bob', 100);
});
afterEach(async () => {
  await room.testApp.close();
});

const commentCount = async () => (await room.testApp.db.select({ n: count() }).from(comments))[0]!.n;
const commentsWithBody = async (body: string) => (await room.testApp.db.select({ n: count() }).from(comments).where(eq(comments.body, body)))[0]!.n;

async function post(client: Client, body: string, paragraph = 2) {
  return client.post(`/clubs/${room.clubId}/comments`, { reading_id: room.readingId, paragraph_id: (await room.paragraphs(1))[paragraph]!.id, body });
}

/** The pages a reader reads, each expected to answer 200. */
async function expectReadsWork(client: Client) {
  const paths = ['/', '/clubs', `/clubs/${room.clubId}`, `/clubs/${room.clubId}/chapters/1`, `/clubs/${room.clubId}/paragraphs/${(await room.paragraphs(1))[2]!.id}/comments`, '/library', '/account'];
  for (const path of paths) expect((await client.get(path)).status, path).toBe(200);
}

describe('a full disk', () => {
  it('refuses the post that does not fit with a page in the reader’s language, saves none of it, and keeps serving reads', async () => {
    room.alice.acceptLanguage = 'ko';
    room.bob.acceptLanguage = 'en';
    // Room for what is there now and not a page more.
    const sqlite = room.testApp.sqlite!; // SQLite's page limit: see the file comment
    const pages = sqlite.pragma('page_count', { simple: true }) as number;
    sqlite.pragma(`max_page_count = ${pages}`);

    let saved = 0;
    let refused: Response | undefined;
    let refusedBody = '';
    for (let n = 0; n < 200 && !refused; n++) {
      const body = `${n} ${'여백에 남긴 긴 메모. '.repeat(400)}`;
      const response = await post(room.alice, body);
      if (response.status === 303) saved += 1;
      else {
        refused = response;
        refusedBody = body;
      }
    }
    expect(refused, 'the disk never filled').toBeDefined();
    expect(refused!.status).toBe(503);
    const page = await refused!.text();
    expect(page).toContain('<html lang="ko">');
    expect(page).toContain('지금은 저장할 수 없어요');
    expect(page).toContain('아무것도 저장되지 않았어요');
    expect(await commentsWithBody(refusedBody)).toBe(0);
    expect(await commentCount()).toBe(saved);

    // The same refusal in English, and as an htmx fragment.
    const english = await post(room.bob, 'x'.repeat(9000));
    expect(english.status).toBe(503);
    expect(await english.text()).toContain('We could not save that right now');
    const fragment = await room.bob.htmx(`/clubs/${room.clubId}/comments`, { method: 'POST', fields: { reading_id: room.readingId, paragraph_id: (await room.paragraphs(1))[3]!.id, body: 'y'.repeat(9000) } });
    expect(fragment.status).toBe(503);
    expect(await fragment.text()).toMatch(/^<p class="flash flash-error" role="alert">We could not save that right now.*Nothing was saved/);

    await expectReadsWork(room.alice);
    await expectReadsWork(room.bob);
    expect(integrityCheck(sqlite)).toEqual(['ok']);
    const logged = room.testApp.logs.filter((line) => String(line.message).startsWith('storage full'));
    expect(logged.length).toBeGreaterThanOrEqual(3);

    // When space comes back, posting works again.
    sqlite.pragma('max_page_count = 1073741823');
    expect((await post(room.alice, 'space again')).status).toBe(303);
  });
});

describe('a read-only database', () => {
  let readOnly: TestApp;
  beforeEach(() => {
    const { db, sqlite } = openDatabase(room.testApp.config.databasePath, { migrate: false });
    sqlite.pragma('query_only = ON'); // every write now fails with SQLITE_READONLY
    const app = createApp({ db, config: room.testApp.config, clock: () => room.testApp.clock.now, rateLimiters: createRateLimiters(), log: (line) => room.testApp.logs.push(line) });
    readOnly = {
      ...room.testApp,
      app,
      db,
      sqlite,
      close: async () => {
        sqlite.close();
      },
    };
  });
  afterEach(async () => {
    await readOnly.close();
  });

  /** `client`'s cookies, sent to the read-only app. */
  const through = (client: Client, acceptLanguage?: string) => {
    const other = new Client(readOnly, { ip: client.ip, acceptLanguage });
    for (const [name, value] of client.cookies) other.cookies.set(name, value);
    return other;
  };

  it('refuses every kind of write with the 503 page and keeps every read working, sessions due for renewal included', async () => {
    const before = await commentCount();
    const alice = through(room.alice, 'ko');
    const refused = await post(alice, '읽기 전용일 때 쓴 댓글');
    expect(refused.status).toBe(503);
    expect(await refused.text()).toContain('아무것도 저장되지 않았어요');
    const bob = through(room.bob, 'en');
    for (const [path, fields] of [
      [`/clubs/${room.clubId}/comments`, { reading_id: room.readingId, chapter_id: room.chapters[0]!.id, body: 'chapter talk' }],
      ['/account/profile', { displayName: 'Bob B' }],
      ['/locale', { locale: 'ko' }],
    ] as const) {
      const response = await bob.post(path, fields);
      expect(response.status, path).toBe(503);
      expect(await response.text()).toContain('Nothing was saved');
    }
    expect(await commentCount()).toBe(before);

    // A day later every session is due for renewal, which is a write: reading still works.
    room.testApp.clock.advance(2 * DAY);
    await expectReadsWork(alice);
    await expectReadsWork(bob);
    // Signing out still signs this browser out.
    const signOut = await bob.post('/logout');
    expect(signOut.status).toBe(303);
    expect(bob.cookies.has('marginalia_session')).toBe(false);
    expect((await bob.get('/account')).status).toBe(303);
    // Signing in needs a new session row: refused the same way, in the reader's language.
    const signIn = await new Client(readOnly, { acceptLanguage: 'ko' }).post('/login', { username: room.usernames.alice, password: 'correct horse battery' });
    expect(signIn.status).toBe(503);
    expect(await signIn.text()).toContain('지금은 저장할 수 없어요');
  });
});

describe('storageFailure', () => {
  it('names the errors that mean storage refused a write, through Drizzle’s wrapping, and nothing else', async () => {
    const errorWithCode = (code: string) => Object.assign(new Error(code), { code });
    expect(storageFailure(errorWithCode('SQLITE_FULL'))).toBe('full');
    expect(storageFailure(errorWithCode('SQLITE_READONLY'))).toBe('read-only');
    expect(storageFailure(errorWithCode('SQLITE_READONLY_DBMOVED'))).toBe('read-only');
    expect(storageFailure(errorWithCode('SQLITE_IOERR_WRITE'))).toBe('io');
    expect(storageFailure(errorWithCode('SQLITE_IOERR_FSYNC'))).toBe('io');
    expect(storageFailure(errorWithCode('SQLITE_BUSY'))).toBe('busy');
    expect(storageFailure(errorWithCode('SQLITE_BUSY_SNAPSHOT'))).toBe('busy');
    expect(storageFailure(new Error('Failed query: insert …', { cause: errorWithCode('SQLITE_FULL') }))).toBe('full');
    for (const other of [errorWithCode('SQLITE_CONSTRAINT_UNIQUE'), errorWithCode('SQLITE_FULLY_MADE_UP'), new Error('plain'), null, undefined, 'SQLITE_FULL']) {
      expect(storageFailure(other)).toBeNull();
    }
    // PostgreSQL's SQLSTATE codes (and node's, when it cannot be reached), through the same wrapping.
    expect(storageFailure(errorWithCode('53100'))).toBe('full'); // disk_full
    expect(storageFailure(new Error('Failed query: insert …', { cause: errorWithCode('25006') }))).toBe('read-only'); // read_only_sql_transaction
    expect(storageFailure(errorWithCode('58030'))).toBe('io'); // io_error
    expect(storageFailure(errorWithCode('55P03'))).toBe('busy'); // lock_not_available
    expect(storageFailure(errorWithCode('ECONNREFUSED'))).toBe('busy');
    for (const other of [errorWithCode('23505'), errorWithCode('40001'), errorWithCode('42P01')]) expect(storageFailure(other)).toBeNull(); // unique, serialization, undefined table
    expect(await writeIfPossible(async () => undefined)).toBe(true);
    expect(
      await writeIfPossible(() => {
        throw errorWithCode('SQLITE_READONLY');
      }),
    ).toBe(false);
    // A write that fails after an await (as every database write now does) is refused the same way.
    expect(
      await writeIfPossible(async () => {
        await Promise.resolve();
        throw errorWithCode('SQLITE_READONLY');
      }),
    ).toBe(false);
    await expect(
      writeIfPossible(async () => {
        throw errorWithCode('SQLITE_CONSTRAINT');
      }),
    ).rejects.toThrow('SQLITE_CONSTRAINT');
  });
});
