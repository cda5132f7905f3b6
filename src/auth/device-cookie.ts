/**
 * The device cookie of the sign-in throttle (`login-throttle.ts`): set when an account signs in
 * or up in this browser, it makes the browser a trusted client of that account, so strangers'
 * failed guesses elsewhere never stop it signing in. `HttpOnly`, `SameSite=Lax`, and on https
 * `Secure` with the `__Host-` prefix, like the session cookie. It holds no username and grants
 * nothing by itself: the password is still checked.
 */
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { DEVICE_COOKIE_MAX_AGE_MS } from './login-throttle';

export function deviceCookieName(secure: boolean): string {
  return secure ? '__Host-marginalia_device' : 'marginalia_device';
}

export function readDeviceCookie(c: Context, secure: boolean): string | undefined {
  return getCookie(c, deviceCookieName(secure));
}

export function writeDeviceCookie(c: Context, value: string, secure: boolean): void {
  setCookie(c, deviceCookieName(secure), value, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure,
    maxAge: Math.floor(DEVICE_COOKIE_MAX_AGE_MS / 1000),
  });
}
