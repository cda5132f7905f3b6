/**
 * Sign-up, sign-in, sign-out and the account page.
 *
 * A failed sign-in says the same thing, after the same amount of work, whether or not the
 * username exists. Failed attempts are limited by `login-throttle.ts` (per address, per client
 * and username, and per username for untrusted clients only, so strangers cannot lock a member
 * out of the browser they use).
 */
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { AccountPage, LoginPage, RegisterPage } from '../../views/auth/forms';
import { HttpError, tooManyRequests } from '../http/errors';
import { redirectToLogin } from '../http/guards';
import { writeIfPossible } from '../http/storage-errors';
import { readForm, safeNextPath, validateForm, type FieldErrors } from '../http/forms';
import { pageContext, seeOther, sendPage } from '../http/page';
import type { AppEnv, AreaDeps } from '../http/types';
import { isLocale, LOCALE_COOKIE } from '../i18n';
import { clearSessionCookie, writeSessionCookie } from './cookie';
import { readDeviceCookie, writeDeviceCookie } from './device-cookie';
import { LoginThrottle } from './login-throttle';
import { databaseLoginTrust } from './login-trust';
import type { SignUpInvitations } from './types';
import { hashPassword, verifyPasswordOrDummy } from './password';
import { createSession, deleteSession, deleteUserSessions } from './session';
import { countUserSessions, createUser, findUserByUsername, updateLocale, updatePasswordHash, updateProfile, usernameInCoolingOff } from './users';
import { loginSchema, passwordChangeSchema, profileSchema, registerSchema, TIME_ZONES } from './validation';

/**
 * @param invitations signing up through an invitation link joins its club (from the clubs
 *   area, through `src/app.tsx`); without it every sign-up is a plain one.
 */
export function authRoutes(deps: AreaDeps, invitations?: SignUpInvitations): Hono<AppEnv> {
  const { db, clock, config, events, rateLimiters: limits } = deps;
  const settingsChanged = (userId: number, what: 'profile' | 'locale' | 'password') =>
    events.publish({ type: 'reader.settings_changed', actorId: userId, clubId: null, userId, what });
  const secure = config.origin.startsWith('https://');
  const app = new Hono<AppEnv>();
  const throttle = new LoginThrottle(limits, databaseLoginTrust(db));

  /** Signing in (or up) over an existing session, or signing out, ends the session in use. */
  async function endCurrentSession(c: Context<AppEnv>): Promise<void> {
    const session = c.get('session');
    if (session) await deleteSession(db, session.id);
  }

  app.get('/register', async (c) => {
    if (c.get('user')) return seeOther(c, '/');
    const next = safeNextPath(c.req.query('next'));
    const joining = (await invitations?.usableIn(next, clock()))?.clubName ?? null;
    return sendPage(c, <RegisterPage page={pageContext(c)} values={{}} errors={{}} next={next} joining={joining} />);
  });

  app.post('/register', async (c) => {
    const form = await readForm(c);
    const next = safeNextPath(form.next);
    const parsed = validateForm(registerSchema, form);
    // A sign-up through a usable invitation link joins its club, under its own limit (src/clubs/invite-signup.ts).
    const invitation = (await invitations?.usableIn(next, clock())) ?? null;
    const rerender = (errors: FieldErrors, status: 409 | 422 | 429, refusal?: string) =>
      sendPage(c, <RegisterPage page={pageContext(c)} values={form} errors={errors} next={next} joining={invitation?.clubName ?? null} refusal={refusal} />, status);
    if (!parsed.ok) return rerender(parsed.errors, 422);

    // Counted once the form is valid: typos cost nothing, while account creation and probing for
    // taken names (each of which costs a password hash) are limited. A refusal keeps the form,
    // what was typed and the invitation, and says how long to wait in words.
    const verdict = invitation
      ? await limits.registerWithInvitationPerIp.consume(`${c.get('clientIp')}|${invitation.limitKey}`, clock())
      : await limits.registerPerIp.consume(c.get('clientIp'), clock());
    if (!verdict.allowed) {
      c.header('Retry-After', String(verdict.retryAfterSeconds));
      return rerender({}, 429, c.get('t')('error.429.body', { seconds: verdict.retryAfterSeconds }));
    }

    if (await usernameInCoolingOff(db, parsed.data.username, clock())) return rerender({ username: 'account.error.username_cooling_off' }, 409);
    const passwordHash = await hashPassword(parsed.data.password);
    // Only a language the reader chose with the switch becomes their setting; one guessed from
    // Accept-Language is not saved, so the account keeps following the browser.
    const chosenLocale = getCookie(c, LOCALE_COOKIE);
    const user = await createUser(
      db,
      { username: parsed.data.username, displayName: parsed.data.displayName, passwordHash, locale: isLocale(chosenLocale) ? chosenLocale : null },
      clock(),
    );
    if (!user) return rerender({ username: 'auth.error.username_taken' }, 409);

    await endCurrentSession(c);
    const session = await createSession(db, user.id, clock());
    writeSessionCookie(c, session.token, secure);
    writeDeviceCookie(c, await throttle.succeeded({ address: c.get('clientIp'), usernameKey: user.usernameKey }, clock()), secure);
    const joined = invitation && invitations ? await invitations.joinAfterSignUp(invitation, user.id, clock()) : null;
    return seeOther(c, joined ?? next);
  });

  app.get('/login', (c) => {
    if (c.get('user')) return seeOther(c, safeNextPath(c.req.query('next')));
    const next = safeNextPath(c.req.query('next'));
    const t = c.get('t');
    const notice = c.req.query('done') === 'everywhere' ? t('auth.account.logout_everywhere.done') : c.req.query('next') ? t('auth.required') : undefined;
    return sendPage(c, <LoginPage page={pageContext(c)} values={{}} errors={{}} next={next} notice={notice} />);
  });

  app.post('/login', async (c) => {
    const form = await readForm(c);
    const next = safeNextPath(form.next);
    const now = clock();
    const parsed = validateForm(loginSchema, form);
    const username = parsed.ok ? parsed.data.username : '';
    // Counted now, before the slow password check (parallel guesses cannot all slip past);
    // a successful sign-in gives it back below.
    const verdict = await throttle.begin({ address: c.get('clientIp'), usernameKey: username.toLowerCase(), deviceCookie: readDeviceCookie(c, secure), now });
    if (!verdict.allowed) throw new HttpError(429, verdict.messageKey, { seconds: verdict.retryAfterSeconds }, verdict.retryAfterSeconds);

    const user = parsed.ok ? await findUserByUsername(db, username) : undefined;
    const valid = await verifyPasswordOrDummy(user?.passwordHash ?? null, parsed.ok ? parsed.data.password : '');
    if (!user || !valid) {
      return sendPage(
        c,
        <LoginPage page={pageContext(c)} values={{ username }} errors={{ _form: 'auth.error.invalid_credentials' }} next={next} />,
        422,
      );
    }

    if (user.suspendedAt !== null) {
      return sendPage(c, <LoginPage page={pageContext(c)} values={{ username }} errors={{ _form: 'moderation.suspended' }} next={next} />, 403);
    }
    await endCurrentSession(c);
    const session = await createSession(db, user.id, clock());
    writeSessionCookie(c, session.token, secure);
    writeDeviceCookie(c, await throttle.succeeded(verdict.attempt, clock()), secure);
    return seeOther(c, next);
  });

  app.post('/logout', async (c) => {
    // Signing out works even when storage refuses the delete: the browser forgets the session.
    await writeIfPossible(() => endCurrentSession(c));
    clearSessionCookie(c, secure);
    return seeOther(c, '/');
  });

  /** The language switch: saved on the account when signed in, in a cookie otherwise. */
  app.post('/locale', async (c) => {
    const form = await readForm(c);
    const next = safeNextPath(form.next);
    if (isLocale(form.locale)) {
      const user = c.get('user');
      if (user) {
        await updateLocale(db, user.id, form.locale);
        await settingsChanged(user.id, 'locale');
      }
      setCookie(c, LOCALE_COOKIE, form.locale, { path: '/', sameSite: 'Lax', httpOnly: true, secure, maxAge: 365 * 24 * 3600 });
    }
    return seeOther(c, next);
  });

  const account = new Hono<AppEnv>();
  account.use(async (c, next) => {
    if (!c.get('user')) return redirectToLogin(c);
    await next();
  });

  const renderAccount = async (c: Context<AppEnv>, extra: { profileErrors?: FieldErrors; passwordErrors?: FieldErrors; flash?: string; values?: Record<string, string> }, status: 200 | 422 = 200) => {
    const user = c.get('user')!;
    const sessionCount = await countUserSessions(db, user.id);
    return sendPage(
      c,
      <AccountPage
        page={pageContext(c)}
        account={{
          username: user.username,
          displayName: extra.values?.displayName ?? user.displayName,
          locale: user.locale ?? '',
          timeZone: user.timeZone ?? '',
          isAdmin: user.isAdmin,
          sessionCount,
        }}
        timeZones={TIME_ZONES}
        profileErrors={extra.profileErrors ?? {}}
        passwordErrors={extra.passwordErrors ?? {}}
        flash={extra.flash}
      />,
      status,
    );
  };

  account.get('/', (c) => {
    const flashKey = c.req.query('done');
    const t = c.get('t');
    const flash =
      flashKey === 'password' ? t('auth.account.password.changed') : flashKey === 'profile' ? t('form.saved') : undefined;
    return renderAccount(c, { flash });
  });

  account.post('/profile', async (c) => {
    const form = await readForm(c);
    const parsed = validateForm(profileSchema, form);
    if (!parsed.ok) return renderAccount(c, { profileErrors: parsed.errors, values: form }, 422);
    const user = c.get('user')!;
    await updateProfile(db, user.id, { displayName: parsed.data.displayName, locale: parsed.data.locale || null, timeZone: parsed.data.timeZone || null });
    await settingsChanged(user.id, 'profile');
    return seeOther(c, '/account?done=profile');
  });

  account.post('/password', async (c) => {
    const form = await readForm(c);
    const parsed = validateForm(passwordChangeSchema, form);
    if (!parsed.ok) return renderAccount(c, { passwordErrors: parsed.errors }, 422);
    const user = c.get('user')!;
    // Counted before the slow check, as in sign-in, in one step: parallel guesses cannot all pass a look first.
    const verdict = await limits.passwordChangePerUser.consume(user.usernameKey, clock());
    if (!verdict.allowed) throw tooManyRequests(verdict.retryAfterSeconds);
    if (!(await verifyPasswordOrDummy(user.passwordHash, parsed.data.currentPassword))) {
      return renderAccount(c, { passwordErrors: { currentPassword: 'auth.error.current_password' } }, 422);
    }
    await limits.passwordChangePerUser.refund(user.usernameKey);
    await updatePasswordHash(db, user.id, await hashPassword(parsed.data.newPassword));
    await deleteUserSessions(db, user.id, c.get('session')!.id);
    await settingsChanged(user.id, 'password');
    return seeOther(c, '/account?done=password');
  });

  /** Ends every session of this reader, the current one included, and goes to sign-in. */
  account.post('/logout-everywhere', async (c) => {
    await deleteUserSessions(db, c.get('user')!.id);
    clearSessionCookie(c, secure);
    return seeOther(c, '/login?done=everywhere');
  });

  app.route('/account', account);
  return app;
}
