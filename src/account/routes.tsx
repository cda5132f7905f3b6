/** Members' rights: downloading one's data and deleting one's account. */
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { transaction } from '../../db/connection';
import { DeleteAccountPage, GoodbyePage } from '../../views/account/pages';
import { clearSessionCookie, verifyPasswordOrDummy } from '../auth';
import { tooManyRequests } from '../http/errors';
import { readForm, type FieldErrors } from '../http/forms';
import { redirectToLogin } from '../http/guards';
import { pageContext, seeOther, sendPage } from '../http/page';
import type { AppEnv, AreaDeps } from '../http/types';
import { buildExport } from './present';
import { clubsOnlyOwnedBy, clubsTouchedBy, deleteAccount } from './queries';
import { checkCommentChoice, PASSWORD_FIELD_MAX } from './validation';

export function accountRoutes(deps: AreaDeps): Hono<AppEnv> {
  const { db, clock, events, rateLimiters: limits, config, pageCache } = deps;
  const secure = config.origin.startsWith('https://');
  const app = new Hono<AppEnv>();

  app.get('/account/export', async (c) => {
    const user = c.get('user');
    if (!user) return redirectToLogin(c, '/account');
    const now = clock();
    const data = await buildExport(db, user.id, now);
    if (!data) return redirectToLogin(c, '/account');
    const date = new Date(now).toISOString().slice(0, 10);
    c.header('Content-Type', 'application/json; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="marginalia-${user.username}-${date}.json"`);
    c.header('Cache-Control', 'no-store');
    return c.body(JSON.stringify(data, null, 2));
  });

  const render = async (c: Parameters<typeof pageContext>[0], choice: string, errors: FieldErrors, status: 200 | 409 | 422 = 200) => {
    const user = c.get('user')!;
    const soleOwnerOf = (await clubsOnlyOwnedBy(db, user.id)).map((club) => club.name);
    const view = { username: user.username, soleOwnerOf, choice };
    return sendPage(c, <DeleteAccountPage page={pageContext(c)} view={view} errors={errors} />, status);
  };

  app.get('/account/delete', (c) => {
    if (!c.get('user')) return redirectToLogin(c, '/account/delete');
    return render(c, '', {});
  });

  app.post('/account/delete', async (c) => {
    const user = c.get('user');
    if (!user) return redirectToLogin(c, '/account/delete');
    const form = await readForm(c);
    const choice = checkCommentChoice(form.comments);
    const password = typeof form.password === 'string' ? form.password.normalize('NFC') : '';
    const errors: FieldErrors = {};
    if (choice !== 'delete' && choice !== 'keep') errors.comments = choice;
    if (password.length === 0 || password.length > PASSWORD_FIELD_MAX) errors.password = 'account.error.password';
    if (Object.keys(errors).length) return render(c, form.comments ?? '', errors, 422);
    if ((await clubsOnlyOwnedBy(db, user.id)).length) return render(c, form.comments ?? '', {}, 409);

    // Counted before the slow check, in one step: parallel guesses cannot all pass a look first.
    const verdict = await limits.passwordChangePerUser.consume(user.usernameKey, clock());
    if (!verdict.allowed) throw tooManyRequests(verdict.retryAfterSeconds);
    if (!(await verifyPasswordOrDummy(user.passwordHash, password))) {
      return render(c, form.comments ?? '', { password: 'account.error.password' }, 422);
    }
    await limits.passwordChangePerUser.refund(user.usernameKey);

    const now = clock();
    const tombstoneKey = `~former-${randomBytes(8).toString('hex')}`;
    const touched = await clubsTouchedBy(db, user.id);
    const refused = await transaction(db, async (tx) => {
      // Checked again inside the transaction: someone may have changed roles meanwhile.
      if ((await clubsOnlyOwnedBy(tx, user.id)).length) return true;
      await deleteAccount(tx, user, choice as 'delete' | 'keep', now, tombstoneKey);
      return false;
    });
    if (refused) return render(c, form.comments ?? '', {}, 409);

    clearSessionCookie(c, secure);
    await events.publish({ type: 'account.deleted', actorId: user.id, clubId: null, userId: user.id });
    // The event names no club; every club the member was in shows their name or comments.
    for (const clubId of touched) pageCache.noteChange(null, clubId);
    return seeOther(c, '/goodbye');
  });

  app.get('/goodbye', (c) => sendPage(c, <GoodbyePage page={pageContext(c)} />));

  return app;
}
