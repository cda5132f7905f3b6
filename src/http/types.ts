import type { Config } from '../config';
import type { Db, Sqlite } from '../../db/connection';
import type { User } from '../../db/schema';
import type { Locale, Translator } from '../i18n';
import type { Session } from '../auth/session';
import type { PersonalPageCache } from './page-cache';
import type { RateLimiters } from './rate-limit';
import type { ImportPool } from '../books/import/pool';

/** Everything the app needs from outside; tests build as many isolated apps as they like. */
export interface AppDeps {
  db: Db;
  sqlite: Sqlite;
  config: Config;
  /** Milliseconds since the epoch; tests move time by passing their own clock. */
  clock: () => number;
  rateLimiters?: RateLimiters;
  /** Rendered personal pages (see page-cache.ts); createApp makes one when not given. */
  pageCache?: PersonalPageCache;
  log?: (line: Record<string, unknown>) => void;
  /** Worker threads that parse uploaded books; the process-wide pool when not given. */
  importPool?: ImportPool;
}

export interface AppVariables {
  requestId: string;
  user: User | null;
  session: Session | null;
  locale: Locale;
  t: Translator;
  clientIp: string;
}

export interface AppEnv {
  Variables: AppVariables;
}
