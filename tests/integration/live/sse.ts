/**
 * Reading Server-Sent Events over real HTTP for the live tests: the app served on a loopback
 * port (`@hono/node-server`, as in production), and a stream reader that parses messages as
 * a browser would (`event`, `data`, `id`, comments ignored). Not a test file itself.
 */
import { serve, type ServerType } from '@hono/node-server';
import { afterAll } from 'vitest';
import type { Client, TestApp } from '../../helpers/app';
import { freePort } from '../../helpers/net';

export interface SseMessage {
  event: string;
  data: string;
  id: string | null;
}

export interface SseReader {
  status: number;
  messages: SseMessage[];
  /** Every byte received, comments (heartbeats) included. */
  raw: string;
  /** Waits (generously) until a message satisfies `test`, and returns it. */
  waitFor(test: (message: SseMessage) => boolean, timeoutMs?: number): Promise<SseMessage>;
  /** Messages that arrived after `count` earlier ones. */
  since(count: number): SseMessage[];
  ended: Promise<void>;
  close(): void;
}

/** Serves `testApp` on a free loopback port until the test file ends. */
export async function listen(testApp: TestApp): Promise<{ base: string; server: ServerType }> {
  const port = await freePort();
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: testApp.app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s));
  });
  afterAll(() => {
    server.close();
    (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
  });
  return { base: `http://127.0.0.1:${port}`, server };
}

/** Opens a stream as `client` (cookies) or signed out (`null`). */
export async function openStream(base: string, path: string, client: Client | null, headers: Record<string, string> = {}): Promise<SseReader> {
  const abort = new AbortController();
  const response = await fetch(`${base}${path}`, {
    headers: { accept: 'text/event-stream', ...(client ? { cookie: client.cookieHeader } : {}), ...headers },
    signal: abort.signal,
  });
  const messages: SseMessage[] = [];
  const waiters = new Set<() => void>();
  const reader: SseReader = {
    status: response.status,
    messages,
    raw: '',
    since: (count) => messages.slice(count),
    async waitFor(test, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(test);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no such message; got:\n${messages.map((m) => `${m.event} ${m.id} ${m.data.slice(0, 200)}`).join('\n')}`);
        await new Promise<void>((resolve) => {
          waiters.add(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    ended: Promise.resolve(),
    close: () => abort.abort(),
  };
  if (!response.ok || !response.body) {
    reader.raw = await response.text();
    return reader;
  }
  reader.ended = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    let message: SseMessage = { event: '', data: '', id: null };
    let hasData = false;
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        const text = decoder.decode(chunk, { stream: true });
        reader.raw += text;
        buffer += text;
        const lines = buffer.split(/\r\n|\r|\n/);
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          if (line === '') {
            if (hasData || message.event) messages.push(message);
            message = { event: '', data: '', id: null };
            hasData = false;
            for (const wake of waiters) wake();
            waiters.clear();
            continue;
          }
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'data') {
            message.data += (hasData ? '\n' : '') + value;
            hasData = true;
          } else if (field === 'event') message.event = value;
          else if (field === 'id') message.id = value;
        }
      }
    } catch {
      // aborted by the test
    }
  })();
  return reader;
}

/** The HTML swapped into `#id` by a message's `<hx-partial>`s (concatenated), or null when the message has none for it. */
export function partialFor(message: SseMessage, target: string): string | null {
  const pattern = new RegExp(`<hx-partial hx-target="${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*>([\\s\\S]*?)</hx-partial>`, 'g');
  const found = [...message.data.matchAll(pattern)].map((match) => match[1]!);
  return found.length ? found.join('') : null;
}
