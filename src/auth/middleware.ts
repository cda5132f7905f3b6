/** The middleware that puts the signed-in reader (or null) on every request. */
import type { MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from '../http/types';
import { clearSessionCookie, readSessionCookie, writeSessionCookie } from './cookie';
import { validateSessionToken } from './session';

/** Loads the session and user from the cookie, renewing the cookie when the expiry slid. */
export function sessionLoader(deps: AppDeps): MiddlewareHandler<AppEnv> {
  const secure = deps.config.origin.startsWith('https://');
  return async (c, next) => {
    c.set('user', null);
    c.set('session', null);
    const token = readSessionCookie(c, secure);
    if (token) {
      const validated = validateSessionToken(deps.db, token, deps.clock());
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
