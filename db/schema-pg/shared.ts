/** PostgreSQL mirror of db/schema/shared.ts (what each table and column means is written there). */
import { index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { millis } from './columns';

export const rateLimitCounters = pgTable(
  'rate_limit_counters',
  {
    limiter: text('limiter').notNull(),
    key: text('key').notNull(),
    startedAt: millis('started_at').notNull(),
    endsAt: millis('ends_at').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.limiter, t.key] }), index('rate_limit_counters_ends_idx').on(t.endsAt)],
);

export const sharedEvents = pgTable(
  'shared_events',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    origin: text('origin').notNull(),
    payload: text('payload').notNull(),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [index('shared_events_created_idx').on(t.createdAt)],
);

export const jobClaims = pgTable(
  'job_claims',
  {
    job: text('job').notNull(),
    tick: millis('tick').notNull(),
    owner: text('owner').notNull(),
    claimedAt: millis('claimed_at').notNull(),
    leaseUntil: millis('lease_until').notNull(),
    doneAt: millis('done_at'),
  },
  (t) => [primaryKey({ columns: [t.job, t.tick] })],
);

export const loginKnownAddresses = pgTable(
  'login_known_addresses',
  {
    usernameKey: text('username_key').notNull(),
    address: text('address').notNull(),
    lastAt: millis('last_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.usernameKey, t.address] })],
);

export const sharedSecrets = pgTable('shared_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  createdAt: millis('created_at').notNull(),
});
