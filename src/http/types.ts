import type { Config } from '../config';
import type { Db } from '../../db/connection';
import type { User } from '../../db/schema';
import type { EventBus } from '../events';
import type { Locale, Translator } from '../i18n';
import type { PostingGate } from './guards';
import type { PersonalPageCache } from './page-cache';
import type { RateLimiters } from './rate-limit';

/** Everything the app needs from outside; tests build as many isolated apps as they like. */
export interface AppDeps {
  /** The database, on either engine (db/connection.ts). */
  db: Db;
  config: Config;
  /** Milliseconds since the epoch; tests move time by passing their own clock. */
  clock: () => number;
  rateLimiters?: RateLimiters;
  /** Rendered personal pages (see page-cache.ts); createApp makes one when not given. */
  pageCache?: PersonalPageCache;
  /** The domain event bus (see src/events); createApp makes an in-process one when not given. */
  events?: EventBus;
  log?: (line: Record<string, unknown>) => void;
  /** Registers what must run when the process shuts down (src/server.ts runs them on SIGTERM). */
  onShutdown?: (hook: () => void | Promise<void>) => void;
}

/** What every area's routes receive from `createApp`: the dependencies, with nothing left to default. */
export interface AreaDeps extends AppDeps {
  rateLimiters: RateLimiters;
  pageCache: PersonalPageCache;
  events: EventBus;
  /**
   * Why `userId` may not become a member of `clubId` (a ban), or null. Built in `src/app.tsx`
   * from the moderation area; the clubs area asks it before a public join or an invitation.
   */
  joinRefusal?: (clubId: number, userId: number) => Promise<'banned' | null>;
}

/** The session on a request, as the auth area stores it. */
export interface RequestSession {
  id: string;
  userId: number;
  createdAt: number;
  expiresAt: number;
}

export interface AppVariables {
  requestId: string;
  user: User | null;
  session: RequestSession | null;
  locale: Locale;
  t: Translator;
  clientIp: string;
  /** The database's change stamp when the request began (`changeStamp`, set by `requestContext`). */
  dataStamp?: string;
  /** Set by `src/app.tsx` on every request; see `PostingGate` in guards.ts. */
  postingGate?: PostingGate;
  /** Counts a reader's unread notifications, for the bell (set by `bellCount`, asked by `pageContext`). */
  unreadFor?: (userId: number) => Promise<number>;
}

export interface AppEnv {
  Variables: AppVariables;
}
