/**
 * The notifications pages: the list (open one, mark one or all read), the preferences, and the
 * one-click unsubscribe. Every state change is a POST answered with 303; the unsubscribe POST
 * is the one that needs no session and no same-origin check (RFC 8058: the mail provider posts
 * it), and does only what its signed token says.
 */
import { Hono } from 'hono';
import { NotificationsPage, PreferencesPage, UnsubscribePage } from '../../../views/notifications/pages';
import { notFound } from '../../http/errors';
import { parseId, readForm } from '../../http/forms';
import { redirectToLogin } from '../../http/guards';
import { pageContext, seeOther, sendPage } from '../../http/page';
import type { AppEnv, AreaDeps } from '../../http/types';
import { viewerTimeZone } from '../../i18n/zoned-time';
import { notificationCan, preferencesCan } from '../policy';
import { presentNotifications } from '../present';
import { addressOf, clubsOf, deletePreference, listForRecipient, markAllRead, markRead, notificationById, preferenceRows, saveAddress, savePreference, stopEmail, unreadCount } from '../queries';
import { notify, type NotifyInput } from '../fanout';
import { NotificationsService, type NotificationsOptions } from '../service';
import { DEFAULT_PREFERENCE, type PreferencesView } from '../types';
import { readUnsubscribeToken, UNSUBSCRIBE_PATH } from '../unsubscribe';
import { checkPreferences } from '../validation';
import { inTransaction } from '../../../db/connection';
import { composeMail, PREFERENCES_PATH } from './mail';
import type { Context } from 'hono';

const LIST_LIMIT = 100;

export interface Notifications {
  routes: Hono<AppEnv>;
  service: NotificationsService;
  /** The bell's number for a reader (the page middleware asks it). */
  unreadCount: (userId: number) => number;
  /** {@link notify} bound to this app (other areas' kinds, e.g. meeting reminders); call it inside your transaction. */
  notify: (input: NotifyInput, now: number) => number | null;
}

export function createNotifications(deps: AreaDeps, options: NotificationsOptions = {}): Notifications {
  const { db, sqlite, clock, events } = deps;
  const service = new NotificationsService(deps, (row, now) => composeMail(db, deps.config.origin, row, now), options);
  const app = new Hono<AppEnv>();
  const changed = (userId: number) => events.publish({ type: 'notifications.read', actorId: userId, clubId: null, userId });

  const recipientOf = (c: Context<AppEnv>) => {
    const user = c.get('user')!;
    return { id: user.id, t: c.get('t'), locale: c.get('locale'), timeZone: viewerTimeZone(user.timeZone) };
  };

  app.get('/notifications', (c) => {
    const user = c.get('user');
    if (!user) return redirectToLogin(c);
    const items = presentNotifications(db, recipientOf(c), listForRecipient(db, user.id, LIST_LIMIT), clock());
    const done = c.req.query('done') === 'all' ? 'all' : null;
    return sendPage(c, <NotificationsPage page={pageContext(c)} items={items} unread={unreadCount(db, user.id)} done={done} />);
  });

  /** The one notification a reader may act on, or 404 (someone else's is as if it did not exist). */
  const ownNotification = (c: Context<AppEnv>, action: 'open' | 'markRead') => {
    const user = c.get('user');
    const id = parseId(c.req.param('id'));
    const notification = id !== null ? notificationById(db, id) : undefined;
    if (!notificationCan(user?.id ?? null, action, notification)) throw notFound();
    return { user: user!, notification: notification! };
  };

  app.post('/notifications/:id/open', (c) => {
    if (!c.get('user')) return redirectToLogin(c, '/notifications');
    const { user, notification } = ownNotification(c, 'open');
    if (markRead(db, user.id, notification.id, clock())) changed(user.id);
    // Where it leads is decided now, as the list would show it.
    const [view] = presentNotifications(db, recipientOf(c), [notification], clock());
    return seeOther(c, view?.href ?? '/notifications');
  });

  app.post('/notifications/:id/read', (c) => {
    if (!c.get('user')) return redirectToLogin(c, '/notifications');
    const { user, notification } = ownNotification(c, 'markRead');
    if (markRead(db, user.id, notification.id, clock())) changed(user.id);
    return seeOther(c, `/notifications#n-${notification.id}`);
  });

  app.post('/notifications/read-all', (c) => {
    const user = c.get('user');
    if (!user) return redirectToLogin(c, '/notifications');
    if (markAllRead(db, user.id, clock()) > 0) changed(user.id);
    return seeOther(c, '/notifications?done=all');
  });

  const preferencesView = (userId: number, timeZone: string | null, saved: boolean, address?: string): PreferencesView => {
    const rows = preferenceRows(db, userId);
    return {
      emailAvailable: service.mailEnabled,
      address: address ?? addressOf(db, userId) ?? '',
      timeZone: viewerTimeZone(timeZone),
      all: rows.get(0) ?? DEFAULT_PREFERENCE,
      clubs: clubsOf(db, userId).map((club) => ({ id: club.id, name: club.name, own: rows.get(club.id) ?? null })),
      saved,
    };
  };

  app.get(PREFERENCES_PATH, (c) => {
    const user = c.get('user');
    if (!preferencesCan(user?.id ?? null)) return redirectToLogin(c);
    return sendPage(c, <PreferencesPage page={pageContext(c)} view={preferencesView(user!.id, user!.timeZone, c.req.query('saved') === '1')} errors={{}} />);
  });

  app.post(PREFERENCES_PATH, async (c) => {
    const user = c.get('user');
    if (!preferencesCan(user?.id ?? null)) return redirectToLogin(c, PREFERENCES_PATH);
    const form = await readForm(c);
    const clubIds = clubsOf(db, user!.id).map((club) => club.id);
    const checked = checkPreferences(form, clubIds, service.mailEnabled);
    if (!checked.ok) {
      const view = preferencesView(user!.id, user!.timeZone, false, form.address ?? '');
      return sendPage(c, <PreferencesPage page={pageContext(c)} view={view} errors={checked.errors} />, 422);
    }
    const now = clock();
    inTransaction(sqlite, () => {
      if (checked.data.address !== undefined) saveAddress(db, user!.id, checked.data.address, now);
      savePreference(db, user!.id, 0, checked.data.all, now);
      for (const [clubId, preference] of checked.data.clubs) {
        if (preference) savePreference(db, user!.id, clubId, preference, now);
        else deletePreference(db, user!.id, clubId);
      }
    });
    return seeOther(c, `${PREFERENCES_PATH}?saved=1`);
  });

  const clubNameFor = (userId: number, clubId: number) => (clubId === 0 ? null : (clubsOf(db, userId).find((club) => club.id === clubId)?.name ?? null));

  app.get(UNSUBSCRIBE_PATH, (c) => {
    const token = c.req.query('token') ?? '';
    const who = readUnsubscribeToken(db, token);
    if (!who) return sendPage(c, <UnsubscribePage page={pageContext(c)} token="" club={null} state="invalid" />, 404);
    return sendPage(c, <UnsubscribePage page={pageContext(c)} token={token} club={clubNameFor(who.userId, who.clubId)} state="ask" />);
  });

  // RFC 8058: a POST with `List-Unsubscribe=One-Click`, from the mail provider, with no cookies.
  // The same-origin check is skipped for this path alone (src/app.tsx); the session is ignored.
  app.post(UNSUBSCRIBE_PATH, (c) => {
    const token = c.req.query('token') ?? '';
    const who = readUnsubscribeToken(db, token);
    if (!who) return sendPage(c, <UnsubscribePage page={pageContext(c)} token="" club={null} state="invalid" />, 404);
    inTransaction(sqlite, () => stopEmail(db, who.userId, who.clubId, clock()));
    return sendPage(c, <UnsubscribePage page={pageContext(c)} token="" club={null} state="done" />);
  });

  return { routes: app, service, unreadCount: (userId) => unreadCount(db, userId), notify: (input, now) => notify(service.ctx, input, now) };
}
