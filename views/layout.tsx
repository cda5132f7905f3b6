import type { Child, FC } from 'hono/jsx';
import type { PageContext } from './context';

export interface LayoutProps {
  page: PageContext;
  title: string;
  /** Language of the main content when it differs from the UI (a book's text). */
  contentLang?: string;
  /** Extra scripts from /static, loaded deferred. */
  scripts?: string[];
  /** Extra stylesheets from /static (for every medium; print rules inside with `@media print`). */
  styles?: string[];
  bodyClass?: string;
  children?: Child;
}

/** Reader font size steps: -2 … +3 around the default. */
export const FONT_STEPS = [-2, -1, 0, 1, 2, 3] as const;

export const LanguageSwitch: FC<{ page: PageContext }> = ({ page }) => (
  <form method="post" action="/locale" class="language-switch">
    <input type="hidden" name="next" value={page.currentPath} />
    <label for="locale-select" class="visually-hidden">
      {page.t('lang.switch')}
    </label>
    <select id="locale-select" name="locale" aria-label={page.t('lang.switch')}>
      <option value="ko" selected={page.locale === 'ko'}>
        {page.t('lang.ko')}
      </option>
      <option value="en" selected={page.locale === 'en'}>
        {page.t('lang.en')}
      </option>
    </select>
    <button type="submit" class="button-small">
      {page.t('lang.apply')}
    </button>
  </form>
);

/** The bell: a link to the notifications page with the unread count (from PageContext, counted while the page is drawn). */
export const NotificationBell: FC<{ page: PageContext }> = async ({ page }) => {
  const unread = (await page.unreadNotifications?.()) ?? 0;
  return (
    <a href="/notifications" class={unread > 0 ? 'nav-bell nav-bell-unread' : 'nav-bell'}>
      {page.t('notifications.bell')}
      {unread > 0 && (
        <>
          {' '}
          <span class="nav-bell-count">{unread > 99 ? '99+' : String(unread)}</span>
          <span class="visually-hidden">{page.t('notifications.bell.unread_suffix')}</span>
        </>
      )}
    </a>
  );
};

export const Layout: FC<LayoutProps> = ({ page, title, contentLang, scripts = [], styles = [], bodyClass, children }) => {
  const { t, user } = page;
  const fontStep = user?.fontStep ?? 0;
  return (
    <html lang={page.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="htmx-config" content='{"includeIndicatorCSS":false,"defaultTimeout":30000,"defaultSettleDelay":0}' />
        <title>{`${title} · ${t('app.name')}`}</title>
        <link rel="icon" href={page.asset('favicon.svg')} type="image/svg+xml" />
        <link rel="stylesheet" href={page.asset('app.css')} />
        <link rel="stylesheet" href={page.asset('print.css')} media="print" />
        {styles.map((name) => (
          <link rel="stylesheet" href={page.asset(name)} />
        ))}
        <script src={page.asset('htmx.min.js')} defer></script>
        <script src={page.asset('swap-focus.js')} defer></script>
        {scripts.map((name) => (
          <script src={page.asset(name)} defer></script>
        ))}
      </head>
      <body class={[bodyClass, `font-step-${fontStep}`].filter(Boolean).join(' ')}>
        <a class="skip-link" href="#main">
          {t('nav.skip')}
        </a>
        <header class="site-header">
          <nav class="site-nav" aria-label={t('nav.main')}>
            <a class="brand" href="/">
              {t('app.name')}
            </a>
            <a href="/library">{t('nav.library')}</a>
            {user && <a href="/clubs">{t('nav.clubs')}</a>}
            <span class="nav-spacer"></span>
            {user ? (
              <>
                <NotificationBell page={page} />
                <a href="/account" class="nav-user">
                  {user.displayName}
                </a>
                <form method="post" action="/logout" class="inline-form">
                  <button type="submit" class="button-link">
                    {t('nav.logout')}
                  </button>
                </form>
              </>
            ) : (
              <>
                <a href="/login">{t('nav.login')}</a>
                <a href="/register">{t('nav.register')}</a>
              </>
            )}
            <LanguageSwitch page={page} />
          </nav>
        </header>
        <main id="main" lang={contentLang}>
          {children}
        </main>
        {/* Short messages for screen readers from scripts (saved progress, swapped content). */}
        <div id="live-status" class="visually-hidden" role="status" aria-live="polite"></div>
        <footer class="site-footer">
          <p>{t('app.tagline')}</p>
        </footer>
      </body>
    </html>
  );
};

/** A list of form errors, announced to screen readers. */
export const FormErrors: FC<{ page: PageContext; errors: string[] }> = ({ page, errors }) =>
  errors.length === 0 ? null : (
    <div class="form-errors" role="alert">
      <p>{page.t('form.errors')}</p>
      <ul>
        {errors.map((error) => (
          <li>{error}</li>
        ))}
      </ul>
    </div>
  );

export const FieldError: FC<{ id: string; message?: string }> = ({ id, message }) =>
  message ? (
    <p class="field-error" id={id}>
      {message}
    </p>
  ) : null;
