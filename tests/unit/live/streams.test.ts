/**
 * The stream machinery without HTTP: a heartbeat comment every 15 s on every open stream, a
 * client that stops reading dropped once 64 messages wait (the others go on), and closeAll
 * (shutdown) ending every stream and refusing new ones. The SSE writer is a stand-in whose
 * writes finish only when the test says so (a slow client); the database is a real file.
 */
import type { SSEStreamingApi } from 'hono/streaming';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HEARTBEAT_MS, MAX_BACKLOG } from '../../../src/live/hub';
import { LiveService } from '../../../src/live/service';
import { sseSink } from '../../../src/live/sink';
import type { AreaDeps } from '../../../src/http/types';
import { makeTestApp } from '../../helpers/app';
import { InProcessEventBus } from '../../../src/events';

function fakeSse(options: { stuck: boolean }) {
  const written: string[] = [];
  let aborted = false;
  let onAbort: () => void = () => {};
  const sse = {
    write(input: string | Uint8Array) {
      written.push(typeof input === 'string' ? input : new TextDecoder().decode(input));
      return options.stuck ? new Promise(() => {}) : Promise.resolve(sse);
    },
    abort() {
      aborted = true;
      onAbort();
    },
    close: async () => {},
    onAbort(listener: () => void) {
      onAbort = listener;
    },
  };
  return { sse: sseSink(sse as unknown as SSEStreamingApi), written, isAborted: () => aborted };
}

afterEach(() => {
  vi.useRealTimers();
});

async function service() {
  const testApp = await makeTestApp();
  const hooks: (() => void)[] = [];
  const deps = { db: testApp.db, config: { ...testApp.config, liveStreamsPerMember: 5, liveStreamsMax: 10 }, clock: () => testApp.clock.now, events: new InProcessEventBus(), onShutdown: (hook: () => void) => hooks.push(hook) } as unknown as AreaDeps;
  return { live: new LiveService(deps), shutdown: () => hooks.forEach((hook) => hook()) };
}

const place = { clubId: 1, readingId: 1, chapterId: 1 };
const viewer = { user: null, locale: 'en' as const, timeZone: null };

describe('open streams', () => {
  it('get a heartbeat comment every 15 s', async () => {
    vi.useFakeTimers();
    const { live } = await service();
    const a = fakeSse({ stuck: false });
    const done = live.run(a.sse, place, viewer, null);
    expect(a.written.filter((m) => m.startsWith(': heartbeat'))).toHaveLength(0);
    vi.advanceTimersByTime(HEARTBEAT_MS);
    expect(a.written.filter((m) => m.startsWith(': heartbeat'))).toHaveLength(1);
    vi.advanceTimersByTime(HEARTBEAT_MS);
    expect(a.written.filter((m) => m.startsWith(': heartbeat'))).toHaveLength(2);
    live.hub.closeAll();
    await done;
  });

  it('a client that stops reading is dropped after its backlog; the others keep their stream', async () => {
    vi.useFakeTimers();
    const { live } = await service();
    const slow = fakeSse({ stuck: true });
    const fine = fakeSse({ stuck: false });
    const slowDone = live.run(slow.sse, place, viewer, null);
    void live.run(fine.sse, place, viewer, null);
    expect(live.hub.size).toBe(2);
    for (let i = 0; i < MAX_BACKLOG + 1; i++) await vi.advanceTimersByTimeAsync(HEARTBEAT_MS);
    await slowDone; // run() returns once the stream is dropped
    expect(slow.isAborted()).toBe(true);
    expect(fine.isAborted()).toBe(false);
    expect(live.hub.size).toBe(1);
    live.hub.closeAll();
  });

  it('shutdown ends every stream and refuses new ones (503 in the route)', async () => {
    const { live, shutdown } = await service();
    const a = fakeSse({ stuck: false });
    const done = live.run(a.sse, place, viewer, null);
    expect(live.hub.admit(null)).toBe('ok');
    shutdown();
    await done;
    expect(live.hub.size).toBe(0);
    expect(live.hub.admit(null)).toBe('process-cap');
  });
});
