/** Turning a request's context into what views need, and sending whole pages. */
import type { Context } from 'hono';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { PageContext } from '../../views/context';
import type { PageScope, PersonalPageCache } from './page-cache';
import { LOCALE_COOKIE } from '../i18n';
import { cookieFrom } from './forms';
import { assetUrl } from './static';
import { answerKey } from './warm-answers';
import type { AppEnv } from './types';

export function pageContext(c: Context<AppEnv>): PageContext {
  const user = c.get('user');
  const url = new URL(c.req.url);
  return {
    t: c.get('t'),
    locale: c.get('locale'),
    user: user
      ? { id: user.id, username: user.username, displayName: user.displayName, isAdmin: user.isAdmin, fontStep: user.fontStep }
      : null,
    currentPath: returnPath(c, url),
    unreadNotifications: user ? unreadOnce(c, user.id) : undefined,
    asset: assetUrl,
  };
}

/** The bell's count, asked only when a page draws the bell (fragments never do), once per request. */
function unreadOnce(c: Context<AppEnv>, userId: number): (() => Promise<number>) | undefined {
  const unreadFor = c.get('unreadFor');
  if (!unreadFor) return undefined;
  let count: Promise<number> | undefined;
  return () => (count ??= unreadFor(userId));
}

/**
 * Where "this page" is for links back to it (the language switch's `next`). A page drawn in
 * answer to a POST (a refused form, 422) has a URL that GET does not serve, so it is the page
 * the form was sent from: the Referer's path (sent for our own pages only, `Referrer-Policy:
 * same-origin`; the POST passed the same-origin check; `/locale` keeps `next` on the site),
 * else the home page.
 */
function returnPath(c: Context<AppEnv>, url: URL): string {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return url.pathname + url.search;
  try {
    const from = new URL(c.req.header('referer') ?? '');
    return from.pathname + from.search;
  } catch {
    return '/';
  }
}

type Rendered = HtmlEscapedString | Promise<HtmlEscapedString> | null;
type HtmlStatus = 200 | 400 | 403 | 404 | 409 | 410 | 413 | 422 | 429 | 500 | 503;

/** Below this size compressing costs more than it saves. */
const COMPRESS_MIN_BYTES = 1400;

export function acceptsGzip(c: Context): boolean {
  return /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
}

/**
 * Gzip at level 4: for HTML it gets within a few percent of level 9 at a third of the CPU,
 * which matters because pages are personal (no shared cache) and compressed per request.
 * A page kept in the page cache is compressed once and sent many times: it takes level 6
 * (zlib's default, as static files are), 7 % fewer bytes to write for the chapter page.
 */
export function gzipHtml(html: string, level = 4): Uint8Array<ArrayBuffer> {
  return new Uint8Array(gzipSync(html, { level }));
}

/** Sends HTML, gzipped when the client accepts it and it is worth it. Private: never cached by proxies. */
export function sendHtml(c: Context<AppEnv>, html: string, status: HtmlStatus = 200) {
  c.header('Cache-Control', 'no-store');
  c.header('Vary', 'Accept-Encoding, Accept-Language, Cookie');
  if (html.length >= COMPRESS_MIN_BYTES && acceptsGzip(c)) {
    c.header('Content-Type', 'text/html; charset=UTF-8');
    c.header('Content-Encoding', 'gzip');
    return c.body(gzipHtml(html), status);
  }
  return c.html(html, status);
}

/** A whole HTML document as a string (our components are synchronous). */
export function renderDocument(element: { toString(): string | Promise<string> }): string {
  const html = element.toString();
  if (typeof html !== 'string') throw new Error('renderDocument needs synchronous components');
  return `<!doctype html>${html}`;
}

/**
 * The HTML of a rendered element. A JSX element is not itself a promise: with an async
 * component inside (the bell's unread count), its `toString()` is the promise of the HTML.
 */
async function htmlOf(element: Rendered): Promise<string> {
  const rendered = await element;
  return rendered === null ? '' : String(await rendered.toString());
}

/** Sends a full HTML document (with its doctype, so browsers use standards mode). */
export async function sendPage(c: Context<AppEnv>, element: Rendered, status: HtmlStatus = 200) {
  return sendHtml(c, `<!doctype html>${await htmlOf(element)}`, status);
}

/** Sends an HTML fragment for htmx. */
export async function sendFragment(c: Context<AppEnv>, element: Rendered, status: Exclude<HtmlStatus, 413 | 500> = 200) {
  return sendHtml(c, await htmlOf(element), status);
}

/** Redirect after a successful POST (303 so the browser follows with GET); htmx follows HX-Redirect-free 303s too. */
export function seeOther(c: Context<AppEnv>, location: string) {
  return c.redirect(location, 303);
}

/**
 * Sends a signed-in reader's page (or thread fragment) from the personal page cache, rendering
 * it on a miss.
 * Call it only after every access check has passed; the cache decides nothing about access.
 * `remember`: the checks before this call depended only on the database and the request's
 * session, path and language, so the same request may be answered again from the cache before
 * the middleware chain while the database is unchanged (src/http/warm-answers.ts).
 */
export async function sendPersonalPage(c: Context<AppEnv>, cache: PersonalPageCache, scope: PageScope, now: number, render: () => Promise<string>, variant = '', options: { remember?: boolean } = {}) {
  // Keyed by path, not query: a reader cannot push others' pages out with made-up query strings.
  // `variant` tells apart what one path answers in several forms (a fragment, an order).
  const key = `${scope.userId}|${c.get('locale')}|${c.req.path}${variant ? `|${variant}` : ''}`;
  // The live page (src/live) asks for a fragment again because it just changed: answer it fresh.
  const fresh = c.req.header('X-Live-Refresh') !== undefined;
  let page = fresh ? undefined : cache.get(key, scope, now);
  if (!page) {
    const versions = cache.versionsOf(scope); // before the reads: a change meanwhile leaves it stale
    page = cache.set(key, scope, await render(), now, versions);
  }
  c.header('Cache-Control', 'no-store');
  c.header('Vary', 'Accept-Encoding, Accept-Language, Cookie');
  c.header('Content-Type', 'text/html; charset=UTF-8');
  if (acceptsGzip(c)) {
    c.header('Content-Encoding', 'gzip');
    const response = c.body(page.gzip);
    if (options.remember && !fresh) rememberAnswer(c, cache, key, scope, response);
    return response;
  }
  return c.body(new Uint8Array(gunzipSync(page.gzip)));
}

/** Remembers what was decided for this request (warm-answers.ts), when it is one the warm path could be asked. */
function rememberAnswer(c: Context<AppEnv>, cache: PersonalPageCache, pageKey: string, scope: PageScope, response: Response) {
  const session = c.get('session');
  const stamp = c.get('dataStamp');
  const url = c.req.url;
  const pathStart = url.indexOf('/', url.indexOf('//') + 2);
  if (!session || session.userId !== scope.userId || !stamp || c.req.method !== 'GET' || c.req.header('hx-request') !== undefined || c.req.header('x-live-refresh') !== undefined || url.includes('?', pathStart)) return;
  const cookies = c.req.header('cookie') ?? '';
  const localeCookie = cookieFrom(cookies, LOCALE_COOKIE);
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) {
    if (name === 'set-cookie') return;
    if (name !== 'x-request-id') headers[name] = value;
  }
  cache.remember(answerKey(session.id, url.slice(pathStart), localeCookie, c.req.header('accept-language')), { pageKey, scope, stamp, headers: Object.freeze(headers) });
}
