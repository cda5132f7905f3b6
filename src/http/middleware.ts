/**
 * The request pipeline every route inherits: request id and log line, security headers,
 * body size limit, same-origin check on state changes, and language (the session is the auth
 * area's `sessionLoader`).
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import { randomUUID } from 'node:crypto';
import { changeStamp } from '../../db/connection';
import { LOCALE_COOKIE, negotiateLocale, translator } from '../i18n';
import { HttpError } from './errors';
import { isSameOriginRequest } from './security';
import type { AppDeps, AppEnv } from './types';

/** Request id, client address, and one log line per request (method, path, status, time; never bodies or cookies). */
export function requestContext(deps: AppDeps): MiddlewareHandler<AppEnv> {
  const trustProxy = deps.config.trustProxy;
  const stamp = changeStamp(deps.db);
  return async (c, next) => {
    const started = performance.now();
    const requestId = randomUUID();
    c.set('requestId', requestId);
    c.header('X-Request-Id', requestId);
    // The last X-Forwarded-For entry is the one our own proxy added; earlier ones are whatever the
    // client sent, so trusting the first would let anyone pick their "IP" for the rate limits.
    const forwarded = trustProxy ? c.req.header('x-forwarded-for')?.split(',').pop()?.trim() : undefined;
    const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
    c.set('clientIp', forwarded || incoming?.socket?.remoteAddress || 'local');
    // Before anything reads the database: facts read later are at least this new (warm-answers.ts).
    // A database that cannot answer leaves it unset, and the error page still gets its request id.
    try {
      c.set('dataStamp', stamp());
    } catch {
      // nothing is remembered for this request
    }
    await next();
    if (deps.log) {
      deps.log({
        level: c.res.status >= 500 ? 'error' : 'info',
        requestId,
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        user: c.get('user')?.id ?? null,
      });
    }
  };
}

/**
 * Bodies larger than the limit are refused with 413 before they are read into memory.
 *
 * A declared `Content-Length` is checked from the header alone (and Node's HTTP parser never
 * delivers more than it declares); only a body without one (chunked) is counted as it streams,
 * by Hono's `bodyLimit`. Requests without a body skip all of it: touching `request.body` makes
 * `@hono/node-server` build a full Fetch `Request` and stream, which measurably slowed every page.
 */
export function limitBody(maxBytes: number): MiddlewareHandler<AppEnv> {
  const refuse = () => {
    throw new HttpError(413, 'error.413.body', { limit: formatBytes(maxBytes) });
  };
  const streamed = bodyLimit({ maxSize: maxBytes, onError: refuse });
  return (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      const length = Number(declared);
      return Number.isSafeInteger(length) && length >= 0 && length <= maxBytes ? next() : refuse();
    }
    return streamed(c, next);
  };
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

export function sameOriginOnly(origin: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!isSameOriginRequest(c.req.raw, origin)) throw new HttpError(403, 'error.403.csrf');
    await next();
  };
}

/** The reader's language: account setting, then the language cookie, then Accept-Language, then English. */
export function localeChooser(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const setting = c.get('user')?.locale ?? getCookie(c, LOCALE_COOKIE);
    const locale = negotiateLocale(setting, c.req.header('accept-language'));
    c.set('locale', locale);
    c.set('t', translator(locale));
    c.header('Content-Language', locale);
    c.header('Vary', 'Accept-Language, Cookie');
    await next();
  };
}

/**
 * Gives pages the way to count the signed-in reader's unread notifications (the bell in the
 * header, through `pageContext`). The count comes from the function given (src/app.tsx passes
 * the notifications area's), so this shared layer knows no area; it is asked only when
 * `pageContext` is built for drawing, never for a page served from the cache, a redirect or a file.
 */
export function bellCount(unreadFor: (userId: number) => Promise<number>): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    c.set('unreadFor', unreadFor);
    return next();
  };
}
