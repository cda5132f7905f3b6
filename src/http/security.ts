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

export function securityHeaders(options: { https: boolean }): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    c.header('Referrer-Policy', 'same-origin');
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('X-Frame-Options', 'DENY');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    if (options.https) c.header('Strict-Transport-Security', 'max-age=31536000');
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
