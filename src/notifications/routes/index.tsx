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
import { notify, withDb, type NotifyInput } from '../fanout';
import { NotificationsService, type NotificationsOptions } from '../service';
import { DEFAULT_PREFERENCE, type PreferencesView } from '../types';
import { readUnsubscribeToken, UNSUBSCRIBE_PATH } from '../unsubscribe';
import { checkPreferences } from '../validation';
import { transaction, type Db } from '../../../db/connection';
import { composeMail, PREFERENCES_PATH } from './mail';
import type { Context } from 'hono';

const LIST_LIMIT = 100;

export interface Notifications {
  routes: Hono<AppEnv>;
  service: NotificationsService;
  /** The bell's number for a reader (the page middleware asks it). */
  unreadCount: (userId: number) => Promise<number>;
  /**
   * {@link notify} bound to this app (other areas' kinds, e.g. meeting reminders). Call it
   * inside your transaction and pass that transaction's handle as `db` (without it, it writes
   * through the app's outer handle, which waits for an open transaction: a deadlock inside one).
   */
  notify: (input: NotifyInput, now: number, db?: Db) => Promise<number | null>;
}

export function createNotifications(deps: AreaDeps, options: NotificationsOptions = {}): Notifications {
  const { db, clock, events } = deps;
  const service = new NotificationsService(deps, (tx, row, now) => composeMail(tx, deps.config.origin, row, now), options);
  const app = new Hono<AppEnv>();
  const changed = async (userId: number) => {
    await events.publish({ type: 'notifications.read', actorId: userId, clubId: null, userId });
  };

  const recipientOf = (c: Context<AppEnv>) => {
    const user = c.get('user')!;
    return { id: user.id, t: c.get('t'), locale: c.get('locale'), timeZone: viewerTimeZone(user.timeZone) };
  };

  app.get('/notifications', async (c) => {
    const user = c.get('user');
    if (!user) return redirectToLogin(c);
    const items = await presentNotifications(db, recipientOf(c), await listForRecipient(db, user.id, LIST_LIMIT), clock());
    const unread = await unreadCount(db, user.id);
    const done = c.req.query('done') === 'all' ? 'all' : null;
    return sendPage(c, <NotificationsPage page={await pageContext(c)} items={items} unread={unread} done={done} />);
  });

  /** The one notification a reader may act on, or 404 (someone else's is as if it did not exist). */
  const ownNotification = async (c: Context<AppEnv>, action: 'open' | 'markRead') => {
    const user = c.get('user');
    const id = parseId(c.req.param('id'));
    const notification = id !== null ? await notificationById(db, id) : undefined;
    if (!notificationCan(user?.id ?? null, action, notification)) throw notFound();
    return { user: user!, notification: notification! };
  };

  app.post('/notifications/:id/open', async (c) => {
    if (!c.get('user')) return redirectToLogin(c, '/notifications');
    const { user, notification } = await ownNotification(c, 'open');
    if (await markRead(db, user.id, notification.id, clock())) await changed(user.id);
    // Where it leads is decided now, as the list would show it.
    const [view] = await presentNotifications(db, recipientOf(c), [notification], clock());
    return seeOther(c, view?.href ?? '/notifications');
  });

  app.post('/notifications/:id/read', async (c) => {
    if (!c.get('user')) return redirectToLogin(c, '/notifications');
    const { user, notification } = await ownNotification(c, 'markRead');
    if (await markRead(db, user.id, notification.id, clock())) await changed(user.id);
    return seeOther(c, `/notifications#n-${notification.id}`);
  });

  app.post('/notifications/read-all', async (c) => {
    const user = c.get('user');
    if (!user) return redirectToLogin(c, '/notifications');
    if ((await markAllRead(db, user.id, clock())) > 0) await changed(user.id);
    return seeOther(c, '/notifications?done=all');
  });

  const preferencesView = async (userId: number, timeZone: string | null, saved: boolean, address?: string): Promise<PreferencesView> => {
    const rows = await preferenceRows(db, userId);
    return {
      emailAvailable: service.mailEnabled,
      address: address ?? (await addressOf(db, userId)) ?? '',
      timeZone: viewerTimeZone(timeZone),
      all: rows.get(0) ?? DEFAULT_PREFERENCE,
      clubs: (await clubsOf(db, userId)).map((club) => ({ id: club.id, name: club.name, own: rows.get(club.id) ?? null })),
      saved,
    };
  };

  app.get(PREFERENCES_PATH, async (c) => {
    const user = c.get('user');
    if (!preferencesCan(user?.id ?? null)) return redirectToLogin(c);
    const view = await preferencesView(user!.id, user!.timeZone, c.req.query('saved') === '1');
    return sendPage(c, <PreferencesPage page={await pageContext(c)} view={view} errors={{}} />);
  });

  app.post(PREFERENCES_PATH, async (c) => {
    const user = c.get('user');
    if (!preferencesCan(user?.id ?? null)) return redirectToLogin(c, PREFERENCES_PATH);
    const form = await readForm(c);
    const clubIds = (await clubsOf(db, user!.id)).map((club) => club.id);
    const checked = checkPreferences(form, clubIds, service.mailEnabled);
    if (!checked.ok) {
      const view = await preferencesView(user!.id, user!.timeZone, false, form.address ?? '');
      return sendPage(c, <PreferencesPage page={await pageContext(c)} view={view} errors={checked.errors} />, 422);
    }
    const now = clock();
    await transaction(db, async (tx) => {
      if (checked.data.address !== undefined) await saveAddress(tx, user!.id, checked.data.address, now);
      await savePreference(tx, user!.id, 0, checked.data.all, now);
      for (const [clubId, preference] of checked.data.clubs) {
        if (preference) await savePreference(tx, user!.id, clubId, preference, now);
        else await deletePreference(tx, user!.id, clubId);
      }
    });
    return seeOther(c, `${PREFERENCES_PATH}?saved=1`);
  });

  const clubNameFor = async (userId: number, clubId: number) => (clubId === 0 ? null : ((await clubsOf(db, userId)).find((club) => club.id === clubId)?.name ?? null));

  app.get(UNSUBSCRIBE_PATH, async (c) => {
    const token = c.req.query('token') ?? '';
    const who = await readUnsubscribeToken(db, token);
    if (!who) return sendPage(c, <UnsubscribePage page={await pageContext(c)} token="" club={null} state="invalid" />, 404);
    const club = await clubNameFor(who.userId, who.clubId);
    return sendPage(c, <UnsubscribePage page={await pageContext(c)} token={token} club={club} state="ask" />);
  });

  // RFC 8058: a POST with `List-Unsubscribe=One-Click`, from the mail provider, with no cookies.
  // The same-origin check is skipped for this path alone (src/app.tsx); the session is ignored.
  app.post(UNSUBSCRIBE_PATH, async (c) => {
    const token = c.req.query('token') ?? '';
    const who = await readUnsubscribeToken(db, token);
    if (!who) return sendPage(c, <UnsubscribePage page={await pageContext(c)} token="" club={null} state="invalid" />, 404);
    await transaction(db, (tx) => stopEmail(tx, who.userId, who.clubId, clock()));
    return sendPage(c, <UnsubscribePage page={await pageContext(c)} token="" club={null} state="done" />);
  });

  return {
    routes: app,
    service,
    unreadCount: (userId) => unreadCount(db, userId),
    notify: (input, now, tx = db) => notify(withDb(service.ctx, tx), input, now),
  };
}
