/**
 * Issue #16, durability: a real server takes comment posts from several readers at once and is
 * killed with SIGKILL in the middle of them, twice; each time it is started again on the same
 * file. Every post it answered with success must be there, exactly as posted, nothing may be
 * half-written, and `PRAGMA integrity_check` must say ok.
 *
 * SQLite's own durability (the WAL across kill -9): the file is checked with better-sqlite3
 * directly, on SQLite only.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommentWriters, integrityCheck, missingFrom, seedCommentRoom, writtenComments } from '../../helpers/comment-writers';
import { freePort } from '../../helpers/net';
import { serverWorkspace, stopServer } from '../../helpers/server';

const SERVER_ENV = { POSTING_RATE_LIMIT: '1000000' };
/** Acknowledged posts to wait for before each kill (the kill lands while more are in flight). */
const POSTS_PER_ROUND = 250;

describe('a crash in the middle of posting', () => {
  const workspace = serverWorkspace('marginalia-crash-');

  it('keeps every acknowledged comment, whole, across kill -9 and restart', async () => {
    const databasePath = join(workspace.dir, 'marginalia.db');
    const room = await seedCommentRoom(databasePath);
    const port = await freePort();
    let server = await workspace.start(databasePath, SERVER_ENV, port);
    const writers = new CommentWriters(server.url, room, 6);
    let found = 0;
    let saved = 0;

    for (let round = 1; round <= 2; round++) {
      writers.start();
      await writers.whenAcknowledged(round * POSTS_PER_ROUND);
      const killed = await stopServer(server, 'SIGKILL');
      expect(killed.signal).toBe('SIGKILL');
      await writers.stop();

      server = await workspace.start(databasePath, SERVER_ENV, port);
      writers.retarget(server.url);

      const check = new Database(databasePath, { readonly: true });
      try {
        expect(integrityCheck(check)).toEqual(['ok']);
        expect(check.pragma('foreign_key_check')).toEqual([]);
        const { byBody, problems } = writtenComments(check);
        expect(problems).toEqual([]);
        expect(missingFrom(byBody, writers.acknowledged)).toEqual([]);
        found = writers.acknowledged.length - missingFrom(byBody, writers.acknowledged).length;
        saved = byBody.size;
        // Posts that were never answered may or may not be there; nothing else is.
        expect(byBody.size).toBeGreaterThanOrEqual(writers.acknowledged.length);
        expect(byBody.size).toBeLessThanOrEqual(writers.acknowledged.length + writers.unanswered);
      } finally {
        check.close();
      }
    }
    expect(writers.refused).toEqual([]);
    expect(writers.acknowledged.length).toBeGreaterThanOrEqual(2 * POSTS_PER_ROUND);
    console.info(
      `crash test: ${writers.acknowledged.length} posts acknowledged over two kill -9, ${found} of them found; ` +
        `${writers.unanswered} posts got no answer, ${saved - found} of those were saved anyway`,
    );

    // The restarted server serves what was saved and takes new posts.
    const last = writers.acknowledged.at(-1)!;
    const thread = await fetch(`${server.url}/clubs/${room.clubId}/paragraphs/${last.paragraphId}/comments`, {
      headers: { cookie: `marginalia_session=${room.tokens[0]}`, 'hx-request': 'true' },
    });
    expect(thread.status).toBe(200);
    expect(await thread.text()).toContain(last.body);
    writers.start();
    await writers.whenAcknowledged(writers.acknowledged.length + 5);
    await writers.stop();
    expect((await stopServer(server)).code).toBe(0);
  }, 90_000);
});
