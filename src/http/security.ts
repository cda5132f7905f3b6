/**
 * Security headers and the same-origin check for state changes.
 *
 * Headers are set with `c.header()` *before* `next()`: `@hono/node-server` then sends the
 * handler's response without copying it, which keeps the fast path (see DESIGN.md).
 *
 * The CSP allows scripts from our own origin only: no inline script, no eval. htmx is configured
 * through its `<meta name="htmx-config">` tag, and behaviour that needs script lives in files
 * under /static, so `script-src 'self'` is enough.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './types';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "base-uri 'none'",
].join('; ');

/** The headers every response carries; HSTS is added when the app is served over https. */
export function securityHeaderSet(options: { https: boolean }): Readonly<Record<string, string>> {
  return Object.freeze({
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'Referrer-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    ...(options.https ? { 'Strict-Transport-Security': 'max-age=31536000' } : {}),
  });
}

export function securityHeaders(options: { https: boolean }): MiddlewareHandler<AppEnv> {
  const headers = Object.entries(securityHeaderSet(options));
  return async (c, next) => {
    for (const [name, value] of headers) c.header(name, value);
    await next();
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses any state-changing request that did not come from our own pages: the browser must
 * say `Sec-Fetch-Site: same-origin`, or (older browsers, which do not send fetch metadata) an
 * `Origin` equal to ours. When `Sec-Fetch-Site` is present it decides alone: the browser sets it
 * and page scripts cannot, so `cross-site` or `same-site` is refused whatever `Origin` says.
 * This holds whatever the content type, so a cross-site form post, a `fetch` with `text/plain`
 * and a forged multipart upload are all refused. Clients sending neither header are refused too.
 */
export function isSameOriginRequest(request: Request, origin: string): boolean {
  if (SAFE_METHODS.has(request.method)) return true;
  const site = request.headers.get('sec-fetch-site');
  if (site !== null) return site === 'same-origin';
  return request.headers.get('origin') === origin;
}
