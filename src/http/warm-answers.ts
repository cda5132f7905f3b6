/**
 * Warm answers: a signed-in reader's chapter page, answered again before the middleware chain
 * when nothing it was decided from can have changed.
 *
 * A page from the personal page cache (page-cache.ts) still cost the server 2.5× sending the
 * same bytes as a file: the session query and hash, the club and membership, the current
 * reading, language, security headers and routing ran again for every request, only to reach
 * the same decision. Those decisions depend on the request (the session cookie, the path, the
 * language cookie and `Accept-Language`), on the database, and on the clock. So when the full
 * pipeline has served a page from the cache (`sendPersonalPage` with `remember`), what it
 * decided is remembered under those request inputs, with the database's change stamp read
 * when the request began (`changeStamp`, db/connection.ts), and the same answer is given again
 * — the same stored gzip bytes with the same headers and a new request id — only while:
 *
 * - the stamp has not moved: any write anywhere (a ban, a removed member, a changed role, a
 *   sign-out, a suspension, a new setting, a comment) sends the next request the full way;
 * - the cookie's session is one the auth area's session cache vouches for right now (the
 *   secret checked in constant time, not expired, no renewal due), so a page is only ever
 *   answered to the session it was decided for;
 * - the page itself is still fresh by the page cache's own rules (the reader's own changes at
 *   once, others' within `othersStaleMs`, nothing older than `maxAgeMs`);
 * - the request is a plain `GET` of a path without a query, accepting gzip, not an htmx request
 *   and not a live-page refresh; anything else goes the full way.
 *
 * Only routes whose checks before the cache depend on nothing but the database and these
 * inputs may ask to be remembered (the chapter page does: club access and the current reading).
 *
 * @example
 * const warm = warmAnswers({ cache, stamp, recognise, sessionCookie: 'marginalia_session', clock });
 * app.fetch = (request, ...rest) => warm(request) ?? routed(request, ...rest);
 */
import { randomUUID } from 'node:crypto';
import { LOCALE_COOKIE } from '../i18n';
import { cookieFrom } from './forms';
import type { PageScope, PersonalPageCache } from './page-cache';

/** What the full pipeline decided for one request's inputs. */
export interface RememberedAnswer {
  pageKey: string;
  scope: PageScope;
  /** The database's change stamp when the deciding request began. */
  stamp: string;
  /** The response headers as sent, without the request id and without cookies. */
  headers: Readonly<Record<string, string>>;
}

/** The request inputs a personal page is decided from, as one key. */
export function answerKey(sessionId: string, path: string, localeCookie: string | undefined, acceptLanguage: string | null | undefined): string {
  return `${sessionId}\n${path}\n${localeCookie ?? ''}\n${acceptLanguage ?? ''}`;
}

export interface WarmAnswerOptions {
  cache: PersonalPageCache;
  stamp: () => string;
  /** The session the cookie's token is, when the auth area can vouch for it without the database. */
  recognise: (token: string, now: number) => { session: { id: string; userId: number } } | null;
  sessionCookie: string;
  clock: () => number;
  log?: (line: Record<string, unknown>) => void;
}

/** Answers a request from what the full pipeline remembered, or returns undefined (go the full way). */
export function warmAnswers(options: WarmAnswerOptions): (request: Request) => Response | undefined {
  const { cache, stamp, recognise, sessionCookie, clock, log } = options;
  const answer = (request: Request) => {
    if (request.method !== 'GET' || !cache.hasAnswers) return undefined;
    const headers = request.headers;
    const cookies = headers.get('cookie');
    if (!cookies || headers.has('hx-request') || headers.has('x-live-refresh') || !/\bgzip\b/.test(headers.get('accept-encoding') ?? '')) return undefined;
    const url = request.url;
    const pathStart = url.indexOf('/', url.indexOf('//') + 2);
    if (pathStart < 0 || url.includes('?', pathStart)) return undefined;
    const token = cookieFrom(cookies, sessionCookie);
    if (!token) return undefined;
    const now = clock();
    const started = log ? performance.now() : 0;
    const recognised = recognise(token, now);
    if (!recognised) return undefined;
    const path = url.slice(pathStart);
    const remembered = cache.answer(answerKey(recognised.session.id, path, cookieFrom(cookies, LOCALE_COOKIE), headers.get('accept-language')));
    if (!remembered || remembered.scope.userId !== recognised.session.userId || remembered.stamp !== stamp()) return undefined;
    const page = cache.get(remembered.pageKey, remembered.scope, now);
    if (!page) return undefined;
    const requestId = randomUUID();
    log?.({ level: 'info', requestId, method: 'GET', path, status: 200, ms: Math.round((performance.now() - started) * 10) / 10, user: remembered.scope.userId, warm: true });
    return new Response(page.gzip, { headers: { ...remembered.headers, 'X-Request-Id': requestId } });
  };
  return (request) => {
    try {
      return answer(request);
    } catch {
      return undefined; // a database that cannot answer: the full way says so properly
    }
  };
}
