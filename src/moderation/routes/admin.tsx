/**
 * Site administration (admins only) and the reader's own moderation record.
 *
 *   GET  /admin                          the first tab (every account)
 *   GET  /admin/users                    every account
 *   POST /admin/users/:userId/suspend    suspend=yes|no (+ reason): sessions end at once, sign-in refused
 *   GET  /admin/books                    the library, with the clubs reading each book
 *   POST /admin/books/:bookId/remove     only when no club reads (or read) it
 *   GET  /account/moderation             actions moderators took on my content and membership
 */
import { Hono } from 'hono';
import { AdminBooksPage, AdminUsersPage, LogPage } from '../../../views/moderation/pages';
import { endSessionsOf } from '../../auth';
import { notFound } from '../../http/errors';
import { parseId, readForm } from '../../http/forms';
import { redirectToLogin, refuse } from '../../http/guards';
import { pageContext, seeOther, sendPage } from '../../http/page';
import type { AppEnv, AreaDeps } from '../../http/types';
import { formatDateTime, viewerTimeZone } from '../../i18n/zoned-time';
import { adminCan } from '../policy';
import { logEntryViews } from '../present';
import * as q from '../queries';
import { checkReason } from '../validation';
import type { C } from './shared';

export function adminRoutes(deps: AreaDeps): Hono<AppEnv> {
  const { db, clock, events } = deps;
  const app = new Hono<AppEnv>();
  const format = (c: C) => {
    const zone = viewerTimeZone(c.get('user')?.timeZone);
    return (ms: number) => formatDateTime(ms, c.get('locale'), zone);
  };

  async function usersPage(c: C, status: 200 | 422 = 200, error?: string) {
    const me = c.get('user')!;
    const fmt = format(c);
    const t = c.get('t');
    const notice = error ?? (c.req.query('done') === 'suspended' ? t('moderation.admin.done_suspended') : c.req.query('done') === 'unsuspended' ? t('moderation.admin.done_unsuspended') : null);
    const users = (await q.listUsers(db)).map((u) => ({ id: u.id, username: u.username, displayName: u.displayName, isAdmin: u.isAdmin, joined: fmt(u.createdAt), suspended: u.suspendedAt !== null, canSuspend: adminCan(me, 'suspend', { userId: u.id }) }));
    return sendPage(c, <AdminUsersPage page={pageContext(c)} users={users} notice={notice} />, status);
  }

  app.get('/admin', (c) => (adminCan(c.get('user'), 'listUsers') ? seeOther(c, '/admin/users') : refuse(c, '/admin')));
  app.get('/admin/users', (c) => (adminCan(c.get('user'), 'listUsers') ? usersPage(c) : refuse(c, '/admin/users')));

  app.post('/admin/users/:userId/suspend', async (c) => {
    const me = c.get('user');
    if (!adminCan(me, 'suspend')) return refuse(c, '/admin/users');
    const userId = parseId(c.req.param('userId'));
    const target = userId === null ? undefined : await q.userById(db, userId);
    if (!target) throw notFound();
    if (!adminCan(me, 'suspend', { userId: target.id })) return refuse(c);
    const form = await readForm(c);
    const suspend = form.suspend === 'yes';
    const reason = checkReason(form, false);
    if (!reason.ok) return usersPage(c, 422, c.get('t')(reason.error));
    if (suspend === (target.suspendedAt !== null)) return seeOther(c, '/admin/users');
    await q.setSuspended(db, target.id, suspend ? clock() : null);
    if (suspend) await endSessionsOf(db, target.id);
    await events.publish({ type: 'account.suspended', actorId: me!.id, clubId: null, userId: target.id, suspended: suspend, reason: reason.value });
    return seeOther(c, `/admin/users?done=${suspend ? 'suspended' : 'unsuspended'}`);
  });

  async function booksPage(c: C, status: 200 | 409 = 200, error: string | null = null) {
    const t = c.get('t');
    const notice = c.req.query('done') === 'removed' ? t('moderation.admin.done_book_removed') : null;
    const books = await q.libraryBooks(db);
    return sendPage(c, <AdminBooksPage page={pageContext(c)} books={books} notice={notice} error={error} />, status);
  }

  app.get('/admin/books', (c) => (adminCan(c.get('user'), 'removeBook') ? booksPage(c) : refuse(c, '/admin/books')));

  app.post('/admin/books/:bookId/remove', async (c) => {
    const me = c.get('user');
    if (!adminCan(me, 'removeBook')) return refuse(c, '/admin/books');
    const bookId = parseId(c.req.param('bookId'));
    const outcome = bookId === null ? null : await q.removeBook(db, bookId);
    if (!outcome || outcome.title === null) throw notFound();
    if (!outcome.removed) return booksPage(c, 409, c.get('t')('moderation.admin.book_in_use', { clubs: outcome.clubs.join(', ') }));
    await events.publish({ type: 'book.removed', actorId: me!.id, clubId: null, bookId: bookId!, title: outcome.title });
    return seeOther(c, '/admin/books?done=removed');
  });

  app.get('/account/moderation', async (c) => {
    const user = c.get('user');
    if (!user) return redirectToLogin(c);
    const t = c.get('t');
    const rows = await q.logAbout(db, user.id);
    // The author learns what happened and why, not which moderator did it.
    const entries = logEntryViews(t, format(c), rows.map((r) => ({ ...r, who: r.clubName ?? t('moderation.log.site'), target: user.displayName })));
    return sendPage(c, <LogPage page={pageContext(c)} title={t('moderation.mine.title')} back={{ href: '/account', label: t('moderation.mine.back') }} entries={entries} />);
  });

  return app;
}
