/**
 * Configuration from the environment, read once at start-up. Every knob has a default that
 * works on a fresh machine, so `npm start` needs no setup.
 */
export interface Config {
  port: number;
  host: string;
  /** The public origin (scheme://host[:port]); CSRF checks and the Secure cookie follow it. */
  origin: string;
  databasePath: string;
  /**
   * `DATABASE_URL`: a `postgres://…` (or `postgresql://…`) URL runs the app on PostgreSQL
   * (db/connection-pg.ts); unset, on the SQLite file at `databasePath`.
   */
  databaseUrl: string | null;
  /** `full`: every acknowledged commit survives a power cut; `normal`: only a crash of the app (README, "Backups and durability"). */
  databaseSynchronous: 'full' | 'normal';
  /** Folder of books imported on first start. */
  contentDir: string;
  /** Whether to import `contentDir` at start-up. */
  importContent: boolean;
  /** Largest request body accepted, except uploads. */
  maxBodyBytes: number;
  /** Largest book upload. */
  maxUploadBytes: number;
  logRequests: boolean;
  /** Take the client address from X-Forwarded-For (only behind a reverse proxy you run). */
  trustProxy: boolean;
  /** Posts (comments, votes, uploads, joins) a reader may make per minute. */
  postingPerMinute: number;
  /** A folder whose files are served at /files/<name> (the benchmark's static baseline); off when empty. */
  filesDir: string;
  /** How long others' changes in a club may take to show on a cached chapter page (ms). */
  pageCacheStaleMs: number;
  /** Memory budgets of the caches, in MB: readers' pages (gzipped), rendered chapter text, comments (rendered bodies and chapters' comment rows). */
  pageCacheMb: number;
  textCacheMb: number;
  commentCacheMb: number;
  /** Comments an account younger than a day may post per 10 minutes (0 = no extra limit). */
  youngAccountComments: number;
  /** Live streams (src/live) one reader may hold open at once, and the whole process. */
  liveStreamsPerMember: number;
  liveStreamsMax: number;
  /** Whether chapter pages open a live stream (src/live); on unless LIVE_UPDATES=false (docs/live.md). */
  liveUpdates: boolean;
  /** Notification e-mail (src/notifications): `smtp://user:pass@host:587` or `smtps://…`; e-mail is off when empty. */
  smtpUrl: string;
  /** The sender of notification e-mail, e.g. `Marginalia <reading@example.org>`; e-mail is off when empty. */
  mailFrom: string;
  /** Whether the notification worker and scheduler run on timers (the server; tests run them by hand). */
  notificationTimers: boolean;
  /** How often each process reads the shared event log for other processes' events (ms; docs/operations.md). */
  eventsPollMs: number;
}

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
export const DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

function intFrom(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number.parseInt(value, 10);
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`Expected a whole number, got "${value}"`);
  return parsed;
}

function synchronousFrom(value: string | undefined): 'full' | 'normal' {
  const setting = (value || 'full').toLowerCase();
  if (setting !== 'full' && setting !== 'normal') throw new Error(`DATABASE_SYNCHRONOUS must be "full" or "normal", got "${value}"`);
  return setting;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = intFrom(env.PORT, 3000);
  const host = env.HOST || '127.0.0.1';
  const origin = (env.ORIGIN || `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host === '127.0.0.1' ? 'localhost' : host}:${port}`).replace(/\/+$/, '');
  return {
    port,
    host,
    origin,
    databasePath: env.DATABASE_PATH || 'data/marginalia.db',
    databaseUrl: databaseUrlFrom(env.DATABASE_URL),
    databaseSynchronous: synchronousFrom(env.DATABASE_SYNCHRONOUS),
    contentDir: env.CONTENT_DIR || 'content',
    importContent: env.IMPORT_CONTENT !== 'false',
    maxBodyBytes: intFrom(env.MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES),
    maxUploadBytes: intFrom(env.MAX_UPLOAD_BYTES, DEFAULT_MAX_UPLOAD_BYTES),
    logRequests: env.LOG_REQUESTS !== 'false',
    trustProxy: env.TRUST_PROXY === 'true',
    postingPerMinute: intFrom(env.POSTING_RATE_LIMIT, 30),
    filesDir: env.FILES_DIR || '',
    pageCacheStaleMs: intFrom(env.PAGE_CACHE_STALE_MS, 1000),
    pageCacheMb: intFrom(env.PAGE_CACHE_MB, 64),
    textCacheMb: intFrom(env.TEXT_CACHE_MB, 32),
    commentCacheMb: intFrom(env.COMMENT_CACHE_MB, 32),
    youngAccountComments: intFrom(env.YOUNG_ACCOUNT_COMMENTS, 3),
    liveStreamsPerMember: intFrom(env.LIVE_STREAMS_PER_MEMBER, 5),
    liveStreamsMax: intFrom(env.LIVE_STREAMS_MAX, 2000),
    liveUpdates: env.LIVE_UPDATES !== 'false',
    smtpUrl: env.SMTP_URL || '',
    mailFrom: env.MAIL_FROM || '',
    notificationTimers: env.NOTIFICATION_TIMERS !== 'false',
    eventsPollMs: Math.max(10, intFrom(env.EVENTS_POLL_MS, 150)),
  };
}

/** Configuration for tests: everything explicit, nothing from the environment. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    origin: 'http://localhost:3000',
    databasePath: ':memory:',
    databaseUrl: null,
    databaseSynchronous: 'full',
    contentDir: 'content',
    importContent: false,
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES,
    logRequests: false,
    trustProxy: true,
    postingPerMinute: 30,
    filesDir: '',
    pageCacheStaleMs: 0,
    pageCacheMb: 64,
    textCacheMb: 32,
    commentCacheMb: 32,
    youngAccountComments: 0,
    liveStreamsPerMember: 5,
    liveStreamsMax: 2000,
    liveUpdates: true,
    smtpUrl: '',
    mailFrom: '',
    notificationTimers: false,
    eventsPollMs: 150,
    ...overrides,
  };
}

/** A PostgreSQL URL, or null (SQLite); anything else is refused at start-up rather than guessed at. */
function databaseUrlFrom(value: string | undefined): string | null {
  if (!value) return null;
  if (!/^postgres(ql)?:\/\//.test(value)) throw new Error(`DATABASE_URL must be a postgres:// URL (unset it to use the SQLite file at DATABASE_PATH); got ${value.split(':')[0]}:…`);
  return value;
}
