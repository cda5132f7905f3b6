/**
 * The real server (`src/server.ts`) with live streams open: SIGTERM ends every stream and the
 * process exits 0 at once, instead of waiting for the streams to close on their own.
 */
import { describe, expect, it } from 'vitest';
import { serverWorkspace, stopServer } from '../../helpers/server';
import { makeRoom } from '../annotations/room';
import { openStream } from './sse';

const workspace = serverWorkspace('marginalia-live-shutdown-');

describe('shutdown with open streams', () => {
  it('SIGTERM ends the streams and the server exits 0', async () => {
    // A public club, read signed out: sessions made under the test clock may be expired in real time.
    const room = await makeRoom({ visibility: 'public' });
    const databasePath = room.testApp.config.databasePath;
    // The server opens the same database: the test's own connection lets go of it first (SQLite's
    // file; under PostgreSQL the server is pointed at the test's database by its URL).
    room.testApp.sqlite?.close();
    const databaseUrl = room.testApp.databaseUrl;
    const server = await workspace.start(databasePath, { LIVE_UPDATES: 'true', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) });
    const path = `/clubs/${room.clubId}/live/${room.readingId}/${room.chapters[0]!.id}`;
    const streams = await Promise.all([openStream(server.url, path, null), openStream(server.url, path, null)]);
    expect(streams.map((s) => s.status)).toEqual([200, 200]);
    await streams[0]!.waitFor((m) => m.event === 'live:open');
    const exit = await stopServer(server, 'SIGTERM');
    expect(exit.code).toBe(0);
    // Closed by server.close(), not by the 5 s fallback timer: the streams did not hold it open.
    expect(server.output.join('')).toContain('SIGTERM received, closing');
    expect(server.output.join('')).not.toContain('connections still open');
    await Promise.all(streams.map((s) => s.ended));
  });
});
