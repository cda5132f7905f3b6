/**
 * The device cookie of the sign-in throttle (`login-throttle.ts`): set when an account signs in
 * or up in this browser, it makes the browser a trusted client of that account, so strangers'
 * failed guesses elsewhere never stop it signing in. Protected like the session cookie
 * (`HttpOnly`, `SameSite=Lax`; `Secure` and the `__Host-` prefix on https). It holds no username
 * and grants nothing by itself: the password is still checked.
 */
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { protectedCookie } from './cookie';
import { DEVICE_COOKIE_MAX_AGE_MS } from './login-throttle';

const name = (secure: boolean) => `${secure ? '__Host-' : ''}marginalia_device`;

export const readDeviceCookie = (c: Context, secure: boolean): string | undefined => getCookie(c, name(secure));

export const writeDeviceCookie = (c: Context, value: string, secure: boolean): void =>
  setCookie(c, name(secure), value, protectedCookie(secure, DEVICE_COOKIE_MAX_AGE_MS));
