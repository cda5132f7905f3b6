/**
 * Where a stream's bytes go: the Node response itself when the app is served by
 * `@hono/node-server` (production, the live tests, the bench), else `hono/streaming`'s
 * `streamSSE` (the same bytes through Web Streams, for `app.request()` and other runtimes).
 *
 * A message for a thousand streams is encoded once ({@link LiveMessage.bytes}); writing it is
 * then one `write()` per stream. Through `streamSSE` each write also goes through a
 * TransformStream, its reader and a promise chain, and each stream holds those streams'
 * buffers: the streams bench measured that machinery as a third of the server's time per
 * post, and most of a stream's memory. The Node path writes the same `text/event-stream`
 * bytes straight to the `ServerResponse` (one chunk per message) and tells
 * `@hono/node-server` the response is already sent (its `x-hono-already-sent` mark).
 *
 * Backlog: `written` is called once the bytes have left for the socket (Node's write
 * callback), so a sink whose client stops reading keeps calls unanswered and the stream drops
 * it ({@link MAX_BACKLOG} in the hub).
 */
import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';

export interface StreamSink {
  /** Queues `chunk`; `written` runs once it has left (never for a client that stopped reading). */
  write(chunk: Uint8Array | string, written: () => void): void;
  /** Ends the response (the client reconnects, or falls back to the page as it is). */
  close(): void;
  /** Cuts the connection (a client that stopped reading). */
  abort(): void;
  /** Told once when the connection goes, whoever ends it. */
  onGone(listener: () => void): void;
}

/** A sink over `hono/streaming`'s SSE writer (tests drive the service with a stand-in of it). */
export function sseSink(sse: SSEStreamingApi): StreamSink {
  return {
    write: (chunk, written) => void sse.write(chunk).then(written),
    close: () => void sse.close(),
    abort: () => sse.abort(),
    onGone: (listener) => sse.onAbort(listener),
  };
}

/** A sink writing straight to the Node response (headers sent now, with those set so far on `c`). */
function nodeSink(outgoing: ServerResponse, headers: Headers): StreamSink {
  const head: Record<string, string | string[]> = {};
  headers.forEach((value, name) => {
    if (name !== 'set-cookie' && name !== 'content-length') head[name] = value;
  });
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) head['set-cookie'] = cookies;
  head['content-type'] = 'text/event-stream; charset=utf-8';
  outgoing.writeHead(200, head);
  outgoing.flushHeaders();
  // Messages are small and wanted at once: no Nagle delay.
  outgoing.socket?.setNoDelay(true);
  return {
    write: (chunk, written) => {
      if (!outgoing.writableEnded && !outgoing.destroyed) outgoing.write(chunk, written);
    },
    close: () => {
      if (!outgoing.writableEnded) outgoing.end();
    },
    abort: () => outgoing.destroy(),
    onGone: (listener) => {
      let told = false;
      const once = () => {
        if (told) return;
        told = true;
        listener();
      };
      outgoing.once('close', once);
      if (outgoing.destroyed) once();
    },
  };
}

/** `@hono/node-server`'s mark of a response written by the handler itself (its `RESPONSE_ALREADY_SENT`). */
const ALREADY_SENT = 'x-hono-already-sent';

/**
 * Answers `c` with an event stream run by `run` (which resolves when the stream is over):
 * on the Node response when there is one, else through `streamSSE`.
 *
 * The answer given back to Hono is an empty response carrying every header the middleware set
 * (read from it for our own `writeHead`) and `@hono/node-server`'s already-sent mark. Its body
 * is touched once so that it is a plain Response: `@hono/node-server` 2.1.8 checks the mark
 * only on plain ones (on its lightweight cached responses it would write the head again).
 */
export function respondWithStream(c: Context, run: (sink: StreamSink) => Promise<void>, onError: (error: Error) => void): Response {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (!outgoing || typeof outgoing.writeHead !== 'function') return streamSSE(c, (sse) => run(sseSink(sse)));
  const answer = c.body(null, 200, { [ALREADY_SENT]: 'true' });
  const headers = new Headers(answer.headers);
  headers.delete(ALREADY_SENT);
  void answer.body;
  const sink = nodeSink(outgoing, headers);
  // A failure ends this stream (the page falls back to what it is) and is logged; it never
  // becomes an unhandled rejection.
  run(sink)
    .catch((error: unknown) => onError(error instanceof Error ? error : new Error(String(error))))
    .finally(() => sink.close());
  return answer;
}
