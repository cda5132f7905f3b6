/**
 * Error responses in the reader's language. Stack traces go to the log with the request id,
 * never to the browser.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ErrorPage } from '../../views/error';
import { negotiateLocale, translator, type MessageKey, type MessageParams } from '../i18n';
import { safeNextPath } from './forms';
import { pageContext, sendPage } from './page';
import type { AppEnv } from './types';

/** Thrown by handlers and policy checks; rendered as a translated error page. */
export class HttpError extends HTTPException {
  constructor(
    status: 403 | 404 | 413 | 429,
    readonly messageKey?: MessageKey,
    readonly params?: MessageParams,
    readonly retryAfterSeconds?: number,
  ) {
    super(status, { message: messageKey ?? String(status) });
  }
}

export const notFound = () => new HttpError(404);
export const forbidden = (messageKey?: MessageKey) => new HttpError(403, messageKey);
/** 429 with the seconds to wait, sent as `Retry-After` and said in the reader's language. */
export const tooManyRequests = (seconds: number) => new HttpError(429, 'error.429.body', { seconds }, seconds);

const TITLES: Record<number, { title: MessageKey; body: MessageKey }> = {
  403: { title: 'error.403.title', body: 'error.403.body' },
  404: { title: 'error.404.title', body: 'error.404.body' },
  413: { title: 'error.413.title', body: 'error.413.body' },
  429: { title: 'error.429.title', body: 'error.429.body' },
  500: { title: 'error.500.title', body: 'error.500.body' },
  503: { title: 'error.503.title', body: 'error.503.body' },
};

export function renderError(c: Context<AppEnv>, status: 403 | 404 | 413 | 429 | 500 | 503, messageKey?: MessageKey, params: MessageParams = {}) {
  // An error thrown before the language was chosen (say, the database failing while the session
  // loads) still gets a page in the browser's language rather than a crash in the error handler.
  if (!c.get('t')) {
    const locale = negotiateLocale(null, c.req.header('accept-language'));
    c.set('locale', locale);
    c.set('t', translator(locale));
  }
  if (c.get('user') === undefined) c.set('user', null);
  const t = c.get('t');
  const keys = TITLES[status] ?? TITLES[500]!;
  const message = t(messageKey ?? keys.body, { requestId: c.get('requestId'), ...params });
  if (c.req.header('hx-request') === 'true') {
    c.header('Cache-Control', 'no-store');
    return c.html(`<p class="flash flash-error" role="alert">${escapeHtml(message)}</p>`, status);
  }
  // A refusal to wait sends people back to where they were (the form they sent, kept by the
  // browser's history), not to the home page.
  const back = status === 429 ? sameSiteReferrer(c) : null;
  return sendPage(c, <ErrorPage page={pageContext(c)} title={t(keys.title)} message={message} back={back ? { href: back, label: t('error.429.back') } : undefined} />, status);
}

/** The path of the page that sent this request, when it is one of ours; else null. */
function sameSiteReferrer(c: Context<AppEnv>): string | null {
  const referrer = c.req.header('referer');
  if (!referrer) return null;
  try {
    const from = new URL(referrer);
    if (from.host !== new URL(c.req.url).host) return null;
    const path = safeNextPath(from.pathname + from.search, '');
    return path || null;
  } catch {
    return null;
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
