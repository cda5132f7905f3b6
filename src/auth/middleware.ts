/** The middleware that puts the signed-in reader (or null) on every request. */
import type { MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from '../http/types';
import { clearSessionCookie, readSessionCookie, writeSessionCookie } from './cookie';
import { SessionCache } from './session-cache';

/**
 * Loads the session and user from the cookie, renewing the cookie when the expiry slid.
 * Validated sessions are kept while the database is unchanged (`sessions`, see session-cache.ts);
 * pass the same cache to whatever else recognises cookies (src/app.tsx's warm page answers).
 */
export function sessionLoader(deps: AppDeps, sessions = new SessionCache(deps.db)): MiddlewareHandler<AppEnv> {
  const secure = deps.config.origin.startsWith('https://');
  return async (c, next) => {
    c.set('user', null);
    c.set('session', null);
    const token = readSessionCookie(c, secure);
    if (token) {
      const validated = await sessions.validate(token, deps.clock());
      if (validated) {
        c.set('user', validated.user);
        c.set('session', validated.session);
        if (validated.renewed) writeSessionCookie(c, token, secure);
      } else {
        clearSessionCookie(c, secure);
      }
    }
    await next();
  };
}
