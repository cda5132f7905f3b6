/** Turning a request's context into what views need, and sending whole pages. */
import type { Context } from 'hono';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { PageContext } from '../../views/context';
import { assetUrl } from './static';
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
    currentPath: url.pathname + url.search,
    asset: assetUrl,
  };
}

type Rendered = HtmlEscapedString | Promise<HtmlEscapedString> | null;

/** Sends a full HTML document (with its doctype, so browsers use standards mode). */
export async function sendPage(c: Context<AppEnv>, element: Rendered, status: 200 | 400 | 403 | 404 | 409 | 413 | 422 | 429 | 500 = 200) {
  c.header('Cache-Control', 'no-store');
  return c.html(`<!doctype html>${await element}`, status);
}

/** Sends an HTML fragment for htmx. */
export async function sendFragment(c: Context<AppEnv>, element: Rendered, status: 200 | 400 | 403 | 404 | 409 | 422 | 429 = 200) {
  c.header('Cache-Control', 'no-store');
  return c.html(`${(await element) ?? ''}`, status);
}

/** Redirect after a successful POST (303 so the browser follows with GET); htmx follows HX-Redirect-free 303s too. */
export function seeOther(c: Context<AppEnv>, location: string) {
  return c.redirect(location, 303);
}
