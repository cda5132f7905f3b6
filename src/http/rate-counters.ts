/**
 * Rate-limit counters in the database (`rate_limit_counters`, db/schema/shared.ts), so that every
 * app process on one database counts against the same limits: six wrong sign-ins are six
 * whether they reached one process or three.
 *
 * Counting is ONE upsert, atomic in the engine: it inserts the key's first window, or restarts
 * an ended one, or adds one (stopping at limit + 1), and returns the window as it now stands.
 * The SQL is portable (`insert … on conflict do update … returning`, `case`, `excluded`), so
 * the PostgreSQL engine runs the same statements. In an upsert's `set`, column names are the
 * row *before* the update on both engines, which is what makes the `case` tests right.
 *
 * Windows that ended are pruned by whichever process counts first after a minute has passed.
 * When the database cannot take a write (a full disk, a read-only file: `src/http/storage-errors.ts`),
 * counting goes on in this process's memory, so the limits still hold (per process) and what
 * only reads — a sign-in check, an API read — keeps working.
 *
 * Writes go through `write` (the app passes `lightWriter`, db/connection.ts: commits that do not
 * wait for the disk; a lost count only forgives).
 *
 * @example
 * const limiters = createRateLimiters(rules, databaseRateCounters(db, lightWriter(db)));
 */
import { and, eq, lte, sql } from 'drizzle-orm';
import { first, lightWriter, prepared, type Db, type LightWrite } from '../../db/connection';
import { rateLimitCounters as counters } from '../../db/schema';
import { storageFailure } from './storage-errors';
import { MemoryRateCounters, type CounterWindow, type RateCounterStore, type RateLimitRule } from './rate-limit';

const p = (name: string) => sql.placeholder(name);
const PRUNE_EVERY_MS = 60_000;

export function databaseRateCounters(db: Db, write: LightWrite = lightWriter(db)): RateCounterStore {
  let prunedAt = Number.NEGATIVE_INFINITY;
  const read = prepared(db, 'rate-read', (db) =>
    db
      .select({ startedAt: counters.startedAt, count: counters.count })
      .from(counters)
      .where(and(eq(counters.limiter, p('limiter')), eq(counters.key, p('key'))))
      .prepare(),
  );
  // `ended` is "the stored window ended by now": started_at and ends_at in `excluded` are the new window's.
  const ended = sql`${counters.endsAt} <= excluded.started_at`;
  const count = (db: Db) => prepared(db, 'rate-count', (db) =>
    db
      .insert(counters)
      .values({ limiter: p('limiter'), key: p('key'), startedAt: p('now'), endsAt: p('endsAt'), count: 1 })
      .onConflictDoUpdate({
        target: [counters.limiter, counters.key],
        set: {
          count: sql`case when ${ended} then 1 when ${counters.count} >= ${p('cap')} then ${p('cap')} else ${counters.count} + 1 end`,
          startedAt: sql`case when ${ended} then excluded.started_at else ${counters.startedAt} end`,
          endsAt: sql`case when ${ended} then excluded.ends_at else ${counters.endsAt} end`,
        },
      })
      .returning({ startedAt: counters.startedAt, count: counters.count })
      .prepare(),
  );
  const refund = (db: Db) => prepared(db, 'rate-refund', (db) =>
    db
      .update(counters)
      .set({ count: sql`case when ${counters.count} > ${p('limit')} then ${p('limit')} - 1 when ${counters.count} > 0 then ${counters.count} - 1 else 0 end` })
      .where(and(eq(counters.limiter, p('limiter')), eq(counters.key, p('key'))))
      .prepare(),
  );
  const reset = (db: Db) => prepared(db, 'rate-reset', (db) =>
    db
      .delete(counters)
      .where(and(eq(counters.limiter, p('limiter')), eq(counters.key, p('key'))))
      .prepare(),
  );
  const prune = (db: Db) => prepared(db, 'rate-prune', (db) => db.delete(counters).where(lte(counters.endsAt, p('now'))).prepare());

  const fallback = new MemoryRateCounters();
  return {
    read: async (limiter, key) => {
      const stored = first(await read.execute({ limiter, key }));
      const kept = fallback.readNow(limiter, key);
      return kept && (!stored || kept.count > stored.count) ? kept : stored;
    },
    async count(limiter: string, key: string, now: number, rule: RateLimitRule): Promise<CounterWindow> {
      try {
        return await write(async (db) => {
          if (now - prunedAt >= PRUNE_EVERY_MS) {
            prunedAt = now;
            await prune(db).execute({ now });
          }
          return first(await count(db).execute({ limiter, key, now, endsAt: now + rule.windowMs, cap: rule.limit + 1 }))!;
        });
      } catch (error) {
        if (!storageFailure(error)) throw error;
        return fallback.countNow(limiter, key, now, rule);
      }
    },
    async refund(limiter, key, limit) {
      fallback.refundNow(limiter, key, limit);
      try {
        await write((db) => refund(db).execute({ limiter, key, limit }));
      } catch {
        // Counted in memory, given back there.
      }
    },
    async reset(limiter, key) {
      await fallback.reset(limiter, key);
      try {
        await write((db) => reset(db).execute({ limiter, key }));
      } catch {
        // Nothing stored to forget.
      }
    },
  };
}
