/**
 * Builds the Hono application from its dependencies, and composes the areas: each area's
 * routes, what areas contribute to club pages (the slots of `src/clubs/slots.ts`), and who
 * listens to the domain event bus. Nothing here reads the environment or opens files of its
 * own, so tests create as many isolated apps as they like.
 *
 * @example
 * const { db } = openDatabase(':memory:');
 * const app = createApp({ db, config: testConfig(), clock: Date.now });
 * const res = await app.request('/healthz');
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { HomePage } from '../views/home';
import { accountRoutes } from './account';
import { API_BASE, apiRoutes, tokenPageRoutes } from './api';
import { annotationRoutes, annotationsOnChapter, annotationsOnClubHome, commentsOpenedByProgress } from './annotations';
import { authRoutes, SessionCache, sessionCookieName, sessionLoader } from './auth';
import { bookRoutes, type ImportPool } from './books';
import { clubLifeOnChapter, clubLifeOnClubHome, clubLifeRoutes } from './clublife';
import { clubRoutes, clubUploadRights, signUpInvitations, type ClubPageContributions } from './clubs';
import { InProcessEventBus, type EventBus } from './events';
import { exportRoutes, exportsOnClubHome } from './exports';
import { moderationJoinRefusal, moderationPostingGate, moderationRoutes, recordAudit } from './moderation';
import { createLive } from './live';
import { movePollsToEdition, pollRoutes, pollsOnChapter, pollsOnClubHome } from './polls';
import { createNotifications, UNSUBSCRIBE_PATH, type NotificationsOptions } from './notifications';
import { keepSearchIndexCurrent, searchOnChapter, searchOnClubHome, searchRoutes } from './search';
import { HttpError, renderError } from './http/errors';
import { bellCount, limitBody, localeChooser, requestContext, sameOriginOnly } from './http/middleware';
import { pageContext, sendPage } from './http/page';
import { DEFAULT_PAGE_CACHE_OPTIONS, invalidateOnEvents, PersonalPageCache } from './http/page-cache';
import { createRateLimiters } from './http/rate-limit';
import { databaseRateCounters } from './http/rate-counters';
import { securityHeaderSet, securityHeaders } from './http/security';
import { storageFailure, storageUnavailable } from './http/storage-errors';
import { staticRoutes } from './http/static';
import type { AppDeps, AppEnv, AreaDeps } from './http/types';
import { warmAnswers } from './http/warm-answers';
import { changeStamp, lightWriter, ping } from '../db/connection';

/** Paths that accept a book upload and so take the larger upload limit. */
export const UPLOAD_PATH = /\/upload$/;

/**
 * What fills the slots of club pages, in the order shown. A new area adds its contribution
 * here; the clubs area never learns who it is.
 */
const CLUB_PAGES: ClubPageContributions = {
  chapter: [annotationsOnChapter, pollsOnChapter, searchOnChapter, clubLifeOnChapter],
  home: [searchOnClubHome, pollsOnClubHome, annotationsOnClubHome, clubLifeOnClubHome, exportsOnClubHome],
  openedByProgress: commentsOpenedByProgress,
};

/** What only the app's composition needs beyond {@link AppDeps}. */
export interface AppOptions {
  /** Worker threads that parse uploaded books; the process-wide pool when not given. */
  importPool?: ImportPool;
  /** The notification mail transport and timers (src/notifications); from the config when not given. */
  notifications?: NotificationsOptions;
  /** Hands the notifications service to the caller (tests run its rounds by hand). */
  onNotifications?: (notifications: ReturnType<typeof createNotifications>) => void;
}

export function createApp(appDeps: AppDeps & AppOptions): Hono<AppEnv> {
  const events: EventBus =
    appDeps.events ??
    new InProcessEventBus((error, event) => appDeps.log?.({ level: 'error', message: `event listener failed on ${event.type}: ${(error as Error).message}` }));
  const pageCache = appDeps.pageCache ?? new PersonalPageCache({ ...DEFAULT_PAGE_CACHE_OPTIONS, othersStaleMs: appDeps.config.pageCacheStaleMs, maxBytes: appDeps.config.pageCacheMb * 1024 * 1024 });
  const deps: AreaDeps = { ...appDeps, pageCache, events, rateLimiters: appDeps.rateLimiters ?? createRateLimiters({}, databaseRateCounters(appDeps.db, lightWriter(appDeps.db))), joinRefusal: moderationJoinRefusal(appDeps.db) };
  invalidateOnEvents(pageCache, events);
  recordAudit(deps.db, events, deps.clock);
  const postingGate = moderationPostingGate(deps.db, deps.config.youngAccountComments);
  keepSearchIndexCurrent(deps.db, events, deps.clock);
  // Notifications listen after the audit log, whose rows are one of their sources.
  const notifications = createNotifications(deps, { timers: deps.config.notificationTimers, ...appDeps.notifications });
  appDeps.onNotifications?.(notifications);
  if (appDeps.notifications?.timers ?? deps.config.notificationTimers) {
    notifications.service.start();
    deps.onShutdown?.(() => notifications.service.stop());
  }

  const app = new Hono<AppEnv>();
  const smallBodies = limitBody(deps.config.maxBodyBytes);
  const uploads = limitBody(deps.config.maxUploadBytes + 64 * 1024);

  const https = deps.config.origin.startsWith('https://');
  const headerSet = securityHeaderSet({ https });

  // Health check and static files come first: they need no session or language, and answering
  // them with one prebuilt header object keeps them on the server's fast path.
  const plainText = { ...headerSet, 'Content-Type': 'text/plain; charset=UTF-8', 'Cache-Control': 'no-store' };
  const health = () =>
    ping(deps.db).then(
      () => new Response('ok', { headers: plainText }),
      () => new Response('database unavailable', { status: 503, headers: plainText }),
    );
  app.get('/healthz', health);
  app.route('/', staticRoutes(headerSet, deps.config.filesDir));

  // Other processes' events first, so this request sees their writes in every cache here.
  const catchUp = events.catchUp?.bind(events);
  if (catchUp) {
    app.use(async (_c, next) => {
      await catchUp();
      return next();
    });
  }
  app.use(requestContext(deps));
  app.use(securityHeaders({ https }));
  // The JSON API answers before the session loader and the same-origin check: only bearer
  // tokens authenticate it, never cookies (src/api/routes/index.ts).
  app.route(API_BASE, apiRoutes(deps, postingGate));
  // Validated sessions are kept while the database is unchanged; warm answers (below) use them too.
  const sessions = new SessionCache(deps.db);
  app.use(sessionLoader(deps, sessions));
  app.use((c, next) => {
    c.set('postingGate', postingGate);
    return next();
  });
  app.use(localeChooser());
  app.use(bellCount(notifications.unreadCount));
  // RFC 8058 one-click unsubscribe is posted by mail providers, cross-site and without cookies:
  // only that exact path skips the same-origin check (its signed token is the permission).
  const sameOrigin = sameOriginOnly(deps.config.origin);
  app.use((c, next) => (c.req.method === 'POST' && c.req.path === UNSUBSCRIBE_PATH ? next() : sameOrigin(c, next)));
  app.use((c, next) => (UPLOAD_PATH.test(c.req.path) ? uploads(c, next) : smallBodies(c, next)));

  app.get('/', (c) => sendPage(c, <HomePage page={pageContext(c)} />));
  app.route('/', accountRoutes(deps));
  app.route('/', tokenPageRoutes(deps));
  app.route('/', authRoutes(deps, signUpInvitations(deps)));
  app.route('/', bookRoutes(deps, clubUploadRights(deps), appDeps.importPool));
  // The live chapter page (src/live): its contribution is bound to this app's open streams.
  const live = createLive(deps);
  app.route('/', clubRoutes(deps, { ...CLUB_PAGES, chapter: [...CLUB_PAGES.chapter, live.onChapter], home: [live.onClubHome, ...CLUB_PAGES.home] }));
  app.route('/', live.routes);
  app.route('/', annotationRoutes(deps, [movePollsToEdition]));
  app.route('/', pollRoutes(deps));
  app.route('/', clubLifeRoutes(deps, { notify: notifications.notify }));
  app.route('/', moderationRoutes(deps));
  app.route('/', searchRoutes(deps));
  app.route('/', exportRoutes(deps));
  app.route('/', notifications.routes);

  app.notFound((c) => renderError(c, 404));
  app.onError((error, c) => {
    if (error instanceof HttpError) {
      if (error.retryAfterSeconds) c.header('Retry-After', String(error.retryAfterSeconds));
      return renderError(c, error.status as 403 | 404 | 413 | 429, error.messageKey, error.params);
    }
    if (error instanceof HTTPException && [403, 404, 413, 429].includes(error.status)) {
      return renderError(c, error.status as 403 | 404 | 413 | 429);
    }
    const storage = storageFailure(error);
    if (storage) {
      deps.log?.({ level: 'error', requestId: c.get('requestId'), message: `storage ${storage}: ${error.message}`, method: c.req.method, path: c.req.path });
      return storageUnavailable(c, storage);
    }
    deps.log?.({ level: 'error', requestId: c.get('requestId'), message: error.message, stack: error.stack });
    return renderError(c, 500);
  });

  // Load balancers ask /healthz constantly: answer it before routing at all (it is still also a
  // route, for HEAD and for anything that walks the router).
  // A reader's chapter page again, unchanged since the pipeline decided it, is answered from the
  // page cache before routing too (src/http/warm-answers.ts says when, and why that is safe).
  const routed = app.fetch;
  const warm = warmAnswers({ cache: pageCache, stamp: changeStamp(deps.db), recognise: (token, now) => sessions.recognise(token, now), sessionCookie: sessionCookieName(https), clock: deps.clock, log: deps.log });
  app.fetch = (request, env, executionCtx) => {
    const url = request.url;
    if (request.method === 'GET' && url.endsWith('/healthz') && url.indexOf('/', url.indexOf('//') + 2) === url.length - 8) return health();
    return warm(request) ?? routed(request, env, executionCtx);
  };
  return app;
}
