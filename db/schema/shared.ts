import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * What several app processes on one database share, beyond the areas' own rows (see
 * docs/operations.md). Every table here is small and short-lived: losing it only forgives (a
 * rate limit), re-trusts (a sign-in address) or lets a cache run to its age limit.
 */

/**
 * Fixed-window rate-limit counters, one row per limiter and key (src/http/rate-limit.ts). A
 * window starts at the first event counted for the key and lasts the limiter's window; one
 * upsert starts, counts or restarts it atomically, whichever process asks. `count` stops at
 * limit + 1 (refused events are not counted). Rows whose window ended are pruned.
 */
export const rateLimitCounters = sqliteTable(
  'rate_limit_counters',
  {
    limiter: text('limiter').notNull(),
    key: text('key').notNull(),
    startedAt: integer('started_at').notNull(),
    endsAt: integer('ends_at').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.limiter, t.key] }), index('rate_limit_counters_ends_idx').on(t.endsAt)],
);

/**
 * The domain events, appended after their commit by the process that published them, and
 * followed by every process (src/events/shared.ts): each delivers the others' events to its own
 * per-process listeners (page caches, live streams). `origin` is the publishing process's id,
 * `payload` the event as JSON (ids and facts only). Rows are pruned after a few minutes.
 */
export const sharedEvents = sqliteTable(
  'shared_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    origin: text('origin').notNull(),
    payload: text('payload').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('shared_events_created_idx').on(t.createdAt)],
);

/**
 * One row per scheduled job and tick (the first due tick after the job's last run): the process
 * that inserts it runs the job, the others skip it. A claim whose run is transactional commits
 * with the work; one that is not (digests) holds a lease, and a claim whose lease ran out before
 * it was `doneAt` may be taken again.
 */
export const jobClaims = sqliteTable(
  'job_claims',
  {
    job: text('job').notNull(),
    tick: integer('tick').notNull(),
    owner: text('owner').notNull(),
    claimedAt: integer('claimed_at').notNull(),
    leaseUntil: integer('lease_until').notNull(),
    doneAt: integer('done_at'),
  },
  (t) => [primaryKey({ columns: [t.job, t.tick] })],
);

/**
 * Where each account last signed in from (the sign-in throttle's trusted addresses,
 * src/auth/login-throttle.ts): at most a few per account, for 30 days.
 */
export const loginKnownAddresses = sqliteTable(
  'login_known_addresses',
  {
    usernameKey: text('username_key').notNull(),
    address: text('address').notNull(),
    lastAt: integer('last_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.usernameKey, t.address] })],
);

/** Small values every process must agree on (the sign-in throttle's device-cookie key), written once. */
export const sharedSecrets = sqliteTable('shared_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  createdAt: integer('created_at').notNull(),
});
