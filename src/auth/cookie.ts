/**
 * The session cookie: `HttpOnly` (scripts cannot read it), `SameSite=Lax` (not sent on
 * cross-site POSTs), `Path=/`. When the app is served over https it is also `Secure` and named
 * with the `__Host-` prefix, which browsers only accept from a secure origin without a
 * `Domain`, so a sibling subdomain cannot plant or overwrite it.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { SESSION_LIFETIME_MS } from './session';

export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-marginalia_session' : 'marginalia_session';
}

export function readSessionCookie(c: Context, secure: boolean): string | undefined {
  return getCookie(c, sessionCookieName(secure));
}

export function writeSessionCookie(c: Context, token: string, secure: boolean): void {
  setCookie(c, sessionCookieName(secure), token, protectedCookie(secure, SESSION_LIFETIME_MS));
}

/** The attributes of the session cookie, for the other cookies that need the same protection. */
export function protectedCookie(secure: boolean, lifetimeMs: number) {
  return { httpOnly: true, sameSite: 'Lax', path: '/', secure, maxAge: Math.floor(lifetimeMs / 1000) } as const;
}

export function clearSessionCookie(c: Context, secure: boolean): void {
  deleteCookie(c, sessionCookieName(secure), { path: '/', secure, httpOnly: true, sameSite: 'Lax' });
}
