import type { FC } from 'hono/jsx';
import type { MessageKey } from '../../src/i18n';
import { EMAIL_MODES, type NotificationView, type Preference, type PreferencesView } from '../../src/notifications';
import type { PageContext } from '../context';
import { FieldError, FormErrors, Layout } from '../layout';

export const NotificationItem: FC<{ page: PageContext; item: NotificationView }> = ({ page, item }) => {
  const { t } = page;
  return (
    <li class={item.unread ? 'notification notification-unread' : 'notification'} id={`n-${item.id}`}>
      <form method="post" action={`/notifications/${item.id}/open`} class="notification-open">
        <button type="submit" class="button-link notification-text">
          {item.unread && <span class="visually-hidden">{t('notifications.unread')}: </span>}
          {item.text}
        </button>
      </form>
      {item.excerpt && <p class="notification-excerpt">{item.excerpt}</p>}
      <p class="notification-meta">
        {item.clubName && <span>{t('notifications.in_club', { club: item.clubName })} · </span>}
        <time datetime={item.timeIso}>{item.timeLabel}</time>
      </p>
      {item.unread && (
        <form method="post" action={`/notifications/${item.id}/read`} class="notification-mark">
          <button type="submit" class="button-small">
            {t('notifications.mark_read')}
          </button>
        </form>
      )}
    </li>
  );
};

export const NotificationsPage: FC<{ page: PageContext; items: NotificationView[]; unread: number; done: string | null }> = ({ page, items, unread, done }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t('notifications.title')}>
      <section class="narrow notifications">
        <h1>{t('notifications.title')}</h1>
        {done === 'all' && (
          <p class="flash" role="status">
            {t('notifications.marked_all')}
          </p>
        )}
        <div class="notifications-bar">
          <p>{t('notifications.unread_count', { count: unread })}</p>
          {unread > 0 && (
            <form method="post" action="/notifications/read-all">
              <button type="submit" class="button-small">
                {t('notifications.mark_all_read')}
              </button>
            </form>
          )}
          <a href="/notifications/preferences">{t('notifications.preferences_link')}</a>
        </div>
        {items.length === 0 ? (
          <p class="empty">{t('notifications.empty')}</p>
        ) : (
          <ul class="notification-list">
            {items.map((item) => (
              <NotificationItem page={page} item={item} />
            ))}
          </ul>
        )}
      </section>
    </Layout>
  );
};

const PreferenceFields: FC<{ page: PageContext; name: string; legend: string; value: Preference | null; inherit: boolean; disabled: boolean }> = ({ page, name, legend, value, inherit, disabled }) => {
  const { t } = page;
  const own = value !== null;
  const current = value ?? { inApp: true, email: 'never' };
  return (
    <fieldset class="card preference">
      <legend>{legend}</legend>
      {inherit && (
        <div class="field">
          <label for={`mode-${name}`}>{t('notifications.prefs.club_setting')}</label>
          <select id={`mode-${name}`} name={`mode_${name}`}>
            <option value="inherit" selected={!own}>
              {t('notifications.prefs.same_as_all')}
            </option>
            <option value="own" selected={own}>
              {t('notifications.prefs.own')}
            </option>
          </select>
        </div>
      )}
      <div class="field">
        <label>
          <input type="checkbox" name={`inapp_${name}`} value="1" checked={current.inApp} /> {t('notifications.prefs.in_app')}
        </label>
      </div>
      <div class="field">
        <label for={`email-${name}`}>{t('notifications.prefs.email')}</label>
        <select id={`email-${name}`} name={`email_${name}`} disabled={disabled}>
          {EMAIL_MODES.map((mode) => (
            <option value={mode} selected={current.email === mode}>
              {t(`notifications.prefs.email.${mode}`)}
            </option>
          ))}
        </select>
      </div>
    </fieldset>
  );
};

export const PreferencesPage: FC<{ page: PageContext; view: PreferencesView; errors: Partial<Record<string, MessageKey>> }> = ({ page, view, errors }) => {
  const { t } = page;
  const list = Object.values(errors)
    .filter((k): k is MessageKey => !!k)
    .map((k) => t(k));
  return (
    <Layout page={page} title={t('notifications.prefs.title')}>
      <section class="narrow notification-preferences">
        <h1>{t('notifications.prefs.title')}</h1>
        {view.saved && (
          <p class="flash" role="status">
            {t('notifications.prefs.saved')}
          </p>
        )}
        <p>{t('notifications.prefs.intro')}</p>
        {!view.emailAvailable && <p class="notice">{t('notifications.prefs.email_off')}</p>}
        {view.emailAvailable && view.address === '' && <p class="notice">{t('notifications.prefs.address_needed')}</p>}
        <FormErrors page={page} errors={list} />
        <form method="post" action="/notifications/preferences">
          {view.emailAvailable && (
            <div class={errors.address ? 'field field-invalid' : 'field'}>
              <label for="address">{t('notifications.prefs.address')}</label>
              <input id="address" name="address" type="email" autocomplete="email" maxlength={254} value={view.address} aria-describedby={errors.address ? 'address-error address-hint' : 'address-hint'} />
              <p class="field-hint" id="address-hint">
                {t('notifications.prefs.address_hint')} {t('notifications.prefs.digest_hint', { zone: view.timeZone })}
              </p>
              <FieldError id="address-error" message={errors.address && t(errors.address)} />
            </div>
          )}
          <PreferenceFields page={page} name="0" legend={t('notifications.prefs.all_clubs')} value={view.all} inherit={false} disabled={!view.emailAvailable} />
          {view.clubs.length === 0 ? (
            <p>{t('notifications.prefs.no_clubs')}</p>
          ) : (
            view.clubs.map((club) => <PreferenceFields page={page} name={String(club.id)} legend={club.name} value={club.own} inherit={true} disabled={!view.emailAvailable} />)
          )}
          <button type="submit" class="button">
            {t('notifications.prefs.save')}
          </button>
        </form>
      </section>
    </Layout>
  );
};

export const UnsubscribePage: FC<{ page: PageContext; token: string; club: string | null; state: 'ask' | 'done' | 'invalid' }> = ({ page, token, club, state }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t('notifications.unsubscribe.title')}>
      <section class="narrow">
        <h1>{t('notifications.unsubscribe.title')}</h1>
        {state === 'invalid' && <p class="form-errors">{t('notifications.unsubscribe.invalid')}</p>}
        {state === 'done' && (
          <p class="flash" role="status">
            {t('notifications.unsubscribe.done')}
          </p>
        )}
        {state === 'ask' && (
          <form method="post" action={`/notifications/unsubscribe?token=${encodeURIComponent(token)}`}>
            <p>{club ? t('notifications.unsubscribe.ask_club', { club }) : t('notifications.unsubscribe.ask_all')}</p>
            <input type="hidden" name="List-Unsubscribe" value="One-Click" />
            <button type="submit" class="button">
              {t('notifications.unsubscribe.confirm')}
            </button>
          </form>
        )}
      </section>
    </Layout>
  );
};
